import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanRules

/// Audits a published budget (部门预算 / 单位预算): each table's own sums, the tables against each
/// other through the layout's named figures, and the 编制说明 against the tables and itself. The same
/// judgement as for final accounts: a printed figure is right when its rounding allows it, a slip of
/// one last digit is a warning, a table that cannot be read with certainty is said once and not judged.
public struct BudgetAuditor: Sendable {
    public var rules: RuleCatalogue
    /// The final-accounts catalogue, for the checks of language both kinds share (X-CUT, X-REPEAT …).
    public var language: RuleCatalogue
    public var catalog: Catalog

    public init(rules: RuleCatalogue, language: RuleCatalogue, catalog: Catalog) {
        self.rules = rules
        self.language = language
        self.catalog = catalog
    }

    public func audit(_ document: BudgetDocument) -> [Finding] {
        var run = BudgetRun(document: document, rules: rules)
        run.checkTables()
        // Confidence before findings: a table whose own sums fail on many rows was misread (a column the
        // layout does not know, figures under the wrong row), not misprinted. Said once; its figures unused.
        run.dropUnreliableTables()
        run.checkEquations()
        run.checkProse()
        // Language and form, shared with the final accounts.
        let disclosure = Disclosure(unit: document.department, year: document.year)
        let report = PublishedReport(text: document.text, disclosure: disclosure, passages: document.passages)
        var narrative = NarrativeChecks(report: report, rules: language, catalog: catalog)
        let scanned = document.passages.map { passage -> (Passage, [Character], [Mention]) in
            let characters = passage.characters.isEmpty ? Array(passage.text) : passage.characters
            return (passage, characters, MentionScanner.scan(characters))
        }
        narrative.checkLanguage(scanned)
        // In the order printed: the same document always gives the same list.
        return (run.findings + narrative.findings).enumerated()
            .sorted { ($0.element.line ?? 0, $0.element.rule, $0.offset) < ($1.element.line ?? 0, $1.element.rule, $1.offset) }.map(\.element)
    }
}

/// One audit of one budget document.
struct BudgetRun {
    var document: BudgetDocument
    let rules: RuleCatalogue
    var findings: [Finding] = []

    init(document: BudgetDocument, rules: RuleCatalogue) {
        self.document = document
        self.rules = rules
    }

    mutating func add(_ id: String, line: Int?, values: [String: String], stated: String? = nil, expected: String? = nil,
                      severity: Severity? = nil, note: String? = nil) {
        guard let rule = rules.rule(id) else { return }
        var message = rule.message
        var all = values
        all["stated"] = all["stated"] ?? stated ?? ""
        all["expected"] = all["expected"] ?? expected ?? ""
        for (key, value) in all { message = message.replacingOccurrences(of: "{\(key)}", with: value) }
        if let note { message += note }
        findings.append(Finding(rule: rule.id, severity: severity ?? rule.severity, message: message, row: values["row"], stated: stated,
                                expected: expected, line: line, page: line.flatMap(document.page(ofLine:)), family: rule.family))
    }

    static func text(_ money: Money, _ unit: MoneyUnit) -> String { money.formatted(unit: unit, decimals: 2) }

    // MARK: Tables

    mutating func checkTables() {
        for spec in document.layout.tables {
            guard let table = document.tables[spec.id] else {
                add("B-TABLE-MISSING", line: nil, values: ["table": spec.name, "layout": document.layout.name])
                continue
            }
            if table.isEmpty && !table.unsureColumns.isEmpty && table.emptyNote == nil {
                add("B-TABLE-UNSURE", line: table.titleLine,
                    values: ["table": spec.name, "line": String(table.titleLine), "columns": "表中印有数字，但读不出行与栏，全部栏"])
                continue
            }
            if table.isEmpty {
                if let note = table.emptyNote {
                    let funds = ["一般公共预算", "政府性基金", "国有资本经营"]
                    if let fund = spec.fund, !note.text.includes(fund), let other = funds.first(where: { note.text.includes($0) && $0 != fund }) {
                        add("B-EMPTY-FUND", line: note.line, values: ["table": spec.name, "fund": fund, "excerpt": note.text], stated: other)
                    }
                } else if spec.shape != .ledger {
                    add("B-EMPTY", line: table.titleLine, values: ["table": spec.name, "line": String(table.titleLine)])
                }
                continue
            }
            if !table.unsureColumns.isEmpty {
                let names = table.unsureColumns.sorted().map { spec.columns[$0] }.joined(separator: "、")
                add("B-TABLE-UNSURE", line: table.titleLine, values: ["table": spec.name, "line": String(table.titleLine), "columns": names])
            }
            switch spec.shape {
            case .functional, .economic: if table.unsureColumns.isEmpty { checkRollup(table) }
            default: break
            }
            if spec.shape != .single || table.unsureColumns.isEmpty { checkRows(table) }
        }
    }

    mutating func dropUnreliableTables() {
        for (id, table) in document.tables {
            let failing = findings.filter { ($0.rule == "B-ROLLUP" || $0.rule == "B-ROW") && $0.message.hasPrefix("“\(table.spec.name)”") }
            let rows = Set(failing.compactMap(\.line))
            let printed = table.rows.filter { !$0.cells.isEmpty }.count
            guard rows.count >= 3, rows.count * 4 >= printed else { continue }
            findings.removeAll { failing.contains($0) }
            document.unreliable.insert(id)
            let names = Array(Set(failing.map(\.rule))).sorted().joined(separator: "、")
            add("B-TABLE-UNSURE", line: table.titleLine,
                values: ["table": table.spec.name, "line": String(table.titleLine), "columns": "\(rows.count) 行的 \(names) 不成立，表没有按版式读准，全部栏"])
        }
    }

    /// Within the tolerance of printed rounding: n figures each within half a unit of their last decimal.
    static func within(_ difference: Int64, slack: Int64, count: Int) -> Bool {
        abs(difference) <= slack * Int64(max(2, count - 1))
    }

    mutating func checkRollup(_ table: BudgetTable) {
        let rows = table.rows
        let columns = table.spec.columns.count
        func children(of parent: BudgetRow?) -> [BudgetRow] {
            guard let parent else { return rows.filter { $0.code.count == 3 } }
            let length = parent.code.count + 2
            return rows.filter { $0.code.count == length && $0.code.hasPrefix(parent.code) }
        }
        var parents: [BudgetRow?] = rows.filter { !$0.code.isEmpty && $0.code.count < 7 }
        if let total = table.total, !total.cells.isEmpty { parents.append(total) }
        for parent in parents {
            guard let parentRow = parent else { continue }
            let kids = children(of: parentRow.isTotal ? nil : parentRow)
            guard !kids.isEmpty else { continue }
            for column in 0..<columns {
                let stated = parentRow.cells[column]?.amount ?? .zero
                let sum = kids.reduce(Money.zero) { $0 + ($1.cells[column]?.amount ?? .zero) }
                let slack = (parentRow.cells[column] ?? kids.compactMap { $0.cells[column] }.first)?.slackFen ?? 0
                guard !Self.within(stated.fen - sum.fen, slack: slack, count: kids.count + 1) else { continue }
                let place = parentRow.isTotal ? "合计行" : "\(parentRow.code) \(parentRow.label)\(BudgetLine.note(parentRow.line))"
                add("B-ROLLUP", line: parentRow.line,
                    values: ["table": table.spec.name, "row": place, "column": table.spec.columns[column],
                             "difference": Self.text(stated - sum, table.unit) + " " + table.unit.rawValue],
                    stated: Self.text(stated, table.unit), expected: Self.text(sum, table.unit))
            }
        }
    }

    mutating func checkRows(_ table: BudgetTable) {
        for sum in table.spec.sums ?? [] {
            // A sum over columns this document does not print is not judged.
            if !table.presentColumns.isEmpty && !sum.allSatisfy(table.presentColumns.contains) { continue }
            if sum.contains(where: table.unsureColumns.contains) { continue }
            for row in table.rows where !row.cells.isEmpty {
                let stated = row.cells[sum[0]]?.amount ?? .zero
                let parts = sum.dropFirst().reduce(Money.zero) { $0 + (row.cells[$1]?.amount ?? .zero) }
                let slack = row.cells.values.first?.slackFen ?? 0
                guard !Self.within(stated.fen - parts.fen, slack: slack, count: sum.count) else { continue }
                let place = row.isTotal ? "合计行" : "\(row.code) \(row.label)\(BudgetLine.note(row.line))"
                add("B-ROW", line: row.line,
                    values: ["table": table.spec.name, "row": place, "column": table.spec.columns[sum[0]],
                             "parts": sum.dropFirst().map { "“\(table.spec.columns[$0])”" }.joined(separator: "、"),
                             "difference": Self.text(stated - parts, table.unit) + " " + table.unit.rawValue],
                    stated: Self.text(stated, table.unit), expected: Self.text(parts, table.unit))
            }
        }
    }

    // MARK: Between tables

    /// Rules with an equation over the layout's named figures: "a = b + c − d". Silent when a name is not
    /// in the layout or was not read.
    mutating func checkEquations() {
        for rule in rules.rules where rule.check == .budget && rule.checkText.includes("=") {
            let sides = rule.checkText.split(separator: "=").map { String($0).trimmingCharacters(in: .whitespaces) }
            guard sides.count == 2 else { continue }
            func terms(_ side: String) -> [(sign: Int64, name: String)] {
                var result: [(Int64, String)] = []
                var sign: Int64 = 1
                for word in side.split(separator: " ") {
                    if word == "+" { sign = 1 } else if word == "-" || word == "−" { sign = -1 } else { result.append((sign, String(word))) }
                }
                return result
            }
            let left = terms(sides[0]), right = terms(sides[1])
            var figures: [BudgetFigure] = []
            var values: [Int64] = []
            var missing = false
            for (_, name) in left + right {
                guard let figure = document.fact(name) else { missing = true; break }
                figures.append(figure)
                values.append(figure.amount.fen)
            }
            guard !missing else { continue }
            let a = zip(left, values.prefix(left.count)).reduce(Int64(0)) { $0 + $1.0.sign * $1.1 }
            let b = zip(right, values.dropFirst(left.count)).reduce(Int64(0)) { $0 + $1.0.sign * $1.1 }
            let slack = figures.map(\.slackFen).max() ?? 0
            guard !Self.within(a - b, slack: slack, count: figures.count) else { continue }
            let unit = figures.contains { $0.unit == .yuan } ? MoneyUnit.yuan : .wan
            add(rule.id, line: figures.first?.line,
                values: ["a": Self.text(Money(fen: a), unit) + " " + unit.rawValue, "b": Self.text(Money(fen: b), unit) + " " + unit.rawValue,
                         "difference": Self.text(Money(fen: a - b), unit) + " " + unit.rawValue],
                stated: Self.text(Money(fen: a), unit), expected: Self.text(Money(fen: b), unit))
        }
    }
}
