import Foundation
import JuesuanConsolidate
import JuesuanCore
import JuesuanImport
import JuesuanPerformance
import JuesuanRules
import JuesuanTestSupport
import Testing

@Suite("汇总")
struct ConsolidationTests {
    static let example: Disclosure = try! DatasetReader.read(folder: Repository.example)

    /// The example with every amount multiplied by `factor`: still consistent, as every rule is linear.
    static func scaled(_ unit: Disclosure, by factor: Int64, name: String) -> Disclosure {
        var copy = unit
        copy.unit = name
        for (id, table) in copy.tables {
            var table = table
            for index in table.rows.indices {
                table.rows[index].cells = table.rows[index].cells.mapValues { Money(fen: $0.fen * factor) }
            }
            copy.tables[id] = table
        }
        func scale(_ amounts: [String: NamedAmount]) -> [String: NamedAmount] {
            amounts.mapValues { NamedAmount(name: $0.name, amount: Money(fen: $0.amount.fen * factor)) }
        }
        copy.figures.priorYear = scale(copy.figures.priorYear)
        copy.figures.initialBudget = scale(copy.figures.initialBudget)
        copy.figures.procurement = scale(copy.figures.procurement)
        copy.figures.operatingCosts = copy.figures.operatingCosts.map { NamedAmount(name: $0.name, amount: Money(fen: $0.amount.fen * factor)) }
        copy.figures.vehicleRunningDetails = copy.figures.vehicleRunningDetails.map { NamedAmount(name: $0.name, amount: Money(fen: $0.amount.fen * factor)) }
        return copy
    }

    @Test("汇总数等于各单位之和，与单位顺序无关；相加后的各表仍满足表内表间规则（种子固定的随机单位）")
    func sumOfParts() throws {
        var generator = SeededGenerator(seed: 20211231)
        let checker = Checker(catalogue: try RuleCatalogue.standard(), catalog: try CatalogLoader.builtIn())
        for round in 0..<12 {
            let factors = (0..<Int.random(in: 2...6, using: &generator)).map { _ in Int64.random(in: 1...50, using: &generator) }
            let units = factors.enumerated().map { Self.scaled(Self.example, by: $1, name: "单位\(round)-\($0)") }
            let total = try Consolidation.sum(units, name: "汇总")
            let reversed = try Consolidation.sum(units.reversed(), name: "汇总")
            #expect(total.tables == reversed.tables)
            let factor = factors.reduce(0, +)
            for (id, table) in Self.example.tables {
                let summed = try #require(total[id])
                #expect(summed.rows.map(\.key) == table.rows.map(\.key), "\(id) 行序")
                for row in table.rows {
                    for (column, amount) in row.cells {
                        #expect(summed.amount(row.key, column: column) == Money(fen: amount.fen * factor), "\(id) \(row.key) 第\(column)栏")
                    }
                    #expect(Set(summed.row(row.key)?.cells.keys ?? [:].keys) == Set(row.cells.keys), "空白格保持空白")
                }
            }
            #expect(total.figures.operatingCosts?.amount == Self.example.figures.operatingCosts.map { Money(fen: $0.amount.fen * factor) })
            let errors = checker.check(total).filter { $0.severity == .error }
            #expect(errors.isEmpty, "\(errors.map { "\($0.rule) \($0.message)" })")
        }
    }

    @Test("只有部分单位印的科目：放在其类、款之下，金额照加")
    func rowsOfSomeUnits() throws {
        func table(_ rows: [(String, Int64)]) -> Table {
            Table(id: .t3, title: "", department: "", columns: StandardLayout.columns(.t3),
                  rows: [TableRow(key: .total, label: "合计", cells: [1: Money(fen: rows[0].1)])]
                      + rows.map { TableRow(key: .function(FunctionCode($0.0)!), label: $0.0, cells: [1: Money(fen: $0.1)]) })
        }
        var a = Disclosure(unit: "甲", year: 2021), b = Disclosure(unit: "乙", year: 2021)
        a.tables[.t3] = table([("201", 100), ("20101", 100), ("2010101", 100)])
        b.tables[.t3] = table([("208", 7), ("20801", 7), ("2080101", 7), ("201", 30), ("20103", 30), ("2010301", 30)])
        let total = try Consolidation.sum([a, b], name: "汇总")
        let t3 = total[.t3]!
        #expect(t3.rows.map(\.key.description) == ["合计", "201", "20101", "2010101", "20103", "2010301", "208", "20801", "2080101"])
        #expect(t3.amount(.total, column: 1) == Money(fen: 100 + 7))
        #expect(t3.amount(.function(FunctionCode("201")!), column: 1) == Money(fen: 130))
        #expect(t3.amount(.function(FunctionCode("2080101")!), column: 1) == Money(fen: 7))
        #expect(t3.department == "汇总" && t3.title.hasPrefix("2021年度"))
    }
}

@Suite("内部往来抵销")
struct EliminationTests {
    /// A unit with 表1–表3 only: income by source (表2 栏2 财政拨款, 栏3 上级补助) and expenditure by
    /// kind (表3 栏2 基本, 栏6 对附属单位补助), all under 2010101 行政运行.
    static func unit(_ name: String, appropriation: Int64, received: Int64, basic: Int64, paid: Int64) -> Disclosure {
        func money(_ wan: Int64) -> Money? { wan == 0 ? nil : .wan(wan) }
        func cells(_ pairs: [(Int, Int64)]) -> [Int: Money] {
            Dictionary(uniqueKeysWithValues: pairs.compactMap { column, wan in money(wan).map { (column, $0) } })
        }
        let income = appropriation + received, spending = basic + paid
        var unit = Disclosure(unit: name, year: 2021)
        var t1: [TableRow] = (1...60).map { TableRow(key: .line($0), label: "") }
        t1[0].cells = cells([(1, appropriation)])
        t1[3].cells = cells([(1, received)])
        for line in [27, 30] { t1[line - 1].cells = cells([(1, income)]) }
        for line in [31, 57, 60] { t1[line - 1].cells = cells([(2, spending)]) }
        unit.tables[.t1] = Table(id: .t1, title: "", department: name, columns: StandardLayout.columns(.t1), rows: t1)
        let codes = ["201", "20101", "2010101"].map { RowKey.function(FunctionCode($0)!) }
        unit.tables[.t2] = Table(id: .t2, title: "", department: name, columns: StandardLayout.columns(.t2),
                                 rows: ([RowKey.total] + codes).map { TableRow(key: $0, label: "", cells: cells([(1, income), (2, appropriation), (3, received)])) })
        unit.tables[.t3] = Table(id: .t3, title: "", department: name, columns: StandardLayout.columns(.t3),
                                 rows: ([RowKey.total] + codes).map { TableRow(key: $0, label: "", cells: cells([(1, spending), (2, basic), (6, paid)])) })
        return unit
    }

    @Test("主管部门拨给所属单位 300 万元：汇总时抵销，各表公式仍成立")
    func handMadeGroup() throws {
        let catalog = try CatalogLoader.builtIn()
        let parent = Self.unit("主管部门", appropriation: 1000, received: 0, basic: 700, paid: 300)
        let child = Self.unit("所属单位", appropriation: 50, received: 300, basic: 350, paid: 0)
        var group = try Consolidation.sum([parent, child], name: "汇总")
        #expect(group[.t1]!.amount(.line(30), column: 1) == .wan(1350))
        let elimination = Consolidation.eliminateInternalTransfers(&group, catalog: catalog)
        #expect(elimination.received == .wan(300) && elimination.paid == .wan(300) && elimination.total == .wan(300))
        #expect(elimination.byCode.map(\.code.digits) == ["2010101"])
        let t1 = try #require(group[.t1]), t2 = try #require(group[.t2]), t3 = try #require(group[.t3])
        #expect(t1.amount(.line(4), column: 1) == .zero && t1.row(.line(4))?.cells.isEmpty == true)
        for line in [27, 30] { #expect(t1.amount(.line(line), column: 1) == .wan(1050)) }
        for line in [31, 57, 60] { #expect(t1.amount(.line(line), column: 2) == .wan(1050)) }
        for key in [RowKey.total, .function(FunctionCode("201")!), .function(FunctionCode("2010101")!)] {
            #expect(t2.amount(key, column: 1) == .wan(1050) && t2.row(key)?.cells[3] == nil)
            #expect(t3.amount(key, column: 1) == .wan(1050) && t3.row(key)?.cells[6] == nil && t3.amount(key, column: 2) == .wan(1050))
        }
        let checker = Checker(catalogue: try RuleCatalogue.standard(), catalog: catalog)
        let errors = checker.check(group).filter { $0.severity == .error && [.t1, .t2, .t3].contains($0.table) }
        #expect(errors.isEmpty, "\(errors.map { "\($0.rule) \($0.message)" })")
    }

    @Test("两边不等时按较小者抵销，差额留在汇总中")
    func unequalSides() throws {
        let parent = Self.unit("主管部门", appropriation: 1000, received: 0, basic: 700, paid: 300)
        let child = Self.unit("所属单位", appropriation: 0, received: 120, basic: 120, paid: 0)
        var group = try Consolidation.sum([parent, child], name: "汇总")
        let elimination = Consolidation.eliminateInternalTransfers(&group, catalog: try CatalogLoader.builtIn())
        #expect(elimination.total == .wan(120))
        #expect(group[.t3]!.amount(.total, column: 6) == .wan(180))
        #expect(group[.t2]!.row(.total)?.cells[3] == nil)
        #expect(group[.t1]!.amount(.line(60), column: 2) == .wan(1000))
    }

    @Test("没有内部往来时什么也不变")
    func nothingToEliminate() throws {
        var group = try Consolidation.sum([ConsolidationTests.example, ConsolidationTests.example], name: "汇总")
        let before = group
        let elimination = Consolidation.eliminateInternalTransfers(&group, catalog: try CatalogLoader.builtIn())
        #expect(elimination.total == .zero && group == before)
    }
}

@Suite("自评表按资金汇总")
struct PerformanceAggregateTests {
    @Test("整体绩效按预算数加权；没有整体表的单位不计")
    func weightedByFunds() throws {
        let scheme = try ScoringScheme.shipped(ScoringScheme.defaultID)
        let a = ConsolidationTests.example
        var b = ConsolidationTests.example
        b.unit = "乙"
        b.performance.department!.execution.budget = .wan(3000)
        b.performance.department!.execution.executed = .wan(1500)  // 50%: a lower execution score
        var c = ConsolidationTests.example
        c.unit = "丙"
        c.performance.department = nil
        let score = { (unit: Disclosure) in Scorer(scheme: scheme).score(unit.performance).first { $0.kind == .department }!.computed }
        let (sa, sb) = (score(a), score(b))
        #expect(sb < sa)
        let aggregate = PerformanceAggregate.of([a, b, c], scheme: scheme)
        #expect(aggregate.forms == 2)
        let fa = a.performance.department!.execution.budget
        #expect(aggregate.funds == fa + .wan(3000))
        #expect(aggregate.executed == a.performance.department!.execution.executed + .wan(1500))
        let expected = roundHalfUp((sa * Decimal(fa.fen) + sb * Decimal(Money.wan(3000).fen)) / Decimal((fa + .wan(3000)).fen), scheme.scoreDecimals)
        #expect(aggregate.weightedScore == expected)
        #expect(aggregate.weightedScore! > sb && aggregate.weightedScore! < sa)
        #expect(PerformanceAggregate.of([c], scheme: scheme).weightedScore == nil)
    }
}

@Suite("汇总：溢出")
struct ConsolidationOverflowTests {
    @Test("超出 Int64 分的汇总：中文说明所在位置，不崩溃")
    func overflow() {
        var unit = Disclosure(unit: "甲", year: 2021)
        unit.tables[.t3] = Table(id: .t3, title: "", department: "", columns: StandardLayout.columns(.t3),
                                 rows: [TableRow(key: .total, label: "合计", cells: [1: Money(fen: MoneyParser.maximumFen)])])
        let units = Array(repeating: unit, count: 1_000)
        #expect(throws: ConsolidationError(place: "表3 合计 第1栏")) { try Consolidation.sum(units, name: "汇总") }
    }
}
