import Foundation
import JuesuanCore

/// Synthetic budgets (部门预算) in any shipped budget layout, every table and the 编制说明 consistent by
/// construction: for round trips (build → PDF → audit → read back) and benchmarks. The same seed and
/// index always give the same budget.
public enum BudgetSynthesizer {
    public static func make(layout: BudgetLayout, seed: UInt64, index: Int, year: Int, catalog: Catalog) -> BudgetDataset {
        var random = SeededGenerator(seed: seed &* 0x9E37_79B9 &+ UInt64(index) &* 7919 &+ 17)
        // Amounts: whole 元 in 元 tables, whole 0.01 万元 in 万元 ones.
        let yuanTables = layout.id == "shanghai-district"
        let step: Int64 = yuanTables ? 100 : 10_000
        func amount(_ low: Int64, _ high: Int64) -> Int64 { Int64.random(in: low...high, using: &random) * step }

        // 功能分类: a few classes, each with one or two 款 and one to three 项 from the catalogue.
        let items = catalog.functionNames.keys.filter { $0.level == .item }.sorted()
        let byClass = Dictionary(grouping: items) { $0.category }
        let classes = byClass.keys.sorted().shuffled(using: &random).prefix(Int.random(in: 2...4, using: &random)).sorted()
        var chosen: [FunctionCode] = []
        for code in classes {
            let sections = Dictionary(grouping: byClass[code] ?? []) { $0.parent! }
            for section in sections.keys.sorted().shuffled(using: &random).prefix(Int.random(in: 1...2, using: &random)).sorted() {
                chosen += (sections[section] ?? []).shuffled(using: &random).prefix(Int.random(in: 1...3, using: &random)).sorted()
            }
        }
        let scale: Int64 = yuanTables ? 10_000 : 100  // 元 tables in whole 元: up to millions
        var basic: [FunctionCode: Int64] = [:], project: [FunctionCode: Int64] = [:]
        for (position, code) in chosen.enumerated() {
            basic[code] = position % 3 == 2 ? 0 : amount(5, 900) * scale / 100
            project[code] = position % 2 == 1 ? 0 : amount(1, 400) * scale / 100
            if (basic[code] ?? 0) + (project[code] ?? 0) == 0 { basic[code] = amount(5, 50) * scale / 100 }
        }
        func sum(_ values: [FunctionCode: Int64], under prefix: String) -> Int64 {
            values.filter { $0.key.digits.hasPrefix(prefix) }.reduce(0) { $0 + $1.value }
        }
        let totalBasic = basic.values.reduce(0, +), totalProject = project.values.reduce(0, +)
        let total = totalBasic + totalProject
        let name = { (code: String) -> String in FunctionCode(code).flatMap { catalog.functionNames[$0] } ?? code }
        var codes: [String] = []
        for code in classes {
            codes.append(code.digits)
            for section in Set(chosen.filter { $0.category == code }.map { $0.parent!.digits }).sorted() {
                codes.append(section)
                codes += chosen.filter { $0.parent!.digits == section }.map(\.digits)
            }
        }
        /// A 功能分类 table: its rows with the given columns per code, then 合计.
        func functional(_ columns: (Int64, Int64) -> [Int64?], unit: String) -> BudgetDataset.TableData {
            functional({ _, b, p in columns(b, p) }, unit: unit)
        }
        func functional(_ columns: (String, Int64, Int64) -> [Int64?], unit: String) -> BudgetDataset.TableData {
            var rows = codes.map { code in
                BudgetDataset.Row(code: code, label: name(code), cells: columns(code, sum(basic, under: code), sum(project, under: code)))
            }
            rows.append(BudgetDataset.Row(code: "", label: "合计", cells: columns("", totalBasic, totalProject)))
            return BudgetDataset.TableData(unit: unit, rows: rows)
        }
        func blank(_ value: Int64) -> Int64? { value == 0 ? nil : value }

        // 经济分类 of 基本支出: 人员经费 (301, 303) and 公用经费 (302), adding up exactly.
        // 人员经费 is four fifths of each item's 基本支出 (so the by-item split of some layouts adds up to it).
        let personnel = chosen.reduce(Int64(0)) { $0 + (basic[$1] ?? 0) / step * 4 / 5 * step }, publicUse = totalBasic - personnel
        let salaryParts = split(personnel, into: 3, step: step, random: &random)
        let publicParts = split(publicUse, into: 3, step: step, random: &random)
        let economicRows: [(String, Int64, Bool)] = [("301", salaryParts.reduce(0, +), true), ("30101", salaryParts[0], true), ("30102", salaryParts[1], true),
                                                     ("30199", salaryParts[2], true), ("302", publicUse, false), ("30201", publicParts[0], false),
                                                     ("30211", publicParts[1], false), ("30299", publicParts[2], false)]
        let economicName = { (code: String) -> String in EconomicCode(code).flatMap { catalog.economicNames[$0] } ?? code }
        func economic(_ columns: (Int64, Bool) -> [Int64?], unit: String, only publicRows: Bool = false) -> BudgetDataset.TableData {
            var rows = economicRows.filter { !publicRows || !$0.2 }.map { BudgetDataset.Row(code: $0.0, label: economicName($0.0), cells: columns($0.1, $0.2)) }
            rows.append(BudgetDataset.Row(code: "", label: "合计", cells: publicRows ? columns(publicUse, false) : [totalBasic, personnel, publicUse].map(blank)))
            if publicRows { rows[rows.count - 1].cells = [publicUse] }
            return BudgetDataset.TableData(unit: unit, rows: rows)
        }

        // 三公 in 万元 (0.01 万元 steps).
        let wan: Int64 = 10_000
        let abroad = Int64.random(in: 0...3, using: &random) == 0 ? 0 : Int64.random(in: 1...900, using: &random) * wan
        let purchase = Int64.random(in: 0...2, using: &random) == 0 ? Int64.random(in: 100...3000, using: &random) * wan : 0
        let running = Int64.random(in: 0...500, using: &random) * wan
        let reception = Int64.random(in: 1...300, using: &random) * wan
        let cars = purchase + running, three = abroad + cars + reception
        let meeting = Int64.random(in: 1...500, using: &random) * wan, training = Int64.random(in: 1...500, using: &random) * wan
        let runningCosts = (publicUse + wan / 2) / wan * wan  // 机关运行经费: the 公用经费 in 万元
        let goods = Int64.random(in: 1...900, using: &random) * wan, services = Int64.random(in: 1...900, using: &random) * wan

        let kind = "部门"
        let department = "合成\(["财政局", "教育局", "卫生健康委员会", "生态环境局", "文化旅游局"][index % 5])\(index + 1)"
        var tables: [String: BudgetDataset.TableData] = [:]
        let classItems = classes.map { code -> BudgetDataset.Item in
            BudgetDataset.Item(side: "右", label: "\(ordinal(classes.firstIndex(of: code)!))、\(name(code.digits))", figures: [sum(basic, under: code.digits) + sum(project, under: code.digits)])
        }
        func item(_ side: String, _ label: String, _ figures: Int64...) -> BudgetDataset.Item { BudgetDataset.Item(side: side, label: label, figures: figures) }
        let emptyNote = { (fund: String) in "注：本\(kind)\(year)年无\(fund)预算财政拨款安排的预算，故本表为空表。" }
        switch layout.id {
        case "shanghai-district":
            tables["B1"] = .init(unit: "元", items: [item("左", "一、财政拨款收入", total), item("左", "1. 一般公共预算资金", total), item("左", "2. 政府性基金"),
                                                     item("左", "3. 国有资本经营预算"), item("左", "二、事业收入"), item("左", "三、事业单位经营收入"), item("左", "四、其他收入"),
                                                     item("左", "收入总计", total)] + classItems + [item("右", "支出总计", total)])
            tables["B2"] = functional({ b, p in [b + p, b + p, nil, nil, nil] }, unit: "元")
            tables["B3"] = functional({ b, p in [b + p, blank(b), blank(p)] }, unit: "元")
            tables["B4"] = .init(unit: "元", items: [item("左", "一、一般公共预算资金", total), item("左", "二、政府性基金"), item("左", "三、国有资本经营预算"),
                                                     item("左", "收入总计", total)]
                                     + classItems.map { BudgetDataset.Item(side: "右", label: $0.label, figures: [$0.figures[0], $0.figures[0]]) }
                                     + [item("右", "支出总计", total, total)])
            tables["B5"] = functional({ b, p in [b + p, blank(b), blank(p)] }, unit: "元")
            tables["B6"] = .init(unit: "元", note: emptyNote("政府性基金"))
            tables["B7"] = .init(unit: "元", note: emptyNote("国有资本经营"))
            tables["B8"] = economic({ value, isPersonnel in [value, isPersonnel ? value : nil, isPersonnel ? nil : value] }, unit: "元")
            tables["B9"] = .init(unit: "万元", rows: [BudgetDataset.Row(code: "", label: "", cells: [three, abroad, cars, purchase, running, reception, runningCosts].map(blank))])
        case "jiangsu-province":
            tables["01"] = .init(unit: "万元", items: [item("左", "一、财政拨款", total), item("左", "1.一般公共预算", total), item("左", "2.政府性基金预算"),
                                                       item("左", "二、财政专户管理资金"), item("左", "三、其他资金"), item("左", "当年收入小计", total),
                                                       item("左", "上年结转资金"), item("左", "收入合计", total)]
                                     + classItems + [item("右", "一、基本支出", totalBasic), item("右", "二、项目支出", totalProject), item("右", "三、单位预留机动经费"),
                                                     item("右", "当年支出小计", total), item("右", "结转下年资金"), item("右", "支出合计", total)])
            tables["02"] = .init(unit: "万元", items: [item("左", "收入总计", total), item("左", "一般公共预算资金", total), item("左", "政府性基金"),
                                                       item("左", "财政专户管理资金"), item("左", "其他资金")])
            tables["03"] = .init(unit: "万元", rows: [BudgetDataset.Row(code: "", label: "", cells: [total, blank(totalBasic), blank(totalProject), nil, nil])])
            tables["04"] = .init(unit: "万元", items: [item("左", "一、一般公共预算", total), item("左", "二、政府性基金预算"), item("左", "收入合计", total),
                                                       item("右", "一、基本支出", totalBasic), item("右", "二、项目支出", totalProject),
                                                       item("右", "三、单位预留机动经费"), item("右", "支出合计", total)])
            tables["05"] = functional({ b, p in [b + p] }, unit: "万元")
            tables["06"] = economic({ value, _ in [value] }, unit: "万元")
            tables["06"]!.rows[tables["06"]!.rows.count - 1].cells = [totalBasic]
            tables["07"] = functional({ b, p in [b + p] }, unit: "万元")
            tables["08"] = tables["06"]
            tables["09"] = .init(unit: "万元", rows: [BudgetDataset.Row(code: "", label: "", cells: [three + meeting + training, three, abroad, cars, purchase, running,
                                                                                                   reception, meeting, training].map(blank))])
            tables["10"] = .init(unit: "万元", note: "说明：本部门无政府性基金预算收支项目，此表为空。")
            tables["11"] = economic({ value, _ in [value] }, unit: "万元", only: true)
            tables["12"] = .init(unit: "万元", items: [item("左", "合计", goods + services), item("左", "货物", goods), item("左", "服务", services)])
        default:
            tables["M1"] = .init(unit: "万元", items: [item("左", "一、一般公共预算拨款收入", total), item("左", "二、政府性基金预算拨款收入"),
                                                       item("左", "三、国有资本经营预算拨款收入"), item("左", "四、事业收入"), item("左", "本年收入合计", total),
                                                       item("左", "上年结转结余"), item("左", "收入总计", total)]
                                     + classItems + [item("右", "本年支出合计", total), item("右", "年末结转结余"), item("右", "支出总计", total)])
            tables["M2"] = functional({ b, p in [b + p, nil, b + p, nil, nil, nil, nil, nil, nil, nil, nil] }, unit: "万元")
            tables["M3"] = functional({ b, p in [b + p, blank(b), blank(p), nil, nil, nil] }, unit: "万元")
            tables["M4"] = .init(unit: "万元", items: [item("左", "一、一般公共预算", total), item("左", "二、政府性基金预算"), item("左", "三、国有资本经营预算"),
                                                       item("左", "收入总计", total)]
                                     + classItems.map { BudgetDataset.Item(side: "右", label: $0.label, figures: [$0.figures[0], $0.figures[0]]) }
                                     + [item("右", "支出总计", total, total)])
            tables["M5"] = functional({ code, b, p in
                // 人员经费 of a class or 款 is the sum of its items' (each four fifths of the item's 基本支出).
                let people = chosen.filter { $0.digits.hasPrefix(code) }.reduce(Int64(0)) { $0 + (basic[$1] ?? 0) / step * 4 / 5 * step }
                return [b + p, blank(b), blank(people), blank(b - people), blank(p)]
            }, unit: "万元")
            tables["M6"] = economic({ value, isPersonnel in [value, isPersonnel ? value : nil, isPersonnel ? nil : value] }, unit: "万元")
            tables["M7"] = .init(unit: "万元", rows: [BudgetDataset.Row(code: "", label: "", cells: [three, abroad, cars, purchase, running, reception].map(blank))])
            tables["M8"] = .init(unit: "万元", note: emptyNote("政府性基金"))
            tables["M9"] = .init(unit: "万元", note: emptyNote("国有资本经营"))
        }

        // The 编制说明, written from the figures.
        func w(_ fen: Int64) -> String { Money(fen: fen).formatted(unit: .wan, decimals: 2, grouping: true) }
        let prior = total - Int64.random(in: 1...max(2, total / step / 10), using: &random) * step
        let change = total - prior
        let rate = percent(change, of: prior)
        var narrative = ["\(year)年\(kind)预算编制说明"]
        narrative.append("\(year)年，\(department)收入预算\(w(total))万元，比\(year - 1)年预算增加\(w(change))万元，增长\(rate)%。"
                         + "财政拨款收入\(w(total))万元，事业收入0万元，其他收入0万元。")
        narrative.append("支出预算\(w(total))万元，其中：基本支出\(w(totalBasic))万元，项目支出\(w(totalProject))万元。财政拨款支出主要内容如下：")
        var number = 0
        for code in chosen {
            number += 1
            let value = (basic[code] ?? 0) + (project[code] ?? 0)
            narrative.append("\(number).“\(name(code.category.digits))（类）\(name(code.parent!.digits))（款）\(name(code.digits))（项）”\(w(value))万元，主要用于\(name(code.digits))方面的支出。")
        }
        narrative.append("其他相关情况说明")
        narrative.append("一、“三公”经费预算情况说明")
        narrative.append("\(year)年“三公”经费预算数为\(w(three))万元。其中：因公出国（境）费\(w(abroad))万元，公务用车购置及运行费\(w(cars))万元，公务接待费\(w(reception))万元。"
                         + "公务用车购置及运行费中，购置费\(w(purchase))万元，运行费\(w(running))万元。")
        narrative.append("二、机关运行经费预算")
        narrative.append("\(year)年\(department)机关运行经费预算为\(w(runningCosts))万元。")
        return BudgetDataset(layout: layout.id, scope: .department, year: year, department: department, tables: tables, narrative: narrative)
    }

    static func ordinal(_ index: Int) -> String {
        let digits = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
        return index < digits.count ? digits[index] : "十" + digits[index - 10]
    }

    /// `change / base` in percent with two decimals, half-up.
    static func percent(_ change: Int64, of base: Int64) -> String {
        let steps = roundHalfUp(Int128(change) * 10_000, Int128(base))
        return DecimalText.format(steps: steps, decimals: 2, grouping: false)
    }

    /// `total` in `count` parts (each a multiple of `step`), adding up exactly.
    static func split(_ total: Int64, into count: Int, step: Int64, random: inout SeededGenerator) -> [Int64] {
        var parts: [Int64] = []
        var left = total
        for index in 0..<count {
            if index == count - 1 { parts.append(left); break }
            let share = left / step / Int64(count - index + 1) * step
            parts.append(share)
            left -= share
        }
        return parts
    }
}
