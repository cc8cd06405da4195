import Dispatch
import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanRules

/// 汇总 of cells files (`CellsFile`) at the scale of a province: files are read on every core, each
/// line parsed in place into integer 分 and added to per-file sums, which are merged at the end.
/// Each unit is screened as its lines pass (`LinearScreen`: the row formulas, the 行次 and total
/// equations, the 类＝Σ款 rollups); a unit that fails is rebuilt and checked in full by `Checker`
/// for the reviewer's view. Memory stays small: one file's bytes per core plus the sums.
public enum CellsConsolidation {
    /// A unit that failed the screen, with the first error `Checker` reports.
    public struct FailingUnit: Sendable {
        public var unit: String
        /// "file:line" of the unit's first line.
        public var place: String
        public var errors: Int
        /// "[rule] message".
        public var first: String
    }

    /// The outcome: summed rows, units, duplicates and units with errors.
    public struct Result: Sendable {
        public var year: Int?
        public var units: [String] = []
        /// Units seen again (file:line of the repeat, and of the first occurrence); not summed twice.
        public var duplicates: [(unit: String, place: String, first: String)] = []
        public var failing: [FailingUnit] = []
        /// Lines read.
        public var lines = 0
        /// Summed cells by table and row as written; nil where every unit left the cell blank.
        public var rows: [RowID: [Int64?]] = [:]

        /// The consolidated disclosure named `name`.
        public func disclosure(name: String, catalog: Catalog) -> Disclosure {
            CellsConsolidation.disclosure(rows: rows, name: name, year: year ?? 0, catalog: catalog)
        }
    }

    /// A row of a table as written in the file ("27", "2010301", "合计"), packed for hashing.
    public struct RowID: Hashable, Sendable {
        var table: UInt8
        var length: UInt8
        var a: UInt64 = 0, b: UInt64 = 0, c: UInt64 = 0

        init?(table: UInt8, bytes: UnsafeBufferPointer<UInt8>) {
            guard bytes.count > 0, bytes.count <= 24 else { return nil }
            self.table = table
            self.length = UInt8(bytes.count)
            var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
            withUnsafeMutableBytes(of: &words) { $0.baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
            (a, b, c) = words
        }

        /// A cheap, well-mixed hash for the scan's own table (Hasher is the slowest part otherwise).
        var mixed: UInt64 {
            var h = (a &* 0x9E37_79B9_7F4A_7C15) ^ (b &* 0xC2B2_AE3D_27D4_EB4F) ^ (c &* 0x1656_67B1_9E37_79F9)
            h ^= UInt64(table) << 8 | UInt64(length)
            h = (h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9
            return h ^ (h >> 32)
        }

        public var tableID: TableID { TableID(rawValue: Int(table))! }

        public var text: String {
            var bytes: [UInt8] = []
            for index in 0..<Int(length) {
                let word = index / 8 == 0 ? a : index / 8 == 1 ? b : c
                bytes.append(UInt8(truncatingIfNeeded: word >> UInt64((index % 8) * 8)))
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Consolidates the cells files at `paths`. `screen` nil skips the per-unit checks.
    public static func run(paths: [String], screen: LinearScreen?, checker: Checker?, catalog: Catalog) throws -> Result {
        let started = DispatchTime.now().uptimeNanoseconds
        let boxes = paths.map { _ in Box() }
        let compiled = screen.map(CompiledScreen.init)
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            do {
                var scan = FileScan(path: paths[index], screen: compiled, checker: checker, catalog: catalog)
                try scan.run()
                boxes[index].value = .success(scan)
            } catch {
                boxes[index].value = .failure(error)
            }
        }
        let scanned = DispatchTime.now().uptimeNanoseconds
        defer {
            if ProcessInfo.processInfo.environment["JUESUAN_PROFILE"] != nil {
                let now = DispatchTime.now().uptimeNanoseconds
                FileHandle.standardError.write(Data("scan \((scanned - started) / 1_000_000) ms, merge \((now - scanned) / 1_000_000) ms\n".utf8))
            }
        }
        var result = Result()
        // Unit names keyed by their UTF-8 bytes: String hashing normalises Chinese text, which is slow.
        var firstPlace: [NameKey: (file: Int, line: Int)] = [:]
        var yearFile = ""
        for (index, box) in boxes.enumerated() {
            let scan: FileScan
            switch box.value! {
            case .success(let value): scan = value
            case .failure(let error): throw error
            }
            if let year = scan.year {
                if let existing = result.year, existing != year {
                    throw InputError(file: paths[index], line: 2, value: String(year), reason: "年度与 \(yearFile) 的 \(existing) 不一致；一次汇总只能是同一年度")
                }
                result.year = year
                yearFile = paths[index]
            }
            result.lines += scan.lines
            for (rowIndex, id) in scan.ids.enumerated() {
                var sums = result.rows[id] ?? Array(repeating: nil, count: 12)
                for column in 0..<12 where scan.present[rowIndex] & (1 << column) != 0 {
                    let (sum, overflow) = (sums[column] ?? 0).addingReportingOverflow(scan.sums[rowIndex * 12 + column])
                    guard !overflow else { throw ConsolidationError(place: "表\(id.table) \(id.text) 第\(column + 1)栏") }
                    sums[column] = sum
                }
                result.rows[id] = sums
            }
            for unit in scan.units {
                let key = NameKey(unit.name)
                if let first = firstPlace[key] {
                    result.duplicates.append((unit.name, "\(paths[index]):\(unit.line)", "\(paths[first.file]):\(first.line)"))
                    // Take the repeat back out of the sums.
                    var again = FileScan(path: paths[index], screen: nil, checker: nil, catalog: catalog)
                    try again.run(range: unit.range, firstLine: unit.line)
                    for (rowIndex, id) in again.ids.enumerated() {
                        guard var sums = result.rows[id] else { continue }
                        for column in 0..<12 where again.present[rowIndex] & (1 << column) != 0 {
                            sums[column] = (sums[column] ?? 0) - again.sums[rowIndex * 12 + column]
                        }
                        result.rows[id] = sums
                    }
                    continue
                }
                firstPlace[key] = (index, unit.line)
                result.units.append(unit.name)
            }
            result.failing += scan.failing.filter { failing in !result.duplicates.contains { $0.place == failing.place } }
        }
        return result
    }

    /// A unit name compared and hashed by its bytes as written.
    struct NameKey: Hashable {
        let name: String
        init(_ name: String) { self.name = name }
        static func == (a: NameKey, b: NameKey) -> Bool { a.name.utf8.elementsEqual(b.name.utf8) }
        func hash(into hasher: inout Hasher) {
            var copy = name
            copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    final class Box: @unchecked Sendable {
        var value: Swift.Result<FileScan, any Error>?
    }

    /// Rows summed by `RowID` as a disclosure: 表1 and 表4 every 行次; code tables 合计 first, then by
    /// 类 in 表1 order with each 款 and 项 under its parent; 表6 人员经费 类 first and the two totals last.
    static func disclosure(rows: [RowID: [Int64?]], name: String, year: Int, catalog: Catalog) -> Disclosure {
        var result = Disclosure(unit: name, year: year)
        var byTable: [TableID: [(String, [Int: Money])]] = [:]
        for (id, sums) in rows {
            var cells: [Int: Money] = [:]
            for (column, value) in sums.enumerated() { if let value { cells[column + 1] = Money(fen: value) } }
            byTable[id.tableID, default: []].append((id.text, cells))
        }
        for table in TableID.allCases {
            guard let entries = byTable[table] else { continue }
            let cells = Dictionary(entries, uniquingKeysWith: { a, _ in a })
            var tableRows: [TableRow] = []
            switch StandardLayout.rowKind(table) {
            case .lines:
                for line in 1...(table == .t1 ? 60 : 64) {
                    tableRows.append(TableRow(key: .line(line), label: catalog.lineLabel(line, in: table), cells: cells[String(line)] ?? [:]))
                }
            case .functionCodes:
                tableRows.append(TableRow(key: .total, label: "合计", cells: cells["合计"] ?? [:]))
                let codes = catalog.printOrder(cells.keys.compactMap(FunctionCode.init))
                tableRows += codes.map { TableRow(key: .function($0), label: catalog.functionNames[$0] ?? $0.digits, cells: cells[$0.digits] ?? [:]) }
            case .economicCodes:
                let codes = catalog.printOrder(cells.keys.compactMap(EconomicCode.init))
                tableRows += codes.map { TableRow(key: .economic($0), label: catalog.economicNames[$0] ?? $0.digits, cells: cells[$0.digits] ?? [:]) }
                tableRows += [StandardLayout.personnelTotal, StandardLayout.publicTotal].map {
                    TableRow(key: $0, label: $0.description, cells: cells[$0.description] ?? [:])
                }
            case .single:
                tableRows.append(TableRow(key: StandardLayout.singleRow, label: "决算", cells: cells[StandardLayout.singleRow.description] ?? [:]))
            }
            var built = Table(id: table, title: StandardLayout.title(table, year: year), department: name,
                              columns: StandardLayout.columns(table), rows: tableRows, notes: StandardLayout.notes(table))
            if built.isEmpty { built.emptyStatement = "\(year)年度\(name)无\(Consolidation.emptySubject(table))。" }
            result.tables[table] = built
        }
        return result
    }
}
