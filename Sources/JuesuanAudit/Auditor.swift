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
        var narrative = NarrativeChecks(report: report, rules: rules, catalog: catalog)
        narrative.run()
        return findings + narrative.findings
    }
}
