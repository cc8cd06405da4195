import Foundation
import Logging
import OTel
import ServiceLifecycle
import Tracing

/// Optional tracing, off by default. Every request is a span (Hummingbird's `TracingMiddleware`: the route,
/// method, status), with the store's costly steps (check, PDF, publication) as its children (`withSpan` in the
/// store's `timed`). Without `serve --trace-endpoint` no tracer is installed and the spans cost next to nothing;
/// with it they are sent in batches as OTLP over HTTP (swift-otel) to a collector (Jaeger, Tempo, the
/// OpenTelemetry Collector). The standard `OTEL_*` variables (protocol, batch delay, sampler) still apply.
public enum TraceExport {
    /// Whether `endpoint` can be sent to: an http or https address with a host. The reason in Chinese when not.
    public static func problem(_ endpoint: String) -> String? {
        guard let url = URL(string: endpoint), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty else {
            return "追踪地址“\(endpoint.prefix(200))”应是 http:// 或 https:// 开头的地址，如 http://127.0.0.1:4318/v1/traces。"
        }
        return nil
    }

    /// Installs the tracer (once per process) and returns the service that sends the spans: run it beside the
    /// server, listed before it, so that it stops after the server and sends the last spans.
    public static func start(endpoint: String, serviceName: String = "juesuan") throws -> any Service {
        if let problem = problem(endpoint) { throw TraceEndpointError(detail: problem) }
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.enabled = true
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        configuration.traces.otlpExporter.endpoint = endpoint
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(backend.factory)
        return backend.service
    }

    struct TraceEndpointError: Error, CustomStringConvertible {
        var detail: String
        var description: String { detail }
    }
}
