/// The standard layout of the nine tables (the MoF 2021 template, `Layouts/mof-2021.json`): title
/// stems, columns with 栏次, notes with their printed formulas, 行次 labels. The data is the layout
/// file; this is the shorthand the engine uses for it.
public enum StandardLayout {
    static var layout: TableLayout { TableLayout.standard }

    /// Title stem of each table ("收入支出决算总表").
    public static func titleStem(_ id: TableID) -> String { layout.spec(id).stem }

    /// The printed title: "2021年度收入支出决算总表（表1）".
    public static func title(_ id: TableID, year: Int) -> String { layout.title(id, year: year) }

    /// Whether rows are identified by 行次 (表1, 表4), by function code, by economic code, or single.
    public enum RowKind: String, Sendable {
        /// 行次.
        case lines
        /// 功能分类科目编码 with a 合计 row.
        case functionCodes
        /// 经济分类科目编码 with 人员经费合计 and 公用经费合计.
        case economicCodes
        /// One row of 栏次 (表7).
        case single
    }

    /// How rows of table `id` are keyed.
    public static func rowKind(_ id: TableID) -> RowKind { RowKind(rawValue: layout.spec(id).rows) ?? .functionCodes }

    /// The columns of table `id` with their 栏次.
    public static func columns(_ id: TableID) -> [TableColumn] { layout.spec(id).columns }

    /// The side of a 行次 in 表1 (1–30 income) or 表4 (1–32 income).
    public static func side(of line: Int, in id: TableID) -> Side {
        guard let income = layout.spec(id).incomeLines else { return .expenditure }
        return line <= income ? .income : .expenditure
    }

    /// The 行次 of the expenditure row of class position `position` (1…26): 表1 31…56, 表4 33…58.
    public static func classLine(position: Int, in id: TableID) -> Int? {
        layout.spec(id).incomeLines.map { $0 + position }
    }

    /// The notes printed under table `id`.
    public static func notes(_ id: TableID) -> [String] { layout.spec(id).notes }

    /// The named rows of 表6 that close each block.
    public static let personnelTotal = RowKey.named("人员经费合计")
    /// 公用经费合计.
    public static let publicTotal = RowKey.named("公用经费合计")
    /// The single row of 表7.
    public static let singleRow = RowKey.named("决算")
}

extension StandardLayout {
    /// The fixed label of 行次 `line` of 表1 or 表4 (income sources, totals, balances); nil for the
    /// class lines and blank lines.
    public static func lineLabel(_ line: Int, in id: TableID) -> String? {
        layout.spec(id).lineLabels?[String(line)]
    }

    /// 一 … 九十九, as the class rows of 表1 and 表4 number them ("十九、住房保障支出").
    public static func chineseOrdinal(_ number: Int) -> String {
        let digits = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
        guard number > 0, number < 100 else { return String(number) }
        let tens = number / 10, ones = number % 10
        switch tens {
        case 0: return digits[ones]
        case 1: return "十" + digits[ones]
        default: return digits[tens] + "十" + digits[ones]
        }
    }
}
