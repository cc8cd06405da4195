import Foundation
import Juesuan
import JuesuanStore
import JuesuanXLSX
import Logging
import SQLKit

/// The databases the store tests run on: SQLite always; PostgreSQL when `JUESUAN_TEST_POSTGRES`
/// names a server (`.ci/run` starts one), e.g. postgres://postgres@127.0.0.1:55432/postgres.
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres
    public var description: String { rawValue }

    public static var available: [StoreKind] {
        ProcessInfo.processInfo.environment["JUESUAN_TEST_POSTGRES"].map { $0.isEmpty ? [.sqlite] : [.sqlite, .postgres] } ?? [.sqlite]
    }
}

/// A fresh store (a temporary SQLite folder, or a new PostgreSQL database) with the demo loaded: what the
/// store's tests (JuesuanStoreTests) and the server's (JuesuanServerTests, which add an HTTP client) start from.
public struct Harness: Sendable {
    public let cycle: Cycle
    public let folder: URL
    public let database: String?
    public static let password = "demo-password-1"

    public init(cycle: Cycle, folder: URL, database: String?) {
        self.cycle = cycle
        self.folder = folder
        self.database = database
    }

    /// `signoff`: whether the demo year's task asks 单位负责人 to confirm before 上报 (the tests of the
    /// cycle's other rules leave it off; the sign-off tests turn it on, as a real task has it).
    /// `databaseWait`: how long a request waits for a PostgreSQL connection. Long here: on 2 cores the
    /// synchronous tests running beside (printing PDFs, running the command line) can hold the
    /// concurrency pool's threads for seconds, and a wait that long is the machine's, not the store's.
    public static func make(_ kind: StoreKind, synthetic: Int = 6, demo: Bool = true, signoff: Bool = false,
                            databaseWait: Duration = .seconds(120), configure: (inout Cycle.Settings) -> Void = { _ in }) async throws -> Harness {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-server-test-\(UUID().uuidString)")
        var settings = Cycle.Settings()
        settings.bcryptCost = 4
        settings.publishPDF = ExternalTools.printing
        settings.databaseWait = databaseWait
        configure(&settings)
        var database: String?
        if kind == .postgres {
            database = try await freshPostgresDatabase()
        }
        let cycle = try await Cycle.open(data: folder.path, database: database, settings: settings)
        if demo {
            _ = try await cycle.loadDemo(synthetic: synthetic, password: password)
            if !signoff {
                let admin = Caller(user: try await cycle.sessions.login(login: "admin", password: password, ip: "test").user, ip: "test")
                guard let task = try await cycle.schedule.tasks().first else { throw StoreError.notFound("演示辖区没有年度任务") }
                _ = try await cycle.schedule.setTask(admin, year: task.year, layout: task.layout, deadline: task.deadline, signoff: false)
            }
        }
        return Harness(cycle: cycle, folder: folder, database: database)
    }

    /// A new, empty database on the test server (dropped never: the server is temporary).
    public static func freshPostgresDatabase() async throws -> String {
        guard let base = ProcessInfo.processInfo.environment["JUESUAN_TEST_POSTGRES"], var components = URLComponents(string: base) else {
            throw StoreError.unavailable("JUESUAN_TEST_POSTGRES 未设置")
        }
        let name = "juesuan_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let admin = try await PostgresBackend.open(url: base, logger: Logger(label: "test"), leaseDeadline: .seconds(120))
        try await admin.read { db in try await db.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
        await admin.close()
        components.path = "/" + name
        return components.string!
    }

    public func close() async {
        await cycle.close()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// The workbooks of the example: as printed (6 errors) and corrected (warnings only).
public enum Workbooks {
    public static let asPrinted: Data = try! WorkbookWriter.data(try! Engine.readDataset(Repository.example.path))
    public static let corrected: Data = try! WorkbookWriter.data(try! Engine.readDataset(Repository.corrected.path))
}
