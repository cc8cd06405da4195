import CXlsxWriter
import Foundation
import JuesuanCore

/// The self-evaluation forms as sheets: budget execution and the indicator rows as printed.
enum FormSheets {
    static func write(_ forms: PerformanceForms, workbook: UnsafeMutablePointer<lxw_workbook>, formats: WorkbookWriter.Formats) {
        if let department = forms.department {
            let sheet = workbook_add_worksheet(workbook, "整体绩效自评")!
            var row = header(sheet, formats, title: "部门（单位）整体绩效自评表", name: department.unitName, stated: department.statedTotal,
                             execution: department.execution)
            for goal in department.goals {
                worksheet_write_string(sheet, lxw_row_t(row), 0, "\(goal.title)（\(goal.weight)分）", formats.bold)
                row += 1
                row = indicators(sheet, formats, goal.indicators, row: row)
            }
        }
        for (index, project) in forms.projects.enumerated() {
            let sheet = workbook_add_worksheet(workbook, "项目绩效\(index + 1)")!
            var row = header(sheet, formats, title: "项目支出绩效自评表", name: project.name, stated: project.statedTotal, execution: project.execution)
            worksheet_write_string(sheet, lxw_row_t(row), 0, "项目绩效总目标得分", formats.bold)
            if let goal = project.goalStatedScore { worksheet_write_number(sheet, lxw_row_t(row), 1, NSDecimalNumber(decimal: goal).doubleValue, formats.text) }
            row += 1
            row = indicators(sheet, formats, project.indicators, row: row)
            _ = row
        }
    }

    static func header(_ sheet: UnsafeMutablePointer<lxw_worksheet>, _ formats: WorkbookWriter.Formats, title: String, name: String,
                       stated: Decimal?, execution: BudgetExecution) -> Int {
        worksheet_set_column(sheet, 0, 2, 16, nil)
        worksheet_set_column(sheet, 2, 2, 40, nil)
        worksheet_set_column(sheet, 3, 5, 16, nil)
        worksheet_set_landscape(sheet)
        worksheet_fit_to_pages(sheet, 1, 0)
        WorkbookWriter.merge(sheet, 0, 0, 0, 5, title, formats.title)
        worksheet_write_string(sheet, 1, 0, "名称", formats.bold)
        worksheet_write_string(sheet, 1, 1, name, formats.text)
        worksheet_write_string(sheet, 1, 4, "自评得分（所印）", formats.bold)
        if let stated { worksheet_write_number(sheet, 1, 5, NSDecimalNumber(decimal: stated).doubleValue, formats.text) }
        for (column, text) in ["预算执行（\(execution.unit.rawValue)）", "预算数（A）", "执行数（B）", "执行率（B/A）", "得分"].enumerated() {
            worksheet_write_string(sheet, 2, lxw_col_t(column), text, formats.heading)
        }
        worksheet_write_string(sheet, 3, 0, execution.label, formats.label)
        worksheet_write_number(sheet, 3, 1, Double(execution.budget.fen) / Double(execution.unit.fenPerUnit), formats.number)
        worksheet_write_number(sheet, 3, 2, Double(execution.executed.fen) / Double(execution.unit.fenPerUnit), formats.number)
        worksheet_write_string(sheet, 3, 3, execution.statedRate ?? "", formats.label)
        if let score = execution.statedScore { worksheet_write_number(sheet, 3, 4, NSDecimalNumber(decimal: score).doubleValue, formats.label) }
        return 5
    }

    static func indicators(_ sheet: UnsafeMutablePointer<lxw_worksheet>, _ formats: WorkbookWriter.Formats, _ rows: [IndicatorRow], row start: Int) -> Int {
        var row = start
        for (column, text) in ["一级指标", "二级指标", "三级指标", "年初目标值（A）", "实际完成值（B）", "得分"].enumerated() {
            worksheet_write_string(sheet, lxw_row_t(row), lxw_col_t(column), text, formats.heading)
        }
        row += 1
        for indicator in rows {
            for (column, text) in [indicator.level1, indicator.level2, indicator.name, indicator.target, indicator.actual].enumerated() {
                worksheet_write_string(sheet, lxw_row_t(row), lxw_col_t(column), text, formats.label)
            }
            if let score = indicator.statedScore {
                worksheet_write_number(sheet, lxw_row_t(row), 5, NSDecimalNumber(decimal: score).doubleValue, formats.label)
            }
            row += 1
        }
        return row + 1
    }
}
