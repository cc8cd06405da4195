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
