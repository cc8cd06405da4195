import Foundation
import JuesuanAudit
import JuesuanXLSX

/// The bureau's 检查表 as a workbook: a summary sheet with one row per document and one column per
/// item (是/否 and the number of problems), then one sheet per document with every item, its 是/否 and
/// the problems found with their pages.
public enum ChecklistWorkbook {
    public static func data(_ lists: [Checklist]) throws -> Data {
        // The final accounts' items, then any a budget adds (a batch may hold both kinds).
        var names = lists.contains { list in list.items.contains { $0.name == "情况说明" } } || lists.isEmpty ? Checklist.allItemNames : []
        for list in lists { for item in list.items where !names.contains(item.name) { names.append(item.name) } }
        var sheets: [TextSheets.Sheet] = []
        let summaryRows = lists.map { list -> [String] in
            [list.source, list.unit, list.year > 0 ? String(list.year) : "", list.timeliness]
                + names.map { name in list.items.first { $0.name == name }?.verdict ?? "" }
                + [String(list.items.reduce(0) { $0 + $1.errors }), String(list.items.reduce(0) { $0 + $1.warnings })]
        }
        sheets.append(TextSheets.Sheet(title: "汇总", header: ["文件", "单位", "年度", "及时性"] + names + ["错误", "警告"], rows: summaryRows,
                                   widths: [20, 16, 6, 16] + names.map { _ in 8 } + [6, 6]))
        for (index, list) in lists.enumerated() {
            var rows: [[String]] = [["及时性", "", list.timeliness]]
            for item in list.items {
                rows.append([item.name, item.verdict, item.present ? (item.problems.isEmpty ? "未发现问题" : item.problems.joined(separator: "\n"))
                                                                     : "文件中没有这一部分"])
            }
            let title = "\(index + 1) " + (list.unit.isEmpty ? (list.source as NSString).lastPathComponent : list.unit)
            sheets.append(TextSheets.Sheet(title: title, header: ["检查项目", "是否符合", "发现的问题（页码）"], rows: rows, widths: [30, 16, 110]))
        }
        return try TextSheets.xlsx(sheets)
    }
}
