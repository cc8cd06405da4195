import JuesuanCore

/// Writes ledgers in the CSV format `LedgerReader` reads.
public enum LedgerWriter {
    /// The header line.
    public static var header: String { LedgerReader.columns.joined(separator: ",") + "\n" }

    /// The rows of `ledger` (no header), amounts in 元 with two decimals.
    public static func rows(_ ledger: Ledger, into out: inout String) {
        let unit = CSVText.field(ledger.unit), year = String(ledger.year)
        func row(_ type: String, _ function: String = "", _ economic: String = "", _ source: String = "", _ nature: String = "",
                 _ project: String = "", _ tag: String = "", amount: Money) {
            out += unit; out += ","; out += year; out += ","; out += type; out += ","; out += function; out += ","
            out += economic; out += ","; out += source; out += ","; out += nature; out += ","; out += CSVText.field(project); out += ","
            out += tag; out += ","; out += amount.formatted(unit: .yuan, decimals: 2, grouping: false); out += "\n"
        }
        for balance in ledger.opening {
            row(LedgerReader.openingType, balance.function?.digits ?? "", "", balance.source.rawValue, amount: balance.amount)
        }
        for posting in ledger.postings {
            let tag = posting.threeCosts.map { $0.rawValue + (posting.threeCostsDetail.map { "/" + $0 } ?? "") } ?? ""
            row(posting.kind.rawValue, posting.function.digits, posting.economic?.digits ?? "", posting.source.rawValue,
                posting.nature?.rawValue ?? "", posting.project ?? "", tag, amount: posting.amount)
        }
        for balance in ledger.closing {
            row(LedgerReader.closingType, balance.function?.digits ?? "", "", balance.source.rawValue, amount: balance.amount)
        }
        for category in ThreeCosts.allCases {
            if let amount = ledger.threeCostsBudget[category] { row(LedgerReader.threeCostsBudgetType, "", "", "", "", "", category.rawValue, amount: amount) }
        }
        for (code, amount) in ledger.initialBudget { row(LedgerReader.initialBudgetType, code.digits, amount: amount) }
    }

    /// A whole file: the header and every ledger.
    public static func csv(_ ledgers: [Ledger]) -> String {
        var out = header
        for ledger in ledgers { rows(ledger, into: &out) }
        return out
    }
}
