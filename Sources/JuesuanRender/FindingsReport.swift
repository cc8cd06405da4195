import Foundation
import JuesuanCore
import JuesuanRules

/// Writes findings as the Chinese text report or the `juesuan.findings/1` JSON document.
public enum FindingsReport {
    /// The JSON document of DESIGN.md (`juesuan.findings/1`), from `FindingsDocument`.
    public static func json(_ findings: [Finding], unit: String, year: Int, source: String) -> String {
        FindingsDocument(findings, unit: unit, year: year, source: source).json()
    }

    /// The text report: findings grouped by table, most severe first within each group, then a summary.
    public static func text(_ findings: [Finding], unit: String, year: Int, includeInfo: Bool = true, kind: String = "部门决算") -> String {
        let shown = findings.filter { includeInfo || $0.severity != .info }
        guard !shown.isEmpty else { return "" }
        var out = "\(unit) \(year) 年度\(kind)检查结果\n"
        let groups = Dictionary(grouping: shown) { $0.table?.description ?? $0.family ?? "其他" }
        var order = TableID.allCases.map(\.description)
        for finding in shown where !order.contains(finding.table?.description ?? finding.family ?? "其他") {
            order.append(finding.table?.description ?? finding.family ?? "其他")
        }
        for key in order {
            guard let group = groups[key] else { continue }
            out += "\n【\(key)】\n"
            for finding in group.sorted(by: { $0.severity > $1.severity }) {
                var place = ""
                if let source = finding.source { place = source.line > 0 ? " \(source)" : " \(source.file)" }
                if let line = finding.line { place = " 第\(line)行" + (finding.page.map { "（第\($0)页）" } ?? "") }
                out += "  \(finding.severity.chineseName) \(finding.rule)\(place)\n    \(finding.message)\n"
            }
        }
        out += "\n共 \(findings.count(.error)) 个错误，\(findings.count(.warning)) 个警告，\(findings.count(.info)) 个提示。\n"
        return out
    }

    /// A JSON string literal.
    public static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
