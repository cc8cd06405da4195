import Foundation
import JuesuanCore

/// The three qualitative tiers of the printed 备注.
public enum Tier: String, Sendable, Codable {
    /// 达成预期指标 (80–100 % of the weight).
    case achieved = "达成"
    /// 部分达成预期指标 (50–80 %).
    case partial = "部分达成"
    /// 未达成预期指标 (0–50 %).
    case missed = "未达成"
}

/// One indicator row with its weight and the score the rules give.
public struct ScoredIndicator: Hashable, Sendable, Codable {
    /// The row as stated.
    public var row: IndicatorRow
    /// 正向, 反向, 区间, 定量, 定性, 成本控制.
    public var method: String
    /// The weight used (stated, or inferred from the printed scores).
    public var weight: Decimal
    /// Whether the weight was inferred.
    public var weightInferred: Bool
    /// Share of the weight earned, 0…1.
    public var fraction: Decimal
    /// weight × fraction, exact.
    public var computed: Decimal
    /// The actual used when it is not the one written (成本控制: the computed execution rate, "98.23%").
    public var computedActual: String?
    /// How the score was reached, in Chinese.
    public var explanation: String
    /// A value that could not be read or judged, in Chinese.
    public var problem: String?
}

/// A block of indicators with one weight: a project form's indicator table, or a department goal.
public struct ScoredBlock: Hashable, Sendable, Codable {
    /// "项目年度绩效指标" or "年度目标1".
    public var title: String
    /// Block weight (60, 10).
    public var weight: Decimal
    /// Sum of the printed scores of the rows.
    public var statedSum: Decimal?
    /// Sum of the computed scores.
    public var computed: Decimal
    /// Indicators.
    public var indicators: [ScoredIndicator]
    /// How the weights were found.
    public var weighting: Weighting
}

/// How the weights of a block were found.
public enum Weighting: String, Hashable, Sendable, Codable {
    /// Stated on the form.
    case stated
    /// Read off the printed scores, which add up to the block weight.
    case printedScores
    /// Read off the printed scores, the shortfall given to the rows scored below full.
    case shortfallToRows
    /// The printed scores do not add up to the block weight; scaled to it.
    case scaled
}

/// A self-evaluation form scored by the rules, side by side with what it states.
public struct ScoredForm: Hashable, Sendable, Codable {
    /// department or project.
    public enum Kind: String, Sendable, Codable { case department, project }

    public var kind: Kind
    public var name: String
    /// Budget A and execution B as stated.
    public var execution: BudgetExecution
    /// B/A, exact.
    public var executionRate: Decimal
    /// B/A printed at the scheme's precision ("98.23%").
    public var executionRateText: String
    /// Weight × min(1, B/A).
    public var executionScore: Decimal
    /// 项目绩效总目标 score (taken as stated when it is within the weight: the rules do not judge prose).
    public var goalScore: Decimal?
    /// Indicator blocks.
    public var blocks: [ScoredBlock]
    /// The computed total, rounded at the scheme's precision.
    public var computed: Decimal
    /// 自评得分 as stated.
    public var stated: Decimal?
    /// Sum of the stated parts (execution + goal + indicators).
    public var statedPartsSum: Decimal?
    /// Grade of the computed total.
    public var grade: String
    /// Department only: project scores weighted by their budgets (以资金额度为权重).
    public var fundWeightedProjects: Decimal?
    /// Department only: for each annual goal, the index of its project form (see `Scorer.links`).
    public var goalProjects: [Int?] = []
    /// Remarks on the whole form (weights inferred …), Chinese.
    public var notes: [String]
    /// Where the form was read from.
    public var source: String?
    /// The line of a published report where the form's total is printed (audit only).
    public var line: Int?
}

/// Scores self-evaluation forms by the rules printed in their 备注.
public struct Scorer: Sendable {
    public var scheme: ScoringScheme

    public init(scheme: ScoringScheme) { self.scheme = scheme }

    /// Every form of `forms`, department first.
    public func score(_ forms: PerformanceForms) -> [ScoredForm] {
        let projects = forms.projects.map(score)
        guard let department = forms.department else { return projects }
        let links = Self.links(goals: department.goals, projects: forms.projects)
        var scored = score(department, goalRates: links.map { $0.map { projects[$0].executionRate } })
        scored.goalProjects = links
        for (goal, link) in zip(department.goals, links) {
            if let link { scored.notes.append("\(goal.title)对应项目“\(forms.projects[link].name)”，其成本控制指标按该项目的执行率 \(projects[link].executionRateText) 计") }
        }
        let funds = projects.reduce(Decimal(0)) { $0 + Decimal($1.execution.budget.fen) }
        if funds > 0 {
            let weighted = projects.reduce(Decimal(0)) { $0 + $1.computed * Decimal($1.execution.budget.fen) }
            scored.fundWeightedProjects = roundHalfUp(weighted / funds, scheme.scoreDecimals)
        }
        return [scored] + projects
    }

    /// A project form.
    public func score(_ form: ProjectForm) -> ScoredForm {
        let (rate, rateText, executionScore) = execution(form.execution, weight: form.execution.weight ?? scheme.executionWeight)
        var notes: [String] = []
        let goalWeight = form.goalWeight ?? scheme.goalWeight
        let goalScore: Decimal?
        if let stated = form.goalStatedScore {
            goalScore = min(stated, goalWeight)
            if stated > goalWeight { notes.append("总目标所印得分 \(stated.compact()) 超过分值 \(goalWeight.compact())，按分值计") }
        } else if goalWeight > 0 {
            goalScore = nil
            notes.append("总目标未印得分，按 0 计")
        } else {
            goalScore = nil
        }
        let block = scoreBlock(title: "项目年度绩效指标", weight: form.indicatorsWeight ?? scheme.indicatorsWeight, rows: form.indicators,
                               executionRate: rate, notes: &notes)
        let exact = executionScore + (goalScore ?? 0) + block.computed
        var statedParts: Decimal?
        if let executionStated = form.execution.statedScore, let sum = block.statedSum, goalWeight == 0 || form.goalStatedScore != nil {
            statedParts = executionStated + (form.goalStatedScore ?? 0) + sum
        }
        let total = roundHalfUp(exact, scheme.scoreDecimals)
        return ScoredForm(kind: .project, name: form.name, execution: form.execution, executionRate: rate,
                          executionRateText: rateText, executionScore: executionScore, goalScore: goalScore, blocks: [block],
                          computed: total, stated: form.statedTotal, statedPartsSum: statedParts, grade: scheme.grade(total),
                          fundWeightedProjects: nil, notes: notes, source: form.source, line: form.line)
    }

    /// The department form: execution plus its annual goals. `goalRates` gives, per goal, the execution
    /// rate of the project the goal reports on (for its cost-control indicator); nil uses the department's.
    public func score(_ form: DepartmentForm, goalRates: [Decimal?] = []) -> ScoredForm {
        let (rate, rateText, executionScore) = execution(form.execution, weight: form.execution.weight ?? scheme.executionWeight)
        var notes: [String] = []
        var blocks: [ScoredBlock] = []
        for (index, goal) in form.goals.enumerated() {
            let goalRate = index < goalRates.count ? goalRates[index] ?? rate : rate
            blocks.append(scoreBlock(title: goal.title, weight: goal.weight, rows: goal.indicators, executionRate: goalRate, notes: &notes))
        }
        let exact = executionScore + blocks.reduce(Decimal(0)) { $0 + $1.computed }
        var statedParts: Decimal?
        if let executionStated = form.execution.statedScore, blocks.allSatisfy({ $0.statedSum != nil }) {
            statedParts = blocks.reduce(executionStated) { $0 + $1.statedSum! }
        }
        let total = roundHalfUp(exact, scheme.scoreDecimals)
        return ScoredForm(kind: .department, name: form.unitName, execution: form.execution, executionRate: rate,
                          executionRateText: rateText, executionScore: executionScore, goalScore: nil, blocks: blocks,
                          computed: total, stated: form.statedTotal, statedPartsSum: statedParts, grade: scheme.grade(total),
                          fundWeightedProjects: nil, notes: notes, source: form.source, line: form.line)
    }

    /// The project a department goal reports on: the one sharing most indicator names (at least half).
    public static func project(for goal: AnnualGoal, in projects: [ProjectForm]) -> Int? {
        links(goals: [goal], projects: projects)[0]
    }

    /// The project of each goal (see `project(for:in:)`), the projects' indicator names normalised once.
    public static func links(goals: [AnnualGoal], projects: [ProjectForm]) -> [Int?] {
        func key(_ name: String) -> String {
            var text = IndicatorValue.normalise(name)
            if let colon = text.firstIndex(where: { $0 == "：" || $0 == ":" }) { text = String(text[text.index(after: colon)...]) }
            return text.filter { $0 != "：" && $0 != ":" }
        }
        let projectKeys = projects.map { Set($0.indicators.map { key($0.name) }) }
        return goals.map { goal in
            let names = Set(goal.indicators.map { key($0.name) })
            guard !names.isEmpty else { return nil }
            let scored = projectKeys.indices.map { index in (index, projectKeys[index].intersection(names).count) }
            guard let best = scored.max(by: { $0.1 < $1.1 }), best.1 * 2 >= names.count else { return nil }
            return best.0
        }
    }

    // MARK: Execution

    func execution(_ block: BudgetExecution, weight: Decimal) -> (Decimal, String, Decimal) {
        guard block.budget.fen > 0 else { return (0, "—", 0) }
        let rate = Decimal(block.executed.fen) / Decimal(block.budget.fen)
        let text = (rate * 100).printed(scheme.rateDecimals) + "%"
        return (rate, text, weight * min(1, rate))
    }

    // MARK: Indicators

    func scoreBlock(title: String, weight: Decimal, rows: [IndicatorRow], executionRate: Decimal,
                    notes: inout [String]) -> ScoredBlock {
        var scored = rows.map { scoreRow($0, executionRate: executionRate) }
        let (weights, weighting) = inferWeights(rows: rows, fractions: scored.map(\.fraction), blockWeight: weight, title: title, notes: &notes)
        for index in scored.indices {
            scored[index].weight = weights[index].0
            scored[index].weightInferred = weights[index].1
            scored[index].computed = min(weights[index].0, weights[index].0 * scored[index].fraction)
        }
        let stated = rows.allSatisfy { $0.statedScore != nil } ? rows.reduce(Decimal(0)) { $0 + $1.statedScore! } : nil
        return ScoredBlock(title: title, weight: weight, statedSum: stated,
                           computed: scored.reduce(Decimal(0)) { $0 + $1.computed }, indicators: scored, weighting: weighting)
    }

    /// Weights of the rows: as stated; else read off the printed scores and made to add up to the block weight.
    func inferWeights(rows: [IndicatorRow], fractions: [Decimal], blockWeight: Decimal, title: String,
                      notes: inout [String]) -> ([(Decimal, Bool)], Weighting) {
        if rows.allSatisfy({ $0.weight != nil }) { return (rows.map { ($0.weight!, false) }, .stated) }
        guard !rows.isEmpty else { return ([], .stated) }
        var weighting = Weighting.printedScores
        var weights = rows.map { $0.weight ?? $0.statedScore }
        let known = weights.compactMap { $0 }.reduce(Decimal(0), +)
        let blanks = weights.filter { $0 == nil }.count
        if blanks > 0 {
            let share = max(0, blockWeight - known) / Decimal(blanks)
            weights = weights.map { $0 ?? share }
        }
        var result = weights.map { $0! }
        let sum = result.reduce(Decimal(0), +)
        if sum < blockWeight {
            // The shortfall belongs to rows scored below full: those the rules score below full, else
            // those whose printed score is not a whole point.
            weighting = .shortfallToRows
            var short = rows.indices.filter { fractions[$0] < 1 && rows[$0].weight == nil }
            if short.isEmpty { short = rows.indices.filter { rows[$0].weight == nil && roundHalfUp(result[$0], 0) != result[$0] } }
            if short.isEmpty {
                weighting = .scaled
                short = rows.indices.filter { rows[$0].weight == nil }
                notes.append("\(title)各指标所印得分合计 \(sum.compact()) 分，少于分值 \(blockWeight.compact()) 分，且按规则均已完成，按比例折算分值")
            }
            let base = short.reduce(Decimal(0)) { $0 + result[$1] }
            for index in short {
                result[index] += base > 0 ? (blockWeight - sum) * result[index] / base : (blockWeight - sum) / Decimal(short.count)
            }
        } else if sum > blockWeight, sum > 0 {
            weighting = .scaled
            notes.append("\(title)各指标所印得分合计 \(sum.compact()) 分，超过分值 \(blockWeight.compact()) 分，按比例折算分值")
            result = result.map { $0 * blockWeight / sum }
        }
        return (result.map { ($0, true) }, weighting)
    }

    func scoreRow(_ row: IndicatorRow, executionRate: Decimal) -> ScoredIndicator {
        var indicator = ScoredIndicator(row: row, method: "", weight: 0, weightInferred: false, fraction: 0, computed: 0,
                                        computedActual: nil, explanation: "", problem: nil)
        guard let target = IndicatorValue.target(row.target) else {
            indicator.method = "—"
            indicator.problem = "年初目标值为空，无法计分"
            indicator.explanation = "无目标值，计 0 分"
            return indicator
        }
        let isCost = row.level2.contains("成本") && scheme.costControlNames.contains { row.name.contains($0) }
        var actual = IndicatorValue.actual(row.actual)
        if isCost, case .quantity = quantityTarget(target), percentTarget(target) {
            let rateText = (executionRate * 100).printed(scheme.rateDecimals) + "%"
            indicator.computedActual = rateText
            if case .quantity(let stated) = actual, stated.value != roundHalfUp(executionRate, decimals(of: row.actual) + 2) {
                indicator.problem = "实际完成值写作“\(row.actual)”，而按预算执行情况计算的执行率为 \(rateText)"
            }
            actual = .quantity(Quantity(value: executionRate, unit: "%"))
            indicator.method = "成本控制"
        }
        switch (target, actual) {
        case (_, .blank):
            indicator.method = indicator.method.isEmpty ? "—" : indicator.method
            indicator.problem = "实际完成值为空，无法判断是否完成"
            indicator.explanation = "实际完成值为空，按未完成计 0 分"
        case (.qualitative(let goal), .qualitative(let done)):
            indicator.method = "定性"
            score(tier: Self.tier(target: goal, actual: done), into: &indicator)
        case (.qualitative(let goal), .quantity):
            indicator.method = "定性"
            indicator.problem = "目标“\(goal)”是定性的，实际完成值却是数字“\(row.actual)”"
            score(tier: .partial, into: &indicator)
        case (_, .qualitative(let done)):
            indicator.method = "定量"
            let tier = Self.tier(target: "", actual: done)
            if tier == .achieved {
                indicator.explanation = "目标为数量，实际写作“\(done)”，按达成计"
                indicator.fraction = scheme.achievedShare
            } else {
                indicator.problem = "目标为数量，实际完成值“\(done)”不是数字，无法计算完成比例"
                score(tier: tier, into: &indicator)
            }
        case (.atLeast(let goal), .quantity(let done)), (.exactly(let goal), .quantity(let done)):
            if row.level2.contains("成本"), case .exactly = target, !percentTarget(target) {
                indicator.method = indicator.method.isEmpty ? "反向" : indicator.method
                indicator.fraction = done.value <= goal.value ? 1 : (done.value > 0 ? goal.value / done.value : 0)
                indicator.explanation = "成本类指标按反向计：得分＝分值×A/B，不超过分值"
            } else {
                indicator.method = indicator.method.isEmpty ? "正向" : indicator.method
                indicator.fraction = goal.value > 0 ? min(1, done.value / goal.value) : 1
                indicator.explanation = "正向指标：得分＝分值×B/A，不超过分值"
            }
        case (.atMost(let goal), .quantity(let done)):
            indicator.method = indicator.method.isEmpty ? "反向" : indicator.method
            indicator.fraction = done.value <= goal.value ? 1 : (done.value > 0 ? goal.value / done.value : 0)
            indicator.explanation = "反向指标：得分＝分值×A/B，不超过分值"
        case (.range(let low, let high), .quantity(let done)):
            indicator.method = indicator.method.isEmpty ? "区间" : indicator.method
            if done.value < low.value {
                indicator.fraction = low.value > 0 ? done.value / low.value : 0
                indicator.explanation = "低于目标区间下限：得分＝分值×B/下限"
            } else if done.value > high.value {
                indicator.fraction = high.value / done.value
                indicator.explanation = "高于目标区间上限：得分＝分值×上限/B"
            } else {
                indicator.fraction = 1
                indicator.explanation = "在目标区间内，得满分"
            }
        }
        indicator.fraction = max(0, min(1, indicator.fraction))
        return indicator
    }

    func score(tier: Tier?, into indicator: inout ScoredIndicator) {
        guard let tier else {
            indicator.problem = indicator.problem ?? "无法判断实际完成值“\(indicator.row.actual)”是否达成目标“\(indicator.row.target)”"
            indicator.fraction = 0
            indicator.explanation = "无法判断，计 0 分"
            return
        }
        switch tier {
        case .achieved: indicator.fraction = scheme.achievedShare
        case .partial: indicator.fraction = scheme.partialShare
        case .missed: indicator.fraction = scheme.missedShare
        }
        indicator.explanation = "定性指标：\(tier.rawValue)，按分值的 \((indicator.fraction * 100).compact(0))% 计"
    }

    func quantityTarget(_ target: Target) -> Actual {
        switch target {
        case .atLeast(let quantity), .atMost(let quantity), .exactly(let quantity), .range(_, let quantity): .quantity(quantity)
        case .qualitative(let text): .qualitative(text)
        }
    }

    func percentTarget(_ target: Target) -> Bool {
        switch target {
        case .atLeast(let quantity), .atMost(let quantity), .exactly(let quantity): quantity.unit == "%"
        case .range(let low, let high): low.unit == "%" && high.unit == "%"
        case .qualitative: false
        }
    }

    func decimals(of text: String) -> Int {
        guard let point = text.firstIndex(of: ".") else { return 0 }
        return text[text.index(after: point)...].prefix { $0.isASCII && $0.isNumber }.count
    }

    static let missedWords = ["未完成", "未达成", "未达到", "未实现", "没有", "未按时", "未能", "滞后", "延迟", "不合格", "未"]
    static let partialWords = ["部分", "基本完成", "基本达成", "基本实现", "基本"]
    static let achievedWords = ["完成", "达成", "达到", "实现", "按时", "及时", "提升", "提高", "改善", "下降", "减少", "稳定", "保障",
                                "促进", "全面", "可持续", "有效", "满意", "合格", "良好", "显著", "是", "已"]

    /// The tier a qualitative actual reaches against its target; nil when it cannot be judged.
    public static func tier(target: String, actual: String) -> Tier? {
        let done = IndicatorValue.normalise(actual)
        let goal = IndicatorValue.normalise(target)
        let has = IndicatorValue.contains
        if missedWords.contains(where: { has(done, $0) }) { return .missed }
        if partialWords.contains(where: { has(done, $0) }) { return .partial }
        if !goal.isEmpty && (done == goal || has(goal, done) || has(done, goal)) { return .achieved }
        if achievedWords.contains(where: { has(done, $0) }) { return .achieved }
        return nil
    }
}
