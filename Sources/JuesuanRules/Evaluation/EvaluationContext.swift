import Foundation
import JuesuanCore

/// Values bound to the quantifiers of an equation: `*` (a row), `$class`, `$col`.
struct Binding: Sendable {
    var row: RowKey?
    var functionClass: FunctionClass?
    var column: Int?
}

/// One value an expression read: the cell, its amount (nil when blank) and where it was read.
struct Term: Sendable {
    var cell: CellRef
    var value: Money?
    var source: SourceLocation?
}

/// The value of an expression and the terms it was made of.
struct Evaluated: Sendable {
    var value: Money
    var terms: [Term]
}

/// A required figure is absent: the rule does not apply.
struct NotApplicable: Error {}

/// Evaluation of expressions over one disclosure.
struct EvaluationContext: Sendable {
    let disclosure: Disclosure
    let catalog: Catalog

    // MARK: Bindings

    func bindings(for equation: Equation, columns: [Int]) -> [Binding] {
        var eachTable: TableID?
        var usesClass = false
        var usesColumn = false
        func visit(_ expression: Expression) {
            switch expression {
            case .reference(.cell(let table, let row, let column)):
                if row == .each, eachTable == nil { eachTable = table }
                if row == .eachClass { usesClass = true }
                if column == .each { usesColumn = true }
            case .reference(.figure): break
            case .sum(.lines(_, _, _, let column)):
                if column == .each { usesColumn = true }
            case .sum(.columns(let table, let row, _, _)):
                if row == .each, eachTable == nil { eachTable = table }
                if row == .eachClass { usesClass = true }
            case .sum(.figures), .literal: break
            case .add(let a, let b), .subtract(let a, let b):
                visit(a)
                visit(b)
            }
        }
        visit(equation.left)
        visit(equation.right)
        var result = [Binding()]
        if let eachTable {
            let rows = disclosure[eachTable]?.rows.map(\.key) ?? []
            result = result.flatMap { binding in rows.map { var copy = binding; copy.row = $0; return copy } }
        }
        if usesClass {
            result = result.flatMap { binding in catalog.classes.map { var copy = binding; copy.functionClass = $0; return copy } }
        }
        if usesColumn {
            result = result.flatMap { binding in columns.map { var copy = binding; copy.column = $0; return copy } }
        }
        return result
    }

    // MARK: Evaluation

    func evaluate(_ expression: Expression, _ binding: Binding) throws(NotApplicable) -> Evaluated {
        switch expression {
        case .literal(let money):
            return Evaluated(value: money, terms: [])
        case .add(let a, let b):
            let left = try evaluate(a, binding)
            let right = try evaluate(b, binding)
            guard let value = left.value.adding(right.value) else { throw NotApplicable() }
            return Evaluated(value: value, terms: left.terms + right.terms)
        case .subtract(let a, let b):
            let left = try evaluate(a, binding)
            let right = try evaluate(b, binding)
            guard let value = left.value.subtracting(right.value) else { throw NotApplicable() }
            return Evaluated(value: value, terms: left.terms + right.terms)
        case .reference(let reference):
            let term = try resolve(reference, binding)
            return Evaluated(value: term.value ?? .zero, terms: [term])
        case .sum(let range):
            let terms = try resolve(range, binding)
            var total = Money.zero
            for term in terms {
                guard let next = total.adding(term.value ?? .zero) else { throw NotApplicable() }
                total = next
            }
            return Evaluated(value: total, terms: terms)
        }
    }

    func rowKey(_ selector: RowSelector, table: TableID, binding: Binding) throws(NotApplicable) -> RowKey {
        switch selector {
        case .line(let number): return .line(number)
        case .named(let name): return .named(name)
        case .code(let digits):
            if table == .t6 {
                guard let code = EconomicCode(digits) else { throw NotApplicable() }
                return .economic(code)
            }
            guard let code = FunctionCode(digits) else { throw NotApplicable() }
            return .function(code)
        case .each:
            guard let row = binding.row else { throw NotApplicable() }
            return row
        case .eachClass:
            guard let functionClass = binding.functionClass else { throw NotApplicable() }
            if let line = StandardLayout.classLine(position: functionClass.position, in: table) { return .line(line) }
            return .function(functionClass.code)
        }
    }

    func column(_ selector: ColumnSelector, binding: Binding) throws(NotApplicable) -> Int {
        switch selector {
        case .number(let number): return number
        case .each:
            guard let column = binding.column else { throw NotApplicable() }
            return column
        }
    }

    func cellTerm(table: TableID, key: RowKey, column: Int) -> Term {
        let row = disclosure[table]?.row(key)
        return Term(cell: CellRef(table: table, row: key.description, column: column), value: row?.cells[column], source: row?.source(ofColumn: column))
    }

    func resolve(_ reference: Reference, _ binding: Binding) throws(NotApplicable) -> Term {
        switch reference {
        case .cell(let table, let row, let column):
            guard disclosure[table] != nil else { throw NotApplicable() }
            return cellTerm(table: table, key: try rowKey(row, table: table, binding: binding), column: try self.column(column, binding: binding))
        case .figure(let key, let optional):
            if let figure = figure(key) {
                return Term(cell: CellRef(table: nil, row: key, column: nil), value: figure.amount, source: figure.source)
            }
            guard optional else { throw NotApplicable() }
            return Term(cell: CellRef(table: nil, row: key, column: nil), value: nil, source: nil)
        }
    }

    func resolve(_ range: RangeReference, _ binding: Binding) throws(NotApplicable) -> [Term] {
        switch range {
        case .lines(let table, let from, let to, let column):
            guard disclosure[table] != nil else { throw NotApplicable() }
            let number = try self.column(column, binding: binding)
            return (from...to).map { cellTerm(table: table, key: .line($0), column: number) }
        case .columns(let table, let row, let from, let to):
            guard disclosure[table] != nil else { throw NotApplicable() }
            let key = try rowKey(row, table: table, binding: binding)
            return (from...to).map { cellTerm(table: table, key: key, column: $0) }
        case .figures(let prefix):
            let entries = figures(prefix)
            guard !entries.isEmpty else { throw NotApplicable() }
            return entries.map { Term(cell: CellRef(table: nil, row: "\(prefix).\($0.name)", column: nil), value: $0.amount, source: $0.source) }
        }
    }

    // MARK: Figures outside the tables

    /// A single figure: "年初预算.合计", "年初预算.201", "机关运行经费", "政府采购.总额", "上年.收支总计".
    func figure(_ key: String) -> NamedAmount? {
        let figures = disclosure.figures
        let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
        switch (parts.first ?? "", parts.count > 1 ? parts[1] : nil) {
        case ("机关运行经费", nil): return figures.operatingCosts
        case ("年初预算", let name?): return figures.initialBudget[name]
        case ("政府采购", let name?): return figures.procurement[name]
        case ("上年", let name?): return figures.priorYear[name]
        case ("绩效", let name?):
            guard let form = disclosure.performance.department else { return nil }
            // In a published report: the totals stand at the head of the form, the amounts on the execution row.
            let head = form.source.map { SourceLocation(file: $0, line: form.line ?? 0) }
            let row = form.source.map { SourceLocation(file: $0, line: form.execution.line ?? form.line ?? 0) }
            switch name {
            case "基本支出总额": return form.basicTotal.map { NamedAmount(name: name, amount: $0, source: head) }
            case "项目支出总额": return form.projectTotal.map { NamedAmount(name: name, amount: $0, source: head) }
            case "预算数": return NamedAmount(name: name, amount: form.execution.budget, source: row)
            case "执行数": return NamedAmount(name: name, amount: form.execution.executed, source: row)
            default: return nil
            }
        default: return nil
        }
    }

    /// The figures of a list: "年初预算" (the classes), "项目", "公务用车运行费明细", "政府采购".
    func figures(_ prefix: String) -> [NamedAmount] {
        let figures = disclosure.figures
        switch prefix {
        case "年初预算":
            return figures.initialBudget.values.filter { $0.name != "合计" }.sorted { $0.name < $1.name }
        case "项目":
            return figures.projects.map { NamedAmount(name: $0.name, amount: $0.amount, source: $0.source) }
        case "公务用车运行费明细":
            return figures.vehicleRunningDetails
        default:
            return []
        }
    }

    // MARK: Messages

    /// How a row is named in messages: "第27行（本年收入合计）", "2010301 行政运行", "合计".
    func describeRow(_ cell: CellRef) -> String {
        guard let table = cell.table else { return "“\(cell.row)”" }
        let label = disclosure[table]?.rows.first { $0.key.description == cell.row }?.label ?? ""
        if StandardLayout.rowKind(table) == .lines {
            return label.isEmpty ? "第\(cell.row)行" : "第\(cell.row)行（\(label.trimmingSpaces())）"
        }
        if StandardLayout.rowKind(table) == .single { return "" }
        if cell.row.first?.isASCIIDigit == true { return label.isEmpty ? cell.row : "\(cell.row) \(label)" }
        return "“\(cell.row)”行"
    }

    /// How a column is named: "第1栏（本年收入合计）".
    func describeColumn(_ cell: CellRef) -> String {
        guard let table = cell.table, let number = cell.column else { return "" }
        let name = disclosure[table]?.column(number).map { ($0.groups + [$0.name]).joined() } ?? ""
        return name.isEmpty ? "第\(number)栏" : "第\(number)栏（\(name)）"
    }

    func render(_ template: String, anchor: CellRef?, stated: Money, expected: Money, difference: Money,
                extra: [String: String] = [:]) -> String {
        var values: [String: String] = [
            "stated": stated.description,
            "expected": expected.description,
            "difference": difference.description,
            "table": anchor?.table?.description ?? "",
            "row": anchor.map(describeRow) ?? "",
            "column": anchor.map(describeColumn) ?? "",
        ]
        values.merge(extra) { _, new in new }
        var text = template
        for (key, value) in values { text = text.replacingOccurrences(of: "{\(key)}", with: value) }
        return text
    }
}
