import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Juesuan
import JuesuanServer
import JuesuanStore
import JuesuanTestSupport
@testable import JuesuanWeb
import JuesuanXLSX
import Logging
import NIOCore
import Testing

/// The pages rendered from their templates, through the real router and store (SQLite, the demo):
/// structure, escaping, and forms that are exactly the operations the store allows.
@Suite("web: pages from templates", .serialized)
struct PagesTests {
    static let password = "demo-password-1"

    /// A fresh demo store; `body` gets a client with the pages on the router.
    static func withPages(synthetic: Int = 2, metrics: ServerMetrics? = nil, _ body: @escaping @Sendable (Cycle, any TestClientProtocol) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-web-test-\(UUID().uuidString)")
        var settings = Cycle.Settings()
        settings.bcryptCost = 4
        settings.publishPDF = false
        if let metrics { settings.observe = { step, duration in metrics.step(step, duration) } }
        let cycle = try await Cycle.open(data: folder.path, database: nil, settings: settings)
        do {
            _ = try await cycle.loadDemo(synthetic: synthetic, password: password)
            var options = ServerOptions()
            options.worker = false
            options.metrics = metrics
            let app = JuesuanHTTP.application(cycle: cycle, options: options, logger: Logger(label: "test"), pages: JuesuanWeb.add)
            try await app.test(.router) { client in try await body(cycle, client) }
        } catch {
            await cycle.close()
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        await cycle.close()
        try? FileManager.default.removeItem(at: folder)
    }

    static func caller(_ cycle: Cycle, _ login: String) async throws -> Caller {
        Caller(user: try await cycle.sessions.login(login: login, password: password, ip: "test").user, ip: "test")
    }

    struct Browser {
        let client: any TestClientProtocol
        let cookie: String
        let csrf: String

        static func login(_ client: any TestClientProtocol, _ login: String) async throws -> Browser {
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            let body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: ["login": login, "password": PagesTests.password]))
            let response = try await client.executeRequest(uri: "/api/v1/session", method: .post, headers: headers, body: body)
            let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any] ?? [:]
            let token = try #require(json["token"] as? String), csrf = try #require(json["csrfToken"] as? String)
            return Browser(client: client, cookie: "\(JuesuanHTTP.cookieName)=\(token)", csrf: csrf)
        }

        func get(_ uri: String) async throws -> (Int, String) {
            var headers = HTTPFields()
            headers[.cookie] = cookie
            headers[.accept] = "text/html"
            let response = try await client.executeRequest(uri: uri, method: .get, headers: headers, body: nil)
            return (Int(response.status.code), String(decoding: Data(buffer: response.body), as: UTF8.self))
        }

        /// A POST whose answer is a page (a refusal shown in place).
        func postPage(_ uri: String, _ form: String) async throws -> (Int, String) {
            var headers = HTTPFields()
            headers[.cookie] = cookie
            headers[.contentType] = "application/x-www-form-urlencoded"
            let response = try await client.executeRequest(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: form))
            return (Int(response.status.code), String(decoding: Data(buffer: response.body), as: UTF8.self))
        }

        func post(_ uri: String, _ form: String) async throws -> (Int, String?) {
            var headers = HTTPFields()
            headers[.cookie] = cookie
            headers[.contentType] = "application/x-www-form-urlencoded"
            let response = try await client.executeRequest(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: form))
            return (Int(response.status.code), response.headers[.location])
        }
    }

    /// The `action` of every POST form on a page, and the CSRF values they carry.
    static func forms(_ html: String) -> (actions: [String], csrf: Set<String>) {
        var actions: [String] = [], csrf = Set<String>()
        for part in html.components(separatedBy: "<form method=\"post\" action=\"").dropFirst() {
            actions.append(String(part.prefix { $0 != "\"" }))
            let form = part.components(separatedBy: "</form>").first ?? ""
            if let range = form.range(of: "name=\"_csrf\" value=\"") {
                csrf.insert(String(form[range.upperBound...].prefix { $0 != "\"" }))
            } else {
                csrf.insert("")
            }
        }
        return (actions, csrf)
    }

    @Test("every template parses and renders with nothing in it")
    func templates() {
        #expect(Views.names.count >= 15, "\(Views.names)")
        for name in Views.names {
            let text = Views.render(name, [String: String]())
            #expect(!text.contains("{{"), "\(name) left a tag unrendered")
        }
    }

    @Test("the layout: one document, the role's links only, the person's name escaped")
    func layout() {
        let user = User(login: "x", name: "<img src=x onerror=alert(1)>\"张三\"", role: .filler, org: "420103001001", orgPath: "/420103/")
        let html = Views.layout(title: "标题 <b>", user: user, csrf: "tok\"en", notice: "已保存 & 完成", problem: nil, current: "report",
                                body: "<p>正文</p>")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.components(separatedBy: "<html").count == 2)
        #expect(!html.contains("<img src=x"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;&quot;张三&quot;"))
        #expect(html.contains("<title>标题 &lt;b&gt; · juesuan 决算</title>"))
        #expect(html.contains("value=\"tok&quot;en\""))
        #expect(html.contains("<p class=\"notice\" role=\"status\">已保存 &amp; 完成</p>"))
        #expect(!html.contains("class=\"problem\""))
        #expect(html.contains("<a href=\"/app/reports/2021/420103001001\" aria-current=\"page\">本单位报表</a>"))
        #expect(!html.contains("/app/inbox") && !html.contains("/app/admin"), "填报人没有收件箱和管理")
        let admin = User(login: "a", name: "管理员", role: .admin, org: "420103", orgPath: "/420103/")
        let page = Views.layout(title: "t", user: admin, csrf: nil, body: "")
        #expect(page.contains("/app/inbox") && page.contains("/app/admin") && page.contains("/app/batches"))
        #expect(!page.contains("本单位报表"))
    }

    @Test("a report's forms are exactly the operations the store allows, each with the session's CSRF token")
    func reportForms() async throws {
        try await Self.withPages { cycle, client in
            let base = "/app/reports/2021/\(Cycle.demoExample)"
            let filler = try await Browser.login(client, "tianbao")
            let upload = try await cycle.reports.upload(try await Self.caller(cycle, "tianbao"), year: 2021, org: Cycle.demoExample, filename: "workbook.xlsx",
                                                bytes: try WorkbookWriter.data(try Engine.readDataset(Repository.corrected.path)))
            #expect(upload.version.errors == 0)
            let (status, html) = try await filler.get(base)
            #expect(status == 200)
            let view = try await cycle.reports.report(try await Self.caller(cycle, "tianbao"), year: 2021, org: Cycle.demoExample)
            let forms = Self.forms(html)
            let expected: Set<String> = Set(view.actions.compactMap { operation -> String? in
                switch operation {
                case .upload: "\(base)/upload"
                case .consolidate: "\(base)/consolidate"
                case .recheck: "\(base)/recheck"
                case .submit, .approve, .return, .publish, .withdraw: "\(base)/transition"
                case .explain: "\(base)/explain-all"
                case .confirm: "\(base)/confirm"
                }
            })
            #expect(Set(forms.actions.filter { $0.hasPrefix(base) }) == expected, "\(forms.actions) vs \(view.actions)")
            #expect(view.actions.contains(.upload) && view.actions.contains(.submit) && !view.actions.contains(.approve))
            #expect(forms.csrf == [filler.csrf])
            // The findings list and the tables with the findings at their cells, in the page (not cut from another).
            #expect(html.contains("id=\"findings\""))
            #expect(html.contains("<section class=\"rendered\" aria-label=\"报表\">"))
            #expect(html.components(separatedBy: "<body").count == 2, "one document, never a page inside a page")
            #expect(!html.contains("内部审阅稿，不公开。"), "the review banner belongs to review.html, not this page")
            #expect(html.contains(".rendered {"))

            // The reviewer sees the report but none of the unit's forms; after 上报, approve and return.
            let reviewer = try await Browser.login(client, "zhuguan")
            // (批注 is not an operation on the report: a reviewer may remark on a finding at any time.)
            let before = Self.forms(try await reviewer.get(base).1).actions.filter { $0.hasPrefix(base) && $0 != base + "/remark" }
            #expect(before.isEmpty, "\(before)")
            for finding in upload.findings where finding.severity == .warning {
                _ = try await cycle.reports.explain(try await Self.caller(cycle, "tianbao"), year: 2021, org: Cycle.demoExample, version: upload.version.number,
                                            finding: finding.key, text: "数字与账簿一致，已核对。")
            }
            // 单位负责人 has not confirmed: the page says so, 上报 is blocked; the head sees the 审核确认 form.
            let waiting = try await filler.get(base).1
            try? waiting.write(toFile: "/tmp/waiting.html", atomically: true, encoding: .utf8)
            #expect(waiting.contains("尚待单位负责人审核确认"))
            #expect(waiting.contains("单位负责人尚未审核确认"), "\(waiting.components(separatedBy: "class=\"actions\"").last?.prefix(3000) ?? "")")
            #expect(!Self.forms(waiting).actions.contains("\(base)/confirm"), "a filler cannot confirm")
            let head = try await Browser.login(client, "fuzeren")
            let headPage = try await head.get(base).1
            #expect(Self.forms(headPage).actions.contains("\(base)/confirm"))
            let revision = try await cycle.reports.report(try await Self.caller(cycle, "fuzeren"), year: 2021, org: Cycle.demoExample).revision
            let (confirmed, back) = try await head.post("\(base)/confirm", "_csrf=\(head.csrf)&revision=\(revision)")
            #expect(confirmed == 303 && back == base)
            let ready = try await filler.get(base).1
            #expect(ready.contains("单位负责人 单位负责人 已于") && !ready.contains("单位负责人尚未审核确认"))
            // 上报 asks first: without confirmed=1 a page says what will happen; nothing changes.
            let now = try await cycle.reports.report(try await Self.caller(cycle, "tianbao"), year: 2021, org: Cycle.demoExample)
            var headers = HTTPFields()
            headers[.cookie] = filler.cookie
            headers[.contentType] = "application/x-www-form-urlencoded"
            let ask = try await client.executeRequest(uri: "\(base)/transition", method: .post, headers: headers,
                                                      body: ByteBuffer(string: "_csrf=\(filler.csrf)&action=submit&revision=\(now.revision)"))
            let askPage = String(decoding: Data(buffer: ask.body), as: UTF8.self)
            #expect(ask.status == .ok && askPage.contains("<h1>确认上报</h1>") && askPage.contains("name=\"confirmed\" value=\"1\""))
            #expect(try await cycle.reports.report(try await Self.caller(cycle, "tianbao"), year: 2021, org: Cycle.demoExample).state == .drafting)
            let (submitted, location) = try await filler.post("\(base)/transition", "_csrf=\(filler.csrf)&action=submit&confirmed=1&revision=\(now.revision)")
            #expect(submitted == 303 && location == base)
            let after = try await reviewer.get(base).1
            #expect(after.contains("value=\"approve\"") && after.contains("value=\"return\""))
            #expect(!after.contains("\(base)/upload"))
            #expect(Self.forms(after).csrf == [reviewer.csrf])
            // And the unit, now 已上报, has no form left.
            #expect(Self.forms(try await filler.get(base).1).actions.filter { $0.hasPrefix(base) }.isEmpty)
        }
    }

    @Test("what people typed is escaped everywhere it shows: user names, login next=, searches, reasons")
    func escaping() async throws {
        try await Self.withPages { cycle, client in
            let admin = try await Browser.login(client, "admin")
            let evil = "<script>alert(1)</script>\"'&"
            _ = try await cycle.people.createUser(try await Self.caller(cycle, "admin"),
                                           .init(login: "evil1", name: evil, role: .readonly, org: Cycle.demoRoot, password: "a-long-password-9"))
            let (status, page) = try await admin.get("/app/admin")
            #expect(status == 200)
            #expect(!page.contains("<script>alert(1)</script>"))
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"))
            let (_, login) = try await Browser(client: client, cookie: "", csrf: "").get("/login?next=%22%3E%3Cscript%3Ealert(1)%3C/script%3E")
            #expect(!login.contains("\"><script>"))
            #expect(login.contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""))
            let (_, inbox) = try await admin.get("/app/inbox?q=%3Cb%3Ebold%3C/b%3E")
            #expect(!inbox.contains("<b>bold</b>"))
            #expect(inbox.contains("value=\"&lt;b&gt;bold&lt;/b&gt;\""))
        }
    }

    @Test("the inbox: a bar and a chip per state, a row per unit with its state badge, the one-minute view of errors")
    func inbox() async throws {
        try await Self.withPages(synthetic: 4) { cycle, client in
            let finance = try await Browser.login(client, "caizheng")
            let (status, html) = try await finance.get("/app/inbox?year=2021&problem=all")
            #expect(status == 200)
            let progress = try await cycle.reports.progress(try await Self.caller(cycle, "caizheng"), year: 2021)
            #expect(html.components(separatedBy: "<span class=\"bar\">").count - 1 == ReportState.allCases.count)
            #expect(html.contains("辖区进度：\(progress.total) 个单位"))
            let rows = html.components(separatedBy: "<tr><td><a href=\"/app/reports/2021/").count - 1
            #expect(rows == min(progress.total, 50))
            for state in ReportState.allCases where (progress.byState[state.rawValue] ?? 0) > 0 {
                #expect(html.contains("<span class=\"state \(Views.StateBadge.key(state))\">\(state.rawValue)</span>"))
            }
            // A unit cannot open the inbox's data of others: its own page shows, the inbox answers with a problem page.
            let filler = try await Browser.login(client, "tianbao")
            let (fillerStatus, _) = try await filler.get("/app/inbox?year=2021")
            #expect(fillerStatus == 200 || fillerStatus == 403)
        }
    }

    @Test("the inbox opens on 待我审核; several chosen reports approved at once, each checked, refusals said; asks first")
    func batchApprove() async throws {
        try await Self.withPages(synthetic: 3) { cycle, client in
            let filler = try await Self.caller(cycle, "tianbao"), head = try await Self.caller(cycle, "fuzeren")
            let upload = try await cycle.reports.upload(filler, year: 2021, org: Cycle.demoExample, filename: "w.xlsx",
                                                bytes: try WorkbookWriter.data(try Engine.readDataset(Repository.corrected.path)))
            _ = try await cycle.reports.explain(filler, year: 2021, org: Cycle.demoExample, version: upload.version.number,
                                        upload.findings.filter { $0.severity == .warning }.map { ($0.key, "经核实，口径差异，数字无误。") })
            _ = try await cycle.reports.confirm(head, year: 2021, org: Cycle.demoExample, revision: nil)
            _ = try await cycle.reports.transition(filler, year: 2021, org: Cycle.demoExample, .init(action: .submit))
            let reviewer = try await Browser.login(client, "zhuguan")
            let (status, inbox) = try await reviewer.get("/app/inbox")
            #expect(status == 200)
            #expect(inbox.contains("aria-current=\"true\">待我审核</a>"))
            #expect(inbox.contains("name=\"pick.\(Cycle.demoExample)\""))
            #expect(!inbox.contains("name=\"pick.420103001\""), "only what awaits: the 主管部门's own node is not listed")
            let all = try await reviewer.get("/app/inbox?problem=all").1
            #expect(!all.contains("name=\"pick."), "choosing is for what awaits")
            // The list as filtered, every row, as a workbook in Beijing time.
            var headers = HTTPFields()
            headers[.cookie] = reviewer.cookie
            let export = try await client.executeRequest(uri: "/app/inbox.xlsx?year=2021&problem=all", method: .get, headers: headers, body: nil)
            #expect(export.status == .ok)
            let grid = try WorkbookReader.firstSheetGrid(Data(buffer: export.body), name: "收件箱.xlsx")
            #expect(grid.first?.contains("单位编码") == true && grid.first?.contains("最近更改（北京时间）") == true)
            #expect(grid.contains { $0.first == Cycle.demoExample && $0.contains("已上报") })
            // Asks first, then approves what it can and says why not for the rest.
            let ask = try await reviewer.post("/app/inbox/approve", "_csrf=\(reviewer.csrf)&year=2021&pick.\(Cycle.demoExample)=1")
            #expect(ask.0 == 200)
            #expect(try await cycle.reports.report(filler, year: 2021, org: Cycle.demoExample).state == .submitted)
            let done = try await reviewer.post("/app/inbox/approve",
                                               "_csrf=\(reviewer.csrf)&year=2021&confirmed=1&pick.\(Cycle.demoExample)=1&pick.420103001=1")
            #expect(done.0 == 303)
            #expect(try await cycle.reports.report(filler, year: 2021, org: Cycle.demoExample).state == .departmentApproved)
            let after = try await reviewer.get("/app/inbox").1
            #expect(after.contains("已审核通过 1 份") && after.contains("1 份未通过：420103001"))
            // 站内消息: the reviewer was told of the submission, the unit of the approval; reading marks them read.
            let reviewerMessages = try await cycle.messages.list(try await Self.caller(cycle, "zhuguan"), paging: Paging(offset: 0, limit: 50))
            #expect(reviewerMessages.items.contains { $0.kind == "awaiting" && $0.link == "/app/reports/2021/\(Cycle.demoExample)" })
            let unit = try await Browser.login(client, "tianbao")
            #expect(try await unit.get("/app/reports/2021/\(Cycle.demoExample)").1.contains("消息（1）"))
            let list = try await unit.get("/app/messages").1
            #expect(list.contains("2021 年度部门决算主管部门已审核") && list.contains("主管部门审核员（主管部门审核）审核通过了报表"))
            #expect(try await cycle.messages.unreadCount(filler) == 0)
            // 催报: every unit below that is not up gets one; the audit log says so.
            let reminded = try await reviewer.post("/app/inbox/remind", "_csrf=\(reviewer.csrf)&year=2021")
            #expect(reminded.0 == 303)
            #expect(try await reviewer.get("/app/inbox?problem=all").1.contains("个尚未上报的单位发出催报消息"))
            #expect(try await cycle.messages.unreadCount(filler) == 0, "a unit already up is not reminded")
            #expect(try await unit.get("/app/reports/2021/\(Cycle.demoExample)").0 == 200)
        }
    }

    @Test("批注: a reviewer remarks on a finding of a submitted report and returns it; the unit sees who and when, answers with its explanations; the thread stays across versions")
    func remarks() async throws {
        try await Self.withPages(synthetic: 0) { cycle, client in
            let filler = try await Self.caller(cycle, "tianbao"), head = try await Self.caller(cycle, "fuzeren")
            let bytes = try WorkbookWriter.data(try Engine.readDataset(Repository.corrected.path))
            let upload = try await cycle.reports.upload(filler, year: 2021, org: Cycle.demoExample, filename: "w.xlsx", bytes: bytes)
            let warnings = upload.findings.filter { $0.severity == .warning }
            _ = try await cycle.reports.explain(filler, year: 2021, org: Cycle.demoExample, version: upload.version.number,
                                        warnings.map { ($0.key, "经核实，口径差异，数字无误。") })
            _ = try await cycle.reports.confirm(head, year: 2021, org: Cycle.demoExample, revision: nil)
            _ = try await cycle.reports.transition(filler, year: 2021, org: Cycle.demoExample, .init(action: .submit))
            let reviewer = try await Browser.login(client, "zhuguan")
            let base = "/app/reports/2021/\(Cycle.demoExample)"
            let page = try await reviewer.get(base).1
            #expect(page.contains("action=\"\(base)/remark\""), "a reviewer has a 批注 form under each finding")
            let key = try #require(warnings.first?.key)
            let remarked = try await reviewer.post(base + "/remark", "_csrf=\(reviewer.csrf)&finding=" + key.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                                                   + "&text=" + "请附上口径差异的依据文件。".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(remarked.0 == 303)
            // A remark on a finding the report does not have is refused; a unit cannot remark on another's report.
            await #expect(throws: StoreError.self) {
                _ = try await cycle.reports.remark(try await Self.caller(cycle, "zhuguan"), year: 2021, org: Cycle.demoExample, finding: "X|none", text: "随便")
            }
            _ = try await cycle.reports.transition(try await Self.caller(cycle, "zhuguan"), year: 2021, org: Cycle.demoExample,
                                           .init(action: .return, reason: "见批注。"))
            // The unit: the remark at its finding, who and when; an answer box in the form of explanations.
            let unit = try await Browser.login(client, "tianbao")
            let unitPage = try await unit.get(base).1
            #expect(unitPage.contains("主管部门审核员（主管部门审核）") && unitPage.contains("请附上口径差异的依据文件。"))
            #expect(unitPage.contains("name=\"reply.1\""))
            let answered = try await unit.post(base + "/explain-all", "_csrf=\(unit.csrf)&version=\(upload.version.number)&rfinding.1="
                                               + key.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "&reply.1="
                                               + "依据为区财政局文件，已附于情况说明。".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(answered.0 == 303)
            // A new version: the same finding, the same thread.
            _ = try await cycle.reports.upload(filler, year: 2021, org: Cycle.demoExample, filename: "w2.xlsx", bytes: bytes)
            let later = try await reviewer.get(base).1
            #expect(later.contains("请附上口径差异的依据文件。") && later.contains("依据为区财政局文件，已附于情况说明。"))
        }
    }

    @Test("撤回 then 更正: the public page says it was withdrawn and why; published again, it lists the correction with its date and reason")
    func withdrawAndCorrect() async throws {
        try await Self.withPages(synthetic: 0) { cycle, client in
            let filler = try await Self.caller(cycle, "tianbao"), head = try await Self.caller(cycle, "fuzeren")
            let reviewer = try await Self.caller(cycle, "zhuguan"), finance = try await Self.caller(cycle, "caizheng")
            func throughTheCycle() async throws {
                let upload = try await cycle.reports.upload(filler, year: 2021, org: Cycle.demoExample, filename: "w.xlsx",
                                                    bytes: try WorkbookWriter.data(try Engine.readDataset(Repository.corrected.path)))
                _ = try await cycle.reports.explain(filler, year: 2021, org: Cycle.demoExample, version: upload.version.number,
                                            upload.findings.filter { $0.severity == .warning }.map { ($0.key, "经核实，口径差异，数字无误。") })
                _ = try await cycle.reports.confirm(head, year: 2021, org: Cycle.demoExample, revision: nil)
                for (who, action) in [(filler, Action.submit), (reviewer, .approve), (finance, .approve), (finance, .publish)] {
                    _ = try await cycle.reports.transition(who, year: 2021, org: Cycle.demoExample, .init(action: action))
                }
            }
            try await throughTheCycle()
            let anyone = Browser(client: client, cookie: "", csrf: "")
            let page = "/public/2021/\(Cycle.demoExample)/"
            #expect(try await anyone.get(page).0 == 200)
            // Only 财政 withdraws, with a reason; the unit cannot.
            await #expect(throws: StoreError.self) { _ = try await cycle.reports.transition(filler, year: 2021, org: Cycle.demoExample, .init(action: .withdraw, reason: "x")) }
            await #expect(throws: StoreError.self) { _ = try await cycle.reports.transition(finance, year: 2021, org: Cycle.demoExample, .init(action: .withdraw)) }
            let withdrawn = try await cycle.reports.transition(finance, year: 2021, org: Cycle.demoExample,
                                                       .init(action: .withdraw, reason: "表3 基本支出与表5 不一致，待更正。"))
            #expect(withdrawn.state == .drafting)
            let (status, notice) = try await anyone.get(page)
            #expect(status == 200 && notice.contains("撤回") && notice.contains("表3 基本支出与表5 不一致，待更正。"))
            #expect(try await anyone.get("/public/2021/\(Cycle.demoExample)/workbook.xlsx").0 == 404)
            #expect(!(try await cycle.publishing.published(year: 2021, paging: Paging(offset: 0, limit: 10)).items.contains { $0.org == Cycle.demoExample }))
            // Corrected and published again: the page lists the correction.
            try await throughTheCycle()
            let corrected = try await anyone.get(page).1
            #expect(corrected.contains("更正说明") && corrected.contains("更正：表3 基本支出与表5 不一致，待更正。"))
            #expect(!corrected.contains("本报告已于"))
        }
    }

    @Test("public index: escaped names, download links only for files that exist; pager past 100")
    func publicIndex() async throws {
        try await Self.withPages(synthetic: 0) { cycle, client in
            let (status, html) = try await Browser(client: client, cookie: "", csrf: "").get("/public/2021/")
            #expect(status == 200)
            #expect(html.contains("2021 年度部门决算公开"))
            let bureau = try #require(try await cycle.publishing.jurisdiction())
            #expect(html.contains("<a class=\"brand\" href=\"/\">\(bureau)</a>"), "the public side bears the bureau's name")
            #expect(html.contains("还没有单位公开。") || html.contains("<td><a href=\"/public/2021/"))
            #expect(!html.contains("class=\"pager\""))
        }
    }

    @Test("/metrics: request durations by route pattern (never the concrete path), check times, the queue; only for administration")
    func metrics() async throws {
        let metrics = ServerMetrics()
        try await Self.withPages(metrics: metrics) { cycle, client in
            let admin = try await Browser.login(client, "admin")
            _ = try await admin.get("/app/reports/2021/\(Cycle.demoExample)")
            _ = try await cycle.reports.upload(try await Self.caller(cycle, "tianbao"), year: 2021, org: Cycle.demoExample, filename: "w.xlsx",
                                       bytes: try WorkbookWriter.data(try Engine.readDataset(Repository.corrected.path)))
            let (status, text) = try await admin.get("/metrics")
            #expect(status == 200)
            #expect(text.contains("juesuan_http_request_duration_seconds_bucket{route=\"/app/reports/{year}/{org}\",method=\"GET\",status=\"2xx\""))
            #expect(text.contains("juesuan_http_request_duration_seconds_count{route=\"/api/v1/session\",method=\"POST\",status=\"2xx\"}"))
            #expect(!text.contains(Cycle.demoExample), "a concrete path would make one series per unit")
            #expect(text.contains("juesuan_step_duration_seconds_count{step=\"check\"} 1"))
            #expect(text.contains("juesuan_batch_jobs_count{state=\"queued\"} 0"))
            let filler = try await Browser.login(client, "tianbao")
            #expect(try await filler.get("/metrics").0 == 403)
            #expect(try await Browser(client: client, cookie: "", csrf: "").get("/metrics").0 == 403)
        }
    }

    /// The corrected example with one typo: 表1 第1行 1,813.94 typed as 1,831.94.
    static func typo() throws -> Data {
        var dataset = try Engine.readDataset(Repository.corrected.path)
        var table = try #require(dataset.tables[.t1])
        let index = try #require(table.rows.firstIndex { $0.key == .line(1) })
        #expect(table.rows[index].cells[1] == Money(fen: 1_813_940_000))
        table.rows[index].cells[1] = Money(fen: 1_831_940_000)
        dataset.tables[.t1] = table
        return try WorkbookWriter.data(dataset)
    }

    @Test("one typo, three errors: grouped under the cell they share, named as the likely cause; no 应为 that would spread the typo")
    func likelyCause() async throws {
        try await Self.withPages { cycle, client in
            let filler = try await Browser.login(client, "tianbao")
            let upload = try await cycle.reports.upload(try await Self.caller(cycle, "tianbao"), year: 2021, org: Cycle.demoExample, filename: "typo.xlsx",
                                                bytes: try Self.typo())
            let errors = upload.findings.filter { $0.severity == .error }
            #expect(Set(errors.map(\.rule)) == ["T1-R27", "X-T1T2-FISCAL", "X-T4T1-1"], "\(errors.map(\.rule))")
            #expect(errors.allSatisfy { $0.cause == "表1 第1行 第1栏" }, "\(errors.map { $0.cause ?? "-" })")
            // The total is right: no 应为 1,831.94 for it; two tables that must agree: both figures, no 应为.
            let total = try #require(errors.first { $0.rule == "T1-R27" })
            #expect(!total.expectedIsFix)
            #expect(try #require(errors.first { $0.rule == "X-T4T1-1" }).expectedIsFix == false)
            let (_, html) = try await filler.get("/app/reports/2021/\(Cycle.demoExample)")
            if let shots = ProcessInfo.processInfo.environment["JUESUAN_PAGE_DUMP"] { try? html.write(toFile: shots + "/typo.html", atomically: true, encoding: .utf8) }
            let section = try #require(html.components(separatedBy: "id=\"findings\"").dropFirst().first?.components(separatedBy: "</section>").first)
            #expect(section.contains("<h3>可能的原因</h3>"))
            #expect(section.contains("表1 第1行 第1栏：3 条规则都涉及这一格"))
            #expect(!section.contains("应为 1,831.94"), "the typo must not be offered as the fix of the right total")
            #expect(section.contains("另一方为 1,831.94") || section.contains("另一方为 1,813.94"))
            #expect(section.contains("可能因 表1 第1行 第1栏 有误而不符"))
            // The cause comes before every table group.
            let cause = try #require(section.range(of: "可能的原因")), firstTable = section.range(of: "<h3>表")
            #expect(firstTable.map { cause.lowerBound < $0.lowerBound } ?? true)
        }
    }

    @Test("all warnings in one form: each box labelled with its warning; one bad text refuses all, keeps what was typed, says where")
    func explainAll() async throws {
        try await Self.withPages { cycle, client in
            let filler = try await Browser.login(client, "tianbao")
            let base = "/app/reports/2021/\(Cycle.demoExample)"
            let upload = try await cycle.reports.upload(try await Self.caller(cycle, "tianbao"), year: 2021, org: Cycle.demoExample, filename: "w.xlsx",
                                                bytes: try WorkbookWriter.data(try Engine.readDataset(Repository.corrected.path)))
            let warnings = upload.findings.filter { $0.severity == .warning }
            #expect(warnings.count >= 3)
            let page = try await filler.get(base).1
            #expect(page.components(separatedBy: "<form method=\"post\" action=\"\(base)/explain-all\"").count == 2, "one form")
            let labels = page.components(separatedBy: "<label for=\"x").dropFirst().map { $0.components(separatedBy: "</label>")[0] }
            #expect(labels.count == warnings.count && Set(labels).count == labels.count, "each box its own label")
            func body(_ texts: [String]) -> String {
                var fields = ["_csrf=\(filler.csrf)", "version=\(upload.version.number)"]
                for (index, (finding, text)) in zip(warnings, texts).enumerated() {
                    fields.append("finding.\(index + 1)=" + finding.key.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
                    fields.append("text.\(index + 1)=" + text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
                }
                return fields.joined(separator: "&")
            }
            var texts = warnings.map { "经核实，\($0.rule) 口径不同，数字无误。" }
            texts[1] = "。"
            var headers = HTTPFields()
            headers[.cookie] = filler.cookie
            headers[.contentType] = "application/x-www-form-urlencoded"
            let refused = try await client.executeRequest(uri: base + "/explain-all", method: .post, headers: headers, body: ByteBuffer(string: body(texts)))
            #expect(refused.status == .unprocessableContent)
            let refusedPage = String(decoding: Data(buffer: refused.body), as: UTF8.self)
            #expect(refusedPage.contains(texts[0].replacingOccurrences(of: "，", with: "，")), "what was typed stays in its box")
            #expect(refusedPage.contains("aria-invalid=\"true\""))
            #expect(refusedPage.contains("没有说明什么"))
            let nothing = try await cycle.reports.report(try await Self.caller(cycle, "tianbao"), year: 2021, org: Cycle.demoExample)
            #expect(nothing.unexplained == warnings.count, "all or none: nothing was saved")
            texts[1] = "经核实，系口径差异，数字无误。"
            let (status, location) = try await filler.post(base + "/explain-all", body(texts))
            #expect(status == 303 && location == base + "#findings")
            let done = try await cycle.reports.report(try await Self.caller(cycle, "tianbao"), year: 2021, org: Cycle.demoExample)
            #expect(done.unexplained == 0)
            #expect(try await filler.get(base).1.contains("已保存 \(warnings.count) 条说明。"))
        }
    }

    @Test("the pager: previous and next only where they lead somewhere")
    func pager() throws {
        #expect(Views.pager(total: 50, offset: 0, limit: 50) { "/x?o=\($0)" } == nil)
        let first = Views.pager(total: 120, offset: 0, limit: 50) { "/x?o=\($0)" }
        #expect(first?.previous == nil && first?.next == "/x?o=50" && first?.last == 50)
        let last = Views.pager(total: 120, offset: 100, limit: 50) { "/x?o=\($0)" }
        #expect(last?.previous == "/x?o=50" && last?.next == nil && last?.last == 120)
        let html = Views.render("pager", ["pager": try #require(last)])
        #expect(html.contains("第 101–120 条，共 120 条") && html.contains("rel=\"prev\"") && !html.contains("rel=\"next\""))
    }
}

extension Views.Pager: Equatable {
    public static func == (a: Self, b: Self) -> Bool {
        (a.first, a.last, a.total, a.previous, a.next) == (b.first, b.last, b.total, b.previous, b.next)
    }
}

@Suite("web: e-mail addresses on the administration page", .serialized)
struct AdminMailPageTests {
    @Test("an administrator sets a person's e-mail address from the users table; a bad one is refused with the reason")
    func setEmail() async throws {
        try await PagesTests.withPages { cycle, client in
            let admin = try await PagesTests.Browser.login(client, "admin")
            let (status, page) = try await admin.get("/app/admin")
            #expect(status == 200)
            #expect(page.contains("/app/admin/users/tianbao/email") && page.contains("电子邮箱"))
            let (saved, location) = try await admin.post("/app/admin/users/tianbao/email", "_csrf=\(admin.csrf)&email=tianbao%40example.gov.cn")
            #expect(saved == 303 && location == "/app/admin")
            let caller = try await PagesTests.caller(cycle, "admin")
            #expect(try await cycle.people.accounts(caller, paging: Paging(offset: 0, limit: 500)).items.first { $0.user.login == "tianbao" }?.email
                    == "tianbao@example.gov.cn")
            // A line break in the address (mail header injection) is refused; the address stays as it was.
            let (refused, _) = try await admin.post("/app/admin/users/tianbao/email", "_csrf=\(admin.csrf)&email=a%40b.cn%0D%0ABcc%3A%20x%40y.cn")
            #expect(refused == 303 || refused == 400)
            #expect(try await cycle.people.accounts(caller, paging: Paging(offset: 0, limit: 500)).items.first { $0.user.login == "tianbao" }?.email
                    == "tianbao@example.gov.cn")
            let (_, after) = try await admin.get("/app/admin")
            #expect(after.contains("value=\"tianbao@example.gov.cn\""))
        }
    }
}

@Suite("web: importing people", .serialized)
struct UserImportTests {
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    @Test("people imported from a GBK CSV, all or none: each gets a one-time password shown once, which must be changed")
    func importUsers() async throws {
        try await PagesTests.withPages { cycle, client in
            let admin = try await PagesTests.caller(cycle, "admin")
            // Two bad rows among three: nothing imported, every bad row named.
            let bad = "登录名,姓名,角色,单位编码,电子邮箱\nli.si,李四,单位填报,\(Cycle.demoExample),\nwang wu,王五,单位填报,\(Cycle.demoExample),\nzhao,赵六,会计,\(Cycle.demoExample),zhao@x\n"
            await #expect(throws: OrgImportError.self) { _ = try await cycle.people.importUsers(admin, bytes: bad.data(using: Self.gb18030)!, filename: "坏.csv") }
            do { _ = try await cycle.people.importUsers(admin, bytes: bad.data(using: Self.gb18030)!, filename: "坏.csv") } catch let error as OrgImportError {
                #expect(error.problems.map(\.line) == [3, 4], "\(error.problems)")
            }
            #expect(try await cycle.people.accounts(admin, paging: Paging(offset: 0, limit: 500)).items.allSatisfy { $0.user.login != "li.si" })
            // The same file put right, saved by Excel on Chinese Windows (GB18030): all three imported.
            let good = "登录名,姓名,角色,单位编码,电子邮箱\nli.si,李四,单位填报,\(Cycle.demoExample),li.si@example.gov.cn\nwangwu,王五,filler,\(Cycle.demoExample),\nzhao,赵六,单位负责人,\(Cycle.demoExample),\n"
            let result = try await cycle.people.importUsers(admin, bytes: good.data(using: Self.gb18030)!, filename: "好.csv")
            #expect(result.created.map(\.login) == ["li.si", "wangwu", "zhao"])
            #expect(result.created.map(\.role) == [.filler, .filler, .head])
            let login = try await cycle.sessions.login(login: "li.si", password: result.created[0].password, ip: "test")
            #expect(try await cycle.sessions.session(token: login.token)?.mustChangePassword == true)
            #expect(try await cycle.people.accounts(admin, paging: Paging(offset: 0, limit: 500)).items.first { $0.user.login == "li.si" }?.email == "li.si@example.gov.cn")
            // Importing the same people again: every row refused (already used), nothing changed.
            await #expect(throws: OrgImportError.self) { _ = try await cycle.people.importUsers(admin, bytes: Data(good.utf8), filename: "again.csv") }
            // The page: a refused file lists every bad row with a download of the list; the templates download.
            let browser = try await PagesTests.Browser.login(client, "admin")
            let (status, page) = try await browser.get("/app/admin")
            #expect(status == 200 && page.contains("/app/admin/users/import") && page.contains("/app/admin/templates/users.csv"))
            let (template, csv) = try await browser.get("/app/admin/templates/users.csv")
            #expect(template == 200 && csv.hasPrefix("\u{FEFF}登录名,姓名,角色,单位编码,电子邮箱"))
            let filler = try await PagesTests.Browser.login(client, "tianbao")
            #expect(try await filler.get("/app/admin/templates/users.csv").0 == 403)
        }
    }

    @Test("a refused import page lists every bad row and offers them as a CSV")
    func problemsPage() {
        let problems = (1...30).map { (line: $0 + 1, value: "v\($0)", reason: "原因\($0)") }
        let rows = [["行号", "所填的值", "问题"]] + problems.map { [String($0.line), $0.value, $0.reason] }
        let url = Pages.csvDataURL(rows)
        #expect(url.hasPrefix("data:text/csv;charset=utf-8;base64,"))
        let decoded = String(decoding: Data(base64Encoded: String(url.dropFirst("data:text/csv;charset=utf-8;base64,".count)))!, as: UTF8.self)
        #expect(decoded.contains("31,v30,原因30"))
        // A value a spreadsheet would run as a formula stays text.
        let formula = Pages.csvDataURL([["=HYPERLINK(\"http://x\")", "-1+2", "ok"]])
        let text = String(decoding: Data(base64Encoded: String(formula.dropFirst("data:text/csv;charset=utf-8;base64,".count)))!, as: UTF8.self)
        #expect(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\",'-1+2,ok"), "\(text)")
        let html = Views.render("import-problems", Pages.ImportProblemsPage(filename: "坏.csv", count: 30, download: url, downloadName: "x.csv",
                                                                             problems: problems.map { .init(line: $0.line, value: $0.value, reason: $0.reason) }))
        #expect(html.components(separatedBy: "<tr><td>").count == 31)
    }
}

@Suite("web: a batch file's findings", .serialized)
struct BatchJobPageTests {
    @Test("each audited file of a batch has a page with its findings and 检查表; a report of another year is said")
    func jobPage() async throws {
        try await PagesTests.withPages { cycle, client in
            let reviewer = try await PagesTests.caller(cycle, "zhuguan")
            // The seed with one figure of 表2 changed (a 款 no longer its 项's sum): findings at cells.
            let text = try String(contentsOf: Repository.fixtures.appendingPathComponent("seed/000_a4a5e0261d017fb9.txt"), encoding: .utf8)
            let planted = try #require(text.range(of: "2010302   一般行政管理事务 729.62 729.62"))
            let seed = Data(text.replacingCharacters(in: planted, with: "2010302   一般行政管理事务 739.62 739.62").utf8)
            let batch = try await cycle.batchAudits.createBatch(reviewer, year: 2025, name: "二〇二五")
            let job = try await cycle.batchAudits.addBatchFile(reviewer, batch: batch.id, filename: "江汉.txt", bytes: seed)
            while try await cycle.batchAudits.processNextJob() {}
            let browser = try await PagesTests.Browser.login(client, "zhuguan")
            let (status, list) = try await browser.get("/app/batches/\(batch.id)")
            #expect(status == 200)
            #expect(list.contains("/app/batches/\(batch.id)/jobs/\(job.id)") && list.contains("报告为 2021 年度"))
            let (jobStatus, page) = try await browser.get("/app/batches/\(batch.id)/jobs/\(job.id)")
            #expect(jobStatus == 200)
            #expect(page.contains("部门决算") && page.contains("报告为 2021 年度") && page.contains("检查表"))
            #expect(page.contains("<td><code>"), "the findings table")
            // The tables as read, with the findings at their cells, each linked from the list.
            #expect(page.contains("class=\"rendered\"") && page.contains("读出的表"))
            let detail = try await cycle.batchAudits.batchJob(reviewer, batch: batch.id, job: job.id)
            let atCells = detail.findings.filter { $0.severity != .info }.compactMap(Views.anchor)
            #expect(!atCells.isEmpty, "the changed figure is found at its cells")
            for anchor in atCells.prefix(5) {
                #expect(page.contains("href=\"#\(anchor)\"") && page.contains("id=\"\(anchor)\""), "\(anchor)")
            }
            // Another unit's reviewer cannot see it.
            let other = try await PagesTests.Browser.login(client, "tianbao")
            #expect(try await other.get("/app/batches/\(batch.id)/jobs/\(job.id)").0 == 403)
            #expect(try await browser.get("/app/batches/\(batch.id)/jobs/999999").0 == 404)
        }
    }
}

@Suite("web: the jurisdiction's 汇总", .serialized)
struct SummaryPageTests {
    @Test("财政 sees the 汇总 of the whole jurisdiction, level by level, and exports it; a unit's filler may not")
    func summary() async throws {
        try await PagesTests.withPages { cycle, client in
            let finance = try await PagesTests.Browser.login(client, "caizheng")
            let (status, page) = try await finance.get("/app/summary?year=2021&org=420103001")
            #expect(status == 200, "\(page.prefix(400))")
            #expect(page.contains("年度汇总") && page.contains("/app/summary.xlsx?year=2021&amp;org=420103001") && page.contains("辖区汇总"))
            // The bureau's own: the 主管部门 summed level by level, even before they made their 汇总.
            let (rootStatus, root) = try await finance.get("/app/summary?year=2021")
            #expect(rootStatus == 200 && root.contains("summary?year=2021&amp;org=420103001"), "\(root.prefix(600))")
            let (xlsx, bytes) = try await finance.get("/app/summary.xlsx?year=2021&org=420103001")
            #expect(xlsx == 200 && bytes.hasPrefix("PK"))
            let unit = try await PagesTests.Browser.login(client, "tianbao")
            #expect(try await unit.get("/app/summary?year=2021").0 == 403)
        }
    }
}

@Suite("web: the organisation tree", .serialized)
struct OrgTreePageTests {
    @Test("the tree lists every node with its people and report state; an administrator renames a node in place; others may not")
    func tree() async throws {
        try await PagesTests.withPages { cycle, client in
            let admin = try await PagesTests.Browser.login(client, "admin")
            let (status, page) = try await admin.get("/app/admin/orgs")
            #expect(status == 200)
            #expect(page.contains(Cycle.demoExample) && page.contains("/app/admin/orgs/420103001/name") && page.contains("只看其下级"))
            let (renamed, location) = try await admin.post("/app/admin/orgs/420103001/name", "_csrf=\(admin.csrf)&name=%E6%96%B0%E5%90%8D%E7%A7%B0")
            #expect(renamed == 303 && location == "/app/admin/orgs?under=420103")
            let caller = try await PagesTests.caller(cycle, "admin")
            #expect(try await cycle.organisation.orgs(caller, under: "420103001", paging: Paging()).items.first?.name == "新名称")
            let (subtree, sub) = try await admin.get("/app/admin/orgs?under=420103001")
            #expect(subtree == 200 && sub.contains("新名称") && !sub.contains(">420103002<"))
            // A reviewer has no administration; a read-only person sees the tree without forms.
            let reviewer = try await PagesTests.Browser.login(client, "zhuguan")
            #expect(try await reviewer.get("/app/admin/orgs").0 == 403)
            let readonly = try await PagesTests.Browser.login(client, "chakan")
            let (seen, view) = try await readonly.get("/app/admin/orgs")
            #expect(seen == 200 && !view.contains("/name\""))
            _ = try await readonly.post("/app/admin/orgs/420103001/name", "_csrf=\(readonly.csrf)&name=x")
            #expect(try await cycle.organisation.orgs(caller, under: "420103001", paging: Paging()).items.first?.name == "新名称", "refused: the name stays")
        }
    }
}

@Suite("web: the bureau's inbox by 主管部门", .serialized)
struct DepartmentProgressTests {
    @Test("财政's inbox shows each 主管部门's units by state, linked to its 汇总; a 主管部门's reviewer sees only their own inbox")
    func byDepartment() async throws {
        try await PagesTests.withPages { cycle, client in
            let finance = try await PagesTests.Browser.login(client, "caizheng")
            let (status, page) = try await finance.get("/app/inbox?year=2021")
            #expect(status == 200 && page.contains("各主管部门进度") && page.contains("/app/summary?year=2021&amp;org=420103001"))
            let caller = try await PagesTests.caller(cycle, "caizheng")
            let progress = try await cycle.organisation.departmentProgress(caller, year: 2021)
            #expect(progress.count >= 2 && progress.allSatisfy { $0.units == $0.byState.values.reduce(0, +) })
            let reviewer = try await PagesTests.Browser.login(client, "zhuguan")
            let (_, own) = try await reviewer.get("/app/inbox?year=2021")
            #expect(!own.contains("各主管部门进度"))
        }
    }
}

@Suite("web: the bureau's logo on the public pages", .serialized)
struct LogoTests {
    typealias Browser = PagesTests.Browser

    @Test("the root's administrator sets a PNG logo: shown on the public index and served as an image; a file that is not one, or one too large, refused; others may not; removed")
    func logo() async throws {
        try await PagesTests.withPages(synthetic: 0) { cycle, client in
            let admin = try await Browser.login(client, "admin")
            let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + Data(repeating: 7, count: 64)
            func send(_ parts: [(String, String?, Data)]) async throws -> (Int, String?) {
                var headers = HTTPFields()
                headers[.cookie] = admin.cookie
                headers[.contentType] = "multipart/form-data; boundary=LogoBoundary"
                let body = FormsTests.multipart("LogoBoundary", [("_csrf", nil, Data(admin.csrf.utf8))] + parts)
                let response = try await client.executeRequest(uri: "/app/admin/logo", method: .post, headers: headers, body: ByteBuffer(data: body))
                return (Int(response.status.code), response.headers[.location])
            }
            #expect(try await client.executeRequest(uri: "/public/logo", method: .get, headers: [:], body: nil).status == .notFound)
            // Not an image, and too large: refused, said on the page.
            #expect(try await send([("logo", "标志.png", Data("<svg onload=alert(1)>".utf8))]).0 == 303)
            #expect(try await admin.get("/app/admin").1.contains("PNG 或 JPEG"))
            _ = try await send([("logo", "大.png", png + Data(repeating: 0, count: Cycle.logoLimit))])
            #expect(try await admin.get("/app/admin").1.contains("超过 256 KiB"))
            #expect(try await cycle.publishing.logo() == nil)
            // A PNG: kept, served as one, on the public index.
            #expect(try await send([("logo", "标志.png", png), ("action", nil, Data("set".utf8))]).0 == 303)
            let served = try await client.executeRequest(uri: "/public/logo", method: .get, headers: [:], body: nil)
            #expect(served.status == .ok && served.headers[.contentType] == "image/png" && Data(buffer: served.body) == png)
            let index = try await client.executeRequest(uri: "/public/2021/", method: .get, headers: [:], body: nil)
            #expect(String(decoding: Data(buffer: index.body), as: UTF8.self).contains("<img src=\"/public/logo\""))
            // Only the root's administrators.
            let reviewer = try await PagesTests.caller(cycle, "zhuguan")
            await #expect(throws: StoreError.self) { try await cycle.publishing.setLogo(reviewer, png) }
            // Removed.
            #expect(try await send([("action", nil, Data("remove".utf8))]).0 == 303)
            #expect(try await cycle.publishing.logo() == nil)
        }
    }
}
