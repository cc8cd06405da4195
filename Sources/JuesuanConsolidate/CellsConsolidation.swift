import Dispatch
import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanPerformance
import JuesuanRules

/// 汇总 of cells files (`CellsFile`) at the scale of a province: files are read on every core, each
/// line parsed in place into integer 分 and added to per-file sums, which are merged at the end.
/// Each unit is screened as its lines pass (`LinearScreen`: the row formulas, the 行次 and total
/// equations, the 类＝Σ款 rollups); a unit that fails is rebuilt and checked in full by `Checker`
/// for the reviewer's view. Memory stays small: one file's bytes per core plus the sums.
public enum CellsConsolidation {
    /// A unit that failed the screen, with the first error `Checker` reports.
    public struct FailingUnit: Sendable {
        /// 单位名称.
        public var unit: String
        /// The file and the line of the unit's first row.
        public var file: String
        public var line: Int
        /// Number of errors the full check found.
        public var errors: Int
        /// "[rule] message".
        public var first: String
        /// "file:line" of the unit's first row.
        public var place: String { "\(file):\(line)" }
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
        /// Summed figures (表 F) in order of first appearance, in 分 (counts × 100).
        public var figures: [(key: String, fen: Int64)] = []
        /// The 整体 self-evaluations (表 P), aggregated by funds.
        public var forms = 0
        public var funds: Int64 = 0
        public var executed: Int64 = 0
        /// Σ score (hundredths) × 预算数 (分).
        public var scoreFunds: Int128 = 0

        /// The consolidated disclosure named `name`, with the summed figures.
        public func disclosure(name: String, catalog: Catalog) -> Disclosure {
            var result = CellsConsolidation.disclosure(rows: rows, name: name, year: year ?? 0, catalog: catalog)
            result.figures = CellsConsolidation.figures(figures)
            return result
        }

        /// The 整体 self-evaluations, weighted by funds (scores at two decimals).
        public var performance: PerformanceAggregate {
            var aggregate = PerformanceAggregate(forms: forms, funds: Money(fen: funds), executed: Money(fen: executed), weightedScore: nil,
                                                 scoreFunds: Decimal(string: String(scoreFunds))! / 100)
            if funds > 0 { aggregate.weightedScore = roundHalfUp(aggregate.scoreFunds / Decimal(funds), 2) }
            return aggregate
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

    /// A part of a cells file read by one core: files above `segmentSize` are cut at unit boundaries,
    /// so that a province's single export is read on every core with bounded memory.
    struct Segment: Sendable {
        var file: Int
        var range: Range<Int>
    }

    /// Bytes per segment.
    public static let segmentSize = 64 << 20

    /// Consolidates the cells files at `paths`. `screen` nil skips the per-unit checks.
    public static func run(paths: [String], screen: LinearScreen?, checker: Checker?, catalog: Catalog,
                           segmentSize: Int = segmentSize) throws -> Result {
        let started = DispatchTime.now().uptimeNanoseconds
        var cut: [Segment] = []
        for (index, path) in paths.enumerated() {
            cut += try Self.segments(of: path, file: index, size: segmentSize)
        }
        let segments = cut
        let boxes = segments.map { _ in Box() }
        let compiled = screen.map(CompiledScreen.init)
        // One worker per core takes the next segment until none is left, reading into its own buffer.
        let next = NextIndex()
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, segments.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let buffer = ReadBuffer()
            while let index = next.take(below: segments.count) {
                let segment = segments[index]
                var scan = FileScan(path: paths[segment.file], screen: compiled, checker: checker, catalog: catalog)
                do {
                    try scan.run(range: segment.range, firstLine: 1, buffer: buffer)
                    boxes[index].value = .success(scan)
                } catch {
                    boxes[index].value = .failure(error)
                }
            }
        }
        let scanned = DispatchTime.now().uptimeNanoseconds
        defer {
            if ProcessInfo.processInfo.environment["JUESUAN_PROFILE"] != nil {
                let now = DispatchTime.now().uptimeNanoseconds
                FileHandle.standardError.write(Data("\(segments.count) segments: scan \((scanned - started) / 1_000_000) ms, merge \((now - scanned) / 1_000_000) ms\n".utf8))
            }
        }
        var result = Result()
        // Unit names keyed by their UTF-8 bytes: String hashing normalises Chinese text, which is slow.
        var firstPlace: [NameKey: (file: Int, line: Int)] = [:]
        var yearFile = ""
        // Lines of a segment are counted from its start; the lines of the segments before it in the
        // same file are added here.
        var lineOffset = 0
        for (index, box) in boxes.enumerated() {
            let segment = segments[index]
            if index > 0, segments[index - 1].file != segment.file { lineOffset = 0 }
            let offset = segment.range.lowerBound == 0 ? 0 : lineOffset
            let scan: FileScan
            switch box.value! {
            case .success(let value): scan = value
            case .failure(var error as InputError):
                if let line = error.line { error.line = line + offset }
                throw error
            case .failure(let error): throw error
            }
            lineOffset = offset + scan.linesRead
            let path = paths[segment.file]
            if let year = scan.year {
                if let existing = result.year, existing != year {
                    throw InputError(file: path, line: (scan.units.first?.line ?? 2) + offset, value: String(year), reason: "年度与 \(yearFile) 的 \(existing) 不一致；一次汇总只能是同一年度")
                }
                result.year = year
                yearFile = path
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
            var figureAt = Dictionary(uniqueKeysWithValues: result.figures.enumerated().map { ($1.key, $0) })
            func addFigures(_ keys: [String], _ sums: [Int64], sign: Int64) throws {
                for (key, fen) in zip(keys, sums) {
                    if figureAt[key] == nil { figureAt[key] = result.figures.count; result.figures.append((key, 0)) }
                    let (sum, overflow) = result.figures[figureAt[key]!].fen.addingReportingOverflow(sign * fen)
                    guard !overflow else { throw ConsolidationError(place: key) }
                    result.figures[figureAt[key]!].fen = sum
                }
            }
            func addPerformance(_ scan: FileScan, sign: Int64) throws {
                result.forms += Int(sign) * scan.forms
                let (f, o1) = result.funds.addingReportingOverflow(sign * scan.funds)
                let (e, o2) = result.executed.addingReportingOverflow(sign * scan.executed)
                guard !o1, !o2 else { throw ConsolidationError(place: "整体绩效自评") }
                (result.funds, result.executed) = (f, e)
                result.scoreFunds += Int128(sign) * scan.scoreFunds
            }
            try addFigures(scan.figureKeys, scan.figureSums, sign: 1)
            try addPerformance(scan, sign: 1)
            var repeated: Set<Int> = []
            for unit in scan.units {
                let key = NameKey(unit.name)
                let line = unit.line + offset
                if let first = firstPlace[key] {
                    result.duplicates.append((unit.name, "\(path):\(line)", "\(paths[first.file]):\(first.line)"))
                    repeated.insert(unit.line)
                    // Take the repeat back out of the sums.
                    var again = FileScan(path: path, screen: nil, checker: nil, catalog: catalog)
                    try again.run(range: unit.range, firstLine: line)
                    for (rowIndex, id) in again.ids.enumerated() {
                        guard var sums = result.rows[id] else { continue }
                        for column in 0..<12 where again.present[rowIndex] & (1 << column) != 0 {
                            sums[column] = (sums[column] ?? 0) - again.sums[rowIndex * 12 + column]
                        }
                        result.rows[id] = sums
                    }
                    try addFigures(again.figureKeys, again.figureSums, sign: -1)
                    try addPerformance(again, sign: -1)
                    continue
                }
                firstPlace[key] = (segment.file, line)
                result.units.append(unit.name)
            }
            for var failing in scan.failing where !repeated.contains(failing.line) {
                failing.line += offset
                result.failing.append(failing)
            }
        }
        return result
    }

    /// The segments of the file at `path`: the whole file when it is small, otherwise pieces of about
    /// `size` bytes, each starting at the first row of a unit.
    static func segments(of path: String, file: Int, size: Int) throws -> [Segment] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw InputError(file: path, reason: "无法读取文件") }
        defer { try? handle.close() }
        let total = Int((try? handle.seekToEnd()) ?? 0)
        guard total > size else { return [Segment(file: file, range: 0..<total)] }
        var cuts = [0]
        var nominal = size
        while nominal < total {
            guard let cut = try unitBoundary(handle, from: max(nominal, cuts.last! + 1), total: total) else { break }
            if cut < total { cuts.append(cut) }
            nominal = cut + size
        }
        cuts.append(total)
        return zip(cuts, cuts.dropFirst()).map { Segment(file: file, range: $0..<$1) }
    }

    /// The offset of the first row at or after `offset` whose unit differs from the row before it
    /// (that is, a unit's first row); nil when the file ends first.
    static func unitBoundary(_ handle: FileHandle, from offset: Int, total: Int) throws -> Int? {
        var window = 1 << 20
        while true {
            try handle.seek(toOffset: UInt64(offset))
            let bytes = Array(try handle.read(upToCount: min(window, total - offset)) ?? Data())
            // Skip the rest of the row the offset falls in.
            guard var lineStart = bytes.firstIndex(of: 10).map({ $0 + 1 }) else {
                if offset + bytes.count >= total { return nil }
                window *= 4
                continue
            }
            var previous: ArraySlice<UInt8>?
            while lineStart < bytes.count {
                guard let lineEnd = bytes[lineStart...].firstIndex(of: 10) else { break }
                let unit = firstField(bytes[lineStart..<lineEnd])
                if let previous, previous != unit { return offset + lineStart }
                previous = unit
                lineStart = lineEnd + 1
            }
            if offset + bytes.count >= total { return nil }
            window *= 4
        }
    }

    /// The first field of a row as written (quotes and all).
    static func firstField(_ row: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard row.first == 34 else { return row[..<(row.firstIndex(of: 44) ?? row.endIndex)] }
        var index = row.startIndex + 1
        while index < row.endIndex {
            if row[index] == 34 {
                if index + 1 < row.endIndex && row[index + 1] == 34 { index += 2; continue }
                return row[...index]
            }
            index += 1
        }
        return row
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

    /// The next segment to read, shared by the workers.
    final class NextIndex: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func take(below limit: Int) -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard value < limit else { return nil }
            value += 1
            return value - 1
        }
    }

    final class Box: @unchecked Sendable {
        var value: Swift.Result<FileScan, any Error>?
    }

    /// Figure sums back into the narrative figures they came from.
    static func figures(_ sums: [(key: String, fen: Int64)]) -> NarrativeFigures {
        var figures = NarrativeFigures()
        for (key, fen) in sums {
            let amount = Money(fen: fen)
            func name(after prefix: String) -> String { String(key.dropFirst(prefix.count)) }
            if key == "机关运行经费" {
                figures.operatingCosts = NamedAmount(name: key, amount: amount)
            } else if key.hasPrefix("年初预算.") {
                figures.initialBudget[name(after: "年初预算.")] = NamedAmount(name: name(after: "年初预算."), amount: amount)
            } else if key.hasPrefix("上年.") {
                figures.priorYear[name(after: "上年.")] = NamedAmount(name: name(after: "上年."), amount: amount)
            } else if key.hasPrefix("政府采购.") {
                figures.procurement[name(after: "政府采购.")] = NamedAmount(name: name(after: "政府采购."), amount: amount)
            } else if key.hasPrefix("公务用车运行费明细.") {
                figures.vehicleRunningDetails.append(NamedAmount(name: name(after: "公务用车运行费明细."), amount: amount))
            } else if key.hasPrefix("数量.") {
                figures.officialCounts[name(after: "数量.")] = Int(fen / 100)
            } else if key.hasPrefix("资产.") {
                figures.assets.append(Headcount(label: name(after: "资产."), count: Int(fen / 100)))
            }
        }
        return figures
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
