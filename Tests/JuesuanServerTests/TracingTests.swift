import Foundation
import Hummingbird
import Juesuan
import JuesuanServer
@testable import JuesuanStore
import JuesuanTestSupport
import Logging
import NIOCore
import Testing

/// Spans collected by a stand-in OTLP/HTTP collector (JSON encoding).
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var spans: [[String: Any]] = []

    func add(_ body: Data) {
        guard let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return }
        var found: [[String: Any]] = []
        for resource in json["resourceSpans"] as? [[String: Any]] ?? [] {
            for scope in resource["scopeSpans"] as? [[String: Any]] ?? [] {
                found += scope["spans"] as? [[String: Any]] ?? []
            }
        }
        lock.lock(); spans += found; lock.unlock()
    }

    var all: [[String: Any]] { lock.lock(); defer { lock.unlock() }; return spans }
}

@Suite("serve: optional tracing", .serialized)
struct TracingTests {
    @Test("with --trace-endpoint every request is a span named by its route, and an upload's check is its child")
    func spans() async throws {
        let collected = Collected()
        let router = Router()
        router.post("/v1/traces") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 16 << 20)
            collected.add(Data(buffer: body))
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        let ready = AsyncStream<Int>.makeStream()
        var quiet = Logger(label: "collector")
        quiet.logLevel = .critical
        let collector = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                    onServerRunning: { channel in ready.continuation.yield(channel.localAddress?.port ?? 0) },
                                    logger: quiet)
        let running = Task { try await collector.runService(gracefulShutdownSignals: []) }
        defer { running.cancel() }
        var ports = ready.stream.makeAsyncIterator()
        let port = try #require(await ports.next())

        let harness = try await Harness.make(.sqlite, synthetic: 0)
        let folder = harness.folder.path
        await harness.cycle.close()
        let server = try Served.Server(data: folder, extra: ["--trace-endpoint", "http://127.0.0.1:\(port)/v1/traces"],
                                       environment: ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json", "OTEL_BSP_SCHEDULE_DELAY": "200"])
        defer { server.stop(); try? FileManager.default.removeItem(at: harness.folder) }
        let token = try await Served.login(server.base, "tianbao")
        let upload = try await Served.send(server.base, "POST", "\(ProcessTests.report)/versions?filename=w.xlsx", token: token,
                                           body: Workbooks.corrected)
        #expect(upload.status == 201)

        // Sent in batches: wait (at most 20 s) for the upload's request span and its check.
        let route = "/api/v1/reports/{year}/{org}/versions"
        var spans: [[String: Any]] = []
        let deadline = Date(timeIntervalSinceNow: 20)
        while Date() < deadline {
            spans = collected.all
            if spans.contains(where: { $0["name"] as? String == "juesuan.check" }),
               spans.contains(where: { $0["name"] as? String == route }) { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        let request = try #require(spans.first { $0["name"] as? String == route }, "上传请求的 span：\(spans.map { $0["name"] ?? "" })")
        let check = try #require(spans.first { $0["name"] as? String == "juesuan.check" })
        #expect(check["traceId"] as? String == request["traceId"] as? String, "检查与上传请求属同一追踪")
        #expect(check["parentSpanId"] as? String == request["spanId"] as? String, "检查是上传请求的子 span")
        #expect(spans.contains { $0["name"] as? String == "/api/v1/session" }, "登录请求也有 span")
    }

    @Test("an endpoint that is not http(s) is refused before the server starts, saying why")
    func badEndpoint() throws {
        #expect(TraceExport.problem("http://127.0.0.1:4318/v1/traces") == nil)
        #expect(TraceExport.problem("127.0.0.1:4318")?.contains("http://") == true)
        #expect(TraceExport.problem("ftp://x/y") != nil)
        let run = try Subprocess.run(Served.binary, ["serve", "--data", NSTemporaryDirectory(), "--trace-endpoint", "udp://x"])
        #expect(run.status == 2 || run.status == 64, "\(run.status)")
        #expect(run.stderr.contains("--trace-endpoint"), "\(run.stderr)")
    }
}
