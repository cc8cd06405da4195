import Foundation
import JuesuanCore
import JuesuanPerformance

/// The compact cells format for consolidating very many units (docs/consolidate.md): one line per
/// printed row of each unit's nine tables, every amount of the row on that line, in 元 with two
/// decimals. Any number of units per file; a unit's lines are consecutive.
///
///     单位,年度,表,行,1,2,3,4,5,6,7,8,9,10,11,12
///     江汉区教育局,2021,3,2050201,1234567.89,1000000.00,234567.89,,,,,,,,,
public enum CellsFile {
    /// The header line, without the line break.
    public static let header = "单位,年度,表,行," + (1...12).map(String.init).joined(separator: ",")
    /// Number of fields on each line.
    public static let fieldCount = 16

    /// Whether a file starting with `firstLine` is in this format.
    /// Whether a file starting with `head` is a cells file (juesuan wrote it).
    public static func isOwn(_ head: String) -> Bool {
        var text = Substring(head)
        if text.hasPrefix("\u{FEFF}") { text = text.dropFirst() }
        return isHeader(text.prefix { $0 != "\n" && $0 != "\r\n" })
    }

    public static func isHeader(_ firstLine: Substring) -> Bool {
        firstLine.trimmingCharacters(in: "\u{FEFF}\r") == header
    }

    /// The lines of `disclosure` (no header). Blank rows are left out, except one row per table, so
    /// that an empty 表8 still shows the unit has one. After the tables, figure rows (表 `F`) carry the
    /// amounts and counts that are summed by key, and with `scheme` a performance row (表 `P`) carries
    /// the 整体 self-evaluation: 预算数, 执行数 and the score computed by the rules.
    public static func rows(_ disclosure: Disclosure, scheme: ScoringScheme? = nil, performance: PerformanceAggregate? = nil,
                            into out: inout String) {
        let unit = CSVText.field(disclosure.unit), year = String(disclosure.year)
        func line(_ table: String, _ row: String, _ cells: [Int: String]) {
            // Rows are never quoted: a comma or quote in a figure's name becomes its full-width form.
            let row = row.replacingOccurrences(of: ",", with: "，").replacingOccurrences(of: "\"", with: "＂")
            out += unit; out += ","; out += year; out += ","; out += table; out += ","; out += row
            for column in 1...12 {
                out += ","
                if let value = cells[column] { out += value }
            }
            out += "\n"
        }
        func amount(_ money: Money) -> String { money.formatted(unit: .yuan, decimals: 2, grouping: false) }
        for id in TableID.allCases {
            guard let table = disclosure[id] else { continue }
            var wrote = false
            for (index, row) in table.rows.enumerated() {
                let last = index == table.rows.count - 1
                guard !row.cells.isEmpty || (!wrote && last) else { continue }
                wrote = true
                line(String(id.rawValue), row.key.description, row.cells.mapValues(amount))
            }
        }
        for (key, value) in figureRows(disclosure.figures) { line(figureTable, key, [1: value]) }
        if let performance, performance.forms > 0, let score = performance.weightedScore {
            // A consolidation written for the next level: its funds, weighted by its own score.
            line(performanceTable, performanceKey, [1: amount(performance.funds), 2: amount(performance.executed), 3: "\(score)"])
        } else if let scheme, let row = performanceRow(disclosure, scheme: scheme) {
            line(performanceTable, performanceKey, row)
        }
    }

    /// 表 of the figure rows.
    public static let figureTable = "F"
    /// 表 and 行 of the performance row.
    public static let performanceTable = "P", performanceKey = "整体"

    /// Figures summed by key ("年初预算.201" → amount in 元; counts "数量.公务用车保有量" → whole number).
    static func figureRows(_ figures: NarrativeFigures) -> [(String, String)] {
        func amount(_ money: Money) -> String { money.formatted(unit: .yuan, decimals: 2, grouping: false) }
        var rows: [(String, String)] = []
        for (prefix, amounts) in [("年初预算", figures.initialBudget), ("上年", figures.priorYear), ("政府采购", figures.procurement)] {
            for key in amounts.keys.sorted() { rows.append(("\(prefix).\(key)", amount(amounts[key]!.amount))) }
        }
        if let costs = figures.operatingCosts { rows.append(("机关运行经费", amount(costs.amount))) }
        for detail in figures.vehicleRunningDetails { rows.append(("公务用车运行费明细.\(detail.name)", amount(detail.amount))) }
        for key in figures.officialCounts.keys.sorted() { rows.append(("数量.\(key)", String(figures.officialCounts[key]!))) }
        for asset in figures.assets { rows.append(("资产.\(asset.label)", String(asset.count))) }
        return rows
    }

    /// 预算数 and 执行数 (元) and the computed score of the unit's 整体 form, if it has one.
    static func performanceRow(_ disclosure: Disclosure, scheme: ScoringScheme) -> [Int: String]? {
        let own = disclosure.performance.schemeID == nil ? scheme : (try? ScoringScheme.chosen(by: disclosure.performance)) ?? scheme
        guard disclosure.performance.department != nil,
              let form = Scorer(scheme: own).score(disclosure.performance).first(where: { $0.kind == .department }) else { return nil }
        let score = roundHalfUp(form.computed, 2)
        return [1: form.execution.budget.formatted(unit: .yuan, decimals: 2, grouping: false),
                2: form.execution.executed.formatted(unit: .yuan, decimals: 2, grouping: false),
                3: "\(score)"]
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var text = self
        while let first = text.first, set.contains(first) { text.removeFirst() }
        while let last = text.last, set.contains(last) { text.removeLast() }
        return text
    }
}
