import Foundation
import Juesuan
import JuesuanNarrative
import JuesuanRender
import JuesuanConsolidate
import SQLKit

extension Reports {
    /// A version against the previous version, or against last year's published report.
    public func compare(_ caller: Caller, year: Int, org code: String, version: Int?, against: Cycle.CompareBase) async throws -> Cycle.Comparison {
        try await backend.read { db in
            _ = try await self.visibleOrg(db, caller, code)
            let id = Cycle.reportID(year, code)
            let current = try await db.raw("SELECT current_version FROM reports WHERE id = \(bind: id)").first()?
                .decode(column: "current_version", as: Int.self) ?? 0
            let number = version ?? current
            guard number > 0, let after = try await self.storedDataset(db, year: year, org: code, version: number) else {
                throw StoreError.notFound("\(code) 的 \(year) 年度报表没有第 \(number) 版。")
            }
            let before: Disclosure?, base: String, baseYear: Int, baseVersion: Int?
            switch against {
            case .previous:
                guard number > 1 else { throw StoreError.notFound("第 1 版之前没有版本可比较。") }
                before = try await self.storedDataset(db, year: year, org: code, version: number - 1)
                base = "第 \(number - 1) 版"; baseYear = year; baseVersion = number - 1
            case .lastYear:
                let row = try await db.raw("""
                    SELECT p.version FROM publications p JOIN reports r ON r.id = p.report
                    WHERE r.id = \(bind: Cycle.reportID(year - 1, code)) AND r.state = \(bind: ReportState.published.rawValue) LIMIT 1
                    """).first()
                guard let published = try row?.decode(column: "version", as: Int.self) else {
                    throw StoreError.notFound("\(code) 没有 \(year - 1) 年度的已公开报表。")
                }
                before = try await self.storedDataset(db, year: year - 1, org: code, version: published)
                base = "\(year - 1) 年度已公开报表（第 \(published) 版）"; baseYear = year - 1; baseVersion = published
            }
            guard let before else { throw StoreError.notFound("找不到用于比较的版本。") }
            return Cycle.Comparison(year: year, org: code, version: number, base: base, baseYear: baseYear, baseVersion: baseVersion,
                              cells: Cycle.cellChanges(before, after), figures: Cycle.figureChanges(before, after))
        }
    }
}
