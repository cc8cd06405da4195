import JuesuanCore

/// Runs a rule catalogue over a disclosure and collects every finding (never stops at the first).
public struct Checker: Sendable {
    /// The rules to run.
    public var catalogue: RuleCatalogue
    /// The classification catalogue (class order of 表1, code names).
    public var catalog: Catalog

    /// Half a printed hundredth of 万元 (0.005 万元 = 50 元), the rounding error of one printed figure.
    public static let halfPrintedUnit = Money(fen: 5_000)

    public init(catalogue: RuleCatalogue, catalog: Catalog) {
        self.catalogue = catalogue
        self.catalog = catalog
    }

    /// Every finding of every rule on `disclosure`, in catalogue order.
    public func check(_ disclosure: Disclosure) -> [Finding] {
        let context = EvaluationContext(disclosure: disclosure, catalog: catalog)
        var findings: [Finding] = []
        let scored = catalogue.rules.contains { if case .performance = $0.check { true } else { false } }
            ? PerformanceChecks.score(disclosure) : nil
        for rule in catalogue.rules {
            switch rule.check {
            case .equation(let equation): findings += checkEquation(rule, equation, context)
            case .rollup(let table): findings += RollupCheck.run(rule, table: table, context: context)
            case .unknownCode, .codeName, .missingParent: findings += CodeChecks.run(rule, context: context)
            case .narrative, .crossYear, .budget:
                continue
            case .missingTable:
                for id in TableID.allCases where disclosure[id] == nil {
                    findings.append(Finding(rule: rule.id, severity: rule.severity,
                                            message: context.render(rule.message, anchor: CellRef(table: id, row: "", column: nil),
                                                                    stated: .zero, expected: .zero, difference: .zero),
                                            table: id))
                }
            case .performance(let kind): findings += PerformanceChecks.run(rule, kind: kind, scored: scored, context: context)
            case .completeness(let kind): findings += CompletenessChecks.run(rule, kind: kind, context: context)
            }
        }
        let families = Dictionary(catalogue.rules.map { ($0.id, $0.family) }, uniquingKeysWith: { a, _ in a })
        for index in findings.indices { findings[index].family = families[findings[index].rule] }
        return findings
    }

    /// The rounding tolerance of an equation over `printed` printed figures: 0.005 万元 per figure
    /// beyond the first, and never less than 0.01 when two or more figures are compared (the same
    /// quantity printed in two tables is often rounded along different paths).
    public static func tolerance(printed: Int) -> Money {
        guard printed >= 2 else { return .zero }
        return Money(fen: halfPrintedUnit.fen * Int64(max(2, printed - 1)))
    }

    /// The row as findings name it; nil for 表7, whose single row has no name.
    static func rowName(_ term: Term) -> String? {
        guard let table = term.cell.table else { return term.cell.row }
        return StandardLayout.rowKind(table) == .single ? nil : term.cell.row
    }

    // MARK: Equations

    func checkEquation(_ rule: Rule, _ equation: Equation, _ context: EvaluationContext) -> [Finding] {
        var findings: [Finding] = []
        for binding in context.bindings(for: equation, columns: rule.columns) {
            if let condition = rule.when {
                guard let left = try? context.evaluate(condition.left, binding),
                      let right = try? context.evaluate(condition.right, binding), left.value == right.value else { continue }
            }
            guard let left = try? context.evaluate(equation.left, binding),
                  let right = try? context.evaluate(equation.right, binding) else { continue }
            // Amounts are bounded when read (MoneyParser.maximumFen); a difference that still does not
            // fit means absurd input, and the rule is passed over rather than trapping.
            guard let difference = left.value.subtracting(right.value), difference != Money(fen: .min) else { continue }
            let violated: Bool
            switch equation.relation {
            case .equal: violated = difference != .zero
            case .atMost: violated = difference > .zero
            }
            guard violated else { continue }
            let terms = left.terms + right.terms
            let printed = terms.filter { $0.value != nil }.count
            let tolerance = Checker.tolerance(printed: printed)
            let severity: Severity = difference.magnitude <= tolerance ? .info : rule.severity
            let anchor = left.terms.first ?? right.terms.first
            var message = context.render(rule.message, anchor: anchor?.cell, stated: left.value, expected: right.value,
                                         difference: difference)
            if severity == .info && rule.severity != .info {
                message += "（相差 \(difference.magnitude)，在 \(printed) 个印出数各自四舍五入的误差之内，属尾差）"
            }
            findings.append(Finding(rule: rule.id, severity: severity, message: message,
                                    table: anchor?.cell.table, row: anchor.flatMap(Checker.rowName), column: anchor?.cell.column,
                                    stated: left.value.description, expected: right.value.description,
                                    source: anchor?.source, cells: terms.map(\.cell)))
        }
        return findings
    }
}
