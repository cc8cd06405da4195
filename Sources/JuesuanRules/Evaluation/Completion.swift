import JuesuanCore

/// The cells a form computes by itself: 合计, 小计, 类 and 款 rows, totals across columns — whatever the
/// rule catalogue defines within one table (an equation of the table's own formulas whose left side is
/// one cell and whose right side combines several), and the code tables' hierarchy (a parent row is the
/// sum of its children, 合计 the sum of the 类 rows). The entry form shows these read-only and fills
/// them as the officer types; nothing here is particular to one layout: the rules are the formulas.
public enum Completion {
    /// One cell of a table.
    public typealias Cell = TableCell

    /// The function-code tables whose rows roll up by code (类 ← 款 ← 项) into 合计.
    public static let codeTables: [TableID] = [.t2, .t3, .t5, .t8, .t9]
    /// The row that sums the 类 rows of a code table.
    public static let totalRow = RowKey.named("合计")

    /// The equations that define a cell: 表内公式, one table, a single cell on the left, several on the right.
    static func definition(_ rule: Rule) -> Equation? {
        guard rule.family == "表内公式", rule.when == nil, case .equation(let equation) = rule.check, equation.relation == .equal,
              case .reference(.cell(let table, _, _)) = equation.left else { return nil }
        var tables = Set<TableID>(), terms = 0
        func visit(_ expression: Expression) {
            switch expression {
            case .reference(.cell(let other, _, _)): tables.insert(other); terms += 1
            case .sum(.lines(let other, _, _, _)), .sum(.columns(let other, _, _, _)): tables.insert(other); terms += 2
            case .reference(.figure), .sum(.figures): tables.insert(.t9); terms += 99  // a figure outside the tables: not a form cell
            case .literal: break
            case .add(let a, let b), .subtract(let a, let b): visit(a); visit(b)
            }
        }
        visit(equation.right)
        guard tables == [table], terms >= 2 else { return nil }
        return equation
    }

    /// Fills every computed cell of `disclosure` from the cells it is made of, adding the parent rows
    /// (named from `catalog`) and 合计 rows the code tables need; returns the computed cells. A computed
    /// cell whose parts are all blank stays blank.
    @discardableResult
    public static func complete(_ disclosure: inout Disclosure, rules: RuleCatalogue, catalog: Catalog) -> Set<Cell> {
        var computed = Set<Cell>()
        for id in codeTables { rollUp(&disclosure, id, catalog: catalog, computed: &computed) }
        rollUpEconomic(&disclosure, catalog: catalog, computed: &computed)
        let definitions = rules.rules.compactMap { rule in definition(rule).map { (rule, $0) } }
        // A definition may use another's result (表1 第30行 uses 第27行): a few passes reach the fixed point.
        for _ in 0..<4 {
            var changed = false
            let context = EvaluationContext(disclosure: disclosure, catalog: catalog)
            for (rule, equation) in definitions {
                for binding in context.bindings(for: equation, columns: rule.columns) {
                    guard let left = try? context.evaluate(equation.left, binding), left.terms.count == 1,
                          let target = left.terms.first?.cell, let table = target.table, let column = target.column,
                          let key = rowKey(target.row, in: table, of: disclosure),
                          let right = try? context.evaluate(equation.right, binding) else { continue }
                    let value: Money? = right.terms.contains { $0.value != nil } ? right.value : nil
                    computed.insert(Cell(table: table, row: key, column: column))
                    if set(&disclosure, table, key, column, value) { changed = true }
                }
            }
            if !changed { break }
        }
        return computed
    }

    /// Each computed cell of `disclosure` (completed) as a signed sum of the cells it is made of: the
    /// formulas a fillable workbook writes. The code hierarchy first, then the catalogue's equations.
    public static func linearForms(_ disclosure: Disclosure, rules: RuleCatalogue, catalog: Catalog) -> [Cell: [(cell: Cell, sign: Int)]] {
        var forms: [Cell: [(cell: Cell, sign: Int)]] = [:]
        for id in codeTables + [.t6] {
            guard let table = disclosure[id] else { continue }
            let columns = table.columns.map(\.number)
            var parentOf: [RowKey: RowKey] = [:]
            var categories: [RowKey] = []
            for row in table.rows {
                switch row.key {
                case .function(let code):
                    if let parent = code.parent { parentOf[row.key] = .function(parent) } else { categories.append(row.key) }
                case .economic(let code):
                    if let parent = code.parent { parentOf[row.key] = .economic(parent) } else { categories.append(row.key) }
                default: break
                }
            }
            let children = Dictionary(grouping: parentOf.keys) { parentOf[$0]! }
            func add(_ target: RowKey, _ parts: [RowKey]) {
                for column in columns where !parts.isEmpty {
                    forms[Cell(table: id, row: target, column: column)] = parts.map { (Cell(table: id, row: $0, column: column), 1) }
                }
            }
            for (parent, parts) in children { add(parent, parts.sorted()) }
            if id == .t6 {
                let personnel = categories.filter { if case .economic(let code) = $0 { catalog.nature(of: code) == .personnel } else { false } }
                add(StandardLayout.personnelTotal, personnel)
                add(StandardLayout.publicTotal, categories.filter { !personnel.contains($0) })
            } else {
                add(totalRow, categories)
            }
        }
        let context = EvaluationContext(disclosure: disclosure, catalog: catalog)
        for rule in rules.rules {
            guard let equation = definition(rule) else { continue }
            for binding in context.bindings(for: equation, columns: rule.columns) {
                guard let left = try? context.evaluate(equation.left, binding), left.terms.count == 1,
                      let target = left.terms.first?.cell, let table = target.table, let column = target.column,
                      let key = rowKey(target.row, in: table, of: disclosure),
                      let terms = try? signedTerms(equation.right, binding, context, sign: 1) else { continue }
                let cell = Cell(table: table, row: key, column: column)
                guard forms[cell] == nil else { continue }
                forms[cell] = terms.compactMap { reference, sign in
                    guard let other = reference.table, let otherColumn = reference.column,
                          let otherKey = rowKey(reference.row, in: other, of: disclosure) else { return nil }
                    return (Cell(table: other, row: otherKey, column: otherColumn), sign)
                }
            }
        }
        return forms
    }

    static func signedTerms(_ expression: Expression, _ binding: Binding, _ context: EvaluationContext,
                            sign: Int) throws(NotApplicable) -> [(CellRef, Int)] {
        switch expression {
        case .literal: return []
        case .reference(let reference): return [(try context.resolve(reference, binding).cell, sign)]
        case .sum(let range): return try context.resolve(range, binding).map { ($0.cell, sign) }
        case .add(let a, let b): return try signedTerms(a, binding, context, sign: sign) + signedTerms(b, binding, context, sign: sign)
        case .subtract(let a, let b): return try signedTerms(a, binding, context, sign: sign) + signedTerms(b, binding, context, sign: -sign)
        }
    }

    /// The rows of a 功能分类 table: every code's 款 and 类 present (named from the catalogue), each parent
    /// the sum of its children in every column, and 合计 the sum of the 类 rows, first.
    static func rollUp(_ disclosure: inout Disclosure, _ id: TableID, catalog: Catalog, computed: inout Set<Cell>) {
        guard var table = disclosure[id] else { return }
        let columns = table.columns.map(\.number)
        var codes = Set(table.rows.compactMap { row -> FunctionCode? in if case .function(let code) = row.key { code } else { nil } })
        for code in codes {
            var parent = code.parent
            while let next = parent {
                codes.insert(next)
                parent = next.parent
            }
        }
        var byKey: [RowKey: TableRow] = [:]
        for row in table.rows { byKey[row.key] = row }
        for code in codes where byKey[.function(code)] == nil {
            byKey[.function(code)] = TableRow(key: .function(code), label: catalog.functionNames[code] ?? "")
        }
        let children = Dictionary(grouping: codes.filter { $0.parent != nil }) { $0.parent! }
        // Deepest parents first, so a 类 sums 款 that are themselves sums.
        for parent in codes.filter({ children[$0] != nil }).sorted(by: { $0.digits.count > $1.digits.count }) {
            for column in columns {
                let parts = (children[parent] ?? []).compactMap { byKey[.function($0)]?.cells[column] }
                byKey[.function(parent)]?.cells[column] = parts.isEmpty ? nil : parts.reduce(Money.zero) { $0.adding($1) ?? $0 }
                computed.insert(Cell(table: id, row: .function(parent), column: column))
            }
        }
        var total = byKey[totalRow] ?? TableRow(key: totalRow, label: "合计")
        let classes = codes.filter { $0.parent == nil }
        for column in columns {
            let parts = classes.compactMap { byKey[.function($0)]?.cells[column] }
            total.cells[column] = parts.isEmpty ? nil : parts.reduce(Money.zero) { $0.adding($1) ?? $0 }
            computed.insert(Cell(table: id, row: totalRow, column: column))
        }
        let others = table.rows.filter { if case .function = $0.key { false } else { $0.key != totalRow } }
        table.rows = [total] + codes.sorted { $0.digits < $1.digits }.compactMap { byKey[.function($0)] } + others
        disclosure.tables[id] = table
    }

    /// 表6: each 类 the sum of its 款, 人员经费合计 and 公用经费合计 the sums of their 类 (by the catalogue's nature).
    static func rollUpEconomic(_ disclosure: inout Disclosure, catalog: Catalog, computed: inout Set<Cell>) {
        guard var table = disclosure[.t6] else { return }
        let columns = table.columns.map(\.number)
        var codes = Set(table.rows.compactMap { row -> EconomicCode? in if case .economic(let code) = row.key { code } else { nil } })
        for code in codes { if let parent = code.parent { codes.insert(parent) } }
        var byKey: [RowKey: TableRow] = [:]
        for row in table.rows { byKey[row.key] = row }
        for code in codes where byKey[.economic(code)] == nil {
            byKey[.economic(code)] = TableRow(key: .economic(code), label: catalog.economicNames[code] ?? "")
        }
        func sum(_ parts: [EconomicCode], _ column: Int) -> Money? {
            let values = parts.compactMap { byKey[.economic($0)]?.cells[column] }
            return values.isEmpty ? nil : values.reduce(Money.zero) { $0.adding($1) ?? $0 }
        }
        let children = Dictionary(grouping: codes.filter { $0.parent != nil }) { $0.parent! }
        for (parent, parts) in children {
            for column in columns {
                let value = sum(parts, column)
                byKey[.economic(parent)]?.cells[column] = value
                computed.insert(Cell(table: .t6, row: .economic(parent), column: column))
            }
        }
        let categories = codes.filter { $0.parent == nil }
        var totals: [TableRow] = []
        for (key, personnel) in [(StandardLayout.personnelTotal, true), (StandardLayout.publicTotal, false)] {
            var row = byKey[key] ?? TableRow(key: key, label: key.description)
            let parts = categories.filter { (catalog.nature(of: $0) == .personnel) == personnel }
            for column in columns {
                row.cells[column] = sum(Array(parts), column)
                computed.insert(Cell(table: .t6, row: key, column: column))
            }
            totals.append(row)
        }
        let others = table.rows.filter {
            if case .economic = $0.key { return false }
            return $0.key != StandardLayout.personnelTotal && $0.key != StandardLayout.publicTotal
        }
        table.rows = codes.sorted { $0.digits < $1.digits }.compactMap { byKey[.economic($0)] } + totals + others
        disclosure.tables[.t6] = table
    }

    static func rowKey(_ text: String, in table: TableID, of disclosure: Disclosure) -> RowKey? {
        if StandardLayout.rowKind(table) == .lines { return Int(text).map(RowKey.line) }
        return disclosure[table]?.rows.first { $0.key.description == text }?.key
    }

    /// Sets one cell (adding a 行次 row that is not there yet); `true` when the value changed.
    @discardableResult
    public static func set(_ disclosure: inout Disclosure, _ id: TableID, _ key: RowKey, _ column: Int, _ value: Money?) -> Bool {
        guard var table = disclosure[id] else { return false }
        if let index = table.rows.firstIndex(where: { $0.key == key }) {
            guard table.rows[index].cells[column] != value else { return false }
            table.rows[index].cells[column] = value
        } else {
            guard let value else { return false }
            var label = ""
            if case .line(let line) = key { label = StandardLayout.lineLabel(line, in: id) ?? "" }
            table.rows.append(TableRow(key: key, label: label, cells: [column: value]))
            table.rows.sort { $0.key < $1.key }
        }
        disclosure.tables[id] = table
        return true
    }
}
