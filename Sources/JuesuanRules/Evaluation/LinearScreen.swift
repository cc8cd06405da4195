import JuesuanCore

/// The table rules of a catalogue compiled to integer linear forms, for screening very many units
/// while their cells stream past (汇总 of a province). A unit passes the screen when every compiled
/// equation holds within the rounding tolerance; a unit that fails is then checked in full by
/// `Checker`, which gives the finding its message. Rules with figures are not compiled; `compiled`
/// and `skipped` say which are which.
public struct LinearScreen: Sendable {
    /// A cell named by table, row as written ("27", "2010301", "合计") and column.
    public struct Cell: Hashable, Sendable {
        public var table: TableID
        public var row: String
        public var column: Int

        public init(table: TableID, row: String, column: Int) {
            self.table = table
            self.row = row
            self.column = column
        }
    }

    /// One side-difference `Σ sign × cell` that must be 0 (or ≤ 0 for `<=`).
    public struct Form: Sendable {
        public var rule: Rule
        public var relation: Equation.Relation
        /// Terms of a fixed form: the cell and +1 / −1.
        public var cells: [(Cell, Int64)]
        /// Terms of a row form (`[*]` rules): the column and +1 / −1, on every row of `table`.
        public var columns: [(Int, Int64)]
        public var table: TableID?
        /// Terms of a cross-table row form (`T5[*].2 = T3[*].2`): table, column and +1 / −1, on every row
        /// of `table`, the other tables read at the row with the same key.
        public var crossColumns: [(TableID, Int, Int64)] = []
    }

    /// A cross-table row form and the fixed equation (`when`) under which it applies.
    public struct CrossRowForm: Sendable {
        public var form: Form
        /// Applies only when this fixed form holds exactly; nil: always.
        public var condition: Form?
    }

    /// Forms evaluated on every row of a table.
    public var rowForms: [TableID: [Form]] = [:]
    /// Forms over fixed cells, evaluated once per unit.
    public var fixedForms: [Form] = []
    /// Cross-table row forms, with their conditions.
    public var crossRowForms: [CrossRowForm] = []
    /// Rollup rules (类＝Σ款 …), by table.
    public var rollups: [TableID: Rule] = [:]
    /// Ids of the rules compiled.
    public var compiled: [String] = []
    /// Ids of the table rules left to the full check (conditions, figures, `$class`).
    public var skipped: [String] = []

    /// The screen of `catalogue`'s table rules; `$class` rules are expanded over the classes of
    /// `catalog` (表1 line 30 + position, 表4 line 32 + position, the 类 row of code tables).
    public init(catalogue: RuleCatalogue, catalog: Catalog? = nil) {
        for rule in catalogue.rules {
            switch rule.check {
            case .rollup(let table):
                rollups[table] = rule
                compiled.append(rule.id)
            case .equation(let equation):
                var condition: Form?
                if let when = rule.when {
                    guard let compiled = Self.compile(rule, when, column: nil), compiled.table == nil else { skipped.append(rule.id); continue }
                    condition = compiled
                }
                let bindings = rule.columns.isEmpty ? [nil] : rule.columns.map { Optional($0) }
                let classes: [FunctionClass?] = Self.usesClass(equation) ? (catalog?.classes ?? []).map { Optional($0) } : [nil]
                var forms: [Form] = []
                compiling: for column in bindings {
                    for functionClass in classes {
                        guard let form = Self.compile(rule, equation, column: column, class: functionClass) else { forms = []; break compiling }
                        forms.append(form)
                    }
                }
                guard !forms.isEmpty else {
                    if rule.id.hasPrefix("T") || rule.id.hasPrefix("X") { skipped.append(rule.id) }
                    continue
                }
                // Conditions are supported on cross-table row forms only (the only conditional rules there are).
                if condition != nil && forms.contains(where: { $0.crossColumns.isEmpty }) {
                    skipped.append(rule.id)
                    continue
                }
                for form in forms {
                    if !form.crossColumns.isEmpty {
                        crossRowForms.append(CrossRowForm(form: form, condition: condition))
                    } else if let table = form.table {
                        rowForms[table, default: []].append(form)
                    } else {
                        fixedForms.append(form)
                    }
                }
                compiled.append(rule.id)
            default:
                continue
            }
        }
    }

    /// Every fixed cell some form reads.
    public var fixedCells: Set<Cell> {
        Set(fixedForms.flatMap { $0.cells.map(\.0) } + crossRowForms.flatMap { $0.condition?.cells.map(\.0) ?? [] })
    }

    enum Term { case fixed(Cell), column(TableID, Int) }

    /// Whether `equation` reads a `$class` row.
    static func usesClass(_ equation: Equation) -> Bool {
        func visit(_ expression: Expression) -> Bool {
            switch expression {
            case .reference(.cell(_, let row, _)): row == .eachClass
            case .sum(.columns(_, let row, _, _)): row == .eachClass
            case .add(let a, let b), .subtract(let a, let b): visit(a) || visit(b)
            default: false
            }
        }
        return visit(equation.left) || visit(equation.right)
    }

    static func compile(_ rule: Rule, _ equation: Equation, column bound: Int?, class functionClass: FunctionClass? = nil) -> Form? {
        var terms: [(Term, Int64)] = []
        var table: TableID = .t1
        func row(_ selector: RowSelector) -> String?? {
            switch selector {
            case .line(let number): .some(String(number))
            case .code(let code): .some(code)
            case .named(let name): .some(name)
            case .each: .some(nil)
            case .eachClass:
                functionClass.map { functionClass in
                    StandardLayout.classLine(position: functionClass.position, in: table).map(String.init) ?? functionClass.code.digits
                }
            }
        }
        func column(_ selector: ColumnSelector) -> Int? {
            switch selector {
            case .number(let number): number
            case .each: bound
            }
        }
        func add(_ cellTable: TableID, _ rowSelector: RowSelector, _ number: Int, _ sign: Int64) -> Bool {
            table = cellTable
            guard let row = row(rowSelector) else { return false }
            if let row { terms.append((.fixed(Cell(table: cellTable, row: row, column: number)), sign)) } else { terms.append((.column(cellTable, number), sign)) }
            return true
        }
        func walk(_ expression: Expression, _ sign: Int64) -> Bool {
            switch expression {
            case .reference(.cell(let table, let rowSelector, let columnSelector)):
                guard let number = column(columnSelector) else { return false }
                return add(table, rowSelector, number, sign)
            case .reference(.figure): return false
            case .sum(.lines(let table, let from, let to, let columnSelector)):
                guard let number = column(columnSelector), from <= to else { return false }
                return (from...to).allSatisfy { add(table, .line($0), number, sign) }
            case .sum(.columns(let table, let rowSelector, let from, let to)):
                guard from <= to else { return false }
                return (from...to).allSatisfy { add(table, rowSelector, $0, sign) }
            case .sum(.figures): return false
            case .literal(let money): return money == .zero  // "= 0"; other constants are not compiled
            case .add(let a, let b): return walk(a, sign) && walk(b, sign)
            case .subtract(let a, let b): return walk(a, sign) && walk(b, -sign)
            }
        }
        guard walk(equation.left, 1), walk(equation.right, -1) else { return nil }
        let rowTables = Set(terms.compactMap { term -> TableID? in if case .column(let table, _) = term.0 { table } else { nil } })
        let fixed = terms.compactMap { term -> (Cell, Int64)? in if case .fixed(let cell) = term.0 { (cell, term.1) } else { nil } }
        if rowTables.isEmpty {
            return Form(rule: rule, relation: equation.relation, cells: fixed, columns: [], table: nil)
        }
        guard fixed.isEmpty else { return nil }
        let crossTerms = terms.compactMap { term -> (TableID, Int, Int64)? in if case .column(let table, let number) = term.0 { (table, number, term.1) } else { nil } }
        if rowTables.count > 1 {
            // Driven by the rows of the first table read with `[*]`, as the checker does.
            return Form(rule: rule, relation: equation.relation, cells: [], columns: [], table: crossTerms.first?.0, crossColumns: crossTerms)
        }
        let columns = crossTerms.map { ($0.1, $0.2) }
        return Form(rule: rule, relation: equation.relation, cells: [], columns: columns, table: rowTables.first)
    }

    /// Whether `difference` (left − right) over `printed` printed figures breaks `relation` by more
    /// than rounding.
    public static func fails(_ difference: Int64, relation: Equation.Relation, printed: Int) -> Bool {
        let tolerance = Checker.tolerance(printed: printed).fen
        switch relation {
        case .equal: return difference.magnitude > UInt64(tolerance)
        case .atMost: return difference > tolerance
        }
    }
}
