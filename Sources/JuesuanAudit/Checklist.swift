import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanRules

/// The bureau's 检查表 of one published document: 及时性, then 内容规范性 item by item — 封面, 目录,
/// 主要职能, 机构设置, 名词解释, 情况说明, each table by its title, 其他相关情况说明, 绩效 — each with
/// 是/否 and the problems found, in plain Chinese with their pages.
public struct Checklist: Sendable, Codable, Equatable {
    public struct Item: Sendable, Codable, Equatable {
        /// The item as a checklist names it ("表1 收入支出决算总表").
        public var name: String
        /// Whether the document has it.
        public var present: Bool
        public var errors: Int
        public var warnings: Int
        /// The problems found, each in a sentence with its page or line.
        public var problems: [String]

        /// 是 / 否, and how many problems: what a summary cell says.
        public var verdict: String {
            guard present else { return "否" }
            if errors + warnings == 0 { return "是" }
            return "是（" + [errors > 0 ? "错误 \(errors)" : nil, warnings > 0 ? "警告 \(warnings)" : nil].compactMap { $0 }.joined(separator: "，") + "）"
        }
    }

    public var source: String
    public var unit: String
    public var year: Int
    /// 及时性 in words: on time, late by N days, or unknown (and why).
    public var timeliness: String
    public var items: [Item]

    /// The item names, in checklist order, for a document of `year` (the same for every document of a batch).
    public static func itemNames(_ tables: [(TableID, String)]) -> [String] {
        ["封面", "目录", "主要职能", "机构设置", "名词解释", "情况说明"] + tables.map { "\($0.0) \($0.1)" } + ["其他相关情况说明", "绩效情况"]
    }

    /// The standard tables' short titles (the year left out), in order.
    public static let tableTitles: [(TableID, String)] = [
        (.t1, "收入支出决算总表"), (.t2, "收入决算表"), (.t3, "支出决算表"), (.t4, "财政拨款收入支出决算总表"),
        (.t5, "一般公共预算财政拨款支出决算表"), (.t6, "一般公共预算财政拨款基本支出决算表"),
        (.t7, "一般公共预算财政拨款“三公”经费支出决算表"), (.t8, "政府性基金预算财政拨款收入支出决算表"),
        (.t9, "国有资本经营预算财政拨款支出决算表"),
    ]

    public static var allItemNames: [String] { itemNames(tableTitles) }

    /// 及时性: published on or before the deadline, or late; unknown without both dates.
    public static func timeliness(published: Date?, deadline: Date?) -> String {
        guard let published, let deadline else {
            return "未知（" + (published == nil ? "未给出公开日期" : "未给出公开截止日期") + "）"
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let days = calendar.dateComponents([.day], from: calendar.startOfDay(for: deadline), to: calendar.startOfDay(for: published)).day ?? 0
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = calendar.timeZone
        formatter.dateFormat = "yyyy-MM-dd"
        let dates = "公开 \(formatter.string(from: published))，截止 \(formatter.string(from: deadline))"
        return days <= 0 ? "按时（\(dates)）" : "逾期 \(days) 天（\(dates)）"
    }

    /// The checklist of a report, from what was read and what the audit found.
    public static func make(_ report: PublishedReport, findings: [Finding], source: String, published: Date? = nil,
                            deadline: Date? = nil) -> Checklist {
        let lines = report.text.lines
        let compact = lines.map { $0.text.filter { !$0.isWhitespace } }
        /// The first line (index) holding one of `words`, among the first `within` lines when given.
        func find(_ words: [String], within: Int? = nil, short: Bool = true) -> Int? {
            let limit = within.map { min($0, compact.count) } ?? compact.count
            return (0..<limit).first { index in
                let line = compact[index]
                return (!short || line.count <= 40) && words.contains { line.contains($0) }
            }
        }
        func place(_ finding: Finding) -> String {
            if let page = finding.page { return "第 \(page) 页" }
            if let line = finding.line { return "第 \(line) 行" }
            return finding.table.map(\.description) ?? ""
        }
        func sentence(_ finding: Finding) -> String {
            let where_ = place(finding)
            return (finding.severity == .error ? "错误" : "警告") + (where_.isEmpty ? "" : "（\(where_)）") + "：" + finding.message
        }
        let shown = findings.filter { $0.severity != .info }
        func item(_ name: String, present: Bool, _ belongs: (Finding) -> Bool) -> Item {
            let own = shown.filter(belongs)
            return Item(name: name, present: present, errors: own.count(.error), warnings: own.count(.warning), problems: own.map(sentence))
        }
        let unitName = report.disclosure.unit
        var items: [Item] = []
        // 封面: the unit and 部门决算 near the top of the document.
        let cover = find(["部门决算", "单位决算"], within: 40) != nil && (unitName.isEmpty || compact.prefix(40).contains { $0.contains(unitName) })
        items.append(item("封面", present: cover) { $0.rule == "D-TEMPLATE" })
        items.append(item("目录", present: find(["目录"], within: 120) != nil) { _ in false })
        items.append(item("主要职能", present: find(["主要职能", "主要职责", "部门职责", "职能职责"]) != nil) { _ in false })
        items.append(item("机构设置", present: find(["机构设置", "单位构成", "决算单位构成", "内设机构"]) != nil) { _ in false })
        items.append(item("名词解释", present: !report.disclosure.glossary.isEmpty || find(["名词解释"]) != nil) { _ in false })
        let proseFamilies: Set<String> = ["情况说明", "文字"]
        items.append(item("情况说明", present: !report.passages.isEmpty) { finding in
            proseFamilies.contains(finding.family ?? "") && finding.table == nil
        })
        for (id, title) in tableTitles {
            let table = report.disclosure[id]
            let present = table != nil || report.tableRanges[id] != nil
            items.append(item("\(id) \(title)", present: present) { finding in
                finding.table == id || (finding.table == nil && finding.cells.contains { $0.table == id })
            })
        }
        items.append(item("其他相关情况说明", present: find(["其他重要事项", "其他相关情况", "机关运行经费"]) != nil) { _ in false })
        let performance = !report.disclosure.performance.projects.isEmpty || report.disclosure.performance.department != nil
            || find(["绩效自评", "绩效情况", "预算绩效"]) != nil
        items.append(item("绩效情况", present: performance) { ($0.family ?? "") == "绩效自评" })
        return Checklist(source: source, unit: unitName, year: report.disclosure.year,
                         timeliness: timeliness(published: published, deadline: deadline), items: items)
    }
}

extension Checklist {
    /// The checklist of a published budget: 封面, 目录, 主要职能, 机构设置, 名词解释, 预算编制说明, each table of its
    /// layout, 其他相关情况说明 (三公, 机关运行经费, 政府采购, 国有资产), 绩效目标.
    public static func make(budget: BudgetDocument, findings: [Finding], source: String, published: Date? = nil, deadline: Date? = nil) -> Checklist {
        let compact = budget.text.lines.map { $0.text.filter { !$0.isWhitespace } }
        func find(_ words: [String], within: Int? = nil) -> Bool {
            let limit = within.map { min($0, compact.count) } ?? compact.count
            return (0..<limit).contains { index in compact[index].count <= 40 && words.contains { compact[index].contains($0) } }
        }
        func sentence(_ finding: Finding) -> String {
            let place = finding.page.map { "第 \($0) 页" } ?? finding.line.map { "第 \($0) 行" } ?? ""
            return (finding.severity == .error ? "错误" : "警告") + (place.isEmpty ? "" : "（\(place)）") + "：" + finding.message
        }
        let shown = findings.filter { $0.severity != .info }
        var claimed = Set<Int>()
        func item(_ name: String, present: Bool, _ belongs: (Finding) -> Bool) -> Item {
            let own = shown.indices.filter { !claimed.contains($0) && belongs(shown[$0]) }
            claimed.formUnion(own)
            let list = own.map { shown[$0] }
            return Item(name: name, present: present, errors: list.count(.error), warnings: list.count(.warning), problems: list.map(sentence))
        }
        let kind = budget.scope.rawValue + "预算"
        var items: [Item] = []
        items.append(item("封面", present: find([kind, "部门预算", "单位预算"], within: 40)) { $0.rule == "B-N-SCOPE" })
        items.append(item("目录", present: find(["目录"], within: 120)) { _ in false })
        items.append(item("主要职能", present: find(["主要职能", "主要职责", "部门职责", "职能职责"])) { _ in false })
        items.append(item("机构设置", present: find(["机构设置", "单位构成", "预算单位构成", "内设机构"])) { _ in false })
        items.append(item("名词解释", present: find(["名词解释"])) { _ in false })
        for spec in budget.layout.tables {
            items.append(item(spec.name, present: budget.tables[spec.id] != nil) { finding in
                (finding.message.contains("“\(spec.name)”") && ["预算表", "预算表间"].contains(finding.family ?? ""))
                    || (finding.rule == "B-TABLE-MISSING" && finding.message.contains(spec.name))
            })
        }
        items.append(item("预算编制说明", present: !budget.passages.isEmpty) { finding in
            ["预算编制说明", "文字", "预算表间"].contains(finding.family ?? "") && !finding.message.contains("三公") && !finding.message.contains("绩效")
        })
        items.append(item("其他相关情况说明", present: find(["其他相关情况", "其他重要事项", "三公", "机关运行经费"])) { finding in
            finding.message.contains("三公") || finding.message.contains("机关运行") || finding.message.contains("采购") || finding.rule == "B-N-VEHICLES"
        })
        items.append(item("绩效目标", present: find(["绩效目标"])) { $0.rule == "B-N-PERFORMANCE" })
        return Checklist(source: source, unit: budget.department, year: budget.year, timeliness: timeliness(published: published, deadline: deadline),
                         items: items)
    }
}
