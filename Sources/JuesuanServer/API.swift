import Foundation
import HTTPTypes
import Hummingbird
import Juesuan
import JuesuanStore
import NIOCore

/// One route of the API, as data: the router, the OpenAPI document check and the authorisation
/// test are all generated from `API.routes`.
public struct RouteSpec: Sendable {
    public enum Auth: Sendable { case `public`, session }
    public var method: HTTPRequest.Method
    public var path: String
    /// The operation, typed: one handler each (`API.handler(_:)`), its name the OpenAPI operationId.
    public var id: API.Operation
    public var operation: String { id.rawValue }
    public var auth: Auth
    /// Changes state: needs the CSRF token when the session came from a cookie.
    public var mutates: Bool
}

public struct API: Sendable {
    /// Every operation of the API; the route table gives each its method and path.
    public enum Operation: String, Sendable, CaseIterable {
        case health, ready, metrics, openapi, confirmReport, login, me, logout, changePassword, listTasks, setTask, listOrgs, importOrgs, listUsers, createUser, importUsers, updateUser, unlockUser, resetPassword, inbox, progress, getReport, listVersions, uploadVersion, getFindings, getDataset, explain, recheck, consolidate, consolidated, compare, transition, auditLog, listBatches, createBatch, getBatch, addBatchFile, exportBatch, listPublished, publicPage, publicFile, publicDataFile, publicBudgetPage, publicBudgetFile, publicBudgetDataFile
    }

    typealias Handler = @Sendable (Request, AppContext) async throws -> Response
    let cycle: Cycle
    let options: ServerOptions
    let metrics: ServerMetrics

    public static let routes: [RouteSpec] = [
        .init(method: .get, path: "/health", id: .health, auth: .public, mutates: false),
        .init(method: .get, path: "/ready", id: .ready, auth: .public, mutates: false),
        .init(method: .get, path: "/metrics", id: .metrics, auth: .public, mutates: false),
        .init(method: .get, path: "/openapi.json", id: .openapi, auth: .public, mutates: false),
        .init(method: .post, path: "/api/v1/session", id: .login, auth: .public, mutates: false),
        .init(method: .get, path: "/api/v1/session", id: .me, auth: .session, mutates: false),
        .init(method: .delete, path: "/api/v1/session", id: .logout, auth: .session, mutates: true),
        .init(method: .put, path: "/api/v1/session/password", id: .changePassword, auth: .session, mutates: true),
        .init(method: .get, path: "/api/v1/tasks", id: .listTasks, auth: .session, mutates: false),
        .init(method: .put, path: "/api/v1/tasks/{year}", id: .setTask, auth: .session, mutates: true),
        .init(method: .get, path: "/api/v1/orgs", id: .listOrgs, auth: .session, mutates: false),
        .init(method: .post, path: "/api/v1/orgs/import", id: .importOrgs, auth: .session, mutates: true),
        .init(method: .get, path: "/api/v1/users", id: .listUsers, auth: .session, mutates: false),
        .init(method: .post, path: "/api/v1/users", id: .createUser, auth: .session, mutates: true),
        .init(method: .post, path: "/api/v1/users/import", id: .importUsers, auth: .session, mutates: true),
        .init(method: .patch, path: "/api/v1/users/{login}", id: .updateUser, auth: .session, mutates: true),
        .init(method: .post, path: "/api/v1/users/{login}/unlock", id: .unlockUser, auth: .session, mutates: true),
        .init(method: .post, path: "/api/v1/users/{login}/password-reset", id: .resetPassword, auth: .session, mutates: true),
        .init(method: .get, path: "/api/v1/years/{year}/inbox", id: .inbox, auth: .session, mutates: false),
        .init(method: .get, path: "/api/v1/years/{year}/progress", id: .progress, auth: .session, mutates: false),
        .init(method: .get, path: "/api/v1/reports/{year}/{org}", id: .getReport, auth: .session, mutates: false),
        .init(method: .get, path: "/api/v1/reports/{year}/{org}/versions", id: .listVersions, auth: .session, mutates: false),
        .init(method: .post, path: "/api/v1/reports/{year}/{org}/versions", id: .uploadVersion, auth: .session, mutates: true),
        .init(method: .get, path: "/api/v1/reports/{year}/{org}/versions/{number}/findings", id: .getFindings, auth: .session, mutates: false),
        .init(method: .get, path: "/api/v1/reports/{year}/{org}/versions/{number}/dataset", id: .getDataset, auth: .session, mutates: false),
        .init(method: .put, path: "/api/v1/reports/{year}/{org}/versions/{number}/explanations", id: .explain, auth: .session, mutates: true),
        .init(method: .post, path: "/api/v1/reports/{year}/{org}/recheck", id: .recheck, auth: .session, mutates: true),
        .init(method: .post, path: "/api/v1/reports/{year}/{org}/consolidate", id: .consolidate, auth: .session, mutates: true),
        .init(method: .get, path: "/api/v1/reports/{year}/{org}/consolidated", id: .consolidated, auth: .session, mutates: false),
        .init(method: .get, path: "/api/v1/reports/{year}/{org}/compare", id: .compare, auth: .session, mutates: false),
        .init(method: .post, path: "/api/v1/reports/{year}/{org}/confirm", id: .confirmReport, auth: .session, mutates: true),
        .init(method: .post, path: "/api/v1/reports/{year}/{org}/transitions", id: .transition, auth: .session, mutates: true),
        .init(method: .get, path: "/api/v1/audit-log", id: .auditLog, auth: .session, mutates: false),
        .init(method: .get, path: "/api/v1/batches", id: .listBatches, auth: .session, mutates: false),
        .init(method: .post, path: "/api/v1/batches", id: .createBatch, auth: .session, mutates: true),
        .init(method: .get, path: "/api/v1/batches/{id}", id: .getBatch, auth: .session, mutates: false),
        .init(method: .post, path: "/api/v1/batches/{id}/files", id: .addBatchFile, auth: .session, mutates: true),
        .init(method: .get, path: "/api/v1/batches/{id}/findings", id: .exportBatch, auth: .session, mutates: false),
        .init(method: .get, path: "/api/v1/public/{year}", id: .listPublished, auth: .public, mutates: false),
        .init(method: .get, path: "/public/{year}/{org}/", id: .publicPage, auth: .public, mutates: false),
        .init(method: .get, path: "/public/{year}/{org}/{file}", id: .publicFile, auth: .public, mutates: false),
        .init(method: .get, path: "/public/{year}/{org}/data/{file}", id: .publicDataFile, auth: .public, mutates: false),
        .init(method: .get, path: "/public/{year}/{org}/budget/", id: .publicBudgetPage, auth: .public, mutates: false),
        .init(method: .get, path: "/public/{year}/{org}/budget/{file}", id: .publicBudgetFile, auth: .public, mutates: false),
        .init(method: .get, path: "/public/{year}/{org}/budget/data/{file}", id: .publicBudgetDataFile, auth: .public, mutates: false),
    ]

    /// The handler of an operation; the switch is over the typed operations and exhaustive.
    func handler(_ operation: Operation) -> Handler {
        let cycle = cycle, options = options, metrics = metrics
        switch operation {
        case .health:
            return { _, _ in try Self.json(["status": "ok"]) }
        case .ready:
            return { _, _ in
                try await cycle.ready()
                return try Self.json(["status": "ready"])
            }
        case .metrics:
            // From this machine (a local Prometheus), or for a person who may see the administration.
            return { _, context in
                let loopback = context.remoteAddress == "127.0.0.1" || context.remoteAddress == "::1"
                guard loopback || context.caller?.user.role.may(.seeAdministration) == true else {
                    throw StoreError.forbidden("指标只对本机地址或管理员、只读用户开放。")
                }
                var response = Self.raw(Data(await metrics.scrape(cycle).utf8), type: "text/plain; version=0.0.4; charset=utf-8")
                response.headers[.cacheControl] = "no-store"
                return response
            }
        case .openapi:
            return { _, _ in
                guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json", subdirectory: "Resources"),
                      let data = try? Data(contentsOf: url) else { throw StoreError.unavailable("找不到 OpenAPI 文档（安装不完整）。") }
                return Self.raw(data, type: "application/json")
            }
        case .login:
            return { request, context in
                struct Body: Decodable { var login: String; var password: String }
                let body = try await Self.decode(Body.self, request)
                let login = try await cycle.sessions.login(login: body.login, password: body.password, ip: context.ip)
                var response = try Self.json(LoginResponse(user: login.user, csrfToken: login.csrf, token: login.token,
                                                           expiresAt: login.expiresAt), status: .ok)
                let secure = context.secure
                response.headers[.setCookie] = "\(JuesuanHTTP.cookieName)=\(login.token); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(cycle.settings.sessionSeconds)"
                    + (secure ? "; Secure" : "")
                return response
            }
        case .me:
            return { _, context in try Self.json(MeResponse(user: try context.signedIn.user, csrfToken: context.csrf ?? "")) }
        case .logout:
            return { _, context in
                if let token = context.token { try await cycle.sessions.logout(token: token, caller: try context.signedIn) }
                var response = Response(status: .noContent)
                response.headers[.setCookie] = "\(JuesuanHTTP.cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
                return response
            }
        case .changePassword:
            return { request, context in
                struct Body: Decodable { var current: String; var new: String }
                let body = try await Self.decode(Body.self, request)
                try await cycle.sessions.changePassword(try context.signedIn, current: body.current, new: body.new, keeping: context.token)
                return Response(status: .noContent)
            }
        case .listTasks:
            return { request, _ in
                let tasks = try await cycle.schedule.tasks()
                let paging = Self.paging(request)
                return try Self.json(Page(items: Array(tasks.dropFirst(paging.offset).prefix(paging.limit)), total: tasks.count,
                                          offset: paging.offset, limit: paging.limit))
            }
        case .setTask:
            return { request, context in
                struct Body: Decodable { var kind: ReportKind?; var layout: String?; var deadline: String; var signoff: Bool? }
                let body = try await Self.decode(Body.self, request)
                return try Self.json(try await cycle.schedule.setTask(try context.signedIn, year: try PathParameter.year(context), kind: body.kind ?? .finalAccounts,
                                                             layout: body.layout, deadline: body.deadline, signoff: body.signoff))
            }
        case .listOrgs:
            return { request, context in
                try Self.json(try await cycle.organisation.orgs(try context.signedIn, under: request.uri.queryParameters["under"].map(String.init),
                                                   query: request.uri.queryParameters["q"].map(String.init), paging: Self.paging(request)))
            }
        case .importOrgs:
            return { request, context in
                let bytes = try await Self.body(request, limit: cycle.settings.limits.body)
                return try Self.json(try await cycle.organisation.importOrgs(try context.signedIn, bytes: bytes, filename: Self.filename(request, default: "组织机构.csv")))
            }
        case .listUsers:
            return { request, context in try Self.json(try await cycle.people.users(try context.signedIn, paging: Self.paging(request))) }
        case .importUsers:
            return { request, context in
                let bytes = try await Self.body(request, limit: cycle.settings.limits.body)
                return try Self.json(try await cycle.people.importUsers(try context.signedIn, bytes: bytes, filename: Self.filename(request, default: "用户.csv")))
            }
        case .createUser:
            return { request, context in
                let body = try await Self.decode(Cycle.NewUser.self, request)
                return try Self.json(try await cycle.people.createUser(try context.signedIn, body), status: .created)
            }
        case .updateUser:
            return { request, context in
                let body = try await Self.decode(Cycle.UserChange.self, request)
                return try Self.json(try await cycle.people.updateUser(try context.signedIn, login: try PathParameter.login(context), body))
            }
        case .unlockUser:
            return { _, context in try Self.json(try await cycle.people.unlockUser(try context.signedIn, login: try PathParameter.login(context))) }
        case .resetPassword:
            return { _, context in
                let password = try await cycle.people.resetPassword(try context.signedIn, login: try PathParameter.login(context))
                return try Self.json(["login": try PathParameter.login(context), "password": password, "mustChangePassword": "true"])
            }
        case .inbox:
            return { request, context in
                let query = request.uri.queryParameters
                var state: ReportState?
                if let text = query["state"], !text.isEmpty {
                    guard let parsed = ReportState(rawValue: String(text)) else {
                        throw StoreError.badRequest("state 应为：\(ReportState.allCases.map(\.rawValue).joined(separator: "、"))。")
                    }
                    state = parsed
                }
                var problem: Cycle.ProblemFilter?
                if let text = query["problem"], !text.isEmpty {
                    guard let parsed = Cycle.ProblemFilter(rawValue: String(text)) else {
                        throw StoreError.badRequest("problem 应为：errors、unexplained、clean、missing、unpublished。")
                    }
                    problem = parsed
                }
                return try Self.json(try await cycle.reports.inbox(try context.signedIn, year: try PathParameter.year(context), kind: try PathParameter.kind(query: request),
                                                           state: state, problem: problem,
                                                           query: query["q"].map(String.init), paging: Self.paging(request)))
            }
        case .progress:
            return { request, context in
                try Self.json(try await cycle.reports.progress(try context.signedIn, year: try PathParameter.year(context), kind: try PathParameter.kind(query: request)))
            }
        case .getReport:
            return { request, context in
                try Self.json(try await cycle.reports.report(try context.signedIn, year: try PathParameter.year(context), org: try PathParameter.org(context),
                                                     kind: try PathParameter.kind(query: request)))
            }
        case .listVersions:
            return { request, context in
                try Self.json(try await cycle.reports.versions(try context.signedIn, year: try PathParameter.year(context), org: try PathParameter.org(context),
                                                       kind: try PathParameter.kind(query: request), paging: Self.paging(request)))
            }
        case .uploadVersion:
            return { request, context in
                let bytes = try await Self.body(request, limit: cycle.settings.limits.body)
                let result = try await cycle.reports.upload(try context.signedIn, year: try PathParameter.year(context), org: try PathParameter.org(context),
                                                    kind: try PathParameter.kind(query: request), filename: Self.filename(request, default: "workbook.xlsx"), bytes: bytes)
                return try Self.json(result, status: .created)
            }
        case .getFindings:
            return { request, context in
                let (version, findings) = try await cycle.reports.findings(try context.signedIn, year: try PathParameter.year(context), org: try PathParameter.org(context),
                                                                  kind: try PathParameter.kind(query: request), version: try PathParameter.number(context))
                var selected = findings
                if let severity = request.uri.queryParameters["severity"].flatMap({ Severity(rawValue: String($0)) }) {
                    selected = findings.filter { $0.severity == severity }
                }
                let paging = Self.paging(request, maxLimit: 2000, defaultLimit: 500)
                return try Self.json(FindingsPage(version: version, items: Array(selected.dropFirst(paging.offset).prefix(paging.limit)),
                                                  total: selected.count, offset: paging.offset, limit: paging.limit))
            }
        case .getDataset:
            return { request, context in
                if try PathParameter.kind(query: request) == .budget {
                    let budget = try await cycle.budgets.budgetDataset(try context.signedIn, year: try PathParameter.year(context), org: try PathParameter.org(context),
                                                               version: try PathParameter.number(context))
                    return Self.raw(budget.json(), type: "application/json")
                }
                let disclosure = try await cycle.reports.dataset(try context.signedIn, year: try PathParameter.year(context), org: try PathParameter.org(context),
                                                         version: try PathParameter.number(context))
                return Self.raw(Data(JSONText.encode(disclosure).utf8), type: "application/json")
            }
        case .explain:
            return { request, context in
                struct Body: Decodable { var finding: String; var text: String }
                let body = try await Self.decode(Body.self, request)
                guard let number = try PathParameter.number(context) else { throw StoreError.badRequest("填写说明须指明版本号（不能用 current）。") }
                return try Self.json(try await cycle.reports.explain(try context.signedIn, year: try PathParameter.year(context), org: try PathParameter.org(context),
                                                             kind: try PathParameter.kind(query: request), version: number, finding: body.finding, text: body.text))
            }
        case .recheck:
            return { _, context in
                try Self.json(try await cycle.reports.recheck(try context.signedIn, year: try PathParameter.year(context), org: try PathParameter.org(context)), status: .created)
            }
        case .consolidate:
            return { _, context in
                try Self.json(try await cycle.consolidating.consolidate(try context.signedIn, year: try PathParameter.year(context), org: try PathParameter.org(context)), status: .created)
            }
        case .consolidated:
            return { _, context in
                try Self.json(try await cycle.consolidating.consolidatedView(try context.signedIn, year: try PathParameter.year(context), org: try PathParameter.org(context)))
            }
        case .compare:
            return { request, context in
                let query = request.uri.queryParameters
                let version = try query["version"].map { text -> Int in
                    guard let number = Int(String(text)), number > 0 else { throw StoreError.badRequest("version 应为正整数。") }
                    return number
                }
                let againstText = query["against"].map(String.init) ?? "previous"
                guard let against = Cycle.CompareBase(rawValue: againstText) else {
                    throw StoreError.badRequest("against 应为 previous 或 last-year。")
                }
                return try Self.json(try await cycle.reports.compare(try context.signedIn, year: try PathParameter.year(context), org: try PathParameter.org(context),
                                                             version: version, against: against))
            }
        case .confirmReport:
            return { request, context in
                struct Body: Decodable { var revision: Int? }
                let data = try await Self.body(request, limit: 64 * 1024)
                let body = data.isEmpty ? Body(revision: nil) : try JSONDecoder().decode(Body.self, from: data)
                return try Self.json(try await cycle.reports.confirm(try context.signedIn, year: try PathParameter.year(context), org: try PathParameter.org(context),
                                                             kind: try PathParameter.kind(query: request), revision: body.revision))
            }
        case .transition:
            return { request, context in
                let body = try await Self.decode(TransitionRequest.self, request)
                return try Self.json(try await cycle.reports.transition(try context.signedIn, year: try PathParameter.year(context), org: try PathParameter.org(context),
                                                                kind: try PathParameter.kind(query: request), body))
            }
        case .auditLog:
            return { request, context in
                let query = request.uri.queryParameters
                let page = try await cycle.auditTrail.entries(try context.signedIn, action: query["action"].map(String.init), actor: query["actor"].map(String.init),
                                                    target: query["target"].map(String.init), paging: Self.paging(request, maxLimit: 10_000))
                if query["format"] == "csv" {
                    // For people: Beijing time and Chinese words (the JSON keeps ISO UTC stamps and codes).
                    var text = "编号,时间（北京时间）,操作人,地址,操作,单位,对象,之前,之后,详情\n"
                    for entry in page.items {
                        text += [String(entry.id), AuditWords.beijing(entry.at), entry.actor, entry.ip, AuditWords.action(entry.action), entry.org ?? "",
                                 AuditWords.target(entry.target), entry.before ?? "", entry.after ?? "", entry.detail ?? ""]
                            .map(Cycle.csvField).joined(separator: ",") + "\n"
                    }
                    return Self.raw(Data(("\u{FEFF}" + text).utf8), type: "text/csv; charset=utf-8", download: "审计日志.csv")
                }
                return try Self.json(page)
            }
        case .listBatches:
            return { request, context in try Self.json(try await cycle.batchAudits.batches(try context.signedIn, paging: Self.paging(request))) }
        case .createBatch:
            return { request, context in
                struct Body: Decodable { var year: Int; var name: String }
                let body = try await Self.decode(Body.self, request)
                return try Self.json(try await cycle.batchAudits.createBatch(try context.signedIn, year: body.year, name: body.name), status: .created)
            }
        case .getBatch:
            return { request, context in
                try Self.json(try await cycle.batchAudits.batch(try context.signedIn, id: try PathParameter.id(context), paging: Self.paging(request, maxLimit: 1000, defaultLimit: 200)))
            }
        case .addBatchFile:
            return { request, context in
                let bytes = try await Self.body(request, limit: cycle.settings.limits.body)
                return try Self.json(try await cycle.batchAudits.addBatchFile(try context.signedIn, batch: try PathParameter.id(context),
                                                                  filename: Self.filename(request, default: "report.pdf"), bytes: bytes),
                                     status: .created)
            }
        case .exportBatch:
            return { request, context in
                let format = request.uri.queryParameters["format"].map(String.init) ?? "json"
                let (data, type, name) = try await cycle.batchAudits.exportBatch(try context.signedIn, id: try PathParameter.id(context), format: format)
                return Self.raw(data, type: type, download: name)
            }
        case .listPublished:
            return { request, context in try Self.json(try await cycle.publishing.published(year: try PathParameter.year(context), paging: Self.paging(request))) }
        case .publicPage:
            return { _, context in try await Self.publicFile(cycle, context, path: "index.html") }
        case .publicFile:
            return { _, context in try await Self.publicFile(cycle, context, path: try PathParameter.parameter(context, "file")) }
        case .publicDataFile:
            return { _, context in try await Self.publicFile(cycle, context, path: "data/" + (try PathParameter.parameter(context, "file"))) }
        case .publicBudgetPage:
            return { _, context in try await Self.publicFile(cycle, context, kind: .budget, path: "index.html") }
        case .publicBudgetFile:
            return { _, context in try await Self.publicFile(cycle, context, kind: .budget, path: try PathParameter.parameter(context, "file")) }
        case .publicBudgetDataFile:
            return { _, context in
                try await Self.publicFile(cycle, context, kind: .budget, path: "data/" + (try PathParameter.parameter(context, "file")))
            }
        }
    }

    struct LoginResponse: Encodable { var user: User; var csrfToken: String; var token: String; var expiresAt: Int }
    struct MeResponse: Encodable { var user: User; var csrfToken: String }
    struct FindingsPage: Encodable { var version: VersionView; var items: [StoredFinding]; var total: Int; var offset: Int; var limit: Int }

    static func publicFile(_ cycle: Cycle, _ context: AppContext, kind: ReportKind = .finalAccounts, path: String) async throws -> Response {
        guard let (data, type) = try await cycle.publishing.publicFile(year: try PathParameter.year(context), org: try PathParameter.org(context), kind: kind,
                                                            path: path) else {
            throw StoreError.notFound("没有已公开的文件“\(path)”。")
        }
        var response = raw(data, type: type)
        // Asked again every time: a 撤回 or an 更正 must reach readers at once, not after a cached copy expires.
        response.headers[.cacheControl] = "no-cache"
        return response
    }

    // MARK: - Helpers

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    static func raw(_ data: Data, type: String, download: String? = nil) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.xContentTypeOptions] = "nosniff"
        if let download {
            let encoded = download.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "download"
            headers[.contentDisposition] = "attachment; filename*=UTF-8''\(encoded)"
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        var request = request
        let data = Data(buffer: try await collect(&request, limit: 1024 * 1024))
        if data.range(of: Data("\\u0000".utf8)) != nil { throw StoreError.badRequest("请求体中含有 NUL 字符（\\u0000）。") }
        return try JSONDecoder().decode(T.self, from: data)
    }

    static func body(_ request: Request, limit: Int) async throws -> Data {
        var request = request
        return Data(buffer: try await collect(&request, limit: limit))
    }

    static func collect(_ request: inout Request, limit: Int) async throws -> ByteBuffer {
        do { return try await request.collectBody(upTo: limit) } catch let error as HTTPError where error.status == .contentTooLarge {
            throw StoreError.tooLarge("请求体超过上限 \(limit) 字节。")
        } catch is NIOTooManyBytesError {
            throw StoreError.tooLarge("请求体超过上限 \(limit) 字节。")
        }
    }

    static func filename(_ request: Request, default fallback: String) -> String {
        if let name = request.uri.queryParameters["filename"], !name.isEmpty { return String(name) }
        if let name = request.headers[.filename], !name.isEmpty { return name.removingPercentEncoding ?? name }
        return fallback
    }

    static func paging(_ request: Request, maxLimit: Int = 500, defaultLimit: Int = 50) -> Paging {
        let query = request.uri.queryParameters
        return Paging(offset: query["offset"].flatMap { Int(String($0)) }, limit: query["limit"].flatMap { Int(String($0)) } ?? defaultLimit,
                      maxLimit: maxLimit)
    }
}
