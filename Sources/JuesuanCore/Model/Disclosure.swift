/// A unit's whole final accounts disclosure (部门决算公开): facts, the nine tables, the figures the
/// narrative needs, and the performance self-evaluation forms.
public struct Disclosure: Hashable, Sendable, Codable {
    /// The department or unit (部门), e.g. "武汉市江汉区人民政府办公室".
    public var unit: String
    /// Short name used in statements ("区政府办").
    public var shortName: String?
    /// The budget year (决算年度).
    public var year: Int
    /// Part 1 概况.
    public var overview: Overview
    /// The nine tables, by id.
    public var tables: [TableID: Table]
    /// Figures Part 3 needs beyond the tables.
    public var figures: NarrativeFigures
    /// Part 6 self-evaluation forms.
    public var performance: PerformanceForms
    /// Where the disclosure was read from (a folder or a file).
    public var source: String?
    /// Part 5 名词解释: terms and their explanations, in print order.
    public var glossary: [GlossaryEntry] = []
    /// Part 4 重点工作完成情况: the year's key tasks, as the unit wrote them.
    public var keyWork: [KeyTask] = []
    /// The printed layout of the nine tables (版式, a `TableLayout` id); nil for the MoF standard.
    public var layout: String?

    /// The layout the tables are printed in.
    public var tableLayout: TableLayout { TableLayout.named(layout) ?? .standard }

    public init(unit: String, shortName: String? = nil, year: Int, overview: Overview = Overview(),
                tables: [TableID: Table] = [:], figures: NarrativeFigures = NarrativeFigures(),
                performance: PerformanceForms = PerformanceForms(), source: String? = nil) {
        self.unit = unit
        self.shortName = shortName
        self.year = year
        self.overview = overview
        self.tables = tables
        self.figures = figures
        self.performance = performance
        self.source = source
    }

    /// The table `id`, if present.
    public subscript(_ id: TableID) -> Table? { tables[id] }
}

/// A key task of the year (重点工作): its name, content and goal, and how it was done.
public struct KeyTask: Hashable, Sendable, Codable {
    /// 重要事项.
    public var name: String
    /// 工作内容及目标.
    public var content: String
    /// 完成情况.
    public var result: String

    public init(name: String, content: String, result: String) {
        self.name = name
        self.content = content
        self.result = result
    }
}

/// A term of the glossary (名词解释) and its explanation.
public struct GlossaryEntry: Hashable, Sendable, Codable {
    /// The term ("一般公共预算财政拨款收入").
    public var term: String
    /// What it means.
    public var definition: String
    /// Where it was read from.
    public var source: SourceLocation?

    public init(term: String, definition: String, source: SourceLocation? = nil) {
        self.term = term
        self.definition = definition
        self.source = source
    }
}

/// Part 1 概况: functions, composition of the reporting entity, staffing.
public struct Overview: Hashable, Sendable, Codable {
    /// 部门主要职能, one entry per numbered function.
    public var functions: [String]
    /// 部门决算单位构成, as a sentence or paragraph.
    public var composition: String
    /// 部门人员构成, counts as printed, in print order ("编制" 33, "行政编制" 33, …).
    public var staffing: [Headcount]
    /// The month the in-service headcount refers to (2021 年 12 月).
    public var staffingDate: String?

    public init(functions: [String] = [], composition: String = "", staffing: [Headcount] = [], staffingDate: String? = nil) {
        self.functions = functions
        self.composition = composition
        self.staffing = staffing
        self.staffingDate = staffingDate
    }

    /// The count named `label`, if stated.
    public func count(_ label: String) -> Int? { staffing.first { $0.label == label }?.count }
}

/// A named headcount: 编制 33 人.
public struct Headcount: Hashable, Sendable, Codable {
    /// "编制", "行政编制", "在职人员", "行政人员", "离退休人员".
    public var label: String
    /// Number of persons.
    public var count: Int

    public init(label: String, count: Int) {
        self.label = label
        self.count = count
    }
}

/// A named amount with where it was read from.
public struct NamedAmount: Hashable, Sendable, Codable {
    /// What the amount is ("燃料费", "201").
    public var name: String
    /// The amount.
    public var amount: Money
    /// Where it was read from.
    public var source: SourceLocation?

    public init(name: String, amount: Money, source: SourceLocation? = nil) {
        self.name = name
        self.amount = amount
        self.source = source
    }
}

/// A project of Part 3's list of project spending (项目支出主要用于).
public struct ProjectSpending: Hashable, Sendable, Codable {
    /// Project name.
    public var name: String
    /// Amount spent (万元).
    public var amount: Money
    /// 用于… (purpose).
    public var purpose: String
    /// 主要成效 (results), may be empty.
    public var results: String
    /// Where it was read from.
    public var source: SourceLocation?

    public init(name: String, amount: Money, purpose: String = "", results: String = "", source: SourceLocation? = nil) {
        self.name = name
        self.amount = amount
        self.purpose = purpose
        self.results = results
        self.source = source
    }
}

/// Figures that Part 3 (情况说明) states and the tables do not hold.
public struct NarrativeFigures: Hashable, Sendable, Codable {
    /// Last year's amounts (上年数) by key: "收支总计", "财政拨款收支总计", "财政拨款支出", "三公经费",
    /// "因公出国（境）费", "公务用车购置及运行费", "公务接待费", "机关运行经费".
    public var priorYear: [String: NamedAmount]
    /// Initial budget (年初预算) of 一般公共预算财政拨款 expenditure: "合计" and by 类 code.
    public var initialBudget: [String: NamedAmount]
    /// Reasons (主要原因是…) by key, as the unit wrote them.
    public var reasons: [String: String]
    /// 公务用车运行费 details: 燃料费, 维修费, 保险费 …
    public var vehicleRunningDetails: [NamedAmount]
    /// Counts around "三公": 公务用车保有量, 购置车辆数, 接待批次, 接待人次, 陪同人次, 出国团组 …
    public var officialCounts: [String: Int]
    /// 机关运行经费 as stated (normally equal to 表6 公用经费合计).
    public var operatingCosts: NamedAmount?
    /// 政府采购: "总额", "货物", "工程", "服务", "中小企业", "小微企业", "货物中小企业", "服务中小企业".
    public var procurement: [String: NamedAmount]
    /// 国有资产占用: counts of vehicles and large equipment by label.
    public var assets: [Headcount]
    /// 项目支出主要用于: the project list.
    public var projects: [ProjectSpending]
    /// Other statements as free text by key (三公 unit scope, 政府采购 notes …).
    public var texts: [String: String]

    public init(priorYear: [String: NamedAmount] = [:], initialBudget: [String: NamedAmount] = [:],
                reasons: [String: String] = [:], vehicleRunningDetails: [NamedAmount] = [],
                officialCounts: [String: Int] = [:], operatingCosts: NamedAmount? = nil,
                procurement: [String: NamedAmount] = [:], assets: [Headcount] = [],
                projects: [ProjectSpending] = [], texts: [String: String] = [:]) {
        self.priorYear = priorYear
        self.initialBudget = initialBudget
        self.reasons = reasons
        self.vehicleRunningDetails = vehicleRunningDetails
        self.officialCounts = officialCounts
        self.operatingCosts = operatingCosts
        self.procurement = procurement
        self.assets = assets
        self.projects = projects
        self.texts = texts
    }
}
