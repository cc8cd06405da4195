import CXlsxWriter
import Foundation
import ZIPFoundation
import JuesuanCore

/// A 部门预算 as a workbook to fill in Excel or WPS: a sheet of what the budget is (部门, 年度, 版式), one sheet per
/// table of its layout, and the 编制说明 a paragraph per row. The columns that add up (合计 = 基本支出 + 项目支出 …)
/// and the 合计 row (Σ 类) are formulas, grey; what the unit types is yellow, with 20 blank rows for codes. Read back
/// from the bytes, amounts exactly (in 分), a formula left without its value (a program that does not calculate)
/// computed again from its parts.
public enum BudgetWorkbook {
    /// The first sheet's title, by which an upload is recognised as a budget workbook.
    public static let marker = "部门预算填报"
    static let metaSheet = "预算"
    static let narrativeSheet = "编制说明"
    static let blankRows = 20
    static let rowsHeader = "科目编码"
    static let itemsHeader = "方向"

    /// The sheet of table `spec`: its id and name ("B5 一般公共预算支出功能分类预算表", at most 31 characters).
    static func sheetName(_ spec: BudgetLayout.TableSpec) -> String {
        String("\(spec.id) \(spec.name.filter { !"[]:*?/\\'“”\"".contains($0) })".prefix(31))
    }

    /// The amount a cell shows, in the table's unit.
    static func number(_ fen: Int64, unit: MoneyUnit) -> Double {
        unit == .yuan ? Double(fen) / 100 : Double(fen) / 1_000_000
    }

    /// The column letter of a 0-based column.
    static func letter(_ column: Int) -> String {
        var column = column + 1
        var result = ""
        while column > 0 {
            let remainder = (column - 1) % 26
            result = String(UnicodeScalar(UInt8(65 + remainder))) + result
            column = (column - 1) / 26
        }
        return result
    }

    // MARK: Writing

    /// The workbook of `dataset` (written as it is; a blank one is a dataset with empty tables).
    public static func data(_ dataset: BudgetDataset, layout: BudgetLayout) throws -> Data {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-budget-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("budget.xlsx")
        guard let workbook = workbook_new(url.path) else { throw WorkbookWriter.Failure(description: "无法创建预算工作簿") }
        let formats = WorkbookWriter.Formats(workbook)
        writeMeta(workbook, formats, dataset, layout: layout)
        for spec in layout.tables {
            let table = dataset.tables[spec.id] ?? BudgetDataset.TableData(unit: "元")
            writeTable(workbook, formats, spec, table)
        }
        writeTargets(workbook, formats, dataset.targets ?? [])
        let sheet = workbook_add_worksheet(workbook, narrativeSheet)!
        printable(sheet, landscape: false)
        worksheet_set_column(sheet, 0, 0, 90, formats.inputText)
        worksheet_write_string(sheet, 0, 0, "编制说明与其他相关情况说明：每段一行，标题单独一行。", formats.bold)
        for (index, paragraph) in dataset.narrative.enumerated() {
            worksheet_write_string(sheet, lxw_row_t(index + 1), 0, paragraph, formats.inputText)
        }
        for index in dataset.narrative.count..<(dataset.narrative.count + blankRows) {
            worksheet_write_blank(sheet, lxw_row_t(index + 1), 0, formats.inputText)
        }
        let status = workbook_close(workbook)
        guard status == LXW_NO_ERROR else { throw WorkbookWriter.Failure(description: "写出预算工作簿失败（libxlsxwriter 错误 \(status.rawValue)）") }
        return try Data(contentsOf: url)
    }

    /// A4, one page wide, so that a printed sheet shows every column.
    static func printable(_ sheet: UnsafeMutablePointer<lxw_worksheet>, landscape: Bool) {
        worksheet_set_paper(sheet, 9)
        if landscape { worksheet_set_landscape(sheet) }
        worksheet_fit_to_pages(sheet, 1, 0)
        worksheet_set_margins(sheet, 0.4, 0.4, 0.5, 0.5)
    }

    static func writeMeta(_ workbook: UnsafeMutablePointer<lxw_workbook>, _ formats: WorkbookWriter.Formats, _ dataset: BudgetDataset, layout: BudgetLayout) {
        let sheet = workbook_add_worksheet(workbook, metaSheet)!
        printable(sheet, landscape: false)
        worksheet_set_column(sheet, 0, 0, 16, nil)
        worksheet_set_column(sheet, 1, 1, 50, nil)
        worksheet_write_string(sheet, 0, 0, marker, formats.title)
        let rows: [(String, String, Bool)] = [
            ("部门名称", dataset.department, true), ("年度", String(dataset.year), true), ("部门或单位", dataset.scope.rawValue, true),
            ("版式", layout.id, false), ("版式名称", layout.name, false),
        ]
        for (index, row) in rows.enumerated() {
            worksheet_write_string(sheet, lxw_row_t(index + 2), 0, row.0, formats.label)
            worksheet_write_string(sheet, lxw_row_t(index + 2), 1, row.1, row.2 ? formats.inputText : formats.label)
        }
        let help = [
            "怎样填：黄色格子填写，灰色格子是公式（合计等），不要改。金额按各表第 2 行所说的单位（元或万元）填，最多两位小数。",
            "功能分类、经济分类表：每行先填科目编码（类 3 位、款 5 位、项 7 位），名称可不填；表下留有 20 行空行，不够可插入行。",
            "“部门或单位”填“部门”（部门预算）或“单位”（单位预算）。空表在“空表说明”一行写明原因（如“本部门无政府性基金预算”）。",
            "填好后在 juesuan 上传（或 juesuan build 本文件），按预算规则检查：表内相加、表间一致、编制说明中的数字。",
        ]
        for (index, line) in help.enumerated() { worksheet_write_string(sheet, lxw_row_t(rows.count + 3 + index), 0, line, formats.text) }
    }

    static func writeTable(_ workbook: UnsafeMutablePointer<lxw_workbook>, _ formats: WorkbookWriter.Formats, _ spec: BudgetLayout.TableSpec,
                           _ table: BudgetDataset.TableData) {
        let sheet = workbook_add_worksheet(workbook, sheetName(spec))!
        printable(sheet, landscape: true)
        let unit = table.moneyUnit
        let width = spec.columns.count
        worksheet_set_column(sheet, 0, 0, 12, nil)
        worksheet_set_column(sheet, 1, 1, 30, nil)
        worksheet_set_column(sheet, 2, lxw_col_t(max(2, width + 1)), 16, nil)
        worksheet_write_string(sheet, 0, 0, spec.name, formats.bold)
        worksheet_write_string(sheet, 1, 0, "单位：\(table.unit)", formats.text)
        worksheet_write_string(sheet, 1, 2, "空表说明", formats.label)
        if let note = table.note { worksheet_write_string(sheet, 1, 3, note, formats.inputText) } else { worksheet_write_blank(sheet, 1, 3, formats.inputText) }
        var row = 3
        let usesRows = [.functional, .economic, .single].contains(spec.shape)
        if usesRows || !table.rows.isEmpty {
            worksheet_write_string(sheet, lxw_row_t(row), 0, rowsHeader, formats.heading)
            worksheet_write_string(sheet, lxw_row_t(row), 1, "科目名称", formats.heading)
            for (column, name) in spec.columns.enumerated() { worksheet_write_string(sheet, lxw_row_t(row), lxw_col_t(column + 2), name, formats.heading) }
            row += 1
            var rows = table.rows
            let coded = spec.shape != .single
            // A blank table: every total a formula. A filled one: formulas where the figures agree with them.
            let blank = rows.isEmpty
            if coded, blank { rows.insert(.init(code: "", label: "合计", cells: []), at: 0) }
            let extra = coded ? blankRows : (rows.isEmpty ? 1 : 0)
            let first = row, last = row + rows.count + extra - 1
            let codes = "$A$\(first + 1):$A$\(last + 1)"
            for index in 0..<(rows.count + extra) {
                let data = index < rows.count ? rows[index] : BudgetDataset.Row(code: "", label: "", cells: [])
                let isTotal = coded && index < rows.count && data.code.isEmpty
                worksheet_write_string(sheet, lxw_row_t(row), 0, data.code, isTotal ? formats.label : formats.inputText)
                worksheet_write_string(sheet, lxw_row_t(row), 1, data.label, isTotal ? formats.label : formats.inputText)
                let cells = (0..<width).map { $0 < data.cells.count ? data.cells[$0] : nil }
                var computed: [Int: (String, Int64)] = [:]
                // The 合计 row: Σ 类 rows, when that is what it holds (or it is blank).
                if isTotal {
                    for column in 0..<width {
                        let classes = rows.filter { $0.code.count == 3 }.compactMap { column < $0.cells.count ? $0.cells[column] : nil }
                        guard blank || (cells[column] != nil && cells[column] == classes.reduce(0, +)) else { continue }
                        let range = "\(letter(column + 2))$\(first + 1):\(letter(column + 2))$\(last + 1)"
                        computed[column] = ("SUMPRODUCT((LEN(\(codes))=3)*\(range))", classes.reduce(0, +))
                    }
                }
                // Columns that are the sum of others, when the data agrees (a disagreeing figure is kept as typed, for the check).
                for sum in spec.sums ?? [] where sum.count > 1 && sum.allSatisfy({ $0 < width }) {
                    let parts = sum.dropFirst().map { cells[$0] }
                    let total = parts.compactMap { $0 }.reduce(0, +)
                    let unwritten = index >= rows.count || (blank && isTotal)
                    guard unwritten || (cells[sum[0]] != nil && cells[sum[0]] == total) else { continue }
                    guard computed[sum[0]] == nil else { continue }
                    computed[sum[0]] = (sum.dropFirst().map { "\(letter($0 + 2))\(row + 1)" }.joined(separator: "+"), total)
                }
                for column in 0..<width {
                    if let (formula, cached) = computed[column] {
                        worksheet_write_formula_num(sheet, lxw_row_t(row), lxw_col_t(column + 2), "=" + formula, formats.computed, number(cached, unit: unit))
                    } else if let value = cells[column] {
                        worksheet_write_number(sheet, lxw_row_t(row), lxw_col_t(column + 2), number(value, unit: unit), formats.input)
                    } else {
                        worksheet_write_blank(sheet, lxw_row_t(row), lxw_col_t(column + 2), formats.input)
                    }
                }
                row += 1
            }
            row += 1
        }
        if !usesRows || !table.items.isEmpty {
            let figures = max(1, table.items.map(\.figures.count).max() ?? 0, spec.shape == .ledger ? width : 1)
            worksheet_write_string(sheet, lxw_row_t(row), 0, itemsHeader, formats.heading)
            worksheet_write_string(sheet, lxw_row_t(row), 1, "项目", formats.heading)
            for column in 0..<figures {
                let name = spec.shape == .ledger && column < width ? spec.columns[column] : (figures == 1 ? "金额" : "金额\(column + 1)")
                worksheet_write_string(sheet, lxw_row_t(row), lxw_col_t(column + 2), name, formats.heading)
            }
            row += 1
            for index in 0..<(table.items.count + blankRows) {
                let item = index < table.items.count ? table.items[index] : BudgetDataset.Item(side: "", label: "", figures: [])
                worksheet_write_string(sheet, lxw_row_t(row), 0, item.side == "右" ? "支出" : (item.side == "左" ? "收入" : ""), formats.inputText)
                worksheet_write_string(sheet, lxw_row_t(row), 1, item.label, formats.inputText)
                for column in 0..<figures {
                    if column < item.figures.count {
                        worksheet_write_number(sheet, lxw_row_t(row), lxw_col_t(column + 2), number(item.figures[column], unit: unit), formats.input)
                    } else {
                        worksheet_write_blank(sheet, lxw_row_t(row), lxw_col_t(column + 2), formats.input)
                    }
                }
                row += 1
            }
        }
        worksheet_freeze_panes(sheet, 0, 2)
    }

    static let targetsSheet = "项目绩效目标"
    static let targetsHeader = ["项目名称", "项目金额（元）", "一级指标", "二级指标", "三级指标", "指标值"]

    /// The 项目绩效目标表: a row per indicator, the project's name and money on each of its rows.
    static func writeTargets(_ workbook: UnsafeMutablePointer<lxw_workbook>, _ formats: WorkbookWriter.Formats, _ targets: [BudgetDataset.ProjectTarget]) {
        let sheet = workbook_add_worksheet(workbook, targetsSheet)!
        printable(sheet, landscape: true)
        for (column, width) in [30.0, 16, 14, 16, 30, 20].enumerated() { worksheet_set_column(sheet, lxw_col_t(column), lxw_col_t(column), width, nil) }
        for (column, name) in targetsHeader.enumerated() { worksheet_write_string(sheet, 0, lxw_col_t(column), name, formats.heading) }
        var row = 1
        for target in targets {
            for indicator in target.indicators.isEmpty ? [.init(level1: "", level2: "", name: "", value: "")] : target.indicators {
                worksheet_write_string(sheet, lxw_row_t(row), 0, target.project, formats.inputText)
                if let amount = target.amount {
                    worksheet_write_number(sheet, lxw_row_t(row), 1, number(amount, unit: .yuan), formats.input)
                } else {
                    worksheet_write_blank(sheet, lxw_row_t(row), 1, formats.input)
                }
                for (column, text) in [indicator.level1, indicator.level2, indicator.name, indicator.value].enumerated() {
                    worksheet_write_string(sheet, lxw_row_t(row), lxw_col_t(column + 2), text, formats.inputText)
                }
                row += 1
            }
        }
        for blank in row..<(row + blankRows) {
            for column in 0..<targetsHeader.count { worksheet_write_blank(sheet, lxw_row_t(blank), lxw_col_t(column), column == 1 ? formats.input : formats.inputText) }
        }
        worksheet_freeze_panes(sheet, 1, 1)
    }

    static func readTargets(_ cells: [Int: [Int: WorkbookReader.Cell]], file: String) throws -> [BudgetDataset.ProjectTarget] {
        var targets: [BudgetDataset.ProjectTarget] = []
        for row in cells.keys.sorted() where row > 0 {
            func text(_ column: Int) -> String { (cells[row]?[column]?.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
            let project = text(0)
            let indicator = BudgetDataset.ProjectTarget.Indicator(level1: text(2), level2: text(3), name: text(4), value: text(5))
            guard !project.isEmpty || !indicator.name.isEmpty || !text(1).isEmpty else { continue }
            guard !project.isEmpty else {
                throw Failure(description: "\(file) 工作表“\(targetsSheet)”第 \(row + 1) 行：没有填项目名称")
            }
            var amount: Int64?
            if !text(1).isEmpty {
                guard let fen = fen(text(1), unit: .yuan) else {
                    throw Failure(description: "\(file) 工作表“\(targetsSheet)”第 \(row + 1) 行 B 列：“\(text(1).prefix(30))”不是金额")
                }
                amount = fen
            }
            if let last = targets.indices.last, targets[last].project == project {
                if targets[last].amount == nil { targets[last].amount = amount }
                if !indicator.name.isEmpty || !indicator.value.isEmpty { targets[last].indicators.append(indicator) }
            } else {
                targets.append(.init(project: project, amount: amount, indicators: indicator.name.isEmpty && indicator.value.isEmpty ? [] : [indicator]))
            }
        }
        return targets
    }

    // MARK: Reading

    /// An amount cell's text ("1813.94", "1,813.94", "1.5E3") in `unit` as 分, rounded half-up, exactly (never through a
    /// floating-point value); nil when it is not a number or beyond any budget.
    /// A number as a spreadsheet writes it (see `PlainNumber`).
    static func isNumber(_ text: String) -> Bool { PlainNumber.matches(text) }

    static func fen(_ text: String, unit: MoneyUnit) -> Int64? {
        let plain = text.filter { $0 != "," }
        guard isNumber(plain), var value = Decimal(string: plain), value.isFinite,
              value.magnitude < Decimal(sign: .plus, exponent: 13, significand: 1) else { return nil }
        value *= unit == .yuan ? 100 : 1_000_000
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 0, .plain)
        return NSDecimalNumber(decimal: rounded).int64Value
    }

    public struct Failure: ExplainedError {
        public var description: String
        public var kind: ProblemKind { .inputInvalid }
        public var hint: String { "" }
    }

    /// Whether the inflated parts of an XLSX are a budget workbook (its first sheet is the 预算 sheet with the marker).
    public static func recognizes(entries: [String: Data]) -> Bool {
        guard let book = entries["xl/workbook.xml"], String(decoding: book, as: UTF8.self).contains("name=\"\(metaSheet)\"") else { return false }
        return WorkbookText.contains(entries, marker)
    }

    /// Reads a budget workbook from its inflated ZIP parts.
    public static func read(entries: [String: Data], displayName name: String) throws -> BudgetDataset {
        let sheets = try WorkbookReader.allSheets(name: name) { entries[$0] }
        guard let meta = sheets[metaSheet], meta[0]?[0]?.text == marker else {
            throw Failure(description: "\(name)：不是预算填报工作簿（缺少“\(metaSheet)”工作表）")
        }
        func value(_ key: String) -> String {
            (meta.values.first { $0[0]?.text == key }?[1]?.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let layout = BudgetLayout.shipped.first(where: { $0.id == value("版式") }) else {
            throw Failure(description: "\(name) 工作表“\(metaSheet)”：版式“\(value("版式").prefix(40))”不认识（应为 \(BudgetLayout.shipped.map(\.id).joined(separator: "、"))）")
        }
        let yearText = value("年度")
        guard let year = Int(yearText) ?? Double(yearText).map({ Int($0) }), (1900...2200).contains(year) else {
            throw Failure(description: "\(name) 工作表“\(metaSheet)”：年度“\(yearText.prefix(20))”不是 1900–2200 之间的年份")
        }
        guard let scope = BudgetScope(rawValue: value("部门或单位")) else {
            throw Failure(description: "\(name) 工作表“\(metaSheet)”：“部门或单位”应填“部门”或“单位”，而不是“\(value("部门或单位").prefix(20))”")
        }
        let department = value("部门名称")
        guard !department.isEmpty else { throw Failure(description: "\(name) 工作表“\(metaSheet)”：部门名称没有填") }
        var tables: [String: BudgetDataset.TableData] = [:]
        for spec in layout.tables {
            guard let cells = sheets[sheetName(spec)] else { continue }
            tables[spec.id] = try readTable(cells, spec: spec, sheet: sheetName(spec), file: name)
        }
        var narrative: [String] = []
        if let rows = sheets[narrativeSheet] {
            for row in rows.keys.sorted() where row > 0 {
                let text = (rows[row]?[0]?.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                if !text.isEmpty { narrative.append(text) }
            }
        }
        var dataset = BudgetDataset(layout: layout.id, scope: scope, year: year, department: department, tables: tables, narrative: narrative)
        if let cells = sheets[targetsSheet] {
            let targets = try readTargets(cells, file: name)
            dataset.targets = targets.isEmpty ? nil : targets
        }
        return dataset
    }

    static func readTable(_ cells: [Int: [Int: WorkbookReader.Cell]], spec: BudgetLayout.TableSpec, sheet: String, file: String) throws -> BudgetDataset.TableData {
        let unitText = (cells[1]?[0]?.text ?? "").replacingOccurrences(of: "单位：", with: "").replacingOccurrences(of: "单位:", with: "")
            .trimmingCharacters(in: .whitespaces)
        guard unitText == "元" || unitText == "万元" else {
            throw Failure(description: "\(file) 工作表“\(sheet)”第 2 行：单位“\(unitText.prefix(10))”应为“元”或“万元”")
        }
        let unit: MoneyUnit = unitText == "元" ? .yuan : .wan
        func amount(_ row: Int, _ column: Int) throws -> Int64? {
            guard let cell = cells[row]?[column] else { return nil }
            let text = cell.text.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { return nil }
            guard let fen = fen(text, unit: unit) else {
                throw Failure(description: "\(file) 工作表“\(sheet)”第 \(row + 1) 行 \(letter(column)) 列：“\(text.prefix(30))”不是金额")
            }
            return fen
        }
        var table = BudgetDataset.TableData(unit: unitText)
        let note = (cells[1]?[3]?.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        table.note = note.isEmpty ? nil : note
        var mode: Character = " "
        var itemFigures = 0
        for row in cells.keys.sorted() where row >= 3 {
            let first = (cells[row]?[0]?.text ?? "").trimmingCharacters(in: .whitespaces)
            if first == rowsHeader { mode = "r"; continue }
            if first == itemsHeader {
                mode = "i"
                itemFigures = (cells[row]?.keys.max() ?? 1) - 1
                continue
            }
            let label = (cells[row]?[1]?.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            switch mode {
            case "r":
                let figures = try (0..<spec.columns.count).map { try amount(row, $0 + 2) }
                let code = first.filter { !$0.isWhitespace }
                // A blank row (its sum formulas show 0) is no row; the one row of a single-row table is kept as typed.
                let typed = spec.shape == .single ? figures.contains { $0 != nil } : figures.contains { $0 != nil && $0 != 0 }
                guard !code.isEmpty || !label.isEmpty || typed else { continue }
                guard code.allSatisfy({ $0.isASCII && $0.isNumber }), code.count <= 9 else {
                    throw Failure(description: "\(file) 工作表“\(sheet)”第 \(row + 1) 行：科目编码“\(first.prefix(20))”应为数字（类 3 位、款 5 位、项 7 位）")
                }
                table.rows.append(.init(code: code, label: label, cells: figures))
            case "i":
                let figures = try (0..<max(1, itemFigures)).map { try amount(row, $0 + 2) }
                guard !first.isEmpty || !label.isEmpty || figures.contains(where: { $0 != nil }) else { continue }
                guard first == "收入" || first == "支出" || (first.isEmpty && spec.shape != .ledger) else {
                    throw Failure(description: "\(file) 工作表“\(sheet)”第 \(row + 1) 行：方向“\(first.prefix(10))”应为“收入”或“支出”")
                }
                var kept = figures
                while let last = kept.last, last == nil { kept.removeLast() }
                table.items.append(.init(side: first == "支出" ? "右" : "左", label: label, figures: kept.map { $0 ?? 0 }))
            default:
                continue
            }
        }
        complete(&table, spec: spec)
        // An empty table: its 合计 row alone, holding nothing but its formulas' zeros.
        if spec.shape != .single, table.rows.allSatisfy({ $0.code.isEmpty && $0.cells.allSatisfy { $0 == nil || $0 == 0 } }) { table.rows = [] }
        return table
    }

    /// Formulas left without values (a program that keeps formulas but does not calculate): the sum columns and the
    /// 合计 row computed again from their parts. A cell with a value is never touched.
    static func complete(_ table: inout BudgetDataset.TableData, spec: BudgetLayout.TableSpec) {
        for index in table.rows.indices {
            // A sum whose parts include another sum waits for it (三公 = 出国 + 车 + 接待, 车 = 购置 + 运行).
            var pending = (spec.sums ?? []).filter { sum in sum.count > 1 && sum.allSatisfy { $0 < table.rows[index].cells.count } }
                .filter { table.rows[index].cells[$0[0]] == nil }
            while let next = pending.firstIndex(where: { sum in !sum.dropFirst().contains { part in pending.contains { $0[0] == part } } }) {
                let sum = pending.remove(at: next)
                let parts = sum.dropFirst().compactMap { table.rows[index].cells[$0] }
                if !parts.isEmpty { table.rows[index].cells[sum[0]] = parts.reduce(0, +) }
            }
        }
        guard let total = table.rows.firstIndex(where: { $0.code.isEmpty }), spec.shape != .single else { return }
        for column in table.rows[total].cells.indices where table.rows[total].cells[column] == nil {
            let classes = table.rows.filter { $0.code.count == 3 }.compactMap { column < $0.cells.count ? $0.cells[column] : nil }
            if !classes.isEmpty { table.rows[total].cells[column] = classes.reduce(0, +) }
        }
    }
}

extension BudgetWorkbook {
    /// The inflated parts of the XLSX at `url` (a local file the user named).
    public static func entries(_ url: URL, displayName name: String) throws -> [String: Data] {
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch {
            throw Failure(description: "\(name)：不是有效的 .xlsx 工作簿（无法按 ZIP 打开）")
        }
        var parts: [String: Data] = [:]
        var total = 0
        for entry in archive where entry.type == .file {
            var data = Data()
            do { _ = try archive.extract(entry, skipCRC32: false) { data.append($0) } } catch {
                throw Failure(description: "\(name)：部件 \(entry.path) 无法解压，工作簿已损坏")
            }
            total += data.count
            guard total <= 200 * 1024 * 1024 else { throw Failure(description: "\(name)：解压后超过 200 MB，不像是预算工作簿") }
            parts[entry.path] = data
        }
        return parts
    }
}
