import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanTestSupport
import Testing
@testable import JuesuanRules

/// Shared fixtures: the example as printed, and the example with the printed slips outside the tables
/// put right (机关运行经费, the self-evaluation forms), on which every rule must stay silent.
enum Fixtures {
    static let catalog = try! CatalogLoader.builtIn()
    static let rules = try! RuleCatalogue.standard()
    static let checker = Checker(catalogue: rules, catalog: catalog)
    static let printed = try! DatasetReader.read(folder: Repository.example, displayName: "examples/jianghan-2021")

    /// The seed's consistent tables, with 机关运行经费 = 公用经费 and the forms put right.
    static var consistent: Disclosure {
        var disclosure = printed
        let publicTotal = disclosure[.t6]!.amount(StandardLayout.publicTotal, column: 1)
        disclosure.figures.operatingCosts?.amount = publicTotal
        disclosure.performance = consistentForms(disclosure.performance)
        return disclosure
    }

    /// The seed's forms with their slips put right: totals that are the sums of their parts, the blank
    /// actual filled, cost-control actuals equal to the execution rates, the department totals equal
    /// to the tables.
    static func consistentForms(_ printed: PerformanceForms) -> PerformanceForms {
        var forms = printed
        var department = forms.department!
        department.basicTotal = wan("958.84")
        department.projectTotal = wan("855.10")
        department.execution.budget = wan("1813.94")
        department.execution.executed = wan("1813.94")
        department.execution.statedRate = "100%"
        department.execution.statedScore = 20
        department.statedTotal = 100
        department.goals[5].indicators[3].actual = "98.23%"
        department.goals[5].indicators[3].statedScore = 1
        department.goals[6].indicators[4].actual = "99.05%"
        forms.department = department
        forms.projects[0].indicators[4].actual = "按时限完成"
        forms.projects[2].statedTotal = 100
        forms.projects[4].execution.executed = Money(fen: 534_380_000)
        forms.projects[4].indicators[3].actual = "98.23%"
        for index in 0..<3 { forms.projects[6].indicators[index].statedScore = 8 }
        forms.projects[7].execution.statedRate = "99.05%"
        forms.projects[7].execution.statedScore = Decimal(string: "19.81")
        forms.projects[7].statedTotal = Decimal(string: "99.81")
        forms.projects[7].indicators[4].actual = "99.05%"
        return forms
    }

    static func wan(_ text: String) -> Money { MoneyParser.parseOrNil(text, unit: .wan)!.money }
}

extension Disclosure {
    /// Sets a cell to a printed amount ("" blanks it).
    mutating func set(_ id: TableID, _ key: RowKey, _ column: Int, _ text: String) {
        let index = tables[id]!.rows.firstIndex { $0.key == key }!
        tables[id]!.rows[index].cells[column] = text.isEmpty ? nil : MoneyParser.parseOrNil(text, unit: .wan)!.money
    }

    /// Adds `delta` (万元) to a cell.
    mutating func add(_ id: TableID, _ key: RowKey, _ column: Int, _ delta: String = "1.00") {
        let index = tables[id]!.rows.firstIndex { $0.key == key }!
        let current = tables[id]!.rows[index].cells[column] ?? .zero
        tables[id]!.rows[index].cells[column] = current + MoneyParser.parseOrNil(delta, unit: .wan)!.money
    }

    /// Appends a code row.
    mutating func append(_ id: TableID, _ code: String, _ cells: [Int: String], label: String = "测试科目") {
        let key: RowKey = id == .t6 ? .economic(EconomicCode(code)!) : .function(FunctionCode(code)!)
        tables[id]!.rows.append(TableRow(key: key, label: label, cells: cells.mapValues { MoneyParser.parseOrNil($0, unit: .wan)!.money }))
    }
}

func f(_ code: String) -> RowKey { .function(FunctionCode(code)!) }
func e(_ code: String) -> RowKey { .economic(EconomicCode(code)!) }
let total = RowKey.total
let single = StandardLayout.singleRow

/// A change of the consistent example that makes a rule fire, and the severity expected.
struct Reproducer: Sendable, CustomTestStringConvertible {
    let rule: String
    let severity: Severity
    let change: @Sendable (inout Disclosure) -> Void
    var testDescription: String { rule }

    init(_ rule: String, _ severity: Severity = .error, _ change: @escaping @Sendable (inout Disclosure) -> Void) {
        self.rule = rule
        self.severity = severity
        self.change = change
    }
}

let reproducers: [Reproducer] = [
    Reproducer("T-MISSING") { $0.tables[.t3] = nil },
    Reproducer("T1-R27") { $0.add(.t1, .line(1), 1) },
    Reproducer("T1-R30") { $0.set(.t1, .line(29), 1, "3.00") },
    Reproducer("T1-R57") { $0.add(.t1, .line(38), 2) },
    Reproducer("T1-R60") { $0.set(.t1, .line(59), 2, "3.00") },
    Reproducer("T1-BAL") { $0.add(.t1, .line(60), 2) },
    Reproducer("T2-COL") { $0.add(.t2, f("2010301"), 1) },
    Reproducer("T2-ROLL") { $0.add(.t2, f("2010301"), 1); $0.add(.t2, f("2010301"), 2) },
    Reproducer("T3-COL") { $0.add(.t3, f("2101101"), 2) },
    Reproducer("T3-ROLL") { $0.add(.t3, f("2210202"), 1); $0.add(.t3, f("2210202"), 2) },
    Reproducer("T4-R27") { $0.set(.t4, .line(2), 1, "5.00") },
    Reproducer("T4-R28") { $0.set(.t4, .line(29), 1, "5.00") },
    Reproducer("T4-R32") { $0.set(.t4, .line(28), 1, "5.00") },
    Reproducer("T4-R59") { $0.add(.t4, .line(33), 2) },
    Reproducer("T4-R64") { $0.set(.t4, .line(60), 2, "5.00") },
    Reproducer("T4-COL") { $0.set(.t4, .line(40), 4, "5.00") },
    Reproducer("T4-BAL") { $0.add(.t4, .line(64), 2) },
    Reproducer("T5-COL") { $0.add(.t5, f("2080505"), 2) },
    Reproducer("T5-ROLL") { $0.add(.t5, f("2080505"), 1); $0.add(.t5, f("2080505"), 2) },
    Reproducer("T6-ROLL") { $0.add(.t6, e("30101"), 1) },
    Reproducer("T7-1") { $0.set(.t7, single, 1, "12.00") },
    Reproducer("T7-3") { $0.set(.t7, single, 4, "11.00") },
    Reproducer("T7-7") { $0.add(.t7, single, 7) },
    Reproducer("T7-9") { $0.set(.t7, single, 10, "2.00") },
    Reproducer("T8-COL6") { $0.set(.t8, total, 1, "2.00") },
    Reproducer("T8-COL3") { $0.set(.t8, total, 4, "2.00") },
    Reproducer("T8-ROLL") { $0.append(.t8, "212", [1: "3.00", 6: "3.00"]); $0.append(.t8, "21201", [1: "2.00", 6: "2.00"]) },
    Reproducer("T9-COL") { $0.set(.t9, total, 2, "2.00") },
    Reproducer("T9-ROLL") { $0.append(.t9, "223", [1: "3.00", 2: "3.00"]); $0.append(.t9, "22301", [1: "1.00", 2: "1.00"]) },
    Reproducer("X-T1T3-CLASS") { $0.add(.t3, f("208"), 1); $0.add(.t3, f("208"), 2) },
    Reproducer("X-T1T3-TOTAL") { $0.add(.t3, total, 1); $0.add(.t3, total, 2) },
    Reproducer("X-T1T2-TOTAL") { $0.add(.t2, total, 1); $0.add(.t2, total, 2) },
    Reproducer("X-T1T2-FISCAL") { $0.add(.t2, total, 2); $0.add(.t2, total, 1) },
    Reproducer("X-T1T2-4") { $0.set(.t1, .line(4), 1, "1.00") },
    Reproducer("X-T1T2-5") { $0.set(.t1, .line(5), 1, "1.00") },
    Reproducer("X-T1T2-6") { $0.set(.t1, .line(6), 1, "1.00") },
    Reproducer("X-T1T2-7") { $0.set(.t1, .line(7), 1, "1.00") },
    Reproducer("X-T1T2-8") { $0.set(.t1, .line(8), 1, "1.00") },
    Reproducer("X-T4T1-1") { $0.add(.t4, .line(1), 1) },
    Reproducer("X-T4T1-2") { $0.set(.t4, .line(2), 1, "1.00") },
    Reproducer("X-T4T1-3") { $0.set(.t4, .line(3), 1, "1.00") },
    Reproducer("X-T4T5-CLASS") { $0.add(.t5, f("210"), 1); $0.add(.t5, f("210"), 2) },
    Reproducer("X-T4T5-TOTAL") { $0.add(.t5, total, 1); $0.add(.t5, total, 2) },
    Reproducer("X-T4T1-CLASS", .warning) { $0.add(.t4, .line(40), 2) },
    Reproducer("X-T3T5-BASIC") { $0.add(.t5, f("2080501"), 2); $0.add(.t5, f("2080501"), 1) },
    Reproducer("X-T3T5-PROJECT") { $0.add(.t5, f("2010302"), 3); $0.add(.t5, f("2010302"), 1) },
    Reproducer("X-T5T6-BASIC") { $0.add(.t6, StandardLayout.personnelTotal, 1) },
    Reproducer("X-T8T4-INCOME") { $0.set(.t8, total, 2, "1.00") },
    Reproducer("X-T8T4-EXP") { $0.set(.t8, total, 3, "1.00") },
    Reproducer("X-T9T4-EXP") { $0.set(.t9, total, 1, "1.00") },
    Reproducer("F-BUDGET-SUM") { $0.figures.initialBudget["合计"]!.amount += .wan(1) },
    Reproducer("F-PROJECTS") { $0.figures.projects[0].amount += .wan(1) },
    Reproducer("F-VEHICLE") { $0.figures.vehicleRunningDetails[0].amount += .wan(1) },
    Reproducer("F-OPERATING", .warning) { $0.figures.operatingCosts!.amount = .wan(60) },
    Reproducer("F-PROC-SUM") { $0.figures.procurement["货物"]!.amount += .wan(1) },
    Reproducer("F-PROC-SME") { $0.figures.procurement["中小企业"]!.amount = $0.figures.procurement["总额"]!.amount + .wan(1) },
    Reproducer("F-PROC-SMALL") { $0.figures.procurement["小微企业"]!.amount += .wan(1) },
    Reproducer("F-BUDGET-T5", .info) { $0.figures.initialBudget["合计"]!.amount = .wan(1) },
    Reproducer("C-UNKNOWN", .warning) { $0.append(.t5, "2010388", [:]) },
    Reproducer("C-NAME", .info) { $0.tables[.t2]!.rows[3].label = "行政运行费" },
    Reproducer("C-PARENT", .warning) { $0.append(.t3, "2130101", [:], label: "行政运行") },
    Reproducer("P-PARTS") { $0.performance.projects[1].statedTotal = 99 },
    Reproducer("P-TOTAL", .warning) { $0.performance.projects[1].indicators[0].actual = "1000次" ; $0.performance.projects[1].indicators[0].target = "≥5000次" },
    Reproducer("P-RATE") { $0.performance.projects[1].execution.statedRate = "99%" },
    Reproducer("P-EXEC-SCORE") { $0.performance.projects[1].execution.statedScore = 19 },
    Reproducer("P-IND-SUM") { $0.performance.projects[1].indicators[0].statedScore = 12 },
    Reproducer("P-COST-ACTUAL", .warning) { $0.performance.projects[1].indicators[4].actual = "95%" },
    Reproducer("P-FULL-MISS", .warning) { $0.performance.projects[0].indicators[2].actual = "8期" },
    Reproducer("P-UNREADABLE", .warning) { $0.performance.projects[1].indicators[6].actual = "大概吧" },
    Reproducer("P-CROSS-FORM", .warning) { $0.performance.department!.goals[1].indicators[0].statedScore = Decimal(string: "0.5") },
    Reproducer("P-PROJECT-AMOUNT", .warning) { $0.figures.projects[2].amount += .wan(1) },
    Reproducer("P-DEPT-PARTS") { $0.performance.department!.basicTotal! += .wan(1) },
    Reproducer("P-DEPT-BASIC", .warning) { $0.performance.department!.basicTotal! += .wan(1) },
    Reproducer("P-DEPT-PROJECT", .warning) { $0.performance.department!.projectTotal! += .wan(1) },
    Reproducer("P-DEPT-EXEC", .warning) { $0.performance.department!.execution.executed += .wan(1) },
    Reproducer("D-TEMPLATE") { disclosure in
        disclosure.unit = "上海市XX局"
        for id in disclosure.tables.keys {
            disclosure.tables[id]!.rows = disclosure.tables[id]!.rows.map { TableRow(key: $0.key, label: $0.label, cells: [:]) }
        }
    },
    Reproducer("D-PLACEHOLDER", .warning) { $0.overview.composition = "从单位构成看，XX局的部门决算由本级决算组成。" },
    Reproducer("D-EMPTY-PART", .warning) { $0.glossary = [] },
    Reproducer("D-NO-FIGURES") { disclosure in
        for id in disclosure.tables.keys {
            disclosure.tables[id]!.rows = disclosure.tables[id]!.rows.map { TableRow(key: $0.key, label: $0.label, cells: [:]) }
        }
    },
    Reproducer("D-NO-BUDGET", .warning) { $0.figures.initialBudget = [:] },
    Reproducer("D-NO-PRIOR", .warning) { $0.figures.priorYear = [:] },
]

@Suite("规则目录")
struct RuleTests {
    @Test("目录可读，编号唯一，每条规则都有复现用例")
    func catalogue() {
        let ids = Fixtures.rules.rules.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ids.count >= 55)
        let covered = Set(reproducers.map(\.rule))
        // Prose rules run on published reports; their reproducers are in JuesuanNarrativeTests.
        // Cross-year rules need last year's report in the store; theirs are in JuesuanWebTests (CarryOverTests).
        for rule in Fixtures.rules.rules where rule.check != .narrative && rule.check != .crossYear {
            let found = covered.contains(rule.id)
            #expect(found, "规则 \(rule.id) 没有复现用例")
        }
        for rule in Fixtures.rules.rules {
            #expect(!rule.title.isEmpty && !rule.message.isEmpty)
            #expect(rule.message.unicodeScalars.contains { $0.value > 0x2E80 }, "\(rule.id) 的消息应为中文")
        }
    }

    @Test("在种子一致的各表上，所有规则都不报")
    func silentOnConsistentSeed() {
        let findings = Fixtures.checker.check(Fixtures.consistent)
        #expect(findings.isEmpty, "\(findings.map(\.message))")
    }

    @Test("种子按所印：九张表相符；机关运行经费差 0.01、自评表的各处错误")
    func printedSeed() {
        let findings = Fixtures.checker.check(Fixtures.printed)
        #expect(findings.first { $0.rule == "F-OPERATING" }?.severity == .info)
        #expect(Set(findings.map(\.rule)) == ["F-OPERATING", "P-PARTS", "P-IND-SUM", "P-TOTAL", "P-COST-ACTUAL",
                                               "P-UNREADABLE", "P-CROSS-FORM", "P-PROJECT-AMOUNT", "P-DEPT-BASIC",
                                               "P-DEPT-PROJECT", "P-DEPT-EXEC"])
        #expect(findings.filter { $0.rule == "P-PARTS" }.count == 4)
        let poverty = findings.first { $0.rule == "P-PROJECT-AMOUNT" }
        #expect(poverty?.stated == "534.38")
        #expect(poverty?.expected == "534.39")
        #expect(!findings.contains { $0.table != nil })
    }

    @Test("占位符：XX、缺数字的年份、应填数字处的空白；真实的年份与名称不报")
    func placeholders() {
        for text in ["上海市XX局", "202 年度部门决算", "20  年", "本年支出合计为 万元", "（）年"] {
            #expect(CompletenessChecks.placeholder(in: text) != nil, "\(text)")
        }
        for text in ["2021 年度部门决算", "2021年", "支出合计为 1,813.94 万元", "Xbox", "第 X 条", "2020年度"] {
            #expect(CompletenessChecks.placeholder(in: text) == nil, "\(text)")
        }
    }

    @Test("未填写的模板只报一条：其余完整性规则不再报")
    func templateSaidOnce() {
        var disclosure = Fixtures.consistent
        reproducers.first { $0.rule == "D-TEMPLATE" }!.change(&disclosure)
        disclosure.glossary = []
        let findings = Fixtures.checker.check(disclosure).filter { $0.rule.hasPrefix("D-") }
        #expect(findings.map(\.rule) == ["D-TEMPLATE"])
    }

    @Test("每条规则：复现用例使之报出，级别正确", arguments: reproducers)
    func fires(_ reproducer: Reproducer) {
        var disclosure = Fixtures.consistent
        reproducer.change(&disclosure)
        let findings = Fixtures.checker.check(disclosure).filter { $0.rule == reproducer.rule }
        #expect(!findings.isEmpty, "\(reproducer.rule) 没有报出")
        #expect(findings.contains { $0.severity == reproducer.severity }, "\(findings.map(\.severity))")
        for finding in findings { #expect(!finding.message.contains("{"), "\(finding.message)") }
    }

    @Test("逐一改动九张表的每个金额，都在该表、该行报出错误")
    func everyAmountIsGuarded() {
        let base = Fixtures.consistent
        var changed = 0
        for id in TableID.allCases {
            for row in base[id]!.rows {
                for (column, _) in row.cells {
                    var disclosure = base
                    disclosure.add(id, row.key, column)
                    let cell = CellRef(table: id, row: row.key.description, column: column)
                    let errors = Fixtures.checker.check(disclosure).filter { $0.severity == .error && $0.table == id }
                    let hit = errors.contains { finding in
                        (finding.row == row.key.description || (id == .t7 && finding.column == column)) || finding.cells.contains(cell)
                    }
                    #expect(hit, "改动 \(cell) 后没有在\(id)报出错误")
                    changed += 1
                }
            }
        }
        #expect(changed > 150)
    }

    @Test("四舍五入尾差报为提示，超出才报错误")
    func roundingTolerance() {
        var disclosure = Fixtures.consistent
        disclosure.add(.t3, total, 1, "0.01")
        let findings = Fixtures.checker.check(disclosure)
        let column = findings.first { $0.rule == "T3-COL" && $0.row == "合计" }
        #expect(column?.severity == .info)
        #expect(column?.message.contains("尾差") == true)
        // The same quantity printed in two tables: 0.01 is rounding along different paths, 0.02 is not.
        #expect(findings.first { $0.rule == "X-T1T3-TOTAL" }?.severity == .info)

        var larger = Fixtures.consistent
        larger.add(.t3, total, 1, "0.02")
        let largerFindings = Fixtures.checker.check(larger)
        #expect(largerFindings.first { $0.rule == "T3-COL" && $0.row == "合计" }?.severity == .error)
        #expect(largerFindings.first { $0.rule == "X-T1T3-TOTAL" }?.severity == .error)
    }

    @Test("性质：上级科目等于下级之和的随机科目树不触发汇总规则；改动任一末级即触发")
    func rollupProperty() {
        var generator = SeededGenerator(seed: 99)
        for _ in 0..<200 {
            var disclosure = Fixtures.consistent
            var rows: [TableRow] = []
            var grand = Money.zero
            var leaves: [RowKey] = []
            for category in ["201", "205", "208", "212"].shuffled(using: &generator).prefix(Int.random(in: 1...4, using: &generator)) {
                var categorySum = Money.zero
                var sectionRows: [TableRow] = []
                for section in 1...Int.random(in: 1...3, using: &generator) {
                    let sectionCode = category + String(format: "%02d", section)
                    var sectionSum = Money.zero
                    var itemRows: [TableRow] = []
                    for item in 1...Int.random(in: 1...4, using: &generator) {
                        let amount = Money(fen: Int64.random(in: 0...100_000, using: &generator) * 10_000)
                        sectionSum += amount
                        let key = f(sectionCode + String(format: "%02d", item))
                        leaves.append(key)
                        itemRows.append(TableRow(key: key, label: "项", cells: [1: amount, 2: amount]))
                    }
                    categorySum += sectionSum
                    sectionRows.append(TableRow(key: f(sectionCode), label: "款", cells: [1: sectionSum, 2: sectionSum]))
                    sectionRows += itemRows
                }
                grand += categorySum
                rows.append(TableRow(key: f(category), label: "类", cells: [1: categorySum, 2: categorySum]))
                rows += sectionRows
            }
            disclosure.tables[.t2]!.rows = [TableRow(key: total, label: "合计", cells: [1: grand, 2: grand])] + rows
            let rule = Fixtures.rules.rule("T2-ROLL")!
            let context = EvaluationContext(disclosure: disclosure, catalog: Fixtures.catalog)
            #expect(RollupCheck.run(rule, table: .t2, context: context).isEmpty)
            let leaf = leaves.randomElement(using: &generator)!
            disclosure.add(.t2, leaf, 1)
            let fired = RollupCheck.run(rule, table: .t2, context: EvaluationContext(disclosure: disclosure, catalog: Fixtures.catalog))
            #expect(fired.contains { $0.cells.contains(CellRef(table: .t2, row: leaf.description, column: 1)) && $0.severity == .error })
        }
    }
}

@Suite("规则表达式")
struct ExpressionTests {
    @Test("解析等式、不等式、求和与量词")
    func parses() throws {
        let equation = try ExpressionParser.equation("T1[#27].1 = sum(T1[#1..#8].1)")
        #expect(equation.left == .reference(.cell(table: .t1, row: .line(27), column: .number(1))))
        #expect(equation.right == .sum(.lines(table: .t1, from: 1, to: 8, column: .number(1))))
        let quantified = try ExpressionParser.equation("T4[$class].$col <= T1[$class].2 - F?[政府采购.工程] + 0.5")
        #expect(quantified.relation == .atMost)
        _ = try ExpressionParser.equation("sum(F[项目.*]) = T5[合计].3")
        _ = try ExpressionParser.equation("T2[*].1 = sum(T2[*].2..7)")
    }

    @Test("写错的表达式给出中文原因与位置", arguments: ["T1[#27].1", "T10[#1].1 = 0", "T1[#27 = 1", "sum(T1[#8..#1].1) = 0", "T1[#1].1 = T2[合计].", "F[x] = 1 2"])
    func rejects(_ text: String) {
        #expect(throws: ExpressionError.self) { try ExpressionParser.equation(text) }
    }

    @Test("规则文件写错时给出规则编号")
    func brokenCatalogue() {
        #expect(throws: CatalogueError.self) {
            try RuleCatalogue.parse("rule:\n- id: X\n  family: a\n  severity: fatal\n  title: t\n  message: m\n  check: T1[#1].1 = 0\n", file: "x.yaml")
        }
    }
}
