import Foundation
import JuesuanCore
import Yams

/// Reads the self-evaluation forms of a dataset: `performance/department.yaml` (类型 = "整体") and one
/// file per project (类型 = "项目"), in file-name order.
public enum PerformanceReader {
    /// Reads every `.yaml` file in `folder`; a missing folder means no forms.
    public static func read(folder: URL, displayName: String) throws(InputError) -> PerformanceForms {
        var forms = PerformanceForms()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return forms }
        for fileName in names.filter({ $0.hasSuffix(".yaml") }).sorted(by: { $0.localizedStandardCompare($1) == .orderedAscending }) {
            let shown = (displayName as NSString).appendingPathComponent(fileName)
            let doc = try YAMLDocument(url: folder.appendingPathComponent(fileName), name: shown)
            switch try doc.string(doc.root, "类型", required: true)! {
            case "整体":
                if forms.department != nil { throw doc.error(doc.root["类型"], "只能有一张整体绩效自评表") }
                forms.department = try department(doc)
            case "项目":
                forms.projects.append(try project(doc))
            case let other:
                throw doc.error(doc.root["类型"], value: other, "“类型”应为“整体”或“项目”")
            }
        }
        return forms
    }

    static func department(_ doc: YAMLDocument) throws(InputError) -> DepartmentForm {
        let root = doc.root
        var goals: [AnnualGoal] = []
        for entry in try doc.mappings(root, "年度目标") {
            goals.append(AnnualGoal(title: try doc.string(entry, "名称", required: true)!,
                                    weight: try doc.score(entry, "分值") ?? 0,
                                    text: try doc.string(entry, "内容") ?? "",
                                    indicators: try indicators(doc, entry)))
        }
        return DepartmentForm(unitName: try doc.string(root, "单位名称", required: true)!,
                              filledOn: try doc.string(root, "填报日期"),
                              statedTotal: try doc.score(root, "自评得分"),
                              basicTotal: try doc.money(root, "基本支出总额"),
                              projectTotal: try doc.money(root, "项目支出总额"),
                              execution: try execution(doc),
                              goals: goals, source: doc.name)
    }

    static func project(_ doc: YAMLDocument) throws(InputError) -> ProjectForm {
        let root = doc.root
        guard let goal = try doc.mapping(root, "总目标") else { throw InputError(file: doc.name, reason: "缺少 [总目标]") }
        guard let table = try doc.mapping(root, "指标表") else { throw InputError(file: doc.name, reason: "缺少 [指标表]") }
        return ProjectForm(name: try doc.string(root, "项目名称", required: true)!,
                           supervisor: try doc.string(root, "主管部门") ?? "",
                           implementer: try doc.string(root, "实施单位") ?? "",
                           category: try doc.string(root, "项目类别") ?? "",
                           kind: try doc.string(root, "项目类型") ?? "",
                           filledOn: try doc.string(root, "填报日期"),
                           statedTotal: try doc.score(root, "自评得分"),
                           execution: try execution(doc),
                           goalPlanned: try doc.string(goal, "年初设定目标") ?? "",
                           goalAchieved: try doc.string(goal, "全年实际完成情况") ?? "",
                           goalWeight: try doc.score(goal, "分值"),
                           goalStatedScore: try doc.score(goal, "得分"),
                           indicatorsWeight: try doc.score(table, "分值"),
                           indicators: try indicators(doc, table),
                           deviation: try doc.string(root, "偏差分析") ?? "",
                           improvement: try doc.string(root, "改进措施") ?? "",
                           source: doc.name)
    }

    static func execution(_ doc: YAMLDocument) throws(InputError) -> BudgetExecution {
        guard let block = try doc.mapping(doc.root, "预算执行") else {
            throw InputError(file: doc.name, reason: "缺少 [预算执行]（预算数、执行数）")
        }
        let unitText = try doc.string(block, "单位") ?? "元"
        guard let unit = MoneyUnit(rawValue: unitText) else { throw doc.error(block["单位"], value: unitText, "“单位”应为“元”或“万元”") }
        guard let budget = try doc.money(block, "预算数", unit: unit) else { throw doc.error(doc.root["预算执行"], "缺少“预算数”") }
        guard let executed = try doc.money(block, "执行数", unit: unit) else { throw doc.error(doc.root["预算执行"], "缺少“执行数”") }
        return BudgetExecution(label: try doc.string(block, "项目") ?? "", unit: unit, budget: budget, executed: executed,
                               statedRate: try doc.string(block, "执行率"), statedScore: try doc.score(block, "得分"),
                               weight: try doc.score(block, "分值"))
    }

    static func indicators(_ doc: YAMLDocument, _ parent: Node.Mapping) throws(InputError) -> [IndicatorRow] {
        var rows: [IndicatorRow] = []
        for entry in try doc.mappings(parent, "指标") {
            let name = try doc.string(entry, "名称", required: true)!
            rows.append(IndicatorRow(level1: try doc.string(entry, "一级") ?? "", level2: try doc.string(entry, "二级") ?? "",
                                     name: name, target: try doc.string(entry, "目标值") ?? "",
                                     actual: try doc.string(entry, "实际值") ?? "",
                                     weight: try doc.score(entry, "分值"), statedScore: try doc.score(entry, "得分"),
                                     source: doc.source(entry["名称"])))
        }
        return rows
    }
}
