import Foundation
import JuesuanCore
import JuesuanPerformance

/// The group's self-evaluation, aggregated by funds (以资金额度为权重): each unit's 整体 form,
/// scored by the rules, weighs by its budget (预算数).
public struct PerformanceAggregate: Hashable, Sendable {
    /// Units with a scored 整体 form.
    public var forms: Int
    /// Their budgets together.
    public var funds: Money
    /// Their executed amounts together.
    public var executed: Money
    /// Σ score × budget / Σ budget, half-up at the scheme's score decimals; nil when no funds.
    public var weightedScore: Decimal?
    /// Σ score × budget (budget in 分), to combine aggregates exactly.
    public var scoreFunds: Decimal = 0

    /// An aggregate of `forms` forms.
    public init(forms: Int, funds: Money, executed: Money, weightedScore: Decimal?, scoreFunds: Decimal = 0) {
        self.forms = forms
        self.funds = funds
        self.executed = executed
        self.weightedScore = weightedScore
        self.scoreFunds = scoreFunds
    }

    /// Several aggregates as one (units read from datasets and from cells files).
    public static func combined(_ parts: [PerformanceAggregate], decimals: Int) -> PerformanceAggregate {
        var result = PerformanceAggregate(forms: 0, funds: .zero, executed: .zero, weightedScore: nil)
        for part in parts {
            result.forms += part.forms
            result.funds = result.funds.adding(part.funds) ?? result.funds
            result.executed = result.executed.adding(part.executed) ?? result.executed
            result.scoreFunds += part.scoreFunds
        }
        if result.funds > .zero { result.weightedScore = roundHalfUp(result.scoreFunds / Decimal(result.funds.fen), decimals) }
        return result
    }

    /// Aggregates the units' 整体 forms, each scored with its own scheme (绩效方案) or else `scheme`;
    /// units without one are left out.
    public static func of(_ units: [Disclosure], scheme: ScoringScheme) -> PerformanceAggregate {
        var result = PerformanceAggregate(forms: 0, funds: .zero, executed: .zero, weightedScore: nil)
        var weighted = Decimal(0)
        for unit in units {
            let own = unit.performance.schemeID == nil ? scheme : (try? ScoringScheme.chosen(by: unit.performance)) ?? scheme
            guard unit.performance.department != nil,
                  let department = Scorer(scheme: own).score(unit.performance).first(where: { $0.kind == .department }) else { continue }
            result.forms += 1
            guard let funds = result.funds.adding(department.execution.budget),
                  let executed = result.executed.adding(department.execution.executed) else { return result }
            result.funds = funds
            result.executed = executed
            weighted += department.computed * Decimal(department.execution.budget.fen)
        }
        result.scoreFunds = weighted
        if result.funds > .zero {
            result.weightedScore = roundHalfUp(weighted / Decimal(result.funds.fen), scheme.scoreDecimals)
        }
        return result
    }
}
