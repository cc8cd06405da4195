import Foundation
import Juesuan
import JuesuanRender
import JuesuanStore

/// HTML building blocks of the pages. Everything a user typed goes through `esc`.
enum Page {
    static func esc(_ text: String) -> String { HTMLWriter.escape(text) }

    static let stylesheet: String = {
        guard let url = Bundle.module.url(forResource: "site", withExtension: "css", subdirectory: "Resources"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return "" }
        return text
    }()

    static let script: String = {
        guard let url = Bundle.module.url(forResource: "site", withExtension: "js", subdirectory: "Resources"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return "" }
        return text
    }()

    /// A whole page: header with the person and the navigation of their role, a notice or problem
    /// banner, the body.
    static func layout(title: String, user: User?, csrf: String?, notice: String? = nil, problem: String? = nil,
                       current: String = "", body: String, extraStyle: String = "") -> String {
        var nav = ""
        if let user {
            var links: [(String, String, String)] = []
            if [.filler, .head].contains(user.role) { links.append(("report", "/app/reports/\(defaultYear)/\(user.org)", "本单位报表")) }
            if [.reviewer, .finance, .admin, .readonly].contains(user.role) { links.append(("inbox", "/app/inbox", "审核收件箱")) }
            if [.reviewer, .finance, .admin, .readonly].contains(user.role) { links.append(("batches", "/app/batches", "批量审查")) }
            if [.admin, .readonly].contains(user.role) { links.append(("admin", "/app/admin", "管理")) }
            links.append(("public", "/public/\(defaultYear)/", "已公开"))
            nav = "<nav class=\"main\" aria-label=\"主导航\"><ul>" + links.map { key, href, text in
                "<li><a href=\"\(esc(href))\"\(key == current ? " aria-current=\"page\"" : "")>\(esc(text))</a></li>"
            }.joined() + "</ul></nav>"
            nav += """
                <div class="who"><span>\(esc(user.name))（\(esc(user.role.chineseName))，\(esc(user.org))）</span>
                <a href="/app/password">修改密码</a>
                <form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="\(esc(csrf ?? ""))"><button class="link">退出</button></form></div>
                """
        }
        var banner = ""
        if let notice, !notice.isEmpty { banner += "<p class=\"notice\" role=\"status\">\(esc(notice))</p>" }
        if let problem, !problem.isEmpty { banner += "<p class=\"problem\" role=\"alert\">\(esc(problem))</p>" }
        return """
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(esc(title)) · juesuan 决算</title>
            <style>\(stylesheet)\(extraStyle)</style>
            </head>
            <body>
            <a class="skip" href="#main">跳到正文</a>
            <header class="app"><a class="brand" href="/">juesuan 决算</a>\(nav)</header>
            <main id="main">
            \(banner)
            \(body)
            </main>
            <script src="/assets/site.js" defer></script>
            </body>
            </html>
            """
    }

    static var defaultYear: Int { 2021 }

    /// 2026年12月2日 (from an ISO time stamp or a day), with the time when asked — in Beijing time.
    static func date(_ stamp: String?, time: Bool = false) -> String {
        guard let stamp, stamp.count >= 10 else { return "" }
        // A time stamp is UTC: shown in Beijing time (the day may change). A bare day stays as written.
        let local = stamp.count > 10 ? AuditWords.beijing(stamp) : stamp
        let parts = local.prefix(10).split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return esc(stamp) }
        var text = "\(parts[0])年\(parts[1])月\(parts[2])日"
        if time, local.count >= 16 { text += " " + local.dropFirst(11).prefix(5) }
        return text
    }

    static func stateBadge(_ state: ReportState) -> String {
        let key = ["填报中": "drafting", "已上报": "submitted", "主管部门已审核": "dept", "财政已审核": "finance", "已公开": "published"][state.rawValue] ?? ""
        return "<span class=\"state \(key)\">\(esc(state.rawValue))</span>"
    }

    static func csrfField(_ csrf: String?) -> String { "<input type=\"hidden\" name=\"_csrf\" value=\"\(esc(csrf ?? ""))\">" }

    /// A pager for a list: previous / next links keeping the other query parameters.
    static func pager(total: Int, offset: Int, limit: Int, link: (Int) -> String) -> String {
        guard total > limit else { return "" }
        var out = "<nav class=\"pager\" aria-label=\"分页\"><span>第 \(offset + 1)–\(min(total, offset + limit)) 条，共 \(total) 条</span>"
        if offset > 0 { out += " <a href=\"\(esc(link(max(0, offset - limit))))\" rel=\"prev\">上一页</a>" }
        if offset + limit < total { out += " <a href=\"\(esc(link(offset + limit)))\" rel=\"next\">下一页</a>" }
        return out + "</nav>"
    }

    /// A finding of the store as the engine's, to mark it in the rendered tables.
    static func finding(_ stored: StoredFinding) -> Finding {
        Finding(rule: stored.rule, severity: stored.severity, message: stored.message, table: stored.table.flatMap(TableID.init(label:)),
                row: stored.row, column: stored.column.flatMap { Int($0) }, stated: stored.stated, expected: stored.expected,
                line: stored.line, page: stored.page)
    }

    /// Where a finding's cell is on the report page, when it has one.
    static func anchor(_ finding: StoredFinding) -> String? {
        guard let table = finding.table.flatMap(TableID.init(label:)), let row = finding.row, let column = finding.column.flatMap({ Int($0) }) else {
            return nil
        }
        return HTMLWriter.cellAnchor(table, row, column)
    }

    /// What to do about a finding, in a sentence.
    static func advice(_ finding: StoredFinding) -> String {
        switch finding.severity {
        case .error: "请改正报表中的数字后重新上传（错误不能用说明代替）。"
        case .warning: "如数字无误，请在下面写明原因（说明）；否则改正后重新上传。"
        case .info: "提示，无需处理。"
        }
    }

    static func percent(_ part: Int, _ whole: Int) -> String {
        whole == 0 ? "0" : String(format: "%.1f", Double(part) * 100 / Double(whole))
    }
}
