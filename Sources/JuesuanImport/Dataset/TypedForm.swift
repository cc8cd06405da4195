import Foundation
import JuesuanCore
import Yams

/// A self-evaluation form as typed in a web form: the same keys as `performance/*.yaml` (项目名称,
/// 预算执行.预算数, 总目标.年初设定目标, 指标表.分值 …), the indicator rows as lists of cells, read by the
/// dataset reader's own rules — the same checks and the same Chinese messages as a file.
public struct TypedForm: Sendable, Hashable {
    /// "整体" or "项目".
    public var kind: String
    /// Fields by key; a dot names a field of a block ("预算执行.预算数").
    public var fields: [String: String]
    /// 年度目标 of a department form: 名称, 分值, 内容.
    public var goals: [[String: String]]
    /// Indicator rows: 一级, 二级, 名称, 目标值, 实际值, 分值, 得分 (and, on a department form, 年度目标: the
    /// goal's number, 1…). Rows without 名称 are blank and left out.
    public var indicators: [[String: String]]

    public init(kind: String, fields: [String: String], goals: [[String: String]] = [], indicators: [[String: String]]) {
        self.kind = kind
        self.fields = fields
        self.goals = goals
        self.indicators = indicators
    }

    /// The keys of each kind, in print order (the page shows them so).
    public static let projectKeys = ["项目名称", "主管部门", "实施单位", "项目类别", "项目类型", "填报日期", "自评得分",
                                     "预算执行.项目", "预算执行.单位", "预算执行.分值", "预算执行.预算数", "预算执行.执行数", "预算执行.执行率", "预算执行.得分",
                                     "总目标.分值", "总目标.年初设定目标", "总目标.全年实际完成情况", "总目标.得分", "指标表.分值", "偏差分析", "改进措施"]
    public static let departmentKeys = ["单位名称", "填报日期", "自评得分", "基本支出总额", "项目支出总额",
                                        "预算执行.项目", "预算执行.单位", "预算执行.分值", "预算执行.预算数", "预算执行.执行数", "预算执行.执行率", "预算执行.得分"]
    public static let indicatorKeys = ["一级", "二级", "名称", "目标值", "实际值", "分值", "得分"]
    public static let goalKeys = ["名称", "分值", "内容"]

    /// A project form's fields as typed.
    public init(_ form: ProjectForm) {
        let e = form.execution
        var fields: [String: String] = [
            "项目名称": form.name, "主管部门": form.supervisor, "实施单位": form.implementer, "项目类别": form.category, "项目类型": form.kind,
            "填报日期": form.filledOn ?? "", "自评得分": Self.text(form.statedTotal), "偏差分析": form.deviation, "改进措施": form.improvement,
            "总目标.分值": Self.text(form.goalWeight), "总目标.年初设定目标": form.goalPlanned, "总目标.全年实际完成情况": form.goalAchieved,
            "总目标.得分": Self.text(form.goalStatedScore), "指标表.分值": Self.text(form.indicatorsWeight),
        ]
        fields.merge(Self.fields(e)) { a, _ in a }
        self.init(kind: "项目", fields: fields, indicators: form.indicators.map { Self.row($0, goal: nil) })
    }

    /// A department form's fields as typed.
    public init(_ form: DepartmentForm) {
        var fields: [String: String] = [
            "单位名称": form.unitName, "填报日期": form.filledOn ?? "", "自评得分": Self.text(form.statedTotal),
            "基本支出总额": form.basicTotal?.description ?? "", "项目支出总额": form.projectTotal?.description ?? "",
        ]
        fields.merge(Self.fields(form.execution)) { a, _ in a }
        self.init(kind: "整体", fields: fields,
                  goals: form.goals.map { ["名称": $0.title, "分值": "\($0.weight)", "内容": $0.text] },
                  indicators: form.goals.enumerated().flatMap { number, goal in goal.indicators.map { Self.row($0, goal: number + 1) } })
    }

    static func text(_ value: Decimal?) -> String { value.map { "\($0)" } ?? "" }

    static func fields(_ e: BudgetExecution) -> [String: String] {
        ["预算执行.项目": e.label, "预算执行.单位": e.unit.rawValue, "预算执行.分值": text(e.weight),
         "预算执行.预算数": e.budget.formatted(unit: e.unit, grouping: false),
         "预算执行.执行数": e.executed.formatted(unit: e.unit, grouping: false),
         "预算执行.执行率": e.statedRate ?? "", "预算执行.得分": text(e.statedScore)]
    }

    static func row(_ row: IndicatorRow, goal: Int?) -> [String: String] {
        var cells = ["一级": row.level1, "二级": row.level2, "名称": row.name, "目标值": row.target, "实际值": row.actual,
                     "分值": text(row.weight), "得分": text(row.statedScore)]
        if let goal { cells["年度目标"] = String(goal) }
        return cells
    }

    public enum Read: Sendable {
        case department(DepartmentForm)
        case project(ProjectForm)
    }

    /// The form, or why it cannot be one (the field named as the page labels it). `name` says which form.
    public func read(name: String) throws(InputError) -> Read {
        func scalar(_ text: String) -> Node { Node(text.trimmingCharacters(in: .whitespacesAndNewlines), Tag(.str), .doubleQuoted) }
        func mapping(_ pairs: [(String, Node)]) -> Node { Node.mapping(Node.Mapping(pairs.map { (Node($0.0), $0.1) })) }
        var top: [(String, Node)] = [("类型", scalar(kind))]
        var blocks: [String: [(String, Node)]] = [:]
        var blockOrder: [String] = []
        for key in fields.keys.sorted() {
            let value = fields[key]!.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { continue }
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            if parts.count == 2 {
                if blocks[parts[0]] == nil { blockOrder.append(parts[0]) }
                blocks[parts[0], default: []].append((parts[1], scalar(value)))
            } else {
                top.append((key, scalar(value)))
            }
        }
        func indicatorNodes(_ rows: [[String: String]]) -> Node {
            Node.sequence(Node.Sequence(rows.map { row in
                mapping(Self.indicatorKeys.compactMap { key in
                    let value = (row[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                    return value.isEmpty ? nil : (key, scalar(value))
                })
            }))
        }
        let filled = indicators.filter { !($0["名称"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
        if kind == "整体" {
            var goalNodes: [Node] = []
            for (index, goal) in goals.enumerated() where !(goal["名称"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                var pairs = Self.goalKeys.compactMap { key -> (String, Node)? in
                    let value = (goal[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                    return value.isEmpty ? nil : (key, scalar(value))
                }
                pairs.append(("指标", indicatorNodes(filled.filter { Int($0["年度目标"] ?? "") == index + 1 })))
                goalNodes.append(mapping(pairs))
            }
            let stray = filled.filter { row in
                guard let number = Int(row["年度目标"] ?? ""), number >= 1, number <= goals.count,
                      !(goals[number - 1]["名称"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty else { return true }
                return false
            }
            if let first = stray.first {
                throw InputError(file: name, reason: "指标“\(first["名称"] ?? "")”的“年度目标”应为上面所列年度目标的序号（1～\(goals.count)），现为“\(first["年度目标"] ?? "")”")
            }
            top.append(("年度目标", Node.sequence(Node.Sequence(goalNodes))))
        } else {
            blocks["指标表", default: []].append(("指标", indicatorNodes(filled)))
            if !blockOrder.contains("指标表") { blockOrder.append("指标表") }
            if blocks["总目标"] == nil { blocks["总目标"] = []; blockOrder.append("总目标") }
        }
        for block in blockOrder { top.append((block, mapping(blocks[block]!))) }
        guard case .mapping(let root) = mapping(top) else { throw InputError(file: name, reason: "表单无法读取") }
        let doc = YAMLDocument(root: root, name: name)
        switch kind {
        case "整体": return .department(try PerformanceReader.department(doc))
        case "项目": return .project(try PerformanceReader.project(doc))
        default: throw InputError(file: name, reason: "“类型”应为“整体”或“项目”")
        }
    }
}
