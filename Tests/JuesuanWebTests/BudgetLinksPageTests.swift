import Foundation
import Juesuan
import JuesuanAudit
import JuesuanCore
import JuesuanLedger
import JuesuanStore
import JuesuanTestSupport
@testable import JuesuanWeb
import JuesuanXLSX
import Testing

/// A unit's final accounts beside the same year's budget it published (audited in a batch): the report page lists each
/// 年初预算 the report states with the budget's figure, the differences that need a 差异说明 marked.
@Suite("web: a report beside its budget", .serialized)
struct BudgetLinksPageTests {
    @Test("the example’s 2021 report beside a published 2021 budget of the same unit: each 年初预算 with the budget’s figure, differences marked", .enabled(if: ExternalTools.printing))
    func budgetBesideReport() async throws {
        try await PagesTests.withPages(synthetic: 0) { cycle, client in
            let filler = try await PagesTests.caller(cycle, "tianbao")
            let example = try Engine.readDataset(Repository.corrected.path)
            _ = try await cycle.reports.upload(filler, year: 2021, org: Cycle.demoExample, filename: "决算.xlsx", bytes: try WorkbookWriter.data(example))
            // The unit's 2021 budget: its 三公 as the report's 表7 预算数, the rest as synthesised.
            let layout = try #require(BudgetLayout.shipped.first { $0.id == "shanghai-district" })
            var budget = BudgetSynthesizer.make(layout: layout, seed: 7, index: 1, year: 2021, catalog: try Engine.catalog())
            budget.department = example.unit
            let t7 = try #require(example[.t7])
            budget.tables["B9"]?.unit = "元"
            budget.tables["B9"]?.rows = [.init(code: "", label: "", cells: (1...6).map { t7.amount(StandardLayout.singleRow, column: $0).fen } + [nil])]
            let package = try BudgetPublisher.build(budget, catalog: try Engine.catalog(), pdf: true, source: "budget.json")
            let pdf = try #require(package.published["report.pdf"])
            let reviewer = try await PagesTests.caller(cycle, "zhuguan")
            let batch = try await cycle.batchAudits.createBatch(reviewer, year: 2021, name: "2021 年度预算公开检查")
            _ = try await cycle.batchAudits.addBatchFile(reviewer, batch: batch.id, filename: "江汉区政府办公室-2021-预算.pdf", bytes: pdf)
            while try await cycle.batchAudits.processNextJob() {}
            // What the page must show: the engine's comparison of the report with the budget as the batch read it.
            let expected = BudgetLinks.compare(example, budget: budget)
            #expect(expected.contains { $0.subject == "“三公”经费" && $0.consistent && $0.budget != nil })
            let browser = try await PagesTests.Browser.login(client, "tianbao")
            let (status, page) = try await browser.get("/app/reports/2021/\(Cycle.demoExample)")
            #expect(status == 200)
            if let dump = ProcessInfo.processInfo.environment["JUESUAN_PAGE_DUMP"] { try Data(page.utf8).write(to: URL(fileURLWithPath: dump + "/budget-links.html")) }
            #expect(page.contains("与同年部门预算的衔接") && page.contains("江汉区政府办公室-2021-预算.pdf"))
            let start = try #require(page.range(of: "id=\"budget-links\"")).lowerBound
            let tail = page[start...]
            let section = String(tail[..<(tail.range(of: "</section>")?.upperBound ?? tail.endIndex)])
            #expect(section.components(separatedBy: "<td>").count - 1 == expected.count * 2, "each row: subject and 结论 cells")
            #expect(section.contains("“三公”经费") && section.contains("因公出国（境）费"))
            let differing = expected.filter { !$0.consistent }.count
            #expect(section.components(separatedBy: "<tr class=\"warning\">").count - 1 == differing, "\(differing)")
            if differing > 0 { #expect(section.contains("\(differing) 项不一致") && section.contains("请在情况说明中写明差异")) }
            // Said at the top of the page too, linked to the section.
            #expect(page.contains("<a href=\"#budget-links\">与同年部门预算的衔接："))
            // A unit that published no budget: no section.
            let other = try await PagesTests.Browser.login(client, "zhuguan")
            let (_, department) = try await other.get("/app/reports/2021/420103001")
            #expect(!department.contains("与同年部门预算的衔接"))
        }
    }
}
