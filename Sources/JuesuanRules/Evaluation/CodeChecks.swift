import JuesuanCore

/// Checks of classification codes against the catalogue: unknown codes, names that differ,
/// rows whose parent is not printed.
enum CodeChecks {
    static func run(_ rule: Rule, context: EvaluationContext) -> [Finding] {
        var findings: [Finding] = []
        for table in context.disclosure.tables.values.sorted(by: { $0.id < $1.id }) {
            let keys = Set(table.rows.map(\.key))
            for row in table.rows {
                let known: String?
                let parent: RowKey?
                let isKnown: Bool
                switch row.key {
                case .function(let code):
                    known = context.catalog.functionNames[code]
                    isKnown = context.catalog.contains(code)
                    parent = code.parent.map { .function($0) }
                case .economic(let code):
                    known = context.catalog.economicNames[code]
                    isKnown = context.catalog.contains(code)
                    parent = code.parent.map { .economic($0) }
                default:
                    continue
                }
                let code = row.key.description
                let anchor = CellRef(table: table.id, row: code, column: nil)
                let extra = ["code": code, "name": row.label, "catalogName": known ?? ""]
                let applies: Bool
                switch rule.check {
                case .unknownCode: applies = !isKnown
                case .codeName: applies = isKnown && !sameName(row.label, known ?? "")
                case .missingParent: applies = parent.map { !keys.contains($0) } ?? false
                default: applies = false
                }
                guard applies else { continue }
                let message = context.render(rule.message, anchor: anchor, stated: .zero, expected: .zero,
                                             difference: .zero, extra: extra)
                findings.append(Finding(rule: rule.id, severity: rule.severity, message: message, table: table.id,
                                        row: code, stated: row.label.isEmpty ? code : row.label,
                                        expected: rule.check == .codeName ? known : nil, source: row.source, cells: [anchor]))
            }
        }
        return findings
    }

    /// Names compared without spaces and with full-width and half-width brackets alike.
    static func sameName(_ a: String, _ b: String) -> Bool {
        func normal(_ text: String) -> String {
            String(text.filter { $0 != " " && $0 != "\u{3000}" }.map { character -> Character in
                switch character {
                case "(": "（"
                case ")": "）"
                default: character
                }
            })
        }
        return normal(a) == normal(b)
    }
}
