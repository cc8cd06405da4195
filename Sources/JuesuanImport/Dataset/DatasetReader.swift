import Foundation
import JuesuanCore
import Yams

/// Reads a dataset folder (`disclosure.yaml`, `tables/table1.csv` … `table9.csv`, optional
/// `performance/*.yaml`) into a `Disclosure`. The format is described in docs/dataset.md.
public enum DatasetReader {
    /// The facts file inside a dataset folder.
    public static let factsFile = "disclosure.yaml"

    /// The CSV file of table `id` inside a dataset folder.
    public static func tableFile(_ id: TableID) -> String { "tables/table\(id.rawValue).csv" }

    /// Reads the dataset folder at `folder`; paths in messages are shown relative to `displayName`.
    public static func read(folder: URL, displayName: String? = nil) throws(InputError) -> Disclosure {
        let shown = displayName ?? folder.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) else {
            throw InputError(file: shown, reason: "数据集文件夹不存在")
        }
        guard isDirectory.boolValue else {
            throw InputError(file: shown, reason: "应为数据集文件夹（内含 disclosure.yaml 与 tables/），而这是一个文件")
        }
        func name(_ relative: String) -> String { (shown as NSString).appendingPathComponent(relative) }

        let facts = try YAMLDocument(url: folder.appendingPathComponent(factsFile), name: name(factsFile))
        var disclosure = try readFacts(facts)
        disclosure.source = shown
        if let layout = try facts.string(facts.root, "版式") {
            guard let known = TableLayout.named(layout) else {
                throw facts.error(facts.root["版式"], value: layout,
                                  "不认识的版式；可用：" + TableLayout.all.map { "\($0.id)（\($0.name)）" }.joined(separator: "、"))
            }
            disclosure.layout = known.id == TableLayout.standard.id ? nil : known.id
        }
        let statements = try facts.mapping(facts.root, "表说明")
        for id in TableID.allCases {
            let relative = tableFile(id)
            let file = try CSVFile(url: folder.appendingPathComponent(relative), name: name(relative))
            var table = try TableReader.read(file, id: id, year: disclosure.year, department: disclosure.unit)
            table.title = disclosure.tableLayout.title(id, year: disclosure.year)
            table.notes = disclosure.tableLayout.spec(id).notes
            if let statements {
                table.emptyStatement = try facts.string(statements, id.description)
            }
            disclosure.tables[id] = table
        }
        try resolvePriorYear(facts, into: &disclosure)
        disclosure.performance = try PerformanceReader.read(folder: folder.appendingPathComponent("performance"),
                                                            displayName: name("performance"))
        disclosure.performance.schemeID = try facts.string(facts.root, "绩效方案")
        return disclosure
    }

    // MARK: Facts

    static func readFacts(_ doc: YAMLDocument) throws(InputError) -> Disclosure {
        guard let unitTable = try doc.mapping(doc.root, "单位") else {
            throw InputError(file: doc.name, reason: "缺少“单位:”（名称、年度）")
        }
        let unit = try doc.string(unitTable, "名称", required: true)!
        let year = try doc.int(unitTable, "年度", required: true)!
        guard (1990...2100).contains(year) else { throw doc.error(unitTable["年度"], value: String(year), "年度不合理") }
        var disclosure = Disclosure(unit: unit, shortName: try doc.string(unitTable, "简称"), year: year)
        if let phone = try doc.string(unitTable, "咨询电话") { disclosure.figures.texts["咨询电话"] = phone }

        if let overview = try doc.mapping(doc.root, "概况") {
            disclosure.overview.functions = try doc.strings(overview, "职能")
            disclosure.overview.composition = try doc.string(overview, "单位构成") ?? ""
            disclosure.overview.staffingDate = try doc.string(overview, "人员时点")
            for entry in try doc.mappings(overview, "人员") {
                disclosure.overview.staffing.append(Headcount(label: try doc.string(entry, "项目", required: true)!,
                                                              count: try doc.int(entry, "人数", required: true)!))
            }
        }
        var figures = disclosure.figures
        if let budget = try doc.mapping(doc.root, "年初预算") {
            for (keyNode, value) in budget {
                let key = keyNode.string ?? ""
                if key != "合计" && FunctionCode(key)?.level != .category {
                    throw doc.error(keyNode, value: key, "“年初预算”下的键应为“合计”或类级科目编码（如 201）")
                }
                figures.initialBudget[key] = NamedAmount(name: key, amount: try doc.money(value, key: key), source: doc.source(value))
            }
        }
        if let reasons = try doc.mapping(doc.root, "原因") {
            for key in reasons.keys { figures.reasons[key] = try doc.string(reasons, key) }
        }
        if let official = try doc.mapping(doc.root, "三公") {
            if let scope = try doc.string(official, "单位范围") { figures.texts["三公单位范围"] = scope }
            if let details = try doc.mapping(official, "公务用车运行费明细") {
                for (keyNode, value) in details {
                    let key = keyNode.string ?? ""
                    figures.vehicleRunningDetails.append(NamedAmount(name: key, amount: try doc.money(value, key: key), source: doc.source(value)))
                }
            }
            for key in ["公务用车保有量", "购置车辆数", "接待批次", "接待人次", "陪同人次", "出国团组", "出国人次"] {
                if let count = try doc.int(official, key) { figures.officialCounts[key] = count }
            }
        }
        if let operating = try doc.mapping(doc.root, "机关运行经费"), let amount = try doc.money(operating, "金额") {
            figures.operatingCosts = NamedAmount(name: "机关运行经费", amount: amount, source: doc.source(operating["金额"]))
        }
        if let procurement = try doc.mapping(doc.root, "政府采购") {
            for (keyNode, value) in procurement {
                let key = keyNode.string ?? ""
                figures.procurement[key] = NamedAmount(name: key, amount: try doc.money(value, key: key), source: doc.source(value))
            }
        }
        for entry in try doc.mappings(doc.root, "国有资产") {
            figures.assets.append(Headcount(label: try doc.string(entry, "项目", required: true)!,
                                            count: try doc.int(entry, "数量", required: true)!))
        }
        for entry in try doc.mappings(doc.root, "项目") {
            let name = try doc.string(entry, "名称", required: true)!
            guard let amount = try doc.money(entry, "金额") else { throw doc.error(entry["名称"], value: name, "项目缺少“金额”") }
            figures.projects.append(ProjectSpending(name: name, amount: amount, purpose: try doc.string(entry, "用途") ?? "",
                                                    results: try doc.string(entry, "成效") ?? "", source: doc.source(entry["金额"])))
        }
        disclosure.figures = figures
        for entry in try doc.mappings(doc.root, "重点工作") {
            disclosure.keyWork.append(KeyTask(name: try doc.string(entry, "事项", required: true)!,
                                              content: try doc.string(entry, "内容") ?? "", result: try doc.string(entry, "完成情况") ?? ""))
        }
        for entry in try doc.mappings(doc.root, "名词解释") {
            disclosure.glossary.append(GlossaryEntry(term: try doc.string(entry, "名词", required: true)!,
                                                     definition: try doc.string(entry, "解释") ?? "", source: doc.source(entry["名词"])))
        }
        return disclosure
    }

    /// [上年]: each key holds 上年数, or { 增减 = "…" } as Part 3 prints it, from which 上年数 is
    /// this year's figure minus the change.
    static func resolvePriorYear(_ doc: YAMLDocument, into disclosure: inout Disclosure) throws(InputError) {
        guard let prior = try doc.mapping(doc.root, "上年") else { return }
        for (keyNode, value) in prior {
            let key = keyNode.string ?? ""
            guard Disclosure.comparedFigures.contains(key) else {
                throw doc.error(keyNode, value: key, "“上年”下不认识这一项；可用：\(Disclosure.comparedFigures.joined(separator: "、"))")
            }
            let source = doc.source(value)
            if let entry = value.mapping {
                if let amount = try doc.money(entry, "上年数") {
                    disclosure.figures.priorYear[key] = NamedAmount(name: key, amount: amount, source: source)
                } else if let change = try doc.money(entry, "增减") {
                    guard let current = disclosure.currentAmount(for: key) else {
                        throw doc.error(value, "无法取得“\(key)”的本年数，不能由增减额求上年数")
                    }
                    disclosure.figures.priorYear[key] = NamedAmount(name: key, amount: current - change, source: source)
                } else {
                    throw doc.error(value, "“\(key)”应写“上年数”或“增减”")
                }
            } else {
                disclosure.figures.priorYear[key] = NamedAmount(name: key, amount: try doc.money(value, key: key), source: source)
            }
        }
    }
}
