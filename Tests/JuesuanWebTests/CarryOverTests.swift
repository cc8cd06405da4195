import Foundation
import Juesuan
@testable import JuesuanStore
import JuesuanTestSupport
import JuesuanXLSX
import SQLKit
import Testing

/// A new year starts from last year's report as the bureau approved it; opening balances are checked
/// against last year's closing ones (Y-OPENING).
@Suite("填报：上年带入", .serialized)
struct CarryOverTests {
    @Test("2022 starts from 2021 as approved: 年初结转和结余, 上年数, base information; a changed opening balance is flagged, an equal one is not")
    func carryOver() async throws {
        try await PagesTests.withPages(synthetic: 0) { cycle, _ in
            let filler = try await PagesTests.caller(cycle, "tianbao"), admin = try await PagesTests.caller(cycle, "admin")
            // Last year: the example with a closing balance of 12.34 万元 (年初 12.34 as well, so 表1 balances).
            var dataset = try Engine.readDataset(Repository.corrected.path)
            let extra = Money(fen: 12_340_000)
            var t1 = try #require(dataset.tables[.t1])
            for (line, column) in [(29, 1), (30, 1), (59, 2), (60, 2)] {
                if let index = t1.rows.firstIndex(where: { $0.key == .line(line) }) {
                    t1.rows[index].cells[column] = (t1.rows[index].cells[column] ?? .zero).adding(extra)
                } else {
                    t1.rows.append(TableRow(key: .line(line), label: "", cells: [column: extra]))
                }
            }
            dataset.tables[.t1] = t1
            _ = try await cycle.reports.upload(filler, year: 2021, org: Cycle.demoExample, filename: "w.xlsx", bytes: try WorkbookWriter.data(dataset))
            // Not yet approved: nothing is carried.
            _ = try await cycle.schedule.setTask(admin, year: 2022, layout: nil, deadline: "2023-06-30")
            #expect(try await cycle.drafts.draft(filler, year: 2022, org: Cycle.demoExample).carriedFrom == nil)
            try await cycle.backend.write { db in
                try await db.raw("UPDATE reports SET state = '财政已审核' WHERE id = \(bind: "2021/" + Cycle.demoExample)").run()
            }
            let draft = try await cycle.drafts.draft(filler, year: 2022, org: Cycle.demoExample)
            #expect(draft.carriedFrom == 2021 && draft.revision == 0)
            #expect(draft.dataset[.t1]?.row(.line(29))?.cells[1] == extra)
            #expect(draft.dataset.figures.priorYear["收支总计"]?.amount == t1.row(.line(30))?.cells[1])
            #expect(draft.dataset.figures.priorYear["三公经费"]?.amount == dataset[.t7]?.row(StandardLayout.singleRow)?.cells[7])
            #expect(draft.dataset.overview.functions == dataset.overview.functions && !draft.dataset.overview.functions.isEmpty)
            #expect(try await cycle.drafts.checkDraft(filler, year: 2022, org: Cycle.demoExample, draft).contains { $0.rule == "Y-OPENING" } == false)
            // The opening balance typed differently: flagged at its cell, with last year's figure.
            let (changed, problems) = try await cycle.drafts.saveDraft(filler, year: 2022, org: Cycle.demoExample, revision: 0,
                                                                 edits: [CellEdit(table: 1, row: "29", column: 1, value: "20")])
            #expect(problems.isEmpty)
            let flagged = try await cycle.drafts.checkDraft(filler, year: 2022, org: Cycle.demoExample, changed).filter { $0.rule == "Y-OPENING" }
            #expect(flagged.count == 1)
            #expect(flagged.first?.place == "表1 第29行 第1栏" && flagged.first?.stated == "20.00" && flagged.first?.expected == "12.34")
            #expect(flagged.first?.message.contains("2021 年度") == true)
            let version = try await cycle.drafts.commitDraft(filler, year: 2022, org: Cycle.demoExample, revision: changed.revision)
            #expect(version.findings.contains { $0.rule == "Y-OPENING" && $0.severity == .warning })
        }
    }
}
