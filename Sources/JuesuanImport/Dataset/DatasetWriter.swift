import Foundation
import JuesuanCore

/// Writes a disclosure as a dataset folder in the format `DatasetReader` reads (docs/dataset.md).
/// The folder is built aside and moved into place at the end, so nothing is left half-written.
public enum DatasetWriter {
    /// Writes `disclosure` to `folder`, which must not exist, be empty, or be a folder juesuan wrote
    /// (unless `force`); it is replaced whole. `origin` is the first comment line of disclosure.yaml
    /// (how the dataset was made); by default, read by `import`.
    public static func write(_ disclosure: Disclosure, to folder: URL, origin: String? = nil, force: Bool = false) throws {
        try OutputFolder.write(to: folder.path, command: "dataset", force: force) { staging in
            try fill(staging, disclosure, origin: origin)
        }
    }

    /// Writes the dataset's files into the existing, empty folder `staging`.
    public static func fill(_ staging: URL, _ disclosure: Disclosure, origin: String? = nil) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: staging.appendingPathComponent("tables"), withIntermediateDirectories: true)
        try Data(facts(disclosure, origin: origin).utf8).write(to: staging.appendingPathComponent(DatasetReader.factsFile))
        for id in TableID.allCases {
            let table = disclosure[id] ?? Table(id: id, title: "", department: disclosure.unit, columns: StandardLayout.columns(id), rows: [])
            try Data(csv(table).utf8).write(to: staging.appendingPathComponent(DatasetReader.tableFile(id)))
        }
        let forms = disclosure.performance
        if forms.department != nil || !forms.projects.isEmpty {
            let folder = staging.appendingPathComponent("performance")
            try manager.createDirectory(at: folder, withIntermediateDirectories: true)
            if let department = forms.department {
                try Data(yaml(department).utf8).write(to: folder.appendingPathComponent("department.yaml"))
            }
            for (index, project) in forms.projects.enumerated() {
                try Data(yaml(project).utf8).write(to: folder.appendingPathComponent("project-\(index + 1).yaml"))
            }
        }
    }

    static func quote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    /// An amount in 万元 as printed (two decimals), or with as many decimals as its 分 need.
    static func text(_ money: Money) -> String {
        guard money.fen % 10_000 != 0 else { return money.description }
        var text = money.formatted(unit: .wan, decimals: 6, grouping: true)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    /// `text(money)` quoted for YAML.
    static func amount(_ money: Money) -> String { quote(text(money)) }

    /// disclosure.yaml: every fact `DatasetReader` reads, so that a dataset written and read back is
    /// the same dataset.
    static func facts(_ disclosure: Disclosure, origin: String? = nil) -> String {
        let origin = origin ?? "由 juesuan import 从 \(disclosure.source ?? "公开文本") 读出"
        var out = "# \(origin)。格式见 docs/dataset.md。\n\n"
        let figures = disclosure.figures
        out += "单位:\n  名称: \(quote(disclosure.unit))\n"
        if let short = disclosure.shortName { out += "  简称: \(quote(short))\n" }
        out += "  年度: \(disclosure.year)\n"
        if let phone = figures.texts["咨询电话"] { out += "  咨询电话: \(quote(phone))\n" }

        let overview = disclosure.overview
        if !overview.functions.isEmpty || !overview.composition.isEmpty || !overview.staffing.isEmpty || overview.staffingDate != nil {
            out += "\n概况:\n"
            if !overview.functions.isEmpty { out += "  职能:\n" + overview.functions.map { "    - \(quote($0))\n" }.joined() }
            if !overview.composition.isEmpty { out += "  单位构成: \(quote(overview.composition))\n" }
            if let date = overview.staffingDate { out += "  人员时点: \(quote(date))\n" }
            if !overview.staffing.isEmpty {
                out += "  人员:\n" + overview.staffing.map { "    - {项目: \(quote($0.label)), 人数: \($0.count)}\n" }.joined()
            }
        }
        let statements = TableID.allCases.compactMap { id in disclosure[id]?.emptyStatement.map { (id, $0) } }
        if !statements.isEmpty {
            out += "\n表说明:\n" + statements.map { "  \($0.0): \(quote($0.1))\n" }.joined()
        }
        if !figures.priorYear.isEmpty {
            out += "\n上年:\n" + Disclosure.comparedFigures.compactMap { key in
                figures.priorYear[key].map { "  \(key): {上年数: \(amount($0.amount))}\n" }
            }.joined()
        }
        if !figures.initialBudget.isEmpty {
            out += "\n年初预算:\n" + figures.initialBudget.keys.sorted { ($0 == "合计" ? "" : $0) < ($1 == "合计" ? "" : $1) }
                .map { "  \($0): \(amount(figures.initialBudget[$0]!.amount))\n" }.joined()
        }
        if !figures.reasons.isEmpty {
            out += "\n原因:\n" + figures.reasons.keys.sorted().map { "  \($0): \(quote(figures.reasons[$0]!))\n" }.joined()
        }
        if figures.texts["三公单位范围"] != nil || !figures.vehicleRunningDetails.isEmpty || !figures.officialCounts.isEmpty {
            out += "\n三公:\n"
            if let scope = figures.texts["三公单位范围"] { out += "  单位范围: \(quote(scope))\n" }
            if !figures.vehicleRunningDetails.isEmpty {
                out += "  公务用车运行费明细: {" + figures.vehicleRunningDetails.map { "\($0.name): \(amount($0.amount))" }.joined(separator: ", ") + "}\n"
            }
            for key in ["公务用车保有量", "购置车辆数", "接待批次", "接待人次", "陪同人次", "出国团组", "出国人次"] {
                if let count = figures.officialCounts[key] { out += "  \(key): \(count)\n" }
            }
        }
        if let operating = figures.operatingCosts { out += "\n机关运行经费:\n  金额: \(amount(operating.amount))\n" }
        if !figures.procurement.isEmpty {
            let order = ["总额", "货物", "工程", "服务", "中小企业", "小微企业", "货物中小企业", "服务中小企业"]
            let keys = figures.procurement.keys.sorted { (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1) }
            out += "\n政府采购:\n" + keys.map { "  \($0): \(amount(figures.procurement[$0]!.amount))\n" }.joined()
        }
        if !figures.assets.isEmpty {
            out += "\n国有资产:\n" + figures.assets.map { "  - {项目: \(quote($0.label)), 数量: \($0.count)}\n" }.joined()
        }
        if !figures.projects.isEmpty {
            out += "\n项目:\n" + figures.projects.map { project in
                var entry = "  - 名称: \(quote(project.name))\n    金额: \(amount(project.amount))\n"
                if !project.purpose.isEmpty { entry += "    用途: \(quote(project.purpose))\n" }
                if !project.results.isEmpty { entry += "    成效: \(quote(project.results))\n" }
                return entry
            }.joined()
        }
        if let scheme = disclosure.performance.schemeID { out += "\n绩效方案: \(scheme)\n" }
        if let layout = disclosure.layout { out += "\n版式: \(layout)\n" }
        if !disclosure.glossary.isEmpty {
            out += "\n名词解释:\n" + disclosure.glossary.map { "  - {名词: \(quote($0.term)), 解释: \(quote($0.definition))}\n" }.joined()
        }
        if !disclosure.keyWork.isEmpty {
            out += "\n重点工作:\n" + disclosure.keyWork.map {
                "  - {事项: \(quote($0.name)), 内容: \(quote($0.content)), 完成情况: \(quote($0.result))}\n"
            }.joined()
        }
        return out
    }

    static func number(_ value: Decimal?) -> String { value.map { quote("\($0)") } ?? "\"\"" }

    static func execution(_ block: BudgetExecution) -> String {
        var out = "预算执行:\n  项目: \(quote(block.label))\n  单位: \(block.unit.rawValue)\n"
        if let weight = block.weight { out += "  分值: \(weight)\n" }
        out += "  预算数: \(quote(block.budget.formatted(unit: block.unit, grouping: false)))\n"
        out += "  执行数: \(quote(block.executed.formatted(unit: block.unit, grouping: false)))\n"
        out += "  执行率: \(quote(block.statedRate ?? ""))\n  得分: \(number(block.statedScore))\n"
        return out
    }

    static func indicators(_ rows: [IndicatorRow], indent: String) -> String {
        indent + "指标:\n" + rows.map { row in
            "\(indent)  - {一级: \(quote(row.level1)), 二级: \(quote(row.level2)), 名称: \(quote(row.name)), 目标值: \(quote(row.target)), "
                + "实际值: \(quote(row.actual)), " + (row.weight.map { "分值: \($0), " } ?? "") + "得分: \(number(row.statedScore))}\n"
        }.joined()
    }

    /// A department form as `performance/department.yaml`.
    static func yaml(_ form: DepartmentForm) -> String {
        var out = "类型: 整体\n单位名称: \(quote(form.unitName))\n"
        if let date = form.filledOn { out += "填报日期: \(quote(date))\n" }
        out += "自评得分: \(number(form.statedTotal))\n"
        if let basic = form.basicTotal { out += "基本支出总额: \(quote(basic.description))\n" }
        if let project = form.projectTotal { out += "项目支出总额: \(quote(project.description))\n" }
        out += "\n" + execution(form.execution) + "\n年度目标:\n"
        for goal in form.goals {
            out += "  - 名称: \(quote(goal.title))\n    分值: \(goal.weight)\n    内容: \(quote(goal.text))\n" + indicators(goal.indicators, indent: "    ")
        }
        return out
    }

    /// A project form as `performance/project-N.yaml`.
    static func yaml(_ form: ProjectForm) -> String {
        var out = "类型: 项目\n项目名称: \(quote(form.name))\n"
        for (key, value) in [("主管部门", form.supervisor), ("实施单位", form.implementer), ("项目类别", form.category), ("项目类型", form.kind)]
        where !value.isEmpty {
            out += "\(key): \(quote(value))\n"
        }
        if let date = form.filledOn { out += "填报日期: \(quote(date))\n" }
        out += "自评得分: \(number(form.statedTotal))\n"
        if !form.deviation.isEmpty { out += "偏差分析: \(quote(form.deviation))\n" }
        if !form.improvement.isEmpty { out += "改进措施: \(quote(form.improvement))\n" }
        out += "\n" + execution(form.execution)
        out += "\n总目标:\n"
        if let weight = form.goalWeight { out += "  分值: \(weight)\n" }
        if !form.goalPlanned.isEmpty { out += "  年初设定目标: \(quote(form.goalPlanned))\n" }
        if !form.goalAchieved.isEmpty { out += "  全年实际完成情况: \(quote(form.goalAchieved))\n" }
        out += "  得分: \(number(form.goalStatedScore))\n"
        out += "\n指标表:\n"
        if let weight = form.indicatorsWeight { out += "  分值: \(weight)\n" }
        return out + indicators(form.indicators, indent: "  ")
    }

    /// One table as CSV in the dataset layout.
    public static func csv(_ table: Table) -> String {
        func field(_ text: String) -> String {
            text.contains(",") || text.contains("\"") || text.contains("\n") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        func amount(_ money: Money?) -> String { money.map { field(text($0)) } ?? "" }
        var out = ""
        switch StandardLayout.rowKind(table.id) {
        case .lines:
            let expenditure = table.columns.filter { $0.side == .expenditure }
            out += (["行次", "项目", "决算数"] + expenditure.dropFirst().map(\.name)).joined(separator: ",") + "\n"
            for row in table.rows {
                guard case .line(let number) = row.key else { continue }
                let side = StandardLayout.side(of: number, in: table.id)
                var fields = [String(number), field(row.label), amount(row.cells[side == .income ? 1 : expenditure.first?.number ?? 2])]
                fields += expenditure.dropFirst().map { side == .income ? "" : amount(row.cells[$0.number]) }
                out += fields.joined(separator: ",") + "\n"
            }
        case .functionCodes, .economicCodes:
            let names = table.id == .t8 ? ["年初结转和结余", "本年收入", "本年支出小计", "本年支出基本支出", "本年支出项目支出", "年末结转和结余"]
                : table.columns.map(\.name)
            out += (["编码", "科目名称"] + names).joined(separator: ",") + "\n"
            for row in table.rows {
                let code: String
                switch row.key {
                case .function(let functionCode): code = functionCode.digits
                case .economic(let economicCode): code = economicCode.digits
                default: code = ""
                }
                let label = code.isEmpty ? row.key.description : row.label
                out += ([code, field(label)] + table.columns.map { amount(row.cells[$0.number]) }).joined(separator: ",") + "\n"
            }
        case .single:
            out += "栏次,项目,金额\n"
            let row = table.rows.first
            for column in table.columns {
                out += "\(column.number),\(field((column.groups + [column.name]).joined(separator: " "))),\(amount(row?.cells[column.number]))\n"
            }
        }
        return out
    }
}
