import Crypto
import Foundation
import HummingbirdBcrypt
import Juesuan
import Logging
import NIOPosix
import SQLKit

/// The shared 决算 cycle over one store. It opens the database and hands out the features, each its own
/// type over the same handle (`StoreContext`): `sessions`, `people`, `organisation`, `schedule`, `reports`,
/// `drafts`, `budgets`, `consolidating`, `batchAudits`, `auditTrail`, `publishing`, `messages`. Every
/// operation takes the `Caller` and checks role and subtree itself, so no front end can forget to. Front
/// ends (the HTTP server, the CLI, tests) are thin over these. `Cycle` also names the value types the
/// features share (`Cycle.Task`, `Cycle.Job`, …).
public final class Cycle: Feature, Sendable {
    public struct Settings: Sendable {
        /// bcrypt cost for new passwords (4 in tests, 11 in production).
        public var bcryptCost: UInt8 = 11
        /// A session lasts this long after login.
        public var sessionSeconds = 8 * 3600
        /// Failed logins of one account before it is locked, and for how long.
        public var lockAfter = 5
        public var lockSeconds = 15 * 60
        /// Failed logins from one address within `ipWindowSeconds` before it is refused.
        public var ipFailures = 30
        public var ipWindowSeconds = 10 * 60
        public var limits = UploadLimits()
        /// Build report.pdf on publication (needs Chromium).
        public var publishPDF = true
        /// Told how long each costly step took (the server turns it into metrics); nil: not told.
        public var observe: (@Sendable (Timing, Duration) -> Void)?
        /// How long a request waits for a PostgreSQL connection before it is told the database is
        /// unavailable (503).
        public var databaseWait: Duration = PostgresBackend.defaultLeaseDeadline
        /// How many units a kept run of a 汇总 holds (its sum is kept; a new version re-sums its run only).
        public var consolidationRun = 64
        public init() {}
    }

    /// The costly steps whose times are worth watching.
    public enum Timing: String, Sendable, CaseIterable {
        /// Reading an upload and checking it against the rules.
        case check
        /// Printing a version's PDF.
        case pdf
        /// Building the public package of a report.
        case publish
    }


    /// `true` when no organisation has been loaded yet (a fresh store).
    public func isEmpty() async throws -> Bool {
        try await backend.read { db in
            (try await db.raw("SELECT COUNT(*) AS n FROM orgs").first()?.decode(column: "n", as: Int.self) ?? 0) == 0
        }
    }


    /// What every feature shares: the database handle, settings, catalogue, rules and caches.
    let context: StoreContext
    public var settings: Settings { context.settings }
    /// Identifies the rule catalogue in force: a version checked under another must be checked again.
    public var catalogueVersion: String { context.catalogueVersion }
    /// How many rules the catalogue in force holds (said to administrators instead of its fingerprint).
    public var ruleCount: Int { context.rules.rules.count }

    /// Logging in and out, sessions, one's own password.
    public var sessions: Sessions { Sessions(context: context) }
    /// Accounts: creating, changing, unlocking, importing.
    public var people: People { People(context: context) }
    /// The organisation tree: importing, listing, renaming, progress by 主管部门.
    public var organisation: Organisation { Organisation(context: context) }
    /// The yearly tasks (layout, deadline, sign-off).
    public var schedule: Schedule { Schedule(context: context) }
    /// Reports and their versions: upload, check, findings, explanations, states, inbox.
    public var reports: Reports { Reports(context: context) }
    /// Filling a report in the browser or in a fillable workbook.
    public var drafts: Drafts { Drafts(context: context) }
    /// 部门预算 reports.
    public var budgets: Budgets { Budgets(context: context) }
    /// 汇总 of a subtree: views, workbooks, PDFs, consolidated versions.
    public var consolidating: Consolidating { Consolidating(context: context) }
    /// Batch audits of published documents.
    public var batchAudits: BatchAudits { BatchAudits(context: context) }
    /// Reading the audit log.
    public var auditTrail: AuditTrail { AuditTrail(context: context) }
    /// Publication: public files, the public index, the logo.
    public var publishing: Publishing { Publishing(context: context) }
    /// Messages, reminders and mail.
    public var messages: Messages { Messages(context: context) }

    public init(backend: any Backend, settings: Settings = Settings(), rules: RuleCatalogue? = nil,
                logger: Logger = Logger(label: "juesuan.store")) throws {
        context = try StoreContext(backend: backend, settings: settings, rules: rules, logger: logger)
    }

    /// Opens (creating when needed) the store named by `database` (`postgres://…`) or, by default,
    /// the SQLite file `juesuan.sqlite` in `data`, and applies migrations.
    public static func open(data: String, database: String?, settings: Settings = Settings(),
                            logger: Logger = Logger(label: "juesuan.store"), connectRetries: Int = 0) async throws -> Cycle {
        let backend: any Backend
        if let database, database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") {
            backend = try await PostgresBackend.open(url: database, logger: logger, retries: connectRetries, leaseDeadline: settings.databaseWait)
        } else if let database, !database.isEmpty, !database.hasPrefix("sqlite:") {
            throw StoreError.badRequest("不认识的数据库地址“\(database)”：请用 postgres://… 或省略（使用 --data 目录中的 SQLite）。")
        } else {
            let file: String
            if let database, database.hasPrefix("sqlite:") { file = String(database.dropFirst("sqlite:".count)) } else {
                do {
                    try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true,
                                                            attributes: [.posixPermissions: 0o700])
                } catch {
                    throw StoreError.unavailable("无法创建数据目录“\(data)”：\(FileProblem.describe(error, path: data))")
                }
                file = (data as NSString).appendingPathComponent("juesuan.sqlite")
            }
            backend = try await SQLiteBackend.open(path: file, exclusive: true, logger: logger)
        }
        do {
            try await Migrations.run(backend)
            return try Cycle(backend: backend, settings: settings, logger: logger)
        } catch {
            await backend.close()
            throw error
        }
    }

    public func close() async { await backend.close() }

    /// Below this much free disk the store says it is not ready (a write could fail half-way).
    public static let minimumFreeBytes: UInt64 = 64 * 1024 * 1024

    /// Whether the store can serve: the database answers, and (SQLite) its disk has room. Throws
    /// `StoreError.unavailable` with the reason in Chinese.
    public func ready() async throws {
        _ = try await backend.read { db in try await db.raw("SELECT 1 AS one").all().count }
        if let sqlite = backend as? SQLiteBackend, let free = sqlite.freeBytes(), free < Self.minimumFreeBytes {
            throw StoreError.unavailable("数据目录所在磁盘只剩 \(free / 1024 / 1024) MB，低于 \(Self.minimumFreeBytes / 1024 / 1024) MB：请清理磁盘。")
        }
    }

    /// JSON as stored in the database: compact (no indentation, keys unsorted) — about 40 % of the

    /// printed size, and as much faster to read back.
    static func compact<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    static func fingerprint(_ rules: RuleCatalogue) -> String {
        var hasher = SHA256()
        for rule in rules.rules { hasher.update(data: Data(String(describing: rule).utf8)) }
        return hex(hasher.finalize().prefix(8))
    }

    // MARK: - People and sessions

    public struct Login: Sendable, Codable {
        public var token: String
        public var csrf: String
        public var user: User
        public var expiresAt: Int
    }

    static func randomHex(_ bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return hex((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// Lower-case hexadecimal of `bytes` (a formatter per byte was a tenth of a request's time: every
    /// request hashes its session token).
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hashToken(_ token: String) -> String {
        hex(SHA256.hash(data: Data(token.utf8)))
    }

    /// The one answer to a login that did not succeed, whether the login is unknown, the password
    /// wrong or the account locked: it never tells which accounts exist.
    public static let loginRefused = "登录名或密码不正确（连续输错多次后账户会暂时锁定，请稍后再试或请管理员解锁）。"


    /// A live session: the person, the CSRF token, a notice waiting to be shown once (flash), and
    /// whether the person must change their password before anything else.
    public struct Session: Sendable {
        public var user: User
        public var csrf: String
        public var flash: String?
        public var mustChangePassword: Bool
    }

}
