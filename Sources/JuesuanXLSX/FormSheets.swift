import CXlsxWriter
import Foundation
import JuesuanCore

/// The self-evaluation forms as sheets ("整体绩效自评", "项目绩效1" …): the form's fields as
/// key/value rows, the budget execution row, and the indicator rows as printed; read back by `read`.
enum FormSheets {
    typealias Sheet = UnsafeMutablePointer<lxw_worksheet>

    static func decimal(_ value: Decimal?) -> String { value.map { "\($0)" } ?? "" }

    /// A score or weight as a number cell (Excel sums it); nothing when absent.
    static func number(_ sheet: Sheet, _ row: Int, _ column: Int, _ value: Decimal?, _ format: UnsafeMutablePointer<lxw_format>?) {
        if let value {
            worksheet_write_number(sheet, lxw_row_t(row), lxw_col_t(column), NSDecimalNumber(decimal: value).doubleValue, format)
        } else {
            worksheet_write_blank(sheet, lxw_row_t(row), lxw_col_t(column), format)
        }
    }

    /// The name of a project's sheet: "项目1 督查工作", at most 31 characters, without the characters
    /// Excel forbids in sheet names.
    static func sheetName(_ index: Int, _ project: String) -> String {
        let cleaned = String(project.map { "[]:*?/\\".contains($0) ? "_" : $0 }).trimmingCharacters(in: .whitespaces)
        let prefix = "项目\(index) "
        return String((prefix + cleaned).prefix(31)).trimmingCharacters(in: .whitespaces)
    }

    /// Whether `name` is the sheet of project `index` (also the names of earlier versions).
    static func isProjectSheet(_ name: String, _ index: Int) -> Bool {
        name == "项目绩效\(index)" || name == "项目\(index)" || name.hasPrefix("项目\(index) ")
    }

    static func write(_ forms: PerformanceForms, workbook: UnsafeMutablePointer<lxw_workbook>, formats: WorkbookWriter.Formats) {
        if let department = forms.department {
            let sheet = workbook_add_worksheet(workbook, "整体绩效自评")!
            var row = fields(sheet, formats, title: "部门（单位）整体绩效自评表", [
                ("类型", "整体"), ("名称", department.unitName), ("填报日期", department.filledOn ?? ""), ("自评得分", department.statedTotal),
                ("基本支出总额", department.basicTotal.map(FactRows.exact) ?? ""), ("项目支出总额", department.projectTotal.map(FactRows.exact) ?? ""),
            ])
            row = execution(sheet, formats, department.execution, row: row)
            for goal in department.goals {
                worksheet_write_string(sheet, lxw_row_t(row), 0, "年度目标", formats.bold)
                worksheet_write_string(sheet, lxw_row_t(row), 1, goal.title, formats.text)
                number(sheet, row, 2, goal.weight, formats.score)
                worksheet_write_string(sheet, lxw_row_t(row), 3, goal.text, formats.text)
                row = indicators(sheet, formats, goal.indicators, row: row + 1)
            }
        }
        for (index, project) in forms.projects.enumerated() {
            let sheet = workbook_add_worksheet(workbook, sheetName(index + 1, project.name))!
            var row = fields(sheet, formats, title: "项目支出绩效自评表", [
                ("类型", "项目"), ("名称", project.name), ("主管部门", project.supervisor), ("实施单位", project.implementer),
                ("项目类别", project.category), ("项目类型", project.kind), ("填报日期", project.filledOn ?? ""),
                ("自评得分", project.statedTotal), ("总目标.年初设定目标", project.goalPlanned),
                ("总目标.全年实际完成情况", project.goalAchieved), ("总目标.得分", project.goalStatedScore),
                ("总目标.分值", project.goalWeight), ("指标表.分值", project.indicatorsWeight),
                ("偏差分析", project.deviation), ("改进措施", project.improvement),
            ])
            row = execution(sheet, formats, project.execution, row: row)
            worksheet_write_string(sheet, lxw_row_t(row), 0, "项目年度绩效指标", formats.bold)
            _ = indicators(sheet, formats, project.indicators, row: row + 1)
        }
    }

    /// A field's value: text, or a score written as a number.
    enum Field {
        case text(String)
        case score(Decimal?)
    }

    static func fields(_ sheet: Sheet, _ formats: WorkbookWriter.Formats, title: String, _ pairs: [(String, any FieldValue)]) -> Int {
        worksheet_set_column(sheet, 0, 1, 16, nil)
        worksheet_set_column(sheet, 2, 2, 40, nil)
        worksheet_set_column(sheet, 3, 6, 16, nil)
        worksheet_set_landscape(sheet)
        worksheet_set_paper(sheet, 9)  // A4
        worksheet_fit_to_pages(sheet, 1, 0)
        WorkbookWriter.merge(sheet, 0, 0, 0, 6, title, formats.title)
        for (index, pair) in pairs.enumerated() {
            worksheet_write_string(sheet, lxw_row_t(index + 1), 0, pair.0, formats.bold)
            switch pair.1.field {
            case .text(let text): worksheet_write_string(sheet, lxw_row_t(index + 1), 1, text, formats.text)
            case .score(let value): number(sheet, index + 1, 1, value, formats.plainScore)
            }
        }
        return pairs.count + 2
    }

    static func execution(_ sheet: Sheet, _ formats: WorkbookWriter.Formats, _ block: BudgetExecution, row: Int) -> Int {
        for (column, text) in ["预算执行（\(block.unit.rawValue)）", "预算数（A）", "执行数（B）", "执行率（B/A）", "得分", "分值"].enumerated() {
            worksheet_write_string(sheet, lxw_row_t(row), lxw_col_t(column), text, formats.heading)
        }
        worksheet_write_string(sheet, lxw_row_t(row + 1), 0, block.label, formats.label)
        worksheet_write_number(sheet, lxw_row_t(row + 1), 1, Double(block.budget.fen) / Double(block.unit.fenPerUnit), formats.number)
        worksheet_write_number(sheet, lxw_row_t(row + 1), 2, Double(block.executed.fen) / Double(block.unit.fenPerUnit), formats.number)
        worksheet_write_string(sheet, lxw_row_t(row + 1), 3, block.statedRate ?? "", formats.label)
        number(sheet, row + 1, 4, block.statedScore, formats.score)
        number(sheet, row + 1, 5, block.weight, formats.score)
        return row + 3
    }

    static let indicatorHeadings = ["一级指标", "二级指标", "三级指标", "年初目标值（A）", "实际完成值（B）", "得分", "分值"]

    static func indicators(_ sheet: Sheet, _ formats: WorkbookWriter.Formats, _ rows: [IndicatorRow], row start: Int) -> Int {
        var row = start
        for (column, text) in indicatorHeadings.enumerated() {
            worksheet_write_string(sheet, lxw_row_t(row), lxw_col_t(column), text, formats.heading)
        }
        row += 1
        for indicator in rows {
            let values = [indicator.level1, indicator.level2, indicator.name, indicator.target, indicator.actual]
            for (column, text) in values.enumerated() { worksheet_write_string(sheet, lxw_row_t(row), lxw_col_t(column), text, formats.label) }
            number(sheet, row, 5, indicator.statedScore, formats.score)
            number(sheet, row, 6, indicator.weight, formats.score)
            row += 1
        }
        return row + 1
    }

    // MARK: Reading

    static func read(_ sheets: [String: [Int: [Int: WorkbookReader.Cell]]], schemeID: String?) -> PerformanceForms {
        var forms = PerformanceForms(schemeID: schemeID)
        if let cells = sheets["整体绩效自评"], let form = department(cells) { forms.department = form }
        var index = 1
        while let name = sheets.keys.first(where: { isProjectSheet($0, index) }), let cells = sheets[name] {
            if let form = project(cells) { forms.projects.append(form) }
            index += 1
        }
        return forms
    }

    static func text(_ cells: [Int: [Int: WorkbookReader.Cell]], _ row: Int, _ column: Int) -> String { cells[row]?[column]?.text ?? "" }

    static func fieldValues(_ cells: [Int: [Int: WorkbookReader.Cell]]) -> [String: String] {
        var values: [String: String] = [:]
        for row in cells.keys.sorted() {
            let key = text(cells, row, 0)
            if key.hasPrefix("预算执行") { break }
            if row > 0, !key.isEmpty { values[key] = text(cells, row, 1) }
        }
        return values
    }

    /// A score as written, or as a spreadsheet stores a number ("99.89000000000001"): scores have at
    /// most four decimals, so the stored number is rounded there.
    static func score(_ text: String) -> Decimal? {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard PlainNumber.matches(text), var value = Decimal(string: text) else { return nil }
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 4, .plain)
        return rounded
    }

    static func executionBlock(_ cells: [Int: [Int: WorkbookReader.Cell]]) -> BudgetExecution? {
        guard let header = cells.keys.sorted().first(where: { text(cells, $0, 0).hasPrefix("预算执行") }) else { return nil }
        let unit: MoneyUnit = text(cells, header, 0).contains("万元") ? .wan : .yuan
        func money(_ column: Int) -> Money {
            let written = text(cells, header + 1, column).trimmingCharacters(in: .whitespaces)
            let value = PlainNumber.matches(written) ? Decimal(string: written) ?? 0 : 0
            var scaled = value * Decimal(unit.fenPerUnit)
            // (the spreadsheet's binary number, rounded to the 分 below)
            var rounded = Decimal()
            NSDecimalRound(&rounded, &scaled, 0, .plain)
            return Money(fen: NSDecimalNumber(decimal: rounded).int64Value)
        }
        let rate = text(cells, header + 1, 3)
        return BudgetExecution(label: text(cells, header + 1, 0), unit: unit, budget: money(1), executed: money(2),
                               statedRate: rate.isEmpty ? nil : rate, statedScore: score(text(cells, header + 1, 4)),
                               weight: score(text(cells, header + 1, 5)))
    }

    /// Indicator rows under each heading row ("一级指标" …), grouped by the row before the heading.
    static func indicatorBlocks(_ cells: [Int: [Int: WorkbookReader.Cell]]) -> [(Int, [IndicatorRow])] {
        var blocks: [(Int, [IndicatorRow])] = []
        let rows = cells.keys.sorted()
        var index = 0
        while index < rows.count {
            let row = rows[index]
            guard text(cells, row, 0) == "一级指标" else { index += 1; continue }
            var indicators: [IndicatorRow] = []
            var next = row + 1
            while let line = cells[next], !(line[0]?.text ?? "").isEmpty || !(line[2]?.text ?? "").isEmpty,
                  line[0]?.text != "年度目标", line[0]?.text != "一级指标" {
                indicators.append(IndicatorRow(level1: text(cells, next, 0), level2: text(cells, next, 1), name: text(cells, next, 2),
                                               target: text(cells, next, 3), actual: text(cells, next, 4), weight: score(text(cells, next, 6)),
                                               statedScore: score(text(cells, next, 5))))
                next += 1
            }
            blocks.append((row, indicators))
            index += 1
        }
        return blocks
    }

    static func department(_ cells: [Int: [Int: WorkbookReader.Cell]]) -> DepartmentForm? {
        let values = fieldValues(cells)
        guard let execution = executionBlock(cells) else { return nil }
        let goals = indicatorBlocks(cells).map { heading, rows in
            AnnualGoal(title: text(cells, heading - 1, 1), weight: score(text(cells, heading - 1, 2)) ?? 0,
                       text: text(cells, heading - 1, 3), indicators: rows)
        }
        return DepartmentForm(unitName: values["名称"] ?? "", filledOn: values["填报日期"].flatMap { $0.isEmpty ? nil : $0 },
                              statedTotal: score(values["自评得分"] ?? ""), basicTotal: values["基本支出总额"].flatMap(FactRows.amount),
                              projectTotal: values["项目支出总额"].flatMap(FactRows.amount), execution: execution, goals: goals)
    }

    static func project(_ cells: [Int: [Int: WorkbookReader.Cell]]) -> ProjectForm? {
        let values = fieldValues(cells)
        guard let execution = executionBlock(cells) else { return nil }
        return ProjectForm(name: values["名称"] ?? "", supervisor: values["主管部门"] ?? "", implementer: values["实施单位"] ?? "",
                           category: values["项目类别"] ?? "", kind: values["项目类型"] ?? "",
                           filledOn: values["填报日期"].flatMap { $0.isEmpty ? nil : $0 }, statedTotal: score(values["自评得分"] ?? ""),
                           execution: execution, goalPlanned: values["总目标.年初设定目标"] ?? "",
                           goalAchieved: values["总目标.全年实际完成情况"] ?? "", goalWeight: score(values["总目标.分值"] ?? ""),
                           goalStatedScore: score(values["总目标.得分"] ?? ""), indicatorsWeight: score(values["指标表.分值"] ?? ""),
                           indicators: indicatorBlocks(cells).first?.1 ?? [], deviation: values["偏差分析"] ?? "",
                           improvement: values["改进措施"] ?? "")
    }
}

/// A value of a form's field row: text, or a score.
protocol FieldValue {
    var field: FormSheets.Field { get }
}

extension String: FieldValue {
    var field: FormSheets.Field { .text(self) }
}

extension Optional: FieldValue where Wrapped == Decimal {
    var field: FormSheets.Field { .score(self) }
}
