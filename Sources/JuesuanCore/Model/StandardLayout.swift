/// The standard layout of the nine tables (2021 部门决算公开 template): title stems, columns with
/// 栏次, and notes with their printed formulas.
public enum StandardLayout {
    /// Title stem of each table ("收入支出决算总表").
    public static func titleStem(_ id: TableID) -> String {
        switch id {
        case .t1: "收入支出决算总表"
        case .t2: "收入决算表"
        case .t3: "支出决算表"
        case .t4: "财政拨款收入支出决算总表"
        case .t5: "一般公共预算财政拨款支出决算表"
        case .t6: "一般公共预算财政拨款基本支出决算明细表"
        case .t7: "一般公共预算财政拨款“三公”经费支出决算表"
        case .t8: "政府性基金预算财政拨款收入支出决算表"
        case .t9: "国有资本经营预算财政拨款支出决算表"
        }
    }

    /// The printed title: "2021年度收入支出决算总表（表1）".
    public static func title(_ id: TableID, year: Int) -> String {
        "\(year)年度\(titleStem(id))（表\(id.rawValue)）"
    }

    /// Whether rows are identified by 行次 (表1, 表4), by function code, by economic code, or single.
    public enum RowKind: Sendable {
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
    public static func rowKind(_ id: TableID) -> RowKind {
        switch id {
        case .t1, .t4: .lines
        case .t2, .t3, .t5, .t8, .t9: .functionCodes
        case .t6: .economicCodes
        case .t7: .single
        }
    }

    /// The columns of table `id` with their 栏次.
    public static func columns(_ id: TableID) -> [TableColumn] {
        switch id {
        case .t1:
            [TableColumn(number: 1, name: "决算数", side: .income),
             TableColumn(number: 2, name: "决算数", side: .expenditure)]
        case .t2:
            zip(1..., ["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"])
                .map { TableColumn(number: $0, name: $1) }
        case .t3:
            zip(1..., ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"])
                .map { TableColumn(number: $0, name: $1) }
        case .t4:
            [TableColumn(number: 1, name: "决算数", side: .income),
             TableColumn(number: 2, name: "合计", groups: ["决算数"], side: .expenditure),
             TableColumn(number: 3, name: "一般公共预算财政拨款", groups: ["决算数"], side: .expenditure),
             TableColumn(number: 4, name: "政府性基金预算财政拨款", groups: ["决算数"], side: .expenditure),
             TableColumn(number: 5, name: "国有资本经营预算财政拨款", groups: ["决算数"], side: .expenditure)]
        case .t5:
            [TableColumn(number: 1, name: "小计", groups: ["本年支出"]),
             TableColumn(number: 2, name: "基本支出", groups: ["本年支出"]),
             TableColumn(number: 3, name: "项目支出", groups: ["本年支出"])]
        case .t6:
            [TableColumn(number: 1, name: "决算数")]
        case .t7:
            [TableColumn(number: 1, name: "合计", groups: ["预算数"]),
             TableColumn(number: 2, name: "因公出国（境）费", groups: ["预算数"]),
             TableColumn(number: 3, name: "小计", groups: ["预算数", "公务用车购置及运行费"]),
             TableColumn(number: 4, name: "公务用车购置费", groups: ["预算数", "公务用车购置及运行费"]),
             TableColumn(number: 5, name: "公务用车运行费", groups: ["预算数", "公务用车购置及运行费"]),
             TableColumn(number: 6, name: "公务接待费", groups: ["预算数"]),
             TableColumn(number: 7, name: "合计", groups: ["决算数"]),
             TableColumn(number: 8, name: "因公出国（境）费", groups: ["决算数"]),
             TableColumn(number: 9, name: "小计", groups: ["决算数", "公务用车购置及运行费"]),
             TableColumn(number: 10, name: "公务用车购置费", groups: ["决算数", "公务用车购置及运行费"]),
             TableColumn(number: 11, name: "公务用车运行费", groups: ["决算数", "公务用车购置及运行费"]),
             TableColumn(number: 12, name: "公务接待费", groups: ["决算数"])]
        case .t8:
            [TableColumn(number: 1, name: "年初结转和结余"),
             TableColumn(number: 2, name: "本年收入"),
             TableColumn(number: 3, name: "小计", groups: ["本年支出"]),
             TableColumn(number: 4, name: "基本支出", groups: ["本年支出"]),
             TableColumn(number: 5, name: "项目支出", groups: ["本年支出"]),
             TableColumn(number: 6, name: "年末结转和结余")]
        case .t9:
            [TableColumn(number: 1, name: "合计", groups: ["本年支出"]),
             TableColumn(number: 2, name: "基本支出", groups: ["本年支出"]),
             TableColumn(number: 3, name: "项目支出", groups: ["本年支出"])]
        }
    }

    /// The side of a 行次 in 表1 (1–30 income) or 表4 (1–32 income).
    public static func side(of line: Int, in id: TableID) -> Side {
        switch id {
        case .t1: line <= 30 ? .income : .expenditure
        case .t4: line <= 32 ? .income : .expenditure
        default: .expenditure
        }
    }

    /// The 行次 of the expenditure row of class position `position` (1…26): 表1 31…56, 表4 33…58.
    public static func classLine(position: Int, in id: TableID) -> Int? {
        switch id {
        case .t1: 30 + position
        case .t4: 32 + position
        default: nil
        }
    }

    /// The notes printed under table `id`.
    public static func notes(_ id: TableID) -> [String] {
        switch id {
        case .t1:
            ["注：本表反映部门本年度的总收支和年末结转结余情况。",
             "27行＝（1＋2＋3＋4＋5＋6+7+8）行；30行＝（27＋28＋29）行；",
             "57行＝（31＋32＋…＋56）行；  60行＝（57＋58＋59）行。"]
        case .t2:
            ["注：本表反映部门本年度取得的各项收入情况。", "1栏各行＝（2＋3＋4＋5＋6＋7）栏各行。"]
        case .t3:
            ["注：本表反映部门本年度各项支出情况。", "1栏各行＝（2＋3＋4＋5＋6）栏各行。"]
        case .t4:
            ["注：本表反映部门本年度一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款的总收支和年末结转结余情况。",
             "27行＝（1＋2+3）行；28行＝（29＋30+31）行；32行＝（27＋28）行；",
             "59行＝（33＋34＋…＋58）行；64行＝（59＋60）行。"]
        case .t5:
            ["注：本表反映部门本年度一般公共预算财政拨款支出情况。", "1栏各行＝（2＋3）栏各行。"]
        case .t6:
            ["注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。"]
        case .t7:
            ["注：本表反映部门本年度“三公”经费支出预决算情况。其中，预算数为“三公”经费年初预算数，决算数是包括当年一般公共预算财政拨款和以前年度结转资金安排的实际支出。",
             "1栏＝（2＋3＋6）栏；3栏＝（4＋5）栏；7栏＝（8＋9＋12）栏；9栏=（10+11）栏。"]
        case .t8:
            ["注：本表反映部门本年度政府性基金预算财政拨款收入、支出及结转和结余情况。",
             "6栏各行＝（1＋2－3）栏各行；3栏各行＝（4＋5）栏各行。"]
        case .t9:
            ["注：本表反映部门本年度国有资本经营预算财政拨款支出情况。", "1栏各行＝（2＋3）栏各行。"]
        }
    }

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
        switch (id, line) {
        case (.t1, 1): "一、一般公共预算财政拨款收入"
        case (.t1, 2): "二、政府性基金预算财政拨款收入"
        case (.t1, 3): "三、国有资本经营预算财政拨款收入"
        case (.t1, 4): "四、上级补助收入"
        case (.t1, 5): "五、事业收入"
        case (.t1, 6): "六、经营收入"
        case (.t1, 7): "七、附属单位上缴收入"
        case (.t1, 8): "八、其他收入"
        case (.t1, 27), (.t4, 27): "本年收入合计"
        case (.t1, 28): "使用非财政拨款结余"
        case (.t1, 29): "年初结转和结余"
        case (.t1, 30), (.t1, 60), (.t4, 32), (.t4, 64): "总计"
        case (.t1, 57), (.t4, 59): "本年支出合计"
        case (.t1, 58): "结余分配"
        case (.t1, 59): "年末结转和结余"
        case (.t4, 1): "一、一般公共预算财政拨款"
        case (.t4, 2): "二、政府性基金预算财政拨款"
        case (.t4, 3): "三、国有资本经营预算财政拨款"
        case (.t4, 28): "年初财政拨款结转和结余"
        case (.t4, 29): "  一般公共预算财政拨款"
        case (.t4, 30): "  政府性基金预算财政拨款"
        case (.t4, 31): "  国有资本经营预算财政拨款"
        case (.t4, 60): "年末财政拨款结转和结余"
        default: nil
        }
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
