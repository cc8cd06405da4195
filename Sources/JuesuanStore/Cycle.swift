import Crypto
import Foundation
import HummingbirdBcrypt
import Juesuan
import Logging
import NIOPosix
import SQLKit

/// The shared 决算 cycle over one store: people, organisation, reports, versions, states, audit log,
/// batch audits. Every operation takes the `Caller` and checks role and subtree itself, so no front
/// end can forget to. Front ends (the HTTP server, tests) are thin over this.
public final class Cycle: Sendable {
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

    /// Runs `body`, telling `settings.observe` how long it took.
    func timed<T: Sendable>(_ step: Timing, _ body: () async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        defer { settings.observe?(step, started.duration(to: .now)) }
        return try await body()
    }

    /// The database. Not public: every operation goes through the store's checks (tests reach it
    /// with `@testable import` to play an attacker who writes past them).
    let backend: any Backend
    public let settings: Settings
    let catalog: Catalog
    let rules: RuleCatalogue
    /// Identifies the rule catalogue in force: a version checked under another must be checked again.
    public let catalogueVersion: String
    /// How many rules the catalogue in force holds (said to administrators instead of its fingerprint).
    public var ruleCount: Int { rules.rules.count }
    let logger: Logger
    /// Part 3 and the scored forms of versions already shown (versions never change).
    let partsCache = PartsCache()
    let summaryCache = SummaryCache()
    let findingsCache = VersionCache<[StoredFinding]>(limit: 512)
    let datasetCache = VersionCache<Disclosure>(limit: 128)
    let counts = CountCache()
    /// Verified against when a login does not exist, so that timing does not tell which logins exist.
    let dummyHash: String

    public init(backend: any Backend, settings: Settings = Settings(), rules: RuleCatalogue? = nil,
                logger: Logger = Logger(label: "juesuan.store")) throws {
        self.backend = backend
        self.settings = settings
        catalog = try Engine.catalog()
        self.rules = try rules ?? Engine.rules()
        catalogueVersion = Self.fingerprint(self.rules)
        self.logger = logger
        dummyHash = Bcrypt.hash("juesuan", cost: settings.bcryptCost)
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
        return hasher.finalize().prefix(8).map { String(format: "%02x", $0) }.joined()
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
        guard Self.isCode(code), let org = try await org(db, code) else { throw StoreError.notFound("没有编码为“\(code.prefix(60))”的单位。") }
        guard caller.sees(org.path) else { throw StoreError.forbidden("单位“\(org.name)”（\(code)）不在您的管辖范围内。") }
        return org
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
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    static func hashToken(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The one answer to a login that did not succeed, whether the login is unknown, the password
    /// wrong or the account locked: it never tells which accounts exist.
    public static let loginRefused = "登录名或密码不正确（连续输错多次后账户会暂时锁定，请稍后再试或请管理员解锁）。"

    /// Logs in with a password. Every attempt is counted before its password is checked, in one
    /// transaction per account and per address, so attempts sent in parallel cannot exceed the limits:
    /// an account takes at most `lockAfter` password checks before it is locked, an address at most
    /// `ipFailures` failures within its window. Failures are recorded in the audit log.
    public func login(login: String, password: String, ip: String) async throws -> Login {
        let now = Clock.epoch()
        let settings = settings
        // Bounds before any work: no bcrypt, no database row for a name no account can have.
        let plausible = Self.isCode(login) && password.utf8.count <= Passwords.maximumAttemptBytes && !password.isEmpty
        let actor = Self.isCode(login) ? login : "（无效登录名）"
        struct Candidate: Sendable { var user: User; var hash: String }
        enum Gate: Sendable { case addressRefused, locked, check(Candidate?) }
        let gate: Gate = try await backend.write { db in
            // The address: failures within the window, counted ahead of the check.
            try await db.raw("""
                INSERT INTO login_throttle (ip, failures, window_start) VALUES (\(bind: ip), 0, \(bind: now)) ON CONFLICT (ip) DO NOTHING
                """).run()
            let cutoff = now - settings.ipWindowSeconds
            let failures = try await db.raw("""
                UPDATE login_throttle SET failures = CASE WHEN window_start < \(bind: cutoff) THEN 1 ELSE failures + 1 END,
                  window_start = CASE WHEN window_start < \(bind: cutoff) THEN \(bind: now) ELSE window_start END
                WHERE ip = \(bind: ip) RETURNING failures
                """).first()?.decode(column: "failures", as: Int.self) ?? 0
            if failures > settings.ipFailures { return .addressRefused }
            guard plausible else { return .check(nil) }
            // The account: this attempt is counted first, by one UPDATE that takes the row's lock, so
            // parallel attempts each see the count of those before them; past the limit it locks.
            guard let counted = try await db.raw("""
                UPDATE users SET failures = failures + 1
                WHERE login = \(bind: login) AND locked_until <= \(bind: now) AND disabled = 0 RETURNING failures
                """).first() else {
                let exists = try await db.raw("SELECT login FROM users WHERE login = \(bind: login)").first() != nil
                return exists ? .locked : .check(nil)
            }
            guard let row = try await db.raw("""
                SELECT u.login, u.name, u.role, u.org, u.password_hash, o.path FROM users u JOIN orgs o ON o.code = u.org
                WHERE u.login = \(bind: login)
                """).first() else { return .check(nil) }
            if try counted.decode(column: "failures", as: Int.self) > settings.lockAfter {
                try await db.raw("""
                    UPDATE users SET failures = 0, locked_until = \(bind: now + settings.lockSeconds) WHERE login = \(bind: login)
                    """).run()
                try await self.log(db, actor: login, ip: ip, action: "account-locked", org: try row.decode(column: "org", as: String.self),
                                   orgPath: try row.decode(column: "path", as: String.self), target: "user:\(login)",
                                   detail: "连续 \(settings.lockAfter) 次密码错误，锁定 \(settings.lockSeconds / 60) 分钟")
                return .locked
            }
            return .check(Candidate(user: try Self.user(row), hash: try row.decode(column: "password_hash", as: String.self)))
        }
        let candidate: Candidate?
        switch gate {
        case .addressRefused:
            throw StoreError.tooMany("此地址登录失败次数过多，请 \(settings.ipWindowSeconds / 60) 分钟后再试。")
        case .locked:
            try await backend.write { db in
                try await self.log(db, actor: actor, ip: ip, action: "login-failed", org: nil, orgPath: nil, target: "user:\(actor)",
                                   detail: "账户已锁定或停用")
            }
            throw StoreError.unauthenticated(Self.loginRefused)
        case .check(let found):
            candidate = found
        }
        // Verified against a dummy hash when the login does not exist, so that timing does not tell.
        let hash = candidate?.hash ?? dummyHash
        let matches = password.utf8.count <= Passwords.maximumAttemptBytes
            ? try await offload { Bcrypt.verify(password, hash: hash) } : false
        let token = Self.randomHex(32), csrf = Self.randomHex(16)
        let expires = now + settings.sessionSeconds
        let lockAfter = settings.lockAfter, lockSeconds = settings.lockSeconds
        let succeeded: Bool = try await backend.write { db in
            if let candidate, matches {
                // Still not locked (a parallel attempt may have locked it meanwhile): then the session.
                guard try await db.raw("""
                    UPDATE users SET failures = 0 WHERE login = \(bind: login) AND locked_until <= \(bind: now) AND disabled = 0 RETURNING login
                    """).first() != nil else {
                    try await self.log(db, actor: actor, ip: ip, action: "login-failed", org: nil, orgPath: nil, target: "user:\(actor)",
                                       detail: "账户已锁定或停用")
                    return false
                }
                // A correct password is not a failure of the address.
                try await db.raw("UPDATE login_throttle SET failures = failures - 1 WHERE ip = \(bind: ip) AND failures > 0").run()
                try await db.raw("DELETE FROM sessions WHERE expires_at < \(bind: now)").run()
                try await db.raw("""
                    INSERT INTO sessions (token_hash, login, csrf, created_at, expires_at)
                    VALUES (\(bind: Self.hashToken(token)), \(bind: login), \(bind: csrf), \(bind: now), \(bind: expires))
                    """).run()
                try await self.log(db, actor: login, ip: ip, action: "login", org: candidate.user.org, orgPath: candidate.user.orgPath,
                                   target: "user:\(login)")
                return true
            }
            if let candidate {
                // The failure was counted before the check; the one that reaches the limit locks at once.
                if try await db.raw("""
                    UPDATE users SET failures = 0, locked_until = \(bind: now + lockSeconds)
                    WHERE login = \(bind: login) AND failures >= \(bind: lockAfter) AND locked_until <= \(bind: now) RETURNING login
                    """).first() != nil {
                    try await self.log(db, actor: login, ip: ip, action: "account-locked", org: candidate.user.org, orgPath: candidate.user.orgPath,
                                       target: "user:\(login)", detail: "连续 \(lockAfter) 次密码错误，锁定 \(lockSeconds / 60) 分钟")
                }
            }
            try await self.log(db, actor: actor, ip: ip, action: "login-failed", org: candidate?.user.org,
                               orgPath: candidate?.user.orgPath, target: "user:\(actor)",
                               detail: candidate == nil ? "登录名不存在或无效" : "密码错误")
            return false
        }
        guard succeeded, let candidate else { throw StoreError.unauthenticated(Self.loginRefused) }
        return Login(token: token, csrf: csrf, user: candidate.user, expiresAt: expires)
    }

    static func user(_ row: any SQLRow) throws -> User {
        User(login: try row.decode(column: "login", as: String.self), name: try row.decode(column: "name", as: String.self),
             role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .readonly,
             org: try row.decode(column: "org", as: String.self), orgPath: try row.decode(column: "path", as: String.self))
    }

    /// A live session: the person, the CSRF token, a notice waiting to be shown once (flash), and
    /// whether the person must change their password before anything else.
    public struct Session: Sendable {
        public var user: User
        public var csrf: String
        public var flash: String?
        public var mustChangePassword: Bool
    }

    /// The live session of `token` (nil when unknown, expired, or its person disabled).
    public func session(token: String) async throws -> Session? {
        let now = Clock.epoch()
        return try await backend.read { db in
            guard let row = try await db.raw("""
                SELECT u.login, u.name, u.role, u.org, o.path, s.csrf, s.flash, u.must_change_password FROM sessions s
                JOIN users u ON u.login = s.login JOIN orgs o ON o.code = u.org
                WHERE s.token_hash = \(bind: Self.hashToken(token)) AND s.expires_at > \(bind: now) AND u.disabled = 0
                """).first() else { return nil }
            return Session(user: try Self.user(row), csrf: try row.decode(column: "csrf", as: String.self),
                           flash: try row.decode(column: "flash", as: String?.self),
                           mustChangePassword: try row.decode(column: "must_change_password", as: Int.self) != 0)
        }
    }

    /// Keeps a notice with the session, shown once on the next page (never taken from a URL).
    public func setFlash(token: String, _ text: String) async throws {
        let text = String(text.prefix(500))
        try await backend.write { db in
            try await db.raw("UPDATE sessions SET flash = \(bind: text) WHERE token_hash = \(bind: Self.hashToken(token))").run()
        }
    }

    /// Clears the notice of a session once it has been shown.
    public func clearFlash(token: String) async throws {
        try await backend.write { db in
            try await db.raw("UPDATE sessions SET flash = NULL WHERE token_hash = \(bind: Self.hashToken(token)) AND flash IS NOT NULL").run()
        }
    }

    public func logout(token: String, caller: Caller) async throws {
        try await backend.write { db in
            try await db.raw("DELETE FROM sessions WHERE token_hash = \(bind: Self.hashToken(token))").run()
            try await self.log(db, caller, action: "logout", org: nil, target: "user:\(caller.user.login)")
        }
    }

    /// Changes the caller's password and ends every other session of theirs (the one in `keeping`,
    /// the session asking, stays).
    public func changePassword(_ caller: Caller, current: String, new: String, keeping token: String? = nil) async throws {
        try Passwords.check(new, login: caller.user.login)
        guard current.utf8.count <= Passwords.maximumAttemptBytes else { throw StoreError.forbidden("当前密码不正确。") }
        let hash = try await backend.read { db in
            try await db.raw("SELECT password_hash FROM users WHERE login = \(bind: caller.user.login)").first()?
                .decode(column: "password_hash", as: String.self)
        }
        guard let hash, try await offload({ Bcrypt.verify(current, hash: hash) }) else {
            throw StoreError.forbidden("当前密码不正确。")
        }
        let cost = settings.bcryptCost
        let newHash = try await offload { Bcrypt.hash(new, cost: cost) }
        let kept = token.map(Self.hashToken) ?? ""
        try await backend.write { db in
            try await db.raw("""
                UPDATE users SET password_hash = \(bind: newHash), must_change_password = 0 WHERE login = \(bind: caller.user.login)
                """).run()
            try await db.raw("DELETE FROM sessions WHERE login = \(bind: caller.user.login) AND token_hash <> \(bind: kept)").run()
            try await self.log(db, caller, action: "password-changed", org: nil, target: "user:\(caller.user.login)",
                               detail: "其他会话已结束")
        }
    }
}
