import JuesuanCore

/// How serious a finding is.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    /// A difference that rounding of the printed figures explains (尾差), or a remark.
    case info
    /// Probably wrong; a reviewer should look.
    case warning
    /// Wrong: the figures contradict each other.
    case error

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    /// 错误, 警告, 提示.
    public var chineseName: String {
        switch self {
        case .info: "提示"
        case .warning: "警告"
        case .error: "错误"
        }
    }
}

/// A cell a finding refers to: table, row, column.
public struct CellRef: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The table, nil for a figure outside the tables.
    public var table: TableID?
    /// Row key (行次, code, name), or the figure's key.
    public var row: String
    /// 栏次, nil when not applicable.
    public var column: Int?

    public init(table: TableID?, row: String, column: Int?) {
        self.table = table
        self.row = row
        self.column = column
    }

    public var description: String {
        guard let table else { return row }
        return "\(table)[\(row)]" + (column.map { ".\($0)" } ?? "")
    }
}

/// One problem found: rule, severity, place, Chinese message, stated and expected figures.
public struct Finding: Hashable, Sendable, Codable {
    /// Stable rule id ("T1-R27").
    public var rule: String
    /// Severity after the rounding tolerance was applied.
    public var severity: Severity
    /// The Chinese message.
    public var message: String
    /// Where the stated figure stands: table, row, column.
    public var table: TableID?
    /// Row (行次, code or name).
    public var row: String?
    /// 栏次.
    public var column: Int?
    /// The figure as stated (printed form).
    public var stated: String?
    /// What it should be (printed form).
    public var expected: String?
    /// The input file and line, when the figure was read from a file.
    public var source: SourceLocation?
    /// 1-based line in a published text (audit); nil for datasets.
    public var line: Int?
    /// Page in a published PDF (audit).
    public var page: Int?
    /// Every cell the rule looked at.
    public var cells: [CellRef]
    /// The rule's family (表内公式, 表间一致, 绩效自评 …), for grouping.
    public var family: String?

    public init(rule: String, severity: Severity, message: String, table: TableID? = nil, row: String? = nil,
                column: Int? = nil, stated: String? = nil, expected: String? = nil, source: SourceLocation? = nil,
                line: Int? = nil, page: Int? = nil, cells: [CellRef] = [], family: String? = nil) {
        self.rule = rule
        self.severity = severity
        self.message = message
        self.table = table
        self.row = row
        self.column = column
        self.stated = stated
        self.expected = expected
        self.source = source
        self.line = line
        self.page = page
        self.cells = cells
        self.family = family
    }
}

extension Array where Element == Finding {
    /// Number of findings of `severity`.
    public func count(_ severity: Severity) -> Int { lazy.filter { $0.severity == severity }.count }
}
