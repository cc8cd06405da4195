import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import PostgresNIO
import SQLKit
import SQLiteKit
import SQLiteNIO

/// The two databases juesuan stores the cycle in. SQL is written once (SQLKit binds, portable
/// statements); the few differences (id columns, byte columns, integrity check) ask `dialect`.
public enum Dialect: String, Sendable {
    case sqlite, postgres

    /// An auto-numbered primary key column.
    var serial: String { self == .sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY" }
    /// A column of bytes.
    var bytes: String { self == .sqlite ? "BLOB" : "BYTEA" }
}

/// Where the store lives and how to reach it: every read and every transaction goes through here.
public protocol Backend: AnyObject, Sendable {
    var dialect: Dialect { get }
    /// Runs `body` inside one transaction: all of it is stored, or none.
    func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` on a connection that sees committed data.
    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` in one transaction in which tables others point at may be copied and replaced
    /// (SQLite: foreign keys off, checked before the commit; PostgreSQL: as `write`).
    func rebuild(_ body: @Sendable (any SQLDatabase) async throws -> Void) async throws
    /// A token that is the same for two reads only when nothing was committed between them (read it first,
    /// then what is kept under it), or nil when none can be given (inside a batch): what is counted over the
    /// whole jurisdiction is kept under it and counted again once it changes.
    func changeToken(_ db: any SQLDatabase) async throws -> String?
    /// `true` when the database passes its own integrity check.
    func integrityCheck() async throws -> Bool
    /// Closes every connection.
    func close() async
}

/// One waiter at a time: SQLite has one writer; transactions on one connection must not interleave.
actor AsyncGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func enter() async {
        if !busy { busy = true; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func leave() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }
}

/// The C calls of the store's lock file (here, where `open` and `close` are not the backends' own).
private func openLockFile(_ path: String) -> Int32 { open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600) }
private func closeDescriptor(_ descriptor: Int32) { _ = close(descriptor) }

/// SQLite in a file (WAL): one writing connection behind a gate, and a few reading connections.
public final class SQLiteBackend: Backend, @unchecked Sendable {
    public let dialect = Dialect.sqlite
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let writeGate = AsyncGate()
    private let readGates: [AsyncGate]
    private let next = SharedIndex()
    private let commits = SharedIndex()
    /// The descriptor holding the server's lock on the store (−1: none).
    private var lock: Int32 = -1
    public let path: String

    /// `exclusive`: the serving store. One server writes a SQLite store (what it keeps in memory, such as the
    /// counts of `changeToken`, relies on seeing every commit): a second one on the same file is refused. A
    /// backup (`juesuan backup`) opens it without this, beside the server.
    public static func open(path: String, readers count: Int = 4, exclusive: Bool = false, logger: Logger) async throws -> SQLiteBackend {
        var lock: Int32 = -1
        if exclusive {
            lock = openLockFile(path + ".lock")
            guard lock >= 0 else {
                throw StoreError.unavailable("无法打开锁文件“\(path).lock”：\(String(cString: strerror(errno)))。")
            }
            guard flock(lock, LOCK_EX | LOCK_NB) == 0 else {
                closeDescriptor(lock)
                throw StoreError.unavailable("另一个 juesuan 服务正在使用数据库“\(path)”：一个 SQLite 数据库只能由一台服务使用"
                                             + "（多台服务请共用 PostgreSQL，见 docs/deploy.md）。")
            }
        }
        do {
            let backend = try await openConnections(path: path, readers: count, logger: logger)
            backend.lock = lock
            return backend
        } catch {
            if lock >= 0 { closeDescriptor(lock) }
            throw error
        }
    }

    private static func openConnections(path: String, readers count: Int, logger: Logger) async throws -> SQLiteBackend {
        // The database and its WAL and shared-memory files (SQLite gives them the database file's mode)
        // are readable by the server's user alone: created 0600, and made so when found wider.
        if !FileManager.default.fileExists(atPath: path) {
            FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            chmod(path + suffix, 0o600)
        }
        let writer = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=10000"] {
            _ = try await writer.query(pragma)
        }
        var readers: [SQLiteConnection] = []
        for _ in 0..<count {
            let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
            _ = try await reader.query("PRAGMA busy_timeout=10000")
            _ = try await reader.query("PRAGMA query_only=ON")
            readers.append(reader)
        }
        return SQLiteBackend(path: path, writer: writer, readers: readers)
    }

    private init(path: String, writer: SQLiteConnection, readers: [SQLiteConnection]) {
        self.path = path
        self.writer = writer
        self.readers = readers
        readGates = readers.map { _ in AsyncGate() }
    }

    public func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        if let batch = BatchTransaction.of(self) { return try await Faults.mapped { try await batch.savepoint(body) } }
        // The lease runs `body` in a child task that always ends before `lease` returns.
        return try await withoutActuallyEscaping(body) { body in try await Faults.mapped { try await rawWrite(body) } }
    }

    private func rawWrite<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        await writeGate.enter()
        defer { Task { await writeGate.leave() } }
        let db = writer.sql()
        try await db.raw("BEGIN IMMEDIATE").run()
        // Counted once the commit was tried, whatever it answered: a token changed for nothing costs a count.
        defer { commits.take() }
        do {
            let value = try await body(db)
            try await db.raw("COMMIT").run()
            return value
        } catch {
            try? await db.raw("ROLLBACK").run()
            throw error
        }
    }

    /// The number of write transactions this server ended: one server writes a SQLite store (docs/deploy.md),
    /// so nothing is committed that it did not count. Read before the data it guards, it is never newer than it.
    public func changeToken(_ db: any SQLDatabase) async throws -> String? {
        BatchTransaction.of(self) == nil ? "sqlite-\(commits.current)" : nil
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        if let batch = BatchTransaction.of(self) { return try await Faults.mapped { try await body(batch.db) } }
        return try await Faults.mapped { try await rawRead(body) }
    }

    public func rebuild(_ body: @Sendable (any SQLDatabase) async throws -> Void) async throws {
        await writeGate.enter()
        defer { Task { await writeGate.leave() } }
        // The pragma has no effect inside a transaction: it is set before, and set back after (before the gate opens).
        _ = try await writer.query("PRAGMA foreign_keys=OFF")
        let db = writer.sql()
        var failure: (any Error)?
        defer { commits.take() }
        do {
            try await db.raw("BEGIN IMMEDIATE").run()
            do {
                try await body(db)
                let broken = try await writer.query("PRAGMA foreign_key_check")
                guard broken.isEmpty else { throw StoreError.unavailable("数据库升级后有 \(broken.count) 行的外键不成立，已撤销这次升级。") }
                try await db.raw("COMMIT").run()
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        } catch { failure = error }
        _ = try await writer.query("PRAGMA foreign_keys=ON")
        if let failure { throw failure }
    }

    private func rawRead<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let index = next.take() % readers.count
        await readGates[index].enter()
        defer { Task { await readGates[index].leave() } }
        return try await body(readers[index].sql())
    }

    public func integrityCheck() async throws -> Bool {
        let rows = try await writer.query("PRAGMA integrity_check")
        return rows.first?.column("integrity_check")?.string == "ok"
    }

    /// Bytes free on the file system of the database (nil when it cannot be told).
    public func freeBytes() -> UInt64? {
        var stats = statvfs()
        guard statvfs((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent, &stats) == 0 else {
            return nil
        }
        return UInt64(stats.f_bavail) * UInt64(stats.f_frsize)
    }

    /// A consistent copy of the database while it serves (`VACUUM INTO`).
    public func backup(to path: String) async throws {
        await writeGate.enter()
        defer { Task { await writeGate.leave() } }
        _ = try await writer.query("VACUUM INTO ?", [.text(path)])
        chmod(path, 0o600)
    }

    public func close() async {
        for connection in readers + [writer] { try? await connection.close() }
        if lock >= 0 { closeDescriptor(lock); lock = -1 }
    }
}

/// Set once a connection has been had (read by the lease's watchdog).
final class LeaseFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}

/// A round-robin index shared by tasks.
final class SharedIndex: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    @discardableResult
    func take() -> Int { lock.lock(); defer { lock.unlock() }; value &+= 1; return value & Int.max }
    var current: Int { lock.lock(); defer { lock.unlock() }; return value }
}

/// PostgreSQL through postgres-nio's pooled client (many app servers may share one database).
public final class PostgresBackend: Backend, @unchecked Sendable {
    public let dialect = Dialect.postgres
    private let client: PostgresClient
    private let runner: Task<Void, Never>

    /// `url` is `postgres://user:password@host:port/database`. When the database cannot be reached,
    /// tries `retries` more times with a growing pause (1, 2, 4 … 16 s), saying so on standard error.
    public static func open(url: String, logger: Logger, retries: Int = 0, leaseDeadline: Duration = defaultLeaseDeadline) async throws -> PostgresBackend {
        guard let components = URLComponents(string: url), let host = components.host else {
            throw StoreError.badRequest("数据库地址无法识别：\(url)（应为 postgres://用户:密码@主机:端口/数据库）")
        }
        let database = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: database.isEmpty ? nil : database, tls: .disable)
        configuration.options.maximumConnections = 16
        configuration.options.connectTimeout = .seconds(5)
        let place = "\(host):\(components.port ?? 5432)"
        var attempt = 0
        var probe = PostgresConnection.Configuration(host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
                                                     password: components.password, database: database.isEmpty ? nil : database, tls: .disable)
        probe.options.connectTimeout = .seconds(5)
        while true {
            // One direct connection first: it fails at once, with the server's reason (the pool would
            // keep retrying for a minute and then name its circuit breaker).
            do {
                let connection = try await PostgresConnection.connect(configuration: probe, id: 0, logger: logger)
                try? await connection.close()
                return PostgresBackend(client: PostgresClient(configuration: configuration, backgroundLogger: logger), leaseDeadline: leaseDeadline)
            } catch {
                let reason = Self.describe(error)
                guard attempt < retries else {
                    throw StoreError.unavailable("无法连接 PostgreSQL（\(place)）：\(reason)")
                }
                let pause = min(16, 1 << attempt)
                attempt += 1
                FileHandle.standardError.write(Data("无法连接 PostgreSQL（\(place)）：\(reason)；\(pause) 秒后重试（第 \(attempt)/\(retries) 次）。\n".utf8))
                try await Task.sleep(for: .seconds(pause))
            }
        }
    }

    /// A connection failure in Chinese, without the driver's internal words.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError, error.code == .server {
            let state = error.serverInfo?[.sqlState] ?? ""
            let message = error.serverInfo?[.message] ?? ""
            switch state {
            case "28P01", "28000": return "用户名或密码不正确（\(state)）"
            case "3D000": return "数据库不存在（\(state)）"
            default: return "服务器拒绝（\(state) \(message.prefix(120))）"
            }
        }
        return "连接被拒绝或超时（服务器未启动、地址或端口不对，或网络不通）"
    }

    /// How long a request waits for a connection of the pool before it is told the database is
    /// unavailable (the pool itself would wait until its circuit breaker trips, about a minute).
    public static let defaultLeaseDeadline: Duration = .seconds(8)
    private let leaseDeadline: Duration

    /// `body` on a connection of the pool, or `StoreError.unavailable` when none is had within the
    /// deadline (only the wait for a connection is bounded, never the work on it).
    private func lease<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let acquired = LeaseFlag()
        let client = client, deadline = leaseDeadline
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await client.withConnection { connection in
                    acquired.set()
                    return try await body(connection)
                }
            }
            group.addTask {
                try? await Task.sleep(for: deadline)
                if !acquired.isSet, !Task.isCancelled { throw StoreError.unavailable("数据库暂不可用（\(deadline.components.seconds) 秒内无法取得连接）；本次操作未保存，请稍后重试。") }
                return nil
            }
            while let next = try await group.next() {
                if let value = next {
                    group.cancelAll()
                    return value
                }
            }
            throw StoreError.unavailable("数据库暂不可用；本次操作未保存，请稍后重试。")
        }
    }

    private func rawRead<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await lease { connection in try await body(connection.sql(queryLogLevel: nil)) }
    }

    private init(client: PostgresClient, leaseDeadline: Duration) {
        self.client = client
        self.leaseDeadline = leaseDeadline
        runner = Task { await client.run() }
    }

    public func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        if let batch = BatchTransaction.of(self) { return try await Faults.mapped { try await batch.savepoint(body) } }
        // The lease runs `body` in a child task that always ends before `lease` returns.
        return try await withoutActuallyEscaping(body) { body in try await Faults.mapped { try await rawWrite(body) } }
    }

    private func rawWrite<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await lease { connection in
            let db = connection.sql(queryLogLevel: nil)
            try await db.raw("BEGIN").run()
            do {
                let value = try await body(db)
                try await db.raw("COMMIT").run()
                return value
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    public func rebuild(_ body: @Sendable (any SQLDatabase) async throws -> Void) async throws {
        try await write(body)
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        if let batch = BatchTransaction.of(self) { return try await Faults.mapped { try await body(batch.db) } }
        return try await withoutActuallyEscaping(body) { body in try await Faults.mapped { try await rawRead(body) } }
    }

    /// The snapshot the statement sees (`pg_current_snapshot`): two equal snapshots see the same committed
    /// transactions, so the same data, on every server sharing the database.
    public func changeToken(_ db: any SQLDatabase) async throws -> String? {
        guard BatchTransaction.of(self) == nil else { return nil }
        return try await db.raw("SELECT pg_current_snapshot()::text AS token").first()?.decode(column: "token", as: String.self)
    }

    public func integrityCheck() async throws -> Bool {
        // PostgreSQL keeps its own pages consistent; what can go wrong is ours: rows that point nowhere.
        try await read { db in
            let orphans = try await db.raw("""
                SELECT COUNT(*) AS n FROM versions v LEFT JOIN reports r ON r.id = v.report WHERE r.id IS NULL
                """).first()?.decode(column: "n", as: Int.self) ?? 0
            return orphans == 0
        }
    }

    public func close() async {
        runner.cancel()
        _ = await runner.value
    }
}
