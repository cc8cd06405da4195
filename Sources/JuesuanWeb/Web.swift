import Foundation
import HTTPTypes
import Hummingbird
import Juesuan
import JuesuanRender
import JuesuanServer
import JuesuanStore
import JuesuanXLSX
import NIOCore

/// The pages of every role, served by the same process as the API: plain forms that work without
/// JavaScript (a little script adds drag and drop and live progress).
public enum JuesuanWeb {
    /// Where to go after login: `next` when it is a path of this site, else `/` (never off-site).
    public static func sameSitePath(_ next: String?) -> String { Pages.sameSitePath(next) }

    public static func add(to router: Router<AppContext>, cycle: Cycle, options: ServerOptions) {
        let pages = Pages(cycle: cycle, options: options)
        router.get("/") { request, context in try await pages.home(request, context) }
        // The pages' script, a file of its own: the Content-Security-Policy allows no inline script.
        router.get("/assets/site.js") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/javascript; charset=utf-8"
            headers[.cacheControl] = "public, max-age=3600"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: Page.script)))
        }
        router.get("/login") { request, context in try pages.loginPage(request, context, problem: nil) }
        router.post("/login") { request, context in try await pages.login(request, context) }
        router.post("/logout") { request, context in try await pages.post(request, context) { _, caller in
            if let token = context.token { try await cycle.logout(token: token, caller: caller) }
            var response = Pages.redirect("/login?notice=logout")
            response.headers[.setCookie] = "\(JuesuanHTTP.cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
            return response
        } }
        router.get("/app/password") { request, context in try await pages.page(request, context) { caller in
            Page.layout(title: "修改密码", user: caller.user, csrf: context.csrf, notice: context.notice,
                        problem: context.problem, body: """
                <h1>修改密码</h1>
                <form method="post" action="/app/password" class="stack narrow">\(Page.csrfField(context.csrf))
                <label for="current">当前密码</label><input id="current" name="current" type="password" autocomplete="current-password" required>
                <label for="new">新密码（至少 8 个字符）</label><input id="new" name="new" type="password" autocomplete="new-password" minlength="8" required>
                <button type="submit">修改</button></form>
                """)
        } }
        router.post("/app/password") { request, context in try await pages.post(request, context) { form, caller in
            try await cycle.changePassword(caller, current: form["current"] ?? "", new: form["new"] ?? "", keeping: context.token)
            return try await pages.flash(context, notice: "密码已修改。", to: "/app/password")
        } }
        router.get("/app/reports/{year}/{org}") { request, context in try await pages.report(request, context) }
        router.post("/app/reports/{year}/{org}/upload") { request, context in try await pages.reportAction(request, context) { form, caller, year, org in
            guard let file = form.files.first(where: { $0.name == "file" }), !file.data.isEmpty else {
                throw StoreError.invalid("请选择要上传的工作簿文件。")
            }
            let result = try await cycle.upload(caller, year: year, org: org, filename: file.filename, bytes: file.data)
            return "已保存为第 \(result.version.number) 版：错误 \(result.version.errors) 个，警告 \(result.version.warnings) 个。"
        } }
        router.post("/app/reports/{year}/{org}/explain") { request, context in try await pages.reportAction(request, context) { form, caller, year, org in
            guard let version = form["version"].flatMap({ Int($0) }), let key = form["finding"] else { throw StoreError.badRequest("表单不完整。") }
            _ = try await cycle.explain(caller, year: year, org: org, version: version, finding: key, text: form["text"] ?? "")
            return "说明已保存。"
        } }
        router.post("/app/reports/{year}/{org}/transition") { request, context in try await pages.reportAction(request, context) { form, caller, year, org in
            guard let action = form["action"].flatMap(Action.init(rawValue:)) else { throw StoreError.badRequest("不认识的操作。") }
            let view = try await cycle.transition(caller, year: year, org: org,
                                                  TransitionRequest(action: action, reason: form["reason"], revision: form["revision"].flatMap { Int($0) }))
            return "\(action.chineseName)成功：报表现为“\(view.state.rawValue)”。"
        } }
        router.post("/app/reports/{year}/{org}/recheck") { request, context in try await pages.reportAction(request, context) { _, caller, year, org in
            let result = try await cycle.recheck(caller, year: year, org: org)
            return "已按现行规则目录重新检查，成为第 \(result.version.number) 版。"
        } }
        router.post("/app/reports/{year}/{org}/consolidate") { request, context in try await pages.reportAction(request, context) { _, caller, year, org in
            let result = try await cycle.consolidate(caller, year: year, org: org)
            return "已汇总 \(result.version.filename)，成为第 \(result.version.number) 版。"
        } }
        router.get("/app/reports/{year}/{org}/workbook.xlsx") { request, context in try await pages.workbook(request, context) }
        router.get("/app/reports/{year}/{org}/report.pdf") { request, context in try await pages.pdf(request, context) }
        router.get("/app/reports/{year}/{org}/blank.xlsx") { request, context in try await pages.blank(request, context) }
        router.get("/app/inbox") { request, context in try await pages.inbox(request, context) }
        router.get("/app/batches") { request, context in try await pages.batches(request, context) }
        router.post("/app/batches") { request, context in try await pages.post(request, context) { form, caller in
            // Every file is checked before the batch is made: one bad file refuses the whole upload, nothing queued.
            let files = form.files.filter { $0.name == "files" && !$0.data.isEmpty }.map { (filename: $0.filename, bytes: $0.data) }
            for file in files { try cycle.checkBatchFile(filename: file.filename, bytes: file.bytes) }
            let batch = try await cycle.createBatch(caller, year: form["year"].flatMap { Int($0) } ?? Page.defaultYear, name: form["name"] ?? "")
            let added = try await cycle.addBatchFiles(caller, batch: batch.id, files: files).count
            return try await pages.flash(context, notice: "已建批次，\(added) 个文件排队审查。", to: "/app/batches/\(batch.id)")
        } }
        router.get("/app/batches/{id}") { request, context in try await pages.batch(request, context) }
        router.post("/app/batches/{id}/files") { request, context in try await pages.post(request, context) { form, caller in
            let id = try Pages.intParameter(context, "id")
            let files = form.files.filter { $0.name == "files" && !$0.data.isEmpty }.map { (filename: $0.filename, bytes: $0.data) }
            let added = try await cycle.addBatchFiles(caller, batch: id, files: files).count
            return try await pages.flash(context, notice: "\(added) 个文件排队审查。", to: "/app/batches/\(id)")
        } }
        router.get("/app/admin") { request, context in try await pages.admin(request, context) }
        router.post("/app/admin/orgs") { request, context in try await pages.post(request, context) { form, caller in
            guard let file = form.files.first(where: { $0.name == "file" }), !file.data.isEmpty else { throw StoreError.invalid("请选择组织机构文件。") }
            do {
                let result = try await cycle.importOrgs(caller, bytes: file.data, filename: file.filename)
                return try await pages.flash(context, notice: "导入完成：新增 \(result.added)，修改 \(result.changed)，未变 \(result.unchanged)。", to: "/app/admin")
            } catch let error as OrgImportError {
                return try await pages.flash(context, problem: error.storeError.detail, to: "/app/admin")
            }
        } }
        router.post("/app/admin/users") { request, context in try await pages.post(request, context) { form, caller in
            guard let role = form["role"].flatMap(Role.init(rawValue:)) else { throw StoreError.invalid("请选择角色。") }
            let user = try await cycle.createUser(caller, .init(login: form["login"] ?? "", name: form["name"] ?? "", role: role,
                                                                org: form["org"] ?? "", password: form["password"] ?? ""))
            return try await pages.flash(context, notice: "已建用户 \(user.login)。", to: "/app/admin")
        } }
        router.post("/app/admin/users/{login}/{action}") { request, context in try await pages.post(request, context) { _, caller in
            guard let login = context.parameters.get("login"), let action = context.parameters.get("action") else {
                throw StoreError.badRequest("地址不完整。")
            }
            switch action {
            case "unlock":
                _ = try await cycle.unlockUser(caller, login: login)
                return try await pages.flash(context, notice: "已解除 \(login) 的锁定。", to: "/app/admin")
            case "disable", "enable":
                _ = try await cycle.updateUser(caller, login: login, .init(disabled: action == "disable"))
                return try await pages.flash(context, notice: action == "disable" ? "已停用 \(login)（其会话已结束）。" : "已启用 \(login)。", to: "/app/admin")
            case "reset":
                // The one-time password is shown here once, to this administrator, and kept nowhere.
                let password = try await cycle.resetPassword(caller, login: login)
                return Pages.html(Page.layout(title: "已重置密码", user: caller.user, csrf: context.csrf, current: "admin", body: """
                    <h1>已重置 \(Page.esc(login)) 的密码</h1>
                    <p>一次性密码（只显示这一次，请当面或电话告知本人）：</p>
                    <p class="secret"><code>\(Page.esc(password))</code></p>
                    <p>本人用它登录后须先修改密码；其原有会话已结束，锁定已解除。</p>
                    <p><a href="/app/admin">回到管理</a></p>
                    """))
            default:
                throw StoreError.badRequest("不认识的操作“\(action.prefix(20))”。")
            }
        } }
        router.post("/app/admin/tasks") { request, context in try await pages.post(request, context) { form, caller in
            let task = try await cycle.setTask(caller, year: form["year"].flatMap { Int($0) } ?? 0, layout: form["layout"].flatMap { $0.isEmpty ? nil : $0 },
                                               deadline: form["deadline"] ?? "")
            return try await pages.flash(context, notice: "\(task.year) 年度任务已保存。", to: "/app/admin")
        } }
        router.get("/public/{year}/") { request, context in try await pages.publicIndex(request, context) }
        // The public entry: the latest year's published reports.
        router.get("/public/") { _, _ in Pages.redirect("/public/\(try await cycle.tasks().first?.year ?? Page.defaultYear)/") }
    }
}

struct Pages: Sendable {
    let cycle: Cycle
    let options: ServerOptions

    // MARK: - Plumbing

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    /// A redirect that carries a notice or a problem to the next page through the session (flash):
    /// what a page says as the system's message is always the server's own, never text from a URL.
    func flash(_ context: AppContext, notice: String? = nil, problem: String? = nil, to location: String) async throws -> Response {
        if let token = context.token, let text = notice.map({ "N" + $0 }) ?? problem.map({ "P" + $0 }) {
            try await cycle.setFlash(token: token, text)
        }
        return Self.redirect(location)
    }

    /// The only notices the login page shows, chosen by a code in its address.
    static let loginNotices = ["logout": "已退出。", "password": "密码已修改，请用新密码登录。"]

    /// Where to go after login: a path of this site only. Anything else — an absolute address, `//host`,
    /// a backslash, a control or space character (`/\t/evil.example` is followed off-site by browsers),
    /// or a character outside the plain path set — goes home.
    static func sameSitePath(_ next: String?) -> String {
        guard let next, next.utf8.count <= 512, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/\\") else { return "/" }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/?=&%+".unicodeScalars)
        guard next.unicodeScalars.allSatisfy(allowed.contains) else { return "/" }
        // Percent-escapes must not decode to anything outside the set either (%09, %2F%2F, %5C …).
        guard let decoded = next.removingPercentEncoding, decoded.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && $0 != "\\" }),
              !decoded.hasPrefix("//"), !decoded.hasPrefix("/\\") else { return "/" }
        return next
    }

    static func query(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }

    static func intParameter(_ context: AppContext, _ name: String) throws -> Int {
        guard let text = context.parameters.get(name), let value = Int(text), value > 0, value < 1_000_000_000 else {
            throw StoreError.badRequest("地址中的 \(name) 无效。")
        }
        return value
    }

    static func orgParameter(_ context: AppContext) throws -> String {
        guard let text = context.parameters.get("org"), !text.isEmpty, text.count <= 40 else { throw StoreError.badRequest("地址中的单位编码无效。") }
        return text.removingPercentEncoding ?? text
    }

    /// A page for a logged-in person (else to the login page); problems shown as a page.
    func page(_ request: Request, _ context: AppContext, _ body: (Caller) async throws -> String) async throws -> Response {
        guard let caller = context.caller else {
            return Self.redirect("/login?next=" + Self.query(request.uri.path))
        }
        if context.mustChangePassword, request.uri.path != "/app/password" {
            return try await flash(context, notice: "请先修改密码：管理员为您设的一次性密码须修改后才能使用。", to: "/app/password")
        }
        do {
            let page = Self.html(try await body(caller))
            if context.notice != nil || context.problem != nil, let token = context.token { try await cycle.clearFlash(token: token) }
            return page
        } catch let error as StoreError {
            return Self.html(Page.layout(title: error.title, user: caller.user, csrf: context.csrf, body: """
                <h1>\(Page.esc(error.title))</h1><p class="problem" role="alert">\(Page.esc(error.detail))</p><p><a href="/">回到首页</a></p>
                """), status: HTTPResponse.Status(code: error.status))
        }
    }

    /// A form post: logged in, the CSRF field matches the session, the body is a form.
    func post(_ request: Request, _ context: AppContext, _ body: (Form, Caller) async throws -> Response) async throws -> Response {
        guard let caller = context.caller else { return Self.redirect("/login") }
        if context.mustChangePassword, request.uri.path != "/app/password", request.uri.path != "/logout" {
            return try await flash(context, notice: "请先修改密码：管理员为您设的一次性密码须修改后才能使用。", to: "/app/password")
        }
        var request = request
        let data: Data
        do { data = Data(buffer: try await request.collectBody(upTo: cycle.settings.limits.body + 1024 * 1024)) } catch {
            return try await back(request, context, problem: "上传过大：上限 \(cycle.settings.limits.body / 1024 / 1024) MB。")
        }
        guard let form = Form.parse(data, contentType: request.headers[.contentType]) else {
            return try await back(request, context, problem: "表单无法读取。")
        }
        guard let sent = form["_csrf"], let expected = context.csrf, sent == expected else {
            return Self.html(Page.layout(title: "请求被拒绝", user: caller.user, csrf: context.csrf, body: """
                <h1>请求被拒绝</h1><p class="problem" role="alert">表单缺少或带有错误的 CSRF 令牌（页面可能已过期）。请回到上一页刷新后再试。</p>
                """), status: .forbidden)
        }
        do { return try await body(form, caller) } catch let error as StoreError {
            return try await back(request, context, problem: error.detail)
        }
    }

    /// Back to the page the form was on (its path without the last component), with a problem.
    func back(_ request: Request, _ context: AppContext, problem: String) async throws -> Response {
        var path = request.uri.path
        for suffix in ["/upload", "/explain", "/transition", "/recheck", "/consolidate", "/files"] where path.hasSuffix(suffix) {
            path = String(path.dropLast(suffix.count))
        }
        if path.hasPrefix("/app/admin/") { path = "/app/admin" }
        if path == "/app/batches" || path == "/logout" { path = path == "/logout" ? "/" : "/app/batches" }
        return try await flash(context, problem: problem, to: path)
    }

    /// A report action posted from the report page; back to it with what happened.
    func reportAction(_ request: Request, _ context: AppContext,
                      _ body: @escaping (Form, Caller, Int, String) async throws -> String) async throws -> Response {
        try await post(request, context) { form, caller in
            let year = try Self.intParameter(context, "year"), org = try Self.orgParameter(context)
            let notice = try await body(form, caller, year, org)
            return try await flash(context, notice: notice, to: "/app/reports/\(year)/\(Self.query(org))")
        }
    }

    // MARK: - Login

    func home(_ request: Request, _ context: AppContext) async throws -> Response {
        guard let caller = context.caller else { return Self.redirect("/login") }
        let year = try await cycle.tasks().first?.year ?? Page.defaultYear
        if [.filler, .head].contains(caller.user.role) { return Self.redirect("/app/reports/\(year)/\(caller.user.org)") }
        return Self.redirect("/app/inbox?year=\(year)")
    }

    func loginPage(_ request: Request, _ context: AppContext, problem: String?, status: HTTPResponse.Status = .ok) throws -> Response {
        let next = request.uri.queryParameters["next"].map(String.init) ?? ""
        let notice = request.uri.queryParameters["notice"].flatMap { Self.loginNotices[String($0)] }
        return Self.html(Page.layout(title: "登录", user: nil, csrf: nil, notice: notice,
                                     problem: problem, body: """
            <h1>登录</h1>
            <form method="post" action="/login" class="stack narrow">
            <input type="hidden" name="next" value="\(Page.esc(next))">
            <label for="login">登录名</label><input id="login" name="login" autocomplete="username" required autofocus>
            <label for="password">密码</label><input id="password" name="password" type="password" autocomplete="current-password" required>
            <button type="submit">登录</button>
            </form>
            <p class="hint">连续 5 次密码错误，账户锁定 15 分钟。</p>
            """), status: status)
    }

    func login(_ request: Request, _ context: AppContext) async throws -> Response {
        var request = request
        let data = Data(buffer: try await request.collectBody(upTo: 64 * 1024))
        let form = Form.parse(data, contentType: request.headers[.contentType]) ?? Form()
        do {
            let login = try await cycle.login(login: form["login"] ?? "", password: form["password"] ?? "", ip: context.ip)
            var response = Self.redirect(Self.sameSitePath(form["next"]))
            let secure = context.secure
            response.headers[.setCookie] = "\(JuesuanHTTP.cookieName)=\(login.token); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(cycle.settings.sessionSeconds)"
                + (secure ? "; Secure" : "")
            return response
        } catch let error as StoreError {
            return try loginPage(request, context, problem: error.detail, status: HTTPResponse.Status(code: error.status))
        }
    }

    // MARK: - A report

    func report(_ request: Request, _ context: AppContext) async throws -> Response {
        try await page(request, context) { caller in
            let year = try Self.intParameter(context, "year"), code = try Self.orgParameter(context)
            let query = request.uri.queryParameters
            let view = try await cycle.report(caller, year: year, org: code)
            let role = caller.user.role
            let unitSide = [.filler, .head].contains(role)
            var body = "<h1>\(Page.esc(view.org.name)) <small>\(year) 年度部门决算</small></h1>\n"
            body += "<p class=\"status\">\(Page.stateBadge(view.state)) 第 \(view.revision) 次修改 · 公开截止 \(Page.date(view.deadline))（"
                + (view.daysLeft >= 0 ? "还有 \(view.daysLeft) 天" : "已过 \(-view.daysLeft) 天") + "）"
            if let path = view.publicPath { body += " · <a href=\"\(Page.esc(path))\">公开页面</a>" }
            body += "</p>\n"
            if let reason = view.returnReason, view.state == .drafting {
                body += "<div class=\"returned\" role=\"alert\"><h2>被退回的理由</h2><p>\(Page.esc(reason))</p></div>\n"
            }
            // Actions.
            var actions = ""
            let csrf = Page.csrfField(context.csrf)
            let base = "/app/reports/\(year)/\(Page.esc(code))"
            if unitSide && view.state == .drafting && view.org.kind == .unit {
                actions += """
                    <form method="post" action="\(base)/upload" enctype="multipart/form-data" class="upload" data-drop>
                    \(csrf)<label for="file">上传工作簿（build 写出的 workbook.xlsx、数据集 ZIP 或记账明细 CSV）</label>
                    <input id="file" name="file" type="file" accept=".xlsx,.zip,.csv" required>
                    <span class="drop-hint" aria-hidden="true">或把文件拖到这里</span>
                    <button type="submit">上传并检查</button>
                    <a href="\(base)/blank.xlsx">下载空白工作簿（本单位、本年度）</a></form>
                    """
            }
            if view.state == .drafting && view.org.kind != .unit && [.filler, .head, .reviewer].contains(role) {
                actions += "<form method=\"post\" action=\"\(base)/consolidate\">\(csrf)<button>汇总下属单位</button></form>"
            }
            if unitSide && view.state == .drafting {
                if view.versions.first.map({ !$0.catalogueCurrent }) == true {
                    actions += "<form method=\"post\" action=\"\(base)/recheck\">\(csrf)<button>按现行规则目录重新检查</button></form>"
                }
                actions += "<form method=\"post\" action=\"\(base)/transition\">\(csrf)<input type=\"hidden\" name=\"action\" value=\"submit\">"
                    + "<input type=\"hidden\" name=\"revision\" value=\"\(view.revision)\"><button class=\"primary\">上报</button></form>"
                if !view.submitBlockers.isEmpty {
                    actions += "<div class=\"blockers\"><p>现在上报会被拒绝：</p><ul>" + view.submitBlockers.map { "<li>\(Page.esc($0))</li>" }.joined() + "</ul></div>"
                }
            }
            if unitSide && view.state == .financeApproved || role == .finance && view.state == .financeApproved && caller.isAbove(view.org.path) {
                actions += "<form method=\"post\" action=\"\(base)/transition\">\(csrf)<input type=\"hidden\" name=\"action\" value=\"publish\">"
                    + "<input type=\"hidden\" name=\"revision\" value=\"\(view.revision)\"><button class=\"primary\">公开</button></form>"
            }
            let canReview = (role == .reviewer && view.state == .submitted) || (role == .finance && [.submitted, .departmentApproved].contains(view.state))
            if canReview && caller.isAbove(view.org.path) {
                actions += """
                    <form method="post" action="\(base)/transition" class="inline">\(csrf)<input type="hidden" name="action" value="approve">
                    <input type="hidden" name="revision" value="\(view.revision)"><button class="primary">审核通过</button></form>
                    <form method="post" action="\(base)/transition" class="stack return">\(csrf)<input type="hidden" name="action" value="return">
                    <input type="hidden" name="revision" value="\(view.revision)">
                    <label for="reason">退回理由（必填）</label><textarea id="reason" name="reason" rows="3" required></textarea>
                    <button>退回</button></form>
                    """
            }
            if !actions.isEmpty { body += "<section class=\"actions\" aria-label=\"操作\">\(actions)</section>\n" }

            // The version shown, its findings, the tables with findings at their cells.
            let chosen = query["version"].flatMap { Int(String($0)) }
            if view.currentVersion != nil {
                let (version, findings) = try await cycle.findings(caller, year: year, org: code, version: chosen)
                let dataset = try await cycle.dataset(caller, year: year, org: code, version: version.number)
                body += versionsSection(view, shown: version.number, base: base)
                if let against = query["compare"].flatMap({ Cycle.CompareBase(rawValue: String($0)) }) {
                    body += try await compareSection(caller, year: year, org: code, version: version.number, against: against)
                }
                body += findingsSection(findings, version: version, editable: unitSide && view.state == .drafting && version.number == view.currentVersion,
                                        base: base, csrf: context.csrf)
                let scored = try? Engine.score(dataset)
                let rendered = HTMLWriter.render(dataset, kind: .review, findings: findings.map(Page.finding), scores: scored?.1 ?? [],
                                                 scheme: scored?.0).html
                body += "<section class=\"rendered\" aria-label=\"报表\">" + Self.bodyOf(rendered) + "</section>"
                let style = Self.styleOf(rendered)
                body += historySection(view)
                return Page.layout(title: view.org.name, user: caller.user, csrf: context.csrf, notice: context.notice,
                                   problem: context.problem, current: "report", body: body, extraStyle: style)
            }
            body += "<p>尚未上传报表。</p>" + historySection(view)
            return Page.layout(title: view.org.name, user: caller.user, csrf: context.csrf, notice: context.notice,
                               problem: context.problem, current: "report", body: body)
        }
    }

    /// The body of a rendered review page without its own cover, banner and findings list (the
    /// report page shows those its own way).
    static func bodyOf(_ html: String) -> String {
        guard let start = html.range(of: "<body>"), let end = html.range(of: "</body>", options: .backwards) else { return "" }
        var body = String(html[start.upperBound..<end.lowerBound])
        if let section = body.range(of: "<section class=\"findings\">"), let close = body.range(of: "</section>", range: section.upperBound..<body.endIndex) {
            body.removeSubrange(section.lowerBound..<close.upperBound)
        }
        if let cover = body.range(of: "<header class=\"cover\">"), let close = body.range(of: "</header>", range: cover.upperBound..<body.endIndex) {
            body.removeSubrange(cover.lowerBound..<close.upperBound)
        }
        return body
    }

    static func styleOf(_ html: String) -> String {
        guard let start = html.range(of: "<style>"), let end = html.range(of: "</style>") else { return "" }
        // The report's own page rules are scoped to its section so they do not restyle the app.
        return String(html[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "body {", with: ".rendered {")
    }

    func versionsSection(_ view: ReportView, shown: Int, base: String) -> String {
        var out = "<section class=\"versions\"><h2>版本</h2><div class=\"table-scroll\"><table class=\"list\"><thead><tr><th>版本</th><th>文件</th><th>上传人</th><th>时间</th><th>错误</th><th>警告</th><th>比较</th></tr></thead><tbody>"
        for version in view.versions {
            let current = version.number == shown ? " aria-current=\"true\" class=\"shown\"" : ""
            out += "<tr\(current)><td><a href=\"\(base)?version=\(version.number)\">第 \(version.number) 版</a>" + (version.number == view.currentVersion ? "（当前）" : "") + "</td>"
            out += "<td>\(Page.esc(version.filename))<br><small>\(Page.esc(version.kind.chineseName))</small></td><td>\(Page.esc(version.uploadedBy))</td>"
            out += "<td>\(Page.date(version.uploadedAt, time: true))</td><td class=\"num\">\(version.errors)</td><td class=\"num\">\(version.warnings)</td>"
            var links: [String] = []
            if version.number > 1 { links.append("<a href=\"\(base)?version=\(version.number)&amp;compare=previous\">与上一版</a>") }
            links.append("<a href=\"\(base)?version=\(version.number)&amp;compare=last-year\">与上年</a>")
            out += "<td>\(links.joined(separator: " · "))</td></tr>"
        }
        return out + "</tbody></table></div><p>第 \(shown) 版：<a href=\"\(base)/workbook.xlsx?version=\(shown)\">下载工作簿</a> · <a href=\"\(base)/report.pdf?version=\(shown)\">下载 PDF</a>（打印稿，约需 5 秒）</p></section>\n"
    }

    func compareSection(_ caller: Caller, year: Int, org: String, version: Int, against: Cycle.CompareBase) async throws -> String {
        let comparison: Cycle.Comparison
        do { comparison = try await cycle.compare(caller, year: year, org: org, version: version, against: against) } catch let error as StoreError {
            return "<section class=\"compare\"><h2>比较</h2><p>\(Page.esc(error.detail))</p></section>"
        }
        var out = "<section class=\"compare\"><h2>第 \(version) 版与\(Page.esc(comparison.base))比较</h2>"
        if comparison.cells.isEmpty && comparison.figures.isEmpty { return out + "<p>没有变化。</p></section>" }
        out += "<p>变化的单元格 \(comparison.cells.count) 个，情况说明中的数字 \(comparison.figures.count) 个。</p>"
        out += "<div class=\"table-scroll\"><table class=\"list\"><thead><tr><th>表</th><th>行</th><th>栏</th><th>之前（元）</th><th>之后（元）</th></tr></thead><tbody>"
        for change in comparison.cells.prefix(300) {
            let anchor = TableID(label: change.table).map { HTMLWriter.cellAnchor($0, change.row, change.column) }
            out += "<tr class=\"changed\"><td>\(Page.esc(change.table))</td><td>"
                + (anchor.map { "<a href=\"#\(Page.esc($0))\">\(Page.esc(change.row)) \(Page.esc(change.label))</a>" } ?? Page.esc(change.row + " " + change.label))
                + "</td><td>\(Page.esc(change.columnName))</td><td class=\"num\">\(Page.esc(change.before ?? "—"))</td><td class=\"num\">\(Page.esc(change.after ?? "—"))</td></tr>"
        }
        for change in comparison.figures.prefix(100) {
            out += "<tr class=\"changed\"><td>情况说明</td><td colspan=\"2\">\(Page.esc(change.figure))</td><td class=\"num\">\(Page.esc(change.before ?? "—"))</td><td class=\"num\">\(Page.esc(change.after ?? "—"))</td></tr>"
        }
        return out + "</tbody></table></div></section>\n"
    }

    func findingsSection(_ findings: [StoredFinding], version: VersionView, editable: Bool, base: String, csrf: String?) -> String {
        let errors = findings.filter { $0.severity == .error }.count, warnings = findings.filter { $0.severity == .warning }.count
        var out = "<section class=\"review-findings\" id=\"findings\"><h2>第 \(version.number) 版的检查结果</h2>"
        out += "<p>错误 <strong>\(errors)</strong> 个，警告 <strong>\(warnings)</strong> 个（须逐条说明），提示 \(findings.count - errors - warnings) 个。"
        if !version.catalogueCurrent { out += " 此版本按旧的规则目录检查，须重新检查后才能上报。" }
        out += "</p>"
        if findings.isEmpty { return out + "<p>全部规则通过。</p></section>\n" }
        let groups = Dictionary(grouping: findings) { $0.table ?? "表外（情况说明、自评表等）" }
        for group in groups.keys.sorted(by: { ($0.hasPrefix("表") ? 0 : 1, $0.count, $0) < ($1.hasPrefix("表") ? 0 : 1, $1.count, $1) }) {
            out += "<h3>\(Page.esc(group))</h3><ol class=\"findings\">"
            for finding in groups[group]!.sorted(by: { $0.severity > $1.severity }) {
                out += "<li class=\"\(finding.severity.rawValue)\"><span class=\"sev\">\(finding.severity.chineseName)</span> "
                if let anchor = Page.anchor(finding) {
                    out += "<a href=\"#\(Page.esc(anchor))\">\(Page.esc(finding.place))</a>"
                } else { out += Page.esc(finding.place) }
                out += "：\(Page.esc(finding.message))"
                var detail: [String] = ["规则 <code>\(Page.esc(finding.rule))</code>"]
                if let stated = finding.stated { detail.append("所列 \(Page.esc(stated))") }
                if let expected = finding.expected { detail.append("应为 \(Page.esc(expected))") }
                if let line = finding.line { detail.append("第 \(line) 行") }
                out += "<br><small>\(detail.joined(separator: " · ")) · \(Page.esc(Page.advice(finding)))</small>"
                if finding.severity == .warning {
                    if let explanation = finding.explanation {
                        out += "<p class=\"explanation\">说明（\(Page.esc(finding.explainedBy ?? ""))）：\(Page.esc(explanation))</p>"
                    }
                    if editable {
                        let id = "x" + String(finding.key.unicodeScalars.reduce(UInt32(5381)) { ($0 &* 33) &+ $1.value }, radix: 36)
                        out += """
                            <form method="post" action="\(base)/explain" class="explain">\(Page.csrfField(csrf))
                            <input type="hidden" name="version" value="\(version.number)"><input type="hidden" name="finding" value="\(Page.esc(finding.key))">
                            <label for="\(id)">\(finding.explanation == nil ? "填写说明" : "修改说明")</label>
                            <textarea id="\(id)" name="text" rows="2" required>\(Page.esc(finding.explanation ?? ""))</textarea>
                            <button>保存说明</button></form>
                            """
                    }
                }
                out += "</li>"
            }
            out += "</ol>"
        }
        return out + "</section>\n"
    }

    func historySection(_ view: ReportView) -> String {
        guard !view.history.isEmpty else { return "" }
        let names = ["upload": "上传", "recheck": "重新检查", "consolidate": "汇总", "explain": "说明", "submit": "上报", "return": "退回",
                     "approve": "审核通过", "publish": "公开"]
        var out = "<section class=\"history\"><h2>历史</h2><div class=\"table-scroll\"><table class=\"list\"><thead><tr><th>时间</th><th>操作人</th><th>操作</th><th>之前 → 之后</th><th>详情</th></tr></thead><tbody>"
        for entry in view.history {
            out += "<tr><td>\(Page.date(entry.at, time: true))</td><td>\(Page.esc(entry.actor))</td><td>\(Page.esc(names[entry.action] ?? entry.action))</td>"
            out += "<td>\(Page.esc([entry.before, entry.after].compactMap { $0 }.joined(separator: " → ")))</td><td>\(Page.esc(entry.detail ?? ""))</td></tr>"
        }
        return out + "</tbody></table></div></section>\n"
    }

    func workbook(_ request: Request, _ context: AppContext) async throws -> Response {
        guard let caller = context.caller else { return Self.redirect("/login") }
        let year = try Self.intParameter(context, "year"), code = try Self.orgParameter(context)
        let version = request.uri.queryParameters["version"].flatMap { Int(String($0)) }
        let dataset = try await cycle.dataset(caller, year: year, org: code, version: version)
        let data = try WorkbookWriter.data(dataset)
        var headers = HTTPFields()
        headers[.contentType] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        headers[.contentDisposition] = "attachment; filename*=UTF-8''" + Self.query("\(code)-\(year)-\(version.map { "v\($0)" } ?? "current").xlsx")
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    /// The disclosure of a version printed as report.pdf (for the unit and its reviewers; a
    /// 主管部门's consolidated report included).
    func pdf(_ request: Request, _ context: AppContext) async throws -> Response {
        guard let caller = context.caller else { return Self.redirect("/login") }
        let year = try Self.intParameter(context, "year"), code = try Self.orgParameter(context)
        let version = request.uri.queryParameters["version"].flatMap { Int(String($0)) }
        // Printed once per version and kept; a draft (anything not published) carries a watermark.
        let data = try await cycle.versionPDF(caller, year: year, org: code, version: version) { dataset, draft in
            let publication = try await Task.detached {
                try Publisher.build(dataset, catalog: try Engine.catalog(), rules: try Engine.rules(), source: code, pdf: true, draft: draft)
            }.value
            guard let data = publication.published["report.pdf"] else {
                throw StoreError.unavailable(publication.pdfProblem?.message ?? "无法生成 PDF。")
            }
            return data
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/pdf"
        headers[.contentDisposition] = "attachment; filename*=UTF-8''" + Self.query("\(code)-\(year).pdf")
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    /// The blank official workbook of the unit and year, to fill in Excel and upload.
    func blank(_ request: Request, _ context: AppContext) async throws -> Response {
        guard let caller = context.caller else { return Self.redirect("/login") }
        let year = try Self.intParameter(context, "year"), code = try Self.orgParameter(context)
        let view = try await cycle.report(caller, year: year, org: code)
        let layout = try await cycle.tasks().first { $0.year == year }.flatMap { TableLayout.named($0.layout) } ?? .standard
        var tables: [TableID: Table] = [:]
        for id in TableID.allCases {
            tables[id] = Table(id: id, title: layout.title(id, year: year), department: view.org.name, unit: .wan,
                               columns: layout.spec(id).columns, rows: [])
        }
        var blank = Disclosure(unit: view.org.name, year: year)
        blank.tables = tables
        blank.layout = layout.id
        let data = try WorkbookWriter.data(blank)
        var headers = HTTPFields()
        headers[.contentType] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        headers[.contentDisposition] = "attachment; filename*=UTF-8''" + Self.query("\(code)-\(year)-空白.xlsx")
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    // MARK: - Inbox

    func inbox(_ request: Request, _ context: AppContext) async throws -> Response {
        try await page(request, context) { caller in
            let query = request.uri.queryParameters
            let latest = try await cycle.tasks().first?.year ?? Page.defaultYear
            let year = query["year"].flatMap { Int(String($0)) } ?? latest
            let state = query["state"].flatMap { ReportState(rawValue: String($0)) }
            let problem = query["problem"].flatMap { Cycle.ProblemFilter(rawValue: String($0)) }
            let search = query["q"].map(String.init) ?? ""
            let offset = query["offset"].flatMap { Int(String($0)) } ?? 0
            let paging = Paging(offset: offset, limit: 50)
            let progress = try await cycle.progress(caller, year: year)
            let page = try await cycle.inbox(caller, year: year, state: state, problem: problem, query: search, paging: paging)
            func url(state newState: ReportState?, problem newProblem: Cycle.ProblemFilter?, offset: Int = 0) -> String {
                var items = ["year=\(year)"]
                if let newState { items.append("state=" + Self.query(newState.rawValue)) }
                if let newProblem { items.append("problem=" + newProblem.rawValue) }
                if !search.isEmpty { items.append("q=" + Self.query(search)) }
                if offset > 0 { items.append("offset=\(offset)") }
                return "/app/inbox?" + items.joined(separator: "&")
            }
            var body = "<h1>审核收件箱 <small>\(year) 年度 · 公开截止 \(Page.date(progress.deadline))（" + (progress.daysLeft >= 0 ? "还有 \(progress.daysLeft) 天" : "已过 \(-progress.daysLeft) 天") + "）</small></h1>"
            // Progress of the jurisdiction: a bar per state.
            body += "<section class=\"progress\" aria-label=\"辖区进度\"><h2>辖区进度：\(progress.total) 个单位</h2><ul class=\"bars\">"
            for reportState in ReportState.allCases {
                let count = progress.byState[reportState.rawValue] ?? 0
                body += "<li><span class=\"label\">\(Page.esc(reportState.rawValue))</span><span class=\"bar\"><span class=\"fill \(["填报中": "drafting", "已上报": "submitted", "主管部门已审核": "dept", "财政已审核": "finance", "已公开": "published"][reportState.rawValue]!)\" style=\"width: \(Page.percent(count, progress.total))%\"></span></span><span class=\"count\">\(count)</span></li>"
            }
            body += "</ul><p>有错误的单位 \(progress.withErrors) 个，有未说明警告的单位 \(progress.unexplained) 个，已公开 \(progress.published) 个。</p></section>"
            // Filters: chips by state and by problem, and a search box (a plain GET form).
            body += "<nav class=\"chips\" aria-label=\"按状态筛选\"><a href=\"\(Page.esc(url(state: nil, problem: problem)))\"\(state == nil ? " aria-current=\"true\"" : "")>全部状态</a>"
            for reportState in ReportState.allCases {
                body += "<a href=\"\(Page.esc(url(state: reportState, problem: problem)))\"\(state == reportState ? " aria-current=\"true\"" : "")>\(Page.esc(reportState.rawValue)) \(progress.byState[reportState.rawValue] ?? 0)</a>"
            }
            body += "</nav><nav class=\"chips\" aria-label=\"按问题筛选\"><a href=\"\(Page.esc(url(state: state, problem: nil)))\"\(problem == nil ? " aria-current=\"true\"" : "")>全部</a>"
            for (filter, name) in [(Cycle.ProblemFilter.errors, "有错误"), (.unexplained, "警告未说明"), (.clean, "无问题"), (.missing, "未上传"), (.unpublished, "未公开")] {
                body += "<a href=\"\(Page.esc(url(state: state, problem: filter)))\"\(problem == filter ? " aria-current=\"true\"" : "")>\(name)</a>"
            }
            body += "</nav>"
            body += """
                <form method="get" action="/app/inbox" class="search" role="search"><input type="hidden" name="year" value="\(year)">
                \(state.map { "<input type=\"hidden\" name=\"state\" value=\"\(Page.esc($0.rawValue))\">" } ?? "")\(problem.map { "<input type=\"hidden\" name=\"problem\" value=\"\($0.rawValue)\">" } ?? "")
                <label for="q">按名称或编码搜索</label><input id="q" name="q" value="\(Page.esc(search))" type="search"><button>搜索</button></form>
                """
            // The one-minute view: for each unit with problems on this page, the first error, where and why.
            let troubled = page.items.filter { $0.errors > 0 }
            if !troubled.isEmpty {
                body += "<section class=\"minute\"><h2>一分钟视图：有错误的单位</h2><ul>"
                for item in troubled {
                    body += "<li><a href=\"/app/reports/\(year)/\(Page.esc(item.org))#findings\">\(Page.esc(item.name))</a>：错误 \(item.errors) 个。第一个：\(Page.esc(item.firstError ?? ""))</li>"
                }
                body += "</ul></section>"
            }
            body += "<div class=\"table-scroll\"><table class=\"list inbox\"><thead><tr><th>单位</th><th>编码</th><th>状态</th><th>错误</th><th>警告</th><th>未说明</th><th>最近更改</th><th>距截止</th></tr></thead><tbody>"
            for item in page.items {
                body += "<tr><td><a href=\"/app/reports/\(year)/\(Page.esc(item.org))\">\(Page.esc(item.name))</a>" + (item.kind == .unit ? "" : " <small>（\(Page.esc(item.kind.rawValue))）</small>") + "</td>"
                body += "<td>\(Page.esc(item.org))</td><td>\(Page.stateBadge(item.state))</td><td class=\"num\(item.errors > 0 ? " error" : "")\">\(item.errors)</td>"
                body += "<td class=\"num\">\(item.warnings)</td><td class=\"num\(item.unexplained > 0 ? " warning" : "")\">\(item.unexplained)</td>"
                body += "<td>\(Page.date(item.updatedAt))</td><td class=\"num\">\(item.state == .published ? "已公开" : "\(item.daysLeft) 天")</td></tr>"
            }
            if page.items.isEmpty { body += "<tr><td colspan=\"8\">没有符合条件的单位。</td></tr>" }
            body += "</tbody></table></div>"
            body += Page.pager(total: page.total, offset: paging.offset, limit: paging.limit) { url(state: state, problem: problem, offset: $0) }
            return Page.layout(title: "审核收件箱", user: caller.user, csrf: context.csrf, notice: context.notice,
                               problem: context.problem, current: "inbox", body: body)
        }
    }

    // MARK: - Batch audit

    func batches(_ request: Request, _ context: AppContext) async throws -> Response {
        try await page(request, context) { caller in
            let list = try await cycle.batches(caller, paging: Paging(offset: 0, limit: 100))
            var body = "<h1>批量审查已公开的报告</h1>"
            if [.reviewer, .finance, .admin].contains(caller.user.role) {
                body += """
                    <form method="post" action="/app/batches" enctype="multipart/form-data" class="stack upload" data-drop>\(Page.csrfField(context.csrf))
                    <label for="name">批次名称</label><input id="name" name="name" required maxlength="200" placeholder="如：\(Page.defaultYear) 年度部门决算公开">
                    <label for="year">年度</label><input id="year" name="year" type="number" min="2000" max="2100" value="\(Page.defaultYear)" required>
                    <label for="files">已公开的报告（PDF 或提取的文本，可多选）</label><input id="files" name="files" type="file" multiple accept=".pdf,.txt" required>
                    <span class="drop-hint" aria-hidden="true">或把文件拖到这里</span>
                    <button class="primary">开始审查</button></form>
                    """
            }
            body += "<div class=\"table-scroll\"><table class=\"list\"><thead><tr><th>批次</th><th>年度</th><th>建立</th><th>进度</th></tr></thead><tbody>"
            for batch in list.items {
                body += "<tr><td><a href=\"/app/batches/\(batch.id)\">\(Page.esc(batch.name))</a></td><td>\(batch.year)</td><td>\(Page.esc(batch.createdBy)) \(Page.date(batch.createdAt))</td>"
                body += "<td>\(batch.done + batch.failed)/\(batch.total)</td></tr>"
            }
            if list.items.isEmpty { body += "<tr><td colspan=\"4\">还没有批次。</td></tr>" }
            body += "</tbody></table></div>"
            return Page.layout(title: "批量审查", user: caller.user, csrf: context.csrf, notice: context.notice,
                               problem: context.problem, current: "batches", body: body)
        }
    }

    func batch(_ request: Request, _ context: AppContext) async throws -> Response {
        try await page(request, context) { caller in
            let id = try Self.intParameter(context, "id")
            let batch = try await cycle.batch(caller, id: id, paging: Paging(offset: 0, limit: 1000, maxLimit: 1000))
            let finished = batch.done + batch.failed
            var body = "<h1>\(Page.esc(batch.name)) <small>\(batch.year) 年度</small></h1>"
            body += "<section class=\"batch\" data-batch=\"\(batch.id)\" data-total=\"\(batch.total)\" data-finished=\"\(finished)\"><h2>进度</h2>"
            body += "<p><progress id=\"total-progress\" max=\"\(max(batch.total, 1))\" value=\"\(finished)\" aria-label=\"全部文件\"></progress> <span id=\"total-text\">\(finished)/\(batch.total) 已完成</span>"
            body += finished < batch.total ? "（页面会自动刷新进度；没有 JavaScript 时请刷新页面）" : ""
            body += "</p><p>下载全部问题：<a href=\"/api/v1/batches/\(batch.id)/findings?format=xlsx\">Excel</a> · <a href=\"/api/v1/batches/\(batch.id)/findings?format=csv\">CSV</a> · <a href=\"/api/v1/batches/\(batch.id)/findings?format=json\">JSON</a></p>"
            body += "<div class=\"table-scroll\"><table class=\"list\"><thead><tr><th>文件</th><th>进度</th><th>报告中的单位</th><th>匹配的单位</th><th>错误</th><th>警告</th><th>原因</th></tr></thead><tbody>"
            for job in batch.jobs?.items ?? [] {
                let value = job.state == .done || job.state == .failed ? 1 : (job.state == .running ? 0.5 : 0)
                body += "<tr data-job=\"\(job.id)\"><td>\(Page.esc(job.filename))</td><td><progress max=\"1\" value=\"\(value)\" aria-label=\"\(Page.esc(job.filename))\"></progress> <span class=\"job-state\">\(Page.esc(job.state.rawValue))</span></td>"
                body += "<td>\(Page.esc(job.unit ?? ""))</td><td>" + (job.matchedOrg.map { "<a href=\"/app/reports/\(batch.year)/\(Page.esc($0))\">\(Page.esc($0))</a>" } ?? (job.state == .done ? "未匹配" : "")) + "</td>"
                body += "<td class=\"num\(job.errors > 0 ? " error" : "")\">\(job.errors)</td><td class=\"num\">\(job.warnings)</td><td>\(Page.esc(job.error ?? ""))</td></tr>"
            }
            body += "</tbody></table></div></section>"
            if [.reviewer, .finance, .admin].contains(caller.user.role) {
                body += """
                    <form method="post" action="/app/batches/\(batch.id)/files" enctype="multipart/form-data" class="stack upload" data-drop>\(Page.csrfField(context.csrf))
                    <label for="files">再加入文件</label><input id="files" name="files" type="file" multiple accept=".pdf,.txt" required>
                    <button>加入</button></form>
                    """
            }
            return Page.layout(title: batch.name, user: caller.user, csrf: context.csrf, notice: context.notice,
                               problem: context.problem, current: "batches", body: body)
        }
    }

    // MARK: - Administration

    func admin(_ request: Request, _ context: AppContext) async throws -> Response {
        try await page(request, context) { caller in
            let query = request.uri.queryParameters
            let isAdmin = caller.user.role == .admin
            var body = "<h1>管理</h1>"
            let tasks = try await cycle.tasks()
            body += "<section><h2>年度任务</h2><ul>" + tasks.map { "<li>\($0.year) 年度：版式 \(Page.esc($0.layout))，规则目录 \(Page.esc($0.catalogue))，公开截止 \(Page.date($0.deadline))</li>" }.joined() + "</ul>"
            if isAdmin {
                body += """
                    <form method="post" action="/app/admin/tasks" class="stack narrow">\(Page.csrfField(context.csrf))
                    <label for="task-year">年度</label><input id="task-year" name="year" type="number" min="2000" max="2100" required value="\(tasks.first?.year ?? Page.defaultYear)">
                    <label for="task-layout">版式</label><select id="task-layout" name="layout">\(TableLayout.all.map { "<option value=\"\(Page.esc($0.id))\">\(Page.esc($0.id))</option>" }.joined())</select>
                    <label for="task-deadline">公开截止日期</label><input id="task-deadline" name="deadline" type="date" required value="\(Page.esc(tasks.first?.deadline ?? ""))">
                    <button>保存任务</button></form>
                    """
            }
            body += "</section>"
            if isAdmin {
                body += """
                    <section><h2>导入组织机构</h2><p>CSV 或 XLSX，第一行为表头：单位编码,名称,上级编码,类型（财政局、主管部门、单位）。有任何一行出错时整份不导入，并列出每一行的问题。</p>
                    <form method="post" action="/app/admin/orgs" enctype="multipart/form-data" class="stack narrow upload" data-drop>\(Page.csrfField(context.csrf))
                    <label for="org-file">组织机构文件</label><input id="org-file" name="file" type="file" accept=".csv,.xlsx" required><button>导入</button></form></section>
                    """
            }
            let users = try await cycle.accounts(caller, paging: Paging(offset: 0, limit: 200))
            body += "<section><h2>用户（\(users.total)）</h2><div class=\"table-scroll\"><table class=\"list\"><thead><tr><th>登录名</th><th>姓名</th><th>角色</th><th>单位</th><th>状态</th>"
                + (isAdmin ? "<th>操作</th>" : "") + "</tr></thead><tbody>"
            body += users.items.map { account in
                let user = account.user
                let state = [account.disabled ? "已停用" : nil, account.locked ? "已锁定" : nil, account.mustChangePassword ? "须改密码" : nil]
                    .compactMap { $0 }.joined(separator: "、")
                var actions = ""
                if isAdmin, user.login != caller.user.login {
                    func button(_ action: String, _ text: String) -> String {
                        "<form method=\"post\" action=\"/app/admin/users/\(Page.esc(Self.query(user.login)))/\(action)\" class=\"inline\">\(Page.csrfField(context.csrf))<button class=\"link\">\(text)</button></form>"
                    }
                    actions = (account.locked ? button("unlock", "解锁") : "") + button("reset", "重置密码")
                        + (account.disabled ? button("enable", "启用") : button("disable", "停用"))
                }
                return "<tr><td>\(Page.esc(user.login))</td><td>\(Page.esc(user.name))</td><td>\(Page.esc(user.role.chineseName))</td><td>\(Page.esc(user.org))</td><td>\(Page.esc(state.isEmpty ? "正常" : state))</td>"
                    + (isAdmin ? "<td class=\"row-actions\">\(actions)</td>" : "") + "</tr>"
            }.joined()
            body += "</tbody></table></div>"
            if isAdmin {
                body += """
                    <form method="post" action="/app/admin/users" class="stack narrow">\(Page.csrfField(context.csrf))
                    <label for="u-login">登录名</label><input id="u-login" name="login" required maxlength="40" autocomplete="off">
                    <label for="u-name">姓名</label><input id="u-name" name="name" required maxlength="100">
                    <label for="u-role">角色</label><select id="u-role" name="role">\(Role.allCases.map { "<option value=\"\($0.rawValue)\">\($0.chineseName)</option>" }.joined())</select>
                    <label for="u-org">单位编码</label><input id="u-org" name="org" required maxlength="40">
                    <label for="u-password">初始密码（至少 8 个字符）</label><input id="u-password" name="password" type="password" minlength="8" required autocomplete="new-password">
                    <button>新建用户</button></form>
                    """
            }
            body += "</section>"
            // The audit log with filters and export.
            let action = query["action"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
            let actor = query["actor"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
            let offset = query["offset"].flatMap { Int(String($0)) } ?? 0
            let log = try await cycle.auditLog(caller, action: action, actor: actor, paging: Paging(offset: offset, limit: 50))
            body += """
                <section><h2>审计日志</h2>
                <form method="get" action="/app/admin" class="search"><label for="f-action">操作</label><input id="f-action" name="action" value="\(Page.esc(action ?? ""))">
                <label for="f-actor">操作人</label><input id="f-actor" name="actor" value="\(Page.esc(actor ?? ""))"><button>筛选</button>
                <a href="/api/v1/audit-log?format=csv&amp;limit=10000\(action.map { "&amp;action=" + Self.query($0) } ?? "")\(actor.map { "&amp;actor=" + Self.query($0) } ?? "")">导出 CSV</a></form>
                <div class="table-scroll"><table class="list"><thead><tr><th>时间</th><th>操作人</th><th>地址</th><th>操作</th><th>对象</th><th>之前 → 之后</th><th>详情</th></tr></thead><tbody>
                """
            for entry in log.items {
                body += "<tr><td>\(Page.date(entry.at, time: true))</td><td>\(Page.esc(entry.actor))</td><td>\(Page.esc(entry.ip))</td><td>\(Page.esc(AuditWords.action(entry.action)))</td>"
                body += "<td>\(Page.esc(AuditWords.target(entry.target)))</td><td>\(Page.esc([entry.before, entry.after].compactMap { $0 }.joined(separator: " → ")))</td><td>\(Page.esc(entry.detail ?? ""))</td></tr>"
            }
            body += "</tbody></table></div>"
            body += Page.pager(total: log.total, offset: offset, limit: 50) { next in
                "/app/admin?offset=\(next)" + (action.map { "&action=" + Self.query($0) } ?? "") + (actor.map { "&actor=" + Self.query($0) } ?? "")
            }
            body += "</section>"
            return Page.layout(title: "管理", user: caller.user, csrf: context.csrf, notice: context.notice,
                               problem: context.problem, current: "admin", body: body)
        }
    }

    // MARK: - Public

    func publicIndex(_ request: Request, _ context: AppContext) async throws -> Response {
        let year = try Self.intParameter(context, "year")
        let offset = request.uri.queryParameters["offset"].flatMap { Int(String($0)) } ?? 0
        let list = try await cycle.published(year: year, paging: Paging(offset: offset, limit: 100))
        var body = "<h1>\(year) 年度已公开的部门决算</h1><p>共 \(list.total) 个单位。</p><div class=\"table-scroll\"><table class=\"list\"><thead><tr><th>单位</th><th>公开日期</th><th>文件</th></tr></thead><tbody>"
        for entry in list.items {
            let base = "/public/\(year)/\(Page.esc(entry.org))/"
            var links = ["<a href=\"\(base)\">页面</a>"]
            if entry.files.contains("report.pdf") { links.append("<a href=\"\(base)report.pdf\">PDF</a>") }
            if entry.files.contains("workbook.xlsx") { links.append("<a href=\"\(base)workbook.xlsx\">工作簿</a>") }
            if entry.files.contains("datapackage.json") { links.append("<a href=\"\(base)datapackage.json\">开放数据</a>") }
            body += "<tr><td><a href=\"\(base)\">\(Page.esc(entry.name))</a></td><td>\(Page.date(entry.publishedAt))</td><td>\(links.joined(separator: " · "))</td></tr>"
        }
        if list.items.isEmpty { body += "<tr><td colspan=\"3\">还没有单位公开。</td></tr>" }
        body += "</tbody></table></div>" + Page.pager(total: list.total, offset: offset, limit: 100) { "/public/\(year)/?offset=\($0)" }
        return Self.html(Page.layout(title: "\(year) 年度已公开", user: context.caller?.user, csrf: context.csrf, current: "public", body: body))
    }
}
