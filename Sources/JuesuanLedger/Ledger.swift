import JuesuanCore

/// Where money comes from (资金来源). The first three are 财政拨款.
public enum FundSource: String, Sendable, CaseIterable, Hashable {
    /// 一般公共预算财政拨款.
    case generalBudget = "一般公共预算"
    /// 政府性基金预算财政拨款.
    case governmentFund = "政府性基金"
    /// 国有资本经营预算财政拨款.
    case stateCapital = "国有资本经营"
    /// 上级补助收入.
    case superior = "上级补助"
    /// 事业收入.
    case institutional = "事业"
    /// 经营收入.
    case business = "经营"
    /// 附属单位上缴收入.
    case affiliated = "附属单位上缴"
    /// 其他收入.
    case other = "其他"

    /// 财政拨款: the three budgets.
    public var isFiscal: Bool { self == .generalBudget || self == .governmentFund || self == .stateCapital }

    /// 表1 income line (1 … 8).
    public var incomeLine: Int { FundSource.allCases.firstIndex(of: self)! + 1 }

    /// 表2 column: 财政拨款 2, 上级补助 3, 事业 4, 经营 5, 附属单位上缴 6, 其他 7.
    public var incomeColumn: Int { isFiscal ? 2 : incomeLine - 1 }

    /// 表4 expenditure column for the three fiscal sources (3, 4, 5).
    public var fiscalColumn: Int? { isFiscal ? incomeLine + 2 : nil }
}

/// What an expenditure is (支出性质): the columns of 表3.
public enum Nature: String, Sendable, CaseIterable, Hashable {
    /// 人员经费 (基本支出).
    case personnel = "人员经费"
    /// 公用经费 (基本支出).
    case publicUse = "公用经费"
    /// 项目支出.
    case project = "项目支出"
    /// 上缴上级支出.
    case remittance = "上缴上级"
    /// 经营支出.
    case business = "经营支出"
    /// 对附属单位补助支出.
    case subsidy = "对附属单位补助"

    /// 基本支出 = 人员经费 + 公用经费.
    public var isBasic: Bool { self == .personnel || self == .publicUse }

    /// 表3 column: 基本 2, 项目 3, 上缴上级 4, 经营 5, 对附属单位补助 6.
    public var expenditureColumn: Int {
        switch self {
        case .personnel, .publicUse: 2
        case .project: 3
        case .remittance: 4
        case .business: 5
        case .subsidy: 6
        }
    }
}

/// The "三公" categories of 表7.
public enum ThreeCosts: String, Sendable, CaseIterable, Hashable {
    /// 因公出国（境）费.
    case travelAbroad = "因公出国（境）费"
    /// 公务用车购置费.
    case vehiclePurchase = "公务用车购置费"
    /// 公务用车运行费.
    case vehicleRunning = "公务用车运行费"
    /// 公务接待费.
    case reception = "公务接待费"

    /// 表7 budget column (2, 4, 5, 6); the actual column is 6 more.
    public var budgetColumn: Int {
        switch self {
        case .travelAbroad: 2
        case .vehiclePurchase: 4
        case .vehicleRunning: 5
        case .reception: 6
        }
    }
}

/// Where a ledger row was read from.
public typealias LedgerLine = SourceLocation

/// A posting (记账明细) of income or expenditure, in 元 exactly (held as 分).
public struct Posting: Hashable, Sendable {
    /// 收入 or 支出.
    public enum Kind: String, Sendable, Hashable {
        /// 收入.
        case income = "收入"
        /// 支出.
        case expenditure = "支出"
    }

    /// 收入 or 支出.
    public var kind: Kind
    /// The 项 (7-digit function code).
    public var function: FunctionCode
    /// 款 (5-digit economic code); required for 一般公共预算 基本支出.
    public var economic: EconomicCode?
    /// 资金来源.
    public var source: FundSource
    /// Expenditure only.
    public var nature: Nature?
    /// Project name (项目支出).
    public var project: String?
    /// "三公" category, with the detail of 公务用车运行费 (燃料费 …) when given.
    public var threeCosts: ThreeCosts?
    /// 公务用车运行费的明细（燃料费、维修费 …）.
    public var threeCostsDetail: String?
    /// 金额 (entered in 元).
    public var amount: Money
    /// Where the posting was read from.
    public var line: LedgerLine?

    /// A posting; `line` is where it was read from.
    public init(kind: Kind, function: FunctionCode, economic: EconomicCode? = nil, source: FundSource, nature: Nature? = nil,
                project: String? = nil, threeCosts: ThreeCosts? = nil, threeCostsDetail: String? = nil, amount: Money,
                line: LedgerLine? = nil) {
        self.kind = kind
        self.function = function
        self.economic = economic
        self.source = source
        self.nature = nature
        self.project = project
        self.threeCosts = threeCosts
        self.threeCostsDetail = threeCostsDetail
        self.amount = amount
        self.line = line
    }
}

/// A carried-over balance (年初 / 年末结转和结余) of one fund source, optionally of one 项.
public struct Balance: Hashable, Sendable {
    /// 资金来源.
    public var source: FundSource
    /// The 项, when the balance is kept by 项 (required for 政府性基金, as 表8 prints it by 项).
    public var function: FunctionCode?
    /// 金额.
    public var amount: Money
    /// Where the balance was read from.
    public var line: LedgerLine?

    /// A balance of `source`, optionally of one 项.
    public init(source: FundSource, function: FunctionCode? = nil, amount: Money, line: LedgerLine? = nil) {
        self.source = source
        self.function = function
        self.amount = amount
        self.line = line
    }
}

/// One unit's ledger for one year: postings, balances, the "三公" budget and the initial budget.
public struct Ledger: Hashable, Sendable {
    /// 单位名称.
    public var unit: String
    /// 决算年度.
    public var year: Int
    /// 收入与支出明细, in the order read.
    public var postings: [Posting]
    /// 年初结转和结余.
    public var opening: [Balance]
    /// Closing balances as the unit states them; when absent they are derived.
    public var closing: [Balance]
    /// "三公" 年初预算 by category.
    public var threeCostsBudget: [ThreeCosts: Money]
    /// 一般公共预算财政拨款支出年初预算 by 类 (3-digit code), in order of first appearance.
    public var initialBudget: [(FunctionCode, Money)] { initialBudgetEntries }
    var initialBudgetEntries: [(FunctionCode, Money)]
    /// Where the ledger was read from.
    public var file: String?

    /// A ledger of `unit` for `year`.
    public init(unit: String, year: Int, postings: [Posting] = [], opening: [Balance] = [], closing: [Balance] = [],
                threeCostsBudget: [ThreeCosts: Money] = [:], initialBudget: [(FunctionCode, Money)] = [], file: String? = nil) {
        self.unit = unit
        self.year = year
        self.postings = postings
        self.opening = opening
        self.closing = closing
        self.threeCostsBudget = threeCostsBudget
        self.initialBudgetEntries = initialBudget
        self.file = file
    }

    /// Adds `amount` to the initial budget of class `code`; false when the sum leaves Int64 分.
    @discardableResult
    public mutating func addInitialBudget(_ code: FunctionCode, _ amount: Money) -> Bool {
        if let index = initialBudgetEntries.firstIndex(where: { $0.0 == code }) {
            guard let sum = initialBudgetEntries[index].1.adding(amount) else { return false }
            initialBudgetEntries[index].1 = sum
        } else {
            initialBudgetEntries.append((code, amount))
        }
        return true
    }

    /// Same unit, year, postings, balances and budgets.
    public static func == (lhs: Ledger, rhs: Ledger) -> Bool {
        lhs.unit == rhs.unit && lhs.year == rhs.year && lhs.postings == rhs.postings && lhs.opening == rhs.opening
            && lhs.closing == rhs.closing && lhs.threeCostsBudget == rhs.threeCostsBudget
            && lhs.initialBudgetEntries.map(\.0) == rhs.initialBudgetEntries.map(\.0)
            && lhs.initialBudgetEntries.map(\.1) == rhs.initialBudgetEntries.map(\.1)
    }

    /// Hashes the unit, the year and the postings.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(unit)
        hasher.combine(year)
        hasher.combine(postings)
    }
}
