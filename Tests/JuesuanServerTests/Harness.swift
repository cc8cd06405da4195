import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Juesuan
import JuesuanServer
import JuesuanStore
import JuesuanTestSupport
import JuesuanWeb
import JuesuanXLSX
import Logging
import NIOCore
import SQLKit
import Testing

/// The databases the store tests run on: SQLite always; PostgreSQL when `JUESUAN_TEST_POSTGRES`
/// names a server (`.ci/run` starts one), e.g. postgres://postgres@127.0.0.1:55432/postgres.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    var testDescription: String { rawValue }

    static var available: [StoreKind] {
        ProcessInfo.processInfo.environment["JUESUAN_TEST_POSTGRES"].map { $0.isEmpty ? [.sqlite] : [.sqlite, .postgres] } ?? [.sqlite]
    }
}

/// A fresh store (a temporary SQLite folder, or a new PostgreSQL database) with the demo loaded.
struct Harness: Sendable {
    let cycle: Cycle
    let folder: URL
    let database: String?
    static let password = "demo-password-1"

    /// `signoff`: whether the demo year's task asks 单位负责人 to confirm before 上报 (the tests of the
    /// cycle's other rules leave it off; the sign-off tests turn it on, as a real task has it).
    /// `databaseWait`: how long a request waits for a PostgreSQL connection. Long here: on 2 cores the
    /// synchronous tests running beside (printing PDFs, running the command line) can hold the
    /// concurrency pool's threads for seconds, and a wait that long is the machine's, not the store's.
    static func make(_ kind: StoreKind, synthetic: Int = 6, demo: Bool = true, signoff: Bool = false,
                     databaseWait: Duration = .seconds(120)) async throws -> Harness {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-server-test-\(UUID().uuidString)")
        var settings = Cycle.Settings()
        settings.bcryptCost = 4
        settings.publishPDF = ExternalTools.printing
        settings.databaseWait = databaseWait
        var database: String?
        if kind == .postgres {
            database = try await freshPostgresDatabase()
        }
        let cycle = try await Cycle.open(data: folder.path, database: database, settings: settings)
        if demo {
            _ = try await cycle.loadDemo(synthetic: synthetic, password: password)
            if !signoff {
                let admin = Caller(user: try await cycle.sessions.login(login: "admin", password: password, ip: "test").user, ip: "test")
                let task = try #require(try await cycle.schedule.tasks().first)
                _ = try await cycle.schedule.setTask(admin, year: task.year, layout: task.layout, deadline: task.deadline, signoff: false)
            }
        }
        return Harness(cycle: cycle, folder: folder, database: database)
    }

    /// A new, empty database on the test server (dropped never: the server is temporary).
    static func freshPostgresDatabase() async throws -> String {
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

    func close() async {
        await cycle.close()
        try? FileManager.default.removeItem(at: folder)
    }

    func app() -> some ApplicationProtocol {
        var options = ServerOptions()
        options.worker = false
        return JuesuanHTTP.application(cycle: cycle, options: options, logger: Logger(label: "test"))
    }

    /// Runs `body` against the router with the web pages too (`secure`: as if served over TLS).
    func withWebClient(secure: Bool = false, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var options = ServerOptions()
        options.worker = false
        options.secureCookies = secure
        let app = JuesuanHTTP.application(cycle: cycle, options: options, logger: Logger(label: "test"), pages: JuesuanWeb.add)
        try await app.test(.router) { client in try await body(client) }
    }

    /// Runs `body` against the HTTP router in process.
    func withClient(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        defer { }
        try await app().test(.router) { client in try await body(client) }
    }
}

/// The workbooks of the example: as printed (6 errors) and corrected (warnings only).
enum Workbooks {
    static let asPrinted: Data = try! WorkbookWriter.data(try! Engine.readDataset(Repository.example.path))
    static let corrected: Data = try! WorkbookWriter.data(try! Engine.readDataset(Repository.corrected.path))
}

struct Reply: Sendable {
    var status: Int
    var body: Data
    var headers: HTTPFields
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A logged-in person talking to the API (Bearer token, or the cookie and the CSRF token).
struct Person: Sendable {
    let client: any TestClientProtocol
    let token: String
    let csrf: String
    var viaCookie = false

    static func login(_ client: any TestClientProtocol, _ login: String, password: String = Harness.password) async throws -> Person {
        let reply = try await call(client, .post, "/api/v1/session", json: ["login": login, "password": password])
        guard reply.status == 200, let token = reply.json["token"] as? String, let csrf = reply.json["csrfToken"] as? String else {
            throw StoreError.unauthenticated("登录 \(login) 失败：\(reply.status) \(reply.text)")
        }
        return Person(client: client, token: token, csrf: csrf)
    }

    func call(_ method: HTTPRequest.Method, _ uri: String, json: Any? = nil, body: Data? = nil, csrfHeader: Bool = true) async throws -> Reply {
        var headers = HTTPFields()
        if viaCookie {
            headers[.cookie] = "\(JuesuanHTTP.cookieName)=\(token)"
            if csrfHeader { headers[HTTPField.Name("X-CSRF-Token")!] = csrf }
        } else {
            headers[.authorization] = "Bearer \(token)"
        }
        return try await Self.call(client, method, uri, json: json, body: body, headers: headers)
    }

    static func call(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, json: Any? = nil, body: Data? = nil,
                     headers: HTTPFields = [:]) async throws -> Reply {
        var headers = headers
        var buffer: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(data: try JSONSerialization.data(withJSONObject: json))
        } else if let body {
            buffer = ByteBuffer(data: body)
        }
        let response = try await client.executeRequest(uri: uri, method: method, headers: headers, body: buffer)
        return Reply(status: Int(response.status.code), body: Data(buffer: response.body), headers: response.headers)
    }
}
