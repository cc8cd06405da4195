import Foundation
import JuesuanCore
import JuesuanPerformance

/// Part 6: the self-evaluation forms laid out as printed. The published page shows what the unit
/// filled in; the review page adds the computed scores beside the stated ones.
enum PerformanceHTML {
    static func section(_ forms: [ScoredForm], scheme: ScoringScheme, review: Bool) -> String {
        guard !forms.isEmpty else { return "" }
        var out = "<section class=\"part performance\" id=\"part6\"><h2>第六部分 绩效自评</h2>\n"
        if review {
            out += "<p class=\"note\">评分方案：\(HTMLWriter.escape(scheme.name))。“计算”栏由 juesuan 按表中备注的规则重算；与所印不符处标出。</p>\n"
            for form in forms { out += table(form, scheme: scheme) }
        } else {
            for (index, form) in forms.enumerated() { out += publishedTable(form, scheme: scheme, index: index) }
        }
        return out + "</section>\n"
    }

    /// A form as the unit fills it in: stated figures and scores only, nothing computed.
    static func publishedTable(_ form: ScoredForm, scheme: ScoringScheme, index: Int) -> String {
        let e = HTMLWriter.escape
        let title = form.kind == .department ? "部门（单位）整体绩效自评表" : "项目支出绩效自评表"
        var out = "<section class=\"form\" id=\"form\(index + 1)\"><h3>\(e(title))：\(e(form.name))</h3>\n"
        out += "<table class=\"report perf\"><thead><tr><th colspan=\"3\">预算执行情况（\(form.execution.unit.rawValue)）</th><th>预算数（A）</th><th>执行数（B）</th><th>执行率（B/A）</th><th>分值</th><th>得分</th></tr></thead><tbody>\n"
        let execution = form.execution
        out += "<tr><td colspan=\"3\">\(e(execution.label))</td><td class=\"num\">\(execution.budget.formatted(unit: execution.unit))</td>"
        out += "<td class=\"num\">\(execution.executed.formatted(unit: execution.unit))</td><td class=\"num\">\(e(execution.statedRate ?? ""))</td>"
        out += "<td class=\"num\">\(execution.weight.map { $0.compact() } ?? "")</td><td class=\"num\">\(number(execution.statedScore, scheme))</td></tr>\n"
        if let goal = form.goalScore {
            out += "<tr><td colspan=\"6\">项目绩效总目标</td><td class=\"num\">\(scheme.goalWeight.compact())</td><td class=\"num\">\(number(goal, scheme))</td></tr>\n"
        }
        out += "<tr class=\"head\"><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>年初目标值（A）</th><th colspan=\"2\">实际完成值（B）</th><th>分值</th><th>得分</th></tr>\n"
        for block in form.blocks {
            out += "<tr class=\"block\"><td colspan=\"6\">\(e(block.title))</td><td class=\"num\">\(block.weight.compact())</td><td class=\"num\">\(number(block.statedSum, scheme))</td></tr>\n"
            for indicator in block.indicators {
                out += "<tr><td>\(e(indicator.row.level1))</td><td>\(e(indicator.row.level2))</td><td>\(e(indicator.row.name))</td>"
                out += "<td>\(e(indicator.row.target))</td><td colspan=\"2\">\(e(indicator.row.actual))</td>"
                out += "<td class=\"num\">\(indicator.weight.compact())</td><td class=\"num\">\(number(indicator.row.statedScore, scheme))</td></tr>\n"
            }
        }
        out += "<tr class=\"total\"><td colspan=\"7\">自评得分</td><td class=\"num\">\(number(form.stated, scheme))</td></tr>\n"
        return out + "</tbody></table>\n</section>\n"
    }

    static func number(_ value: Decimal?, _ scheme: ScoringScheme) -> String {
        value.map { $0.compact(scheme.scoreDecimals) } ?? ""
    }

    static func table(_ form: ScoredForm, scheme: ScoringScheme) -> String {
        let e = HTMLWriter.escape
        let title = form.kind == .department ? "部门（单位）整体绩效自评表" : "项目支出绩效自评表"
        let disagree = form.stated.map { roundHalfUp($0, scheme.scoreDecimals) != form.computed } ?? true
        var out = "<section class=\"form\"><h3>\(e(title))：\(e(form.name))</h3>\n"
        out += "<p class=\"score\">自评得分：所印 <b>\(number(form.stated, scheme))</b>　计算 <b class=\"\(disagree ? "bad" : "ok")\">\(number(form.computed, scheme))</b>（\(e(form.grade))）"
        if let parts = form.statedPartsSum, parts != form.stated { out += "　所印各部分之和 \(number(parts, scheme))" }
        if let weighted = form.fundWeightedProjects { out += "　各项目按资金加权 \(number(weighted, scheme))" }
        out += "</p>\n<table class=\"report perf\"><thead><tr><th colspan=\"3\">预算执行情况（\(form.execution.unit.rawValue)）</th><th>预算数（A）</th><th>执行数（B）</th><th>执行率（B/A）</th><th>分值</th><th>所印得分</th><th>计算得分</th></tr></thead><tbody>\n"
        let execution = form.execution
        let rateBad = execution.statedRate.map { $0.replacingOccurrences(of: " ", with: "") != form.executionRateText && !form.executionRateText.hasPrefix($0.replacingOccurrences(of: "%", with: "")) } ?? false
        out += "<tr><td colspan=\"3\">\(e(execution.label))</td><td class=\"num\">\(execution.budget.formatted(unit: execution.unit))</td>"
        out += "<td class=\"num\">\(execution.executed.formatted(unit: execution.unit))</td>"
        out += "<td class=\"num\(rateBad ? " warning" : "")\">\(e(execution.statedRate ?? ""))<br><small>计算 \(form.executionRateText)</small></td>"
        out += "<td class=\"num\">\((execution.weight ?? scheme.executionWeight).compact())</td><td class=\"num\">\(number(execution.statedScore, scheme))</td>"
        out += "<td class=\"num\">\(form.executionScore.printed(scheme.scoreDecimals))</td></tr>\n"
        if let goal = form.goalScore {
            out += "<tr><td colspan=\"6\">项目绩效总目标</td><td class=\"num\">\(scheme.goalWeight.compact())</td><td class=\"num\">\(number(goal, scheme))</td><td class=\"num\">\(number(goal, scheme))</td></tr>\n"
        }
        out += "<tr class=\"head\"><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>年初目标值（A）</th><th>实际完成值（B）</th><th>方法</th><th>分值</th><th>所印得分</th><th>计算得分</th></tr>\n"
        for block in form.blocks {
            out += "<tr class=\"block\"><td colspan=\"6\">\(e(block.title))</td><td class=\"num\">\(block.weight.compact())</td><td class=\"num\">\(number(block.statedSum, scheme))</td><td class=\"num\">\(block.computed.printed(scheme.scoreDecimals))</td></tr>\n"
            for indicator in block.indicators {
                let bad = indicator.row.statedScore.map { roundHalfUp($0, scheme.scoreDecimals) != roundHalfUp(indicator.computed, scheme.scoreDecimals) } ?? true
                out += "<tr><td>\(e(indicator.row.level1))</td><td>\(e(indicator.row.level2))</td><td>\(e(indicator.row.name))</td>"
                out += "<td>\(e(indicator.row.target))</td><td\(indicator.problem != nil ? " class=\"warning\" title=\"\(e(indicator.problem!))\"" : "")>\(e(indicator.row.actual))"
                if let actual = indicator.computedActual { out += "<br><small>执行率 \(actual)</small>" }
                out += "</td><td>\(e(indicator.method))</td><td class=\"num\">\(indicator.weight.compact())\(indicator.weightInferred ? "*" : "")</td>"
                out += "<td class=\"num\">\(number(indicator.row.statedScore, scheme))</td>"
                out += "<td class=\"num\(bad ? " warning" : "")\" title=\"\(e(indicator.explanation))\">\(indicator.computed.printed(scheme.scoreDecimals))</td></tr>\n"
            }
        }
        out += "<tr class=\"total\"><td colspan=\"7\">合计</td><td class=\"num\">\(number(form.stated, scheme))</td><td class=\"num\(disagree ? " error" : "")\">\(number(form.computed, scheme))</td></tr>\n"
        out += "</tbody></table>\n"
        if !form.notes.isEmpty {
            out += "<div class=\"notes\">" + form.notes.map { "<p>注：\(e($0))</p>" }.joined() + "</div>\n"
        }
        return out + "</section>\n"
    }
}
