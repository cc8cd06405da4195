import Foundation
import Juesuan
import JuesuanRender
import JuesuanStore
import Mustache

/// The pages' templates (`Templates/*.mustache`, HTML-escaped by default) and what every page shares:
/// the layout, the state badge, the pager, dates in Beijing time.
enum Views {
    /// Every template of the folder, by file name without `.mustache`; each may use the others as partials.
    static let library: MustacheLibrary = {
        guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            preconditionFailure("juesuan: the page templates are missing from the bundle")
        }
        var templates: [String: MustacheTemplate] = [:]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names where name.hasSuffix(".mustache") {
            let text = (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? ""
            do { templates[String(name.dropLast(".mustache".count))] = try MustacheTemplate(string: text) } catch {
                preconditionFailure("juesuan: template \(name) does not parse: \(error)")
            }
        }
        return MustacheLibrary(templates: templates)
    }()

    /// The names of the templates (a test renders each).
    static var names: [String] {
        guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil),
              let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return names.filter { $0.hasSuffix(".mustache") }.map { String($0.dropLast(".mustache".count)) }.sorted()
    }

    static func render(_ template: String, _ model: Any) -> String {
        guard let text = library.render(ModelBox.box(model), withTemplate: template) else {
            preconditionFailure("juesuan: no template named \(template)")
        }
        return text
    }

    static let stylesheet: String = resource("site", "css")
    static let script: String = resource("site", "js")

    static func resource(_ name: String, _ ext: String) -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Resources"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return "" }
        return text
    }

    static var defaultYear: Int { 2021 }

    /// The caller's unread messages, set for the page being rendered (the layout's 消息 link shows it).
    @TaskLocal static var unread = 0

    // MARK: - The layout

    struct Link {
        var href: String
        var text: String
        var current: Bool
    }

    struct Person {
        var name: String
        var roleName: String
        var org: String
        var nav: [Link]
    }

    struct Layout {
        var title: String
        var stylesheet: String
        var extraStyle: String
        var user: Person?
        var csrf: String
        var notice: String?
        var problem: String?
        var body: String
        var brand: String
    }

    /// A whole page: the person and the links their role may use (asked of the store's permissions),
    /// a notice or problem banner, the body (itself rendered from a template).
    static func layout(title: String, user: User?, csrf: String?, notice: String? = nil, problem: String? = nil,
                       current: String = "", body: String, extraStyle: String = "", brand: String? = nil) -> String {
        let person = user.map { user -> Person in
            var links: [(String, String, String)] = []
            let role = user.role
            if role.may(.prepare) { links.append(("report", "/app/reports/\(defaultYear)/\(user.org)", "本单位报表")) }
            if role.may(.seeInbox) { links.append(("inbox", "/app/inbox", "审核收件箱")) }
            // A 主管部门's own report is the 汇总 of its units: on the menu of the people who make it.
            if role.may(.consolidate) && !role.may(.prepare) { links.append(("report", "/app/reports/\(defaultYear)/\(user.org)", "本部门汇总")) }
            // The bureau and those who watch it: the 汇总 of the whole jurisdiction, level by level.
            if role.may(.seeInbox) && !role.may(.consolidate) { links.append(("summary", "/app/summary", "辖区汇总")) }
            if role.may(.seeBatches) { links.append(("batches", "/app/batches", "批量审查")) }
            if role.may(.seeAdministration) { links.append(("admin", "/app/admin", "管理")) }
            links.append(("messages", "/app/messages", unread > 0 ? "消息（\(unread)）" : "消息"))
            links.append(("public", "/public/\(defaultYear)/", "已公开"))
            return Person(name: user.name, roleName: user.role.chineseName, org: user.org,
                          nav: links.map { Link(href: $0.1, text: $0.2, current: $0.0 == current) })
        }
        return render("layout", Layout(title: title, stylesheet: stylesheet, extraStyle: extraStyle, user: person, csrf: csrf ?? "",
                                       notice: notice.flatMap { $0.isEmpty ? nil : $0 }, problem: problem.flatMap { $0.isEmpty ? nil : $0 },
                                       body: body, brand: brand ?? "juesuan 决算"))
    }

    // MARK: - Shared parts

    struct StateBadge {
        var stateKey: String
        var stateName: String
        init(_ state: ReportState) {
            stateName = state.rawValue
            stateKey = Self.key(state)
        }
        /// The CSS class of a state, in one place.
        static func key(_ state: ReportState) -> String {
            switch state {
            case .drafting: "drafting"
            case .submitted: "submitted"
            case .departmentApproved: "dept"
            case .financeApproved: "finance"
            case .published: "published"
            }
        }
    }

    struct Pager {
        var first: Int
        var last: Int
        var total: Int
        var previous: String?
        var next: String?
    }

    /// Previous / next links of a list, or nil when it fits on one page.
    static func pager(total: Int, offset: Int, limit: Int, link: (Int) -> String) -> Pager? {
        guard total > limit else { return nil }
        return Pager(first: offset + 1, last: min(total, offset + limit), total: total,
                     previous: offset > 0 ? link(max(0, offset - limit)) : nil,
                     next: offset + limit < total ? link(offset + limit) : nil)
    }

    /// 2026年12月2日 (from an ISO time stamp or a day), with the time when asked — in Beijing time.
    static func date(_ stamp: String?, time: Bool = false) -> String {
        guard let stamp, stamp.count >= 10 else { return "" }
        // A time stamp is UTC: shown in Beijing time (the day may change). A bare day stays as written.
        let local = stamp.count > 10 ? AuditWords.beijing(stamp) : stamp
        let parts = local.prefix(10).split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return stamp }
        var text = "\(parts[0])年\(parts[1])月\(parts[2])日"
        if time, local.count >= 16 { text += " " + local.dropFirst(11).prefix(5) }
        return text
    }

    /// “还有 3 天” / “已过 2 天”.
    static func daysText(_ days: Int) -> String { days >= 0 ? "还有 \(days) 天" : "已过 \(-days) 天" }

    static func percent(_ part: Int, _ whole: Int) -> String {
        whole == 0 ? "0" : String(format: "%.1f", Double(part) * 100 / Double(whole))
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
}
