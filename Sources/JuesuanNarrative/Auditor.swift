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
        var findings = Checker(catalogue: rules, catalog: catalog).check(report.disclosure)
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
