import AsyncHTTPClient
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOFoundationCompat
import Juesuan
@testable import JuesuanStore
import JuesuanTestSupport
import SQLKit
import Testing

/// `juesuan serve` as a real process: killed with SIGKILL in the middle of uploads and transitions,
/// two servers on one PostgreSQL, a backup while serving.
enum Served {
    static let binary: URL = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("juesuan"),
            Repository.root.appendingPathComponent(".build/debug/juesuan"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[1]
    }()

    final class Server: @unchecked Sendable {
        let process = Process()
        let output = Pipe()
        let exit: ExitSignal
        var port = 0
        var base: String { "http://127.0.0.1:\(port)" }

        init(data: String, database: String? = nil, extra: [String] = [], environment: [String: String] = [:]) throws {
            process.executableURL = Served.binary
            if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
            process.arguments = ["serve", "--data", data, "--port", "0", "--bcrypt-cost", "4", "--no-pdf", "--no-worker"]
                + (database.map { ["--database", $0] } ?? []) + extra
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            exit = ExitSignal(process)
            try process.run()
            var text = ""
            let deadline = Date(timeIntervalSinceNow: 30)
            while Date() < deadline {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
                if let range = text.range(of: #"127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
                    port = Int(text[range].dropFirst("127.0.0.1:".count).dropLast()) ?? 0
                    break
                }
            }
            guard port > 0 else { process.terminate(); throw StoreError.unavailable("服务未启动：\(text)") }
        }

        func kill() {
            Foundation.kill(process.processIdentifier, SIGKILL)
            exit.wait()
        }

        func stop() {
            process.terminate()
            exit.wait()
        }
    }

    struct Reply: Sendable {
        var status: Int
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var body: Data
    }

    static func send(_ base: String, _ method: String, _ path: String, token: String? = nil, json: Any? = nil, body: Data? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)
        request.method = .init(rawValue: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
            request.headers.add(name: "Content-Type", value: "application/json")
        } else if let body { request.body = .bytes(ByteBuffer(data: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let data = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Reply(status: Int(response.status.code), body: Data(buffer: data))
    }

    /// A plain TCP connection to the server, for requests sent byte by byte.
    final class Raw: @unchecked Sendable {
        let socket: Int32
        init(port: Int) throws {
            socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { Glibc.close(socket); throw StoreError.unavailable("无法连接 127.0.0.1:\(port)") }
            var timeout = timeval(tv_sec: 20, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
        func send(_ data: Data) -> Bool {
            data.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, data.count, Int32(MSG_NOSIGNAL)) == data.count }
        }
        /// Everything until the server closes (or the receive timeout): the answer, or "" when closed silently.
        func readAll() -> String {
            var out = Data()
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = Glibc.recv(socket, &buffer, buffer.count, 0)
                if count <= 0 { break }
                out.append(contentsOf: buffer[0..<count])
            }
            return String(decoding: out, as: UTF8.self)
        }
        deinit { Glibc.close(socket) }
    }

    static func login(_ base: String, _ login: String) async throws -> String {
        let reply = try await send(base, "POST", "/api/v1/session", json: ["login": login, "password": Harness.password])
        guard let token = reply.json["token"] as? String else { throw StoreError.unauthenticated("登录失败 \(reply.status)") }
        return token
    }
}

@Suite("serve: processes", .serialized) struct ProcessTests {
    static let report = "/api/v1/reports/2021/\(Cycle.demoExample)"

    /// One step of the cycle as a unit and its reviewer would take it, whatever state the report is in.
    static func step(_ base: String, filler: String, reviewer: String) async throws {
        let view = try await Served.send(base, "GET", report, token: filler).json
        switch view["state"] as? String {
        case "填报中":
            if (view["unexplained"] as? Int ?? 0) == 0, view["currentVersion"] is Int, (view["submitBlockers"] as? [String])?.isEmpty == true,
               Bool.random() {
                _ = try await Served.send(base, "POST", report + "/transitions", token: filler, json: ["action": "submit"])
                return
            }
            let uploaded = try await Served.send(base, "POST", report + "/versions?filename=w.xlsx", token: filler, body: Workbooks.corrected)
            let number = (uploaded.json["version"] as? [String: Any])?["number"] as? Int ?? 0
            for finding in uploaded.json["findings"] as? [[String: Any]] ?? [] where finding["severity"] as? String == "warning" {
                _ = try await Served.send(base, "PUT", report + "/versions/\(number)/explanations", token: filler,
                                          json: ["finding": finding["key"] as! String, "text": "已核实无误。"])
            }
        case "已上报":
            _ = try await Served.send(base, "POST", report + "/transitions", token: reviewer, json: ["action": "return", "reason": "请核对"])
        default:
            break
        }
    }

    /// After a crash: the database is intact, every report's state agrees with its audit log, and
    /// every version is whole (numbered without gaps, with its content, dataset and findings).
    static func verify(_ folder: String) async throws {
        let backend = try await SQLiteBackend.open(path: folder + "/juesuan.sqlite", readers: 1, logger: .init(label: "verify"))
        var settings = Cycle.Settings()
        settings.bcryptCost = 4
        let cycle = try Cycle(backend: backend, settings: settings)
        #expect(try await backend.integrityCheck())
        #expect(try await ServerSafetyTests.logAgrees(cycle))
        let problems = try await backend.read { db -> [String] in
            var problems: [String] = []
            for row in try await db.raw("SELECT id, current_version FROM reports").all() {
                let id = try row.decode(column: "id", as: String.self)
                let current = try row.decode(column: "current_version", as: Int.self)
                let numbers = try await db.raw("SELECT number, size, LENGTH(content) AS stored, LENGTH(dataset) AS d, LENGTH(findings) AS f FROM versions WHERE report = \(bind: id) ORDER BY number").all()
                if try numbers.map({ try $0.decode(column: "number", as: Int.self) }) != Array(stride(from: 1, through: current, by: 1)) {
                    problems.append("\(id)：版本号不连续")
                }
                for version in numbers {
                    if try version.decode(column: "size", as: Int.self) != version.decode(column: "stored", as: Int.self)
                        || version.decode(column: "d", as: Int.self) == 0 || version.decode(column: "f", as: Int.self) == 0 {
                        problems.append("\(id)：第 \(try version.decode(column: "number", as: Int.self)) 版不完整")
                    }
                }
            }
            return problems
        }
        #expect(problems.isEmpty, "\(problems)")
        await cycle.close()
    }

    @Test("SIGKILL during uploads and transitions: after each restart the store is whole and agrees with its audit log")
    func sigkill() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 0)
        let folder = harness.folder.path
        await harness.cycle.close()
        let rounds = Int(ProcessInfo.processInfo.environment["JUESUAN_KILL_ROUNDS"] ?? "") ?? 12
        var generator = SeededGenerator(seed: 20261202)
        for _ in 0..<rounds {
            let server = try Served.Server(data: folder)
            let base = server.base
            let filler = try await Served.login(base, "tianbao"), reviewer = try await Served.login(base, "zhuguan")
            let work = Task {
                while !Task.isCancelled {
                    do { try await Self.step(base, filler: filler, reviewer: reviewer) } catch { return }
                }
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 30...400, using: &generator)))
            server.kill()
            work.cancel()
            _ = await work.value
            try await Self.verify(folder)
        }
        try? FileManager.default.removeItem(at: harness.folder)
    }

    @Test("SIGTERM in the middle of an upload: the upload completes, new connections are refused, the server exits 0")
    func gracefulStop() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 0)
        let folder = harness.folder.path
        await harness.cycle.close()
        let server = try Served.Server(data: folder)
        let token = try await Served.login(server.base, "tianbao")
        let body = Workbooks.corrected
        let raw = try Served.Raw(port: server.port)
        let head = "POST \(Self.report)/versions?filename=w.xlsx HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        #expect(raw.send(Data(head.utf8)))
        #expect(raw.send(body.prefix(body.count / 2)))
        try await Task.sleep(for: .milliseconds(300))
        kill(server.process.processIdentifier, SIGTERM)
        try await Task.sleep(for: .milliseconds(500))
        #expect(server.process.isRunning, "收到 SIGTERM 后应等进行中的请求完成")
        #expect(throws: StoreError.self, "停止中的服务不应再接受新连接") { _ = try Served.Raw(port: server.port) }
        #expect(raw.send(body.suffix(from: body.count / 2)))
        let answer = raw.readAll()
        #expect(answer.hasPrefix("HTTP/1.1 201"), "\(answer.prefix(200))")
        server.exit.wait()
        #expect(server.process.terminationStatus == 0)
        try await Self.verify(folder)
        try? FileManager.default.removeItem(at: harness.folder)
    }

    @Test("slow clients: 200 connections that never finish their headers are closed, and /health answers meanwhile")
    func slowClients() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 0, demo: false)
        let folder = harness.folder.path
        await harness.cycle.close()
        let server = try Served.Server(data: folder, extra: ["--header-timeout", "2"])
        var slow: [Served.Raw] = []
        for _ in 0..<200 {
            let raw = try Served.Raw(port: server.port)
            _ = raw.send(Data("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8))
            slow.append(raw)
        }
        let started = Date()
        let health = try await Served.send(server.base, "GET", "/health")
        #expect(health.status == 200)
        #expect(Date().timeIntervalSince(started) < 5, "慢客户端占满时 /health 也应很快回答")
        // Every slow connection is closed by the server, without an answer, within the header timeout.
        let closedAt = Date()
        let answers = slow.map { $0.readAll() }
        #expect(answers.allSatisfy { $0.isEmpty })
        #expect(Date().timeIntervalSince(closedAt) < 30)
        server.stop()
        try? FileManager.default.removeItem(at: harness.folder)
    }

    @Test("juesuan backup makes a consistent copy while the server writes")
    func backup() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 3)
        let folder = harness.folder.path
        await harness.cycle.close()
        let server = try Served.Server(data: folder)
        let filler = try await Served.login(server.base, "tianbao"), reviewer = try await Served.login(server.base, "zhuguan")
        let base = server.base
        let work = Task { for _ in 0..<20 { try? await Self.step(base, filler: filler, reviewer: reviewer) } }
        let out = folder + "/backup.sqlite"
        let made = try Subprocess.run(Served.binary, ["backup", "--data", folder, out])
        #expect(made.status == 0, "\(made.stderr)")
        _ = await work.value
        server.stop()
        let copy = try await SQLiteBackend.open(path: out, readers: 1, logger: .init(label: "backup"))
        #expect(try await copy.integrityCheck())
        let units = try await copy.read { db in try await db.raw("SELECT COUNT(*) AS n FROM orgs").first()?.decode(column: "n", as: Int.self) ?? 0 }
        #expect(units == 8)
        await copy.close()
        // A second backup to the same name is refused: nothing is overwritten.
        let again = try Subprocess.run(Served.binary, ["backup", "--data", folder, out])
        #expect(again.status == 2)
        try? FileManager.default.removeItem(at: harness.folder)
    }

    @Test("two servers on one PostgreSQL: a transition through one is seen by the other; simultaneous transitions have one winner",
          .enabled(if: StoreKind.available.contains(.postgres)))
    func twoServers() async throws {
        let harness = try await Harness.make(.postgres, synthetic: 0)
        let database = harness.database!
        await harness.cycle.close()
        let folder = harness.folder.path
        let one = try Served.Server(data: folder + "/one", database: database)
        let two = try Served.Server(data: folder + "/two", database: database)
        let filler = try await Served.login(one.base, "tianbao")
        let reviewerOne = try await Served.login(one.base, "zhuguan"), reviewerTwo = try await Served.login(two.base, "zhuguan")
        // A session made on one server works on the other: no state of their own.
        let me = try await Served.send(two.base, "GET", "/api/v1/session", token: filler)
        #expect(me.status == 200)
        let uploaded = try await Served.send(one.base, "POST", Self.report + "/versions", token: filler, body: Workbooks.corrected)
        for finding in uploaded.json["findings"] as? [[String: Any]] ?? [] where finding["severity"] as? String == "warning" {
            _ = try await Served.send(two.base, "PUT", Self.report + "/versions/1/explanations", token: filler,
                                      json: ["finding": finding["key"] as! String, "text": "已核实无误。"])
        }
        for round in 0..<5 {
            let submitted = try await Served.send(one.base, "POST", Self.report + "/transitions", token: filler, json: ["action": "submit"])
            #expect(submitted.status == 200)
            let seen = try await Served.send(two.base, "GET", Self.report, token: reviewerTwo)
            #expect(seen.json["state"] as? String == "已上报")
            async let a = Served.send(one.base, "POST", Self.report + "/transitions", token: reviewerOne, json: ["action": "return", "reason": "一号第 \(round) 轮"])
            async let b = Served.send(two.base, "POST", Self.report + "/transitions", token: reviewerTwo, json: ["action": "return", "reason": "二号第 \(round) 轮"])
            let (first, second) = try await (a, b)
            #expect([first.status, second.status].sorted() == [200, 409], "第 \(round) 轮：\(first.status) \(second.status)")
        }
        one.stop()
        two.stop()
        try? FileManager.default.removeItem(at: harness.folder)
    }
}

