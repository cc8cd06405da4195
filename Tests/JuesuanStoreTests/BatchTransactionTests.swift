import Foundation
@testable import JuesuanStore
import JuesuanTestSupport
import SQLKit
import Juesuan
import JuesuanLedger
import JuesuanCore
import JuesuanRules
import Testing

/// One transaction shared by many operations (the bulk load): writes inside are savepoints of it, reads
/// inside see them, others see nothing until the batch ends, and a refused operation is undone alone.
@Suite("one transaction for a batch of operations")
struct BatchTransactionTests {
    static func count(_ cycle: Cycle, _ marker: String) async throws -> Int {
        try await cycle.backend.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = \(bind: marker)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    static func mark(_ cycle: Cycle, _ marker: String) async throws {
        try await cycle.backend.write { db in
            try await cycle.log(db, actor: "test", ip: "test", action: marker, org: nil, orgPath: nil, target: "batch")
        }
    }

    @Test("kept together, seen inside, unseen outside until the end; a failing write undone alone", arguments: StoreKind.available)
    func batch(kind: StoreKind) async throws {
        let harness = try await Harness.make(kind, demo: false)
        defer { Task { await harness.close() } }
        let cycle = harness.cycle
        let outsideSeen = SeenCount()
        try await cycle.backend.batch {
            try await Self.mark(cycle, "batch-kept")
            try await Self.mark(cycle, "batch-kept")
            // A write that fails is rolled back to its savepoint; the batch goes on.
            await #expect(throws: (any Error).self) {
                try await cycle.backend.write { db in
                    try await cycle.log(db, actor: "test", ip: "test", action: "batch-undone", org: nil, orgPath: nil, target: "batch")
                    try await db.raw("SELECT * FROM no_such_table").run()
                }
            }
            #expect(try await Self.count(cycle, "batch-kept") == 2)
            #expect(try await Self.count(cycle, "batch-undone") == 0)
            // Another task (no batch of its own) does not see what the batch has not committed.
            let seen = try await Task.detached { try await Self.count(cycle, "batch-kept") }.value
            outsideSeen.set(seen)
        }
        #expect(outsideSeen.value == 0)
        #expect(try await Self.count(cycle, "batch-kept") == 2)
        #expect(try await Self.count(cycle, "batch-undone") == 0)

        // A batch that throws stores nothing.
        struct Stop: Error {}
        await #expect(throws: Stop.self) {
            try await cycle.backend.batch {
                try await Self.mark(cycle, "batch-dropped")
                throw Stop()
            }
        }
        #expect(try await Self.count(cycle, "batch-dropped") == 0)
    }

    @Test("a bulk-loaded jurisdiction is what the operations one by one make", arguments: StoreKind.available)
    func demoThroughTheOperations(kind: StoreKind) async throws {
        let harness = try await Harness.make(kind, synthetic: 30, signoff: true)
        defer { Task { await harness.close() } }
        let cycle = harness.cycle
        let rows = try await cycle.backend.read { db in
            try await db.raw("SELECT org, state, current_version, unexplained, confirmed_revision FROM reports WHERE year = 2021").all()
        }
        #expect(rows.count == 30)
        var submitted = 0
        for row in rows {
            let state = try row.decode(column: "state", as: String.self)
            #expect(try row.decode(column: "current_version", as: Int.self) == 1)
            if state != ReportState.drafting.rawValue {
                submitted += 1
                #expect(try row.decode(column: "unexplained", as: Int.self) == 0)
                #expect(try row.decode(column: "confirmed_revision", as: Int?.self) != nil)
            }
        }
        #expect(submitted >= 5)
        // Each step left its own audit line, as it does one request at a time.
        let actions = try await cycle.backend.read { db in
            try await db.raw("SELECT action, COUNT(*) AS n FROM audit_log GROUP BY action").all()
                .reduce(into: [String: Int]()) { $0[try $1.decode(column: "action", as: String.self)] = try $1.decode(column: "n", as: Int.self) }
        }
        #expect(actions["upload"] == 30)
        #expect(actions["confirm"] == submitted)
        #expect((actions["explain"] ?? 0) > 0)
    }
}

/// A value set by one task and read by another.
final class SeenCount: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = -1
    var value: Int { lock.lock(); defer { lock.unlock() }; return stored }
    func set(_ value: Int) { lock.lock(); stored = value; lock.unlock() }
}

@Suite("a version's findings kept after the first read")
struct FindingsCacheTests {
    @Test("kept findings carry the latest explanations, and a version rolled back is never kept (its findings, its dataset)", arguments: StoreKind.available)
    func keptFindings(kind: StoreKind) async throws {
        let harness = try await Harness.make(kind, synthetic: 3)
        defer { Task { await harness.close() } }
        let cycle = harness.cycle
        let filler = Caller(user: try await cycle.sessions.login(login: "tianbao", password: Harness.password, ip: "test").user, ip: "test")
        let org = try #require(try await cycle.backend.read { db in try await cycle.org(db, Cycle.demoExample) })
        let synthesizer = Synthesizer(seed: 7, year: 2021, catalog: cycle.catalog)
        func checked(_ number: Int) throws -> (Disclosure, [Finding]) {
            var ledger = synthesizer.ledger(number)
            ledger.unit = "武汉市江汉区人民政府办公室"
            let disclosure = try LedgerDerivation.disclosure(ledger, catalog: cycle.catalog)
            return (disclosure, Engine.check(disclosure, rules: cycle.rules, catalog: cycle.catalog))
        }
        // A version stored inside a batch that then fails: read there, and gone after.
        struct Stop: Error {}
        let (first, firstFindings) = try checked(1)
        await #expect(throws: Stop.self) {
            try await cycle.backend.batch {
                _ = try await cycle.reports.storeVersion(filler, org: org, year: 2021, kind: .ledger, filename: "a.csv", content: Data("a".utf8),
                                                 disclosure: first, findings: firstFindings)
                let page = try await cycle.reports.reportPage(filler, year: 2021, org: Cycle.demoExample, version: nil)
                #expect(page.shown?.dataset.tables == first.tables)
                throw Stop()
            }
        }
        // Another version takes the same number: its own findings are read, not the rolled-back ones.
        var (second, secondFindings) = try checked(2)
        secondFindings.removeAll { $0.severity == .warning }
        secondFindings.append(Finding(rule: "T-TEST", severity: .warning, message: "测试用警告"))
        _ = try await cycle.reports.storeVersion(filler, org: org, year: 2021, kind: .ledger, filename: "b.csv", content: Data("b".utf8),
                                         disclosure: second, findings: secondFindings)
        let (version, read) = try await cycle.reports.findings(filler, year: 2021, org: Cycle.demoExample, version: nil)
        #expect(version.number == 1)
        #expect(read.map(\.message) == StoredFinding.keyed(secondFindings).map(\.message))
        for _ in 0..<2 {
            let page = try await cycle.reports.reportPage(filler, year: 2021, org: Cycle.demoExample, version: nil)
            #expect(page.shown?.dataset.tables == second.tables)
        }
        // Read again (kept), after an explanation: the explanation is there.
        let warning = try #require(read.first { $0.rule == "T-TEST" })
        _ = try await cycle.reports.explain(filler, year: 2021, org: Cycle.demoExample, version: 1, finding: warning.key, text: "经核实无误，系测试。")
        let (_, again) = try await cycle.reports.findings(filler, year: 2021, org: Cycle.demoExample, version: nil)
        #expect(again.first { $0.key == warning.key }?.explanation == "经核实无误，系测试。")
        #expect(again.map(\.key) == read.map(\.key))
    }
}

@Suite("counts kept until something is committed")
struct CountCacheTests {
    @Test("progress and the inbox's total change as soon as a report does, on this server or another", arguments: StoreKind.available)
    func countsFollowCommits(kind: StoreKind) async throws {
        let harness = try await Harness.make(kind, synthetic: 6)
        defer { Task { await harness.close() } }
        let cycle = harness.cycle
        // A second server on the same database (PostgreSQL); SQLite has one server.
        let other = kind == .postgres ? try await Cycle.open(data: harness.folder.path, database: harness.database, settings: {
            var settings = Cycle.Settings(); settings.bcryptCost = 4; return settings
        }()) : cycle
        let finance = Caller(user: try await cycle.sessions.login(login: "caizheng", password: Harness.password, ip: "test").user, ip: "test")
        let filler = Caller(user: try await other.sessions.login(login: "tianbao", password: Harness.password, ip: "test").user, ip: "test")
        let before = try await cycle.reports.progress(finance, year: 2021)
        #expect(try await cycle.reports.progress(finance, year: 2021).byState == before.byState)
        let missing = try await cycle.reports.inbox(finance, year: 2021, state: nil, problem: .missing, query: nil, paging: Paging(offset: 0, limit: 50)).total
        #expect(try await cycle.reports.inbox(finance, year: 2021, state: nil, problem: .missing, query: nil, paging: Paging(offset: 0, limit: 50)).total == missing)
        // The example unit uploads its first version (on the other server when there is one).
        _ = try await other.reports.upload(filler, year: 2021, org: Cycle.demoExample, filename: "workbook.xlsx", bytes: Workbooks.asPrinted)
        let after = try await cycle.reports.inbox(finance, year: 2021, state: nil, problem: .missing, query: nil, paging: Paging(offset: 0, limit: 50)).total
        #expect(after == missing - 1)
        let progress = try await cycle.reports.progress(finance, year: 2021)
        #expect(progress.total == before.total)
        #expect(progress.withErrors + progress.unexplained >= before.withErrors + before.unexplained)
        #expect(progress.byState != before.byState || progress.unexplained != before.unexplained || progress.withErrors != before.withErrors)
        if kind == .postgres { await other.close() }
    }
}

@Suite("the reads of a report page use their indexes")
struct QueryPlanTests {
    @Test("history by its index, versions listed from their covering index (SQLite)")
    func plans() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 3)
        defer { Task { await harness.close() } }
        let plans = try await harness.cycle.backend.read { db in
            let history = try await db.raw("""
                EXPLAIN QUERY PLAN SELECT id, at FROM audit_log WHERE target = 'report:x' ORDER BY id DESC LIMIT 100
                """).all().map { try $0.decode(column: "detail", as: String.self) }.joined(separator: " | ")
            let versions = try await db.raw("""
                EXPLAIN QUERY PLAN SELECT \(VersionRecord.columns()) FROM versions WHERE report = 'x' ORDER BY number DESC LIMIT 50
                """).all().map { try $0.decode(column: "detail", as: String.self) }.joined(separator: " | ")
            return (history, versions)
        }
        #expect(plans.0.contains("audit_target"), "\(plans.0)")
        #expect(plans.1.contains("COVERING INDEX versions_listing"), "\(plans.1)")
    }
}

@Suite("one server per SQLite store")
struct SingleServerTests {
    @Test("a second server on the same SQLite store is refused, saying why; once the first stops, it opens; a backup opens beside it")
    func secondServerRefused() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 2)
        defer { Task { await harness.close() } }
        var settings = Cycle.Settings()
        settings.bcryptCost = 4
        do {
            let second = try await Cycle.open(data: harness.folder.path, database: nil, settings: settings)
            await second.close()
            Issue.record("a second server opened the same SQLite store")
        } catch let error as StoreError {
            #expect(error.detail.contains("只能由一台服务使用"), "\(error.detail)")
        }
        // A backup's reading connection is not a server.
        let reader = try await SQLiteBackend.open(path: harness.folder.appendingPathComponent("juesuan.sqlite").path, readers: 1,
                                                  logger: .init(label: "backup"))
        await reader.close()
        await harness.cycle.close()
        let again = try await Cycle.open(data: harness.folder.path, database: nil, settings: settings)
        #expect(try await again.schedule.tasks().isEmpty == false)
        await again.close()
    }
}
