import Foundation
import JuesuanAudit
@testable import JuesuanConsolidate
import JuesuanCore
import JuesuanImport
import JuesuanLedger
import JuesuanRules
import Testing

/// A 主管部门's 部门预算 as the sum of its units' budgets: every amount of every table is the sum of the units' amounts at the
/// same code, line or place; tables that add up in each unit add up in the sum (the budget rules stay silent on them).
@Suite("预算汇总")
struct BudgetConsolidationTests {
    @Test("每种版式：三个合成单位的预算相加，逐科目、逐行等于各单位之和；表内表间的规则不报错", arguments: BudgetLayout.shipped.map(\.id))
    func sums(layoutID: String) throws {
        let layout = try #require(BudgetLayout.shipped.first { $0.id == layoutID })
        let catalog = try CatalogLoader.builtIn()
        let units = (1...3).map { BudgetSynthesizer.make(layout: layout, seed: 41, index: $0, year: 2025, catalog: catalog) }
        let sum = BudgetConsolidation.sum(units, department: "合成主管部门", year: 2025, layout: layout)
        #expect(sum.scope == .department && sum.department == "合成主管部门" && sum.narrative.isEmpty)
        for spec in layout.tables {
            let parts = units.compactMap { $0.tables[spec.id] }
            guard !parts.isEmpty else { #expect(sum.tables[spec.id] == nil); continue }
            let table = try #require(sum.tables[spec.id])
            // Every coded row: the sum of the units' rows with that code, column by column.
            for row in table.rows where !row.code.isEmpty {
                let same = parts.flatMap(\.rows).filter { $0.code == row.code }
                for column in row.cells.indices {
                    let expected = same.compactMap { column < $0.cells.count ? $0.cells[column] : nil }
                    #expect(row.cells[column] == (expected.isEmpty ? nil : expected.reduce(0, +)), "\(spec.id) \(row.code) 第 \(column + 1) 列")
                }
            }
            #expect(Set(table.rows.map(\.code)) == Set(parts.flatMap(\.rows).map(\.code)), "\(spec.id)：科目不多不少")
            // Codes in order: a 类 before its 款 and 项.
            let codes = table.rows.map(\.code).filter { !$0.isEmpty }
            #expect(codes == codes.sorted(), "\(spec.id)")
            // Lines of a 总表: each the sum of the units' lines of that side and name (whatever its ordinal in each unit);
            // each name once per side, the 总计 last, the 一、二、… in order.
            for side in Set(table.items.map(\.side)) {
                let lines = table.items.filter { $0.side == side }
                let names = lines.map { BudgetConsolidation.bare($0.label) }
                #expect(Set(names).count == names.count, "\(spec.id) \(side)：\(names)")
                if let last = lines.last, names.contains(where: { $0.hasSuffix("总计") }) { #expect(BudgetConsolidation.bare(last.label).hasSuffix("总计")) }
                let ordinals = lines.compactMap { BudgetConsolidation.chineseOrdinal($0.label).map(String.init) }
                #expect(ordinals == (0..<ordinals.count).map { BudgetConsolidation.chinese($0 + 1) }, "\(spec.id) \(side)：\(ordinals)")
            }
            #expect(BudgetConsolidation.chinese(12) == "十二" && BudgetConsolidation.chinese(20) == "二十" && BudgetConsolidation.chinese(10) == "十")
            for item in table.items {
                let same = parts.flatMap(\.items).filter { $0.side == item.side && BudgetConsolidation.bare($0.label) == BudgetConsolidation.bare(item.label) }
                #expect(item.figures == same.map(\.figures).reduce(into: [Int64](repeating: 0, count: item.figures.count)) { total, figures in
                    for (index, value) in figures.enumerated() where index < total.count { total[index] += value }
                }, "\(spec.id) \(item.side) \(item.label)")
            }
        }
        let findings = BudgetAuditor(rules: try RuleCatalogue.budget(), language: try RuleCatalogue.standard(), catalog: catalog)
            .audit(try BudgetDocument(dataset: sum))
        #expect(findings.filter { $0.severity == .error }.isEmpty, "\(findings.filter { $0.severity == .error }.map(\.message))")
    }
}
