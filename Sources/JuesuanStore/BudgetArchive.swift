import Foundation
import JuesuanAudit
import JuesuanCore
import SQLKit

/// The budgets the bureau has audited (batch audit of published 部门预算), as the archive a unit's final accounts
/// are compared with: the same unit (matched exactly by the batch), the same year.
public struct BudgetComparison: Sendable {
    /// The budget document: its file name, the batch it was audited in and when.
    public var filename: String
    public var batch: String
    public var auditedAt: String
    public var links: [BudgetLink]
}

extension Cycle {
    /// The latest budget of unit `org` for `year` among the documents batch-audited, compared with `disclosure`.
    func budgetComparison(_ db: any SQLDatabase, year: Int, org: String, disclosure: Disclosure) async throws -> BudgetComparison? {
        guard let row = try await db.raw("""
            SELECT j.filename, j.dataset, j.updated_at, b.name FROM jobs j JOIN batches b ON b.id = j.batch
            WHERE j.matched_org = \(bind: org) AND j.report_year = \(bind: year) AND j.state = '已完成' AND j.dataset IS NOT NULL
              AND j.kind IN ('部门预算', '单位预算')
            ORDER BY j.id DESC LIMIT 1
            """).first(),
            let json = try row.decode(column: "dataset", as: String?.self),
            let budget = try? JSONDecoder().decode(BudgetDataset.self, from: Data(json.utf8)) else { return nil }
        let links = BudgetLinks.compare(disclosure, budget: budget)
        guard !links.isEmpty else { return nil }
        return BudgetComparison(filename: try row.decode(column: "filename", as: String.self), batch: try row.decode(column: "name", as: String.self),
                                auditedAt: try row.decode(column: "updated_at", as: String.self), links: links)
    }
}
