import Foundation
import JuesuanRules

/// The rule catalogue as a Markdown table, for `juesuan rules` and docs/rules.md.
public enum RuleCatalogueDoc {
    /// One section per family, one row per rule: id, severity, title, check.
    public static func markdown(_ catalogue: RuleCatalogue) -> String {
        var out = ""
        var families: [String] = []
        for rule in catalogue.rules where !families.contains(rule.family) { families.append(rule.family) }
        for family in families {
            out += "\n### \(family)\n\n| 编号 | 级别 | 规则 | 检查 |\n|---|---|---|---|\n"
            for rule in catalogue.rules where rule.family == family {
                let check = rule.checkText.replacingOccurrences(of: "|", with: "\\|")
                let when = rule.when.map { _ in "（仅当收支全部为一般公共预算财政拨款）" } ?? ""
                let columns = rule.columns.isEmpty ? "" : "，$col ∈ {\(rule.columns.map(String.init).joined(separator: ","))}"
                out += "| `\(rule.id)` | \(rule.severity.chineseName) | \(rule.title)\(when) | `\(check)`\(columns) |\n"
            }
        }
        return out
    }
}
