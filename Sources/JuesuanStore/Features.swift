import Foundation
import HummingbirdBcrypt
import Juesuan
import Logging
import NIOPosix
import SQLKit
import Tracing

/// What every feature of the store shares: the one database handle, the settings, the catalogue and
/// rules in force, and what is kept between requests. Created once by `Cycle`.
final class StoreContext: Sendable {
    let backend: any Backend
    let settings: Cycle.Settings
    let catalog: Catalog
    let rules: RuleCatalogue
    let catalogueVersion: String
    let logger: Logger
    /// Part 3 and the scored forms of versions already shown (versions never change).
    let partsCache = PartsCache()
    let summaryCache = SummaryCache()
    let findingsCache = VersionCache<[StoredFinding]>(limit: 512)
    let datasetCache = VersionCache<Disclosure>(limit: 128)
    let counts = CountCache()
    /// Sums of runs of units for 汇总 (`Consolidating.consolidation`), by the versions they hold.
    let runSums = VersionCache<Disclosure>(limit: 512)
    /// Verified against when a login does not exist, so that timing does not tell which logins exist.
    let dummyHash: String

    init(backend: any Backend, settings: Cycle.Settings, rules: RuleCatalogue?, logger: Logger) throws {
        self.backend = backend
        self.settings = settings
        catalog = try Engine.catalog()
        self.rules = try rules ?? Engine.rules()
        catalogueVersion = Cycle.fingerprint(self.rules)
        self.logger = logger
        dummyHash = Bcrypt.hash("juesuan", cost: settings.bcryptCost)
    }
}

/// One feature of the store: a type over the shared `StoreContext`. The database handle is never public:
/// every operation goes through its feature's checks (tests reach it with `@testable import` to play an
/// attacker who writes past them).
protocol Feature: Sendable {
    var context: StoreContext { get }
}

extension Feature {
    var backend: any Backend { context.backend }
    var settings: Cycle.Settings { context.settings }
    var catalog: Catalog { context.catalog }
    var rules: RuleCatalogue { context.rules }
    var catalogueVersion: String { context.catalogueVersion }
    var logger: Logger { context.logger }
    var partsCache: PartsCache { context.partsCache }
    var summaryCache: SummaryCache { context.summaryCache }
    var findingsCache: VersionCache<[StoredFinding]> { context.findingsCache }
    var datasetCache: VersionCache<Disclosure> { context.datasetCache }
    var counts: CountCache { context.counts }
    var runSums: VersionCache<Disclosure> { context.runSums }
    var dummyHash: String { context.dummyHash }

    // The other features, for an operation that spans two (an upload notifies, a publication reads a report).
    var sessions: Sessions { Sessions(context: context) }
    var people: People { People(context: context) }
    var organisation: Organisation { Organisation(context: context) }
    var schedule: Schedule { Schedule(context: context) }
    var reports: Reports { Reports(context: context) }
    var drafts: Drafts { Drafts(context: context) }
    var budgets: Budgets { Budgets(context: context) }
    var consolidating: Consolidating { Consolidating(context: context) }
    var batchAudits: BatchAudits { BatchAudits(context: context) }
    var auditTrail: AuditTrail { AuditTrail(context: context) }
    var publishing: Publishing { Publishing(context: context) }
    var messages: Messages { Messages(context: context) }

    /// Runs `body`, telling `settings.observe` how long it took.
    func timed<T: Sendable>(_ step: Cycle.Timing, _ body: () async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        defer { settings.observe?(step, started.duration(to: .now)) }
        // A child of the request's span when tracing is on (`serve --trace-endpoint`); nothing otherwise.
        return try await withSpan("juesuan." + step.rawValue) { _ in try await body() }
    }

    /// Runs blocking engine work (reading, checking, building) on the thread pool, off the event loops.
    func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }

    // MARK: - Audit log

    /// Appends one entry (inside the caller's transaction).
    func log(_ db: any SQLDatabase, actor: String, ip: String, action: String, org: String?, orgPath: String?,
             target: String, before: String? = nil, after: String? = nil, detail: String? = nil) async throws {
        try await db.raw("""
            INSERT INTO audit_log (at, actor, ip, action, org, org_path, target, before, after, detail)
            VALUES (\(bind: Clock.stamp()), \(bind: actor), \(bind: ip), \(bind: action), \(bind: org), \(bind: orgPath),
                    \(bind: target), \(bind: before), \(bind: after), \(bind: detail))
            """).run()
    }

    func log(_ db: any SQLDatabase, _ caller: Caller, action: String, org: Org?, target: String, before: String? = nil,
             after: String? = nil, detail: String? = nil) async throws {
        try await log(db, actor: caller.user.login, ip: caller.ip, action: action, org: org?.code, orgPath: org?.path,
                      target: target, before: before, after: after, detail: detail)
    }

    // MARK: - Organisation lookups

    func org(_ db: any SQLDatabase, _ code: String) async throws -> Org? {
        guard let row = try await db.raw("SELECT \(OrgRecord.columns()) FROM orgs WHERE code = \(bind: code)").first() else { return nil }
        return try OrgRecord(row).org
    }


    /// The organisation `code`, when the caller may see it (403 otherwise, 404 when it does not exist).
    func visibleOrg(_ db: any SQLDatabase, _ caller: Caller, _ code: String) async throws -> Org {
        // A code that no organisation can have (NUL, spaces, 1 MB) is not looked up at all.
        guard Cycle.isCode(code), let org = try await org(db, code) else { throw StoreError.notFound("没有编码为“\(code.prefix(60))”的单位。") }
        guard caller.sees(org.path) else { throw StoreError.forbidden("单位“\(org.name)”（\(code)）不在您的管辖范围内。") }
        return org
    }

}

/// Logging in and out, sessions and one's own password (Sessions.swift).
public struct Sessions: Feature {
    let context: StoreContext
}

/// Accounts: created, changed, unlocked, reset, imported, listed (People.swift, UserImport.swift).
public struct People: Feature {
    let context: StoreContext
}

/// The organisation tree: imported, bootstrapped, listed, renamed; progress by 主管部门 (OrgImport.swift, OrgTree.swift).
public struct Organisation: Feature {
    let context: StoreContext
}

/// The yearly tasks: layout, deadline, sign-off (Schedule.swift).
public struct Schedule: Feature {
    let context: StoreContext
}

/// Reports and versions: upload, check, findings, explanations, 批注, states, inbox, progress, comparison (Reports.swift, CarryOver.swift, Remarks.swift, Versions.swift).
public struct Reports: Feature {
    let context: StoreContext
}

/// A report filled in the browser or in a fillable workbook (Drafts.swift).
public struct Drafts: Feature {
    let context: StoreContext
}

/// 部门预算: pages, blank and fillable workbooks, 汇总, publication (BudgetReports.swift, BudgetArchive.swift).
public struct Budgets: Feature {
    let context: StoreContext
}

/// 汇总 of a subtree: the view, its workbook and PDF, consolidated versions (Compare.swift).
public struct Consolidating: Feature {
    let context: StoreContext
}

/// Batch audits of published documents: batches, jobs, the worker's queue, exports (Batch.swift).
public struct BatchAudits: Feature {
    let context: StoreContext
}

/// The audit log as read by those who may (AuditTrail.swift; entries are written by every feature through `log`).
public struct AuditTrail: Feature {
    let context: StoreContext
}

/// Publication: the public package of a report, the public index, the logo (Publishing.swift, Site.swift).
public struct Publishing: Feature {
    let context: StoreContext
}

/// Messages to units, reminders, mail waiting to be sent (Messages.swift, Mail.swift).
public struct Messages: Feature {
    let context: StoreContext
}
