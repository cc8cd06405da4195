import Foundation
import JuesuanCore

/// The facts of a dataset as key/value rows of the sheet "数据集", so that a workbook read back gives
/// the whole dataset: "年初预算.201" → "1,731.77", "项目.3.名称" → "…". Amounts are written as printed.
enum FactRows {
    static func rows(_ disclosure: Disclosure) -> [(String, String)] {
        var rows: [(String, String)] = [("单位", disclosure.unit), ("简称", disclosure.shortName ?? ""), ("年度", String(disclosure.year)),
                                        ("说明", "由 juesuan 生成；各表金额单位为万元；本工作簿可用 juesuan import 读回为数据集。")]
        let overview = disclosure.overview
        for (index, function) in overview.functions.enumerated() { rows.append(("职能.\(index + 1)", function)) }
        if !overview.composition.isEmpty { rows.append(("单位构成", overview.composition)) }
        if let date = overview.staffingDate { rows.append(("人员时点", date)) }
        for headcount in overview.staffing { rows.append(("人员.\(headcount.label)", String(headcount.count))) }
        for id in TableID.allCases { if let statement = disclosure[id]?.emptyStatement { rows.append(("表说明.\(id)", statement)) } }
        let figures = disclosure.figures
        for key in figures.priorYear.keys.sorted() { rows.append(("上年.\(key)", exact(figures.priorYear[key]!.amount))) }
        for key in figures.initialBudget.keys.sorted() { rows.append(("年初预算.\(key)", exact(figures.initialBudget[key]!.amount))) }
        for key in figures.reasons.keys.sorted() { rows.append(("原因.\(key)", figures.reasons[key]!)) }
        for detail in figures.vehicleRunningDetails { rows.append(("公务用车运行费明细.\(detail.name)", exact(detail.amount))) }
        for key in figures.officialCounts.keys.sorted() { rows.append(("三公.\(key)", String(figures.officialCounts[key]!))) }
        for key in figures.texts.keys.sorted() { rows.append(("文字.\(key)", figures.texts[key]!)) }
        if let operating = figures.operatingCosts { rows.append(("机关运行经费", exact(operating.amount))) }
        for key in figures.procurement.keys.sorted() { rows.append(("政府采购.\(key)", exact(figures.procurement[key]!.amount))) }
        for asset in figures.assets { rows.append(("国有资产.\(asset.label)", String(asset.count))) }
        for (index, project) in figures.projects.enumerated() {
            rows += [("项目.\(index + 1).名称", project.name), ("项目.\(index + 1).金额", exact(project.amount)),
                     ("项目.\(index + 1).用途", project.purpose), ("项目.\(index + 1).成效", project.results)]
        }
        for (index, task) in disclosure.keyWork.enumerated() {
            rows += [("重点工作.\(index + 1).事项", task.name), ("重点工作.\(index + 1).内容", task.content), ("重点工作.\(index + 1).完成情况", task.result)]
        }
        for (index, entry) in disclosure.glossary.enumerated() {
            rows += [("名词解释.\(index + 1).名词", entry.term), ("名词解释.\(index + 1).解释", entry.definition)]
        }
        if let scheme = disclosure.performance.schemeID { rows.append(("绩效方案", scheme)) }
        if let layout = disclosure.layout { rows.append(("版式", layout)) }
        return rows
    }

    /// What a fact row holds, by its key.
    enum Kind { case amount, count, text }

    static func kind(of key: String) -> Kind {
        let parts = key.split(separator: ".").map(String.init)
        switch parts.first ?? "" {
        case "上年", "年初预算", "公务用车运行费明细", "机关运行经费", "政府采购": return .amount
        case "项目" where parts.last == "金额": return .amount
        case "年度", "人员", "三公", "国有资产": return .count
        default: return .text
        }
    }

    /// An amount exactly, in 万元 with as many decimals as 分 need.
    static func exact(_ money: Money) -> String { money.formatted(unit: .wan, decimals: 6, grouping: false) }

    /// An amount in 万元 as written, or as a spreadsheet stores a number ("9485.120000000001"),
    /// rounded to the 分.
    static func amount(_ text: String) -> Money? {
        if let parsed = try? MoneyParser.parse(text, unit: .wan) { return parsed.money }
        let trimmed = text.trimmingSpaces()
        guard PlainNumber.matches(trimmed), let value = Decimal(string: trimmed) else { return nil }
        var scaled = value * Decimal(1_000_000)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        return Money(fen: NSDecimalNumber(decimal: rounded).int64Value)
    }

    /// Reads the rows back into `disclosure`.
    static func apply(_ rows: [(String, String)], to disclosure: inout Disclosure) {
        var projects: [Int: ProjectSpending] = [:]
        var tasks: [Int: KeyTask] = [:]
        var terms: [Int: GlossaryEntry] = [:]
        var functions: [Int: String] = [:]
        for (key, value) in rows {
            let parts = key.split(separator: ".", maxSplits: 2).map(String.init)
            switch (parts.first ?? "", parts.count) {
            case ("简称", 1): disclosure.shortName = value.isEmpty ? nil : value
            case ("职能", 2): if let index = Int(parts[1]) { functions[index] = value }
            case ("单位构成", 1): disclosure.overview.composition = value
            case ("人员时点", 1): disclosure.overview.staffingDate = value
            case ("人员", 2): disclosure.overview.staffing.append(Headcount(label: parts[1], count: Int(value) ?? 0))
            case ("表说明", 2): if let id = TableID(label: parts[1]) { disclosure.tables[id]?.emptyStatement = value }
            case ("上年", 2): if let money = amount(value) { disclosure.figures.priorYear[parts[1]] = NamedAmount(name: parts[1], amount: money) }
            case ("年初预算", 2): if let money = amount(value) { disclosure.figures.initialBudget[parts[1]] = NamedAmount(name: parts[1], amount: money) }
            case ("原因", 2): disclosure.figures.reasons[parts[1]] = value
            case ("公务用车运行费明细", 2):
                if let money = amount(value) { disclosure.figures.vehicleRunningDetails.append(NamedAmount(name: parts[1], amount: money)) }
            case ("三公", 2): disclosure.figures.officialCounts[parts[1]] = Int(value) ?? 0
            case ("文字", 2): disclosure.figures.texts[parts[1]] = value
            case ("机关运行经费", 1): disclosure.figures.operatingCosts = amount(value).map { NamedAmount(name: "机关运行经费", amount: $0) }
            case ("政府采购", 2): if let money = amount(value) { disclosure.figures.procurement[parts[1]] = NamedAmount(name: parts[1], amount: money) }
            case ("国有资产", 2): disclosure.figures.assets.append(Headcount(label: parts[1], count: Int(value) ?? 0))
            case ("项目", 3):
                guard let index = Int(parts[1]) else { continue }
                var project = projects[index] ?? ProjectSpending(name: "", amount: .zero)
                switch parts[2] {
                case "名称": project.name = value
                case "金额": project.amount = amount(value) ?? .zero
                case "用途": project.purpose = value
                case "成效": project.results = value
                default: break
                }
                projects[index] = project
            case ("重点工作", 3):
                guard let index = Int(parts[1]) else { continue }
                var task = tasks[index] ?? KeyTask(name: "", content: "", result: "")
                switch parts[2] {
                case "事项": task.name = value
                case "内容": task.content = value
                case "完成情况": task.result = value
                default: break
                }
                tasks[index] = task
            case ("名词解释", 3):
                guard let index = Int(parts[1]) else { continue }
                var entry = terms[index] ?? GlossaryEntry(term: "", definition: "")
                if parts[2] == "名词" { entry.term = value } else if parts[2] == "解释" { entry.definition = value }
                terms[index] = entry
            case ("绩效方案", 1): disclosure.performance.schemeID = value
            case ("版式", 1): disclosure.layout = TableLayout.named(value)?.id
            default: continue
            }
        }
        disclosure.overview.functions = functions.keys.sorted().map { functions[$0]! }
        disclosure.figures.projects = projects.keys.sorted().map { projects[$0]! }
        disclosure.keyWork = tasks.keys.sorted().map { tasks[$0]! }
        disclosure.glossary = terms.keys.sorted().map { terms[$0]! }
    }
}

/// The facts of a disclosure outside its tables — base information, 上年数, reasons, 三公 counts,
/// 机关运行经费, 政府采购, 国有资产, projects, key work, glossary — as key/value rows (the keys of the
/// workbook's 数据集 sheet). The entry form edits them as it edits cells.
public enum DatasetFacts {
    /// Keys the form shows even when empty: what Part 3 and Part 1 need in every report.
    public static let template = [
        "简称", "职能.1", "职能.2", "职能.3", "单位构成", "人员时点", "人员.编制", "人员.在职人员", "人员.离退休人员",
        "上年.收支总计", "上年.财政拨款收支总计", "上年.财政拨款支出", "上年.三公经费", "上年.因公出国（境）费", "上年.公务用车购置及运行费",
        "上年.公务接待费", "上年.机关运行经费", "年初预算.合计",
        "原因.收支总计变动", "原因.财政拨款支出变动", "原因.年初预算执行", "原因.三公经费变动", "原因.公务用车运行费", "原因.公务接待费",
        "原因.机关运行经费变动", "三公.公务用车保有量", "三公.购置车辆数", "三公.接待批次", "三公.接待人次", "机关运行经费",
        "政府采购.总额", "政府采购.货物", "政府采购.工程", "政府采购.服务", "政府采购.中小企业", "政府采购.小微企业",
        "国有资产.车辆", "文字.咨询电话",
    ]
    /// Keys the form does not offer: who and which year (fixed by the report), the workbook's own notes.
    public static let fixed: Set<String> = ["单位", "年度", "说明", "版式", "绩效方案", WorkbookWriter.fillableKey]

    public enum Kind: Sendable { case amount, count, text }

    public static func rows(_ disclosure: Disclosure) -> [(key: String, value: String)] {
        FactRows.rows(disclosure).filter { !fixed.contains($0.0) }.map { ($0.0, $0.1) }
    }

    public static func kind(of key: String) -> Kind {
        switch FactRows.kind(of: key) {
        case .amount: .amount
        case .count: .count
        case .text: .text
        }
    }

    /// Why `value` cannot stand for `key`, or nil.
    public static func problem(_ key: String, _ value: String) -> String? {
        let text = value.trimmingSpaces()
        guard !text.isEmpty else { return nil }
        switch kind(of: key) {
        case .amount: return FactRows.amount(text) == nil ? "“\(text.prefix(30))”不是金额（单位万元，如 61.83）。" : nil
        case .count: return Int(text) == nil ? "“\(text.prefix(30))”不是整数。" : nil
        case .text: return nil
        }
    }

    /// `disclosure` with its facts replaced by `rows` (blank values drop the fact); tables, forms and
    /// the layout are kept.
    public static func replacing(_ disclosure: Disclosure, with rows: [(key: String, value: String)]) -> Disclosure {
        var copy = disclosure
        copy.shortName = nil
        copy.overview = Overview()
        copy.figures = NarrativeFigures()
        copy.keyWork = []
        copy.glossary = []
        for id in TableID.allCases { copy.tables[id]?.emptyStatement = nil }
        let kept = rows.filter { !fixed.contains($0.key) && !$0.value.trimmingSpaces().isEmpty }.map { ($0.key, $0.value) }
        FactRows.apply(kept, to: &copy)
        return copy
    }
}
