import JuesuanCore

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
    public static func isHeader(_ firstLine: Substring) -> Bool {
        firstLine.trimmingCharacters(in: "\u{FEFF}\r") == header
    }

    /// The lines of `disclosure` (no header). Blank rows are left out, except one row per table, so
    /// that an empty 表8 still shows the unit has one.
    public static func rows(_ disclosure: Disclosure, into out: inout String) {
        let unit = CSVText.field(disclosure.unit), year = String(disclosure.year)
        for id in TableID.allCases {
            guard let table = disclosure[id] else { continue }
            var wrote = false
            for (index, row) in table.rows.enumerated() {
                let last = index == table.rows.count - 1
                guard !row.cells.isEmpty || (!wrote && last) else { continue }
                wrote = true
                out += unit; out += ","; out += year; out += ","; out += String(id.rawValue); out += ","
                out += row.key.description
                for column in 1...12 {
                    out += ","
                    if let amount = row.cells[column] { out += amount.formatted(unit: .yuan, decimals: 2, grouping: false) }
                }
                out += "\n"
            }
        }
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
