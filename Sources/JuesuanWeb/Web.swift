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
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: Views.script)))
        }
        router.get("/login") { request, context in try pages.loginPage(request, context, problem: nil) }
        router.post("/login") { request, context in try await pages.login(request, context) }
        router.post("/logout") { request, context in try await pages.post(request, context) { _, caller in
            if let token = context.token { try await cycle.sessions.logout(token: token, caller: caller) }
            var response = Pages.redirect("/login?notice=logout")
            response.headers[.setCookie] = "\(JuesuanHTTP.cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
            return response
        } }
        router.get("/app/password") { request, context in try await pages.page(request, context) { caller in
            Views.layout(title: "修改密码", user: caller.user, csrf: context.csrf, notice: context.notice,
                         problem: context.problem, body: Views.render("password", ["csrf": context.csrf ?? ""]))
        } }
        router.post("/app/password") { request, context in try await pages.post(request, context) { form, caller in
            try await cycle.sessions.changePassword(caller, current: form["current"] ?? "", new: form["new"] ?? "", keeping: context.token)
            return try await pages.flash(context, notice: "密码已修改。", to: "/app/password")
        } }
        router.get("/app/reports/{year}/{org}") { request, context in try await pages.report(request, context) }
        router.get("/app/budgets/{year}/{org}") { request, context in try await pages.budgetReport(request, context) }
        router.get("/app/budgets/{year}/{org}/preview") { request, context in try await pages.budgetPreview(request, context) }
        router.get("/app/budgets/{year}/{org}/report.pdf") { request, context in try await pages.budgetPDF(request, context) }
        router.get("/app/budgets/{year}/{org}/blank.xlsx") { request, context in try await pages.budgetBlank(request, context) }
        router.get("/app/budgets/{year}/{org}/workbook.xlsx") { request, context in try await pages.budgetWorkbook(request, context) }
        // The forms of a report page, the same for a 决算 and a 预算 (the address says which).
        for segment in ["reports", "budgets"] {
            router.post("/app/\(segment)/{year}/{org}/upload") { request, context in
                let kind = PathParameter.kind(request)
                return try await pages.reportAction(request, context) { form, caller, year, org in
                    guard let file = form.files.first(where: { $0.name == "file" }), !file.data.isEmpty else {
                        throw StoreError.invalid("请选择要上传的工作簿文件。")
                    }
                    let result = try await cycle.reports.upload(caller, year: year, org: org, kind: kind, filename: file.filename, bytes: file.data)
                    return "已保存为第 \(result.version.number) 版：错误 \(result.version.errors) 个，警告 \(result.version.warnings) 个。"
                }
            }
            router.post("/app/\(segment)/{year}/{org}/remark") { request, context in
                let kind = PathParameter.kind(request)
                return try await pages.reportAction(request, context) { form, caller, year, org in
                    guard let key = form["finding"] else { throw StoreError.badRequest("表单不完整。") }
                    _ = try await cycle.reports.remark(caller, year: year, org: org, kind: kind, finding: key, text: form["text"] ?? "")
                    return "批注已保存，单位会在消息中看到。"
                }
            }
            router.post("/app/\(segment)/{year}/{org}/explain-all") { request, context in try await pages.explainAll(request, context) }
            router.post("/app/\(segment)/{year}/{org}/explain") { request, context in
                let kind = PathParameter.kind(request)
                return try await pages.reportAction(request, context) { form, caller, year, org in
                    guard let version = form["version"].flatMap({ Int($0) }), let key = form["finding"] else { throw StoreError.badRequest("表单不完整。") }
                    _ = try await cycle.reports.explain(caller, year: year, org: org, kind: kind, version: version, finding: key, text: form["text"] ?? "")
                    return "说明已保存。"
                }
            }
            router.post("/app/\(segment)/{year}/{org}/transition") { request, context in try await pages.transition(request, context) }
            router.post("/app/\(segment)/{year}/{org}/recheck") { request, context in
                let kind = PathParameter.kind(request)
                return try await pages.reportAction(request, context) { _, caller, year, org in
                    let result = try await cycle.reports.recheck(caller, year: year, org: org, kind: kind)
                    return "已按现行规则目录重新检查，成为第 \(result.version.number) 版。"
                }
            }
            router.post("/app/\(segment)/{year}/{org}/consolidate") { request, context in
                let kind = PathParameter.kind(request)
                return try await pages.reportAction(request, context) { _, caller, year, org in
                    let result = try await cycle.consolidating.consolidate(caller, year: year, org: org, kind: kind)
                    return "已汇总 \(result.version.filename)，成为第 \(result.version.number) 版。"
                        + (kind == .budget ? "请下载这一版的工作簿补写部门预算的编制说明后上传。" : "")
                }
            }
            router.post("/app/\(segment)/{year}/{org}/confirm") { request, context in
                let kind = PathParameter.kind(request)
                return try await pages.reportAction(request, context) { form, caller, year, org in
                    _ = try await cycle.reports.confirm(caller, year: year, org: org, kind: kind, revision: form["revision"].flatMap { Int($0) })
                    return "已审核确认：此后如有修改（新版本或说明），须重新确认。"
                }
            }
        }
        router.get("/app/reports/{year}/{org}/edit") { request, context in try await pages.editor(request, context) }
        router.post("/app/reports/{year}/{org}/edit") { request, context in try await pages.saveEditor(request, context) }
        router.post("/app/reports/{year}/{org}/draft") { request, context in try await pages.saveEditorJSON(request, context) }
        router.get("/app/reports/{year}/{org}/workbook.xlsx") { request, context in try await pages.workbook(request, context) }
        router.get("/app/reports/{year}/{org}/report.pdf") { request, context in try await pages.pdf(request, context) }
        router.get("/app/reports/{year}/{org}/blank.xlsx") { request, context in try await pages.blank(request, context) }
        router.get("/app/inbox") { request, context in try await pages.inbox(request, context) }
        router.post("/app/inbox/approve") { request, context in try await pages.approveSelected(request, context) }
        router.post("/app/inbox/remind") { request, context in try await pages.post(request, context) { form, caller in
            let year = form["year"].flatMap { Int($0) } ?? Views.defaultYear
            let kind = form["kind"].flatMap { ReportKind(rawValue: $0) } ?? .finalAccounts
            let count = try await cycle.messages.remind(caller, year: year, kind: kind)
            return try await pages.flash(context, notice: "已向 \(count) 个尚未上报的单位发出催报消息。",
                                         to: "/app/inbox?year=\(year)&kind=\(kind.rawValue)&problem=all")
        } }
        router.get("/app/messages") { request, context in try await pages.messages(request, context) }
        router.get("/app/summary") { request, context in try await pages.summary(request, context) }
        router.get("/app/summary.xlsx") { request, context in try await pages.summaryFile(request, context, pdf: false) }
        router.get("/app/summary.pdf") { request, context in try await pages.summaryFile(request, context, pdf: true) }
        router.get("/app/inbox.xlsx") { request, context in try await pages.inboxWorkbook(request, context) }
        router.get("/app/batches") { request, context in try await pages.batches(request, context) }
        router.post("/app/batches") { request, context in try await pages.post(request, context) { form, caller in
            // Every file is checked before the batch is made: one bad file refuses the whole upload, nothing queued.
            let files = form.files.filter { $0.name == "files" && !$0.data.isEmpty }.map { (filename: $0.filename, bytes: $0.data) }
            for file in files { try cycle.batchAudits.checkBatchFile(filename: file.filename, bytes: file.bytes) }
            let batch = try await cycle.batchAudits.createBatch(caller, year: form["year"].flatMap { Int($0) } ?? Views.defaultYear, name: form["name"] ?? "")
            let added = try await cycle.batchAudits.addBatchFiles(caller, batch: batch.id, files: files).count
            return try await pages.flash(context, notice: "已建批次，\(added) 个文件排队审查。", to: "/app/batches/\(batch.id)")
        } }
        router.get("/app/batches/{id}") { request, context in try await pages.batch(request, context) }
        router.get("/app/batches/{id}/jobs/{job}") { request, context in try await pages.batchJob(request, context) }
        router.post("/app/batches/{id}/files") { request, context in try await pages.post(request, context) { form, caller in
            let id = try PathParameter.id(context)
            let files = form.files.filter { $0.name == "files" && !$0.data.isEmpty }.map { (filename: $0.filename, bytes: $0.data) }
            let added = try await cycle.batchAudits.addBatchFiles(caller, batch: id, files: files).count
            return try await pages.flash(context, notice: "\(added) 个文件排队审查。", to: "/app/batches/\(id)")
        } }
        router.get("/app/admin") { request, context in try await pages.admin(request, context) }
        router.post("/app/admin/logo") { request, context in try await pages.post(request, context) { form, caller in
            if form["action"] == "remove" {
                try await cycle.publishing.setLogo(caller, nil)
                return try await pages.flash(context, notice: "已去掉公开页面的标志。", to: "/app/admin")
            }
            guard let file = form.files.first(where: { $0.name == "logo" }), !file.data.isEmpty else { throw StoreError.invalid("请选择标志图片。") }
            try await cycle.publishing.setLogo(caller, file.data)
            return try await pages.flash(context, notice: "已设置公开页面的标志。", to: "/app/admin")
        } }
        router.get("/public/logo") { _, _ in
            guard let (data, type) = try await cycle.publishing.logo() else { throw StoreError.notFound("没有设置标志。") }
            var headers = HTTPFields()
            headers[.contentType] = type
            headers[.cacheControl] = "public, max-age=300"
            headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
        }
        router.post("/app/admin/orgs") { request, context in try await pages.post(request, context) { form, caller in
            guard let file = form.files.first(where: { $0.name == "file" }), !file.data.isEmpty else { throw StoreError.invalid("请选择组织机构文件。") }
            do {
                let result = try await cycle.organisation.importOrgs(caller, bytes: file.data, filename: file.filename)
                return try await pages.flash(context, notice: "导入完成：新增 \(result.added)，修改 \(result.changed)，未变 \(result.unchanged)。", to: "/app/admin")
            } catch let error as OrgImportError {
                return Pages.importProblems(error, caller: caller, context: context)
            }
        } }
        router.post("/app/admin/users/import") { request, context in try await pages.post(request, context) { form, caller in
            guard let file = form.files.first(where: { $0.name == "file" }), !file.data.isEmpty else { throw StoreError.invalid("请选择用户文件。") }
            do {
                let result = try await cycle.people.importUsers(caller, bytes: file.data, filename: file.filename)
                let rows = [["登录名", "姓名", "角色", "单位编码", "一次性密码"]]
                    + result.created.map { [$0.login, $0.name, $0.role.chineseName, $0.org, $0.password] }
                let model = Pages.ImportedUsersPage(count: result.created.count, download: Pages.csvDataURL(rows), downloadName: "导入的用户与一次性密码.csv",
                                              users: result.created.map { .init(login: $0.login, name: $0.name, role: $0.role.chineseName, org: $0.org, password: $0.password) })
                var response = Pages.html(Views.layout(title: "已导入用户", user: caller.user, csrf: context.csrf, current: "admin",
                                                       body: Views.render("users-imported", model)))
                response.headers[.cacheControl] = "no-store"
                return response
            } catch let error as OrgImportError {
                return Pages.importProblems(error, caller: caller, context: context)
            }
        } }
        // Blank import templates, with the header and one example row (UTF-8 with BOM: Excel opens it as Chinese).
        router.get("/app/admin/templates/{name}") { request, context in try await pages.importTemplate(request, context) }
        router.get("/app/admin/orgs") { request, context in try await pages.orgTree(request, context) }
        router.post("/app/admin/orgs/{org}/name") { request, context in try await pages.post(request, context) { form, caller in
            let code = try PathParameter.org(context)
            let org = try await cycle.organisation.renameOrg(caller, code: code, name: form["name"] ?? "")
            let back = org.parent.map { "?under=" + Pages.query($0) } ?? ""
            return try await pages.flash(context, notice: "已把 \(org.code) 改名为“\(org.name)”。", to: "/app/admin/orgs" + back)
        } }
        router.post("/app/admin/users") { request, context in try await pages.post(request, context) { form, caller in
            guard let role = form["role"].flatMap(Role.init(rawValue:)) else { throw StoreError.invalid("请选择角色。") }
            let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces)
            try Cycle.checkEmail(email)
            let user = try await cycle.people.createUser(caller, .init(login: form["login"] ?? "", name: form["name"] ?? "", role: role,
                                                                org: form["org"] ?? "", password: form["password"] ?? ""))
            if !email.isEmpty { _ = try await cycle.people.updateUser(caller, login: user.login, .init(email: email)) }
            return try await pages.flash(context, notice: "已建用户 \(user.login)。", to: "/app/admin")
        } }
        router.post("/app/admin/users/{login}/{action}") { request, context in try await pages.post(request, context) { form, caller in
            let login = try PathParameter.login(context)
            guard let action = context.parameters.get("action") else { throw StoreError.badRequest("地址不完整。") }
            switch action {
            case "email":
                let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces)
                _ = try await cycle.people.updateUser(caller, login: login, .init(email: email))
                return try await pages.flash(context, notice: email.isEmpty ? "已删除 \(login) 的电子邮箱。" : "已把 \(login) 的电子邮箱设为 \(email)。", to: "/app/admin")
            case "unlock":
                _ = try await cycle.people.unlockUser(caller, login: login)
                return try await pages.flash(context, notice: "已解除 \(login) 的锁定。", to: "/app/admin")
            case "disable", "enable":
                _ = try await cycle.people.updateUser(caller, login: login, .init(disabled: action == "disable"))
                return try await pages.flash(context, notice: action == "disable" ? "已停用 \(login)（其会话已结束）。" : "已启用 \(login)。", to: "/app/admin")
            case "reset":
                // The one-time password is shown here once, to this administrator, and kept nowhere.
                let password = try await cycle.people.resetPassword(caller, login: login)
                return Pages.html(Views.layout(title: "已重置密码", user: caller.user, csrf: context.csrf, current: "admin",
                                               body: Views.render("reset", ["login": login, "password": password])))
            default:
                throw StoreError.badRequest("不认识的操作“\(action.prefix(20))”。")
            }
        } }
        router.post("/app/admin/tasks") { request, context in try await pages.post(request, context) { form, caller in
            let kind = form["kind"].flatMap { ReportKind(rawValue: $0) } ?? .finalAccounts
            let task = try await cycle.schedule.setTask(caller, year: form["year"].flatMap { Int($0) } ?? 0, kind: kind,
                                               layout: form["layout"].flatMap { $0.isEmpty ? nil : $0 }, deadline: form["deadline"] ?? "")
            return try await pages.flash(context, notice: "\(task.year) 年度\(task.kind.documentName)任务已保存。", to: "/app/admin")
        } }
        router.get("/public/{year}/") { request, context in try await pages.publicIndex(request, context) }
        // The public entry: the latest year's published reports.
        router.get("/public/") { _, _ in Pages.redirect("/public/\(try await cycle.schedule.tasks().first(where: { $0.kind == .finalAccounts })?.year ?? Views.defaultYear)/") }
    }
}

struct Pages: Sendable {
    let cycle: Cycle
    let options: ServerOptions

    // MARK: - Plumbing

    /// Every bad row of a refused import, as a page and as a CSV to download (nothing was imported).
    static func importProblems(_ error: OrgImportError, caller: Caller, context: AppContext) -> Response {
        let rows = [["行号", "所填的值", "问题"]] + error.problems.map { [String($0.line), $0.value, $0.reason] }
        let model = ImportProblemsPage(filename: error.filename, count: error.problems.count, download: csvDataURL(rows),
                                       downloadName: "导入问题清单.csv",
                                       problems: error.problems.map { .init(line: $0.line, value: $0.value, reason: $0.reason) })
        return html(Views.layout(title: "未导入", user: caller.user, csrf: context.csrf, current: "admin", body: Views.render("import-problems", model)),
                    status: .unprocessableContent)
    }

    /// A CSV (UTF-8 with BOM, for Excel) as a data: address for a download link.
    static func csvDataURL(_ rows: [[String]]) -> String {
        let text = rows.map { row in
            row.map { value in
                // A cell that a spreadsheet would take for a formula (=, +, -, @) is kept as text.
                let cell = value.first.map { "=+-@".contains($0) } == true ? "'" + value : value
                return cell.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
            }.joined(separator: ",")
        }.joined(separator: "\r\n") + "\r\n"
        return "data:text/csv;charset=utf-8;base64," + Data([0xEF, 0xBB, 0xBF] + Array(text.utf8)).base64EncodedString()
    }

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
            try await cycle.sessions.setFlash(token: token, text)
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


    /// A page for a logged-in person (else to the login page); problems shown as a page.
    func page(_ request: Request, _ context: AppContext, _ body: (Caller) async throws -> String) async throws -> Response {
        guard let caller = context.caller else {
            return Self.redirect("/login?next=" + Self.query(request.uri.path))
        }
        if context.mustChangePassword, request.uri.path != "/app/password" {
            return try await flash(context, notice: "请先修改密码：管理员为您设的一次性密码须修改后才能使用。", to: "/app/password")
        }
        do {
            let unread = (try? await cycle.messages.unreadCount(caller)) ?? 0
            let page = Self.html(try await Views.$unread.withValue(unread) { try await body(caller) })
            if context.notice != nil || context.problem != nil, let token = context.token { try await cycle.sessions.clearFlash(token: token) }
            return page
        } catch let error as StoreError {
            return Self.html(Views.layout(title: error.title, user: caller.user, csrf: context.csrf,
                                          body: Views.render("problem", ProblemBody(heading: error.title, detail: error.detail, home: true))),
                             status: HTTPResponse.Status(code: error.httpStatus))
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
            return Self.html(Views.layout(title: "请求被拒绝", user: caller.user, csrf: context.csrf, body: Views.render("problem", ProblemBody(
                heading: "请求被拒绝", detail: "表单缺少或带有错误的 CSRF 令牌（页面可能已过期）。请回到上一页刷新后再试。", home: false))),
                             status: .forbidden)
        }
        do { return try await body(form, caller) } catch let error as StoreError {
            return try await back(request, context, problem: error.detail)
        }
    }

    /// Back to the page the form was on (its path without the last component), with a problem.
    func back(_ request: Request, _ context: AppContext, problem: String) async throws -> Response {
        var path = request.uri.path
        for suffix in ["/upload", "/explain-all", "/explain", "/transition", "/recheck", "/consolidate", "/files"] where path.hasSuffix(suffix) {
            path = String(path.dropLast(suffix.count))
        }
        if path.hasPrefix("/app/admin/") { path = "/app/admin" }
        if path.hasPrefix("/app/inbox/") { path = "/app/inbox" }
        if path == "/app/batches" || path == "/logout" { path = path == "/logout" ? "/" : "/app/batches" }
        return try await flash(context, problem: problem, to: path)
    }

    /// A report action posted from the report page; back to it with what happened.
    func reportAction(_ request: Request, _ context: AppContext,
                      _ body: @escaping (Form, Caller, Int, String) async throws -> String) async throws -> Response {
        let kind = PathParameter.kind(request)
        return try await post(request, context) { form, caller in
            let year = try PathParameter.year(context), org = try PathParameter.org(context)
            let notice = try await body(form, caller, year, org)
            return try await flash(context, notice: notice, to: kind.appPath(year, Self.query(org)))
        }
    }

    // MARK: - Login

    func home(_ request: Request, _ context: AppContext) async throws -> Response {
        guard let caller = context.caller else { return Self.redirect("/login") }
        let year = try await cycle.schedule.tasks().first(where: { $0.kind == .finalAccounts })?.year ?? Views.defaultYear
        if caller.user.role.may(.prepare) { return Self.redirect("/app/reports/\(year)/\(caller.user.org)") }
        return Self.redirect("/app/inbox?year=\(year)")
    }

    func loginPage(_ request: Request, _ context: AppContext, problem: String?, status: HTTPResponse.Status = .ok) throws -> Response {
        let next = request.uri.queryParameters["next"].map(String.init) ?? ""
        let notice = request.uri.queryParameters["notice"].flatMap { Self.loginNotices[String($0)] }
        return Self.html(Views.layout(title: "登录", user: nil, csrf: nil, notice: notice, problem: problem,
                                      body: Views.render("login", ["next": next])), status: status)
    }

    func login(_ request: Request, _ context: AppContext) async throws -> Response {
        var request = request
        let data = Data(buffer: try await request.collectBody(upTo: 64 * 1024))
        let form = Form.parse(data, contentType: request.headers[.contentType]) ?? Form()
        do {
            let login = try await cycle.sessions.login(login: form["login"] ?? "", password: form["password"] ?? "", ip: context.ip)
            var response = Self.redirect(Self.sameSitePath(form["next"]))
            let secure = context.secure
            response.headers[.setCookie] = "\(JuesuanHTTP.cookieName)=\(login.token); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(cycle.settings.sessionSeconds)"
                + (secure ? "; Secure" : "")
            return response
        } catch let error as StoreError {
            return try loginPage(request, context, problem: error.detail, status: HTTPResponse.Status(code: error.httpStatus))
        }
    }

    // MARK: - A report

    struct ProblemBody {
        var heading: String
        var detail: String
        var home: Bool
    }

    struct ReportPage {
        struct Actions {
            var base: String
            var revision: Int
            var upload = false, consolidate = false, recheck = false, confirm = false, submit = false, publish = false, approve = false
            /// A 预算 report: its upload is the budget workbook; no 网页填报.
            var budget = false
            var withdraw = false
            var `return` = false
            // Templates see stored properties only (Mirror): no computed ones in page models.
            var blockers: [String] = []
            var hasBlockers = false
        }
        struct VersionRow {
            var number: Int, href: String, current: Bool, shown: Bool, filename: String, kindName: String, uploadedBy: String
            var at: String, errors: Int, warnings: Int, comparePrevious: String?, compareLastYear: String?
        }
        struct Versions {
            var rows: [VersionRow]
            var shownNumber: Int
            var workbookHref: String
            var pdfHref: String
        }
        struct CellRow { var table: String, anchor: String?, rowText: String, columnName: String, before: String, after: String }
        struct FigureRow { var figure: String, before: String, after: String }
        struct Compare {
            var heading: String
            var problem: String?
            var unchanged = false
            var changed = false
            var cellCount = 0, figureCount = 0
            var cells: [CellRow] = []
            var figures: [FigureRow] = []
        }
        struct ExplainBox { var index: Int, key: String, id: String, label: String, text: String, boxProblem: String? }
        struct FindingItem {
            var itemId: String, severityKey: String, severityName: String, anchor: String?, place: String, message: String, rule: String
            var stated: String?, expected: String?, other: String?, causeNote: String?, line: Int?, advice: String
            var explanation: String?, explainedBy: String, carried: Int?, box: ExplainBox?
            var remarks: [RemarkView], hasRemarks: Bool, remarkForm: RemarkForm?, reply: ReplyBox?
        }
        struct RemarkView { var who: String, at: String, text: String, reviewer: Bool }
        /// A reviewer's 批注 form under a finding (pages without the unit's explanation form).
        struct RemarkForm { var base: String, key: String, id: String }
        /// The unit's answer to the remarks on a finding, inside the form of explanations.
        struct ReplyBox { var index: Int, key: String, id: String }
        /// The findings at one cell: several rules failing at one cell are shown under it together.
        struct CellGroup { var shared: Bool, heading: String, cellAnchor: String?, items: [FindingItem] }
        struct Group { var name: String, cells: [CellGroup] }
        struct Findings {
            var version: Int, base: String, errors: Int, warnings: Int, infos: Int, outdated: Bool, editable: Bool, groups: [Group]
        }
        /// What a refused batch of explanations leaves on the page: the texts as typed, the reason at each box.
        struct Typed { var texts: [String: String] = [:], problems: [String: String] = [:] }
        struct HistoryRow { var at: String, actor: String, action: String, change: String, detail: String }

        var csrf: String
        var orgName: String
        var year: Int
        /// 部门决算 or 部门预算.
        var documentName = "部门决算"
        /// A 预算: where its page as published is previewed.
        var previewHref: String?
        /// A 预算: its layout and scope, said under the title.
        var budgetLine: String?
        /// The unit's reports of every task (决算 and 预算, each year), this one marked; shown when there are several.
        var taskLinks: [TaskLink] = []
        var hasTaskLinks = false
        struct TaskLink { var href: String, text: String, current: Bool }
        var state: Views.StateBadge
        var revision: Int
        var deadline: String
        var daysText: String
        var publicPath: String?
        var returnReason: String?
        /// 审核确认: who confirmed and when, or that it is still awaited (when the task asks for it).
        var confirmation: String?
        var awaitingConfirmation: Bool
        var actions: Actions?
        var versions: Versions?
        var compare: Compare?
        var findings: Findings?
        var rendered: String?
        var noVersion: Bool
        var history: [HistoryRow]
        var hasHistory: Bool
        /// The same year's published budget beside this report's 年初预算.
        var budget: BudgetSection?

        struct BudgetRow { var subject: String, finalAccounts: String, budget: String, difference: String, rowClass: String, note: String }
        struct BudgetSection { var source: String, link: String?, rows: [BudgetRow], differing: Int, hasDiffering: Bool }
    }

    func report(_ request: Request, _ context: AppContext) async throws -> Response {
        try await page(request, context) { caller in try await reportPage(request, context, caller) }
    }

    /// The report page; `typed`: explanations as typed in a refused batch, with the reason at each.
    func reportPage(_ request: Request, _ context: AppContext, _ caller: Caller, typed: ReportPage.Typed = .init()) async throws -> String {
        let year = try PathParameter.year(context), code = try PathParameter.org(context)
        let query = request.uri.queryParameters
        let chosen = query["version"].flatMap { Int(String($0)) }
        let data = try await cycle.reports.reportPage(caller, year: year, org: code, version: chosen)
        let view = data.view
        let base = "/app/reports/\(year)/\(Self.query(code))"
        let actions = Self.actions(view, base: base)
        let names = ["upload": "上传", "recheck": "重新检查", "consolidate": "汇总", "explain": "说明", "submit": "上报", "return": "退回",
                     "approve": "审核通过", "publish": "公开"]
        var model = ReportPage(
            csrf: context.csrf ?? "", orgName: view.org.name, year: year, state: .init(view.state), revision: view.revision,
            deadline: Views.date(view.deadline), daysText: Views.daysText(view.daysLeft), publicPath: view.publicPath,
            returnReason: view.state == .drafting ? view.returnReason : nil,
            confirmation: view.confirmed ? "单位负责人\(view.confirmedBy.map { " " + $0 } ?? "") 已于 \(Views.date(view.confirmedAt, time: true)) 审核确认" : nil,
            awaitingConfirmation: view.signoff && !view.confirmed && view.state == .drafting && view.currentVersion != nil,
            actions: view.actions.contains { $0 != .explain } ? actions : nil, noVersion: view.currentVersion == nil,
            history: view.history.map {
                .init(at: Views.date($0.at, time: true), actor: $0.actor, action: names[$0.action] ?? $0.action,
                      change: [$0.before, $0.after].compactMap { $0 }.joined(separator: " → "), detail: $0.detail ?? "")
            }, hasHistory: !view.history.isEmpty)
        var style = ""
        if let (version, findings, dataset) = data.shown {
            model.versions = versionsModel(view, shown: version.number, base: base)
            if let against = query["compare"].flatMap({ Cycle.CompareBase(rawValue: String($0)) }) {
                model.compare = try await compareModel(caller, year: year, org: code, version: version.number, against: against)
            }
            let editable = view.actions.contains(.explain) && version.number == view.currentVersion
            model.findings = findingsModel(findings, version: version, editable: editable, base: base, typed: typed, remarks: data.remarks,
                                           mayRemark: caller.user.role.may(.review) && caller.isAbove(view.org.path))
            // The whole disclosure as it will be published — Part 3 情况说明 and the forms included —
            // with the findings at their places.
            let parts = try await cycle.reports.reviewParts(dataset, year: year, org: code, version: version.number)
            let embedded = HTMLWriter.embeddedReview(dataset, findings: findings.map(Views.finding), scores: parts.scores,
                                                     scheme: parts.scheme, narrative: parts.narrative)
            model.rendered = embedded.body
            style = embedded.style
        }
        model.taskLinks = try await taskLinks(code: code, year: year, kind: .finalAccounts)
        model.hasTaskLinks = !model.taskLinks.isEmpty
        if let budget = data.budget {
            model.budget = .init(
                source: budget.report != nil
                    ? "（本系统中的\(budget.filename)，\(budget.reportState?.rawValue ?? "")）"
                    : "“\(budget.filename)”（批量审查“\(budget.batch)”，\(Views.date(budget.auditedAt, time: true))）",
                link: budget.report,
                rows: budget.links.map { link in
                    let difference = link.budget.map { link.finalAccounts - $0 }
                    return .init(subject: link.subject, finalAccounts: link.finalAccounts.formatted(unit: .wan, decimals: 2),
                                 budget: link.budgetText ?? "预算未列", difference: link.consistent ? "" : difference.map { $0.formatted(unit: .wan, decimals: 2) } ?? "",
                                 rowClass: link.consistent ? "" : "warning",
                                 note: link.budget == nil ? "" : (link.consistent ? "一致" : "不一致：请在情况说明中写明差异（预算调整等）"))
                },
                differing: budget.links.filter { !$0.consistent }.count, hasDiffering: budget.links.contains { !$0.consistent })
        }
        return Views.layout(title: view.org.name, user: caller.user, csrf: context.csrf, notice: context.notice,
                            problem: typed.problems.isEmpty ? context.problem : "说明未保存：有 \(typed.problems.count) 条需要修改（见各条下的提示），其余已写的内容仍在框中。",
                            current: "report", body: Views.render("report", model), extraStyle: style)
    }

    /// The forms a report page shows: exactly the operations the store allows this caller now.
    static func actions(_ view: ReportView, base: String) -> ReportPage.Actions {
        var actions = ReportPage.Actions(base: base, revision: view.revision)
        actions.budget = view.kind == .budget
        for operation in view.actions {
            switch operation {
            case .upload: actions.upload = true
            case .consolidate: actions.consolidate = true
            case .recheck: actions.recheck = true
            case .submit:
                actions.submit = true
                actions.blockers = view.submitBlockers
                actions.hasBlockers = !view.submitBlockers.isEmpty
            case .publish: actions.publish = true
            case .approve: actions.approve = true
            case .return: actions.return = true
            case .explain: break
            case .confirm: actions.confirm = true
            case .withdraw: actions.withdraw = true
            }
        }
        return actions
    }

    /// Links to the same organisation's report of every task (shown when there is more than one task).
    func taskLinks(code: String, year: Int, kind: ReportKind) async throws -> [ReportPage.TaskLink] {
        let tasks = try await cycle.schedule.tasks()
        guard tasks.count > 1 else { return [] }
        return tasks.map { task in
            .init(href: task.kind.appPath(task.year, Self.query(code)), text: "\(task.year) 年度\(task.kind.documentName)",
                  current: task.year == year && task.kind == kind)
        }
    }

    struct ConfirmPage {
        var csrf: String, base: String, action: String, actionName: String, orgName: String, year: Int, revision: Int
        var version: Int, errors: Int, warnings: Int, unexplained: Int, consequence: String
    }

    /// 上报, 审核通过, 公开 ask first: without `confirmed=1` (added by the script after a dialog, or by
    /// the confirmation page's own form) the answer is a page that says what will happen.
    func transition(_ request: Request, _ context: AppContext) async throws -> Response {
        let kind = PathParameter.kind(request)
        return try await post(request, context) { form, caller in
            let year = try PathParameter.year(context), code = try PathParameter.org(context)
            guard let action = form["action"].flatMap(Action.init(rawValue:)) else { throw StoreError.badRequest("不认识的操作。") }
            let base = kind.appPath(year, Self.query(code))
            if action != .return, action != .withdraw, form["confirmed"] != "1" {
                let view = try await cycle.reports.report(caller, year: year, org: code, kind: kind)
                let consequence = switch action {
                case .submit: "上报后本单位不能再修改或上传新版本，除非审核人员退回。"
                case .approve: "审核通过后报表交下一级审核（或可公开），本级不能再退回。"
                case .publish: "公开后报表、PDF 与工作簿即向社会公开；如需更正，由财政撤回后再次公开，公开页面写明更正。"
                case .return, .withdraw: ""
                }
                let model = ConfirmPage(csrf: context.csrf ?? "", base: base, action: action.rawValue, actionName: action.chineseName,
                                        orgName: view.org.name, year: year, revision: form["revision"].flatMap { Int($0) } ?? view.revision,
                                        version: view.currentVersion ?? 0, errors: view.errors, warnings: view.warnings,
                                        unexplained: view.unexplained, consequence: consequence)
                return Self.html(Views.layout(title: "确认\(action.chineseName)", user: caller.user, csrf: context.csrf, current: "report",
                                              body: Views.render("confirm", model)))
            }
            let view = try await cycle.reports.transition(caller, year: year, org: code, kind: kind,
                                                  TransitionRequest(action: action, reason: form["reason"], revision: form["revision"].flatMap { Int($0) }))
            return try await flash(context, notice: "\(action.chineseName)成功：\(kind.documentName)现为“\(view.state.rawValue)”。", to: base)
        }
    }

    /// Every warning's explanation from one form, saved together (all or none); back to the findings.
    func explainAll(_ request: Request, _ context: AppContext) async throws -> Response {
        var texts: [String: String] = [:]
        let kind = PathParameter.kind(request)
        return try await post(request, context) { form, caller in
            let year = try PathParameter.year(context), code = try PathParameter.org(context)
            guard let version = form["version"].flatMap({ Int($0) }) else { throw StoreError.badRequest("表单不完整。") }
            var entries: [(key: String, text: String)] = []
            for (name, key) in form.fields where name.hasPrefix("finding.") {
                let text = form["text." + name.dropFirst("finding.".count)] ?? ""
                entries.append((key, text))
                texts[key] = text
            }
            // Answers to 批注, written with the explanations.
            var replies: [(key: String, text: String)] = []
            for (name, key) in form.fields where name.hasPrefix("rfinding.") {
                let text = (form["reply." + name.dropFirst("rfinding.".count)] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                if !text.isEmpty { replies.append((key, text)) }
            }
            do {
                let saved = try await cycle.reports.explain(caller, year: year, org: code, kind: kind, version: version, entries)
                for reply in replies { _ = try await cycle.reports.remark(caller, year: year, org: code, kind: kind, finding: reply.key, text: reply.text) }
                var said = [saved.isEmpty ? "没有要保存的说明" : "已保存 \(saved.count) 条说明"]
                if !replies.isEmpty { said.append("回复 \(replies.count) 条批注") }
                return try await flash(context, notice: said.joined(separator: "，") + "。", to: kind.appPath(year, Self.query(code)) + "#findings")
            } catch let refused as Cycle.ExplanationsRefused {
                var typed = ReportPage.Typed(texts: texts)
                for problem in refused.problems { typed.problems[problem.key] = problem.error.detail }
                let page = kind == .budget ? try await budgetReportPage(request, context, caller, typed: typed)
                    : try await reportPage(request, context, caller, typed: typed)
                return Self.html(page, status: .unprocessableContent)
            }
        }
    }

    func versionsModel(_ view: ReportView, shown: Int, base: String) -> ReportPage.Versions {
        ReportPage.Versions(
            rows: view.versions.map { version in
                ReportPage.VersionRow(
                    number: version.number, href: "\(base)?version=\(version.number)", current: version.number == view.currentVersion,
                    shown: version.number == shown, filename: version.filename, kindName: version.kind.chineseName,
                    uploadedBy: version.uploadedBy, at: Views.date(version.uploadedAt, time: true), errors: version.errors,
                    warnings: version.warnings,
                    comparePrevious: version.number > 1 ? "\(base)?version=\(version.number)&compare=previous" : nil,
                    compareLastYear: "\(base)?version=\(version.number)&compare=last-year")
            },
            shownNumber: shown, workbookHref: "\(base)/workbook.xlsx?version=\(shown)", pdfHref: "\(base)/report.pdf?version=\(shown)")
    }

    func compareModel(_ caller: Caller, year: Int, org: String, version: Int, against: Cycle.CompareBase) async throws -> ReportPage.Compare {
        let comparison: Cycle.Comparison
        do { comparison = try await cycle.reports.compare(caller, year: year, org: org, version: version, against: against) } catch let error as StoreError {
            return ReportPage.Compare(heading: "比较", problem: error.detail)
        }
        var model = ReportPage.Compare(heading: "第 \(version) 版与\(comparison.base)比较")
        if comparison.cells.isEmpty && comparison.figures.isEmpty {
            model.unchanged = true
            return model
        }
        model.changed = true
        model.cellCount = comparison.cells.count
        model.figureCount = comparison.figures.count
        model.cells = comparison.cells.prefix(300).map { change in
            ReportPage.CellRow(table: change.table, anchor: TableID(label: change.table).map { HTMLWriter.cellAnchor($0, change.row, change.column) },
                               rowText: change.row + " " + change.label, columnName: change.columnName,
                               before: change.before ?? "—", after: change.after ?? "—")
        }
        model.figures = comparison.figures.prefix(100).map { .init(figure: $0.figure, before: $0.before ?? "—", after: $0.after ?? "—") }
        return model
    }

    func findingsModel(_ findings: [StoredFinding], version: VersionView, editable: Bool, base: String,
                       typed: ReportPage.Typed = .init(), remarks: [String: [Remark]] = [:], mayRemark: Bool = false,
                       outside: String = "表外（情况说明、自评表等）") -> ReportPage.Findings {
        let errors = findings.filter { $0.severity == .error }.count, warnings = findings.filter { $0.severity == .warning }.count
        // Errors with a likely single cause come first, under that cell; the rest by table.
        let causes = Dictionary(grouping: findings.filter { $0.cause != nil }) { $0.cause ?? "" }
        let causeOrder = causes.keys.sorted { (causes[$0]?.count ?? 0, $1) > (causes[$1]?.count ?? 0, $0) }
        let groups = Dictionary(grouping: findings.filter { $0.cause == nil }) { $0.table ?? outside }
        let order = groups.keys.sorted { ($0.hasPrefix("表") ? 0 : 1, $0.count, $0) < ($1.hasPrefix("表") ? 0 : 1, $1.count, $1) }
        var index = 0, replies = 0
        var labels: [String: Int] = [:]
        func item(_ finding: StoredFinding) -> ReportPage.FindingItem {
            let warning = finding.severity == .warning
            let answerable = editable && !(remarks[finding.key] ?? []).isEmpty
            if answerable { replies += 1 }
            let id = "x" + String(finding.key.unicodeScalars.reduce(UInt32(5381)) { ($0 &* 33) &+ $1.value }, radix: 36)
            var box: ReportPage.ExplainBox?
            if warning && editable {
                index += 1
                // Each box is labelled with its own warning; the same rule at the same place twice is numbered.
                var label = "说明 · \(finding.place.isEmpty ? "表外" : finding.place)（\(finding.rule)）"
                labels[label, default: 0] += 1
                if let seen = labels[label], seen > 1 { label += "第 \(seen) 条" }
                box = .init(index: index, key: finding.key, id: id, label: label,
                            text: typed.texts[finding.key] ?? finding.explanation ?? "", boxProblem: typed.problems[finding.key])
            }
            return ReportPage.FindingItem(
                itemId: "f-" + id, severityKey: finding.severity.rawValue, severityName: finding.severity.chineseName, anchor: Views.anchor(finding),
                place: finding.place, message: finding.message, rule: finding.rule, stated: finding.stated,
                expected: finding.expectedIsFix ? finding.expected : nil, other: finding.family == "表间一致" ? finding.expected : nil,
                causeNote: finding.cause.flatMap { $0 == finding.place ? nil : $0 }, line: finding.line, advice: Views.advice(finding), explanation: warning ? finding.explanation : nil,
                explainedBy: finding.explainedByName ?? finding.explainedBy ?? "", carried: finding.explanationCarriedFrom, box: box,
                remarks: (remarks[finding.key] ?? []).map {
                    .init(who: "\($0.authorName)（\($0.role.chineseName)）", at: Views.date($0.at, time: true), text: $0.text,
                          reviewer: $0.role.may(.review))
                },
                hasRemarks: !(remarks[finding.key] ?? []).isEmpty,
                remarkForm: mayRemark && !editable ? .init(base: base, key: finding.key, id: "r" + id) : nil,
                reply: answerable ? .init(index: replies, key: finding.key, id: "a" + id) : nil)
        }
        return ReportPage.Findings(
            version: version.number, base: base, errors: errors, warnings: warnings, infos: findings.count - errors - warnings,
            outdated: !version.catalogueCurrent, editable: editable && warnings > 0,
            groups: (causeOrder.isEmpty ? [] : [ReportPage.Group(name: "可能的原因", cells: causeOrder.map { place in
                let members = (causes[place] ?? []).sorted { ($0.place == place ? 0 : 1) < ($1.place == place ? 0 : 1) }
                let anchorFinding = members.first { $0.place == place }
                return ReportPage.CellGroup(shared: true, heading: "\(place)：\(members.count) 条规则都涉及这一格，很可能是这一格的数字有误，请先核对它",
                                            cellAnchor: anchorFinding.flatMap(Views.anchor), items: members.map(item))
            })]) + order.map { name in
                // Within a table: the cells with most findings first, then by place; a cell's findings by severity.
                let table = (groups[name] ?? [])
                var cells: [String: [StoredFinding]] = [:], keys: [String] = []
                for finding in table {
                    let key = Views.anchor(finding) ?? "finding:" + finding.key
                    if cells[key] == nil { keys.append(key) }
                    cells[key, default: []].append(finding)
                }
                let ordered = keys.enumerated().sorted { a, b in
                    let (countA, countB) = (cells[a.element]?.count ?? 0, cells[b.element]?.count ?? 0)
                    return countA != countB ? countA > countB : a.offset < b.offset
                }.map(\.element)
                return ReportPage.Group(name: name, cells: ordered.map { key in
                    let members = (cells[key] ?? []).sorted { $0.severity > $1.severity }
                    let first = members[0]
                    let stated = members.compactMap(\.stated).first.map { " " + $0 } ?? ""
                    return ReportPage.CellGroup(shared: members.count > 1, heading: "\(first.place)\(stated)：\(members.count) 条规则不符",
                                                cellAnchor: Views.anchor(first), items: members.map(item))
                })
            })
    }

    func workbook(_ request: Request, _ context: AppContext) async throws -> Response {
        guard let caller = context.caller else { return Self.redirect("/login") }
        let year = try PathParameter.year(context), code = try PathParameter.org(context)
        let version = request.uri.queryParameters["version"].flatMap { Int(String($0)) }
        let dataset = try await cycle.reports.dataset(caller, year: year, org: code, version: version)
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
        let year = try PathParameter.year(context), code = try PathParameter.org(context)
        let version = request.uri.queryParameters["version"].flatMap { Int(String($0)) }
        // Printed once per version and kept; a draft (anything not published) carries a watermark.
        // Printed once per version with the store's catalogue and kept; a draft carries a watermark.
        let data = try await cycle.reports.versionPDF(caller, year: year, org: code, version: version)
        var headers = HTTPFields()
        headers[.contentType] = "application/pdf"
        headers[.contentDisposition] = "attachment; filename*=UTF-8''" + Self.query("\(code)-\(year).pdf")
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    /// The blank official workbook of the unit and year, to fill in Excel and upload.
    func blank(_ request: Request, _ context: AppContext) async throws -> Response {
        guard let caller = context.caller else { return Self.redirect("/login") }
        let year = try PathParameter.year(context), code = try PathParameter.org(context)
        // The unit's workbook to fill offline: its rows (and last year's codes and opening balances), formulas in
        // the computed cells, the rest unlocked with a number check.
        let data = try await cycle.drafts.fillableWorkbook(caller, year: year, org: code)
        var headers = HTTPFields()
        headers[.contentType] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        headers[.contentDisposition] = "attachment; filename*=UTF-8''" + Self.query("\(code)-\(year)-空白.xlsx")
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    // MARK: - Inbox

    struct InboxPage {
        struct Bar { var name: String, key: String, percent: String, count: Int }
        struct Chip { var href: String, text: String, current: Bool }
        struct Troubled { var href: String, name: String, errors: Int, firstError: String }
        struct Row {
            var href: String, name: String, kindName: String?, pick: String?, org: String, state: Views.StateBadge, errors: Int, hasErrors: Bool
            var warnings: Int, unexplained: Int, hasUnexplained: Bool, updated: String, left: String
        }
        var year: Int, kind: String, documentName: String, deadline: String, daysText: String, total: Int, bars: [Bar]
        /// Every task (year and kind), the one shown marked.
        var taskChips: [Chip] = []
        var withErrors: Int, unexplained: Int, published: Int
        var stateChips: [Chip], problemChips: [Chip]
        var stateFilter: String?, problemFilter: String?, search: String
        var troubled: [Troubled]
        var hasTroubled: Bool
        var rows: [Row]
        var pager: Views.Pager?
        var csrf: String
        /// The rows can be chosen and approved together (the 待我审核 view of a reviewer).
        var selectable: Bool
        var mayRemind: Bool
        var exportHref: String
        /// The bureau's view: each 主管部门's units by state (shown when there are several departments).
        struct Department { var name: String, href: String, units: Int, counts: [Int], behind: Bool }
        var departments: [Department] = []
        var hasDepartments: Bool = false
        var stateNames: [String] = ReportState.allCases.map(\.rawValue)
    }

    func inbox(_ request: Request, _ context: AppContext) async throws -> Response {
        try await page(request, context) { caller in
            let query = request.uri.queryParameters
            let tasks = try await cycle.schedule.tasks()
            let kind = query["kind"].flatMap { ReportKind(rawValue: String($0)) } ?? .finalAccounts
            let latest = tasks.first(where: { $0.kind == kind })?.year ?? Views.defaultYear
            let year = query["year"].flatMap { Int(String($0)) } ?? latest
            let state = query["state"].flatMap { ReportState(rawValue: String($0)) }
            // A reviewer's inbox opens on what awaits them; "all" (or any other filter) shows the rest.
            let reviews = caller.user.role.may(.review)
            let problem = query["problem"].flatMap { Cycle.ProblemFilter(rawValue: String($0)) }
                ?? (reviews && query["problem"] == nil && state == nil && (query["q"] ?? "").isEmpty ? .awaiting : nil)
            let search = query["q"].map(String.init) ?? ""
            let offset = query["offset"].flatMap { Int(String($0)) } ?? 0
            let paging = Paging(offset: offset, limit: 50)
            let progress = try await cycle.reports.progress(caller, year: year, kind: kind)
            let page = try await cycle.reports.inbox(caller, year: year, kind: kind, state: state, problem: problem, query: search, paging: paging)
            func url(state newState: ReportState?, problem newProblem: Cycle.ProblemFilter?, offset: Int = 0) -> String {
                var items = ["year=\(year)", "kind=\(kind.rawValue)"]
                if let newState { items.append("state=" + Self.query(newState.rawValue)) }
                items.append("problem=" + (newProblem?.rawValue ?? "all"))
                if !search.isEmpty { items.append("q=" + Self.query(search)) }
                if offset > 0 { items.append("offset=\(offset)") }
                return "/app/inbox?" + items.joined(separator: "&")
            }
            let problems: [(Cycle.ProblemFilter, String)] = (reviews ? [(.awaiting, "待我审核")] : [])
                + [(.errors, "有错误"), (.unexplained, "警告未说明"), (.clean, "无问题"), (.missing, "未上传"), (.unpublished, "未公开")]
            let rows: [InboxPage.Row] = page.items.map { item in
                .init(href: kind.appPath(year, Self.query(item.org)), name: item.name,
                      kindName: item.kind == .unit || item.name.contains(item.kind.rawValue) ? nil : item.kind.rawValue,
                      pick: reviews && problem == .awaiting ? "pick." + item.org : nil,
                      org: item.org, state: .init(item.state), errors: item.errors, hasErrors: item.errors > 0, warnings: item.warnings,
                      unexplained: item.unexplained, hasUnexplained: item.unexplained > 0, updated: Views.date(item.updatedAt),
                      left: item.state == .published ? "已公开" : "\(item.daysLeft) 天")
            }
            var model = InboxPage(
                year: year, kind: kind.rawValue, documentName: kind.documentName, deadline: Views.date(progress.deadline), daysText: Views.daysText(progress.daysLeft), total: progress.total,
                bars: ReportState.allCases.map { reportState in
                    let count = progress.byState[reportState.rawValue] ?? 0
                    return .init(name: reportState.rawValue, key: Views.StateBadge.key(reportState),
                                 percent: Views.percent(count, progress.total), count: count)
                },
                withErrors: progress.withErrors, unexplained: progress.unexplained, published: progress.published,
                stateChips: [.init(href: url(state: nil, problem: problem), text: "全部状态", current: state == nil)]
                    + ReportState.allCases.map { reportState in
                        .init(href: url(state: reportState, problem: problem), text: "\(reportState.rawValue) \(progress.byState[reportState.rawValue] ?? 0)",
                              current: state == reportState)
                    },
                problemChips: [.init(href: url(state: state, problem: nil), text: "全部", current: problem == nil)]
                    + problems.map { .init(href: url(state: state, problem: $0.0), text: $0.1, current: problem == $0.0) },
                stateFilter: state?.rawValue, problemFilter: problem?.rawValue, search: search,
                troubled: page.items.filter { $0.errors > 0 }.map {
                    .init(href: kind.appPath(year, Self.query($0.org)), name: $0.name, errors: $0.errors, firstError: $0.firstError ?? "")
                },
                hasTroubled: page.items.contains { $0.errors > 0 },
                rows: rows,
                pager: Views.pager(total: page.total, offset: paging.offset, limit: paging.limit) { url(state: state, problem: problem, offset: $0) },
                csrf: context.csrf ?? "", selectable: reviews && problem == .awaiting && !page.items.isEmpty, mayRemind: reviews,
                exportHref: url(state: state, problem: problem).replacingOccurrences(of: "/app/inbox?", with: "/app/inbox.xlsx?"))
            model.taskChips = tasks.map { task in
                .init(href: "/app/inbox?year=\(task.year)&kind=\(task.kind.rawValue)", text: "\(task.year) 年度\(task.kind.documentName)",
                      current: task.year == year && task.kind == kind)
            }
            var shown = model
            let departments = try await cycle.organisation.departmentProgress(caller, year: year, kind: kind)
            if departments.count >= 2 {
                shown.hasDepartments = true
                shown.departments = departments.map { department in
                    let counts = ReportState.allCases.map { department.byState[$0] ?? 0 }
                    return .init(name: department.name, href: "/app/summary?year=\(year)&org=\(Self.query(department.code))", units: department.units,
                                 counts: counts, behind: (department.byState[.drafting] ?? 0) * 2 > department.units)
                }
            }
            return Views.layout(title: "审核收件箱", user: caller.user, csrf: context.csrf, notice: context.notice,
                                problem: context.problem, current: "inbox", body: Views.render("inbox", shown))
        }
    }

    struct ApprovePage {
        struct Pick { var name: String, value: String, label: String }
        var csrf: String, year: Int, kind: String, count: Int, picks: [Pick]
    }

    /// 审核通过 of several reports chosen in the inbox: each a transition of its own, checked as one
    /// would be; those refused are listed with the reason. Asks first (a page without the script).
    func approveSelected(_ request: Request, _ context: AppContext) async throws -> Response {
        try await post(request, context) { form, caller in
            let year = form["year"].flatMap { Int($0) } ?? Views.defaultYear
            let kind = form["kind"].flatMap { ReportKind(rawValue: $0) } ?? .finalAccounts
            let inbox = "/app/inbox?year=\(year)&kind=\(kind.rawValue)"
            let codes = form.order.filter { $0.hasPrefix("pick.") && form[$0] == "1" }.map { String($0.dropFirst(5)) }
            guard !codes.isEmpty else { return try await flash(context, problem: "没有选择报表。", to: inbox) }
            guard codes.count <= 500 else { throw StoreError.tooLarge("一次至多审核通过 500 份（选了 \(codes.count) 份）。") }
            if form["confirmed"] != "1" {
                let model = ApprovePage(csrf: context.csrf ?? "", year: year, kind: kind.rawValue, count: codes.count,
                                        picks: codes.map { .init(name: "pick." + $0, value: "1", label: $0) })
                return Self.html(Views.layout(title: "确认审核通过", user: caller.user, csrf: context.csrf, current: "inbox",
                                              body: Views.render("approve-selected", model)))
            }
            var approved = 0
            var refused: [String] = []
            for code in codes {
                do {
                    _ = try await cycle.reports.transition(caller, year: year, org: code, kind: kind, TransitionRequest(action: .approve))
                    approved += 1
                } catch let error as StoreError {
                    refused.append("\(code)：\(error.detail)")
                }
            }
            let notice = "已审核通过 \(approved) 份。" + (refused.isEmpty ? "" : "\(refused.count) 份未通过：" + refused.prefix(20).joined(separator: "；"))
            return try await flash(context, notice: refused.isEmpty ? notice : nil, problem: refused.isEmpty ? nil : notice,
                                   to: inbox)
        }
    }

    /// The inbox as it is filtered, every row (not one page), as a workbook with Beijing times.
    /// Blank import templates, with the header and an example row (UTF-8 with BOM: Excel opens it as Chinese).
    func importTemplate(_ request: Request, _ context: AppContext) async throws -> Response {
        guard let caller = context.caller else { return Self.redirect("/login") }
        guard caller.user.role.may(.administer) else { throw StoreError.forbidden("只有管理员可以下载导入模板。") }
        let name = context.parameters.get("name") ?? ""
        let text: String, download: String
        switch name {
        case "orgs.csv":
            text = "单位编码,名称,上级编码,类型\n420103009,某某主管部门,420103,主管部门\n420103009001,某某单位,420103009,单位\n"
            download = "组织机构导入模板.csv"
        case "users.csv":
            text = "登录名,姓名,角色,单位编码,电子邮箱\nzhangsan,张三,单位填报,420103001001,zhangsan@example.gov.cn\n"
            download = "用户导入模板.csv"
        default: throw StoreError.notFound("没有这个模板：\(name.prefix(40))")
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename*=UTF-8''" + Self.query(download)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8))))
    }

    struct SummaryPage {
        struct Child { var name: String, kind: String, href: String? }
        var year: Int, org: String, orgName: String, units: Int, hasMissing: Bool, missingCount: Int, missingList: String
        var errors: Int, warnings: Int, xlsxHref: String, pdfHref: String, hasChildren: Bool, children: [Child], rendered: String?
        /// A short list is shown open; a long one (a 主管部门 of a hundred units) folded, the tables first.
        var fewChildren: Bool, childCount: Int
    }

    /// The 汇总 of an organisation's subtree (by default the viewer's own): its direct children's current
    /// versions summed (a 主管部门's own report is the 汇总 of its units), the nine tables with their
    /// findings, drill-down to each child, and exports.
    func summary(_ request: Request, _ context: AppContext) async throws -> Response {
        try await page(request, context) { caller in
            guard caller.user.role.may(.seeInbox) else { throw StoreError.forbidden("“\(caller.user.role.chineseName)”角色不能查看辖区汇总。") }
            let query = request.uri.queryParameters
            let latest = try await cycle.schedule.tasks().first(where: { $0.kind == .finalAccounts })?.year ?? Views.defaultYear
            let year = query["year"].flatMap { Int(String($0)) } ?? latest
            let code = query["org"].map(String.init).flatMap { $0.isEmpty ? nil : $0 } ?? caller.user.org
            let view = try await cycle.consolidating.consolidatedView(caller, year: year, org: code)
            let children = try await cycle.organisation.orgs(caller, under: code, paging: Paging(offset: 0, limit: 1000, maxLimit: 1000)).items
                .filter { $0.parent == code }
            let link = { (org: String) in "?year=\(year)&org=\(Self.query(org))" }
            let embedded = HTMLWriter.embeddedReview(view.dataset, findings: view.findings.map(Views.finding))
            let model = SummaryPage(
                year: year, org: code, orgName: view.org.name, units: view.units, hasMissing: !view.missing.isEmpty, missingCount: view.missing.count,
                missingList: view.missing.prefix(20).joined(separator: "、") + (view.missing.count > 20 ? "……" : ""),
                errors: view.errors, warnings: view.warnings, xlsxHref: "/app/summary.xlsx" + link(code), pdfHref: "/app/summary.pdf" + link(code),
                hasChildren: !children.isEmpty,
                children: children.map { child in
                    .init(name: child.name, kind: child.kind.rawValue,
                          href: child.kind == .unit ? "/app/reports/\(year)/\(Self.query(child.code))" : "/app/summary" + link(child.code))
                },
                rendered: embedded.body, fewChildren: children.count <= 12, childCount: children.count)
            return Views.layout(title: "\(year) 年度汇总", user: caller.user, csrf: context.csrf, notice: context.notice, problem: context.problem,
                                current: "summary", body: Views.render("summary", model), extraStyle: embedded.style)
        }
    }

    /// The 汇总 exported: the nine tables as a workbook, or printed as a PDF.
    func summaryFile(_ request: Request, _ context: AppContext, pdf: Bool) async throws -> Response {
        guard let caller = context.caller else { return Self.redirect("/login") }
        guard caller.user.role.may(.seeInbox) else { throw StoreError.forbidden("“\(caller.user.role.chineseName)”角色不能导出辖区汇总。") }
        let query = request.uri.queryParameters
        let year = query["year"].flatMap { Int(String($0)) } ?? Views.defaultYear
        let code = query["org"].map(String.init).flatMap { $0.isEmpty ? nil : $0 } ?? caller.user.org
        let (data, name) = pdf ? try await cycle.consolidating.summaryPDF(caller, year: year, org: code) : try await cycle.consolidating.summaryWorkbook(caller, year: year, org: code)
        var headers = HTTPFields()
        headers[.contentType] = pdf ? "application/pdf" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        headers[.contentDisposition] = "attachment; filename*=UTF-8''" + Self.query(name)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    struct OrgTreePage {
        struct Node {
            var code: String, name: String, kind: String, people: Int, state: String, indent: Int
            var renameHref: String?, subtreeHref: String?
        }
        var csrf: String, underName: String?, total: Int, shown: Int, truncated: Bool, year: Int, parentHref: String?, nodes: [Node]
    }

    /// The organisation tree: every node with its people and the state of its report; names changed in place.
    func orgTree(_ request: Request, _ context: AppContext) async throws -> Response {
        try await page(request, context) { caller in
            let query = request.uri.queryParameters
            let under = query["under"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
            let year = try await cycle.schedule.tasks().first(where: { $0.kind == .finalAccounts })?.year ?? Views.defaultYear
            let (nodes, total) = try await cycle.organisation.tree(caller, under: under, year: year, limit: 2000)
            let mayAdminister = caller.user.role.may(.administer)
            let top = nodes.first
            let model = OrgTreePage(
                csrf: context.csrf ?? "", underName: under == nil ? nil : top?.org.name, total: total, shown: nodes.count, truncated: total > nodes.count,
                year: year, parentHref: under != nil ? top?.org.parent.map { "/app/admin/orgs?under=" + Self.query($0) } : nil,
                nodes: nodes.map { node in
                    .init(code: node.org.code, name: node.org.name, kind: node.org.kind.rawValue, people: node.people,
                          state: node.state?.rawValue ?? (node.org.kind == .unit ? "尚无" : ""), indent: 1 + node.depth * 2,
                          renameHref: mayAdminister && node.editable ? "/app/admin/orgs/\(Self.query(node.org.code))/name" : nil,
                          subtreeHref: node.org.kind != .unit && node.depth > 0 ? "/app/admin/orgs?under=" + Self.query(node.org.code) : nil)
                })
            return Views.layout(title: "组织机构", user: caller.user, csrf: context.csrf, notice: context.notice, problem: context.problem,
                                current: "admin", body: Views.render("orgs", model))
        }
    }

    struct ImportProblemsPage {
        struct Row { var line: Int, value: String, reason: String }
        var filename: String, count: Int, download: String, downloadName: String, problems: [Row]
    }

    struct ImportedUsersPage {
        struct Row { var login: String, name: String, role: String, org: String, password: String }
        var count: Int, download: String, downloadName: String, users: [Row]
    }

    func inboxWorkbook(_ request: Request, _ context: AppContext) async throws -> Response {
        guard let caller = context.caller else { return Self.redirect("/login") }
        let query = request.uri.queryParameters
        let latest = try await cycle.schedule.tasks().first(where: { $0.kind == .finalAccounts })?.year ?? Views.defaultYear
        let year = query["year"].flatMap { Int(String($0)) } ?? latest
        let state = query["state"].flatMap { ReportState(rawValue: String($0)) }
        let problem = query["problem"].flatMap { Cycle.ProblemFilter(rawValue: String($0)) }
        let list = try await cycle.reports.inbox(caller, year: year, state: state, problem: problem, query: query["q"].map(String.init),
                                         paging: Paging(offset: 0, limit: 100_000, maxLimit: 100_000))
        let rows = list.items.map { item in
            [item.org, item.name, item.kind.rawValue, item.state.rawValue, String(item.errors), String(item.warnings), String(item.unexplained),
             item.firstError ?? "", Views.date(item.updatedAt, time: true), item.state == .published ? "已公开" : "\(item.daysLeft) 天"]
        }
        let data = try SimpleSheet.xlsx(title: "\(year) 年度收件箱", header: ["单位编码", "单位", "类型", "状态", "错误", "警告", "未说明", "第一个错误",
                                                                          "最近更改（北京时间）", "距截止"], rows: rows)
        var headers = HTTPFields()
        headers[.contentType] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        headers[.contentDisposition] = "attachment; filename*=UTF-8''" + Self.query("收件箱-\(year).xlsx")
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    struct MessagesPage {
        struct Item { var at: String, title: String, body: String, link: String?, unread: Bool }
        var items: [Item]
        var pager: Views.Pager?
    }

    /// 站内消息, newest first; opening the page marks them read.
    func messages(_ request: Request, _ context: AppContext) async throws -> Response {
        try await page(request, context) { caller in
            let offset = request.uri.queryParameters["offset"].flatMap { Int(String($0)) } ?? 0
            let list = try await cycle.messages.list(caller, paging: Paging(offset: offset, limit: 50))
            try await cycle.messages.markRead(caller)
            let model = MessagesPage(
                items: list.items.map { .init(at: Views.date($0.at, time: true), title: $0.title, body: $0.body, link: $0.link, unread: !$0.read) },
                pager: Views.pager(total: list.total, offset: offset, limit: 50) { "/app/messages?offset=\($0)" })
            return Views.layout(title: "消息", user: caller.user, csrf: context.csrf, notice: context.notice, problem: context.problem,
                                current: "messages", body: Views.render("messages", model))
        }
    }

    // MARK: - Batch audit

    struct BatchesPage {
        struct Row { var id: Int, name: String, year: Int, createdBy: String, created: String, finished: Int, total: Int }
        var csrf: String, mayRun: Bool, year: Int, rows: [Row]
    }

    func batches(_ request: Request, _ context: AppContext) async throws -> Response {
        try await page(request, context) { caller in
            let list = try await cycle.batchAudits.batches(caller, paging: Paging(offset: 0, limit: 100))
            let model = BatchesPage(csrf: context.csrf ?? "", mayRun: caller.user.role.may(.runBatches), year: Views.defaultYear,
                                    rows: list.items.map {
                                        .init(id: $0.id, name: $0.name, year: $0.year, createdBy: $0.createdBy, created: Views.date($0.createdAt),
                                              finished: $0.done + $0.failed, total: $0.total)
                                    })
            return Views.layout(title: "批量审查", user: caller.user, csrf: context.csrf, notice: context.notice,
                                problem: context.problem, current: "batches", body: Views.render("batches", model))
        }
    }

    struct BatchPage {
        struct Job {
            var id: Int, filename: String, progress: String, stateName: String, unit: String, matched: String, matchedHref: String?
            var unmatched: String, errors: Int, hasErrors: Bool, warnings: Int, reason: String
            /// The page of this file's findings, once audited.
            var href: String?
        }
        var csrf: String, mayRun: Bool, id: Int, name: String, year: Int, total: Int, finished: Int, progressMax: Int, running: Bool
        var jobs: [Job]
    }

    func batch(_ request: Request, _ context: AppContext) async throws -> Response {
        try await page(request, context) { caller in
            let id = try PathParameter.id(context)
            let batch = try await cycle.batchAudits.batch(caller, id: id, paging: Paging(offset: 0, limit: 1000, maxLimit: 1000))
            let finished = batch.done + batch.failed
            let model = BatchPage(
                csrf: context.csrf ?? "", mayRun: caller.user.role.may(.runBatches), id: batch.id, name: batch.name, year: batch.year,
                total: batch.total, finished: finished, progressMax: max(batch.total, 1), running: finished < batch.total,
                jobs: (batch.jobs?.items ?? []).map { job in
                    .init(id: job.id, filename: job.filename,
                          progress: job.state == .done || job.state == .failed ? "1" : (job.state == .running ? "0.5" : "0"),
                          stateName: job.state.rawValue, unit: job.unit ?? "", matched: job.matchedOrg ?? "",
                          matchedHref: job.matchedOrg.map { "/app/reports/\(batch.year)/\(Self.query($0))" },
                          unmatched: job.state == .done ? "未匹配" : "", errors: job.errors, hasErrors: job.errors > 0, warnings: job.warnings,
                          reason: job.error ?? Self.yearNote(job, batchYear: batch.year) ?? "",
                          href: job.state == .done ? "/app/batches/\(batch.id)/jobs/\(job.id)" : nil)
                })
            return Views.layout(title: batch.name, user: caller.user, csrf: context.csrf, notice: context.notice,
                                problem: context.problem, current: "batches", body: Views.render("batch", model))
        }
    }

    /// "报告为 2024 年度，批次为 2025 年度": a document of another year than its batch.
    static func yearNote(_ job: Cycle.Job, batchYear: Int) -> String? {
        guard let year = job.reportYear, year != batchYear else { return nil }
        return "报告为 \(year) 年度\(job.kind ?? "")，批次为 \(batchYear) 年度：请核对是否放错了批次。"
    }

    struct BatchJobPage {
        struct Item { var severity: String, severityClass: String, place: String, anchor: String?, rule: String, message: String }
        struct Check { var name: String, verdict: String, problems: String }
        var batchId: Int, batchName: String, filename: String, kind: String, unit: String, matched: String, matchedHref: String?, unmatched: String
        var errors: Int, warnings: Int, yearNote: String?, failure: String?, count: Int, hasFindings: Bool, findings: [Item]
        var hasChecklist: Bool, checklist: [Check]
        /// The document's tables as read, with the findings at their cells (final accounts).
        var rendered: String?
    }

    /// One file of a batch: what the audit found, in order of severity, and the bureau's 检查表.
    func batchJob(_ request: Request, _ context: AppContext) async throws -> Response {
        try await page(request, context) { caller in
            let id = try PathParameter.id(context)
            guard let jobID = context.parameters.get("job").flatMap({ Int($0) }), jobID > 0 else { throw StoreError.notFound("没有这个文件。") }
            let detail = try await cycle.batchAudits.batchJob(caller, batch: id, job: jobID)
            let job = detail.job
            let shown = detail.findings.filter { $0.severity != .info }.sorted { ($0.severity == .error ? 0 : 1, $0.page ?? 0, $0.line ?? 0) < ($1.severity == .error ? 0 : 1, $1.page ?? 0, $1.line ?? 0) }
            let model = BatchJobPage(
                batchId: detail.batch.id, batchName: detail.batch.name, filename: job.filename, kind: job.kind ?? "", unit: job.unit ?? "",
                matched: job.matchedOrg ?? "", matchedHref: job.matchedOrg.map { "/app/reports/\(detail.batch.year)/\(Self.query($0))" },
                unmatched: job.state == .done ? "未匹配到单位" : job.state.rawValue, errors: job.errors, warnings: job.warnings,
                yearNote: Self.yearNote(job, batchYear: detail.batch.year), failure: job.error, count: shown.count, hasFindings: !shown.isEmpty,
                findings: shown.map { finding in
                    .init(severity: finding.severity == .error ? "错误" : "警告", severityClass: finding.severity == .error ? "error" : "warning",
                          place: [finding.page.map { "第 \($0) 页" }, finding.line.map { "第 \($0) 行" }, finding.table].compactMap { $0 }.joined(separator: " "),
                          anchor: detail.dataset == nil ? nil : Views.anchor(finding), rule: finding.rule, message: finding.message)
                },
                hasChecklist: detail.checklist != nil,
                checklist: (detail.checklist?.items ?? []).map { .init(name: $0.name, verdict: $0.verdict, problems: $0.problems.joined(separator: "；")) },
                rendered: nil)
            var page = model
            var style: String?
            if let dataset = detail.dataset {
                let embedded = HTMLWriter.embeddedReview(dataset, findings: detail.findings.filter { $0.severity != .info }.map(Views.finding))
                page.rendered = embedded.body
                style = embedded.style
            }
            return Views.layout(title: job.filename, user: caller.user, csrf: context.csrf, notice: context.notice,
                                problem: context.problem, current: "batches", body: Views.render("batch-job", page), extraStyle: style ?? "")
        }
    }

    // MARK: - Administration

    struct AdminPage {
        struct TaskRow { var year: Int, documentName: String, layout: String, catalogue: String, deadline: String }
        struct RowAction { var href: String, text: String }
        struct UserRow {
            var login: String, name: String, roleName: String, org: String, status: String, rowActions: [RowAction]
            /// The address notifications are e-mailed to, and where an administrator changes it (nil: may not).
            var email: String, emailHref: String?
        }
        struct Option { var value: String, text: String }
        struct LogRow { var at: String, actor: String, ip: String, action: String, target: String, change: String, detail: String }
        var csrf: String, mayAdminister: Bool, hasLogo: Bool
        var tasks: [TaskRow], taskYear: Int, taskDeadline: String, layouts: [Option], budgetLayouts: [Option]
        var userCount: Int, users: [UserRow], roles: [Option]
        var filterAction: String, filterActor: String, exportHref: String
        var log: [LogRow]
        var pager: Views.Pager?
    }

    func admin(_ request: Request, _ context: AppContext) async throws -> Response {
        try await page(request, context) { caller in
            let query = request.uri.queryParameters
            let mayAdminister = caller.user.role.may(.administer)
            let tasks = try await cycle.schedule.tasks()
            let users = try await cycle.people.accounts(caller, paging: Paging(offset: 0, limit: 200))
            let action = query["action"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
            let actor = query["actor"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
            let offset = query["offset"].flatMap { Int(String($0)) } ?? 0
            let log = try await cycle.auditTrail.entries(caller, action: action, actor: actor, paging: Paging(offset: offset, limit: 50))
            let filters = (action.map { "&action=" + Self.query($0) } ?? "") + (actor.map { "&actor=" + Self.query($0) } ?? "")
            let model = AdminPage(
                csrf: context.csrf ?? "", mayAdminister: mayAdminister, hasLogo: try await cycle.publishing.logo() != nil,
                tasks: tasks.map { task in
                    // Names, not identifiers: the layout's title, and whether the task's rules are the ones in force.
                    .init(year: task.year, documentName: task.kind.documentName,
                          layout: Cycle.layouts(task.kind).first { $0.id == task.layout }?.name ?? task.layout,
                          catalogue: task.catalogue == cycle.catalogueVersion ? "现行规则目录（\(cycle.ruleCount) 条规则）" : "设立任务时的规则目录（已更新，报表须重新检查）",
                          deadline: Views.date(task.deadline))
                },
                taskYear: tasks.first?.year ?? Views.defaultYear, taskDeadline: tasks.first?.deadline ?? "",
                layouts: TableLayout.all.map { AdminPage.Option(value: $0.id, text: $0.name) },
                budgetLayouts: Cycle.layouts(.budget).map { AdminPage.Option(value: $0.id, text: $0.name) },
                userCount: users.total,
                users: users.items.map { account in
                    let user = account.user
                    let state = [account.disabled ? "已停用" : nil, account.locked ? "已锁定" : nil, account.mustChangePassword ? "须改密码" : nil]
                        .compactMap { $0 }.joined(separator: "、")
                    var actions: [AdminPage.RowAction] = []
                    if mayAdminister, user.login != caller.user.login {
                        let base = "/app/admin/users/\(Self.query(user.login))/"
                        if account.locked { actions.append(.init(href: base + "unlock", text: "解锁")) }
                        actions.append(.init(href: base + "reset", text: "重置密码"))
                        actions.append(account.disabled ? .init(href: base + "enable", text: "启用") : .init(href: base + "disable", text: "停用"))
                    }
                    return .init(login: user.login, name: user.name, roleName: user.role.chineseName, org: user.org,
                                 status: state.isEmpty ? "正常" : state, rowActions: actions, email: account.email ?? "",
                                 emailHref: mayAdminister && user.login != caller.user.login ? "/app/admin/users/\(Self.query(user.login))/email" : nil)
                },
                roles: Role.allCases.map { .init(value: $0.rawValue, text: $0.chineseName) },
                filterAction: action ?? "", filterActor: actor ?? "", exportHref: "/api/v1/audit-log?format=csv&limit=10000" + filters,
                log: log.items.map { entry in
                    .init(at: Views.date(entry.at, time: true), actor: entry.actor, ip: entry.ip, action: AuditWords.action(entry.action),
                          target: AuditWords.target(entry.target), change: [entry.before, entry.after].compactMap { $0 }.joined(separator: " → "),
                          detail: entry.detail ?? "")
                },
                pager: Views.pager(total: log.total, offset: offset, limit: 50) { "/app/admin?offset=\($0)" + filters })
            return Views.layout(title: "管理", user: caller.user, csrf: context.csrf, notice: context.notice,
                                problem: context.problem, current: "admin", body: Views.render("admin", model))
        }
    }

    // MARK: - Public

    struct PublicIndexPage {
        struct Row { var base: String, name: String, published: String, pdf: Bool, workbook: Bool, openData: Bool }
        struct Group { var department: String, rows: [Row] }
        var year: Int, documentName: String, total: Int, jurisdiction: String, hasLogo: Bool, groups: [Group], empty: Bool
        var pager: Views.Pager?
        /// The same year's other kind (决算 ↔ 预算), when any unit published one.
        var other: Other?
        struct Other { var href: String, text: String }
    }

    func publicIndex(_ request: Request, _ context: AppContext) async throws -> Response {
        let year = try PathParameter.year(context)
        let offset = request.uri.queryParameters["offset"].flatMap { Int(String($0)) } ?? 0
        let kind = request.uri.queryParameters["kind"].flatMap { ReportKind(rawValue: String($0)) } ?? .finalAccounts
        let list = try await cycle.publishing.published(year: year, kind: kind, paging: Paging(offset: offset, limit: 100))
        let otherKind: ReportKind = kind == .budget ? .finalAccounts : .budget
        let others = try await cycle.publishing.published(year: year, kind: otherKind, paging: Paging(offset: 0, limit: 1)).total
        let jurisdiction = try await cycle.publishing.jurisdiction() ?? ""
        // By 主管部门, as the bureau publishes them; units directly under the 财政局 first.
        var groups: [PublicIndexPage.Group] = []
        for entry in list.items {
            let row = PublicIndexPage.Row(base: kind.publicPath(year, Self.query(entry.org)), name: entry.name, published: Views.date(entry.publishedAt),
                                          pdf: entry.files.contains("report.pdf"), workbook: entry.files.contains("workbook.xlsx"),
                                          openData: entry.files.contains("datapackage.json"))
            let department = entry.department ?? "直属单位"
            if let index = groups.firstIndex(where: { $0.department == department }) { groups[index].rows.append(row) } else {
                groups.append(.init(department: department, rows: [row]))
            }
        }
        let model = PublicIndexPage(
            year: year, documentName: kind.documentName, total: list.total, jurisdiction: jurisdiction, hasLogo: try await cycle.publishing.logo() != nil,
            groups: groups, empty: groups.isEmpty,
            pager: Views.pager(total: list.total, offset: offset, limit: 100) { "/public/\(year)/?kind=\(kind.rawValue)&offset=\($0)" },
            other: others > 0 ? .init(href: "/public/\(year)/?kind=\(otherKind.rawValue)", text: "\(year) 年度\(otherKind.documentName)公开（\(others) 个单位）") : nil)
        return Self.html(Views.layout(title: "\(jurisdiction) \(year) 年度\(kind.documentName)公开", user: context.caller?.user, csrf: context.csrf, current: "public",
                                      body: Views.render("public-index", model), brand: jurisdiction.isEmpty ? nil : jurisdiction))
    }
}
