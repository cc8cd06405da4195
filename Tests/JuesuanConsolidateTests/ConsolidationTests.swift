import Foundation
import JuesuanConsolidate
import JuesuanCore
import JuesuanImport
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
            let total = Consolidation.sum(units, name: "汇总")
            let reversed = Consolidation.sum(units.reversed(), name: "汇总")
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
    func rowsOfSomeUnits() {
        func table(_ rows: [(String, Int64)]) -> Table {
            Table(id: .t3, title: "", department: "", columns: StandardLayout.columns(.t3),
                  rows: [TableRow(key: .total, label: "合计", cells: [1: Money(fen: rows[0].1)])]
                      + rows.map { TableRow(key: .function(FunctionCode($0.0)!), label: $0.0, cells: [1: Money(fen: $0.1)]) })
        }
        var a = Disclosure(unit: "甲", year: 2021), b = Disclosure(unit: "乙", year: 2021)
        a.tables[.t3] = table([("201", 100), ("20101", 100), ("2010101", 100)])
        b.tables[.t3] = table([("208", 7), ("20801", 7), ("2080101", 7), ("201", 30), ("20103", 30), ("2010301", 30)])
        let total = Consolidation.sum([a, b], name: "汇总")
        let t3 = total[.t3]!
        #expect(t3.rows.map(\.key.description) == ["合计", "201", "20101", "2010101", "20103", "2010301", "208", "20801", "2080101"])
        #expect(t3.amount(.total, column: 1) == Money(fen: 100 + 7))
        #expect(t3.amount(.function(FunctionCode("201")!), column: 1) == Money(fen: 130))
        #expect(t3.amount(.function(FunctionCode("2080101")!), column: 1) == Money(fen: 7))
        #expect(t3.department == "汇总" && t3.title.hasPrefix("2021年度"))
    }
}
