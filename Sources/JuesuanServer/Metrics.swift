import Foundation
import Hummingbird
import JuesuanStore
import Prometheus

/// What the server measures, in Prometheus form at `/metrics`: request durations by route, method and
/// status class; the batch queue's depth (read when scraped); the times of checks, PDFs and publications.
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    static let requestBuckets: [Duration] = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20),
                                            .milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(500), .seconds(1),
                                            .seconds(2), .seconds(5), .seconds(10)]
    static let stepBuckets: [Duration] = [.milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(500),
                                         .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30), .seconds(60)]

    public init() {}

    /// One request: `route` is the matched path pattern (`/api/v1/reports/{year}/{org}`), never the
    /// concrete path, so the number of series stays bounded.
    func request(route: String, method: String, status: Int, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: .init(namespace: "juesuan", metricName: "http_request", unitName: "duration_seconds",
                              helpText: "HTTP 请求用时（按路由、方法与状态类别）"),
            labels: [("route", route), ("method", method), ("status", "\(status / 100)xx")], buckets: Self.requestBuckets
        ).recordNanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// A costly step of the store (the store reports it through `Cycle.Settings.observe`).
    public func step(_ step: Cycle.Timing, _ duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: .init(namespace: "juesuan", metricName: "step", unitName: "duration_seconds",
                              helpText: "检查、打印 PDF、公开各步用时"),
            labels: [("step", step.rawValue)], buckets: Self.stepBuckets
        ).recordNanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// The exposition text, with the queue depth read now.
    func scrape(_ cycle: Cycle) async -> String {
        if let depth = try? await cycle.batchAudits.queueDepth() {
            for (state, name) in [("排队中", "queued"), ("审查中", "running")] {
                registry.makeGauge(descriptor: .init(namespace: "juesuan", metricName: "batch_jobs", unitName: "count",
                                                     helpText: "批量审查队列中的文件数"),
                                   labels: [("state", name)]).set(Int64(depth[state] ?? 0))
            }
        }
        return registry.emitToString()
    }
}
