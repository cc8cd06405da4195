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
    /// The unit's own 预算 report in the cycle (its page), when that is what was compared; nil for a batch-audited document.
    public var report: String? = nil
    /// Its state (已公开, or 财政已审核 before 公开) and version.
    public var reportState: ReportState? = nil
    public var reportVersion: Int? = nil
}

extension Budgets {
    /// The latest budget of unit `org` for `year` among the documents batch-audited, compared with `disclosure`.
    /// The unit's own 预算 report of the year (approved by 财政 or published) comes first: it is the budget the cycle approved.
    func budgetComparison(_ db: any SQLDatabase, year: Int, org: String, disclosure: Disclosure) async throws -> BudgetComparison? {
        if let (budget, state, version) = try await approvedBudget(db, year: year, org: org) {
            let links = BudgetLinks.compare(disclosure, budget: budget)
            if !links.isEmpty {
                let updated = try await db.raw("SELECT updated_at FROM reports WHERE id = \(bind: Cycle.reportID(year, org, .budget))").first()?
                    .decode(column: "updated_at", as: String.self) ?? ""
                return BudgetComparison(filename: "\(year) 年度部门预算第 \(version) 版", batch: "", auditedAt: updated, links: links,
                                        report: ReportKind.budget.appPath(year, org), reportState: state, reportVersion: version)
            }
        }
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
