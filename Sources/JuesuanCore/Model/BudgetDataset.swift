import Foundation

/// A 部门预算 (or 单位预算) as data: the tables of its layout with every figure in 分, and the 编制说明
/// as paragraphs. Written and read as `budget.json` (`juesuan.budget/1`); built into the public files
/// (`juesuan build`), read back from a published PDF (`juesuan import`), synthesised for tests.
public struct BudgetDataset: Codable, Sendable, Equatable {
    public static let schemaID = "juesuan.budget/1"

    public struct Row: Codable, Sendable, Equatable {
        /// Code digits ("2010601", "30101"); empty for 合计.
        public var code: String
        public var label: String
        /// Figures by column index, in 分; nil where the cell is blank.
        public var cells: [Int64?]

        public init(code: String, label: String, cells: [Int64?]) {
            self.code = code
            self.label = label
            self.cells = cells
        }
    }

    public struct Item: Codable, Sendable, Equatable {
        /// "左" (收入) or "右" (支出).
        public var side: String
        public var label: String
        /// Figures in 分 (several for the 财政拨款收支总表's 合计/一般公共预算/… columns); empty when blank.
        public var figures: [Int64]

        public init(side: String, label: String, figures: [Int64]) {
            self.side = side
            self.label = label
            self.figures = figures
        }
    }

    public struct TableData: Codable, Sendable, Equatable {
        /// "元" or "万元".
        public var unit: String
        public var rows: [Row]
        public var items: [Item]
        /// The statement printed for an empty table.
        public var note: String?

        public init(unit: String, rows: [Row] = [], items: [Item] = [], note: String? = nil) {
            self.unit = unit
            self.rows = rows
            self.items = items
            self.note = note
        }

        public var moneyUnit: MoneyUnit { unit == "元" ? .yuan : .wan }
    }

    public var schema: String = BudgetDataset.schemaID
    public var layout: String
    public var scope: BudgetScope
    public var year: Int
    public var department: String
    /// By the layout's table id.
    public var tables: [String: TableData]
    /// The 编制说明 and 其他相关情况说明, paragraph by paragraph (headings as their own paragraphs).
    public var narrative: [String]
    /// The 项目绩效目标表: each project's money and the 年度指标值 the budget sets (nil when the budget gives none; a
    /// budget.json written before it existed reads as nil).
    public var targets: [ProjectTarget]?

    /// One project's 绩效目标 as the budget sets them.
    public struct ProjectTarget: Codable, Sendable, Equatable {
        public var project: String
        /// The project's money in 分 (nil when not printed).
        public var amount: Int64?
        public var indicators: [Indicator]

        public struct Indicator: Codable, Sendable, Equatable {
            public var level1: String
            public var level2: String
            /// 三级指标: the name the 绩效自评 form uses for the same indicator.
            public var name: String
            /// 指标值 as written ("≥95%", "12 月底前").
            public var value: String

            public init(level1: String, level2: String, name: String, value: String) {
                self.level1 = level1
                self.level2 = level2
                self.name = name
                self.value = value
            }
        }

        public init(project: String, amount: Int64?, indicators: [Indicator]) {
            self.project = project
            self.amount = amount
            self.indicators = indicators
        }
    }

    public init(layout: String, scope: BudgetScope, year: Int, department: String, tables: [String: TableData], narrative: [String]) {
        self.layout = layout
        self.scope = scope
        self.year = year
        self.department = department
        self.tables = tables
        self.narrative = narrative
    }

    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data()
    }
}
