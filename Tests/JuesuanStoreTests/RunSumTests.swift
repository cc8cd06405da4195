import Foundation
import Juesuan
import JuesuanCore
@testable import JuesuanStore
import JuesuanTestSupport
import JuesuanXLSX
import Testing

/// A 主管部门's 汇总 keeps the sums of runs of its units; a new version re-sums its own run only. What it shows must
/// be what a store that kept nothing computes.
@Suite("store: 汇总 from kept runs")
struct RunSumTests {
    @Test("after a unit's new version, the view from kept runs equals one computed from nothing kept", arguments: StoreKind.available)
    func keptRunsAreExact(_ kind: StoreKind) async throws {
        let harness = try await Harness.make(kind, synthetic: 30) { $0.consolidationRun = 2 }
        defer { Task { await harness.close() } }
        let cycle = harness.cycle
        let reviewer = Caller(user: try await cycle.sessions.login(login: "zhuguan", password: Harness.password, ip: "t").user, ip: "t")
        let filler = Caller(user: try await cycle.sessions.login(login: "tianbao", password: Harness.password, ip: "t").user, ip: "t")
        let before = try await cycle.consolidating.consolidatedView(reviewer, year: 2021, org: "420103001")
        #expect(before.units > 4, "several runs of 2")
        #expect(before.missing.count == 1, "the example unit has no version yet")
        let runs = cycle.context.runSums.count
        #expect(runs >= before.units / 2)
        // The example unit's first version: its run is summed again, the others stay where they were.
        _ = try await cycle.reports.upload(filler, year: 2021, org: Cycle.demoExample, filename: "w.xlsx", bytes: Workbooks.corrected)
        let first = try await cycle.consolidating.consolidatedView(reviewer, year: 2021, org: "420103001")
        #expect(first.units == before.units + 1 && first.missing.isEmpty)
        #expect(cycle.context.runSums.count == runs + 1, "a first version does not move the other units into other runs")
        let kept = cycle.context.runSums.count

        // A new version of the example unit with one amount changed in 表3.
        var changed = try await cycle.reports.dataset(reviewer, year: 2021, org: Cycle.demoExample, version: nil)
        let index = try #require(changed.tables[.t3]?.rows.firstIndex { !$0.cells.isEmpty })
        let column = try #require(changed.tables[.t3]?.rows[index].cells.keys.min())
        let amount = changed.tables[.t3]?.rows[index].cells[column]?.fen ?? 0
        changed.tables[.t3]?.rows[index].cells[column] = Money(fen: amount + 12_345)
        _ = try await cycle.reports.upload(filler, year: 2021, org: Cycle.demoExample, filename: "w2.xlsx", bytes: try WorkbookWriter.data(changed))
        let warm = try await cycle.consolidating.consolidatedView(reviewer, year: 2021, org: "420103001")
        #expect(warm.dataset != first.dataset)
        #expect(cycle.context.runSums.count == kept + 1, "only the changed unit's run is summed again")

        // The same database through a store that has kept nothing.
        let cold = try Cycle(backend: cycle.backend, settings: cycle.settings)
        let fresh = try await cold.consolidating.consolidatedView(reviewer, year: 2021, org: "420103001")
        #expect(fresh.dataset == warm.dataset)
        #expect(fresh.units == warm.units && fresh.findings == warm.findings && fresh.missing == warm.missing)
        // And with runs of one unit each, and of all units at once: the same.
        var single = cycle.settings
        single.consolidationRun = 1
        var whole = cycle.settings
        whole.consolidationRun = 10_000
        for settings in [single, whole] {
            let other = try await Cycle(backend: cycle.backend, settings: settings).consolidating.consolidatedView(reviewer, year: 2021, org: "420103001")
            #expect(other.dataset == warm.dataset)
        }
    }
}
