import Foundation
import HTTPTypes
import Hummingbird
import Juesuan
import JuesuanStore
import Logging
import NIOCore

/// The request context: who is calling (after the session middleware), and from where.
public struct AppContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var caller: Caller?
    public var csrf: String?
    /// The session came from the cookie (a browser): state-changing requests need the CSRF token.
    public var viaCookie = false
    public var token: String?
    public let remoteAddress: String
    /// The client address (from `X-Forwarded-For` when the proxy is trusted).
    public var ip: String

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
    /// Mark the session cookie Secure (behind TLS). Also set per request by `X-Forwarded-Proto: https`
    /// from a trusted proxy when `trustProxy`.
    public var secureCookies = false
    /// Take the client address from `X-Forwarded-For` (only behind a proxy you run).
    public var trustProxy = false
    /// Run the batch-audit worker in this process.
    public var worker = true
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
        router.middlewares.add(ProblemMiddleware(logger: Logger(label: "juesuan.http")))
        router.middlewares.add(SessionMiddleware(cycle: cycle, trustProxy: options.trustProxy))
        let api = API(cycle: cycle, options: options)
        for route in API.routes {
            guard let handler = api.handler(route.operation) else { continue }
            router.on(RouterPath(route.path), method: route.method) { (request: Request, context: AppContext) async throws -> Response in
                if route.auth != .public {
                    guard context.caller != nil else { throw StoreError.unauthenticated() }
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

    /// The application, with the batch-audit worker as a service beside the HTTP server.
    public static func application(cycle: Cycle, options: ServerOptions, logger: Logger, pages: Extension? = nil,
                                   onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        var app = Application(
            router: router(cycle: cycle, options: options, pages: pages),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "juesuan"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? options.port) },
            logger: logger)
        if options.worker { app.addServices(BatchWorker(cycle: cycle, logger: logger)) }
        return app
    }
}

extension HTTPField.Name {
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    static let filename = HTTPField.Name("X-Filename")!
}

/// Every error leaves as RFC 9457 problem details with a Chinese title and detail.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let logger: Logger

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as StoreError {
            return Self.problem(error, instance: request.uri.path)
        } catch let error as OrgImportError {
            return Self.problem(error.storeError, instance: request.uri.path,
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
            return Self.problem(StoreError(status: status, title: status == 404 ? "找不到" : "请求有误", detail: detail), instance: request.uri.path)
        } catch let error as DecodingError {
            return Self.problem(.badRequest("请求体不是所需的 JSON：\(Self.describe(error))"), instance: request.uri.path)
        } catch let error as Problem {
            return Self.problem(StoreError(error), instance: request.uri.path)
        } catch {
            logger.error("内部错误 \(request.method) \(request.uri.path)：\(String(reflecting: error))")
            return Self.problem(StoreError(status: 500, title: "juesuan 内部错误", detail: "服务器处理请求时出错，已记录日志。"),
                                instance: request.uri.path)
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

    static func problem(_ error: StoreError, instance: String, extra: [String: [[String: String]]] = [:]) -> Response {
        var object: [String: Any] = ["type": "about:blank", "title": error.title, "status": error.status, "detail": error.detail,
                                     "instance": instance]
        for (key, value) in extra { object[key] = value }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json; charset=utf-8"
        if error.status == 401 { headers[.wwwAuthenticate] = "Bearer realm=\"juesuan\"" }
        return Response(status: HTTPResponse.Status(code: error.status), headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }
}

/// Finds the session (cookie, or `Authorization: Bearer`) and puts the caller into the context.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let cycle: Cycle
    let trustProxy: Bool

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        // A NUL character is never meaningful in an address and PostgreSQL refuses it in text.
        if request.uri.description.range(of: "%00", options: .caseInsensitive) != nil {
            throw StoreError.badRequest("请求地址中含有 NUL 字符（%00）。")
        }
        var context = context
        var ip = context.remoteAddress
        if trustProxy, let forwarded = request.headers[.forwardedFor]?.split(separator: ",").first {
            ip = forwarded.trimmingCharacters(in: .whitespaces)
        }
        var token: String?
        if let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer ") {
            token = String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        } else if let cookie = request.cookies[JuesuanHTTP.cookieName]?.value, !cookie.isEmpty {
            token = cookie
            context.viaCookie = true
        }
        if let token, token.count == 64, token.allSatisfy(\.isHexDigit), let (user, csrf) = try await cycle.session(token: token) {
            context.caller = Caller(user: user, ip: ip)
            context.csrf = csrf
            context.token = token
        } else {
            context.viaCookie = false
            context.caller = nil
        }
        context.ip = ip
        return try await next(request, context)
    }
}
