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
            for (index, byte) in bytes.enumerated() {
                let shift = UInt64((index % 8) * 8)
                switch index / 8 {
                case 0: a |= UInt64(byte) << shift
                case 1: b |= UInt64(byte) << shift
                default: c |= UInt64(byte) << shift
                }
            }
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
        let boxes = paths.map { _ in Box() }
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            do {
                var scan = FileScan(path: paths[index], screen: screen, checker: checker, catalog: catalog)
                try scan.run()
                boxes[index].value = .success(scan)
            } catch {
                boxes[index].value = .failure(error)
            }
        }
        var result = Result()
        var firstPlace: [String: String] = [:]
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
                let place = "\(paths[index]):\(unit.line)"
                if let first = firstPlace[unit.name] {
                    result.duplicates.append((unit.name, place, first))
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
                firstPlace[unit.name] = place
                result.units.append(unit.name)
            }
            result.failing += scan.failing.filter { failing in !result.duplicates.contains { $0.place == failing.place } }
        }
        return result
    }

    final class Box: @unchecked Sendable {
        var value: Swift.Result<FileScan, any Error>?
    }

    /// One file: its sums, units and failing units.
    struct FileScan {
        let path: String
        let screen: LinearScreen?
        let checker: Checker?
        let catalog: Catalog
        var year: Int?
        var lines = 0
        // Rows interned in order of first appearance, with their sums and presence bits.
        var index: [RowID: Int] = [:]
        var ids: [RowID] = []
        var sums: [Int64] = []
        var present: [UInt16] = []
        // Per row: parent row (rollups), slot of each column in the fixed-form cells (-1 if none).
        var parent: [Int] = []
        var slots: [Int] = []
        /// Per row: the number of the unit that last wrote it and on which line (a row twice in one unit is an error).
        var lastUnit: [Int] = []
        var lastLine: [Int] = []
        var units: [(name: String, line: Int, range: Range<Int>)] = []
        var failing: [FailingUnit] = []
        // The unit being read.
        var unitRows: [(row: Int, values: [Int64], mask: UInt16)] = []
        var slotValues: [Int64] = []
        var slotPrinted: [Bool] = []
        let slotOf: [LinearScreen.Cell: Int]
        var screenFailure: String?

        init(path: String, screen: LinearScreen?, checker: Checker?, catalog: Catalog) {
            self.path = path
            self.screen = screen
            self.checker = checker
            self.catalog = catalog
            var slotOf: [LinearScreen.Cell: Int] = [:]
            for cell in screen?.fixedCells.sorted(by: { ($0.table, $0.row, $0.column) < ($1.table, $1.row, $1.column) }) ?? [] {
                slotOf[cell] = slotOf.count
            }
            self.slotOf = slotOf
            slotValues = Array(repeating: 0, count: slotOf.count)
            slotPrinted = Array(repeating: false, count: slotOf.count)
        }

        func fail(_ line: Int, _ reason: String, _ value: String? = nil) -> InputError {
            InputError(file: path, line: line, value: value, reason: reason)
        }

        mutating func run(range: Range<Int>? = nil, firstLine: Int = 1) throws {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw InputError(file: path, reason: "无法读取文件")
            }
            try data.withUnsafeBytes { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                try scan(bytes, range: range ?? 0..<bytes.count, firstLine: firstLine)
            }
        }

        mutating func intern(_ id: RowID, line: Int) throws(InputError) -> Int {
            if let found = index[id] { return found }
            let row = ids.count
            let text = id.text
            let table = id.tableID
            switch StandardLayout.rowKind(table) {
            case .lines:
                guard let number = Int(text), number >= 1, number <= (table == .t1 ? 60 : 64) else {
                    throw fail(line, "表\(table.rawValue) 的“行”应为行次 1–\(table == .t1 ? 60 : 64)", text)
                }
            case .functionCodes:
                guard text == "合计" || FunctionCode(text) != nil else { throw fail(line, "表\(table.rawValue) 的“行”应为功能分类科目编码或“合计”", text) }
            case .economicCodes:
                guard [StandardLayout.personnelTotal.description, StandardLayout.publicTotal.description].contains(text) || EconomicCode(text) != nil else {
                    throw fail(line, "表6 的“行”应为经济分类科目编码、“人员经费合计”或“公用经费合计”", text)
                }
            case .single:
                guard text == StandardLayout.singleRow.description else { throw fail(line, "表7 的“行”应为“决算”", text) }
            }
            index[id] = row
            ids.append(id)
            sums.append(contentsOf: repeatElement(0, count: 12))
            present.append(0)
            lastUnit.append(-1)
            lastLine.append(0)
            // The row a rollup adds this one into: 项 → 款 → 类 → 合计; 表6 类 → 人员/公用经费合计.
            var parentText: String?
            if StandardLayout.rowKind(table) == .functionCodes, let code = FunctionCode(text) {
                parentText = code.parent?.digits ?? "合计"
            } else if table == .t6, let code = EconomicCode(text) {
                parentText = code.parent?.digits
                    ?? (catalog.nature(of: code) == .personnel ? StandardLayout.personnelTotal.description : StandardLayout.publicTotal.description)
            }
            // Before the parent is interned: rows are numbered in order.
            for column in 1...12 {
                slots.append(slotOf[LinearScreen.Cell(table: table, row: text, column: column)] ?? -1)
            }
            parent.append(-1)
            if let parentText, StandardLayout.rowKind(table) != .lines {
                let parentID = Array(parentText.utf8).withUnsafeBufferPointer { RowID(table: id.table, bytes: $0) }!
                parent[row] = try intern(parentID, line: line)
            }
            return row
        }

        mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, firstLine: Int) throws {
            var position = range.lowerBound
            var line = firstLine - 1
            var currentUnit: [UInt8] = []
            var unitStart = position, unitLine = 0
            var fields = [Range<Int>](repeating: 0..<0, count: CellsFile.fieldCount)
            var values = [Int64](repeating: 0, count: 12)
            if range.lowerBound == 0 {
                // Header.
                let end = bytes[position..<range.upperBound].firstIndex(of: 10) ?? range.upperBound
                var header = Array(bytes[position..<end])
                if header.starts(with: [0xEF, 0xBB, 0xBF]) { header.removeFirst(3) }
                if header.last == 13 { header.removeLast() }
                guard String(decoding: header, as: UTF8.self) == CellsFile.header else {
                    throw fail(1, "表头应为：\(CellsFile.header)", String(decoding: header.prefix(120), as: UTF8.self))
                }
                position = end + 1
                line = 1
            }
            while position < range.upperBound {
                line += 1
                let start = position
                // Split the line into fields; only the unit may be quoted.
                var count = 0
                var cursor = position
                var quotedUnit: String?
                if bytes[cursor] == 34 {
                    var text: [UInt8] = []
                    cursor += 1
                    while true {
                        guard cursor < range.upperBound else { throw fail(line, "引号不配对") }
                        if bytes[cursor] == 34 {
                            if cursor + 1 < range.upperBound && bytes[cursor + 1] == 34 { text.append(34); cursor += 2; continue }
                            cursor += 1
                            break
                        }
                        text.append(bytes[cursor]); cursor += 1
                    }
                    quotedUnit = String(decoding: text, as: UTF8.self)
                    fields[0] = start..<cursor
                    count = 1
                    guard cursor < range.upperBound, bytes[cursor] == 44 || bytes[cursor] == 10 else { throw fail(line, "引号后应为逗号") }
                    if bytes[cursor] == 44 { cursor += 1 }
                }
                var fieldStart = cursor
                while cursor < range.upperBound {
                    let byte = bytes[cursor]
                    if byte == 44 || byte == 10 {
                        guard count < CellsFile.fieldCount else { throw fail(line, "字段多于 \(CellsFile.fieldCount) 个") }
                        fields[count] = fieldStart..<cursor
                        count += 1
                        fieldStart = cursor + 1
                        if byte == 10 { break }
                    } else if byte == 34 {
                        throw fail(line, "只有“单位”可以加引号；金额不加千位分隔符")
                    }
                    cursor += 1
                }
                if cursor >= range.upperBound {  // last line without a line break
                    guard count < CellsFile.fieldCount else { throw fail(line, "字段多于 \(CellsFile.fieldCount) 个") }
                    fields[count] = fieldStart..<cursor
                    count += 1
                }
                position = cursor + 1
                var last = fields[count - 1]
                if last.upperBound > last.lowerBound && bytes[last.upperBound - 1] == 13 { last = last.lowerBound..<(last.upperBound - 1); fields[count - 1] = last }
                if count == 1 && fields[0].isEmpty { continue }  // blank line
                guard count == CellsFile.fieldCount else {
                    throw fail(line, "本行有 \(count) 个字段，应为 \(CellsFile.fieldCount) 个（\(CellsFile.header)）")
                }
                lines += 1
                // Unit: a new one starts when the name changes.
                let unitRange = fields[0]
                guard !unitRange.isEmpty else { throw fail(line, "“单位”为空") }
                let same = unitRange.count == currentUnit.count
                    && currentUnit.withUnsafeBufferPointer { memcmp($0.baseAddress!, bytes.baseAddress! + unitRange.lowerBound, unitRange.count) == 0 }
                if !same {
                    let name = quotedUnit ?? String(decoding: UnsafeBufferPointer(rebasing: bytes[unitRange]), as: UTF8.self)
                    guard !name.isEmpty else { throw fail(line, "“单位”为空") }
                    if !currentUnit.isEmpty || !units.isEmpty { try finishUnit(start: unitStart, end: start, line: unitLine) }
                    currentUnit = Array(bytes[unitRange])  // as written, quotes and all
                    units.append((name, line, start..<start))
                    unitStart = start
                    unitLine = line
                }
                // Year.
                let yearField = fields[1]
                var year = 0
                guard yearField.count == 4 else { throw fail(line, "“年度”应为四位年份", text(bytes, yearField)) }
                for at in yearField {
                    let digit = bytes[at] &- 48
                    guard digit < 10 else { throw fail(line, "“年度”应为四位年份", text(bytes, yearField)) }
                    year = year * 10 + Int(digit)
                }
                if let known = self.year, known != year {
                    throw fail(line, "年度为 \(year)，而本文件前面为 \(known)；一次汇总只能是同一年度", String(year))
                }
                self.year = year
                // Table and row.
                let tableField = fields[2]
                guard tableField.count == 1, bytes[tableField.lowerBound] >= 49, bytes[tableField.lowerBound] <= 57 else {
                    throw fail(line, "“表”应为 1–9", text(bytes, tableField))
                }
                let table = bytes[tableField.lowerBound] - 48
                guard let id = RowID(table: table, bytes: UnsafeBufferPointer(rebasing: bytes[fields[3]])) else {
                    throw fail(line, "“行”为空或过长", text(bytes, fields[3]))
                }
                let row = try intern(id, line: line)
                guard lastUnit[row] != units.count else {
                    throw fail(line, "表\(table) \(id.text) 行在本单位中重复（第 \(lastLine[row]) 行已有）", id.text)
                }
                lastUnit[row] = units.count
                lastLine[row] = line
                // Amounts.
                var mask: UInt16 = 0
                for column in 0..<12 {
                    let field = fields[4 + column]
                    guard !field.isEmpty else { values[column] = 0; continue }
                    guard let fen = parseFen(bytes, field) else {
                        throw fail(line, "第\(column + 1)栏不是有效的金额（以元为单位，最多两位小数，不加千位分隔符，不超过 100 万亿元）", text(bytes, field))
                    }
                    values[column] = fen
                    mask |= 1 << column
                    let (sum, overflow) = sums[row * 12 + column].addingReportingOverflow(fen)
                    guard !overflow else { throw fail(line, "金额累计超出可表示的范围", text(bytes, field)) }
                    sums[row * 12 + column] = sum
                }
                present[row] |= mask
                if screen != nil {
                    unitRows.append((row, values, mask))
                    screenRow(row, table: id.tableID, values: values, mask: mask, line: line)
                }
            }
            if !units.isEmpty { try finishUnit(start: unitStart, end: min(position, range.upperBound), line: unitLine) }
        }

        func text(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range.lowerBound..<min(range.upperBound, range.lowerBound + 80)]), as: UTF8.self)
        }

        /// 分 of "-12345.67", "12345.6", "12345"; nil for anything else or beyond the amount limit.
        func parseFen(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int64? {
            var at = range.lowerBound
            var negative = false
            if bytes[at] == 45 { negative = true; at += 1 }
            var whole: Int64 = 0, digits = 0
            while at < range.upperBound, bytes[at] &- 48 < 10 {
                whole = whole * 10 + Int64(bytes[at] - 48); digits += 1; at += 1
                if digits > 15 { return nil }
            }
            guard digits > 0 else { return nil }
            var fraction: Int64 = 0
            if at < range.upperBound {
                guard bytes[at] == 46 else { return nil }
                at += 1
                let first = at
                while at < range.upperBound, bytes[at] &- 48 < 10 { fraction = fraction * 10 + Int64(bytes[at] - 48); at += 1 }
                let decimals = at - first
                guard decimals >= 1, decimals <= 2, at == range.upperBound else { return nil }
                if decimals == 1 { fraction *= 10 }
            }
            let fen = whole * 100 + fraction
            guard fen <= MoneyParser.maximumFen else { return nil }
            return negative ? -fen : fen
        }

        /// Row forms of the screen, and the fixed cells this row holds.
        mutating func screenRow(_ row: Int, table: TableID, values: [Int64], mask: UInt16, line: Int) {
            guard let screen else { return }
            if screenFailure == nil, let forms = screen.rowForms[table] {
                for form in forms {
                    var difference: Int64 = 0, printed = 0
                    for (column, sign) in form.columns {
                        if mask & (1 << (column - 1)) != 0 { difference &+= sign * values[column - 1]; printed += 1 }
                    }
                    if LinearScreen.fails(difference, relation: form.relation, printed: printed) {
                        screenFailure = "[\(form.rule.id)] \(form.rule.title)（表\(table.rawValue) \(ids[row].text) 行）"
                        break
                    }
                }
            }
            for column in 0..<12 where slots[row * 12 + column] >= 0 {
                let slot = slots[row * 12 + column]
                slotValues[slot] = values[column]
                slotPrinted[slot] = mask & (1 << column) != 0
            }
        }

        /// The end of a unit: fixed forms, rollups; a failing unit is checked in full.
        mutating func finishUnit(start: Int, end: Int, line: Int) throws {
            if !units.isEmpty { units[units.count - 1].range = start..<end }
            guard let screen else { return }
            defer {
                unitRows.removeAll(keepingCapacity: true)
                for index in slotValues.indices { slotValues[index] = 0; slotPrinted[index] = false }
                screenFailure = nil
            }
            if screenFailure == nil {
                for form in screen.fixedForms {
                    var difference: Int64 = 0, printed = 0
                    for (cell, sign) in form.cells {
                        let slot = slotOf[cell]!
                        if slotPrinted[slot] { difference &+= sign * slotValues[slot]; printed += 1 }
                    }
                    if LinearScreen.fails(difference, relation: form.relation, printed: printed) {
                        screenFailure = "[\(form.rule.id)] \(form.rule.title)"
                        break
                    }
                }
            }
            if screenFailure == nil { screenFailure = rollupFailure(screen) }
            guard let failure = screenFailure else { return }
            // Rebuild the unit and let the checker say what is wrong.
            var rows: [RowID: [Int64?]] = [:]
            for entry in unitRows {
                rows[ids[entry.row]] = (0..<12).map { entry.mask & (1 << $0) != 0 ? entry.values[$0] : nil }
            }
            let name = units.last?.name ?? ""
            var unit = CellsConsolidation.disclosure(rows: rows, name: name, year: year ?? 0, catalog: catalog)
            unit.source = path
            let errors = checker?.check(unit).filter { $0.severity == .error } ?? []
            let first = errors.sorted { ($0.table == nil ? 1 : 0) < ($1.table == nil ? 1 : 0) }.first
            failing.append(FailingUnit(unit: name, place: "\(path):\(line)", errors: max(errors.count, 1),
                                       first: first.map { "[\($0.rule)] \($0.message)" } ?? failure))
        }

        /// 类＝Σ款, 款＝Σ项, 合计＝Σ类 and the 表6 totals, on the unit's rows.
        func rollupFailure(_ screen: LinearScreen) -> String? {
            var expected: [Int: [Int64]] = [:], printedCount: [Int: [Int]] = [:]
            var own: [Int: (values: [Int64], mask: UInt16)] = [:]
            for entry in unitRows {
                own[entry.row] = (entry.values, entry.mask)
                let parentRow = parent[entry.row]
                guard parentRow >= 0, screen.rollups[ids[entry.row].tableID] != nil else { continue }
                var sums = expected[parentRow] ?? Array(repeating: 0, count: 12)
                var counts = printedCount[parentRow] ?? Array(repeating: 0, count: 12)
                for column in 0..<12 where entry.mask & (1 << column) != 0 {
                    sums[column] &+= entry.values[column]
                    counts[column] += 1
                }
                expected[parentRow] = sums
                printedCount[parentRow] = counts
            }
            for (parentRow, sums) in expected {
                guard let stated = own[parentRow] else { continue }  // a missing parent row is C-PARENT's business
                for column in 0..<12 {
                    let statedValue = stated.mask & (1 << column) != 0 ? stated.values[column] : 0
                    let printed = printedCount[parentRow]![column] + (stated.mask & (1 << column) != 0 ? 1 : 0)
                    if LinearScreen.fails(statedValue &- sums[column], relation: .equal, printed: printed) {
                        let rule = screen.rollups[ids[parentRow].tableID]!
                        return "[\(rule.id)] \(rule.title)（表\(ids[parentRow].table) \(ids[parentRow].text) 行第\(column + 1)栏）"
                    }
                }
            }
            return nil
        }
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
                    var label = StandardLayout.lineLabel(line, in: table) ?? ""
                    let first = table == .t1 ? 31 : 33
                    if label.isEmpty, line >= first, let class_ = catalog.functionClass(at: line - first + 1) {
                        label = "\(StandardLayout.chineseOrdinal(class_.position))、\(class_.name)"
                    }
                    tableRows.append(TableRow(key: .line(line), label: label, cells: cells[String(line)] ?? [:]))
                }
            case .functionCodes:
                tableRows.append(TableRow(key: .total, label: "合计", cells: cells["合计"] ?? [:]))
                let codes = cells.keys.compactMap(FunctionCode.init).sorted {
                    ((catalog.position(of: $0) ?? 99), $0.digits) < ((catalog.position(of: $1) ?? 99), $1.digits)
                }
                tableRows += codes.map { TableRow(key: .function($0), label: catalog.functionNames[$0] ?? $0.digits, cells: cells[$0.digits] ?? [:]) }
            case .economicCodes:
                let codes = cells.keys.compactMap(EconomicCode.init).sorted { a, b in
                    let (ca, cb) = (a.parent ?? a, b.parent ?? b)
                    return (catalog.nature(of: ca) == .personnel ? 0 : 1, ca.digits, a.digits) < (catalog.nature(of: cb) == .personnel ? 0 : 1, cb.digits, b.digits)
                }
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
