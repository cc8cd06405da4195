import Foundation

/// Part 6: the department form and one form per project.
public struct PerformanceForms: Hashable, Sendable, Codable {
    /// 部门（单位）整体绩效自评表.
    public var department: DepartmentForm?
    /// 项目支出绩效自评表, in print order.
    public var projects: [ProjectForm]
    /// The scoring scheme the unit's forms follow (绩效方案), when named.
    public var schemeID: String?

    public init(department: DepartmentForm? = nil, projects: [ProjectForm] = [], schemeID: String? = nil) {
        self.department = department
        self.projects = projects
        self.schemeID = schemeID
    }
}

/// One indicator row (三级指标) of a self-evaluation form.
public struct IndicatorRow: Hashable, Sendable, Codable {
    /// 一级指标: 产出指标, 效益指标, 满意度指标.
    public var level1: String
    /// 二级指标: 数量指标, 质量指标, 时效指标, 成本指标, 经济效益指标 …
    public var level2: String
    /// 三级指标, e.g. "指标1：起草《2021年政府工作报告》".
    public var name: String
    /// 年初目标值 (A) as written: "≥3600次", "≤千分之四", "97%≤98%≤100%".
    public var target: String
    /// 实际完成值 (B) as written: "3800次", "千分之二", "完成".
    public var actual: String
    /// The weight (分值), when the form states it; the seed's forms print only the score.
    public var weight: Decimal?
    /// The score as stated (得分); nil when left blank.
    public var statedScore: Decimal?
    /// Where it was read from.
    public var source: SourceLocation?

    public init(level1: String, level2: String, name: String, target: String, actual: String,
                weight: Decimal? = nil, statedScore: Decimal?, source: SourceLocation? = nil) {
        self.level1 = level1
        self.level2 = level2
        self.name = name
        self.target = target
        self.actual = actual
        self.weight = weight
        self.statedScore = statedScore
        self.source = source
    }
}

/// An annual goal (年度目标) of the department form, with its weight and indicators.
public struct AnnualGoal: Hashable, Sendable, Codable {
    /// 年度目标1 …
    public var title: String
    /// The weight printed after the title ("（10分）").
    public var weight: Decimal
    /// The goal text.
    public var text: String
    /// Indicator rows.
    public var indicators: [IndicatorRow]

    public init(title: String, weight: Decimal, text: String, indicators: [IndicatorRow]) {
        self.title = title
        self.weight = weight
        self.text = text
        self.indicators = indicators
    }
}

/// Budget execution block (预算执行情况) of a form.
public struct BudgetExecution: Hashable, Sendable, Codable {
    /// The row label ("部门整体支出总额", "年度财政资金总额").
    public var label: String
    /// The unit the form prints A and B in.
    public var unit: MoneyUnit
    /// 预算数 (A).
    public var budget: Money
    /// 执行数 (B).
    public var executed: Money
    /// 执行率 as stated ("99.46%").
    public var statedRate: String?
    /// 得分 as stated.
    public var statedScore: Decimal?
    /// The weight of this block as printed (20 分); nil means the scoring scheme's.
    public var weight: Decimal?
    /// The line of a published report where the row is printed (audit only).
    public var line: Int?

    public init(label: String, unit: MoneyUnit, budget: Money, executed: Money, statedRate: String?,
                statedScore: Decimal?, weight: Decimal?) {
        self.label = label
        self.unit = unit
        self.budget = budget
        self.executed = executed
        self.statedRate = statedRate
        self.statedScore = statedScore
        self.weight = weight
    }
}

/// 部门（单位）整体绩效自评表.
public struct DepartmentForm: Hashable, Sendable, Codable {
    /// 单位名称.
    public var unitName: String
    /// 填报日期 as written.
    public var filledOn: String?
    /// 自评得分 as stated in the header.
    public var statedTotal: Decimal?
    /// 基本支出总额 as stated (万元).
    public var basicTotal: Money?
    /// 项目支出总额 as stated (万元).
    public var projectTotal: Money?
    /// 预算执行情况.
    public var execution: BudgetExecution
    /// 年度目标 with their indicators.
    public var goals: [AnnualGoal]
    /// Where the form was read from.
    public var source: String?
    /// The line of a published report where the form's 自评得分 (or its title) is printed (audit only).
    public var line: Int?

    public init(unitName: String, filledOn: String?, statedTotal: Decimal?, basicTotal: Money?, projectTotal: Money?,
                execution: BudgetExecution, goals: [AnnualGoal], source: String? = nil, line: Int? = nil) {
        self.line = line
        self.unitName = unitName
        self.filledOn = filledOn
        self.statedTotal = statedTotal
        self.basicTotal = basicTotal
        self.projectTotal = projectTotal
        self.execution = execution
        self.goals = goals
        self.source = source
    }
}

/// 项目支出绩效自评表.
public struct ProjectForm: Hashable, Sendable, Codable {
    /// 项目名称.
    public var name: String
    /// 主管部门.
    public var supervisor: String
    /// 项目实施单位.
    public var implementer: String
    /// 项目类别 ticked: "部门预算项目", "专项资金", "上级转移支付项目".
    public var category: String
    /// 项目类型 ticked: "经常性项目", "延续性项目", "一次性项目".
    public var kind: String
    /// 填报日期 as written.
    public var filledOn: String?
    /// 自评得分 as stated in the header.
    public var statedTotal: Decimal?
    /// 预算执行情况.
    public var execution: BudgetExecution
    /// 项目绩效总目标: planned text (年初设定目标).
    public var goalPlanned: String
    /// 全年实际完成情况.
    public var goalAchieved: String
    /// Weight of the overall goal as printed (20 分); nil means the scoring scheme's.
    public var goalWeight: Decimal?
    /// Score stated for the overall goal.
    public var goalStatedScore: Decimal?
    /// Weight of all indicators together as printed (60 分); nil means the scoring scheme's.
    public var indicatorsWeight: Decimal?
    /// Indicator rows.
    public var indicators: [IndicatorRow]
    /// 偏差大或目标未完成原因分析.
    public var deviation: String
    /// 改进措施及结果应用方案.
    public var improvement: String
    /// Where the form was read from.
    public var source: String?
    /// The line of a published report where the form's 自评得分 (or its title) is printed (audit only).
    public var line: Int?

    public init(name: String, supervisor: String, implementer: String, category: String, kind: String,
                filledOn: String?, statedTotal: Decimal?, execution: BudgetExecution, goalPlanned: String,
                goalAchieved: String, goalWeight: Decimal?, goalStatedScore: Decimal?, indicatorsWeight: Decimal?,
                indicators: [IndicatorRow], deviation: String, improvement: String, source: String? = nil, line: Int? = nil) {
        self.line = line
        self.name = name
        self.supervisor = supervisor
        self.implementer = implementer
        self.category = category
        self.kind = kind
        self.filledOn = filledOn
        self.statedTotal = statedTotal
        self.execution = execution
        self.goalPlanned = goalPlanned
        self.goalAchieved = goalAchieved
        self.goalWeight = goalWeight
        self.goalStatedScore = goalStatedScore
        self.indicatorsWeight = indicatorsWeight
        self.indicators = indicators
        self.deviation = deviation
        self.improvement = improvement
        self.source = source
    }
}
