import CXlsxWriter
import Foundation
import JuesuanCore

/// Writes the disclosure as an Excel workbook with libxlsxwriter: a sheet "数据集" with the unit and
/// year, one sheet per table in the printed layout (title, 部门/单位 line, merged headings, 栏次 row,
/// `#,##0.00`, frozen headings, A4 landscape fitted to the page width, headings repeated on every
/// printed page), and one sheet per self-evaluation form.
public enum WorkbookWriter {
    public struct Failure: ExplainedError {
        public var description: String
        public var kind: ProblemKind { .output }
        public var hint: String { "" }
    }

    /// A workbook a unit can really fill: the cells the form computes hold Excel formulas (so Excel,
    /// WPS and LibreOffice show totals as the officer types) and are locked; every other amount cell is
    /// unlocked, with a check that it is a number; code tables get blank rows to add codes.
    public struct Fillable: Sendable {
        public typealias Cell = TableCell
        public struct Term: Sendable {
            public var cell: Cell
            public var sign: Int
            public init(cell: Cell, sign: Int) {
                self.cell = cell
                self.sign = sign
            }
        }
        /// Each computed cell as a signed sum of other cells.
        public var formulas: [Cell: [Term]]
        /// Blank rows after the rows of each code table, to add codes.
        public var extraRows: Int

        public init(formulas: [Cell: [Term]], extraRows: Int = 15) {
            self.formulas = formulas
            self.extraRows = extraRows
        }
    }

    /// The row of the 数据集 sheet that marks a fillable workbook: on upload, its computed cells are
    /// computed again from the parts (a code row added in Excel is not in the sheet's formulas).
    public static let fillableKey = "工作簿类型"
    public static let fillableValue = "可填报（由 juesuan 生成，公式格受保护）"

    /// Where each amount of one sheet went, and the computed cells still to write as formulas.
    final class SheetContext {
        let id: TableID
        let fillable: Fillable?
        var addresses: [Fillable.Cell: (row: Int, column: Int)] = [:]
        var pending: [(cell: Fillable.Cell, row: Int, column: Int, value: Money?)] = []
        var inputs: [(row: Int, column: Int)] = []
        init(_ id: TableID, _ fillable: Fillable?) {
            self.id = id
            self.fillable = fillable
        }
    }

    final class Formats {
        let title, text, heading, number, label, code, bold, score, plainScore, plainAmount, count: UnsafeMutablePointer<lxw_format>
        let input, computed, inputText: UnsafeMutablePointer<lxw_format>

        init(_ workbook: UnsafeMutablePointer<lxw_workbook>) {
            func make(_ configure: (UnsafeMutablePointer<lxw_format>) -> Void) -> UnsafeMutablePointer<lxw_format> {
                let format = workbook_add_format(workbook)!
                format_set_font_name(format, "Noto Sans CJK SC")
                format_set_font_size(format, 10)
                configure(format)
                return format
            }
            title = make { format_set_bold($0); format_set_font_size($0, 14); format_set_align($0, UInt8(LXW_ALIGN_CENTER.rawValue)) }
            text = make { _ in }
            heading = make {
                format_set_bold($0); format_set_border($0, UInt8(LXW_BORDER_THIN.rawValue)); format_set_text_wrap($0)
                format_set_align($0, UInt8(LXW_ALIGN_CENTER.rawValue)); format_set_align($0, UInt8(LXW_ALIGN_VERTICAL_CENTER.rawValue))
                format_set_bg_color($0, 0xF0F0F0)
            }
            number = make { format_set_num_format($0, "#,##0.00"); format_set_border($0, UInt8(LXW_BORDER_THIN.rawValue)) }
            label = make { format_set_border($0, UInt8(LXW_BORDER_THIN.rawValue)) }
            code = make { format_set_border($0, UInt8(LXW_BORDER_THIN.rawValue)); format_set_num_format($0, "@") }
            bold = make { format_set_bold($0) }
            // Scores print as written (99.89, 10); amounts outside the tables with two decimals.
            score = make { format_set_num_format($0, "General"); format_set_border($0, UInt8(LXW_BORDER_THIN.rawValue)) }
            plainScore = make { format_set_num_format($0, "General"); format_set_align($0, UInt8(LXW_ALIGN_LEFT.rawValue)) }
            plainAmount = make { format_set_num_format($0, "#,##0.00"); format_set_align($0, UInt8(LXW_ALIGN_LEFT.rawValue)) }
            count = make { format_set_num_format($0, "0"); format_set_align($0, UInt8(LXW_ALIGN_LEFT.rawValue)) }
            input = make {
                format_set_num_format($0, "#,##0.00"); format_set_border($0, UInt8(LXW_BORDER_THIN.rawValue)); format_set_unlocked($0)
                format_set_bg_color($0, 0xFFFDE7)
            }
            inputText = make { format_set_border($0, UInt8(LXW_BORDER_THIN.rawValue)); format_set_unlocked($0); format_set_num_format($0, "@")
                format_set_bg_color($0, 0xFFFDE7) }
            computed = make {
                format_set_num_format($0, "#,##0.00"); format_set_border($0, UInt8(LXW_BORDER_THIN.rawValue)); format_set_bg_color($0, 0xE8ECF1)
                format_set_bold($0)
            }
        }
    }

    /// The workbook of `disclosure` as bytes.
    public static func data(_ disclosure: Disclosure, fillable: Fillable? = nil) throws -> Data {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-xlsx-\(UUID().uuidString)")
        return try Interrupts.guarded {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let cleanup = Interrupts.register { Interrupts.remove(folder) }
            defer {
                Interrupts.unregister(cleanup)
                try? FileManager.default.removeItem(at: folder)
            }
            let url = folder.appendingPathComponent("workbook.xlsx")
            try write(disclosure, to: url, fillable: fillable)
            return try Data(contentsOf: url)
        }
    }

    /// Writes `disclosure` to `url` (through a temporary file renamed into place).
    public static func write(_ disclosure: Disclosure, to url: URL, fillable: Fillable? = nil) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).xlsx")
        guard let workbook = workbook_new(temporary.path) else { throw Failure(description: "无法创建工作簿 \(url.path)") }
        let formats = Formats(workbook)
        if fillable != nil { instructions(workbook, formats) }
        let meta = workbook_add_worksheet(workbook, "数据集")!
        worksheet_set_column(meta, 0, 0, 28, nil)
        worksheet_set_column(meta, 1, 1, 80, nil)
        worksheet_set_paper(meta, 9)  // A4
        let facts = FactRows.rows(disclosure) + (fillable == nil ? [] : [(fillableKey, fillableValue)])
        for (row, pair) in facts.enumerated() {
            worksheet_write_string(meta, lxw_row_t(row), 0, pair.0, formats.bold)
            // Amounts and counts are numbers, so that Excel can sum them; the rest is text.
            switch FactRows.kind(of: pair.0) {
            case .amount:
                if let money = FactRows.amount(pair.1) {
                    worksheet_write_number(meta, lxw_row_t(row), 1, Double(money.fen) / 1_000_000, formats.plainAmount)
                    continue
                }
            case .count:
                if let count = Int(pair.1) {
                    worksheet_write_number(meta, lxw_row_t(row), 1, Double(count), formats.count)
                    continue
                }
            case .text: break
            }
            worksheet_write_string(meta, lxw_row_t(row), 1, pair.1, formats.text)
        }
        for id in TableID.allCases {
            guard let table = disclosure[id] else { continue }
            let sheet = workbook_add_worksheet(workbook, id.description)!
            worksheet_set_landscape(sheet)
            worksheet_set_paper(sheet, 9)  // A4
            worksheet_fit_to_pages(sheet, 1, 0)
            let context = SheetContext(id, fillable)
            switch StandardLayout.rowKind(id) {
            case .lines: sided(table, sheet, formats, context)
            case .functionCodes: codes(table, sheet, formats, context)
            case .economicCodes: basicDetail(table, sheet, formats, context)
            case .single: official(table, sheet, formats, context)
            }
            if fillable != nil { finish(sheet, formats, context) }
        }
        FormSheets.write(disclosure.performance, workbook: workbook, formats: formats)
        let status = workbook_close(workbook)
        guard status == LXW_NO_ERROR else {
            try? FileManager.default.removeItem(at: temporary)
            throw Failure(description: "写出工作簿失败（libxlsxwriter 错误 \(status.rawValue)）")
        }
        if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
        try Rename.move(temporary, to: url)
    }

    // MARK: Layout helpers

    static func merge(_ sheet: UnsafeMutablePointer<lxw_worksheet>, _ row: Int, _ first: Int, _ lastRow: Int, _ last: Int, _ text: String,
                      _ format: UnsafeMutablePointer<lxw_format>) {
        if row == lastRow && first == last {
            worksheet_write_string(sheet, lxw_row_t(row), lxw_col_t(first), text, format)
        } else {
            worksheet_merge_range(sheet, lxw_row_t(row), lxw_col_t(first), lxw_row_t(lastRow), lxw_col_t(last), text, format)
        }
    }

    static func preamble(_ table: Table, _ sheet: UnsafeMutablePointer<lxw_worksheet>, _ formats: Formats, width: Int) {
        merge(sheet, 0, 0, 0, width - 1, table.title, formats.title)
        worksheet_write_string(sheet, 1, 0, "部门：\(table.department)", formats.text)
        worksheet_write_string(sheet, 1, lxw_col_t(width - 1), "单位：\(table.unit.rawValue)", formats.text)
    }

    static func amount(_ sheet: UnsafeMutablePointer<lxw_worksheet>, _ row: Int, _ column: Int, _ money: Money?, _ formats: Formats,
                       _ context: SheetContext, _ key: RowKey?, _ number: Int) {
        if let key {
            let cell = Fillable.Cell(table: context.id, row: key, column: number)
            context.addresses[cell] = (row, column)
            if let fillable = context.fillable {
                if fillable.formulas[cell] != nil {
                    context.pending.append((cell, row, column, money))
                    return
                }
                context.inputs.append((row, column))
                if let money {
                    worksheet_write_number(sheet, lxw_row_t(row), lxw_col_t(column), Double(money.fen) / 1_000_000, formats.input)
                } else {
                    worksheet_write_blank(sheet, lxw_row_t(row), lxw_col_t(column), formats.input)
                }
                return
            }
        }
        if let money {
            // Written as the number of 万元; Excel shows it with #,##0.00 and the file keeps every 分.
            let value = (Double(money.fen) / 1_000_000)
            worksheet_write_number(sheet, lxw_row_t(row), lxw_col_t(column), value, formats.number)
        } else {
            worksheet_write_blank(sheet, lxw_row_t(row), lxw_col_t(column), formats.number)
        }
    }

    /// Headings of the amount columns from `firstColumn`, groups merged, then the names; returns the next row.
    static func headings(_ columns: [TableColumn], _ sheet: UnsafeMutablePointer<lxw_worksheet>, _ formats: Formats, row start: Int,
                         firstColumn: Int) -> Int {
        let depth = columns.map(\.groups.count).max() ?? 0
        var index = 0
        while index < columns.count {
            let column = columns[index]
            for level in 0...depth {
                if level < column.groups.count {
                    // A group heading spans the following columns that share it (written once, at its first column).
                    if index > 0, columns[index - 1].groups.count > level, columns[index - 1].groups[level] == column.groups[level] { continue }
                    var span = 1
                    while index + span < columns.count, columns[index + span].groups.count > level,
                          columns[index + span].groups[level] == column.groups[level] { span += 1 }
                    merge(sheet, start + level, firstColumn + index, start + level, firstColumn + index + span - 1, column.groups[level], formats.heading)
                } else if level == column.groups.count {
                    merge(sheet, start + level, firstColumn + index, start + depth, firstColumn + index, column.name, formats.heading)
                }
            }
            index += 1
        }
        return start + depth + 1
    }

    // MARK: Tables

    static func codes(_ table: Table, _ sheet: UnsafeMutablePointer<lxw_worksheet>, _ formats: Formats, _ context: SheetContext) {
        let width = 2 + table.columns.count
        preamble(table, sheet, formats, width: width)
        worksheet_set_column(sheet, 0, 0, 10, nil)
        worksheet_set_column(sheet, 1, 1, 34, nil)
        worksheet_set_column(sheet, 2, lxw_col_t(width - 1), 14, nil)
        let depth = table.columns.map(\.groups.count).max() ?? 0
        merge(sheet, 2, 0, 2 + depth, 0, "功能分类科目编码", formats.heading)
        merge(sheet, 2, 1, 2 + depth, 1, "科目名称", formats.heading)
        var row = headings(table.columns, sheet, formats, row: 2, firstColumn: 2)
        merge(sheet, row, 0, row, 1, "栏次", formats.heading)
        for (index, column) in table.columns.enumerated() {
            worksheet_write_number(sheet, lxw_row_t(row), lxw_col_t(2 + index), Double(column.number), formats.heading)
        }
        row += 1
        worksheet_freeze_panes(sheet, lxw_row_t(row), 2)
        worksheet_repeat_rows(sheet, 2, lxw_row_t(row - 1))
        for tableRow in table.rows {
            switch tableRow.key {
            case .function(let code): worksheet_write_string(sheet, lxw_row_t(row), 0, code.digits, formats.code)
            default: worksheet_write_string(sheet, lxw_row_t(row), 0, "", formats.code)
            }
            worksheet_write_string(sheet, lxw_row_t(row), 1, tableRow.key == .total ? "合计" : tableRow.label, formats.label)
            for (index, column) in table.columns.enumerated() {
                amount(sheet, row, 2 + index, tableRow.cells[column.number], formats, context, tableRow.key, column.number)
            }
            row += 1
        }
        // Room to add codes in Excel: a code, its name, its amounts (read back like any row).
        for _ in 0..<(context.fillable?.extraRows ?? 0) {
            worksheet_write_blank(sheet, lxw_row_t(row), 0, formats.inputText)
            worksheet_write_blank(sheet, lxw_row_t(row), 1, formats.inputText)
            for index in table.columns.indices {
                worksheet_write_blank(sheet, lxw_row_t(row), lxw_col_t(2 + index), formats.input)
                context.inputs.append((row, 2 + index))
            }
            row += 1
        }
        notes(table, sheet, formats, row: row)
    }

    static func sided(_ table: Table, _ sheet: UnsafeMutablePointer<lxw_worksheet>, _ formats: Formats, _ context: SheetContext) {
        let income = table.columns.filter { $0.side == .income }
        let expenditure = table.columns.filter { $0.side == .expenditure }
        let width = 4 + income.count + expenditure.count
        preamble(table, sheet, formats, width: width)
        worksheet_set_column(sheet, 0, 0, 30, nil)
        worksheet_set_column(sheet, 1, 1, 6, nil)
        worksheet_set_column(sheet, 2, 2, 14, nil)
        worksheet_set_column(sheet, 3, 3, 30, nil)
        worksheet_set_column(sheet, 4, 4, 6, nil)
        worksheet_set_column(sheet, 5, lxw_col_t(width - 1), 14, nil)
        merge(sheet, 2, 0, 2, 1 + income.count, "收 入", formats.heading)
        merge(sheet, 2, 2 + income.count, 2, width - 1, "支 出", formats.heading)
        let nameRow = expenditure.count > 1 ? 4 : 3
        for (column, text) in [(0, "项 目"), (1, "行次")] { merge(sheet, 3, column, nameRow, column, text, formats.heading) }
        merge(sheet, 3, 2, nameRow, 2, "决算数", formats.heading)
        for (column, text) in [(3, "项 目"), (4, "行次")] { merge(sheet, 3, column, nameRow, column, text, formats.heading) }
        if expenditure.count > 1 {
            merge(sheet, 3, 5, 3, width - 1, "决算数", formats.heading)
            for (index, column) in expenditure.enumerated() { worksheet_write_string(sheet, 4, lxw_col_t(5 + index), column.name, formats.heading) }
        } else {
            worksheet_write_string(sheet, 3, 5, "决算数", formats.heading)
        }
        var row = nameRow + 1
        worksheet_write_string(sheet, lxw_row_t(row), 0, "栏次", formats.heading)
        worksheet_write_string(sheet, lxw_row_t(row), 1, "", formats.heading)
        worksheet_write_number(sheet, lxw_row_t(row), 2, Double(income.first?.number ?? 1), formats.heading)
        worksheet_write_string(sheet, lxw_row_t(row), 3, "栏次", formats.heading)
        worksheet_write_string(sheet, lxw_row_t(row), 4, "", formats.heading)
        for (index, column) in expenditure.enumerated() { worksheet_write_number(sheet, lxw_row_t(row), lxw_col_t(5 + index), Double(column.number), formats.heading) }
        row += 1
        worksheet_freeze_panes(sheet, lxw_row_t(row), 0)
        worksheet_repeat_rows(sheet, 2, lxw_row_t(row - 1))
        let half = table.id == .t1 ? 30 : 32
        for line in 1...half {
            let left = table.row(.line(line)), right = table.row(.line(line + half))
            worksheet_write_string(sheet, lxw_row_t(row), 0, left?.label ?? "", formats.label)
            worksheet_write_number(sheet, lxw_row_t(row), 1, Double(line), formats.label)
            amount(sheet, row, 2, left?.cells[income.first?.number ?? 1], formats, context, left?.key, income.first?.number ?? 1)
            worksheet_write_string(sheet, lxw_row_t(row), 3, right?.label ?? "", formats.label)
            worksheet_write_number(sheet, lxw_row_t(row), 4, Double(line + half), formats.label)
            for (index, column) in expenditure.enumerated() {
                amount(sheet, row, 5 + index, right?.cells[column.number], formats, context, right?.key, column.number)
            }
            row += 1
        }
        notes(table, sheet, formats, row: row)
    }

    static func basicDetail(_ table: Table, _ sheet: UnsafeMutablePointer<lxw_worksheet>, _ formats: Formats, _ context: SheetContext) {
        preamble(table, sheet, formats, width: 9)
        for block in 0..<3 {
            worksheet_set_column(sheet, lxw_col_t(block * 3), lxw_col_t(block * 3), 9, nil)
            worksheet_set_column(sheet, lxw_col_t(block * 3 + 1), lxw_col_t(block * 3 + 1), 24, nil)
            worksheet_set_column(sheet, lxw_col_t(block * 3 + 2), lxw_col_t(block * 3 + 2), 12, nil)
        }
        merge(sheet, 2, 0, 2, 2, "人员经费", formats.heading)
        merge(sheet, 2, 3, 2, 8, "公用经费", formats.heading)
        for block in 0..<3 {
            for (offset, text) in ["经济分类科目编码", "科目名称", "决算数"].enumerated() {
                worksheet_write_string(sheet, 3, lxw_col_t(block * 3 + offset), text, formats.heading)
            }
        }
        worksheet_freeze_panes(sheet, 4, 0)
        worksheet_repeat_rows(sheet, 2, 3)
        let coded = table.rows.filter { if case .economic = $0.key { true } else { false } }
        let personnel = coded.filter { ["301", "303"].contains(String($0.key.description.prefix(3))) }
        let second = coded.filter { $0.key.description.hasPrefix("302") }
        let third = coded.filter { !["301", "303"].contains(String($0.key.description.prefix(3))) && !$0.key.description.hasPrefix("302") }
        let height = max(personnel.count, second.count, third.count)
        for index in 0..<height {
            for (block, rows) in [personnel, second, third].enumerated() where index < rows.count {
                worksheet_write_string(sheet, lxw_row_t(4 + index), lxw_col_t(block * 3), rows[index].key.description, formats.code)
                worksheet_write_string(sheet, lxw_row_t(4 + index), lxw_col_t(block * 3 + 1), rows[index].label, formats.label)
                amount(sheet, 4 + index, block * 3 + 2, rows[index].cells[1], formats, context, rows[index].key, 1)
            }
        }
        let totalRow = 4 + height
        merge(sheet, totalRow, 0, totalRow, 1, "人员经费合计", formats.heading)
        amount(sheet, totalRow, 2, table.row(StandardLayout.personnelTotal)?.cells[1], formats, context, StandardLayout.personnelTotal, 1)
        merge(sheet, totalRow, 3, totalRow, 7, "公用经费合计", formats.heading)
        amount(sheet, totalRow, 8, table.row(StandardLayout.publicTotal)?.cells[1], formats, context, StandardLayout.publicTotal, 1)
        notes(table, sheet, formats, row: totalRow + 1)
    }

    static func official(_ table: Table, _ sheet: UnsafeMutablePointer<lxw_worksheet>, _ formats: Formats, _ context: SheetContext) {
        preamble(table, sheet, formats, width: 12)
        worksheet_set_column(sheet, 0, 11, 11, nil)
        var row = headings(table.columns, sheet, formats, row: 2, firstColumn: 0)
        for (index, column) in table.columns.enumerated() {
            worksheet_write_number(sheet, lxw_row_t(row), lxw_col_t(index), Double(column.number), formats.heading)
        }
        row += 1
        worksheet_freeze_panes(sheet, lxw_row_t(row), 0)
        let values = table.row(StandardLayout.singleRow)
        for (index, column) in table.columns.enumerated() {
            amount(sheet, row, index, values?.cells[column.number], formats, context, values?.key ?? StandardLayout.singleRow, column.number)
        }
        notes(table, sheet, formats, row: row + 1)
    }

    /// A1-style address ("C7") of a zero-based cell.
    static func address(_ row: Int, _ column: Int) -> String {
        var letters = "", number = column + 1
        while number > 0 {
            let remainder = (number - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + remainder))) + letters
            number = (number - 1) / 26
        }
        return letters + String(row + 1)
    }

    /// The computed cells of a fillable sheet as formulas over the cells they are made of (with the
    /// present value cached, so a reader that does not calculate still sees it); a number check on the
    /// cells to fill; the sheet protected so that only those can be changed.
    static func finish(_ sheet: UnsafeMutablePointer<lxw_worksheet>, _ formats: Formats, _ context: SheetContext) {
        guard let fillable = context.fillable else { return }
        for (cell, row, column, value) in context.pending {
            let terms = (fillable.formulas[cell] ?? []).compactMap { term -> String? in
                context.addresses[term.cell].map { (term.sign < 0 ? "-" : "+") + address($0.row, $0.column) }
            }
            let cached = Double((value ?? .zero).fen) / 1_000_000
            if terms.isEmpty {
                worksheet_write_number(sheet, lxw_row_t(row), lxw_col_t(column), cached, formats.computed)
            } else {
                var formula = terms.joined()
                if formula.hasPrefix("+") { formula.removeFirst() }
                worksheet_write_formula_num(sheet, lxw_row_t(row), lxw_col_t(column), "=" + formula, formats.computed, cached)
            }
        }
        if let first = context.inputs.min(by: { ($0.row, $0.column) < ($1.row, $1.column) }) {
            let lastRow = context.inputs.map(\.row).max() ?? first.row, firstColumn = context.inputs.map(\.column).min() ?? first.column
            let lastColumn = context.inputs.map(\.column).max() ?? first.column
            var validation = lxw_data_validation()
            validation.validate = UInt8(LXW_VALIDATION_TYPE_DECIMAL.rawValue)
            validation.criteria = UInt8(LXW_VALIDATION_CRITERIA_BETWEEN.rawValue)
            validation.minimum_number = -100_000_000
            validation.maximum_number = 100_000_000
            "金额有误".withCString { title in
                "请填写金额（单位万元），如 1813.94；不要填文字。".withCString { message in
                    validation.error_title = UnsafeMutablePointer(mutating: title)
                    validation.error_message = UnsafeMutablePointer(mutating: message)
                    _ = worksheet_data_validation_range(sheet, lxw_row_t(first.row), lxw_col_t(firstColumn), lxw_row_t(lastRow),
                                                        lxw_col_t(lastColumn), &validation)
                }
            }
        }
        worksheet_protect(sheet, nil, nil)
    }

    /// The first sheet of a fillable workbook: how to fill it, in plain words.
    static func instructions(_ workbook: UnsafeMutablePointer<lxw_workbook>, _ formats: Formats) {
        let sheet = workbook_add_worksheet(workbook, "填写说明")!
        worksheet_set_column(sheet, 0, 0, 100, formats.text)
        worksheet_set_paper(sheet, 9)
        let lines = [
            "怎样填写这份工作簿",
            "1. 黄色的格是要填的金额，单位万元，如 1813.94（可以带千位逗号）。灰色加粗的格是合计、小计与上级科目，由公式自动计算，不能改。",
            "2. 表2、表3、表5、表8、表9 的下方有空行：新增科目时在空行的第一列填功能分类编码（类 3 位、款 5 位、项 7 位），第二列填科目名称，再填金额；上传后上级的类、款与合计会自动补上并重新计算。",
            "3. “数据集”表中是单位名称、年度与情况说明用到的数字和文字，请核对；单位名称不要改，否则上传会被拒绝。",
            "4. 填好后保存为 .xlsx，在 juesuan 的本单位报表页“上传工作簿”。上传后立即检查，问题标在相应的格上；警告要写说明，错误要改正。",
            "5. 不要删除或改名工作表，不要插入列。需要时可以在网页中直接填写（报表页“在网页中填写九张表”）。",
        ]
        for (index, line) in lines.enumerated() {
            worksheet_write_string(sheet, lxw_row_t(index), 0, line, index == 0 ? formats.title : formats.text)
        }
        worksheet_protect(sheet, nil, nil)
    }

    static func notes(_ table: Table, _ sheet: UnsafeMutablePointer<lxw_worksheet>, _ formats: Formats, row: Int) {
        var row = row
        for note in table.notes {
            worksheet_write_string(sheet, lxw_row_t(row), 0, note, formats.text)
            row += 1
        }
        if table.isEmpty, let statement = table.emptyStatement {
            worksheet_write_string(sheet, lxw_row_t(row), 0, statement, formats.text)
        }
    }
}
