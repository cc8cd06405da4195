import Foundation
import JuesuanCore
import JuesuanPerformance

/// Writes scored self-evaluation forms as text (stated and computed side by side) or as
/// `juesuan.scores/1` JSON.
public enum ScoresReport {
    static func score(_ value: Decimal?, _ scheme: ScoringScheme) -> String { value.map { $0.compact(scheme.scoreDecimals) } ?? "—" }

    /// The JSON document `juesuan.scores/1`, from `ScoresDocument`.
    public static func json(_ forms: [ScoredForm], scheme: ScoringScheme, unit: String, year: Int) -> String {
        ScoresDocument(forms, scheme: scheme, unit: unit, year: year).json()
    }

    /// The text report: each form with its stated and computed scores side by side.
    public static func text(_ forms: [ScoredForm], scheme: ScoringScheme, unit: String, year: Int) -> String {
        var out = "\(unit) \(year) 年度绩效自评计分（方案：\(scheme.name)）\n"
        for form in forms {
            let title = form.kind == .department ? "部门（单位）整体绩效自评表" : "项目支出绩效自评表"
            let differs = form.stated.map { roundHalfUp($0, scheme.scoreDecimals) != form.computed } ?? true
            out += "\n【\(title)】\(form.name)\n"
            out += "  总分：所印 \(score(form.stated, scheme))　计算 \(score(form.computed, scheme))（\(form.grade)）"
            out += differs ? "　⚠ 不一致\n" : "\n"
            if let parts = form.statedPartsSum, let stated = form.stated, parts != stated {
                out += "  所印各部分得分之和为 \(parts.compact(scheme.scoreDecimals))，与所印总分 \(stated.compact(scheme.scoreDecimals)) 不符\n"
            }
            if let weighted = form.fundWeightedProjects {
                out += "  各项目得分按资金额度加权：\(weighted.compact(scheme.scoreDecimals))\n"
            }
            let execution = form.execution
            out += "  预算执行（\((execution.weight ?? scheme.executionWeight).compact()) 分）：预算数 \(execution.budget.formatted(unit: execution.unit)) \(execution.unit.rawValue)，"
            out += "执行数 \(execution.executed.formatted(unit: execution.unit)) \(execution.unit.rawValue)；"
            out += "执行率 所印 \(execution.statedRate ?? "—")　计算 \(form.executionRateText)；"
            out += "得分 所印 \(score(execution.statedScore, scheme))　计算 \(score(form.executionScore, scheme))\n"
            if let goal = form.goalScore {
                out += "  项目绩效总目标：所印 \(score(goal, scheme))　计算 \(score(goal, scheme))（文字目标按所印得分计）\n"
            }
            for block in form.blocks {
                out += "  \(block.title)（\(block.weight.compact()) 分）：所印合计 \(score(block.statedSum, scheme))　计算 \(score(block.computed, scheme))\n"
                for indicator in block.indicators {
                    let stated = score(indicator.row.statedScore, scheme)
                    let computed = indicator.computed.printed(scheme.scoreDecimals)
                    let mark = indicator.row.statedScore.map { roundHalfUp($0, scheme.scoreDecimals) != roundHalfUp(indicator.computed, scheme.scoreDecimals) } ?? true
                    out += "    \(mark ? "⚠" : "·") \(indicator.row.name)｜目标 \(indicator.row.target.isEmpty ? "—" : indicator.row.target)"
                    out += "｜实际 \(indicator.row.actual.isEmpty ? "（空）" : indicator.row.actual)"
                    if let actual = indicator.computedActual { out += "（执行率 \(actual)）" }
                    out += "｜\(indicator.method)｜分值 \(indicator.weight.compact())\(indicator.weightInferred ? "*" : "")｜所印 \(stated)｜计算 \(computed)\n"
                    if let problem = indicator.problem { out += "        问题：\(problem)\n" }
                }
            }
            for note in form.notes { out += "  注：\(note)\n" }
        }
        out += "\n（分值后的 * 表示所印表中未列分值，由所印得分推定。）\n"
        return out
    }
}
