import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanRules

/// Audits a published report: the table rules on the tables read back, then the prose against the
/// tables and itself. Findings carry the line (and page) where the stated figure is printed.
public struct Auditor: Sendable {
    public var rules: RuleCatalogue
    public var catalog: Catalog

    public init(rules: RuleCatalogue, catalog: Catalog) {
        self.rules = rules
        self.catalog = catalog
    }

    /// Tables read from a report whose formulas fail so widely that the reading, not the table, is
    /// wrong: errors of its own rules on at least five rows, and on at least a quarter of its rows with
    /// figures. A table printed with one wrong figure fails on its row and a parent or two; a column
    /// read out of place fails on most rows.
    static func unreliableTables(_ findings: [Finding], _ disclosure: Disclosure) -> [TableID: [Finding]] {
        var result: [TableID: [Finding]] = [:]
        for (id, table) in disclosure.tables {
            let errors = findings.filter { $0.severity == .error && $0.table == id && $0.rule.hasPrefix("T") && $0.rule != "T-MISSING" }
            let rows = Set(errors.compactMap(\.row))
            let printed = table.rows.filter { !$0.cells.isEmpty }.count
            if rows.count >= 5 && rows.count * 4 >= printed { result[id] = errors }
        }
        return result
    }

    /// Tables whose text was extracted cell by cell (by tools that do not keep the printed lines): many
    /// lines of the table hold amounts and nothing else, so the figures cannot be put on their rows. A
    /// table read by the positions of its words is never one of them; a wrapped name leaves one or two
    /// such lines, not half the table.
    static func scatteredTables(_ report: PublishedReport) -> [(TableID, Int)] {
        var result: [(TableID, Int)] = []
        for (id, range) in report.tableRanges where report.readings[id] != .position {
            guard let table = report.disclosure[id] else { continue }
            var alone = 0
            for index in range where index < report.text.lines.count {
                let text = report.text.lines[index].text
                guard text.contains(".") else { continue }
                func amount(_ word: Substring) -> Bool { word.contains(".") && word.allSatisfy { $0.isNumber || $0 == "." || $0 == "," || $0 == "-" } }
                let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard let first = words.first, amount(first) else { continue }
                // Only amounts; or an amount before the next row's code and name (the figure of the row
                // above, carried down).
                if words.allSatisfy(amount) || (words.count >= 2 && words[1].allSatisfy(\.isNumber) && words[1].count >= 3) {
                    alone += 1
                }
            }
            let rows = table.rows.filter { !$0.cells.isEmpty }.count
            // A single-row table (三公) prints its figures without a name; elsewhere figures on a line of
            // their own outnumber the rows that carry figures, or stand beside a table of one row at most.
            let singleRow = !table.rows.isEmpty && table.rows.allSatisfy { $0.key == StandardLayout.singleRow }
            if (alone >= 3 && alone > rows) || (!singleRow && alone >= 1 && rows <= 1) { result.append((id, alone)) }
        }
        return result.sorted { $0.0 < $1.0 }
    }

    /// Code tables read with figures in their rows but no 合计 line (an extraction that dropped it): the
    /// total was not read — not printed as zero. Each gets its 合计 from its classes (类) for what is
    /// compared with it, and is named so that no finding rests on that derived row.
    static func missingTotals(_ disclosure: inout Disclosure) -> [TableID] {
        var missing: [TableID] = []
        for id in [TableID.t2, .t3, .t5, .t8, .t9] {
            guard var table = disclosure[id] else { continue }
            let classes = table.rows.filter { row in
                if case .function(let code) = row.key { return code.level == .category && !row.cells.isEmpty }
                return false
            }
            guard !classes.isEmpty, table.row(.total)?.cells.isEmpty ?? true else { continue }
            var cells: [Int: Money] = [:]
            for row in classes { for (column, amount) in row.cells { cells[column, default: .zero] += amount } }
            table.rows.removeAll { $0.key == .total }
            table.rows.insert(TableRow(key: .total, label: "合计", cells: cells), at: 0)
            disclosure.tables[id] = table
            missing.append(id)
        }
        return missing
    }

    /// Tables whose failing rows show a misreading pattern: with errors of its own rules on at least two
    /// rows, exchanging the figures of two neighbouring rows (figures read under the wrong row, as when
    /// a long name wraps) makes every one of those errors go away. Such a table was misread, not
    /// misprinted.
    func misreadTables(_ findings: [Finding], _ disclosure: Disclosure, checker: Checker) -> [TableID: [Finding]] {
        var result: [TableID: [Finding]] = [:]
        // The table's own formulas and its agreement with the other tables (T-…, X-…) on its rows.
        func tableErrors(_ all: [Finding], _ id: TableID) -> [Finding] {
            all.filter { $0.severity == .error && $0.table == id && ($0.rule.hasPrefix("T") || $0.rule.hasPrefix("X-T")) && $0.rule != "T-MISSING" }
        }
        for (id, table) in disclosure.tables {
            let errors = tableErrors(findings, id)
            let failing = Set(errors.compactMap(\.row))
            guard failing.count >= 2, table.rows.count <= 200 else { continue }
            let indices = table.rows.indices.filter { !table.rows[$0].cells.isEmpty || table.rows[$0].key != .total }
            // Only pairs that touch a failing row or one of its children can explain its failure.
            let touched = Set(table.rows.indices.filter { index in
                let key = table.rows[index].key.description
                return failing.contains { key == $0 || key.hasPrefix($0) }
            })
            for (a, b) in zip(indices, indices.dropFirst()) where touched.contains(a) || touched.contains(b) {
                guard table.rows[a].cells != table.rows[b].cells else { continue }
                var swapped = disclosure
                var copy = table
                (copy.rows[a].cells, copy.rows[b].cells) = (copy.rows[b].cells, copy.rows[a].cells)
                swapped.tables[id] = copy
                if tableErrors(checker.check(swapped), id).isEmpty {
                    result[id] = errors
                    break
                }
            }
        }
        return result
    }

    public func audit(_ report: PublishedReport) -> [Finding] {
        // A published report is audited for what it says, not for how complete a dataset is; only the
        // unfilled template is said, and then alone: a template has nothing else worth a finding.
        let audited = RuleCatalogue(rules: rules.rules.filter { !$0.id.hasPrefix("D-") || $0.id == "D-TEMPLATE" })
        var read = report
        let derivedTotals = Self.missingTotals(&read.disclosure)
        var findings = Checker(catalogue: audited, catalog: catalog).check(read.disclosure)
        // Nothing is judged on a 合计 that was not read.
        findings.removeAll { finding in
            finding.severity != .info && derivedTotals.contains { id in
                (finding.table == id && finding.row == RowKey.total.description)
                    || finding.cells.contains { $0.table == id && $0.row == RowKey.total.description }
            }
        }
        for id in derivedTotals {
            if let rule = rules.rule("T-NO-TOTAL") {
                let line = read.disclosure[id]?.rows.compactMap { $0.source?.line }.filter { $0 > 0 }.min()
                let message = rule.message.replacingOccurrences(of: "{table}", with: id.description)
                    .replacingOccurrences(of: "{line}", with: line.map(String.init) ?? "?")
                findings.append(Finding(rule: rule.id, severity: rule.severity, message: message, table: id,
                                        line: line, page: line.flatMap(report.page(ofLine:)), family: rule.family))
            }
        }
        if var template = findings.first(where: { $0.rule == "D-TEMPLATE" }) {
            template.source = SourceLocation(file: report.text.source, line: 1)
            template.line = 1
            template.page = 1
            return [template]
        }
        for index in findings.indices {
            if let source = findings[index].source, source.file == report.text.source, source.line > 0 {
                findings[index].line = source.line
                findings[index].page = report.page(ofLine: source.line)
            }
        }
        // Confidence before findings: a table whose own formulas fail all over was misread, not
        // misprinted. It is reported once, and nothing is judged on its guessed numbers.
        var checked = read
        var unreliable = Self.unreliableTables(findings, read.disclosure)
        for (id, errors) in misreadTables(findings, read.disclosure, checker: Checker(catalogue: audited, catalog: catalog))
        where unreliable[id] == nil {
            unreliable[id] = errors
        }
        var scattered: [TableID: Int] = [:]
        for (id, alone) in Self.scatteredTables(report) where unreliable[id] == nil {
            unreliable[id] = findings.filter { $0.severity == .error && $0.table == id }
            scattered[id] = alone
        }
        for (id, errors) in unreliable.sorted(by: { $0.key < $1.key }) {
            findings.removeAll { finding in
                finding.severity != .info && (finding.table == id || finding.cells.contains { $0.table == id })
            }
            checked.disclosure.tables[id] = nil
            if let rule = rules.rule("T-UNREADABLE") {
                let line = report.disclosure[id]?.rows.compactMap { $0.source?.line }.filter { $0 > 0 }.min()
                    ?? report.tableRanges[id].map { $0.lowerBound }
                let ruleNames = Array(Set(errors.map(\.rule))).sorted().prefix(4).joined(separator: "、")
                let reason = scattered[id].map { "表中有 \($0) 行只有金额、没有项目名称（文字是逐格提取的，各数无法对应到所在的行）" }
                    ?? "按读出的数，表内有 \(errors.count) 处公式或汇总不成立（\(ruleNames)），多半是读取时行或栏错位，而不是表本身有错"
                let message = rule.message.replacingOccurrences(of: "{table}", with: id.description)
                    .replacingOccurrences(of: "{line}", with: line.map(String.init) ?? "?")
                    .replacingOccurrences(of: "{reason}", with: reason)
                findings.append(Finding(rule: rule.id, severity: rule.severity, message: message, table: id,
                                        line: line, page: line.flatMap(report.page(ofLine:)), family: rule.family))
            }
        }
        var narrative = NarrativeChecks(report: checked, rules: rules, catalog: catalog)
        narrative.run()
        return findings + narrative.findings
    }
}
