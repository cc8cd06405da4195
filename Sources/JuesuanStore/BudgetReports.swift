import Foundation
import Juesuan
import JuesuanConsolidate
import JuesuanXLSX
import SQLKit

/// The 部门预算 in the cycle: a 预算 task's report is a budget (`budget.json`, the engine's `BudgetDataset`),
/// uploaded as the filled budget workbook (or `budget.json`), checked with the budget rule catalogue, and
/// then 上报, 审核 and 公开 exactly as a 决算 (the same states, explanations, 批注 and audit log).
extension Cycle {
    /// The budget rules (data, loaded once).
    static let budgetRules: RuleCatalogue? = try? RuleCatalogue.budget()

    /// Everything a budget report's page shows, read in one snapshot.
    public struct BudgetPageData: Sendable {
        public var view: ReportView
        public var task: Task
        public var shown: (version: VersionView, findings: [StoredFinding], dataset: BudgetDataset)?
        public var remarks: [String: [Remark]] = [:]
    }

    /// A budget upload read: the filled budget workbook (a ZIP, checked as any upload) or `budget.json`.
    static func readBudget(_ bytes: Data, name: String, limits: UploadLimits) throws -> (UploadKind, BudgetDataset) {
        guard bytes.count <= limits.body else { throw StoreError.tooLarge("“\(name)”有 \(bytes.count) 字节，超过上限 \(limits.body) 字节。") }
        guard !bytes.isEmpty else { throw StoreError.unsupported("“\(name)”是空文件。") }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            let inflated = try Uploads.checkedEntries(bytes, name: name, limits: limits)
            guard BudgetWorkbook.recognizes(entries: inflated.contents) else {
                if inflated.paths.contains("xl/workbook.xml") {
                    throw StoreError.unsupported("“\(name)”不是部门预算填报工作簿（决算工作簿请上传到决算任务）：请下载本页的预算填报工作簿填写。")
                }
                throw StoreError.unsupported("“\(name)”是 ZIP 压缩包，但不是部门预算填报工作簿。")
            }
            do { return (.workbook, try BudgetWorkbook.read(entries: inflated.contents, displayName: name)) } catch let error as StoreError {
                throw error
            } catch { throw StoreError(Problem(error, path: name)) }
        }
        if bytes.starts(with: Array("%PDF".utf8)) {
            throw StoreError.unsupported("“\(name)”是 PDF：预算请上传填报工作簿或 budget.json；已公开的 PDF 请用“批量审查”。")
        }
        guard bytes.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF) }) == UInt8(ascii: "{") else {
            throw StoreError.unsupported("“\(name)”既不是部门预算填报工作簿，也不是 budget.json。")
        }
        do { return (.dataset, try BudgetDataset.read(data: bytes, displayName: name)) } catch { throw StoreError(Problem(error)) }
    }
}

extension Budgets {
    public func budgetPage(_ caller: Caller, year: Int, org code: String, version: Int?) async throws -> Cycle.BudgetPageData {
        try await backend.read { db in
            let view = try await self.reports.reportView(db, caller, year: year, org: code, kind: .budget)
            let task = try await self.schedule.task(db, year, .budget)
            let remarks = try await self.reports.remarks(db, report: Cycle.reportID(year, code, .budget))
            guard view.currentVersion != nil else { return Cycle.BudgetPageData(view: view, task: task, remarks: remarks) }
            let (shown, findings) = try await self.reports.storedFindings(db, year: year, org: code, kind: .budget, version: version, committed: true)
            guard let dataset = try await self.storedBudget(db, year: year, org: code, version: shown.number) else {
                throw StoreError.notFound("\(code) 的 \(year) 年度部门预算没有第 \(shown.number) 版。")
            }
            return Cycle.BudgetPageData(view: view, task: task, shown: (shown, findings, dataset), remarks: remarks)
        }
    }

    /// The budget of a version (the current one when `version` is nil).
    func storedBudget(_ db: any SQLDatabase, year: Int, org code: String, version: Int?) async throws -> BudgetDataset? {
        try await reports.storedDataset(db, report: Cycle.reportID(year, code, .budget), version: version)
    }

    /// The budget a unit enters: the task's layout, the unit's name and the year, every table empty (the
    /// formulas of the sums in place). A unit directly under the 财政局 prepares a 部门预算, one under a
    /// 主管部门 its 单位预算.
    public func blankBudget(_ caller: Caller, year: Int, org code: String) async throws -> (Data, String) {
        let (org, task, parentIsBureau) = try await backend.read { db -> (Org, Cycle.Task, Bool) in
            let org = try await self.visibleOrg(db, caller, code)
            var parentIsBureau = true
            if let parent = org.parent, let node = try await self.org(db, parent) { parentIsBureau = node.kind == .bureau }
            return (org, try await self.schedule.task(db, year, .budget), parentIsBureau)
        }
        guard let layout = BudgetLayout.shipped.first(where: { $0.id == task.layout }) else {
            throw StoreError.unavailable("预算任务的版式“\(task.layout)”不存在。")
        }
        let blank = BudgetDataset(layout: layout.id, scope: parentIsBureau ? .department : .unit, year: year, department: org.name,
                                  tables: [:], narrative: [])
        let data: Data
        do { data = try BudgetWorkbook.data(blank, layout: layout) } catch { throw StoreError(Problem(error)) }
        return (data, "\(org.code)-\(year)-预算填报.xlsx")
    }

    /// Stores an upload to a 预算 task as a new version: the filled budget workbook or `budget.json`, of this
    /// unit, this year and the task's layout, checked on arrival. Nothing is stored from an upload that cannot
    /// be read or that names another unit.
    func uploadBudget(_ caller: Caller, year: Int, org code: String, filename: String, bytes: Data) async throws -> UploadResult {
        try require(caller, .prepare, "上传预算")
        try TextInput.check(filename, "文件名“\(Cycle.cleanFilename(filename))”")
        let (org, task) = try await backend.read { db -> (Org, Cycle.Task) in
            (try await self.visibleOrg(db, caller, code), try await self.schedule.task(db, year, .budget))
        }
        guard org.kind != .bureau else {
            throw StoreError.conflict("“\(org.name)”是\(org.kind.rawValue)：预算由各单位与主管部门上传。")
        }
        let name = Cycle.cleanFilename(filename)
        let limits = settings.limits, catalog = catalog, language = rules
        guard let budgetRules = Cycle.budgetRules else { throw StoreError.unavailable("预算规则目录无法载入（安装不完整）。") }
        let (kind, dataset, findings) = try await timed(.check) { try await offload { () throws -> (UploadKind, BudgetDataset, [Finding]) in
            let (kind, dataset) = try Cycle.readBudget(bytes, name: name, limits: limits)
            let document: BudgetDocument
            do { document = try BudgetDocument(dataset: dataset) } catch { throw StoreError(Problem(error, path: name)) }
            return (kind, dataset, BudgetAuditor(rules: budgetRules, language: language, catalog: catalog).audit(document))
        } }
        guard dataset.year == year else {
            throw StoreError.invalid("“\(name)”是 \(dataset.year) 年度的预算，而这是 \(year) 年度的预算任务。")
        }
        guard dataset.layout == task.layout else {
            let names = Dictionary(Cycle.layouts(.budget).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            throw StoreError.invalid("“\(name)”按“\(names[dataset.layout] ?? dataset.layout)”填写，而 \(year) 年度的预算任务用“\(names[task.layout] ?? task.layout)”：请下载本页的填报工作簿。")
        }
        let named = dataset.department.trimmingCharacters(in: .whitespacesAndNewlines)
        if !named.isEmpty, !Cycle.sameName(named, org.name) {
            throw StoreError.invalid("“\(name)”是“\(named.prefix(80))”的预算，而这是“\(org.name)”（\(org.code)）的预算：不能存为本单位的版本，未保存。")
        }
        return try await reports.storeVersion(caller, org: org, year: year, report: .budget, kind: kind, filename: name, content: bytes,
                                      dataset: String(decoding: dataset.json(), as: UTF8.self), summary: nil, findings: findings)
    }

    /// The public package of a budget version: its page, PDF, `budget.json`, workbook and open data.
    func makeBudgetPublication(year: Int, org code: String, version: Int?, name: String) async throws -> [String: Data] {
        let dataset = try await backend.read { db in try await self.storedBudget(db, year: year, org: code, version: version) }
        guard let dataset else { throw StoreError.conflict("预算没有版本，无法公开。") }
        let catalog = catalog, pdf = settings.publishPDF
        let package = try await timed(.publish) { try await offload {
            do { return try BudgetPublisher.build(dataset, catalog: catalog, pdf: pdf, source: name) } catch { throw StoreError(Problem(error)) }
        } }
        if let problem = package.pdfProblem { logger.warning("report.pdf 未生成：\(problem.message)") }
        return package.published
    }

    /// The page of a budget version as published (a draft carries the "草稿" watermark when printed).
    public func budgetHTML(_ caller: Caller, year: Int, org code: String, version: Int?) async throws -> String {
        let dataset = try await backend.read { db -> BudgetDataset? in
            _ = try await self.visibleOrg(db, caller, code)
            return try await self.storedBudget(db, year: year, org: code, version: version)
        }
        guard let dataset else { throw StoreError.notFound("\(code) 的 \(year) 年度部门预算尚未上传。") }
        do { return try BudgetPublisher.page(dataset) } catch { throw StoreError(Problem(error)) }
    }

    /// The PDF of a budget version, printed once and kept; anything not published carries "草稿".
    public func budgetPDF(_ caller: Caller, year: Int, org code: String, version: Int?) async throws -> Data {
        let id = Cycle.reportID(year, code, .budget)
        let (view, dataset) = try await backend.read { db -> (ReportView, BudgetDataset?) in
            (try await self.reports.reportView(db, caller, year: year, org: code, kind: .budget),
             try await self.storedBudget(db, year: year, org: code, version: version))
        }
        guard let dataset, let number = version ?? view.currentVersion else {
            throw StoreError.notFound("\(code) 的 \(year) 年度部门预算尚未上传。")
        }
        let draft = !(view.state == .published && number == view.currentVersion)
        if let kept = try await backend.read({ db in
            try await db.raw("""
                SELECT content FROM version_pdfs WHERE report = \(bind: id) AND version = \(bind: number) AND draft = \(bind: draft ? 1 : 0)
                """).first()?.decode(column: "content", as: Data.self)
        }) { return kept }
        let data = try await timed(.pdf) { try await offload {
            do { return try BudgetPublisher.pdf(dataset, draft: draft) } catch { throw StoreError.unavailable(Problem(error).message) }
        } }
        try await backend.write { db in
            try await db.raw("""
                INSERT INTO version_pdfs (report, version, draft, content, made_at)
                VALUES (\(bind: id), \(bind: number), \(bind: draft ? 1 : 0), \(bind: data), \(bind: Clock.stamp())) ON CONFLICT DO NOTHING
                """).run()
        }
        return data
    }

    /// The approved budget of a unit for a year as the cycle holds it: the published version of its 预算 report,
    /// or, before 公开, the version 财政 approved. Nil when there is none.
    func approvedBudget(_ db: any SQLDatabase, year: Int, org code: String) async throws -> (BudgetDataset, state: ReportState, version: Int)? {
        guard let row = try await db.raw("""
            SELECT r.state, r.current_version, v.dataset FROM reports r JOIN versions v ON v.report = r.id AND v.number = r.current_version
            WHERE r.id = \(bind: Cycle.reportID(year, code, .budget)) AND r.state IN ('财政已审核', '已公开')
            """).first() else { return nil }
        guard let budget = try? JSONDecoder().decode(BudgetDataset.self, from: Data(try row.decode(column: "dataset", as: String.self).utf8)) else {
            return nil
        }
        return (budget, ReportState(rawValue: try row.decode(column: "state", as: String.self)) ?? .financeApproved,
                try row.decode(column: "current_version", as: Int.self))
    }
}

extension Budgets {
    /// A version's budget as the budget workbook (the current one when `version` is nil).
    public func budgetWorkbook(_ caller: Caller, year: Int, org code: String, version: Int?) async throws -> Data {
        let dataset = try await backend.read { db -> BudgetDataset? in
            _ = try await self.visibleOrg(db, caller, code)
            return try await self.storedBudget(db, year: year, org: code, version: version)
        }
        guard let dataset, let layout = BudgetLayout.shipped.first(where: { $0.id == dataset.layout }) else {
            throw StoreError.notFound("\(code) 的 \(year) 年度部门预算尚未上传。")
        }
        do { return try BudgetWorkbook.data(dataset, layout: layout) } catch { throw StoreError(Problem(error)) }
    }
}

extension Budgets {
    /// The budget of a version (the current one when `version` is nil), for the API.
    public func budgetDataset(_ caller: Caller, year: Int, org code: String, version: Int?) async throws -> BudgetDataset {
        try await backend.read { db in
            _ = try await self.visibleOrg(db, caller, code)
            guard let budget = try await self.storedBudget(db, year: year, org: code, version: version) else {
                throw StoreError.notFound("\(code) 的 \(year) 年度部门预算" + (version.map { "没有第 \($0) 版。" } ?? "尚未上传。"))
            }
            return budget
        }
    }
}

extension Budgets {
    /// The 主管部门's 部门预算 made from its children's current budgets (every one must be there), checked with the budget
    /// rules and stored as a version (`汇总`). Its 编制说明 is the department's to write: it downloads the workbook of this
    /// version, writes it and uploads the workbook again.
    func consolidateBudget(_ caller: Caller, year: Int, org code: String) async throws -> UploadResult {
        try require(caller, .consolidate, "生成汇总预算")
        let (org, task, budgets, missing) = try await backend.read { db -> (Org, Cycle.Task, [BudgetDataset], [String]) in
            let org = try await self.visibleOrg(db, caller, code)
            guard org.kind != .unit else { throw StoreError.conflict("“\(org.name)”是单位，没有下属单位可汇总。") }
            let task = try await self.schedule.task(db, year, .budget)
            let rows = try await db.raw("""
                SELECT o.code, o.name, v.dataset FROM orgs o
                LEFT JOIN reports r ON r.org = o.code AND r.year = \(bind: year) AND r.kind = \(bind: ReportKind.budget.rawValue)
                LEFT JOIN versions v ON v.report = r.id AND v.number = r.current_version
                WHERE o.parent = \(bind: org.code) ORDER BY o.code
                """).all()
            var budgets: [BudgetDataset] = [], missing: [String] = []
            for row in rows {
                guard let json = try row.decode(column: "dataset", as: String?.self) else {
                    missing.append("\(try row.decode(column: "name", as: String.self))（\(try row.decode(column: "code", as: String.self))）")
                    continue
                }
                budgets.append(try JSONDecoder().decode(BudgetDataset.self, from: Data(json.utf8)))
            }
            return (org, task, budgets, missing)
        }
        guard missing.isEmpty else {
            throw StoreError.conflict("下属 \(missing.count) 个单位尚未上传预算：" + missing.prefix(10).joined(separator: "、") + (missing.count > 10 ? "等" : ""))
        }
        guard !budgets.isEmpty else { throw StoreError.conflict("“\(org.name)”没有下属单位，无可汇总。") }
        guard let layout = BudgetLayout.shipped.first(where: { $0.id == task.layout }) else {
            throw StoreError.unavailable("预算任务的版式“\(task.layout)”不存在。")
        }
        let catalog = catalog, language = rules
        guard let budgetRules = Cycle.budgetRules else { throw StoreError.unavailable("预算规则目录无法载入（安装不完整）。") }
        let (dataset, findings) = try await timed(.check) { try await offload { () throws -> (BudgetDataset, [Finding]) in
            let dataset = BudgetConsolidation.sum(budgets, department: org.name, year: year, layout: layout)
            let document: BudgetDocument
            do { document = try BudgetDocument(dataset: dataset) } catch { throw StoreError(Problem(error)) }
            return (dataset, BudgetAuditor(rules: budgetRules, language: language, catalog: catalog).audit(document))
        } }
        let json = String(decoding: dataset.json(), as: UTF8.self)
        return try await reports.storeVersion(caller, org: org, year: year, report: .budget, kind: .consolidation,
                                      filename: "汇总（\(budgets.count) 个单位）", content: Data(json.utf8), dataset: json, summary: nil, findings: findings)
    }

    /// The current budget checked again under the budget rules in force, as a new version.
    func recheckBudget(_ caller: Caller, year: Int, org code: String) async throws -> UploadResult {
        try require(caller, .prepare, "重新检查预算")
        let (org, base) = try await backend.read { db -> (Org, BudgetDataset?) in
            (try await self.visibleOrg(db, caller, code), try await self.storedBudget(db, year: year, org: code, version: nil))
        }
        guard let base else { throw StoreError.conflict("尚未上传预算，无法重新检查。") }
        let catalog = catalog, language = rules
        guard let budgetRules = Cycle.budgetRules else { throw StoreError.unavailable("预算规则目录无法载入（安装不完整）。") }
        let findings = try await offload { () throws -> [Finding] in
            let document: BudgetDocument
            do { document = try BudgetDocument(dataset: base) } catch { throw StoreError(Problem(error)) }
            return BudgetAuditor(rules: budgetRules, language: language, catalog: catalog).audit(document)
        }
        let json = String(decoding: base.json(), as: UTF8.self)
        return try await reports.storeVersion(caller, org: org, year: year, report: .budget, kind: .recheck, filename: "重新检查", content: Data(json.utf8),
                                      dataset: json, summary: nil, findings: findings)
    }
}
