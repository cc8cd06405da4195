import Foundation

/// Whether a document is a budget or final accounts.
public enum DocumentKind: String, Sendable, Codable {
    case budget = "预算"
    case finalAccounts = "决算"
}

/// A 部门预算 (the department with its units) or a 单位预算 (one unit).
public enum BudgetScope: String, Sendable, Codable {
    case department = "部门"
    case unit = "单位"
}

/// A 部门预算 (or 单位预算) layout, read from `Layouts/budget/*.json`: the tables a region prints, how each
/// is shaped, the columns it has and how they add up, and where the document's named figures (facts)
/// stand. Rules name facts, never tables, so one catalogue serves every layout.
public struct BudgetLayout: Sendable, Decodable {
    /// How a table is printed.
    public enum Shape: String, Sendable, Decodable {
        /// Two sides, 收入 on the left and 支出 on the right, each a label with its amounts.
        case ledger
        /// Rows by 功能分类 code (类/款/项) with amount columns and a 合计 row.
        case functional
        /// Rows by 部门预算经济分类 code (类/款) with amount columns and a 合计 row.
        case economic
        /// One row of figures under a header (三公 table, 支出总表 of some layouts).
        case single
        /// 政府采购: a 合计 and the 货物/工程/服务 categories, with detail rows.
        case procurement
    }

    public struct TableSpec: Sendable, Decodable {
        /// Stable id within the layout ("B5", "07").
        public var id: String
        /// The name as printed (without year and 部门/单位).
        public var name: String
        /// Words that identify the title line (the longest match wins across tables).
        public var title: [String]
        public var shape: Shape
        public var columns: [String]
        /// Header words that locate each column.
        public var keys: [[String]]?
        /// Column sums: the first index is the sum of the others.
        public var sums: [[Int]]?
        /// The kind of fiscal money the table is about (for the statement of an empty table).
        public var fund: String?
    }

    public var id: String
    public var name: String
    public var recognize: [String]
    public var tables: [TableSpec]
    /// Fact name → where it stands: "B1 左 收入总计", "B3 合计 1", "B9 行 0", "12 类 货物".
    public var facts: [String: String]

    public func spec(_ id: String) -> TableSpec? { tables.first { $0.id == id } }

    /// The layouts shipped with juesuan.
    public static let shipped: [BudgetLayout] = {
        ["shanghai-district", "jiangsu-province", "mof-national"].compactMap { name in
            guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Layouts/budget"),
                  let data = try? Data(contentsOf: url) else { return nil }
            return try? JSONDecoder().decode(BudgetLayout.self, from: data)
        }
    }()
}
