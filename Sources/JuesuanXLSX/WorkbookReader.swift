import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import JuesuanCore
import ZIPFoundation

/// A number as a spreadsheet writes it: [sign] digits [. digits] [e [sign] digits]. `Decimal(string:)` reads a prefix ("1-2" is 1,
/// "1.2.3" is 1.2, "12元" is 12): every cell is checked with this first, so a typo is refused, never read as another number.
enum PlainNumber {
    static func matches(_ text: String) -> Bool {
        var characters = Substring(text)
        func digits() -> Int {
            let count = characters.prefix { $0.isASCII && $0.isNumber }.count
            characters = characters.dropFirst(count)
            return count
        }
        if characters.first == "+" || characters.first == "-" { characters = characters.dropFirst() }
        var count = digits()
        if characters.first == "." {
            characters = characters.dropFirst()
            count += digits()
        }
        guard count > 0 else { return false }
        if characters.first == "e" || characters.first == "E" {
            characters = characters.dropFirst()
            if characters.first == "+" || characters.first == "-" { characters = characters.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return characters.isEmpty
    }
}

/// Reads a workbook written by `WorkbookWriter` (or edited in Excel/WPS keeping its layout) back into
/// a disclosure: the unit and year from "数据集", each table from its sheet below the 栏次 row.
public enum WorkbookReader {
    /// A cell as stored: text, or a number as its decimal text ("1813.94", "1.5E-2").
    enum Cell: Equatable {
        case text(String)
        case number(String)

        var text: String {
            switch self {
            case .text(let value), .number(let value): value
            }
        }
    }

    public struct Failure: ExplainedError {
        public var description: String
        public var kind: ProblemKind { .inputUnreadable }
        public var hint: String { "" }
    }

    /// The cells of the first sheet of an XLSX in memory, as text, row by row (rows and columns from
    /// A1; missing cells are empty). For simple lists such as an organisation import.
    public static func firstSheetGrid(_ bytes: Data, name: String) throws -> [[String]] {
        let archive: Archive
        do { archive = try Archive(data: bytes, accessMode: .read) } catch {
            throw Failure(description: "\(name)：不是有效的 .xlsx 工作簿（无法按 ZIP 打开）")
        }
        func entry(_ path: String) throws -> Data? {
            guard let entry = archive[path] else { return nil }
            var data = Data()
            _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
            guard String(validating: data, as: UTF8.self) != nil, !data.contains(0) else {
                throw Failure(description: "\(name)：部件 \(path) 不是有效的 UTF-8 XML，工作簿已损坏")
            }
            return data
        }
        guard let workbookXML = try entry("xl/workbook.xml"), let relsXML = try entry("xl/_rels/workbook.xml.rels") else {
            throw Failure(description: "\(name)：缺少 xl/workbook.xml，不是 Excel 工作簿")
        }
        let strings = try entry("xl/sharedStrings.xml").map(SharedStrings.parse) ?? []
        let relations = Relations.parse(relsXML)
        guard let (_, relation) = Sheets.parse(workbookXML).first, let target = relations[relation],
              let xml = try entry(target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target) else {
            throw Failure(description: "\(name)：工作簿中没有工作表")
        }
        let cells = SheetCells.parse(xml, strings: strings)
        guard let last = cells.keys.max() else { return [] }
        let width = (cells.values.flatMap(\.keys).max() ?? 0) + 1
        guard last < 200_000, width <= 64 else {
            throw Failure(description: "\(name)：工作表过大（\(last + 1) 行、\(width) 列）")
        }
        return (0...last).map { row in (0..<width).map { cells[row]?[$0]?.text ?? "" } }
    }

    /// Reads the workbook at `url`.
    public static func read(_ url: URL, displayName: String? = nil) throws -> Disclosure {
        let name = displayName ?? url.path
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch {
            throw Failure(description: "\(name)：不是有效的 .xlsx 工作簿（无法按 ZIP 打开）")
        }
        return try read(name: name) { path in
            guard let entry = archive[path] else { return nil }
            var data = Data()
            _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
            return data
        }
    }

    /// Reads a workbook whose ZIP entries were already inflated (by path): an upload is read from
    /// memory, each part inflated once.
    public static func read(entries: [String: Data], displayName name: String) throws -> Disclosure {
        try read(name: name) { entries[$0] }
    }

    static func read(name: String, part: (String) throws -> Data?) throws -> Disclosure {
        // Foundation's XMLParser on Linux crashes on some malformed UTF-8 inside tags instead of reporting an error,
        // so every part is checked before it reaches the parser (in allSheets).
        let sheets = try allSheets(name: name, part: part)
        guard let meta = sheets["数据集"] else { throw Failure(description: "\(name)：缺少“数据集”工作表（单位、年度）") }
        func metaValue(_ key: String) -> String? {
            meta.values.first { $0[0]?.text == key }?[1]?.text
        }
        guard let unit = metaValue("单位"), let yearText = metaValue("年度"), let year = Int(Double(yearText) ?? 0) as Int?, year > 0 else {
            throw Failure(description: "\(name)：“数据集”工作表缺少单位或年度")
        }
        var disclosure = Disclosure(unit: unit, shortName: metaValue("简称").flatMap { $0.isEmpty ? nil : $0 }, year: year, source: name)
        for id in TableID.allCases {
            guard let cells = sheets[id.description] else { continue }
            disclosure.tables[id] = try table(id, cells, year: year, unit: unit, file: name)
        }
        let facts = meta.keys.sorted().compactMap { row -> (String, String)? in
            guard let key = meta[row]?[0]?.text else { return nil }
            return (key, meta[row]?[1]?.text ?? "")
        }
        FactRows.apply(facts, to: &disclosure)
        disclosure.performance = FormSheets.read(sheets, schemeID: disclosure.performance.schemeID)
        return disclosure
    }

    /// Every worksheet's cells by its name.
    static func allSheets(name: String, workbookXML: Data, relsXML: Data, entry: (String) throws -> Data?) throws -> [String: [Int: [Int: Cell]]] {
        let strings = try entry("xl/sharedStrings.xml").map(SharedStrings.parse) ?? []
        let relations = Relations.parse(relsXML)
        var sheets: [String: [Int: [Int: Cell]]] = [:]
        for (sheetName, relation) in Sheets.parse(workbookXML) {
            guard let target = relations[relation] else { continue }
            let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            if let xml = try entry(path) { sheets[sheetName] = SheetCells.parse(xml, strings: strings) }
        }
        return sheets
    }

    /// Every worksheet of a workbook whose ZIP parts are given by `part`, each part checked as UTF-8 first.
    static func allSheets(name: String, part: (String) throws -> Data?) throws -> [String: [Int: [Int: Cell]]] {
        func entry(_ path: String) throws -> Data? {
            guard let data = try part(path) else { return nil }
            guard String(validating: data, as: UTF8.self) != nil, !data.contains(0) else {
                throw Failure(description: "\(name)：部件 \(path) 不是有效的 UTF-8 XML，工作簿已损坏")
            }
            return data
        }
        guard let workbookXML = try entry("xl/workbook.xml"), let relsXML = try entry("xl/_rels/workbook.xml.rels") else {
            throw Failure(description: "\(name)：缺少 xl/workbook.xml，不是 Excel 工作簿")
        }
        return try allSheets(name: name, workbookXML: workbookXML, relsXML: relsXML, entry: entry)
    }

    static func money(_ cell: Cell?, file: String, sheet: String, row: Int) throws -> Money? {
        guard let cell else { return nil }
        let text = cell.text.trimmingSpaces()
        if text.isEmpty { return nil }
        if let parsed = try? MoneyParser.parse(text, unit: .wan) { return parsed.money }
        // Scientific notation from other spreadsheet programs.
        guard PlainNumber.matches(text), let value = Decimal(string: text) else {
            throw Failure(description: "\(file) 工作表“\(sheet)”第 \(row + 1) 行：金额“\(text)”无法识别")
        }
        var scaled = value * Decimal(1_000_000)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        return Money(fen: NSDecimalNumber(decimal: rounded).int64Value)
    }

    static func table(_ id: TableID, _ cells: [Int: [Int: Cell]], year: Int, unit: String, file: String) throws -> Table {
        var table = Table(id: id, title: cells[0]?[0]?.text ?? StandardLayout.title(id, year: year), department: unit,
                          columns: StandardLayout.columns(id), rows: [], notes: StandardLayout.notes(id))
        let rowNumbers = cells.keys.sorted()
        let sheet = id.description
        func isColumnNumbers(_ row: [Int: Cell]) -> Bool {
            row.values.contains { $0.text.filter { !$0.isWhitespace } == "栏次" || (id == .t6 && $0.text == "经济分类科目编码") }
                || (id == .t7 && (1...12).allSatisfy { row[$0 - 1]?.text == String($0) })
        }
        guard let headerRow = rowNumbers.first(where: { isColumnNumbers(cells[$0]!) }) else {
            throw Failure(description: "\(file) 工作表“\(sheet)”：找不到表头（“栏次”行）")
        }
        let data = rowNumbers.filter { $0 > headerRow }
        switch StandardLayout.rowKind(id) {
        case .lines:
            let income = table.columns.filter { $0.side == .income }
            let expenditure = table.columns.filter { $0.side == .expenditure }
            var rows: [Int: TableRow] = [:]
            for number in data {
                let row = cells[number]!
                for (labelColumn, lineColumn, firstAmount, columns) in [(0, 1, 2, income), (3, 4, 5, expenditure)] {
                    guard let line = row[lineColumn].flatMap({ Int(Double($0.text) ?? -1) }), line > 0 else { continue }
                    var tableRow = TableRow(key: .line(line), label: row[labelColumn]?.text ?? "")
                    for (offset, column) in columns.enumerated() {
                        if let value = try money(row[firstAmount + offset], file: file, sheet: sheet, row: number) { tableRow.cells[column.number] = value }
                    }
                    rows[line] = tableRow
                }
            }
            table.rows = rows.keys.sorted().map { rows[$0]! }
        case .functionCodes:
            for number in data {
                let row = cells[number]!
                let codeText = row[0]?.text.trimmingSpaces() ?? ""
                let label = row[1]?.text ?? ""
                let key: RowKey
                if let code = FunctionCode(codeText) { key = .function(code) } else if codeText.isEmpty && label.filter({ !$0.isWhitespace }) == "合计" {
                    key = .total
                } else { continue }
                var tableRow = TableRow(key: key, label: key == .total ? "合计" : label)
                for (offset, column) in table.columns.enumerated() {
                    if let value = try money(row[2 + offset], file: file, sheet: sheet, row: number) { tableRow.cells[column.number] = value }
                }
                table.rows.append(tableRow)
            }
        case .economicCodes:
            var coded: [TableRow] = []
            for number in data {
                let row = cells[number]!
                for block in 0..<3 {
                    let text = row[block * 3]?.text.trimmingSpaces() ?? ""
                    if let code = EconomicCode(text) {
                        var tableRow = TableRow(key: .economic(code), label: row[block * 3 + 1]?.text ?? "")
                        if let value = try money(row[block * 3 + 2], file: file, sheet: sheet, row: number) { tableRow.cells[1] = value }
                        coded.append(tableRow)
                    }
                }
                if row[0]?.text == "人员经费合计" {
                    var personnel = TableRow(key: StandardLayout.personnelTotal, label: "人员经费合计")
                    if let value = try money(row[2], file: file, sheet: sheet, row: number) { personnel.cells[1] = value }
                    var publicUse = TableRow(key: StandardLayout.publicTotal, label: "公用经费合计")
                    if let value = try money(row[8], file: file, sheet: sheet, row: number) { publicUse.cells[1] = value }
                    coded += [personnel, publicUse]
                }
            }
            let order: [String: Int] = ["301": 0, "303": 1, "302": 2, "310": 3]
            func rank(_ row: TableRow) -> Int {
                if case .economic(let code) = row.key { return order[String(code.digits.prefix(3))] ?? 4 }
                return row.key == StandardLayout.personnelTotal ? 8 : 9
            }
            table.rows = coded.enumerated().sorted { a, b in (rank(a.element), a.offset) < (rank(b.element), b.offset) }.map(\.element)
        case .single:
            var tableRow = TableRow(key: StandardLayout.singleRow, label: "")
            // The figures stand in the row right under the 栏次 row; when they are all blank that row is
            // empty and the next one is the note, which is no figure.
            if let number = data.first, number == headerRow + 1 {
                for (offset, column) in table.columns.enumerated() {
                    if let value = try money(cells[number]?[offset], file: file, sheet: sheet, row: number) { tableRow.cells[column.number] = value }
                }
            }
            table.rows = [tableRow]
        }
        // A statement printed for an empty table stays with it.
        if let last = rowNumbers.last, let text = cells[last]?[0]?.text, text.contains("无"), !text.hasPrefix("注") { table.emptyStatement = text }
        return table
    }
}

// MARK: XML parts

/// `xl/sharedStrings.xml`: the text of each <si>.
final class SharedStrings: NSObject, XMLParserDelegate {
    var strings: [String] = []
    var current = ""
    var inText = false
    var inPhonetic = false

    static func parse(_ data: Data) -> [String] {
        let delegate = SharedStrings()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        _ = parser.parse()
        return delegate.strings
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch name {
        case "si": current = ""
        case "t": inText = true
        case "rPh": inPhonetic = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText && !inPhonetic { current += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "si": strings.append(current)
        case "t": inText = false
        case "rPh": inPhonetic = false
        default: break
        }
    }
}

/// `xl/_rels/workbook.xml.rels`: relation id → part path.
final class Relations: NSObject, XMLParserDelegate {
    var targets: [String: String] = [:]

    static func parse(_ data: Data) -> [String: String] {
        let delegate = Relations()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        _ = parser.parse()
        return delegate.targets
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == "Relationship", let id = attributes["Id"], let target = attributes["Target"] { targets[id] = target }
    }
}

/// `xl/workbook.xml`: sheet names and their relation ids, in order.
final class Sheets: NSObject, XMLParserDelegate {
    var sheets: [(String, String)] = []

    static func parse(_ data: Data) -> [(String, String)] {
        let delegate = Sheets()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        _ = parser.parse()
        return delegate.sheets
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == "sheet", let sheet = attributes["name"], let id = attributes["r:id"] { sheets.append((sheet, id)) }
    }
}

/// A worksheet's cells by 0-based row and column.
final class SheetCells: NSObject, XMLParserDelegate {
    let strings: [String]
    var cells: [Int: [Int: WorkbookReader.Cell]] = [:]
    var reference = ""
    var type = ""
    var value = ""
    var inValue = false

    init(strings: [String]) { self.strings = strings }

    static func parse(_ data: Data, strings: [String]) -> [Int: [Int: WorkbookReader.Cell]] {
        let delegate = SheetCells(strings: strings)
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        _ = parser.parse()
        return delegate.cells
    }

    /// "C12" → (11, 2).
    /// A reference beyond Excel's sheet (more than 3 letters, XFD1048576) is no cell: a crafted "AAAAAAAAAAAAAAA1" must not
    /// overflow the column number (found by fuzzing).
    static func position(_ reference: String) -> (Int, Int)? {
        var column = 0
        var letters = 0
        var digits = ""
        for character in reference {
            if let ascii = character.asciiValue, ascii >= 65, ascii <= 90 {
                letters += 1
                guard letters <= 3, digits.isEmpty else { return nil }
                column = column * 26 + Int(ascii - 64)
            } else {
                digits.append(character)
                guard digits.count <= 7 else { return nil }
            }
        }
        guard let row = Int(digits), row >= 1, row <= 1_048_576, column > 0 else { return nil }
        return (row - 1, column - 1)
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch name {
        case "c":
            reference = attributes["r"] ?? ""
            type = attributes["t"] ?? "n"
            value = ""
        case "v", "t": inValue = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inValue { value += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "v", "t": inValue = false
        case "c":
            guard let (row, column) = Self.position(reference), !value.isEmpty else { return }
            let cell: WorkbookReader.Cell
            switch type {
            case "s": cell = .text(Int(value).flatMap { $0 >= 0 && $0 < strings.count ? strings[$0] : nil } ?? "")
            case "str", "inlineStr": cell = .text(value)
            default: cell = .number(value)
            }
            cells[row, default: [:]][column] = cell
        default: break
        }
    }
}
