import Foundation
import JuesuanCore
import JuesuanPerformance

/// Checks of the self-evaluation forms, through the scoring engine: stated totals against their parts
/// and against the rules, execution rates and scores, indicator points, cost-control actuals,
/// unreadable values, the same indicator scored differently in two forms, and project amounts in
/// the forms against Part 3's project list.
enum PerformanceChecks {
    /// The kinds of performance rule, as written in the catalogue (`kind:`).
    static let kinds = ["perf-total", "perf-parts", "perf-rate", "perf-exec-score", "perf-indicator-sum",
                        "perf-cost-actual", "perf-unreadable", "perf-cross-form", "perf-project-amount", "perf-full-miss"]

    struct Scored {
        let scheme: ScoringScheme
        let forms: [ScoredForm]
    }

    /// Scores the disclosure's forms once per check run.
    static func score(_ disclosure: Disclosure) -> Scored? {
        guard disclosure.performance.department != nil || !disclosure.performance.projects.isEmpty else { return nil }
        let scheme = (try? ScoringScheme.chosen(by: disclosure.performance))
            ?? (try? ScoringScheme.shipped(ScoringScheme.defaultID))
        guard let scheme else { return nil }
        return Scored(scheme: scheme, forms: Scorer(scheme: scheme).score(disclosure.performance))
    }

    static func run(_ rule: Rule, kind: String, scored: Scored?, context: EvaluationContext) -> [Finding] {
        guard let scored else { return [] }
        let scheme = scored.scheme
        var findings: [Finding] = []
        func add(_ form: ScoredForm, stated: String?, expected: String?, _ values: [String: String], severity: Severity? = nil,
                 line: Int? = nil) {
            var text = rule.message
            let title = form.kind == .department ? "整体绩效自评表" : "项目“\(form.name)”绩效自评表"
            for (key, value) in values.merging(["form": title, "stated": stated ?? "", "expected": expected ?? ""], uniquingKeysWith: { a, _ in a }) {
                text = text.replacingOccurrences(of: "{\(key)}", with: value)
            }
            findings.append(Finding(rule: rule.id, severity: severity ?? rule.severity, message: text, row: form.name,
                                    stated: stated, expected: expected,
                                    source: form.source.map { SourceLocation(file: $0, line: line ?? form.line ?? 0) }))
        }
        for form in scored.forms {
            switch kind {
            case "perf-total":
                guard let stated = form.stated, roundHalfUp(stated, scheme.scoreDecimals) != form.computed else { continue }
                add(form, stated: stated.compact(scheme.scoreDecimals), expected: form.computed.compact(scheme.scoreDecimals), [:])
            case "perf-parts":
                guard let stated = form.stated, let parts = form.statedPartsSum, parts != stated else { continue }
                add(form, stated: stated.compact(scheme.scoreDecimals), expected: parts.compact(scheme.scoreDecimals), [:])
            case "perf-rate":
                guard let statedText = form.execution.statedRate, let stated = IndicatorValue.quantity(statedText.replacingOccurrences(of: " ", with: "")) else { continue }
                let decimals = statedText.split(separator: ".").dropFirst().first.map { $0.prefix { $0.isNumber }.count } ?? 0
                let expected = roundHalfUp(form.executionRate * 100, decimals)
                guard roundHalfUp(stated.value * 100, decimals) != expected else { continue }
                add(form, stated: statedText, expected: expected.printed(decimals) + "%", [:], line: form.execution.line)
            case "perf-exec-score":
                guard let stated = form.execution.statedScore else { continue }
                let decimals = max(0, -stated.exponent)
                let expected = roundHalfUp(form.executionScore, decimals)
                // Half a unit of the printed precision either way is the stated figure's own rounding.
                let tolerance = Decimal(sign: .plus, exponent: -max(decimals, 1), significand: 5)
                guard (stated - form.executionScore).magnitude > tolerance else { continue }
                add(form, stated: stated.compact(scheme.scoreDecimals), expected: expected.compact(scheme.scoreDecimals), [:],
                    line: form.execution.line)
            case "perf-indicator-sum":
                for block in form.blocks {
                    // Over the weight is always wrong; under it is wrong when the rules find every indicator met.
                    guard let sum = block.statedSum, sum != block.weight,
                          sum > block.weight || block.indicators.allSatisfy({ $0.fraction == 1 }) else { continue }
                    add(form, stated: sum.compact(), expected: block.weight.compact(),
                        ["block": block.title, "relation": sum > block.weight ? "超过" : "少于"],
                        line: block.indicators.first?.row.source.flatMap { $0.line > 0 ? $0.line : nil })
                }
            case "perf-cost-actual":
                for indicator in form.blocks.flatMap(\.indicators) where indicator.computedActual != nil && indicator.problem != nil {
                    add(form, stated: indicator.row.actual, expected: indicator.computedActual, ["indicator": indicator.row.name],
                        line: indicator.row.source?.line)
                }
            case "perf-unreadable":
                for indicator in form.blocks.flatMap(\.indicators) where indicator.problem != nil && indicator.computedActual == nil {
                    add(form, stated: indicator.row.actual.isEmpty ? nil : indicator.row.actual, expected: nil,
                        ["indicator": indicator.row.name, "problem": indicator.problem ?? ""], line: indicator.row.source?.line)
                }
            case "perf-cross-form":
                guard form.kind == .department, let department = context.disclosure.performance.department else { continue }
                for (index, (goal, block)) in zip(department.goals, form.blocks).enumerated() {
                    guard index < form.goalProjects.count, let link = form.goalProjects[index] else { continue }
                    let project = context.disclosure.performance.projects[link]
                    guard let projectForm = scored.forms.first(where: { $0.kind == .project && $0.name == project.name }),
                          let projectBlock = projectForm.blocks.first,
                          block.weighting != .scaled, projectBlock.weighting != .scaled else { continue }
                    for indicator in block.indicators {
                        guard let other = projectBlock.indicators.first(where: { $0.row.name == indicator.row.name }),
                              let stated = indicator.row.statedScore, let otherStated = other.row.statedScore,
                              indicator.weight > 0, other.weight > 0 else { continue }
                        let share = stated / indicator.weight, otherShare = otherStated / other.weight
                        guard roundHalfUp(share, 2) != roundHalfUp(otherShare, 2) || indicator.row.actual != other.row.actual else { continue }
                        func shown(_ text: String) -> String { text.isEmpty ? "（空）" : "“\(text)”" }
                        add(form, stated: "\(shown(indicator.row.actual))，\(stated.compact())/\(indicator.weight.compact()) 分",
                            expected: "\(shown(other.row.actual))，\(otherStated.compact())/\(other.weight.compact()) 分",
                            ["indicator": indicator.row.name, "goal": goal.title, "project": project.name], line: indicator.row.source?.line)
                    }
                }
            case "perf-full-miss":
                // A number that plainly misses its own target (same unit, on the wrong side of the bound),
                // scored in full all the same. Qualitative values and cost-control rates are judged elsewhere.
                for indicator in form.blocks.flatMap(\.indicators) where indicator.method != "成本控制" && indicator.weight > 0 {
                    guard let stated = indicator.row.statedScore, stated >= indicator.weight,
                          let target = IndicatorValue.target(indicator.row.target),
                          case .quantity(let actual) = IndicatorValue.actual(indicator.row.actual) else { continue }
                    let missed: Bool = switch target {
                    case .atLeast(let bound): bound.unit == actual.unit && actual.value < bound.value
                    case .atMost(let bound): bound.unit == actual.unit && actual.value > bound.value
                    case .range(let low, let high):
                        low.unit == actual.unit && high.unit == actual.unit && (actual.value < low.value || actual.value > high.value)
                    case .exactly, .qualitative: false
                    }
                    guard missed else { continue }
                    add(form, stated: indicator.row.actual, expected: indicator.row.target,
                        ["indicator": indicator.row.name, "score": stated.compact()], line: indicator.row.source?.line)
                }
            case "perf-project-amount":
                guard form.kind == .project, let project = matchingProject(form.name, in: context.disclosure.figures.projects) else { continue }
                let executed = form.execution.executed.rounded(to: .wan, decimals: 2)
                guard executed != project.amount.rounded(to: .wan, decimals: 2) else { continue }
                add(form, stated: project.amount.description, expected: executed.description, ["project": project.name])
            default:
                continue
            }
        }
        return findings
    }

    /// The Part 3 project whose name matches a form's project name (ignoring 经费, 工作, years, 区政府).
    static func matchingProject(_ name: String, in projects: [ProjectSpending]) -> ProjectSpending? {
        func key(_ text: String) -> String {
            var result = IndicatorValue.normalise(text)
            for word in ["经费", "工作", "专项", "项目", "区政府", "年"] { result = result.replacingOccurrences(of: word, with: "") }
            return result.filter { !($0.isASCII && $0.isNumber) }
        }
        let target = key(name)
        guard !target.isEmpty else { return nil }
        return projects.first { key($0.name) == target } ?? projects.first { key($0.name).contains(target) || target.contains(key($0.name)) }
    }
}
