import Foundation
import JuesuanCore
import JuesuanPerformance
import Yams

/// One figure of the generated prose and where it comes from.
public struct FigureSource: Hashable, Sendable {
    /// The figure as printed ("1,813.94", "52.9").
    public var printed: String
    /// Where it comes from ("表1 第30行", "表3 基本支出 ÷ 表1 第57行").
    public var source: String
}

/// A paragraph of generated prose with the sources of its figures.
public struct GeneratedParagraph: Hashable, Sendable {
    public var text: String
    public var figures: [FigureSource]
}

/// A section of Part 3 (一、收入支出决算总体情况说明 …).
public struct GeneratedSection: Hashable, Sendable {
    public var title: String
    public var paragraphs: [GeneratedParagraph]
}

/// Sentence templates of Part 3, as data (`Templates/part3.yaml`); a unit or a province can supply its own.
public struct NarrativeTemplates: Sendable {
    public var sentences: [String: String]
    public var percentDecimals: Int

    /// The shipped templates.
    public static func standard() throws -> NarrativeTemplates {
        guard let url = Bundle.module.url(forResource: "part3", withExtension: "yaml", subdirectory: "Templates") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try parse(try String(contentsOf: url, encoding: .utf8))
    }

    /// Templates from YAML text: a mapping of sentence keys to templates.
    public static func parse(_ text: String) throws -> NarrativeTemplates {
        guard let mapping = try Yams.compose(yaml: text)?.mapping else { throw CocoaError(.fileReadCorruptFile) }
        var sentences: [String: String] = [:]
        var decimals = 1
        for (key, value) in mapping {
            guard let name = key.string, let template = value.string else { continue }
            if name == "percent_decimals" { decimals = Int(template) ?? 1 } else { sentences[name] = template }
        }
        return NarrativeTemplates(sentences: sentences, percentDecimals: decimals)
    }
}

/// Generates Part 3 (情况说明) from a disclosure: every figure computed from the tables and facts,
/// never copied from a previous narrative; the reasons are the unit's own words from the dataset.
public struct NarrativeGenerator {
    public var templates: NarrativeTemplates
    public var disclosure: Disclosure
    public var catalog: Catalog
    public var scores: [ScoredForm]

    public init(templates: NarrativeTemplates, disclosure: Disclosure, catalog: Catalog, scores: [ScoredForm] = []) {
        self.templates = templates
        self.disclosure = disclosure
        self.catalog = catalog
        self.scores = scores
    }

    // MARK: Figures

    /// A sentence being written: the template filled in, with the sources of its figures.
    struct Sentence {
        var text: String
        var figures: [FigureSource] = []
    }

    func amount(_ money: Money) -> String { money.description }

    /// `part / whole` as a percentage at the template precision; nil when the whole is zero.
    func percent(_ part: Money, of whole: Money) -> String? {
        guard whole.fen != 0 else { return nil }
        let scale = Int128(pow10(templates.percentDecimals + 2))
        let steps = roundHalfUp(Int128(part.fen) * scale, Int128(whole.fen))
        return DecimalText.format(steps: steps, decimals: templates.percentDecimals, grouping: false)
    }

    func pow10(_ n: Int) -> Int64 { (0..<n).reduce(Int64(1)) { value, _ in value * 10 } }

    func fill(_ key: String, _ values: [(String, String, String?)]) -> Sentence? {
        guard var text = templates.sentences[key] else { return nil }
        var figures: [FigureSource] = []
        for (name, value, source) in values {
            text = text.replacingOccurrences(of: "{\(name)}", with: value)
            if let source { figures.append(FigureSource(printed: value, source: source)) }
        }
        return Sentence(text: text, figures: figures)
    }

    var year: String { String(disclosure.year) }
    var previousYear: String { String(disclosure.year - 1) }
    var unitName: String { disclosure.unit }

    func cell(_ id: TableID, _ key: RowKey, _ column: Int) -> Money { disclosure[id]?.amount(key, column: column) ?? .zero }

    /// "与上年相比" sentence for a figure with a prior-year amount.
    func change(_ key: String, current: Money, changeKey: String, fromZeroKey: String?, source: String) -> Sentence? {
        guard let prior = disclosure.figures.priorYear[key]?.amount else { return nil }
        let difference = current - prior
        if difference == .zero { return fill("total_flat", [("上年度", previousYear, nil)]) }
        let direction = difference > .zero ? "增加" : "减少"
        let trend = difference > .zero ? "增长" : "下降"
        if prior == .zero {
            return fromZeroKey.flatMap { fill($0, [("上年度", previousYear, nil), ("变动额", amount(difference.magnitude), "\(source) － 上年数（0）")]) }
        }
        guard let rate = percent(difference.magnitude, of: prior.magnitude) else { return nil }
        return fill(changeKey, [("上年度", previousYear, nil), ("增减", direction, nil),
                                ("变动额", amount(difference.magnitude), "\(source) － 上年数 \(amount(prior))"),
                                ("升降", trend, nil), ("变动率", rate, "变动额 ÷ 上年数 \(amount(prior))")])
    }

    func reason(_ key: String) -> Sentence? {
        guard var text = disclosure.figures.reasons[key], !text.isEmpty else { return nil }
        if text.hasSuffix("。") { text.removeLast() }
        return fill("reason", [("原因", text, nil)]).map { Sentence(text: $0.text + "。", figures: []) }
    }

    static func paragraph(_ sentences: [Sentence?]) -> GeneratedParagraph? {
        let present = sentences.compactMap { $0 }
        guard !present.isEmpty else { return nil }
        return GeneratedParagraph(text: present.map(\.text).joined(), figures: present.flatMap(\.figures))
    }

    /// A list of items joined by "；" and closed by "。".
    func list(_ items: [Sentence]) -> Sentence? {
        guard !items.isEmpty else { return nil }
        return Sentence(text: items.map(\.text).joined(separator: "；") + "。", figures: items.flatMap(\.figures))
    }

    // MARK: Sections

    public func generate() -> [GeneratedSection] {
        var sections: [GeneratedSection] = []
        func section(_ title: String, _ paragraphs: [GeneratedParagraph?]) {
            let present = paragraphs.compactMap { $0 }
            if !present.isEmpty { sections.append(GeneratedSection(title: title, paragraphs: present)) }
        }
        let total = cell(.t1, .line(30), 1)
        section("一、收入支出决算总体情况说明", [Self.paragraph([
            fill("total", [("年度", year, nil), ("总计", amount(total), "表1 第30行")]),
            change("收支总计", current: total, changeKey: "total_change", fromZeroKey: "total_change_from_zero", source: "表1 第30行"),
            reason("收支总计变动"),
        ])])

        let income = cell(.t1, .line(27), 1)
        let incomeKinds: [(String, Money, String)] = [
            ("财政拨款收入", (1...3).reduce(Money.zero) { $0 + cell(.t1, .line($1), 1) }, "表1 第1～3行"),
            ("上级补助收入", cell(.t1, .line(4), 1), "表1 第4行"), ("事业收入", cell(.t1, .line(5), 1), "表1 第5行"),
            ("经营收入", cell(.t1, .line(6), 1), "表1 第6行"), ("附属单位上缴收入", cell(.t1, .line(7), 1), "表1 第7行"),
            ("其他收入", cell(.t1, .line(8), 1), "表1 第8行"),
        ]
        let incomeItems = incomeKinds.filter { $0.1 != .zero }.compactMap { name, value, source in
            fill("income_item", [("名称", name, nil), ("金额", amount(value), source),
                                 ("占比", percent(value, of: income) ?? "—", "\(source) ÷ 表1 第27行")])
        }
        section("二、收入决算情况说明", [Self.paragraph([
            fill("income", [("年度", year, nil), ("收入合计", amount(income), "表1 第27行")]), list(incomeItems),
        ])])

        let spending = cell(.t1, .line(57), 2)
        let spendingKinds: [(String, Int)] = [("基本支出", 2), ("项目支出", 3), ("上缴上级支出", 4), ("经营支出", 5), ("对附属单位补助支出", 6)]
        let spendingItems = spendingKinds.compactMap { name, column -> Sentence? in
            let value = cell(.t3, .total, column)
            guard value != .zero else { return nil }
            return fill("expenditure_item", [("名称", name, nil), ("金额", amount(value), "表3 合计行第\(column)栏"),
                                             ("占比", percent(value, of: spending) ?? "—", "表3 合计行第\(column)栏 ÷ 表1 第57行")])
        }
        section("三、支出决算情况说明", [Self.paragraph([
            fill("expenditure", [("年度", year, nil), ("支出合计", amount(spending), "表1 第57行")]), list(spendingItems),
        ])])

        let fiscal = cell(.t4, .line(32), 1)
        section("四、财政拨款收入支出决算总体情况说明", [Self.paragraph([
            fill("fiscal_total", [("年度", year, nil), ("总计", amount(fiscal), "表4 第32行")]),
            change("财政拨款收支总计", current: fiscal, changeKey: "fiscal_change", fromZeroKey: nil, source: "表4 第32行"),
            reason("财政拨款收支总计变动") ?? reason("收支总计变动"),
        ])])

        section("五、一般公共预算财政拨款支出决算情况说明", generalSection(spending: spending))
        section("六、一般公共预算财政拨款基本支出决算情况说明", [basicSection()])
        section("七、一般公共预算财政拨款“三公”经费支出决算情况说明", threeSection())
        section("八、政府性基金预算财政拨款收入支出决算情况说明", [fundSection(.t8, none: "fund_none", some: "fund", column: 3)])
        section("九、国有资本经营预算财政拨款支出决算情况说明", [fundSection(.t9, none: "capital_none", some: "capital", column: 1)])
        section("十、机关运行经费支出情况", [operatingSection()])
        section("十一、政府采购支出情况", [procurementSection()])
        section("十二、国有资产占用情况", [assetsSection()])
        section("十三、预算绩效情况说明", performanceSection())
        return sections
    }

    func generalSection(spending: Money) -> [GeneratedParagraph?] {
        let general = cell(.t5, .total, 1)
        let overall = Self.paragraph([
            fill("general_total", [("年度", year, nil), ("金额", amount(general), "表5 合计行第1栏"),
                                   ("占比", percent(general, of: spending) ?? "—", "表5 合计 ÷ 表1 第57行")]),
            change("财政拨款支出", current: general, changeKey: "general_change", fromZeroKey: nil, source: "表5 合计行第1栏"),
            reason("财政拨款支出变动"),
        ])
        let classes = catalog.classes.compactMap { functionClass -> Sentence? in
            let value = cell(.t5, .function(functionClass.code), 1)
            guard value != .zero else { return nil }
            let name = functionClass.name.hasSuffix("支出") ? String(functionClass.name.dropLast(2)) : functionClass.name
            return fill("general_structure_item", [("名称", name, nil), ("金额", amount(value), "表5 \(functionClass.code) 第1栏"),
                                                   ("占比", percent(value, of: general) ?? "—", "表5 \(functionClass.code) ÷ 表5 合计")])
        }
        let structure = Self.paragraph([fill("general_structure", [("年度", year, nil), ("金额", amount(general), "表5 合计行第1栏")]), list(classes)])
        var detail: [Sentence?] = []
        if let budget = disclosure.figures.initialBudget["合计"]?.amount {
            detail.append(fill("general_budget", [("年度", year, nil), ("预算", amount(budget), "年初预算（数据集）"),
                                                  ("决算", amount(general), "表5 合计行第1栏"),
                                                  ("完成率", percent(general, of: budget) ?? "—", "表5 合计 ÷ 年初预算"),
                                                  ("基本", amount(cell(.t5, .total, 2)), "表5 合计行第2栏"),
                                                  ("项目", amount(cell(.t5, .total, 3)), "表5 合计行第3栏")]))
        }
        var position = 0
        for functionClass in catalog.classes {
            let value = cell(.t5, .function(functionClass.code), 1)
            guard value != .zero else { continue }
            position += 1
            let name = functionClass.name
            if let budget = disclosure.figures.initialBudget[functionClass.code.digits]?.amount {
                detail.append(fill("general_class", [("序号", String(position), nil), ("名称", name, nil), ("预算", amount(budget), "年初预算（数据集）"),
                                                     ("决算", amount(value), "表5 \(functionClass.code) 第1栏"),
                                                     ("完成率", percent(value, of: budget) ?? "—", "表5 \(functionClass.code) ÷ 年初预算")]))
            } else {
                detail.append(fill("general_class_no_budget", [("序号", String(position), nil), ("名称", name, nil),
                                                               ("决算", amount(value), "表5 \(functionClass.code) 第1栏")]))
            }
        }
        detail.append(reason("年初预算执行"))
        return [overall, structure, Self.paragraph(detail)]
    }

    func basicSection() -> GeneratedParagraph? {
        guard let t6 = disclosure[.t6] else { return nil }
        func items(_ nature: ExpenseNature) -> String {
            t6.rows.filter { row in
                guard case .economic(let code) = row.key, code.level == .section, row[column: 1] != .zero else { return false }
                return catalog.nature(of: code) == nature || (catalog.nature(of: code) == nil && nature == .publicUse)
            }.map { $0.label.trimmingSpaces() }.joined(separator: "、")
        }
        return Self.paragraph([fill("basic", [("年度", year, nil), ("基本", amount(cell(.t5, .total, 2)), "表5 合计行第2栏"),
                                              ("人员", amount(t6.amount(StandardLayout.personnelTotal, column: 1)), "表6 人员经费合计"),
                                              ("人员项目", items(.personnel), nil),
                                              ("公用", amount(t6.amount(StandardLayout.publicTotal, column: 1)), "表6 公用经费合计"),
                                              ("公用项目", items(.publicUse), nil)])])
    }

    func threeSection() -> [GeneratedParagraph?] {
        let row = StandardLayout.singleRow
        let budget = cell(.t7, row, 1), actual = cell(.t7, row, 7)
        var sentences: [Sentence?] = []
        if budget != .zero {
            sentences.append(fill("three_total", [("年度", year, nil), ("预算", amount(budget), "表7 第1栏"), ("决算", amount(actual), "表7 第7栏"),
                                                  ("完成率", percent(actual, of: budget) ?? "—", "表7 第7栏 ÷ 第1栏")]))
        } else {
            sentences.append(fill("three_total_no_budget", [("年度", year, nil), ("决算", amount(actual), "表7 第7栏")]))
        }
        for (name, budgetColumn, actualColumn) in [("因公出国（境）费", 2, 8), ("公务用车购置及运行费", 3, 9), ("公务接待费", 6, 12)] {
            let itemBudget = cell(.t7, row, budgetColumn), itemActual = cell(.t7, row, actualColumn)
            if itemActual == .zero && itemBudget == .zero {
                sentences.append(fill("three_item_none", [("名称", name, nil)]))
            } else if itemBudget != .zero {
                sentences.append(fill("three_item", [("名称", name, nil), ("决算", amount(itemActual), "表7 第\(actualColumn)栏"),
                                                     ("完成率", percent(itemActual, of: itemBudget) ?? "—", "表7 第\(actualColumn)栏 ÷ 第\(budgetColumn)栏")]))
            } else {
                sentences.append(fill("three_item_no_budget", [("名称", name, nil), ("决算", amount(itemActual), "表7 第\(actualColumn)栏")]))
            }
        }
        let changeSentence = change("三公经费", current: actual, changeKey: "three_change", fromZeroKey: "three_change_from_zero", source: "表7 第7栏")
            .map { Sentence(text: $0.text.replacingOccurrences(of: "{年度}", with: year), figures: $0.figures) }
        return [Self.paragraph(sentences), Self.paragraph([changeSentence, reason("三公经费变动")])]
    }

    func fundSection(_ id: TableID, none: String, some: String, column: Int) -> GeneratedParagraph? {
        let value = cell(id, .total, column)
        if value == .zero { return Self.paragraph([fill(none, [("单位", unitName, nil)])]) }
        return Self.paragraph([fill(some, [("年度", year, nil), ("金额", amount(value), "\(id) 合计行第\(column)栏")])])
    }

    func operatingSection() -> GeneratedParagraph? {
        let value = cell(.t6, StandardLayout.publicTotal, 1)
        let stated = disclosure.figures.operatingCosts?.amount
        let used = stated ?? value
        let source = stated == nil ? "表6 公用经费合计" : "机关运行经费（数据集）"
        return Self.paragraph([
            fill("operating", [("年度", year, nil), ("单位", unitName, nil), ("金额", amount(used), source)]),
            change("机关运行经费", current: used, changeKey: "operating_change", fromZeroKey: nil, source: source),
            reason("机关运行经费变动"),
        ])
    }

    func procurementSection() -> GeneratedParagraph? {
        let figures = disclosure.figures.procurement
        guard let total = figures["总额"]?.amount else { return nil }
        let parts = [("货物", "政府采购货物支出"), ("工程", "政府采购工程支出"), ("服务", "政府采购服务支出")].compactMap { key, name -> String? in
            figures[key].map { "\(name)\(amount($0.amount))万元" }
        }.joined(separator: "、")
        var sentences: [Sentence?] = []
        if let sme = figures["中小企业"]?.amount {
            sentences.append(fill("procurement", [("年度", year, nil), ("单位", unitName, nil), ("总额", amount(total), "政府采购（数据集）"),
                                                  ("构成", parts, nil), ("中小企业", amount(sme), "政府采购（数据集）"),
                                                  ("中小企业占比", percent(sme, of: total) ?? "—", "中小企业 ÷ 总额")]))
            if let small = figures["小微企业"]?.amount {
                sentences.append(fill("procurement_small", [("小微企业", amount(small), "政府采购（数据集）"),
                                                            ("小微企业占比", percent(small, of: sme) ?? "—", "小微企业 ÷ 中小企业")]))
            }
        }
        return Self.paragraph(sentences)
    }

    func assetsSection() -> GeneratedParagraph? {
        let assets = disclosure.figures.assets
        guard !assets.isEmpty else { return nil }
        let text = assets.map { "\($0.label) \($0.count) \($0.label.contains("设备") ? "台（套）" : "辆")" }.joined(separator: "，")
        return Self.paragraph([fill("assets", [("年度", year, nil), ("单位", unitName, nil), ("资产", text, nil)])])
    }

    func performanceSection() -> [GeneratedParagraph?] {
        var paragraphs: [GeneratedParagraph?] = []
        let projects = scores.filter { $0.kind == .project }
        if !projects.isEmpty {
            let funds = projects.reduce(Money.zero) { $0 + $1.execution.executed }
            let projectSpending = cell(.t5, .total, 3)
            paragraphs.append(Self.paragraph([fill("performance_projects", [
                ("年度", year, nil), ("项目数", String(projects.count), "项目支出绩效自评表的张数"),
                ("资金", amount(funds), "各项目自评表执行数之和"),
                ("占比", percent(funds, of: projectSpending) ?? "—", "各项目执行数之和 ÷ 表5 项目支出"),
            ])]))
        }
        if let department = scores.first(where: { $0.kind == .department }) {
            paragraphs.append(Self.paragraph([fill("performance_department", [
                ("资金", amount(department.execution.budget), "整体自评表预算数"),
                ("执行率", department.executionRateText.replacingOccurrences(of: "%", with: ""), "执行数 ÷ 预算数"),
                ("得分", department.computed.compact(2), "按规则计算"), ("等级", department.grade, nil),
            ])]))
        }
        for (index, project) in projects.enumerated() {
            paragraphs.append(Self.paragraph([fill("performance_project", [
                ("序号", String(index + 1), nil), ("名称", project.name, nil),
                ("预算", amount(project.execution.budget), "项目自评表预算数"), ("执行", amount(project.execution.executed), "项目自评表执行数"),
                ("执行率", project.executionRateText.replacingOccurrences(of: "%", with: ""), "执行数 ÷ 预算数"),
                ("得分", project.computed.compact(2), "按规则计算"), ("等级", project.grade, nil),
            ])]))
        }
        return paragraphs
    }
}
