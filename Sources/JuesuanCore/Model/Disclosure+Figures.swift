extension Disclosure {
    /// Keys of the figures compared with last year, in the order Part 3 states them.
    public static let comparedFigures = ["收支总计", "财政拨款收支总计", "财政拨款支出", "三公经费",
                                         "因公出国（境）费", "公务用车购置及运行费", "公务接待费", "机关运行经费"]

    /// This year's amount of a figure compared with last year, read from the tables.
    ///
    /// 收支总计 = 表1 row 30; 财政拨款收支总计 = 表4 row 32; 财政拨款支出 = 表4 row 59;
    /// "三公" figures = 表7 actual columns; 机关运行经费 = the stated figure, else 表6 公用经费合计.
    public func currentAmount(for key: String) -> Money? {
        switch key {
        case "收支总计": self[.t1]?.amount(.line(30), column: 1)
        case "财政拨款收支总计": self[.t4]?.amount(.line(32), column: 1)
        case "财政拨款支出": self[.t4]?.amount(.line(59), column: 2)
        case "三公经费": self[.t7]?.amount(StandardLayout.singleRow, column: 7)
        case "因公出国（境）费": self[.t7]?.amount(StandardLayout.singleRow, column: 8)
        case "公务用车购置及运行费": self[.t7]?.amount(StandardLayout.singleRow, column: 9)
        case "公务接待费": self[.t7]?.amount(StandardLayout.singleRow, column: 12)
        case "机关运行经费": figures.operatingCosts?.amount ?? self[.t6]?.amount(StandardLayout.publicTotal, column: 1)
        default: nil
        }
    }
}
