import Foundation
import Juesuan
import SQLKit

/// The year before: a report of last year that the bureau approved (财政已审核) or published starts this
/// year's — 年初结转和结余 from last year's 年末结转和结余, the 上年数 the narrative compares with, the
/// department's base information — and this year's opening balances are checked against it.
extension Cycle {
    /// Fills a new year's blank report from last year's: opening balances, 上年数, base information.
    static func carryOver(_ previous: Disclosure, into disclosure: inout Disclosure, catalog: Catalog) {
        if let closing = previous[.t1]?.row(.line(59))?.cells[2] {
            Completion.set(&disclosure, .t1, .line(29), 1, closing)
        }
        // Last year's codes, without amounts: the rows the unit will most likely fill again.
        for id in [TableID.t2, .t3, .t5, .t6, .t9] {
            for row in previous[id]?.rows ?? [] {
                switch row.key {
                case .function(let code): _ = Cycle.addRow(&disclosure, id, code.digits, catalog: catalog)
                case .economic(let code): _ = Cycle.addRow(&disclosure, id, code.digits, catalog: catalog)
                default: break
                }
            }
        }
        for row in previous[.t8]?.rows ?? [] {
            guard case .function(let code) = row.key, let closing = row.cells[6], closing != .zero,
                  Cycle.addRow(&disclosure, .t8, code.digits, catalog: catalog) == nil else { continue }
            Completion.set(&disclosure, .t8, row.key, 1, closing)
        }
        var prior = disclosure.figures.priorYear
        func carry(_ key: String, _ amount: Money?) {
            if prior[key] == nil, let amount { prior[key] = NamedAmount(name: key, amount: amount) }
        }
        carry("收支总计", previous[.t1]?.row(.line(30))?.cells[1])
        carry("财政拨款收支总计", previous[.t4]?.row(.line(32))?.cells[1])
        let t7 = previous[.t7]?.row(StandardLayout.singleRow)
        carry("三公经费", t7?.cells[7])
        carry("因公出国（境）费", t7?.cells[8])
        carry("公务用车购置及运行费", t7?.cells[9])
        carry("公务接待费", t7?.cells[12])
        carry("机关运行经费", previous.figures.operatingCosts?.amount)
        disclosure.figures.priorYear = prior
        if disclosure.overview.functions.isEmpty && disclosure.overview.composition.isEmpty {
            disclosure.overview = previous.overview
        }
    }
}

extension Reports {
    /// Last year's report of `org`, when it is approved by the bureau or published: its current version.
    func previousYear(_ db: any SQLDatabase, year: Int, org code: String) async throws -> Disclosure? {
        guard let row = try await db.raw("""
            SELECT state FROM reports WHERE id = \(bind: Cycle.reportID(year - 1, code))
            """).first(), let state = ReportState(rawValue: try row.decode(column: "state", as: String.self)),
              state == .financeApproved || state == .published else { return nil }
        return try await storedDataset(db, year: year - 1, org: code, version: nil)
    }

    /// This year's opening balances against last year's closing ones (rule Y-OPENING): 表1 第29行 and
    /// 表8 第1栏 by code. Last year's figure is the one the bureau approved or published.
    func openingFindings(_ disclosure: Disclosure, previous: Disclosure?) -> [Finding] {
        guard let previous, let rule = rules.rule("Y-OPENING") else { return [] }
        var findings: [Finding] = []
        func compare(_ table: TableID, _ row: RowKey, _ column: Int, now: Money?, before: Money?, what: String) {
            let opening = now ?? .zero, closing = before ?? .zero
            guard opening != closing, now != nil || before != nil else { return }
            let message = rule.message.replacingOccurrences(of: "{what}", with: what)
                .replacingOccurrences(of: "{stated}", with: opening.description).replacingOccurrences(of: "{expected}", with: closing.description)
                .replacingOccurrences(of: "{year}", with: String(disclosure.year - 1))
            findings.append(Finding(rule: rule.id, severity: rule.severity, message: message, table: table, row: row.description,
                                    column: column, stated: opening.description, expected: closing.description, family: rule.family))
        }
        if disclosure[.t1] != nil {
            compare(.t1, .line(29), 1, now: disclosure[.t1]?.row(.line(29))?.cells[1], before: previous[.t1]?.row(.line(59))?.cells[2],
                    what: "表1 第29行 年初结转和结余")
        }
        // The 合计 row and the lowest codes: a parent differs whenever a child does, and is said once through it.
        var codes = Set<FunctionCode>()
        for row in (disclosure[.t8]?.rows ?? []) + (previous[.t8]?.rows ?? []) { if case .function(let code) = row.key { codes.insert(code) } }
        let parents = Set(codes.compactMap(\.parent))
        for key in [RowKey.total] + codes.subtracting(parents).sorted(by: { $0.digits < $1.digits }).map(RowKey.function) {
            compare(.t8, key, 1, now: disclosure[.t8]?.row(key)?.cells[1], before: previous[.t8]?.row(key)?.cells[6],
                    what: "表8 \(key) 年初结转和结余")
        }
        return findings
    }
}
