import Foundation
import Juesuan

/// What consolidation needs of a version — every table row's cells, the narrative figures, the
/// staffing — in a line format that reads back many times faster than the dataset's JSON (a
/// 主管部门 of a thousand units sums a thousand of these). Written with each version.
///
///     Y	2021
///     F	{figures as JSON}
///     S	[staffing as JSON]
///     T	<table>	<unit>	{"columns":…,"notes":…}
///     R	<table>	<l|f|e|n><key>	<label>	<column>:<fen>;<column>:<fen>
enum Summary {
    struct Meta: Codable {
        var columns: [TableColumn]
        var notes: [String]
    }

    static func clean(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 9 || $0 == 10 || $0 == 13 }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { ["\t", "\n", "\r"].contains($0) ? " " : $0 }))
    }

    static func encode(_ disclosure: Disclosure) -> String {
        var out = "Y\t\(disclosure.year)\n"
        out += "F\t" + Cycle.compact(disclosure.figures) + "\n"
        out += "S\t" + Cycle.compact(disclosure.overview.staffing) + "\n"
        for id in TableID.allCases {
            guard let table = disclosure[id] else { continue }
            out += "T\t\(id.rawValue)\t\(table.unit.rawValue)\t" + Cycle.compact(Meta(columns: table.columns, notes: table.notes)) + "\n"
            for row in table.rows {
                let key: String
                switch row.key {
                case .line(let number): key = "l\(number)"
                case .function(let code): key = "f" + code.digits
                case .economic(let code): key = "e" + code.digits
                case .named(let name): key = "n" + clean(name)
                }
                let cells = row.cells.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.fen)" }.joined(separator: ";")
                out += "R\t\(id.rawValue)\t\(key)\t\(clean(row.label))\t\(cells)\n"
            }
        }
        return out
    }

    /// The disclosures of `texts` (only what consolidation reads), or nil when one is malformed.
    static func decode(_ texts: [String]) -> [Disclosure]? {
        // Table metadata is the same for every unit of one layout: read once per distinct text.
        let metas = MetaCache()
        let results = Parallel.map(texts.count) { index in decodeOne(texts[index], metas: metas) }
        guard results.allSatisfy({ $0 != nil }) else { return nil }
        return results.map { $0! }
    }

    final class MetaCache: @unchecked Sendable {
        private let lock = NSLock()
        private var cache: [Substring: Meta] = [:]
        func meta(_ json: Substring) -> Meta? {
            lock.lock()
            if let found = cache[json] { lock.unlock(); return found }
            lock.unlock()
            guard let meta = try? JSONDecoder().decode(Meta.self, from: Data(json.utf8)) else { return nil }
            lock.lock(); cache[json] = meta; lock.unlock()
            return meta
        }
    }

    /// A decimal integer written in ASCII ("-12", "305"), or nil.
    static func integer(_ bytes: Substring.UTF8View) -> Int64? {
        var value: Int64 = 0
        var negative = false
        var digits = 0
        for (offset, byte) in bytes.enumerated() {
            if offset == 0, byte == UInt8(ascii: "-") { negative = true; continue }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            digits += 1
        }
        guard digits > 0 else { return nil }
        return negative ? -value : value
    }

    static func decodeOne(_ text: String, metas: MetaCache) -> Disclosure? {
        var disclosure = Disclosure(unit: "", year: 0)
        var rows: [TableID: [TableRow]] = [:]
        var tables: [TableID: Table] = [:]
        // Split by bytes: the separators are ASCII, and splitting by characters (grapheme clusters) of the
        // Chinese labels was most of a 汇总's time.
        for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).map { Substring($0) }
            guard let kind = fields.first else { return nil }
            switch kind {
            case "Y":
                guard fields.count == 2, let year = Int(fields[1]) else { return nil }
                disclosure.year = year
            case "F":
                guard fields.count == 2, let figures = try? JSONDecoder().decode(NarrativeFigures.self, from: Data(fields[1].utf8)) else { return nil }
                disclosure.figures = figures
            case "S":
                guard fields.count == 2, let staffing = try? JSONDecoder().decode([Headcount].self, from: Data(fields[1].utf8)) else { return nil }
                disclosure.overview.staffing = staffing
            case "T":
                guard fields.count == 4, let number = Int(fields[1]), let id = TableID(rawValue: number),
                      let unit = MoneyUnit(rawValue: String(fields[2])), let meta = metas.meta(fields[3]) else { return nil }
                tables[id] = Table(id: id, title: "", department: "", unit: unit, columns: meta.columns, rows: [], notes: meta.notes)
            case "R":
                guard fields.count == 5, let number = Int(fields[1]), let id = TableID(rawValue: number), let tag = fields[2].first else { return nil }
                let keyText = String(fields[2].dropFirst())
                let key: RowKey
                switch tag {
                case "l": guard let line = Int(keyText) else { return nil }; key = .line(line)
                case "f": guard let code = FunctionCode(keyText) else { return nil }; key = .function(code)
                case "e": guard let code = EconomicCode(keyText) else { return nil }; key = .economic(code)
                case "n": key = .named(keyText)
                default: return nil
                }
                var cells: [Int: Money] = [:]
                for pair in fields[4].utf8.split(separator: UInt8(ascii: ";")) {
                    guard let colon = pair.firstIndex(of: UInt8(ascii: ":")), let column = integer(pair[..<colon]),
                          let fen = integer(pair[pair.index(after: colon)...]) else {
                        return nil
                    }
                    cells[Int(column)] = Money(fen: fen)
                }
                rows[id, default: []].append(TableRow(key: key, label: String(fields[3]), cells: cells))
            default:
                return nil
            }
        }
        for (id, var table) in tables {
            table.rows = rows[id] ?? []
            disclosure.tables[id] = table
        }
        return disclosure
    }
}
