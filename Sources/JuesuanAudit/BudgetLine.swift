/// Where a figure of a budget was printed: "（第 12 行）" for a line of the document read, nothing for a budget that was
/// entered (a workbook or budget.json has no printed lines).
enum BudgetLine {
    static func note(_ line: Int) -> String { line > 0 ? "（第 \(line) 行）" : "" }
}
