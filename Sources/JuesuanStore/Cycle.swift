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
        public init() {}
    }

    public let backend: any Backend
    public let settings: Settings
    let catalog: Catalog
    let rules: RuleCatalogue
    /// Identifies the rule catalogue in force: a version checked under another must be checked again.
    public let catalogueVersion: String
    let logger: Logger
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
                            logger: Logger = Logger(label: "juesuan.store")) async throws -> Cycle {
        let backend: any Backend
        if let database, database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") {
            backend = try await PostgresBackend.open(url: database, logger: logger)
        } else if let database, !database.isEmpty, !database.hasPrefix("sqlite:") {
            throw StoreError.badRequest("不认识的数据库地址“\(database)”：请用 postgres://… 或省略（使用 --data 目录中的 SQLite）。")
        } else {
            let file: String
            if let database, database.hasPrefix("sqlite:") { file = String(database.dropFirst("sqlite:".count)) } else {
                do { try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true) } catch {
                    throw StoreError.unavailable("无法创建数据目录“\(data)”：\(FileProblem.describe(error, path: data))")
                }
                file = (data as NSString).appendingPathComponent("juesuan.sqlite")
            }
            backend = try await SQLiteBackend.open(path: file, logger: logger)
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
        guard let row = try await db.raw("SELECT code, name, parent, kind, path FROM orgs WHERE code = \(bind: code)").first() else { return nil }
        return try Self.org(row)
    }

    static func org(_ row: any SQLRow) throws -> Org {
        Org(code: try row.decode(column: "code", as: String.self), name: try row.decode(column: "name", as: String.self),
            parent: try row.decode(column: "parent", as: String?.self),
            kind: OrgKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .unit,
            path: try row.decode(column: "path", as: String.self))
    }

    /// The organisation `code`, when the caller may see it (403 otherwise, 404 when it does not exist).
    func visibleOrg(_ db: any SQLDatabase, _ caller: Caller, _ code: String) async throws -> Org {
        guard let org = try await org(db, code) else { throw StoreError.notFound("没有编码为“\(code)”的单位。") }
        guard caller.sees(org.path) else { throw StoreError.forbidden("单位“\(org.name)”（\(code)）不在您的管辖范围内。") }
        return org
    }

    func require(_ caller: Caller, _ roles: Set<Role>, _ what: String) throws {
        guard roles.contains(caller.user.role) else {
            throw StoreError.forbidden("“\(caller.user.role.chineseName)”角色不能\(what)。")
        }
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

    /// Logs in with a password. Failed attempts lock the account for a while and an address that
    /// keeps failing is refused; both are recorded in the audit log.
    public func login(login: String, password: String, ip: String) async throws -> Login {
        let now = Clock.epoch()
        let settings = settings
        let windowStart = Clock.stamp(Date(timeIntervalSinceNow: -Double(settings.ipWindowSeconds)))
        let failures = try await backend.read { db in
            try await db.raw("""
                SELECT COUNT(*) AS n FROM audit_log WHERE ip = \(bind: ip) AND action = 'login-failed' AND at > \(bind: windowStart)
                """).first()?.decode(column: "n", as: Int.self) ?? 0
        }
        if failures >= settings.ipFailures {
            throw StoreError.tooMany("此地址登录失败次数过多，请 \(settings.ipWindowSeconds / 60) 分钟后再试。")
        }
        struct Candidate: Sendable { var user: User; var hash: String; var lockedUntil: Int }
        let candidate: Candidate? = try await backend.read { db in
            guard let row = try await db.raw("""
                SELECT u.login, u.name, u.role, u.org, u.password_hash, u.locked_until, o.path FROM users u JOIN orgs o ON o.code = u.org
                WHERE u.login = \(bind: login)
                """).first() else { return nil }
            return Candidate(user: try Self.user(row), hash: try row.decode(column: "password_hash", as: String.self),
                             lockedUntil: try row.decode(column: "locked_until", as: Int.self))
        }
        if let candidate, candidate.lockedUntil > now {
            let minutes = (candidate.lockedUntil - now + 59) / 60
            throw StoreError.tooMany("账户“\(login)”因多次密码错误已锁定，请 \(minutes) 分钟后再试。")
        }
        let hash = candidate?.hash ?? dummyHash
        let matches = try await offload { Bcrypt.verify(password, hash: hash) }
        guard let candidate, matches else {
            let lockAfter = settings.lockAfter, lockSeconds = settings.lockSeconds
            try await backend.write { db in
                if candidate != nil {
                    try await db.raw("""
                        UPDATE users SET failures = failures + 1,
                          locked_until = CASE WHEN failures + 1 >= \(bind: lockAfter) THEN \(bind: now + lockSeconds) ELSE locked_until END
                        WHERE login = \(bind: login)
                        """).run()
                }
                try await self.log(db, actor: login, ip: ip, action: "login-failed", org: candidate?.user.org,
                                   orgPath: candidate?.user.orgPath, target: "user:\(login)")
            }
            throw StoreError.unauthenticated("登录名或密码不正确。")
        }
        let token = Self.randomHex(32), csrf = Self.randomHex(16)
        let expires = now + settings.sessionSeconds
        try await backend.write { db in
            try await db.raw("UPDATE users SET failures = 0, locked_until = 0 WHERE login = \(bind: login)").run()
            try await db.raw("DELETE FROM sessions WHERE expires_at < \(bind: now)").run()
            try await db.raw("""
                INSERT INTO sessions (token_hash, login, csrf, created_at, expires_at)
                VALUES (\(bind: Self.hashToken(token)), \(bind: login), \(bind: csrf), \(bind: now), \(bind: expires))
                """).run()
            try await self.log(db, actor: login, ip: ip, action: "login", org: candidate.user.org, orgPath: candidate.user.orgPath,
                               target: "user:\(login)")
        }
        return Login(token: token, csrf: csrf, user: candidate.user, expiresAt: expires)
    }

    static func user(_ row: any SQLRow) throws -> User {
        User(login: try row.decode(column: "login", as: String.self), name: try row.decode(column: "name", as: String.self),
             role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .readonly,
             org: try row.decode(column: "org", as: String.self), orgPath: try row.decode(column: "path", as: String.self))
    }

    /// The person and CSRF token of a live session.
    public func session(token: String) async throws -> (User, csrf: String)? {
        let now = Clock.epoch()
        return try await backend.read { db in
            guard let row = try await db.raw("""
                SELECT u.login, u.name, u.role, u.org, o.path, s.csrf FROM sessions s JOIN users u ON u.login = s.login
                JOIN orgs o ON o.code = u.org WHERE s.token_hash = \(bind: Self.hashToken(token)) AND s.expires_at > \(bind: now)
                """).first() else { return nil }
            return (try Self.user(row), try row.decode(column: "csrf", as: String.self))
        }
    }

    public func logout(token: String, caller: Caller) async throws {
        try await backend.write { db in
            try await db.raw("DELETE FROM sessions WHERE token_hash = \(bind: Self.hashToken(token))").run()
            try await self.log(db, caller, action: "logout", org: nil, target: "user:\(caller.user.login)")
        }
    }

    public func changePassword(_ caller: Caller, current: String, new: String) async throws {
        guard new.count >= 8 else { throw StoreError.invalid("新密码至少 8 个字符。") }
        let hash = try await backend.read { db in
            try await db.raw("SELECT password_hash FROM users WHERE login = \(bind: caller.user.login)").first()?
                .decode(column: "password_hash", as: String.self)
        }
        guard let hash, try await offload({ Bcrypt.verify(current, hash: hash) }) else {
            throw StoreError.forbidden("当前密码不正确。")
        }
        let cost = settings.bcryptCost
        let newHash = try await offload { Bcrypt.hash(new, cost: cost) }
        try await backend.write { db in
            try await db.raw("UPDATE users SET password_hash = \(bind: newHash) WHERE login = \(bind: caller.user.login)").run()
            try await self.log(db, caller, action: "password-changed", org: nil, target: "user:\(caller.user.login)")
        }
    }
}
