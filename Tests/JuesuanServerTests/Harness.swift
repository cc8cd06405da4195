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

/// The store's harness (JuesuanTestSupport) with an HTTP client: the API's router, or with the web pages too.
extension Harness {
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
