import CXlsxWriter
import Foundation
import JuesuanCore

/// One sheet of text cells with a bold header row: exports of lists (findings of a batch audit).
public enum SimpleSheet {
    public static func xlsx(title: String, header: [String], rows: [[String]]) throws -> Data {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-sheet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("sheet.xlsx")
        guard let workbook = workbook_new(url.path) else { throw WorkbookReader.Failure(description: "无法创建工作簿") }
        let sheet = workbook_add_worksheet(workbook, String(title.prefix(31)))!
        let bold = workbook_add_format(workbook)!
        format_set_bold(bold)
        worksheet_set_paper(sheet, 9)
        worksheet_set_landscape(sheet)
        for (column, name) in header.enumerated() {
            worksheet_write_string(sheet, 0, lxw_col_t(column), name, bold)
            worksheet_set_column(sheet, lxw_col_t(column), lxw_col_t(column), column == header.count - 1 ? 60 : 16, nil)
        }
        worksheet_freeze_panes(sheet, 1, 0)
        for (index, row) in rows.enumerated() {
            for (column, value) in row.enumerated() where !value.isEmpty {
                // Cells are always text: nothing a document said can become a formula.
                worksheet_write_string(sheet, lxw_row_t(index + 1), lxw_col_t(column), value, nil)
            }
        }
        let status = workbook_close(workbook)
        guard status == LXW_NO_ERROR else { throw WorkbookReader.Failure(description: "写出工作簿失败（libxlsxwriter 错误 \(status.rawValue)）") }
        return try Data(contentsOf: url)
    }
}

/// Several sheets of text cells for people to read and print: a bold header row repeated on every
/// printed page and frozen on screen, wrapped text, A4 landscape, one page wide.
public enum TextSheets {
    public struct Sheet: Sendable {
        public var title: String
        public var header: [String]
        public var rows: [[String]]
        /// Column widths in characters (the last one repeats).
        public var widths: [Double]
        public init(title: String, header: [String], rows: [[String]], widths: [Double]) {
            self.title = title
            self.header = header
            self.rows = rows
            self.widths = widths
        }
    }

    /// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique in the workbook.
    static func sheetName(_ wanted: String, taken: inout Set<String>) -> String {
        let cleaned = String(wanted.filter { !"[]:*?/\\'".contains($0) }.prefix(28))
        var name = cleaned.isEmpty ? "表" : cleaned
        var counter = 2
        while taken.contains(name) {
            name = String(cleaned.prefix(26)) + "-\(counter)"
            counter += 1
        }
        taken.insert(name)
        return name
    }

    public static func xlsx(_ sheets: [Sheet]) throws -> Data {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-sheets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("sheets.xlsx")
        guard let workbook = workbook_new(url.path) else { throw WorkbookReader.Failure(description: "无法创建工作簿") }
        let bold = workbook_add_format(workbook)!
        format_set_bold(bold)
        format_set_text_wrap(bold)
        format_set_align(bold, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
        format_set_bg_color(bold, 0xE8EEF4)
        format_set_border(bold, UInt8(LXW_BORDER_THIN.rawValue))
        let wrap = workbook_add_format(workbook)!
        format_set_text_wrap(wrap)
        format_set_align(wrap, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
        format_set_border(wrap, UInt8(LXW_BORDER_THIN.rawValue))
        var taken: Set<String> = []
        for spec in sheets {
            let sheet = workbook_add_worksheet(workbook, sheetName(spec.title, taken: &taken))!
            worksheet_set_paper(sheet, 9)
            worksheet_set_landscape(sheet)
            worksheet_fit_to_pages(sheet, 1, 0)
            worksheet_repeat_rows(sheet, 0, 0)
            worksheet_set_margins(sheet, 0.4, 0.4, 0.5, 0.5)
            for column in spec.header.indices {
                let columnWidth = column < spec.widths.count ? spec.widths[column] : (spec.widths.last ?? 16)
                worksheet_set_column(sheet, lxw_col_t(column), lxw_col_t(column), columnWidth, nil)
                // Cells are always text: nothing a document said can become a formula.
                worksheet_write_string(sheet, 0, lxw_col_t(column), spec.header[column], bold)
            }
            worksheet_freeze_panes(sheet, 1, 1)
            func width(_ column: Int) -> Double { column < spec.widths.count ? spec.widths[column] : (spec.widths.last ?? 16) }
            // Wrapped cells get the height their lines need (spreadsheets do not grow rows written by a program).
            func height(_ cells: [String]) -> Double {
                let lines = cells.enumerated().map { column, value -> Int in
                    value.split(separator: "\n", omittingEmptySubsequences: false).reduce(0) { total, line in
                        let units = line.unicodeScalars.reduce(0.0) { $0 + ($1.value > 0x2E7F ? 2.0 : 1.0) }
                        return total + max(1, Int((units / max(4, width(column) - 1)).rounded(.up)))
                    }
                }
                return min(409, Double(lines.max() ?? 1) * 14.5 + 3)
            }
            worksheet_set_row(sheet, 0, height(spec.header), nil)
            for (index, row) in spec.rows.enumerated() {
                worksheet_set_row(sheet, lxw_row_t(index + 1), height(row), nil)
                for column in spec.header.indices {
                    let value = column < row.count ? row[column] : ""
                    worksheet_write_string(sheet, lxw_row_t(index + 1), lxw_col_t(column), value, wrap)
                }
            }
        }
        let status = workbook_close(workbook)
        guard status == LXW_NO_ERROR else { throw WorkbookReader.Failure(description: "写出工作簿失败（libxlsxwriter 错误 \(status.rawValue)）") }
        return try Data(contentsOf: url)
    }
}
