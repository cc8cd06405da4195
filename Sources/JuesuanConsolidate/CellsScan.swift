import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanRules

extension CellsConsolidation {
    /// Open-addressing table from `RowID` to row number (Dictionary's hashing dominated the scan).
    struct RowTable {
        private var keys: [RowID?]
        private var values: [Int32]
        private var mask: Int
        private(set) var count = 0

        init() {
            keys = Array(repeating: nil, count: 1024)
            values = Array(repeating: -1, count: 1024)
            mask = 1023
        }

        func find(_ id: RowID) -> Int? {
            var slot = Int(truncatingIfNeeded: id.mixed) & mask
            while let key = keys[slot] {
                if key == id { return Int(values[slot]) }
                slot = (slot + 1) & mask
            }
            return nil
        }

        mutating func insert(_ id: RowID, _ value: Int) {
            if (count + 1) * 2 > keys.count { grow() }
            var slot = Int(truncatingIfNeeded: id.mixed) & mask
            while keys[slot] != nil { slot = (slot + 1) & mask }
            keys[slot] = id
            values[slot] = Int32(value)
            count += 1
        }

        private mutating func grow() {
            let old = zip(keys, values).compactMap { key, value in key.map { ($0, value) } }
            keys = Array(repeating: nil, count: keys.count * 2)
            values = Array(repeating: -1, count: keys.count)
            mask = keys.count - 1
            count = 0
            for (key, value) in old { insert(key, Int(value)) }
        }
    }

    /// The screen flattened into plain integer arrays for the scan (a class: the scan holds one
    /// reference rather than copying its arrays).
    final class CompiledScreen: Sendable {
        struct Form { var start: Int; var end: Int; var rule: Int; var equal: Bool }
        let rules: [Rule]
        /// Row forms, those of table t at `rowFormRange[t]`; terms are (column − 1, sign).
        let rowForms: [Form]
        let rowFormRange: [Range<Int>]
        let rowTerms: [(Int, Int64)]
        /// Fixed forms; terms are (slot, sign).
        let fixedForms: [Form]
        let fixedTerms: [(Int, Int64)]
        let slotOf: [LinearScreen.Cell: Int]
        /// Rollup rule index by table number, −1 when none.
        let rollup: [Int]
        /// Cross-table row forms: terms (table, column − 1, sign) at `crossTerms[start..<end]`, the condition's
        /// (slot, sign) at `conditionTerms[conditionStart..<conditionEnd]`.
        struct Cross { var driving: Int; var start: Int; var end: Int; var conditionStart: Int; var conditionEnd: Int
                       var conditional: Bool; var rule: Int; var equal: Bool }
        let crossForms: [Cross]
        let crossTerms: [(Int, Int, Int64)]
        let conditionTerms: [(Int, Int64)]
        /// The fixed forms that read each slot (those of slot k at `slotForms[slotFormStart[k]..<slotFormStart[k + 1]]`):
        /// a unit's forms are evaluated only when it wrote one of their cells.
        let slotForms: [Int]
        let slotFormStart: [Int]

        init(_ screen: LinearScreen) {
            var slotOf: [LinearScreen.Cell: Int] = [:]
            for cell in screen.fixedCells.sorted(by: { ($0.table, $0.row, $0.column) < ($1.table, $1.row, $1.column) }) {
                slotOf[cell] = slotOf.count
            }
            var rules: [Rule] = []
            func ruleIndex(_ rule: Rule) -> Int {
                if let index = rules.firstIndex(where: { $0.id == rule.id }) { return index }
                rules.append(rule)
                return rules.count - 1
            }
            var rowForms: [Form] = [], rowTerms: [(Int, Int64)] = []
            var rowFormRange: [Range<Int>] = Array(repeating: 0..<0, count: 10)
            for (table, forms) in screen.rowForms.sorted(by: { $0.key < $1.key }) {
                let first = rowForms.count
                for form in forms {
                    let start = rowTerms.count
                    rowTerms += form.columns.map { ($0.0 - 1, $0.1) }
                    rowForms.append(Form(start: start, end: rowTerms.count, rule: ruleIndex(form.rule), equal: form.relation == .equal))
                }
                rowFormRange[table.rawValue] = first..<rowForms.count
            }
            var fixedForms: [Form] = [], fixedTerms: [(Int, Int64)] = []
            for form in screen.fixedForms {
                let start = fixedTerms.count
                fixedTerms += form.cells.map { (slotOf[$0.0]!, $0.1) }
                fixedForms.append(Form(start: start, end: fixedTerms.count, rule: ruleIndex(form.rule), equal: form.relation == .equal))
            }
            var rollup = Array(repeating: -1, count: 10)
            for (table, rule) in screen.rollups { rollup[table.rawValue] = ruleIndex(rule) }
            var crossForms: [Cross] = [], crossTerms: [(Int, Int, Int64)] = [], conditionTerms: [(Int, Int64)] = []
            for cross in screen.crossRowForms {
                guard let driving = cross.form.table else { continue }
                let start = crossTerms.count, conditionStart = conditionTerms.count
                crossTerms += cross.form.crossColumns.map { ($0.0.rawValue, $0.1 - 1, $0.2) }
                conditionTerms += (cross.condition?.cells ?? []).map { (slotOf[$0.0]!, $0.1) }
                crossForms.append(Cross(driving: driving.rawValue, start: start, end: crossTerms.count, conditionStart: conditionStart,
                                        conditionEnd: conditionTerms.count, conditional: cross.condition != nil,
                                        rule: ruleIndex(cross.form.rule), equal: cross.form.relation == .equal))
            }
            (self.crossForms, self.crossTerms, self.conditionTerms) = (crossForms, crossTerms, conditionTerms)
            var formsOfSlot = Array(repeating: [Int](), count: slotOf.count)
            for (index, form) in fixedForms.enumerated() {
                for term in form.start..<form.end where !formsOfSlot[fixedTerms[term].0].contains(index) {
                    formsOfSlot[fixedTerms[term].0].append(index)
                }
            }
            var slotForms: [Int] = [], slotFormStart: [Int] = []
            for forms in formsOfSlot {
                slotFormStart.append(slotForms.count)
                slotForms += forms
            }
            slotFormStart.append(slotForms.count)
            (self.slotForms, self.slotFormStart) = (slotForms, slotFormStart)
            (self.rules, self.rowForms, self.rowFormRange, self.rowTerms) = (rules, rowForms, rowFormRange, rowTerms)
            (self.fixedForms, self.fixedTerms, self.slotOf, self.rollup) = (fixedForms, fixedTerms, slotOf, rollup)
        }

        func fails(_ form: Form, _ difference: Int64, _ printed: Int) -> Bool {
            guard difference != 0 else { return false }  // nearly every row: exact
            return LinearScreen.fails(difference, relation: form.equal ? .equal : .atMost, printed: printed)
        }
    }

    /// A growing read buffer, owned by one core.
    final class ReadBuffer: @unchecked Sendable {
        private var storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 8)
        deinit { storage.deallocate() }

        /// The bytes of `range` of the file at `path` (the whole file when nil), valid until the next read.
        func read(_ path: String, range: Range<Int>?) throws(InputError) -> UnsafeBufferPointer<UInt8> {
            let descriptor = open(path, O_RDONLY)
            guard descriptor >= 0 else { throw InputError(file: path, reason: "无法读取文件") }
            defer { close(descriptor) }
            let start = range?.lowerBound ?? 0
            let count: Int
            if let range { count = range.count } else {
                var status = stat()
                guard fstat(descriptor, &status) == 0 else { throw InputError(file: path, reason: "无法读取文件") }
                count = Int(status.st_size)
            }
            if storage.count < count {
                storage.deallocate()
                storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, storage.count * 2), alignment: 8)
            }
            var done = 0
            while done < count {
                let got = pread(descriptor, storage.baseAddress! + done, count - done, off_t(start + done))
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else { break }
                done += got
            }
            return UnsafeBufferPointer(start: storage.baseAddress!.assumingMemoryBound(to: UInt8.self), count: done)
        }
    }

    /// One file: its sums, units and failing units.
    struct FileScan {
        let path: String
        let screen: CompiledScreen?
        let checker: Checker?
        let catalog: Catalog
        var year: Int?
        var lines = 0
        // Rows in order of first appearance: key, sums (12 per row), presence bits.
        var table = RowTable()
        var ids: [RowID] = []
        var sums: [Int64] = []
        var present: [UInt16] = []
        /// Per row: the row its rollup adds into (−1 none), the fixed-form slot of each column (−1 none),
        /// the unit that last wrote it and on which line.
        var parent: [Int] = []
        var slots: [Int] = []
        var lastUnit: [Int] = []
        var lastLine: [Int] = []
        var units: [(name: String, line: Int, range: Range<Int>)] = []
        var failing: [FailingUnit] = []
        // The unit being read: its rows (row number, 12 values, presence bits), fixed slots.
        var unitRows: [Int] = []
        var unitValues: [Int64] = []
        var unitMasks: [UInt16] = []
        var slotValues: [Int64] = []
        var slotPrinted: [Bool] = []
        /// Slots the unit has written, to clear at its end.
        var slotsWritten: [Int] = []
        /// Per row: whether any of its cells is read by a fixed form.
        var hasSlots: [Bool] = []
        /// Per fixed form: the number of the unit that last evaluated it.
        var formUnit: [Int] = []
        var screenFailure: String?
        // Figure rows (表 F): keys in order of first appearance, their sums, the unit that last wrote each.
        var figureIndex: [[UInt8]: Int] = [:]
        var figureKeys: [String] = []
        var figureKeyBytes: [[UInt8]] = []
        var figureIsCount: [Bool] = []
        /// The figure read last: units write their figures in the same order, so the next one is
        /// usually the one after it (no dictionary lookup).
        var lastFigure = -1
        var figureSums: [Int64] = []
        var figureUnit: [Int] = []
        // Performance rows (表 P): forms, Σ 预算数, Σ 执行数, Σ score (hundredths) × 预算数 (分).
        var forms = 0
        var funds: Int64 = 0
        var executed: Int64 = 0
        var scoreFunds: Int128 = 0
        var performanceUnit = -1
        // Rollup scratch, by row: expected sums, printed counts, position in the unit's rows.
        var expected: [Int64] = []
        var counted: [Int32] = []
        var position: [Int] = []
        var touched: [Int] = []
        var touchedMark: [Int] = []
        /// Per row: the columns its children printed in the current unit.
        var childMask: [UInt16] = []
        /// Per row and table number: 1 + the row with the same key in that table, 0 when not known yet.
        var partners: [Int] = []

        init(path: String, screen: CompiledScreen?, checker: Checker?, catalog: Catalog) {
            self.path = path
            self.screen = screen
            self.checker = checker
            self.catalog = catalog
            slotValues = Array(repeating: 0, count: screen?.slotOf.count ?? 0)
            slotPrinted = Array(repeating: false, count: screen?.slotOf.count ?? 0)
        }

        func fail(_ line: Int, _ reason: String, _ value: String? = nil) -> InputError {
            InputError(file: path, line: line, value: value, reason: reason)
        }

        /// Byte offset of the scanned range in the file (unit ranges are file offsets).
        var base = 0
        /// The number of the last line read, counting from `firstLine`.
        var linesRead = 0

        /// Scans `range` of the file (the whole file by default); `firstLine` is the number of its first
        /// line (1 at the start of the file, where the header is checked).
        mutating func run(range: Range<Int>? = nil, firstLine: Int = 1) throws {
            let buffer = ReadBuffer()
            try run(range: range, firstLine: firstLine, buffer: buffer)
        }

        /// The same, reading into `buffer` (reused from segment to segment by one core: no fresh
        /// pages to fault in and no copy for each file).
        mutating func run(range: Range<Int>?, firstLine: Int, buffer: ReadBuffer) throws {
            let bytes = try buffer.read(path, range: range)
            base = range?.lowerBound ?? 0
            try scan(bytes, header: base == 0, firstLine: firstLine)
        }

        mutating func intern(_ id: RowID, line: Int) throws(InputError) -> Int {
            if let found = table.find(id) { return found }
            let row = ids.count
            let text = id.text
            let tableID = id.tableID
            switch StandardLayout.rowKind(tableID) {
            case .lines:
                guard let number = Int(text), number >= 1, number <= (tableID == .t1 ? 60 : 64) else {
                    throw fail(line, "表\(tableID.rawValue) 的“行”应为行次 1–\(tableID == .t1 ? 60 : 64)", text)
                }
            case .functionCodes:
                guard text == "合计" || FunctionCode(text) != nil else { throw fail(line, "表\(tableID.rawValue) 的“行”应为功能分类科目编码或“合计”", text) }
            case .economicCodes:
                guard [StandardLayout.personnelTotal.description, StandardLayout.publicTotal.description].contains(text) || EconomicCode(text) != nil else {
                    throw fail(line, "表6 的“行”应为经济分类科目编码、“人员经费合计”或“公用经费合计”", text)
                }
            case .single:
                guard text == StandardLayout.singleRow.description else { throw fail(line, "表7 的“行”应为“决算”", text) }
            }
            table.insert(id, row)
            ids.append(id)
            sums.append(contentsOf: repeatElement(0, count: 12))
            expected.append(contentsOf: repeatElement(0, count: 12))
            counted.append(contentsOf: repeatElement(0, count: 12))
            present.append(0)
            position.append(-1)
            touchedMark.append(-1)
            lastUnit.append(-1)
            lastLine.append(0)
            for column in 1...12 {
                slots.append(screen?.slotOf[LinearScreen.Cell(table: tableID, row: text, column: column)] ?? -1)
            }
            hasSlots.append(slots[(slots.count - 12)...].contains { $0 >= 0 })
            // The row a rollup adds this one into: 项 → 款 → 类 → 合计; 表6 类 → 人员/公用经费合计.
            var parentText: String?
            if StandardLayout.rowKind(tableID) == .functionCodes, let code = FunctionCode(text) {
                parentText = code.parent?.digits ?? "合计"
            } else if tableID == .t6, let code = EconomicCode(text) {
                parentText = code.parent?.digits
                    ?? (catalog.nature(of: code) == .personnel ? StandardLayout.personnelTotal.description : StandardLayout.publicTotal.description)
            }
            parent.append(-1)
            if let parentText {
                let parentID = Array(parentText.utf8).withUnsafeBufferPointer { RowID(table: id.table, bytes: $0) }!
                let parentRow = try intern(parentID, line: line)
                parent[row] = parentRow
            }
            return row
        }

        mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, header: Bool, firstLine: Int) throws {
            var cursor = 0
            let end = bytes.count
            var line = firstLine - 1
            defer { linesRead = line }
            var currentUnit: [UInt8] = []
            var unitStart = cursor, unitLine = 0
            let screen = self.screen
            let fields = UnsafeMutableBufferPointer<Range<Int>>.allocate(capacity: CellsFile.fieldCount)
            fields.initialize(repeating: 0..<0)
            let values = UnsafeMutableBufferPointer<Int64>.allocate(capacity: 12)
            values.initialize(repeating: 0)
            defer { fields.deallocate(); values.deallocate() }
            if header {
                let lineEnd = bytes[cursor..<end].firstIndex(of: 10) ?? end
                var header = Array(bytes[cursor..<lineEnd])
                if header.starts(with: [0xEF, 0xBB, 0xBF]) { header.removeFirst(3) }
                if header.last == 13 { header.removeLast() }
                guard String(decoding: header, as: UTF8.self) == CellsFile.header else {
                    throw fail(1, "表头应为：\(CellsFile.header)", String(decoding: header.prefix(120), as: UTF8.self))
                }
                cursor = lineEnd + 1
                line = 1
            }
            while cursor < end {
                line += 1
                let start = cursor
                // Split the line into fields; only the unit may be quoted.
                var count = 0
                var quotedUnit: String?
                if bytes[cursor] == 34 {
                    var text: [UInt8] = []
                    cursor += 1
                    while true {
                        guard cursor < end else { throw fail(line, "引号不配对") }
                        if bytes[cursor] == 34 {
                            if cursor + 1 < end && bytes[cursor + 1] == 34 { text.append(34); cursor += 2; continue }
                            cursor += 1
                            break
                        }
                        text.append(bytes[cursor]); cursor += 1
                    }
                    quotedUnit = String(validating: text, as: UTF8.self)
                    guard quotedUnit != nil else { throw fail(line, "“单位”不是 UTF-8 文字（文件可能是 GBK 编码，请另存为 UTF-8）") }
                    fields[0] = start..<cursor
                    count = 1
                    guard cursor < end, bytes[cursor] == 44 || bytes[cursor] == 10 else { throw fail(line, "引号后应为逗号") }
                    if bytes[cursor] == 44 { cursor += 1 }
                }
                var fieldStart = cursor
                var sawBreak = false
                while cursor < end {
                    // Digits, '.', '-' and every byte of a Chinese character are above ',' (44);
                    // only ',', '\n', '"' and control bytes stop this loop.
                    while cursor < end && bytes[cursor] > 44 { cursor += 1 }
                    guard cursor < end else { break }
                    let byte = bytes[cursor]
                    if byte == 44 || byte == 10 {
                        guard count < CellsFile.fieldCount else { throw fail(line, "字段多于 \(CellsFile.fieldCount) 个") }
                        fields[count] = fieldStart..<cursor
                        count += 1
                        fieldStart = cursor + 1
                        if byte == 10 { sawBreak = true; break }
                    } else if byte == 34 {
                        throw fail(line, "只有“单位”可以加引号；金额不加千位分隔符")
                    }
                    cursor += 1
                }
                if !sawBreak {  // the last line, without a line break
                    guard count < CellsFile.fieldCount else { throw fail(line, "字段多于 \(CellsFile.fieldCount) 个") }
                    fields[count] = fieldStart..<cursor
                    count += 1
                }
                cursor += 1
                let lastField = fields[count - 1]
                if lastField.count > 0 && bytes[lastField.upperBound - 1] == 13 { fields[count - 1] = lastField.lowerBound..<(lastField.upperBound - 1) }
                if count == 1 && fields[0].isEmpty { continue }  // blank line
                guard count == CellsFile.fieldCount else {
                    throw fail(line, "本行有 \(count) 个字段，应为 \(CellsFile.fieldCount) 个（\(CellsFile.header)）")
                }
                lines += 1
                // Unit: a new one starts when the name, as written, changes.
                let unitRange = fields[0]
                guard !unitRange.isEmpty else { throw fail(line, "“单位”为空") }
                let same = unitRange.count == currentUnit.count
                    && currentUnit.withUnsafeBufferPointer { memcmp($0.baseAddress!, bytes.baseAddress! + unitRange.lowerBound, unitRange.count) == 0 }
                if !same {
                    guard let name = quotedUnit ?? String(validating: UnsafeBufferPointer(rebasing: bytes[unitRange]), as: UTF8.self) else {
                        throw fail(line, "“单位”不是 UTF-8 文字（文件可能是 GBK 编码，请另存为 UTF-8）")
                    }
                    guard !name.isEmpty else { throw fail(line, "“单位”为空") }
                    if !units.isEmpty { try finishUnit(start: unitStart, end: start, line: unitLine) }
                    currentUnit = Array(bytes[unitRange])
                    units.append((name, line, (base + start)..<(base + start)))
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
                if year != self.year {
                    if let known = self.year { throw fail(line, "年度为 \(year)，而本文件前面为 \(known)；一次汇总只能是同一年度", String(year)) }
                    self.year = year
                }
                // Table and row.
                let tableField = fields[2]
                if tableField.count == 1, bytes[tableField.lowerBound] == 70 || bytes[tableField.lowerBound] == 80 {  // F, P
                    try scanExtra(bytes, fields, performance: bytes[tableField.lowerBound] == 80, line: line)
                    continue
                }
                guard tableField.count == 1, bytes[tableField.lowerBound] >= 49, bytes[tableField.lowerBound] <= 57 else {
                    throw fail(line, "“表”应为 1–9、F（表外数字）或 P（整体绩效自评）", text(bytes, tableField))
                }
                let tableNumber = bytes[tableField.lowerBound] - 48
                guard let id = RowID(table: tableNumber, bytes: UnsafeBufferPointer(rebasing: bytes[fields[3]])) else {
                    throw fail(line, "“行”为空或过长", text(bytes, fields[3]))
                }
                let row = try intern(id, line: line)
                guard lastUnit[row] != units.count else {
                    throw fail(line, "表\(tableNumber) \(id.text) 行在本单位中重复（第 \(lastLine[row]) 行已有）", id.text)
                }
                lastUnit[row] = units.count
                lastLine[row] = line
                // Amounts.
                var mask: UInt16 = 0
                let base = row * 12
                for column in 0..<12 {
                    let field = fields[4 + column]
                    guard !field.isEmpty else { values[column] = 0; continue }
                    guard let fen = parseFen(bytes, field) else {
                        throw fail(line, "第\(column + 1)栏不是有效的金额（以元为单位，最多两位小数，不加千位分隔符，不超过 100 万亿元）", text(bytes, field))
                    }
                    values[column] = fen
                    mask |= 1 << column
                    let (sum, overflow) = sums[base + column].addingReportingOverflow(fen)
                    guard !overflow else { throw fail(line, "金额累计超出可表示的范围", text(bytes, field)) }
                    sums[base + column] = sum
                }
                present[row] |= mask
                if let screen {
                    screenRow(screen, row, table: Int(tableNumber), values: values, mask: mask)
                }
            }
            if !units.isEmpty { try finishUnit(start: unitStart, end: min(cursor, end), line: unitLine) }
        }

        func text(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range.lowerBound..<min(range.upperBound, range.lowerBound + 80)]), as: UTF8.self)
        }

        /// The figure prefixes a 表 F row may use, and whether its value is a count.
        static let figurePrefixes: [(String, Bool)] = [("年初预算.", false), ("上年.", false), ("政府采购.", false),
                                                       ("公务用车运行费明细.", false), ("数量.", true), ("资产.", true)]

        /// A figure row (表 F: one amount or count in 栏1) or the performance row (表 P: 预算数, 执行数,
        /// score in 栏1–3).
        mutating func scanExtra(_ bytes: UnsafeBufferPointer<UInt8>, _ fields: UnsafeMutableBufferPointer<Range<Int>>,
                                performance: Bool, line: Int) throws(InputError) {
            let used = performance ? 3 : 1
            for column in used..<12 where !fields[4 + column].isEmpty {
                throw fail(line, "\(performance ? "P" : "F") 行只用第1–\(used)栏", text(bytes, fields[4 + column]))
            }
            var values: (Int64, Int64, Int64) = (0, 0, 0)
            for column in 0..<used {
                guard !fields[4 + column].isEmpty, let value = parseFen(bytes, fields[4 + column]), value >= 0 else {
                    throw fail(line, "第\(column + 1)栏应为不小于零的金额或数", text(bytes, fields[4 + column]))
                }
                switch column {
                case 0: values.0 = value
                case 1: values.1 = value
                default: values.2 = value
                }
            }
            let keyRange = fields[3]
            func isKey(_ index: Int) -> Bool {
                index >= 0 && index < figureKeyBytes.count && figureKeyBytes[index].count == keyRange.count
                    && figureKeyBytes[index].withUnsafeBufferPointer { memcmp($0.baseAddress!, bytes.baseAddress! + keyRange.lowerBound, keyRange.count) == 0 }
            }
            if performance {
                guard UnsafeBufferPointer(rebasing: bytes[keyRange]).elementsEqual(CellsFile.performanceKey.utf8) else {
                    throw fail(line, "P 行的“行”应为“整体”", text(bytes, keyRange))
                }
                guard performanceUnit != units.count else { throw fail(line, "本单位的 P 行重复") }
                guard values.2 <= 10_000 else { throw fail(line, "第3栏（自评得分）应在 0–100 分之间", text(bytes, fields[6])) }
                performanceUnit = units.count
                let (newFunds, o1) = funds.addingReportingOverflow(values.0), (newExecuted, o2) = executed.addingReportingOverflow(values.1)
                guard !o1, !o2 else { throw fail(line, "金额累计超出可表示的范围") }
                (funds, executed) = (newFunds, newExecuted)
                scoreFunds += Int128(values.2) * Int128(values.0)
                forms += 1
                return
            }
            let index: Int
            if isKey(lastFigure + 1) {
                index = lastFigure + 1
            } else if let known = figureIndex[Array(bytes[keyRange])] {
                index = known
            } else {
                let key = Array(bytes[keyRange])
                guard let name = String(validating: key, as: UTF8.self),
                      name == "机关运行经费" || Self.figurePrefixes.contains(where: { name.hasPrefix($0.0) && name.count > $0.0.count }) else {
                    throw fail(line, "F 行的“行”应为“机关运行经费”，或以 \(Self.figurePrefixes.map { $0.0 }.joined(separator: "、")) 开头", text(bytes, keyRange))
                }
                index = figureKeys.count
                figureIndex[key] = index
                figureKeys.append(name)
                figureKeyBytes.append(key)
                figureIsCount.append(Self.figurePrefixes.contains { $0.1 && name.hasPrefix($0.0) })
                figureSums.append(0)
                figureUnit.append(-1)
            }
            lastFigure = index
            guard figureUnit[index] != units.count else { throw fail(line, "F 行“\(figureKeys[index])”在本单位中重复", figureKeys[index]) }
            figureUnit[index] = units.count
            if figureIsCount[index], values.0 % 100 != 0 {
                throw fail(line, "“\(figureKeys[index])”是件数，应为整数", text(bytes, fields[4]))
            }
            let (sum, overflow) = figureSums[index].addingReportingOverflow(values.0)
            guard !overflow else { throw fail(line, "金额累计超出可表示的范围") }
            figureSums[index] = sum
        }

        /// 分 of a plain 元 amount in `range` of `bytes` (`MoneyParser.plainYuanFen`).
        @inline(__always)
        func parseFen(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int64? {
            MoneyParser.plainYuanFen(bytes, range)
        }

        /// Keeps the row for the unit's end, runs the row forms, fills the fixed slots.
        mutating func screenRow(_ screen: CompiledScreen, _ row: Int, table: Int, values: UnsafeMutableBufferPointer<Int64>, mask: UInt16) {
            position[row] = unitRows.count
            unitRows.append(row)
            unitValues.append(contentsOf: values)
            unitMasks.append(mask)
            if screenFailure == nil {
                for index in screen.rowFormRange[table] {
                    let form = screen.rowForms[index]
                    var difference: Int64 = 0, printed = 0
                    for term in form.start..<form.end {
                        let (column, sign) = screen.rowTerms[term]
                        if mask & (1 << column) != 0 { difference &+= sign &* values[column]; printed += 1 }
                    }
                    if screen.fails(form, difference, printed) {
                        screenFailure = "[\(screen.rules[form.rule].id)] \(screen.rules[form.rule].title)（表\(table) \(ids[row].text) 行）"
                        break
                    }
                }
            }
            guard hasSlots[row] else { return }
            let base = row * 12
            for column in 0..<12 where slots[base + column] >= 0 {
                let slot = slots[base + column]
                slotValues[slot] = values[column]
                slotPrinted[slot] = mask & (1 << column) != 0
                slotsWritten.append(slot)
            }
        }

        /// The end of a unit: fixed forms, rollups; a failing unit is checked in full.
        mutating func finishUnit(start: Int, end: Int, line: Int) throws {
            if !units.isEmpty { units[units.count - 1].range = (base + start)..<(base + end) }
            guard let screen else { return }
            if screenFailure == nil {
                if formUnit.count < screen.fixedForms.count { formUnit = Array(repeating: -1, count: screen.fixedForms.count) }
                checking: for slot in slotsWritten {
                  for position in screen.slotFormStart[slot]..<screen.slotFormStart[slot + 1] {
                    let formIndex = screen.slotForms[position]
                    guard formUnit[formIndex] != units.count else { continue }
                    formUnit[formIndex] = units.count
                    let form = screen.fixedForms[formIndex]
                    var difference: Int64 = 0, printed = 0
                    for term in form.start..<form.end {
                        let (slot, sign) = screen.fixedTerms[term]
                        if slotPrinted[slot] { difference &+= sign &* slotValues[slot]; printed += 1 }
                    }
                    if screen.fails(form, difference, printed) {
                        screenFailure = "[\(screen.rules[form.rule].id)] \(screen.rules[form.rule].title)"
                        break checking
                    }
                  }
                }
            }
            if screenFailure == nil { screenFailure = crossFailure(screen) }
            if screenFailure == nil { screenFailure = rollupFailure(screen) }
            if let failure = screenFailure { try report(failure, line: line) }
            for row in unitRows { position[row] = -1 }
            unitRows.removeAll(keepingCapacity: true)
            unitValues.removeAll(keepingCapacity: true)
            unitMasks.removeAll(keepingCapacity: true)
            for slot in slotsWritten { slotValues[slot] = 0; slotPrinted[slot] = false }
            slotsWritten.removeAll(keepingCapacity: true)
            screenFailure = nil
        }

        /// Rebuilds the failing unit and lets the checker say what is wrong.
        mutating func report(_ failure: String, line: Int) throws {
            var rows: [RowID: [Int64?]] = [:]
            for (index, row) in unitRows.enumerated() {
                rows[ids[row]] = (0..<12).map { unitMasks[index] & (1 << $0) != 0 ? unitValues[index * 12 + $0] : nil }
            }
            let name = units.last?.name ?? ""
            var unit = CellsConsolidation.disclosure(rows: rows, name: name, year: year ?? 0, catalog: catalog)
            unit.source = path
            let errors = checker?.check(unit).filter { $0.severity == .error } ?? []
            let first = errors.sorted { ($0.table == nil ? 1 : 0) < ($1.table == nil ? 1 : 0) }.first
            failing.append(FailingUnit(unit: name, file: path, line: line, errors: max(errors.count, 1),
                                       first: first.map { "[\($0.rule)] \($0.message)" } ?? failure))
        }

        /// Cross-table row forms (表5 = 表3 row by row when all money is 一般公共预算), on the unit's rows
        /// of the driving table; the other tables' cells are those of the row with the same key (0 when
        /// the unit does not print it).
        mutating func crossFailure(_ screen: CompiledScreen) -> String? {
            for cross in screen.crossForms {
                if cross.conditional {
                    var difference: Int64 = 0
                    for term in cross.conditionStart..<cross.conditionEnd {
                        let (slot, sign) = screen.conditionTerms[term]
                        if slotPrinted[slot] { difference &+= sign &* slotValues[slot] }
                    }
                    guard difference == 0 else { continue }  // the condition holds exactly, as in the checker
                }
                for (index, row) in unitRows.enumerated() where Int(ids[row].table) == cross.driving {
                    var difference: Int64 = 0, printed = 0
                    for term in cross.start..<cross.end {
                        let (table, column, sign) = screen.crossTerms[term]
                        var at = index
                        if table != cross.driving {
                            guard let otherRow = partner(of: row, in: table), position[otherRow] >= 0 else { continue }
                            at = position[otherRow]
                        }
                        if unitMasks[at] & (1 << column) != 0 { difference &+= sign &* unitValues[at * 12 + column]; printed += 1 }
                    }
                    if difference != 0, LinearScreen.fails(difference, relation: cross.equal ? .equal : .atMost, printed: printed) {
                        let rule = screen.rules[cross.rule]
                        return "[\(rule.id)] \(rule.title)（表\(cross.driving) \(ids[row].text) 行）"
                    }
                }
            }
            return nil
        }

        /// The row with the same key as `row` in table `table`, once some unit has printed it (cached).
        mutating func partner(of row: Int, in table: Int) -> Int? {
            if partners.count < ids.count * 10 { partners += Array(repeating: 0, count: ids.count * 10 - partners.count) }
            let cached = partners[row * 10 + table]
            if cached > 0 { return cached - 1 }
            var other = ids[row]
            other.table = UInt8(table)
            guard let found = self.table.find(other) else { return nil }  // not cached: a later unit may print it
            partners[row * 10 + table] = found + 1
            return found
        }

        /// 类＝Σ款, 款＝Σ项, 合计＝Σ类 and the 表6 totals, on the unit's rows.
        mutating func rollupFailure(_ screen: CompiledScreen) -> String? {
            // Only the columns some row printed are visited (bit by bit through the masks).
            defer {
                for row in touched {
                    var columns = childMask[row]
                    while columns != 0 {
                        let column = columns.trailingZeroBitCount
                        expected[row * 12 + column] = 0
                        counted[row * 12 + column] = 0
                        columns &= columns - 1
                    }
                    childMask[row] = 0
                }
                touched.removeAll(keepingCapacity: true)
            }
            if childMask.count < ids.count { childMask += Array(repeating: 0, count: ids.count - childMask.count) }
            for (index, row) in unitRows.enumerated() {
                let parentRow = parent[row]
                guard parentRow >= 0, position[parentRow] >= 0, screen.rollup[Int(ids[row].table)] >= 0 else { continue }
                if touchedMark[parentRow] != units.count { touchedMark[parentRow] = units.count; touched.append(parentRow) }
                let mask = unitMasks[index]
                childMask[parentRow] |= mask
                var columns = mask
                while columns != 0 {
                    let column = columns.trailingZeroBitCount
                    expected[parentRow * 12 + column] &+= unitValues[index * 12 + column]
                    counted[parentRow * 12 + column] += 1
                    columns &= columns - 1
                }
            }
            for parentRow in touched {
                let index = position[parentRow]
                let mask = unitMasks[index]
                var columns = mask | childMask[parentRow]
                while columns != 0 {
                    let column = columns.trailingZeroBitCount
                    columns &= columns - 1
                    let printedHere = mask & (1 << column) != 0
                    let stated = printedHere ? unitValues[index * 12 + column] : 0
                    let difference = stated &- expected[parentRow * 12 + column]
                    guard difference != 0 else { continue }
                    let printed = Int(counted[parentRow * 12 + column]) + (printedHere ? 1 : 0)
                    if LinearScreen.fails(difference, relation: .equal, printed: printed) {
                        let rule = screen.rules[screen.rollup[Int(ids[parentRow].table)]]
                        return "[\(rule.id)] \(rule.title)（表\(ids[parentRow].table) \(ids[parentRow].text) 行第\(column + 1)栏）"
                    }
                }
            }
            return nil
        }
    }
}
