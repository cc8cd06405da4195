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

    public func audit(_ report: PublishedReport) -> [Finding] {
        // A published report is audited for what it says, not for how complete a dataset is; only the
        // unfilled template is said, and then alone: a template has nothing else worth a finding.
        let audited = RuleCatalogue(rules: rules.rules.filter { !$0.id.hasPrefix("D-") || $0.id == "D-TEMPLATE" })
        var findings = Checker(catalogue: audited, catalog: catalog).check(report.disclosure)
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
        var checked = report
        let unreliable = Self.unreliableTables(findings, report.disclosure)
        for (id, errors) in unreliable.sorted(by: { $0.key < $1.key }) {
            findings.removeAll { finding in
                finding.severity != .info && (finding.table == id || finding.cells.contains { $0.table == id })
            }
            checked.disclosure.tables[id] = nil
            if let rule = rules.rule("T-UNREADABLE") {
                let line = report.disclosure[id]?.rows.compactMap { $0.source?.line }.filter { $0 > 0 }.min()
                let ruleNames = Array(Set(errors.map(\.rule))).sorted().prefix(4).joined(separator: "、")
                let message = rule.message.replacingOccurrences(of: "{table}", with: id.description)
                    .replacingOccurrences(of: "{line}", with: line.map(String.init) ?? "?")
                    .replacingOccurrences(of: "{count}", with: String(errors.count))
                    .replacingOccurrences(of: "{rules}", with: ruleNames)
                findings.append(Finding(rule: rule.id, severity: rule.severity, message: message, table: id,
                                        line: line, page: line.flatMap(report.page(ofLine:)), family: rule.family))
            }
        }
        var narrative = NarrativeChecks(report: checked, rules: rules, catalog: catalog)
        narrative.run()
        return findings + narrative.findings
    }
}
