import Foundation

/// A printed layout of the nine tables (版式), read from a data file in `Sources/JuesuanCore/Layouts`:
/// titles, columns with their 栏次, 行次 labels, notes, and how each table is laid out on the page.
///
/// The model keeps one numbering of columns for all layouts (表7: 1–6 预算数, 7–12 决算数), so rules
/// are the same everywhere; a layout says in which order the columns are printed and how the
/// blocks of 表6 stand. Adding a province's layout means adding a file here and its test.
public struct TableLayout: Codable, Sendable, Hashable, Identifiable {
    /// How a table is laid out on the page.
    public enum Presentation: String, Codable, Sendable {
        /// 表1, 表4: income on the left, expenditure on the right, by 行次.
        case twoSided = "two-sided"
        /// Function-code tables: code, name, then the columns.
        case codes
        /// 表6: 人员经费, 商品和服务支出 and the other 公用经费 in three blocks side by side.
        case economicThreeBlocks = "economic-three-blocks"
        /// 表6: 人员经费 on the left half, all 公用经费 on the right half.
        case economicTwoHalves = "economic-two-halves"
        /// 表7: all 预算数 columns, then all 决算数 columns.
        case officialGrouped = "official-grouped"
        /// 表7: a 预算数/决算数 pair for each item.
        case officialPairs = "official-pairs"
    }

    /// One table of the layout.
    public struct TableSpec: Codable, Sendable, Hashable {
        /// 1…9.
        public var table: Int
        /// The printed title; `{year}` stands for the year.
        public var title: String
        /// The title without year and number ("收入支出决算总表"), to find the table in a report.
        public var stem: String
        /// How rows are keyed: "lines", "functionCodes", "economicCodes", "single".
        public var rows: String
        public var presentation: Presentation
        /// The columns, numbered as the model numbers them.
        public var columns: [TableColumn]
        /// The order in which the columns are printed (by number); nil when as numbered.
        public var order: [Int]?
        public var notes: [String]
        /// Two-sided tables: the last income 行次 (表1 30, 表4 32).
        public var incomeLines: Int?
        /// Two-sided tables: fixed labels by 行次 (class lines are named from the catalogue).
        public var lineLabels: [String: String]?

        /// The columns in print order.
        public var printedColumns: [TableColumn] {
            guard let order else { return columns }
            return order.compactMap { number in columns.first { $0.number == number } }
        }
    }

    public var id: String
    public var name: String
    public var description: String
    /// Headings that, all present, identify a published report printed in this layout.
    public var recognize: [String]
    public var tables: [TableSpec]

    /// The table `id`'s part of the layout.
    public func spec(_ id: TableID) -> TableSpec {
        tables.first { $0.table == id.rawValue } ?? Self.standard.tables[id.rawValue - 1]
    }

    /// The printed title of table `id` for `year`.
    public func title(_ id: TableID, year: Int) -> String {
        spec(id).title.replacingOccurrences(of: "{year}", with: String(year))
    }

    /// The MoF standard layout (`mof-2021`), the default when a dataset names none.
    public static let standard: TableLayout = load("mof-2021")

    /// Every shipped layout, the standard first.
    public static let all: [TableLayout] = [standard] + shippedIDs.filter { $0 != standard.id }.map(load)

    /// The ids of the layouts in `Layouts/`.
    static let shippedIDs = ["mof-2021", "shanghai-2024"]

    /// The layout with `id`, if shipped.
    public static func named(_ id: String?) -> TableLayout? {
        guard let id else { return standard }
        return all.first { $0.id == id }
    }

    /// The layout a published report is printed in, recognised from its text: the first layout
    /// (the standard first) whose every heading appears; the standard when none does.
    public static func recognise(_ text: String) -> TableLayout {
        let compact = String(String.UnicodeScalarView(text.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) }))
        return all.first { layout in layout.recognize.allSatisfy { compact.contains($0) } } ?? standard
    }

    /// A shipped layout; a missing or broken file is a broken installation.
    static func load(_ id: String) -> TableLayout {
        guard let url = Bundle.module.url(forResource: id, withExtension: "json", subdirectory: "Layouts"),
              let data = try? Data(contentsOf: url) else {
            preconditionFailure("版式文件 Layouts/\(id).json 缺失（安装不完整）")
        }
        do {
            return try JSONDecoder().decode(TableLayout.self, from: data)
        } catch {
            preconditionFailure("版式文件 Layouts/\(id).json 无法读取：\(error)")
        }
    }
}
