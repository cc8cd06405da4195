/// One of the nine standard tables of a 部门决算 disclosure.
public enum TableID: Int, Sendable, CaseIterable, Comparable, Codable, CodingKeyRepresentable, CustomStringConvertible {
    /// 表1 收入支出决算总表.
    case t1 = 1
    /// 表2 收入决算表.
    case t2
    /// 表3 支出决算表.
    case t3
    /// 表4 财政拨款收入支出决算总表.
    case t4
    /// 表5 一般公共预算财政拨款支出决算表.
    case t5
    /// 表6 一般公共预算财政拨款基本支出决算明细表.
    case t6
    /// 表7 一般公共预算财政拨款“三公”经费支出决算表.
    case t7
    /// 表8 政府性基金预算财政拨款收入支出决算表.
    case t8
    /// 表9 国有资本经营预算财政拨款支出决算表.
    case t9

    public static func < (lhs: TableID, rhs: TableID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// "表1" … "表9".
    public var description: String { "表\(rawValue)" }

    /// Reads "表1", "T1" or "1".
    public init?(label: String) {
        var text = label.trimmingSpaces()
        if text.hasPrefix("表") { text.removeFirst() } else if text.hasPrefix("T") || text.hasPrefix("t") { text.removeFirst() }
        guard let number = Int(text), let id = TableID(rawValue: number) else { return nil }
        self = id
    }
}

/// Which side of a two-sided table (表1, 表4) a row or column belongs to.
public enum Side: String, Sendable, Codable {
    /// 收入.
    case income
    /// 支出.
    case expenditure
}

/// A column of a table, with its 栏次 (column number).
public struct TableColumn: Hashable, Sendable, Codable {
    /// 栏次, as printed in the 栏次 row.
    public var number: Int
    /// The column heading ("本年收入合计", "基本支出").
    public var name: String
    /// Headings printed above this one, outermost first ("本年支出", "决算数").
    public var groups: [String]
    /// For two-sided tables, the side this column belongs to.
    public var side: Side?

    public init(number: Int, name: String, groups: [String] = [], side: Side? = nil) {
        self.number = number
        self.name = name
        self.groups = groups
        self.side = side
    }

    enum CodingKeys: String, CodingKey { case number, name, groups, side }

    /// Groups and side may be left out of a layout file.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        number = try container.decode(Int.self, forKey: .number)
        name = try container.decode(String.self, forKey: .name)
        groups = try container.decodeIfPresent([String].self, forKey: .groups) ?? []
        side = try container.decodeIfPresent(Side.self, forKey: .side)
    }
}

/// How a row is identified: 行次, a classification code, or a named total.
public enum RowKey: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// 行次 (row number) of 表1, 表4.
    case line(Int)
    /// A function classification code (表2, 表3, 表5, 表8, 表9).
    case function(FunctionCode)
    /// An economic classification code (表6).
    case economic(EconomicCode)
    /// A named row: "合计", "人员经费合计", "公用经费合计", or 表7's single row.
    case named(String)

    /// The 合计 row of code tables.
    public static let total = RowKey.named("合计")

    /// How the row is named in findings and JSON: "27", "2010301", "合计".
    public var description: String {
        switch self {
        case .line(let number): String(number)
        case .function(let code): code.digits
        case .economic(let code): code.digits
        case .named(let name): name
        }
    }

    public static func < (lhs: RowKey, rhs: RowKey) -> Bool { lhs.sortKey < rhs.sortKey }

    private var sortKey: String {
        switch self {
        case .line(let number): "0" + String(format: "%06d", number)
        case .named(let name): "1" + name
        case .function(let code): "2" + code.digits
        case .economic(let code): "3" + code.digits
        }
    }
}

/// Where a row or cell came from, for messages: file and 1-based line.
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The file, as given by the user.
    public var file: String
    /// 1-based line.
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    /// "文件:行".
    public var description: String { "\(file):\(line)" }
}

/// A printed table row: its key, its label and its amounts by 栏次 (blank cells absent).
public struct TableRow: Hashable, Sendable, Codable {
    /// 行次, code or name.
    public var key: RowKey
    /// The label as printed ("一、一般公共预算财政拨款收入", "行政运行").
    public var label: String
    /// Amounts by 栏次; a blank cell has no entry.
    public var cells: [Int: Money]
    /// Where this row was read from, if it was read.
    public var source: SourceLocation?
    /// Where single cells were read from when they sit on lines of their own (表7: one line per 栏次).
    public var cellSources: [Int: SourceLocation]

    public init(key: RowKey, label: String, cells: [Int: Money] = [:], source: SourceLocation? = nil,
                cellSources: [Int: SourceLocation] = [:]) {
        self.key = key
        self.label = label
        self.cells = cells
        self.source = source
        self.cellSources = cellSources
    }

    /// Where the cell in column `number` was read from.
    public func source(ofColumn number: Int) -> SourceLocation? { cellSources[number] ?? source }

    /// The amount in column `number`, zero when blank.
    public subscript(column number: Int) -> Money { cells[number] ?? .zero }
}

/// One of the nine tables, as printed: title, 部门 and 单位 line, columns, rows, notes.
public struct Table: Hashable, Sendable, Codable {
    /// Which table.
    public var id: TableID
    /// The title, e.g. "2021年度收入支出决算总表（表1）".
    public var title: String
    /// The unit (部门) named under the title.
    public var department: String
    /// The printed unit of amounts ("万元").
    public var unit: MoneyUnit
    /// Columns in print order.
    public var columns: [TableColumn]
    /// Rows in print order.
    public var rows: [TableRow]
    /// The note lines printed under the table (注：…, formulas).
    public var notes: [String]
    /// The statement printed for an empty table ("2021年度区政府办无政府性基金预算财政拨款收入支出。").
    public var emptyStatement: String?

    public init(id: TableID, title: String, department: String, unit: MoneyUnit = .wan,
                columns: [TableColumn], rows: [TableRow], notes: [String] = [], emptyStatement: String? = nil) {
        self.id = id
        self.title = title
        self.department = department
        self.unit = unit
        self.columns = columns
        self.rows = rows
        self.notes = notes
        self.emptyStatement = emptyStatement
    }

    /// The row with `key`, if printed.
    public func row(_ key: RowKey) -> TableRow? { rows.first { $0.key == key } }

    /// The amount at `key`, column `column`; zero when the row or cell is blank.
    public func amount(_ key: RowKey, column: Int) -> Money { row(key)?[column: column] ?? .zero }

    /// Whether every cell is blank.
    public var isEmpty: Bool { rows.allSatisfy { $0.cells.isEmpty } }

    /// The column with 栏次 `number`.
    public func column(_ number: Int) -> TableColumn? { columns.first { $0.number == number } }
}
