import Foundation
import HTTPTypes
import Hummingbird
import Juesuan
import JuesuanStore
import Logging
import HummingbirdCore
import NIOCore
import ServiceLifecycle

/// The request context: who is calling (after the session middleware), and from where.
public struct AppContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var caller: Caller?
    /// The caller of a route that needs a session (the router has checked there is one; a 401 otherwise).
    public var signedIn: Caller {
        get throws {
            guard let caller else { throw StoreError.unauthenticated() }
            return caller
        }
    }
    public var csrf: String?
    /// The session came from the cookie (a browser): state-changing requests need the CSRF token.
    public var viaCookie = false
    public var token: String?
    public let remoteAddress: String
    /// The client address (from `X-Forwarded-For` when the peer is a trusted proxy).
    public var ip: String
    /// The request reached the proxy over TLS (`X-Forwarded-Proto: https` from a trusted proxy), or
    /// the server is configured as served over TLS.
    public var secure = false
    /// The session's notice or problem waiting to be shown once (flash), never text from the URL.
    public var notice: String?
    public var problem: String?
    /// The person must change their password before anything else (a reset by an administrator).
    public var mustChangePassword = false

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "-"
        ip = remoteAddress
    }

    public var maxUploadSize: Int { 64 * 1024 }
}

/// How the server listens and what it trusts.
public struct ServerOptions: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Served over TLS (behind a proxy that terminates it): the session cookie is Secure and every
    /// answer carries HSTS. Also true per request for `X-Forwarded-Proto: https` from a trusted proxy.
    public var secureCookies = false
    /// The proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed (addresses or networks);
    /// empty: the peer's address is the client's.
    public var trustedProxies = TrustedProxies()
    /// How long a client may take to send a request's head, to send each part of its body, and to
    /// stay connected between requests; how many connections are served at once.
    public var headTimeout: Duration = .seconds(10)
    public var bodyTimeout: Duration = .seconds(30)
    public var idleTimeout: Duration = .seconds(60)
    public var maximumConnections = 1024
    /// How long a stop (SIGTERM) waits for requests in flight.
    public var shutdownGrace: Duration = .seconds(30)
    /// Run the batch-audit worker in this process.
    public var worker = true
    /// E-mail of the in-app messages (nil: in-app only).
    public var mail: MailSettings?
    /// The automatic 催报 this many days before a deadline (0: none).
    public var remindDays = 0
    /// Where request and step times go (`/metrics`); one is made when none is given.
    public var metrics: ServerMetrics?
    public init() {}
}

/// `juesuan serve`: the HTTP face of the cycle.
public enum JuesuanHTTP {
    public static let cookieName = "juesuan_session"
    /// Every route (method, path, operation, whether it needs a session or changes state).
    public static var routes: [RouteSpec] { API.routes }

    /// Adds more routes (the web pages) to the router.
    public typealias Extension = @Sendable (Router<AppContext>, Cycle, ServerOptions) -> Void

    public static func router(cycle: Cycle, options: ServerOptions, pages: Extension? = nil) -> Router<AppContext> {
        let router = Router(context: AppContext.self)
        let metrics = options.metrics ?? ServerMetrics()
        // A span per request (nothing is recorded unless `TraceExport.start` installed a tracer).
        router.middlewares.add(TracingMiddleware())
        router.middlewares.add(RequestLogMiddleware(logger: Logger(label: "juesuan.request"), metrics: metrics))
        router.middlewares.add(HeadersMiddleware(options: options))
        router.middlewares.add(ProblemMiddleware(logger: Logger(label: "juesuan.http")))
        router.middlewares.add(SessionMiddleware(cycle: cycle, options: options))
        let api = API(cycle: cycle, options: options, metrics: metrics)
        for route in API.routes {
            let handler = api.handler(route.id)
            router.on(RouterPath(route.path), method: route.method) { (request: Request, context: AppContext) async throws -> Response in
                if route.auth != .public {
                    guard context.caller != nil else { throw StoreError.unauthenticated() }
                    // A one-time password set by an administrator opens nothing but its own change.
                    if context.mustChangePassword, ![API.Operation.me, .logout, .changePassword].contains(route.id) {
                        throw StoreError.forbidden("请先修改密码：管理员重置的一次性密码须修改后才能使用（PUT /api/v1/session/password）。")
                    }
                }
                if route.mutates, context.viaCookie {
                    let sent = request.headers[.csrfToken]
                    guard let sent, let expected = context.csrf, sent == expected else {
                        throw StoreError.forbidden("缺少或错误的 CSRF 令牌（请求头 X-CSRF-Token，登录时返回）：请刷新页面后重试。")
                    }
                }
                return try await handler(request, context)
            }
        }
        pages?(router, cycle, options)
        return router
    }

    /// The application, with the batch-audit worker as a service beside the HTTP server. Clients get
    /// `headTimeout` to send a request's head and `bodyTimeout` per part of its body; at most
    /// `maximumConnections` are served at once.
    public static func application(cycle: Cycle, options: ServerOptions, logger: Logger, pages: Extension? = nil,
                                   onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let timeouts = SlowClientHandler.Timeouts(head: options.headTimeout, body: options.bodyTimeout, idle: options.idleTimeout)
        var app = Application(
            router: router(cycle: cycle, options: options, pages: pages),
            server: .http1(configuration: .init(additionalChannelHandlers: [SlowClientHandler(timeouts)],
                                                idleTimeout: .seconds(Int64(options.idleTimeout.components.seconds) + 5))),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "juesuan",
                                 availableConnectionsDelegate: MaximumAvailableConnections(options.maximumConnections)),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? options.port) },
            logger: logger)
        if options.worker {
            app.addServices(BatchWorker(cycle: cycle, logger: logger))
            if options.mail != nil || options.remindDays > 0 {
                app.addServices(MailService(cycle: cycle, mail: options.mail, remindDays: options.remindDays, logger: logger))
            }
        }
        return app
    }

    /// Runs the application until SIGTERM or SIGINT; then stops accepting connections, lets the
    /// requests in flight finish (at most `options.shutdownGrace`), and returns.
    /// `before`: services started first and stopped last (the trace exporter, which sends the last spans).
    public static func run(_ app: some ApplicationProtocol, options: ServerOptions, logger: Logger, before: [any Service] = []) async throws {
        var configuration = ServiceGroupConfiguration(
            services: before.map { .init(service: $0) } + [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = options.shutdownGrace
        try await ServiceGroup(configuration: configuration).run()
    }
}

extension HTTPField.Name {
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    static let filename = HTTPField.Name("X-Filename")!
    static let origin = HTTPField.Name("Origin")!
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let strictTransportSecurity = HTTPField.Name("Strict-Transport-Security")!
    static let contentSecurityPolicy = HTTPField.Name("Content-Security-Policy")!
    static let retryAfter = HTTPField.Name("Retry-After")!
}

/// One line per request on the server's log: an id (also sent back as `X-Request-Id`), method, path,
/// status and duration — to see what a slow or failing request was.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let logger: Logger
    let metrics: ServerMetrics

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        let id = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let started = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[HTTPField.Name("X-Request-Id")!] = id
        let elapsed = started.duration(to: .now)
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let route = context.endpointPath ?? "(unmatched)"
        metrics.request(route: route, method: request.method.rawValue, status: Int(response.status.code), duration: elapsed)
        logger.info("\(request.method.rawValue) \(request.uri.path) \(response.status.code) \(String(format: "%.1f", milliseconds)) ms",
                    metadata: ["request": .string(id), "route": .string(route), "ip": .string(context.remoteAddress)])
        return response
    }
}

extension StoreError {
    /// The HTTP status of a store failure, decided here at the edge (the store knows no HTTP).
    public var httpStatus: Int {
        switch reason {
        case .badRequest: 400
        case .unauthenticated: 401
        case .forbidden: 403
        case .notFound: 404
        case .conflict: 409
        case .tooLarge: 413
        case .unsupported: 415
        case .invalid: 422
        case .tooMany: 429
        case .unavailable: 503
        case .internal: 500
        }
    }
}

/// Every error leaves as RFC 9457 problem details with a Chinese title and detail.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let logger: Logger

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as StoreError {
            return Self.problem(error, instance: request.uri.path, request: request)
        } catch let error as OrgImportError {
            return Self.problem(error.storeError, instance: request.uri.path, request: request,
                                extra: ["errors": error.problems.map { ["line": "\($0.line)", "value": $0.value, "reason": $0.reason] }])
        } catch let error as HTTPError {
            let status = Int(error.status.code)
            let detail: String
            switch status {
            case 404: detail = "没有这个地址：\(request.uri.path)"
            case 405: detail = "此地址不支持 \(request.method.rawValue) 请求。"
            case 413: detail = "请求体过大。"
            default: detail = error.body ?? error.status.reasonPhrase
            }
            return Self.problem(StoreError(status == 404 ? .notFound : status == 413 ? .tooLarge : .badRequest, detail: detail), status: status,
                                instance: request.uri.path, request: request)
        } catch let error as DecodingError {
            return Self.problem(.badRequest("请求体不是所需的 JSON：\(Self.describe(error))"), instance: request.uri.path, request: request)
        } catch let error as Problem {
            return Self.problem(StoreError(error), instance: request.uri.path, request: request)
        } catch {
            logger.error("内部错误 \(request.method) \(request.uri.path)：\(String(reflecting: error))")
            return Self.problem(StoreError(.internal, detail: "服务器处理请求时出错，已记录日志。"),
                                instance: request.uri.path, request: request)
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "缺少字段“\(key.stringValue)”"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "字段“\(context.codingPath.map(\.stringValue).joined(separator: "."))”类型不对"
        case .dataCorrupted(let context):
            context.codingPath.isEmpty ? "不是有效的 JSON" : "字段“\(context.codingPath.map(\.stringValue).joined(separator: "."))”的值无效"
        @unknown default: "无法解析"
        }
    }

    /// A browser asking for a page (not the API, not a script): `Accept` names HTML.
    static func wantsPage(_ request: Request?) -> Bool {
        guard let request else { return false }
        return !request.uri.path.hasPrefix("/api/") && (request.headers[.accept]?.contains("text/html") ?? false)
    }

    /// The problem as a small page in Chinese, with a way back: for people's browsers.
    static func page(_ error: StoreError, status: Int) -> Response {
        func esc(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let html = """
            <!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(esc(error.title)) · juesuan 决算</title>
            <style>body{font-family:"Noto Sans CJK SC",sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.7;color:#1f2933}
            h1{font-size:1.4rem}a{color:#0b5cad}</style></head><body>
            <h1>\(esc(error.title))（\(status)）</h1><p>\(esc(error.detail))</p>
            <p><a href="/">回到首页</a> · <a href="/public/">已公开的报告</a></p></body></html>
            """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        if status == 503 { headers[.retryAfter] = "5" }
        return Response(status: HTTPResponse.Status(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func problem(_ error: StoreError, status: Int? = nil, instance: String, request: Request? = nil,
                        extra: [String: [[String: String]]] = [:]) -> Response {
        let status = status ?? error.httpStatus
        if wantsPage(request) { return page(error, status: status) }
        var object: [String: Any] = ["type": "about:blank", "title": error.title, "status": status, "detail": error.detail,
                                     "instance": instance]
        for (key, value) in extra { object[key] = value }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json; charset=utf-8"
        if status == 401 { headers[.wwwAuthenticate] = "Bearer realm=\"juesuan\"" }
        if status == 503 { headers[.retryAfter] = "5" }
        return Response(status: HTTPResponse.Status(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }
}

/// Finds the session (cookie, or `Authorization: Bearer`) and puts the caller into the context.
/// Refuses a browser's cross-site state change before anything else (login included: login CSRF).
struct SessionMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let cycle: Cycle
    let options: ServerOptions

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        // A NUL character is never meaningful in an address and PostgreSQL refuses it in text.
        if request.uri.description.range(of: "%00", options: .caseInsensitive) != nil {
            throw StoreError.badRequest("请求地址中含有 NUL 字符（%00）。")
        }
        if request.method != .get, request.method != .head, let refusal = CrossSite.refusal(request) { throw refusal }
        var context = context
        let ip = options.trustedProxies.client(peer: context.remoteAddress, forwardedFor: request.headers[.forwardedFor])
        context.secure = options.secureCookies
            || (options.trustedProxies.trusts(context.remoteAddress) && request.headers[.forwardedProto]?.lowercased() == "https")
        var token: String?
        if let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer ") {
            token = String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        } else if let cookie = request.cookies[JuesuanHTTP.cookieName]?.value, !cookie.isEmpty {
            token = cookie
            context.viaCookie = true
        }
        if let token, token.count == 64, token.allSatisfy(\.isHexDigit), let session = try await cycle.sessions.session(token: token) {
            context.caller = Caller(user: session.user, ip: ip)
            context.csrf = session.csrf
            context.token = token
            context.mustChangePassword = session.mustChangePassword
            if let flash = session.flash, let kind = flash.first {
                if kind == "P" { context.problem = String(flash.dropFirst()) } else { context.notice = String(flash.dropFirst()) }
            }
        } else {
            context.viaCookie = false
            context.caller = nil
        }
        context.ip = ip
        return try await next(request, context)
    }
}

/// A browser's request that changes state must come from this site: `Origin` (or, without it,
/// `Sec-Fetch-Site`) names another site → refused. Clients that send neither (curl, scripts) are
/// not browsers and carry no ambient credentials to abuse.
enum CrossSite {
    static func refusal(_ request: Request) -> StoreError? {
        let host = request.head.authority
        if let origin = request.headers[.origin] {
            guard origin != "null", let url = URL(string: origin), let originHost = url.host else {
                return .forbidden("跨站请求被拒绝（Origin：\(origin.prefix(80))）。请从本站页面操作。")
            }
            let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
            guard let host, host.lowercased() == originAuthority.lowercased() || Self.sameHost(host, originHost, port: url.port) else {
                return .forbidden("跨站请求被拒绝（Origin：\(origin.prefix(80))）。请从本站页面操作。")
            }
            return nil
        }
        if let site = request.headers[.secFetchSite]?.lowercased(), site == "cross-site" || site == "same-site" {
            return .forbidden("跨站请求被拒绝（Sec-Fetch-Site：\(site)）。请从本站页面操作。")
        }
        return nil
    }

    /// `host` (the Host header, maybe with a default port left out) names the same place as the origin.
    static func sameHost(_ host: String, _ originHost: String, port: Int?) -> Bool {
        let bare = host.split(separator: ":").first.map(String.init) ?? host
        return port == nil && bare.lowercased() == originHost.lowercased() && !host.contains(":")
    }
}

/// Headers every answer carries: no sniffing, no framing, no referrer to other sites, HSTS when served
/// over TLS, and a script policy without inline scripts on every HTML page (the app's and /public).
struct HeadersMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let options: ServerOptions
    static let policy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "same-origin"
        if response.headers[.contentSecurityPolicy] == nil { response.headers[.contentSecurityPolicy] = Self.policy }
        if response.headers[HTTPField.Name("X-Frame-Options")!] == nil { response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY" }
        // What a person's session sees is never kept by a browser or a proxy cache.
        let path = request.uri.path
        if path.hasPrefix("/api/") || path.hasPrefix("/app/") || path == "/login" || path == "/" {
            response.headers[.cacheControl] = "no-store"
        }
        if options.secureCookies
            || (options.trustedProxies.trusts(context.remoteAddress) && request.headers[.forwardedProto]?.lowercased() == "https") {
            response.headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains"
        }
        return response
    }
}
