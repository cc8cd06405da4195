import JuesuanCore

/// 类 = Σ款, 款 = Σ项, 合计 = Σ类 in the function-code tables; in 表6 类 = Σ款 and
/// 人员经费合计 / 公用经费合计 = Σ of their 类 rows.
enum RollupCheck {
    static func run(_ rule: Rule, table id: TableID, context: EvaluationContext) -> [Finding] {
        guard let table = context.disclosure[id] else { return [] }
        var groups: [(parent: TableRow, children: [TableRow])] = []
        switch StandardLayout.rowKind(id) {
        case .functionCodes:
            let coded = table.rows.compactMap { row -> (FunctionCode, TableRow)? in
                if case .function(let code) = row.key { return (code, row) }
                return nil
            }
            for (code, row) in coded where code.level != .item {
                let children = coded.filter { $0.0.parent == code }.map(\.1)
                if !children.isEmpty { groups.append((row, children)) }
            }
            if let total = table.row(.total) {
                groups.append((total, coded.filter { $0.0.level == .category }.map(\.1)))
            }
        case .economicCodes:
            let coded = table.rows.compactMap { row -> (EconomicCode, TableRow)? in
                if case .economic(let code) = row.key { return (code, row) }
                return nil
            }
            for (code, row) in coded where code.level == .category {
                let children = coded.filter { $0.0.parent == code }.map(\.1)
                if !children.isEmpty { groups.append((row, children)) }
            }
            let categories = coded.filter { $0.0.level == .category }
            if let total = table.row(StandardLayout.personnelTotal) {
                groups.append((total, categories.filter { context.catalog.nature(of: $0.0) == .personnel }.map(\.1)))
            }
            if let total = table.row(StandardLayout.publicTotal) {
                groups.append((total, categories.filter { context.catalog.nature(of: $0.0) != .personnel }.map(\.1)))
            }
        case .lines, .single:
            return []
        }
        var findings: [Finding] = []
        for (parent, children) in groups {
            for column in table.columns.map(\.number) {
                let stated = parent[column: column]
                let expected = children.reduce(Money.zero) { $0 + $1[column: column] }
                let difference = stated - expected
                guard difference != .zero else { continue }
                let printed = ([parent] + children).filter { $0.cells[column] != nil }.count
                let tolerance = Checker.tolerance(printed: printed)
                let severity: Severity = difference.magnitude <= tolerance ? .info : rule.severity
                let anchor = CellRef(table: id, row: parent.key.description, column: column)
                let childList = children.map { $0.key.description }.joined(separator: "、")
                var message = context.render(rule.message, anchor: anchor, stated: stated, expected: expected,
                                             difference: difference, extra: ["children": childList])
                if severity == .info && rule.severity != .info {
                    message += "（相差 \(difference.magnitude)，属四舍五入尾差）"
                }
                findings.append(Finding(rule: rule.id, severity: severity, message: message, table: id,
                                        row: anchor.row, column: column, stated: stated.description,
                                        expected: expected.description, source: parent.source,
                                        cells: [anchor] + children.map { CellRef(table: id, row: $0.key.description, column: column) }))
            }
        }
        return findings
    }
}
