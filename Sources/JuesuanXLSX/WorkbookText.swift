import Foundation

/// Text in an XLSX, wherever the program that saved it put it: Excel and libxlsxwriter keep strings in the shared
/// table (`xl/sharedStrings.xml`); others (openpyxl, some exports) write them inline in each sheet and have no table.
public enum WorkbookText {
    /// Whether `text` is a cell's text (or part of one) in the workbook's inflated parts.
    public static func contains(_ entries: [String: Data], _ text: String) -> Bool {
        let needle = Data(text.utf8)
        if let strings = entries["xl/sharedStrings.xml"], strings.range(of: needle) != nil { return true }
        return entries.contains { path, data in
            path.hasPrefix("xl/worksheets/") && path.hasSuffix(".xml") && data.range(of: needle) != nil
        }
    }
}
