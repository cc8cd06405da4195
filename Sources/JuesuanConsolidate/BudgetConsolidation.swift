import JuesuanCore

/// A 主管部门's 部门预算 as the sum of its units' budgets (单位预算), table by table: rows of a classification table by
/// their code (the 合计 rows with them), rows of a one-row table by position, lines of a 总表 by side and name, every
/// amount in 分. The 编制说明 is the department's own to write (none is invented); the units' 项目绩效目标 are kept.
public enum BudgetConsolidation {
    public static func sum(_ budgets: [BudgetDataset], department: String, year: Int, layout: BudgetLayout) -> BudgetDataset {
        var result = BudgetDataset(layout: layout.id, scope: .department, year: year, department: department, tables: [:], narrative: [])
        for spec in layout.tables {
            let tables = budgets.compactMap { $0.tables[spec.id] }
            guard !tables.isEmpty else { continue }
            // Amounts are 分 whatever the printed unit; the finer unit is kept when the units differ.
            let unit = Set(tables.map(\.unit)).count == 1 ? tables[0].unit : "元"
            var table = BudgetDataset.TableData(unit: unit, rows: rows(tables), items: items(tables))
            if table.rows.isEmpty && table.items.isEmpty { table.note = tables.compactMap(\.note).first }
            result.tables[spec.id] = table
        }
        let targets = budgets.flatMap { $0.targets ?? [] }
        result.targets = targets.isEmpty ? nil : targets
        return result
    }

    static func add(_ a: [Int64?], _ b: [Int64?]) -> [Int64?] {
        (0..<max(a.count, b.count)).map { index in
            let x = index < a.count ? a[index] : nil, y = index < b.count ? b[index] : nil
            guard x != nil || y != nil else { return nil }
            return (x ?? 0) + (y ?? 0)
        }
    }

    /// Coded rows summed by code and ordered by code (a 类 before its 款 and 项); rows without a code (合计, or the one row
    /// of a single-row table) summed by their place among such rows, kept where the first table has them.
    static func rows(_ tables: [BudgetDataset.TableData]) -> [BudgetDataset.Row] {
        var coded: [String: BudgetDataset.Row] = [:]
        var uncoded: [BudgetDataset.Row] = []
        for table in tables {
            var place = 0
            for row in table.rows {
                if row.code.isEmpty {
                    if place < uncoded.count { uncoded[place].cells = add(uncoded[place].cells, row.cells) } else { uncoded.append(row) }
                    place += 1
                } else if var known = coded[row.code] {
                    known.cells = add(known.cells, row.cells)
                    if known.label.isEmpty { known.label = row.label }
                    coded[row.code] = known
                } else {
                    coded[row.code] = row
                }
            }
        }
        let sorted = coded.values.sorted { $0.code < $1.code }
        let totalsFirst = tables.first { !$0.rows.isEmpty }?.rows.first?.code.isEmpty ?? false
        return totalsFirst ? uncoded + sorted : sorted + uncoded
    }

    /// The lines of a 总表 summed by side and name (the name without its ordinal: one unit's "二、教育支出" is another's
    /// "一、教育支出"), in the order they first appear, each side's 总计 last; the 一、二、… of a side numbered again.
    static func items(_ tables: [BudgetDataset.TableData]) -> [BudgetDataset.Item] {
        var order: [String] = []
        var byKey: [String: BudgetDataset.Item] = [:]
        for table in tables {
            for item in table.items {
                let key = item.side + "\u{1F}" + bare(item.label)
                if var known = byKey[key] {
                    known.figures = (0..<max(known.figures.count, item.figures.count)).map { index in
                        (index < known.figures.count ? known.figures[index] : 0) + (index < item.figures.count ? item.figures[index] : 0)
                    }
                    byKey[key] = known
                } else {
                    order.append(key)
                    byKey[key] = item
                }
            }
        }
        var lines = order.compactMap { byKey[$0] }
        let isTotal = { (item: BudgetDataset.Item) in bare(item.label).hasSuffix("总计") }
        lines = lines.filter { !isTotal($0) } + lines.filter(isTotal)
        var sides: [String] = []
        for line in lines where !sides.contains(line.side) { sides.append(line.side) }
        lines = sides.flatMap { side in lines.filter { $0.side == side } }
        var counters: [String: Int] = [:]
        for index in lines.indices where chineseOrdinal(lines[index].label) != nil {
            let number = (counters[lines[index].side] ?? 0) + 1
            counters[lines[index].side] = number
            lines[index].label = Self.chinese(number) + "、" + bare(lines[index].label)
        }
        return lines
    }

    static let digits = Array("一二三四五六七八九")

    /// 1 → 一, 10 → 十, 12 → 十二, 21 → 二十一.
    static func chinese(_ number: Int) -> String {
        guard number > 0, number < 100 else { return String(number) }
        if number < 10 { return String(digits[number - 1]) }
        let tens = number / 10, ones = number % 10
        return (tens == 1 ? "" : String(digits[tens - 1])) + "十" + (ones == 0 ? "" : String(digits[ones - 1]))
    }

    /// The ordinal a line starts with ("二、"), or nil.
    static func chineseOrdinal(_ label: String) -> Substring? {
        let prefix = label.prefix { "一二三四五六七八九十".contains($0) }
        return !prefix.isEmpty && label.dropFirst(prefix.count).first == "、" ? prefix : nil
    }

    /// A line's name without its ordinal: "二、教育支出", "2. 政府性基金", "（二）……" → the name.
    static func bare(_ label: String) -> String {
        var text = Substring(label.trimmingCharacters(in: .whitespaces))
        if let ordinal = chineseOrdinal(String(text)) { text = text.dropFirst(ordinal.count + 1) }
        else if text.first == "（", let close = text.firstIndex(of: "）"), text[text.index(after: text.startIndex)..<close].allSatisfy({ "一二三四五六七八九十".contains($0) }) {
            text = text[text.index(after: close)...]
        } else {
            let number = text.prefix { $0.isASCII && $0.isNumber }
            if !number.isEmpty, let mark = text.dropFirst(number.count).first, ".．、".contains(mark) { text = text.dropFirst(number.count + 1) }
        }
        return text.trimmingCharacters(in: .whitespaces)
    }
}
