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

    /// Table metadata by its JSON text, looked up by the text's bytes (a hash, then the bytes compared): the
    /// same few texts come back in every unit of one layout.
    final class MetaCache: @unchecked Sendable {
        private let lock = NSLock()
        private var cache: [UInt64: [(bytes: [UInt8], meta: Meta)]] = [:]

        func meta(_ json: UnsafeBufferPointer<UInt8>) -> Meta? {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in json { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            lock.lock()
            if let found = cache[hash]?.first(where: { $0.bytes.elementsEqual(json) }) { lock.unlock(); return found.meta }
            lock.unlock()
            guard let meta = try? JSONDecoder().decode(Meta.self, from: Data(buffer: json)) else { return nil }
            lock.lock(); cache[hash, default: []].append((Array(json), meta)); lock.unlock()
            return meta
        }
    }

    /// A decimal integer written in ASCII ("-12", "305"), or nil.
    static func integer(_ bytes: Substring.UTF8View) -> Int64? {
        var copy = Substring(bytes)
        return copy.withUTF8 { integer($0[...]) }
    }

    /// The same, over bytes.
    static func integer(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Int64? {
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
        var text = text
        return text.withUTF8 { decodeOne(bytes: $0, metas: metas) }
    }

    /// Read over the text's bytes, field by field, without making a string of anything but labels and codes:
    /// the separators are ASCII (splitting by characters of the Chinese labels, then into arrays of substrings,
    /// was most of a 汇总's time).
    static func decodeOne(bytes: UnsafeBufferPointer<UInt8>, metas: MetaCache) -> Disclosure? {
        var disclosure = Disclosure(unit: "", year: 0)
        var rows: [TableID: [TableRow]] = [:]
        var tables: [TableID: Table] = [:]
        func string(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        func int(_ range: Range<Int>) -> Int? { integer(bytes[range]).flatMap { Int(exactly: $0) } }
        func json<T: Decodable>(_ type: T.Type, _ range: Range<Int>) -> T? {
            try? JSONDecoder().decode(type, from: Data(buffer: UnsafeBufferPointer(rebasing: bytes[range])))
        }
        let tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n")
        var fields: [Range<Int>] = []
        fields.reserveCapacity(5)
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != newline { lineEnd += 1 }
            defer { lineStart = lineEnd + 1 }
            guard lineEnd > lineStart else { continue }
            fields.removeAll(keepingCapacity: true)
            var fieldStart = lineStart
            for index in lineStart..<lineEnd where bytes[index] == tab {
                fields.append(fieldStart..<index)
                fieldStart = index + 1
            }
            fields.append(fieldStart..<lineEnd)
            guard fields[0].count == 1 else { return nil }
            switch bytes[fields[0].lowerBound] {
            case UInt8(ascii: "Y"):
                guard fields.count == 2, let year = int(fields[1]) else { return nil }
                disclosure.year = year
            case UInt8(ascii: "F"):
                guard fields.count == 2, let figures = json(NarrativeFigures.self, fields[1]) else { return nil }
                disclosure.figures = figures
            case UInt8(ascii: "S"):
                guard fields.count == 2, let staffing = json([Headcount].self, fields[1]) else { return nil }
                disclosure.overview.staffing = staffing
            case UInt8(ascii: "T"):
                guard fields.count == 4, let number = int(fields[1]), let id = TableID(rawValue: number),
                      let unit = MoneyUnit(rawValue: string(fields[2])),
                      let meta = metas.meta(UnsafeBufferPointer(rebasing: bytes[fields[3]])) else { return nil }
                tables[id] = Table(id: id, title: "", department: "", unit: unit, columns: meta.columns, rows: [], notes: meta.notes)
            case UInt8(ascii: "R"):
                guard fields.count == 5, let number = int(fields[1]), let id = TableID(rawValue: number), !fields[2].isEmpty else { return nil }
                let keyRange = fields[2].dropFirst()
                let key: RowKey
                switch bytes[fields[2].lowerBound] {
                case UInt8(ascii: "l"): guard let line = self.integer(bytes[keyRange]).flatMap({ Int(exactly: $0) }) else { return nil }; key = .line(line)
                case UInt8(ascii: "f"): guard let code = FunctionCode(string(keyRange)) else { return nil }; key = .function(code)
                case UInt8(ascii: "e"): guard let code = EconomicCode(string(keyRange)) else { return nil }; key = .economic(code)
                case UInt8(ascii: "n"): key = .named(string(keyRange))
                default: return nil
                }
                var cells: [Int: Money] = [:]
                let cellRange = fields[4]
                if !cellRange.isEmpty {
                    var pairStart = cellRange.lowerBound
                    for index in cellRange.lowerBound...cellRange.upperBound where index == cellRange.upperBound || bytes[index] == UInt8(ascii: ";") {
                        let pair = pairStart..<index
                        pairStart = index + 1
                        guard let colon = pair.first(where: { bytes[$0] == UInt8(ascii: ":") }),
                              let column = int(pair.lowerBound..<colon), let fen = integer(bytes[(colon + 1)..<pair.upperBound]) else {
                            return nil
                        }
                        cells[column] = Money(fen: fen)
                    }
                }
                rows[id, default: []].append(TableRow(key: key, label: string(fields[3]), cells: cells))
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
