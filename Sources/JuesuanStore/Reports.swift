import Foundation
import Juesuan
import JuesuanNarrative
import JuesuanRender
import JuesuanConsolidate
import SQLKit

/// A finding as stored with its version: the engine's record, a stable key (for explanations),
/// and the explanation when one was written.
public struct StoredFinding: Sendable, Codable, Equatable {
    public var key: String
    public var rule: String
    public var severity: Severity
    public var message: String
    public var table: String?
    public var row: String?
    public var column: String?
    public var stated: String?
    public var expected: String?
    public var line: Int?
    public var page: Int?
    public var file: String?
    public var fileLine: Int?
    public var explanation: String?
    public var explainedBy: String?
    /// The person's name (not the login), when the explanation was written, and the version it was
    /// written for when it was carried to this one because the same finding persists.
    public var explainedByName: String?
    public var explainedAt: String?
    public var explanationCarriedFrom: Int?
    /// Where the finding is, in a reviewer's words: 表N 行 第N栏, or the line.
    public var place: String = ""
    /// Every cell the rule compared, and the rule's family (表间一致 …): to find a common cause.
    public var cells: [CellRef]?
    public var family: String?
    /// When several errors all involve one cell, the likely single cause: that cell's place (set on
    /// each of them when the findings are read).
    public var cause: String?
    /// The figure after 应为 can be trusted: the rule knows which side is wrong (not two tables that
    /// must agree, and not a finding whose likely cause is another cell).
    public var expectedIsFix: Bool {
        guard expected != nil, family != "表间一致" else { return false }
        return cause == nil || cause == place
    }

    /// Marks findings that share a likely single cause: a cell involved in two or more errors, more
    /// than any other cell of those errors. Every other cell of those errors is then probably right.
    static func markCauses(_ findings: inout [StoredFinding]) {
        let errors = findings.indices.filter { findings[$0].severity == .error && !(findings[$0].cells ?? []).isEmpty }
        var members: [CellRef: [Int]] = [:]
        var order: [CellRef] = []
        for index in errors {
            for cell in Set(findings[index].cells ?? []) {
                if members[cell] == nil { order.append(cell) }
                members[cell, default: []].append(index)
            }
        }
        var assigned = Set<Int>()
        let candidates = order.filter { (members[$0]?.count ?? 0) >= 2 }
            .sorted { (members[$0]?.count ?? 0) > (members[$1]?.count ?? 0) }
        for cell in candidates {
            let group = (members[cell] ?? []).filter { !assigned.contains($0) }
            guard group.count >= 2 else { continue }
            // Ambiguous when another cell is in exactly the same errors (a cause cannot be told apart).
            let set = Set(group)
            if candidates.contains(where: { $0 != cell && Set((members[$0] ?? []).filter { !assigned.contains($0) }) == set }) { continue }
            let place = Self.place(of: cell)
            for index in group { findings[index].cause = place }
            assigned.formUnion(group)
        }
    }

    /// "表1 第1行 第1栏" for a cell of the rules.
    static func place(of cell: CellRef) -> String {
        var parts: [String] = []
        if let table = cell.table { parts.append(table.description) }
        parts.append(cell.row.allSatisfy(\.isNumber) && cell.row.count <= 2 ? "第\(cell.row)行" : cell.row)
        if let column = cell.column { parts.append("第\(column)栏") }
        return parts.joined(separator: " ")
    }

    /// Findings with keys unique within one version (a repeated key gets `#2`, `#3`, …).
    static func keyed(_ findings: [Finding]) -> [StoredFinding] {
        var seen: [String: Int] = [:]
        return findings.map { finding in
            let record = FindingsDocument.Record(finding)
            var key = [record.rule, record.table ?? "", record.row ?? "", record.column ?? "", record.line.map(String.init) ?? ""]
                .joined(separator: "|")
            seen[key, default: 0] += 1
            if let count = seen[key], count > 1 { key += "#\(count)" }
            return StoredFinding(key: key, rule: record.rule, severity: record.severity, message: Uploads.scrub(record.message),
                                 table: record.table, row: record.row, column: record.column, stated: record.stated, expected: record.expected,
                                 line: record.line, page: record.page, file: record.file.map(Uploads.scrub), fileLine: record.fileLine)
        }.enumerated().map { index, finding in
            var copy = finding
            copy.place = finding.computedPlace
            copy.cells = findings[index].cells.isEmpty ? nil : findings[index].cells
            copy.family = findings[index].family
            return copy
        }
    }

    /// "表1 第27行 第1栏", "表5 2010301 第2栏", "表6 合计": where the finding is, as a reviewer says it.
    var computedPlace: String {
        var parts: [String] = []
        if let table { parts.append(table) }
        if let row { parts.append(row.allSatisfy(\.isNumber) && row.count <= 2 ? "第\(row)行" : row) }
        if let column { parts.append("第\(column)栏") }
        if parts.isEmpty, let line { parts.append("第 \(line) 行") }
        if parts.isEmpty, let file { parts.append(file + (fileLine.map { ":\($0)" } ?? "")) }
        return parts.joined(separator: " ")
    }
}

public struct VersionView: Sendable, Codable {
    public var number: Int
    public var kind: UploadKind
    public var filename: String
    public var uploadedBy: String
    public var uploadedAt: String
    public var size: Int
    public var catalogue: String
    /// `false` when the rule catalogue changed since this version was checked.
    public var catalogueCurrent: Bool
    public var errors: Int
    public var warnings: Int
    public var infos: Int
}

public struct ReportView: Sendable, Codable {
    public var year: Int
    /// 决算 or 预算.
    public var kind: ReportKind = .finalAccounts
    public var org: Org
    public var state: ReportState
    /// Increases with every change; a transition may name the revision it expects.
    public var revision: Int
    public var currentVersion: Int?
    public var errors: Int
    public var warnings: Int
    public var unexplained: Int
    public var firstError: String?
    public var updatedAt: String
    public var publishedAt: String?
    public var returnReason: String?
    public var deadline: String
    public var daysLeft: Int
    /// Why 上报 would be refused now (empty when it would be accepted).
    public var submitBlockers: [String]
    public var publicPath: String?
    public var versions: [VersionView]
    public var history: [Cycle.AuditEntry]
    /// What the caller may do to this report now (the pages show exactly these).
    public var actions: [ReportOperation] = []
    /// The year's task asks 单位负责人 to confirm before 上报; whether (and by whom, when) the report
    /// as it is now has been confirmed. Any change after the confirmation needs a new one.
    public var signoff = true
    public var confirmed = false
    public var confirmedBy: String?
    public var confirmedAt: String?
}

public struct UploadResult: Sendable, Codable {
    public var report: ReportView
    public var version: VersionView
    public var findings: [StoredFinding]
}

public struct InboxItem: Sendable, Codable {
    public var org: String
    public var name: String
    public var kind: OrgKind
    public var parent: String?
    public var state: ReportState
    public var revision: Int
    public var currentVersion: Int?
    public var errors: Int
    public var warnings: Int
    public var unexplained: Int
    public var firstError: String?
    public var updatedAt: String?
    public var publishedAt: String?
    public var daysLeft: Int
}

public struct Progress: Sendable, Codable {
    public var year: Int
    public var deadline: String
    public var daysLeft: Int
    public var total: Int
    public var byState: [String: Int]
    public var withErrors: Int
    public var unexplained: Int
    public var published: Int
}

public struct TransitionRequest: Sendable, Codable {
    public var action: Action
    public var reason: String?
    /// The revision the caller saw; when given, the transition is refused if the report changed since.
    public var revision: Int?
    public init(action: Action, reason: String? = nil, revision: Int? = nil) {
        self.action = action
        self.reason = reason
        self.revision = revision
    }
}

extension Cycle {
    /// A report's key: `2021/420103001001` for the 决算, `2025/420103001001/budget` for the 预算.
    static func reportID(_ year: Int, _ org: String, _ kind: ReportKind = .finalAccounts) -> String {
        kind == .budget ? "\(year)/\(org)/budget" : "\(year)/\(org)"
    }

    static func daysLeft(_ deadline: String, now: Date = Date()) -> Int {
        guard let day = Cycle.day(deadline) else { return 0 }
        return Int((day.timeIntervalSince(now) / 86_400).rounded(.up))
    }


    /// Everything the report page shows, read in one transaction (one snapshot): the report, the
    /// version shown (the current one when `version` is nil) with its findings, and its dataset.
    public struct PageData: Sendable {
        public var view: ReportView
        public var shown: (version: VersionView, findings: [StoredFinding], dataset: Disclosure)?
        /// 批注 by finding key.
        public var remarks: [String: [Remark]] = [:]
        /// The same year's published budget of this unit (batch-audited), item by item against the shown version's 年初预算.
        public var budget: BudgetComparison?
    }

    /// Whether two unit names are the same name: spaces, width (（ and () and case left aside.
    static func sameName(_ a: String, _ b: String) -> Bool {
        func normal(_ text: String) -> String {
            text.precomposedStringWithCompatibilityMapping.filter { !$0.isWhitespace }.lowercased()
        }
        return normal(a) == normal(b)
    }

    static func cleanFilename(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = String(last.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(120).map(Character.init))
        return cleaned.isEmpty ? "上传的文件" : cleaned
    }

    /// Why some explanations of a batch were refused (each by its finding's key); nothing was saved.
    public struct ExplanationsRefused: Error, Sendable {
        public var problems: [(key: String, error: StoreError)]
    }

    static func contentType(_ path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "pdf": "application/pdf"
        case "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case "csv": "text/csv; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        default: "application/octet-stream"
        }
    }

    /// The public address of a withdrawn report: a page that says it was withdrawn, when and why.
    static func withdrawnPage(org: Org, year: Int, kind: ReportKind = .finalAccounts, at: String, reason: String) -> String {
        let name = HTMLWriter.escape(org.name)
        return """
            <!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(name) \(year) 年度\(kind.documentName)（已撤回）</title>
            <style>body{font-family:"Noto Sans CJK SC",sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.7;color:#1f2933}</style>
            </head><body><h1>\(name) \(year) 年度\(kind.documentName)</h1>
            <p role="alert">本报告已于 \(HTMLWriter.escape(AuditWords.beijing(at).prefix(16).description)) 撤回，理由：\(HTMLWriter.escape(reason))</p>
            <p>更正后将重新公开。<a href="/public/\(year)/">\(year) 年度已公开的报告</a></p></body></html>
            """
    }

    public struct PublishedEntry: Sendable, Codable {
        public var org: String
        public var name: String
        public var publishedAt: String
        public var files: [String]
        /// The 主管部门 the unit belongs to (nil directly under the 财政局), for the index by department.
        public var department: String?
    }

    // MARK: - Inbox and progress

    public enum ProblemFilter: String, Sendable, CaseIterable {
        case errors, unexplained, clean, missing
        /// Not yet 已公开: what the bureau chases before the deadline.
        case unpublished
        /// What awaits the caller's review now: 已上报 below a 主管部门 for its reviewer; 主管部门已审核, or
        /// 已上报 directly under the 财政局, for 财政.
        case awaiting
    }
}

extension Reports {
    func ensureReport(_ db: any SQLDatabase, year: Int, org: String, kind: ReportKind = .finalAccounts) async throws {
        try await db.raw("""
            INSERT INTO reports (id, year, kind, org, state, revision, updated_at)
            VALUES (\(bind: Cycle.reportID(year, org, kind)), \(bind: year), \(bind: kind.rawValue), \(bind: org), \(bind: ReportState.drafting.rawValue), 0,
                    \(bind: Clock.stamp()))
            ON CONFLICT (id) DO NOTHING
            """).run()
    }

    // MARK: - Reading a report

    public func report(_ caller: Caller, year: Int, org code: String, kind: ReportKind = .finalAccounts) async throws -> ReportView {
        try await backend.read { db in try await self.reportView(db, caller, year: year, org: code, kind: kind) }
    }

    func reportView(_ db: any SQLDatabase, _ caller: Caller, year: Int, org code: String, kind: ReportKind = .finalAccounts) async throws -> ReportView {
        let org = try await visibleOrg(db, caller, code)
        let task = try await schedule.task(db, year, kind)
        let id = Cycle.reportID(year, code, kind)
        let row = try await db.raw("""
            SELECT r.state, r.revision, r.current_version, r.errors, r.warnings, r.unexplained, r.first_error, r.updated_at, r.published_at,
              r.return_reason, r.confirmed_revision, r.confirmed_at, COALESCE(u.name, r.confirmed_by) AS confirmed_name
            FROM reports r LEFT JOIN users u ON u.login = r.confirmed_by WHERE r.id = \(bind: id)
            """).first()
        let versions = try await db.raw("""
            SELECT \(VersionRecord.columns()) FROM versions WHERE report = \(bind: id) ORDER BY number DESC LIMIT 50
            """).all().map { try VersionRecord($0).view(current: self.catalogueVersion) }
        let history = try await db.raw("""
            SELECT \(Cycle.AuditEntry.columns()) FROM audit_log
            WHERE target = \(bind: "report:" + id) ORDER BY id DESC LIMIT 100
            """).all().map { try Cycle.AuditEntry($0) }
        let state = ReportState(rawValue: try row?.decode(column: "state", as: String.self) ?? "") ?? .drafting
        let current = try row?.decode(column: "current_version", as: Int.self) ?? 0
        var view = ReportView(
            year: year, org: org, state: state, revision: try row?.decode(column: "revision", as: Int.self) ?? 0,
            currentVersion: current > 0 ? current : nil, errors: try row?.decode(column: "errors", as: Int.self) ?? 0,
            warnings: try row?.decode(column: "warnings", as: Int.self) ?? 0,
            unexplained: try row?.decode(column: "unexplained", as: Int.self) ?? 0,
            firstError: try row?.decode(column: "first_error", as: String?.self),
            updatedAt: try row?.decode(column: "updated_at", as: String.self) ?? "",
            publishedAt: try row?.decode(column: "published_at", as: String?.self),
            returnReason: try row?.decode(column: "return_reason", as: String?.self),
            deadline: task.deadline, daysLeft: Cycle.daysLeft(task.deadline), submitBlockers: [],
            publicPath: state == .published ? kind.publicPath(year, code) : nil, versions: versions, history: history)
        view.kind = kind
        view.signoff = task.signoff
        view.confirmed = try row?.decode(column: "confirmed_revision", as: Int?.self) == view.revision && view.currentVersion != nil
        if view.confirmed {
            view.confirmedBy = try row?.decode(column: "confirmed_name", as: String?.self)
            view.confirmedAt = try row?.decode(column: "confirmed_at", as: String?.self)
        }
        view.submitBlockers = try await submitBlockers(db, view)
        let context = try await operationContext(db, caller, view)
        view.actions = Cycle.allowedOperations(context)
        return view
    }

    /// What the decision about an operation on `view` depends on, read with `db`.
    func operationContext(_ db: any SQLDatabase, _ caller: Caller, _ view: ReportView) async throws -> OperationContext {
        let callerKind = try await org(db, caller.user.org)?.kind
        var parentIsBureau = true
        if let parent = view.org.parent, let org = try await org(db, parent) { parentIsBureau = org.kind == .bureau }
        return OperationContext(role: caller.user.role, callerKind: callerKind, kind: view.kind, org: view.org, state: view.state,
                                above: caller.isAbove(view.org.path), parentIsBureau: parentIsBureau,
                                hasVersion: view.currentVersion != nil,
                                catalogueCurrent: view.versions.first?.catalogueCurrent ?? true, signoff: view.signoff, confirmed: view.confirmed)
    }

    /// Every version of a report, newest first (the report view holds the latest 50).
    public func versions(_ caller: Caller, year: Int, org code: String, kind: ReportKind = .finalAccounts,
                         paging: Paging) async throws -> Page<VersionView> {
        try await backend.read { db in
            _ = try await self.visibleOrg(db, caller, code)
            let id = Cycle.reportID(year, code, kind)
            let total = try await db.raw("SELECT COUNT(*) AS n FROM versions WHERE report = \(bind: id)").first()?.decode(column: "n", as: Int.self) ?? 0
            let rows = try await db.raw("""
                SELECT \(VersionRecord.columns()) FROM versions WHERE report = \(bind: id) ORDER BY number DESC LIMIT \(bind: paging.limit) OFFSET \(bind: paging.offset)
                """).all()
            return Page(items: try rows.map { try VersionRecord($0).view(current: self.catalogueVersion) }, total: total,
                        offset: paging.offset, limit: paging.limit)
        }
    }

    /// Why 上报 of `view` would be refused now.
    func submitBlockers(_ db: any SQLDatabase, _ view: ReportView) async throws -> [String] {
        guard view.state == .drafting else { return ["报表当前状态为“\(view.state.rawValue)”，只有“填报中”的报表可以上报"] }
        guard let number = view.currentVersion, let version = view.versions.first(where: { $0.number == number }) else {
            return ["尚未上传报表"]
        }
        var blockers: [String] = []
        if !version.catalogueCurrent {
            blockers.append("规则目录已更新（版本 \(version.catalogue) → \(catalogueVersion)），请先重新检查")
        }
        if view.errors > 0 { blockers.append("有 \(view.errors) 个错误未改正" + (view.firstError.map { "，第一个：\($0)" } ?? "")) }
        if view.unexplained > 0 { blockers.append("有 \(view.unexplained) 个警告尚未填写说明") }
        if view.signoff && !view.confirmed { blockers.append("单位负责人尚未审核确认（确认后如有修改，须重新确认）") }
        if view.org.kind != .unit {
            let pending = try await db.raw("""
                SELECT o.code, o.name, r.state FROM orgs o LEFT JOIN reports r ON r.org = o.code AND r.year = \(bind: view.year) AND r.kind = \(bind: view.kind.rawValue)
                WHERE o.parent = \(bind: view.org.code) ORDER BY o.code
                """).all().compactMap { row -> String? in
                    let state = ReportState(rawValue: try row.decode(column: "state", as: String?.self) ?? "") ?? .drafting
                    return state == .drafting ? "\(try row.decode(column: "name", as: String.self))（\(try row.decode(column: "code", as: String.self))）" : nil
                }
            if !pending.isEmpty {
                blockers.append("下属 \(pending.count) 个单位尚未上报：" + pending.prefix(10).joined(separator: "、") + (pending.count > 10 ? "等" : ""))
            }
        }
        return blockers
    }

    /// Scores and Part 3 written with the store's catalogue (for the review on the report page).
    public func reviewParts(_ dataset: Disclosure) async throws -> (scheme: ScoringScheme?, scores: [ScoredForm], narrative: [GeneratedSection]) {
        let catalog = catalog
        return try await offload { Engine.reviewParts(dataset, catalog: catalog) }
    }

    /// The same for a stored version: written once and kept (a version never changes), so a page shown again
    /// does not write Part 3 again.
    public func reviewParts(_ dataset: Disclosure, year: Int, org code: String, version: Int) async throws -> ReviewParts {
        let key = "\(Cycle.reportID(year, code))#\(version)"
        if let kept = await partsCache.get(key) { return kept }
        let parts = try await reviewParts(dataset)
        let value = ReviewParts(scheme: parts.scheme, scores: parts.scores, narrative: parts.narrative)
        await partsCache.put(key, value)
        return value
    }

    public func reportPage(_ caller: Caller, year: Int, org code: String, version: Int?) async throws -> Cycle.PageData {
        try await backend.read { db in
            let view = try await self.reportView(db, caller, year: year, org: code)
            let remarks = try await self.remarks(db, report: Cycle.reportID(year, code))
            guard view.currentVersion != nil else { return Cycle.PageData(view: view, remarks: remarks) }
            let (shown, findings) = try await self.storedFindings(db, year: year, org: code, version: version, committed: true)
            // A version's dataset never changes: decoded once (from committed data, outside any batch) and kept.
            let id = Cycle.reportID(year, code)
            let dataset: Disclosure
            if BatchTransaction.current == nil, let kept = self.datasetCache.get(id, shown.number) { dataset = kept } else {
                guard let read = try await self.storedDataset(db, year: year, org: code, version: shown.number) else {
                    throw StoreError.notFound("\(code) 的 \(year) 年度报表没有第 \(shown.number) 版。")
                }
                dataset = read
                if BatchTransaction.current == nil { self.datasetCache.put(id, shown.number, read) }
            }
            let budget = try await self.budgets.budgetComparison(db, year: year, org: code, disclosure: dataset)
            return Cycle.PageData(view: view, shown: (shown, findings, dataset), remarks: remarks, budget: budget)
        }
    }

    /// The findings of one version (the current one when `version` is nil), with explanations.
    public func findings(_ caller: Caller, year: Int, org code: String, kind: ReportKind = .finalAccounts,
                         version: Int?) async throws -> (VersionView, [StoredFinding]) {
        try await backend.read { db in
            _ = try await self.visibleOrg(db, caller, code)
            return try await self.storedFindings(db, year: year, org: code, kind: kind, version: version, committed: true)
        }
    }

    /// `committed`: `db` reads committed data (a read outside any batch): only then are the findings kept for
    /// the next reader — a version inserted by a transaction that may still roll back is never kept.
    func storedFindings(_ db: any SQLDatabase, year: Int, org code: String, kind: ReportKind = .finalAccounts,
                        version: Int?, committed: Bool = false) async throws -> (VersionView, [StoredFinding]) {
        let id = Cycle.reportID(year, code, kind)
        guard let row = try await db.raw("""
            SELECT \(VersionRecord.columns("v")) FROM versions v JOIN reports r ON r.id = v.report
            WHERE r.id = \(bind: id) AND v.number = COALESCE(CAST(\(bind: version) AS INTEGER), r.current_version)
            """).first() else {
            throw StoreError.notFound(version == nil ? "\(code) 的 \(year) 年度报表尚未上传。" : "\(code) 的 \(year) 年度报表没有第 \(version ?? 0) 版。")
        }
        let number = try row.decode(column: "number", as: Int.self)
        // A version's findings never change (a new check is a new version): read and decoded once, then kept.
        var findings: [StoredFinding]
        let keep = committed && BatchTransaction.current == nil
        if keep, let kept = findingsCache.get(id, number) {
            findings = kept
        } else {
            let text = try await db.raw("SELECT findings FROM versions WHERE report = \(bind: id) AND number = \(bind: number)").first()?
                .decode(column: "findings", as: String.self) ?? "[]"
            findings = try JSONDecoder().decode([StoredFinding].self, from: Data(text.utf8))
            StoredFinding.markCauses(&findings)
            if keep { findingsCache.put(id, number, findings) }
        }
        let explanations = try await db.raw("""
            SELECT e.finding, e.text, e.author, e.at, e.carried_from, u.name FROM explanations e LEFT JOIN users u ON u.login = e.author
            WHERE e.report = \(bind: id) AND e.version = \(bind: number)
            """).all()
        struct Written { var text: String; var author: String; var name: String?; var at: String; var carriedFrom: Int? }
        var byKey: [String: Written] = [:]
        for explanation in explanations {
            byKey[try explanation.decode(column: "finding", as: String.self)] = Written(
                text: try explanation.decode(column: "text", as: String.self), author: try explanation.decode(column: "author", as: String.self),
                name: try explanation.decode(column: "name", as: String?.self), at: try explanation.decode(column: "at", as: String.self),
                carriedFrom: try explanation.decode(column: "carried_from", as: Int?.self))
        }
        for index in findings.indices {
            if let written = byKey[findings[index].key] {
                findings[index].explanation = written.text
                findings[index].explainedBy = written.author
                findings[index].explainedByName = written.name ?? written.author
                findings[index].explainedAt = written.at
                findings[index].explanationCarriedFrom = written.carriedFrom
            }
        }
        return (try VersionRecord(row).view(current: catalogueVersion), findings)
    }

    /// The PDF of a version as a reviewer downloads it: made once and kept. A version that is not the
    /// published one carries a "草稿" watermark on every page. `make` prints it when it is not kept yet.
    /// The PDF of a version, printed with the store's own rule catalogue (loaded once) the first
    /// time it is asked for and kept; a draft (anything not published) carries a watermark.
    public func versionPDF(_ caller: Caller, year: Int, org code: String, version: Int?) async throws -> Data {
        let catalog = catalog, rules = rules
        return try await versionPDF(caller, year: year, org: code, version: version) { dataset, draft in
            let publication = try await self.offload {
                do { return try Publisher.build(dataset, catalog: catalog, rules: rules, source: code, pdf: true, draft: draft) } catch {
                    throw StoreError(Problem(error))
                }
            }
            guard let data = publication.published["report.pdf"] else {
                throw StoreError.unavailable(publication.pdfProblem?.message ?? "无法生成 PDF。")
            }
            return data
        }
    }

    /// The same, with the printing given (tests count how often it runs).
    public func versionPDF(_ caller: Caller, year: Int, org code: String, version: Int?,
                           make: @escaping @Sendable (Disclosure, Bool) async throws -> Data) async throws -> Data {
        let id = Cycle.reportID(year, code)
        let (view, dataset) = try await backend.read { db -> (ReportView, Disclosure?) in
            (try await self.reportView(db, caller, year: year, org: code), try await self.storedDataset(db, year: year, org: code, version: version))
        }
        guard let dataset, let number = version ?? view.currentVersion else { throw StoreError.notFound("\(code) 的 \(year) 年度报表尚未上传。") }
        let draft = !(view.state == .published && number == view.currentVersion)
        if let kept = try await backend.read({ db in
            try await db.raw("""
                SELECT content FROM version_pdfs WHERE report = \(bind: id) AND version = \(bind: number) AND draft = \(bind: draft ? 1 : 0)
                """).first()?.decode(column: "content", as: Data.self)
        }) { return kept }
        let data = try await timed(.pdf) { try await make(dataset, draft) }
        try await backend.write { db in
            try await db.raw("""
                INSERT INTO version_pdfs (report, version, draft, content, made_at)
                VALUES (\(bind: id), \(bind: number), \(bind: draft ? 1 : 0), \(bind: data), \(bind: Clock.stamp())) ON CONFLICT DO NOTHING
                """).run()
        }
        return data
    }

    /// The dataset of a version (the current one when `version` is nil).
    public func dataset(_ caller: Caller, year: Int, org code: String, version: Int?) async throws -> Disclosure {
        try await backend.read { db in
            _ = try await self.visibleOrg(db, caller, code)
            guard let disclosure = try await self.storedDataset(db, year: year, org: code, version: version) else {
                throw StoreError.notFound("\(code) 的 \(year) 年度报表" + (version.map { "没有第 \($0) 版。" } ?? "尚未上传。"))
            }
            return disclosure
        }
    }

    func storedDataset(_ db: any SQLDatabase, year: Int, org code: String, version: Int?) async throws -> Disclosure? {
        try await storedDataset(db, report: Cycle.reportID(year, code), version: version)
    }

    /// The dataset of a version of report `id` (the current one when `version` is nil), decoded as the engine's
    /// `Disclosure` (决算) or `BudgetDataset` (预算).
    func storedDataset<Dataset: Decodable>(_ db: any SQLDatabase, report id: String, version: Int?) async throws -> Dataset? {
        guard let text = try await storedDatasetText(db, report: id, version: version) else { return nil }
        return try JSONDecoder().decode(Dataset.self, from: Data(text.utf8))
    }

    /// The dataset of a version of report `id` as stored (JSON), not decoded.
    func storedDatasetText(_ db: any SQLDatabase, report id: String, version: Int?) async throws -> String? {
        let row: (any SQLRow)?
        if let version {
            row = try await db.raw("SELECT dataset FROM versions WHERE report = \(bind: id) AND number = \(bind: version)").first()
        } else {
            row = try await db.raw("""
                SELECT v.dataset FROM versions v JOIN reports r ON r.id = v.report AND v.number = r.current_version WHERE r.id = \(bind: id)
                """).first()
        }
        guard let row else { return nil }
        return try row.decode(column: "dataset", as: String.self)
    }

    // MARK: - Uploading a version

    /// Stores an upload as a new version, checked on arrival. Nothing is stored from an upload that
    /// cannot be read.
    public func upload(_ caller: Caller, year: Int, org code: String, kind: ReportKind = .finalAccounts, filename: String,
                       bytes: Data) async throws -> UploadResult {
        if kind == .budget { return try await budgets.uploadBudget(caller, year: year, org: code, filename: filename, bytes: bytes) }
        try require(caller, .prepare, "上传报表")
        try TextInput.check(filename, "文件名“\(Cycle.cleanFilename(filename))”")
        // Only a ledger (text) is merged onto the current version; a workbook or a dataset (ZIP) replaces it.
        let mergesOntoCurrent = !bytes.starts(with: [0x50, 0x4B, 0x03, 0x04])
        let (org, task, baseText, previous) = try await backend.read { db -> (Org, Cycle.Task, String?, Disclosure?) in
            let org = try await self.visibleOrg(db, caller, code)
            let task = try await self.schedule.task(db, year)
            return (org, task, mergesOntoCurrent ? try await self.storedDatasetText(db, report: Cycle.reportID(year, code), version: nil) : nil,
                    try await self.previousYear(db, year: year, org: code))
        }
        guard org.kind == .unit else {
            throw StoreError.conflict("“\(org.name)”是\(org.kind.rawValue)：它的报表是下属单位的汇总，请用“汇总”生成，不能上传。")
        }
        let limits = settings.limits, catalog = catalog, rules = rules
        let safeName = Cycle.cleanFilename(filename)
        let (kind, disclosure, findings) = try await timed(.check) { try await offload { () throws -> (UploadKind, Disclosure, [Finding]) in
            let base = { () throws -> Disclosure? in try baseText.map { try JSONDecoder().decode(Disclosure.self, from: Data($0.utf8)) } }
            let (kind, disclosure) = try Uploads.read(bytes, filename: safeName, base: base, limits: limits, catalog: catalog, rules: rules,
                                                      unit: org.name, year: year)
            return (kind, disclosure, Engine.check(disclosure, rules: rules, catalog: catalog))
        } }
        let allFindings = findings + openingFindings(disclosure, previous: previous)
        guard disclosure.year == year else {
            throw StoreError.invalid("“\(safeName)”是 \(disclosure.year) 年度的报表，而这是 \(year) 年度的任务。")
        }
        // A file naming another unit is refused: nothing of one unit is stored as another's.
        let named = disclosure.unit.trimmingCharacters(in: .whitespacesAndNewlines)
        if !named.isEmpty, Cycle.sameName(named, org.name) == false {
            throw StoreError.invalid("“\(safeName)”是“\(named.prefix(80))”的报表，而这是“\(org.name)”（\(org.code)）的报表：不能存为本单位的版本，未保存。")
        }
        _ = task
        return try await storeVersion(caller, org: org, year: year, kind: kind, filename: safeName, content: bytes,
                                      disclosure: disclosure, findings: allFindings)
    }

    /// Checks the current version again under the rule catalogue in force, as a new version.
    public func recheck(_ caller: Caller, year: Int, org code: String, kind: ReportKind = .finalAccounts) async throws -> UploadResult {
        if kind == .budget { return try await budgets.recheckBudget(caller, year: year, org: code) }
        try require(caller, .prepare, "重新检查报表")
        let (org, base, previous) = try await backend.read { db -> (Org, Disclosure?, Disclosure?) in
            (try await self.visibleOrg(db, caller, code), try await self.storedDataset(db, year: year, org: code, version: nil),
             try await self.previousYear(db, year: year, org: code))
        }
        guard let base else { throw StoreError.conflict("尚未上传报表，无法重新检查。") }
        let catalog = catalog, rules = rules
        let findings = try await offload { Engine.check(base, rules: rules, catalog: catalog) } + openingFindings(base, previous: previous)
        let content = Data(Cycle.compact(base).utf8)
        return try await storeVersion(caller, org: org, year: year, kind: .recheck, filename: "重新检查", content: content,
                                      disclosure: base, findings: findings)
    }

    func storeVersion(_ caller: Caller, org: Org, year: Int, kind: UploadKind, filename: String, content: Data,
                      disclosure: Disclosure, findings: [Finding]) async throws -> UploadResult {
        try await storeVersion(caller, org: org, year: year, report: .finalAccounts, kind: kind, filename: filename, content: content,
                               dataset: Cycle.compact(disclosure), summary: Summary.encode(disclosure), findings: findings)
    }

    /// Stores a checked version of a report of either kind: its dataset (the engine's JSON: a disclosure or a
    /// budget), what consolidation reads of it, and its findings.
    func storeVersion(_ caller: Caller, org: Org, year: Int, report reportKind: ReportKind, kind: UploadKind, filename: String, content: Data,
                      dataset datasetJSON: String, summary: String?, findings: [Finding]) async throws -> UploadResult {
        let number = try await insertVersion(caller, org: org, year: year, report: reportKind, kind: kind, filename: filename, content: content,
                                             dataset: datasetJSON, summary: summary, findings: findings)
        let (report, (version, withExplanations)) = try await backend.read { db in
            (try await self.reportView(db, caller, year: year, org: org.code, kind: reportKind),
             try await self.storedFindings(db, year: year, org: org.code, kind: reportKind, version: number, committed: true))
        }
        return UploadResult(report: report, version: version, findings: withExplanations)
    }

    /// Stores a checked version (as `storeVersion`) and returns its number alone: for a bulk load, which does
    /// not show the report after each one.
    func insertVersion(_ caller: Caller, org: Org, year: Int, report reportKind: ReportKind, kind: UploadKind, filename: String, content: Data,
                       dataset datasetJSON: String, summary: String?, findings: [Finding]) async throws -> Int {
        let stored = StoredFinding.keyed(findings)
        let findingsJSON = Cycle.compact(stored)
        let errors = findings.count(.error), warnings = findings.count(.warning), infos = findings.count(.info)
        let first = stored.first { $0.severity == .error }.map { "\($0.place)：\($0.message)" }
        let id = Cycle.reportID(year, org.code, reportKind)
        let catalogue = catalogueVersion
        let now = Clock.stamp()
        return try await backend.write { db -> Int in
            try await self.ensureReport(db, year: year, org: org.code, kind: reportKind)
            // The row is locked by this update (PostgreSQL) or the whole database is (SQLite): two
            // uploads at once get two numbers, and an upload after 上报 is refused.
            guard let row = try await db.raw("""
                UPDATE reports SET current_version = current_version + 1, revision = revision + 1, errors = \(bind: errors),
                  warnings = \(bind: warnings), unexplained = \(bind: warnings), first_error = \(bind: first), updated_at = \(bind: now)
                WHERE id = \(bind: id) AND state = \(bind: ReportState.drafting.rawValue) RETURNING current_version
                """).first() else {
                let state = try await db.raw("SELECT state FROM reports WHERE id = \(bind: id)").first()?.decode(column: "state", as: String.self)
                throw StoreError.conflict("报表当前状态为“\(state ?? "?")”，只有“填报中”的报表可以上传新版本（被退回后即可上传）。")
            }
            let number = try row.decode(column: "current_version", as: Int.self)
            try await db.raw("""
                INSERT INTO versions (report, number, kind, filename, uploaded_by, uploaded_at, size, content, dataset, catalogue,
                  errors, warnings, infos, findings, summary)
                VALUES (\(bind: id), \(bind: number), \(bind: kind.rawValue), \(bind: filename), \(bind: caller.user.login), \(bind: now),
                  \(bind: content.count), \(bind: content), \(bind: datasetJSON), \(bind: catalogue), \(bind: errors), \(bind: warnings),
                  \(bind: infos), \(bind: findingsJSON), \(bind: summary))
                """).run()
            let carried = try await self.carryExplanations(db, report: id, to: number, findings: stored)
            try await self.log(db, caller, action: kind == .recheck ? "recheck" : (kind == .consolidation ? "consolidate" : "upload"),
                               org: org, target: "report:\(id)", after: "第 \(number) 版",
                               detail: "\(kind.chineseName)“\(filename)”：错误 \(errors)，警告 \(warnings)，提示 \(infos)"
                                   + (carried > 0 ? "；沿用上一版的说明 \(carried) 条" : ""))
            return number
        }
    }

    // MARK: - Explanations

    /// Writes (or rewrites) the explanation of one warning of a version. Errors cannot be explained
    /// away: they must be corrected.
    public func explain(_ caller: Caller, year: Int, org code: String, kind: ReportKind = .finalAccounts, version: Int, finding key: String,
                        text: String) async throws -> StoredFinding {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            try require(caller, .prepare, "填写说明")
            throw StoreError.invalid("说明不能为空。")
        }
        do {
            let saved = try await explain(caller, year: year, org: code, kind: kind, version: version, [(key, text)])
            guard let finding = saved.first else { throw StoreError.notFound("第 \(version) 版没有编号为“\(key)”的问题。") }
            return finding
        } catch let refused as Cycle.ExplanationsRefused {
            throw refused.problems.first?.error ?? StoreError.invalid("说明未保存。")
        }
    }

    /// Writes the explanations of several warnings of a version together, in one transaction: all
    /// are saved, or none (with the reason of each refused one). An empty text leaves its warning as
    /// it is; a text equal to the one stored is not written again. Returns the findings explained.
    public func explain(_ caller: Caller, year: Int, org code: String, kind: ReportKind = .finalAccounts, version: Int,
                        _ entries: [(key: String, text: String)]) async throws -> [StoredFinding] {
        try require(caller, .prepare, "填写说明")
        var problems: [(key: String, error: StoreError)] = []
        var wanted: [(key: String, text: String)] = []
        for (key, raw) in entries {
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { continue }
            do {
                try TextInput.check(text, "说明", multiline: true)
                guard text.count <= 2000 else { throw StoreError.invalid("说明不超过 2000 字（现有 \(text.count) 字）。") }
                wanted.append((key, text))
            } catch let error as StoreError {
                problems.append((key, error))
            }
        }
        if !problems.isEmpty { throw Cycle.ExplanationsRefused(problems: problems) }
        guard !wanted.isEmpty else { return [] }
        let id = Cycle.reportID(year, code, kind)
        let entries = wanted
        return try await backend.write { db in
            var problems: [(key: String, error: StoreError)] = []
            let org = try await self.visibleOrg(db, caller, code)
            // Compare-and-set in this transaction: the row is locked from here (PostgreSQL) or the whole
            // database is (SQLite), so a 上报 on another server either waits for these explanations (and then
            // finds the revision changed) or has already left 填报中 (and this finds no row).
            guard try await db.raw("""
                UPDATE reports SET revision = revision + 1, updated_at = \(bind: Clock.stamp())
                WHERE id = \(bind: id) AND state = \(bind: ReportState.drafting.rawValue) AND current_version = \(bind: version)
                RETURNING revision
                """).first() != nil else {
                let row = try await db.raw("SELECT state, current_version FROM reports WHERE id = \(bind: id)").first()
                let state = try row?.decode(column: "state", as: String.self)
                let current = try row?.decode(column: "current_version", as: Int.self)
                if state == ReportState.drafting.rawValue, let current {
                    throw StoreError.conflict("第 \(version) 版不是当前版本（现为第 \(current) 版）：旧版本的说明不能再改。")
                }
                throw StoreError.conflict("报表当前状态为“\(state ?? "未上传")”，只有“填报中”的报表可以填写说明。")
            }
            let (_, findings) = try await self.storedFindings(db, year: year, org: code, kind: kind, version: version)
            var byKey: [String: StoredFinding] = [:]
            for finding in findings { byKey[finding.key] = finding }
            var written: [StoredFinding] = []
            for (key, text) in entries {
                guard var finding = byKey[key] else {
                    problems.append((key, .notFound("第 \(version) 版没有编号为“\(key)”的问题。")))
                    continue
                }
                guard finding.severity == .warning else {
                    problems.append((key, .conflict(finding.severity == .error ? "错误不能用说明代替，请改正后重新上传。" : "提示无需说明。")))
                    continue
                }
                // An explanation says why: a few letters or characters at least, not a full stop.
                let meaningful = text.unicodeScalars.filter { CharacterSet.letters.contains($0) || CharacterSet.decimalDigits.contains($0) }.count
                guard meaningful >= 4 else {
                    problems.append((key, .invalid("说明要写清原因（至少 4 个字），“\(text.prefix(20))”没有说明什么。")))
                    continue
                }
                let before = finding.explanation
                if before == text && finding.explanationCarriedFrom == nil {
                    written.append(finding)
                    continue
                }
                if before != nil {
                    try await db.raw("""
                        UPDATE explanations SET text = \(bind: text), author = \(bind: caller.user.login), at = \(bind: Clock.stamp()), carried_from = NULL
                        WHERE report = \(bind: id) AND version = \(bind: version) AND finding = \(bind: key)
                        """).run()
                } else {
                    try await db.raw("""
                        INSERT INTO explanations (report, version, finding, text, author, at)
                        VALUES (\(bind: id), \(bind: version), \(bind: key), \(bind: text), \(bind: caller.user.login), \(bind: Clock.stamp()))
                        """).run()
                }
                try await self.log(db, caller, action: "explain", org: org, target: "report:\(id)", before: before, after: text,
                                   detail: "第 \(version) 版 \(finding.rule) \(finding.place)")
                finding.explanation = text
                finding.explainedBy = caller.user.login
                finding.explainedByName = caller.user.name
                finding.explanationCarriedFrom = nil
                written.append(finding)
            }
            // Refused ones roll the whole transaction back: all or nothing.
            if !problems.isEmpty { throw Cycle.ExplanationsRefused(problems: problems) }
            try await self.refreshUnexplained(db, id: id)
            return written
        }
    }

    /// Copies the previous version's explanations to version `number` for every warning that persists
    /// unchanged (same key, message and figures), marked with the version they were written for. Returns
    /// how many were carried; the report's count of unexplained warnings is brought up to date.
    func carryExplanations(_ db: any SQLDatabase, report id: String, to number: Int, findings: [StoredFinding]) async throws -> Int {
        guard number > 1, let previousRow = try await db.raw("""
            SELECT findings FROM versions WHERE report = \(bind: id) AND number = \(bind: number - 1)
            """).first() else { return 0 }
        let previous = (try? JSONDecoder().decode([StoredFinding].self, from: Data(try previousRow.decode(column: "findings", as: String.self).utf8))) ?? []
        let before = Dictionary(previous.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let rows = try await db.raw("""
            SELECT finding, text, author, at, carried_from FROM explanations WHERE report = \(bind: id) AND version = \(bind: number - 1)
            """).all()
        var carried = 0
        for row in rows {
            let key = try row.decode(column: "finding", as: String.self)
            guard let now = findings.first(where: { $0.key == key }), now.severity == .warning, let then = before[key],
                  then.message == now.message, then.stated == now.stated, then.expected == now.expected else { continue }
            let origin = try row.decode(column: "carried_from", as: Int?.self) ?? (number - 1)
            try await db.raw("""
                INSERT INTO explanations (report, version, finding, text, author, at, carried_from)
                VALUES (\(bind: id), \(bind: number), \(bind: key), \(bind: try row.decode(column: "text", as: String.self)),
                        \(bind: try row.decode(column: "author", as: String.self)), \(bind: try row.decode(column: "at", as: String.self)), \(bind: origin))
                """).run()
            carried += 1
        }
        if carried > 0 { try await refreshUnexplained(db, id: id) }
        return carried
    }

    func refreshUnexplained(_ db: any SQLDatabase, id: String) async throws {
        try await db.raw("""
            UPDATE reports SET revision = revision + 1, updated_at = \(bind: Clock.stamp()), unexplained = warnings - (
              SELECT COUNT(*) FROM explanations e WHERE e.report = reports.id AND e.version = reports.current_version)
            WHERE id = \(bind: id)
            """).run()
    }

    // MARK: - Sign-off

    /// 审核确认: 单位负责人 confirms the report as it is now (its current version and explanations).
    /// A compare-and-set on the state and the revision the person saw; recorded in the audit log.
    /// Any later change (a version, an explanation) raises the revision and needs a new confirmation.
    public func confirm(_ caller: Caller, year: Int, org code: String, kind: ReportKind = .finalAccounts,
                        revision expected: Int?) async throws -> ReportView {
        let id = Cycle.reportID(year, code, kind)
        try await backend.write { db in
            let view = try await self.reportView(db, caller, year: year, org: code, kind: kind)
            if let refused = Cycle.refusal(.confirm, try await self.operationContext(db, caller, view)) { throw refused }
            if let expected, expected != view.revision {
                throw StoreError.conflict("报表已被他人修改（您看到的是第 \(expected) 次修改，现为第 \(view.revision) 次），请刷新后再确认。")
            }
            guard try await db.raw("""
                UPDATE reports SET revision = revision + 1, confirmed_revision = revision + 1, confirmed_by = \(bind: caller.user.login),
                  confirmed_at = \(bind: Clock.stamp()), updated_at = \(bind: Clock.stamp())
                WHERE id = \(bind: id) AND state = \(bind: ReportState.drafting.rawValue) AND revision = \(bind: view.revision)
                RETURNING revision
                """).first() != nil else {
                throw StoreError.conflict("报表状态已被他人改变，请刷新后再确认。")
            }
            try await self.log(db, caller, action: "confirm", org: view.org, target: "report:\(id)",
                               detail: "第 \(view.currentVersion ?? 0) 版：错误 \(view.errors)，警告 \(view.warnings)（未说明 \(view.unexplained)）")
        }
        return try await report(caller, year: year, org: code, kind: kind)
    }

    // MARK: - Transitions

    /// 上报, 退回, 审核通过, 公开: each a compare-and-set on the state (and on the revision when the
    /// caller names one), recorded in the audit log in the same transaction.
    public func transition(_ caller: Caller, year: Int, org code: String, kind: ReportKind = .finalAccounts,
                           _ request: TransitionRequest) async throws -> ReportView {
        let (view, context) = try await backend.read { db -> (ReportView, OperationContext) in
            let view = try await self.reportView(db, caller, year: year, org: code, kind: kind)
            return (view, try await self.operationContext(db, caller, view))
        }
        var reason = request.reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if reason?.isEmpty == true { reason = nil }
        if let reason, reason.count > 2000 { throw StoreError.invalid("理由不超过 2000 字（现有 \(reason.count) 字）。") }
        if let reason { try TextInput.check(reason, "理由", multiline: true) }
        if request.action == .return, reason == nil, context.callerKind.map({ $0.roles.contains(context.role) || context.role == .admin }) == true {
            throw StoreError.invalid("退回必须填写理由。")
        }
        if let refused = Cycle.refusal(ReportOperation(request.action), context) { throw refused }
        let target: ReportState
        switch request.action {
        case .submit:
            if !view.submitBlockers.isEmpty {
                throw StoreError.conflict("不能上报：" + view.submitBlockers.joined(separator: "；") + "。")
            }
            target = .submitted
        case .return: target = .drafting
        case .approve: target = context.role == .reviewer ? .departmentApproved : .financeApproved
        case .publish: target = .published
        case .withdraw:
            guard reason != nil else { throw StoreError.invalid("撤回必须填写理由（将显示在公开页面上）。") }
            target = .drafting
        }
        if let expected = request.revision, expected != view.revision {
            throw StoreError.conflict("报表已被他人修改（您看到的是第 \(expected) 次修改，现为第 \(view.revision) 次），请刷新后再操作。")
        }
        let files: [String: Data] = target == .published ? try await publishing.publicationFiles(view) : [:]
        let id = Cycle.reportID(year, code, kind)
        let document = "\(year) 年度\(kind.documentName)"
        let from = view.state, revision = view.revision
        let now = Clock.stamp()
        let storedReason = request.action == .return || request.action == .withdraw ? reason : nil
        let detail = reason
        try await backend.write { db in
            guard try await db.raw("""
                UPDATE reports SET state = \(bind: target.rawValue), revision = revision + 1, updated_at = \(bind: now),
                  return_reason = \(bind: storedReason), published_at = \(bind: target == .published ? now : nil)
                WHERE id = \(bind: id) AND state = \(bind: from.rawValue) AND revision = \(bind: revision) RETURNING revision
                """).first() != nil else {
                throw StoreError.conflict("报表状态已被他人改变，请刷新后再操作。")
            }
            for (path, data) in files.sorted(by: { $0.key < $1.key }) {
                try await db.raw("""
                    INSERT INTO publications (report, path, content, content_type, version, published_at)
                    VALUES (\(bind: id), \(bind: path), \(bind: data), \(bind: Cycle.contentType(path)), \(bind: view.currentVersion ?? 0), \(bind: now))
                    """).run()
            }
            try await self.log(db, caller, action: request.action.rawValue, org: view.org, target: "report:\(id)",
                               before: from.rawValue, after: target.rawValue, detail: detail)
            // Tell the people concerned, in the same transaction.
            let link = kind.appPath(year, code)
            let who = "\(caller.user.name)（\(caller.user.role.chineseName)）"
            switch request.action {
            case .return:
                try await self.messages.notify(db, org: code, roles: [.filler, .head], kind: "return", title: "\(document)被退回",
                                      body: "\(who)退回了报表，理由：\(detail ?? "")", link: link)
            case .approve:
                try await self.messages.notify(db, org: code, roles: [.filler, .head], kind: "approve", title: "\(document)\(target.rawValue)",
                                      body: "\(who)审核通过了报表。", link: link)
                if target == .financeApproved, let version = view.currentVersion {
                    // The public package is made now, beside the server, so that 公开 does not wait for it.
                    try await db.raw("DELETE FROM prepare_queue WHERE report = \(bind: id)").run()
                    try await db.raw("""
                        INSERT INTO prepare_queue (report, year, kind, org, version)
                        VALUES (\(bind: id), \(bind: year), \(bind: kind.rawValue), \(bind: code), \(bind: version))
                        """).run()
                }
                if target == .departmentApproved, let bureau = try await self.messages.bureauOf(db, view.org) {
                    try await self.messages.notify(db, org: bureau, roles: [.finance], kind: "awaiting", title: "待审核：\(view.org.name)",
                                          body: "\(view.org.name)的\(document)已经主管部门审核，等待财政审核。", link: link)
                }
            case .publish:
                try await db.raw("DELETE FROM prepared WHERE report = \(bind: id)").run()
                try await self.messages.notify(db, org: code, roles: [.filler, .head], kind: "publish", title: "\(document)已公开",
                                      body: "已公开：\(kind.publicPath(year, code))", link: kind.publicPath(year, code))
                // Published again after a 撤回: an 更正, dated, with the reason the public was given.
                if let withdrawn = try await db.raw("""
                    SELECT reason FROM corrections WHERE report = \(bind: id) AND kind = 'withdraw' ORDER BY id DESC LIMIT 1
                    """).first()?.decode(column: "reason", as: String.self) {
                    try await db.raw("""
                        INSERT INTO corrections (report, at, kind, reason, actor) VALUES (\(bind: id), \(bind: now), 'correct', \(bind: withdrawn),
                        \(bind: caller.user.login))
                        """).run()
                }
            case .withdraw:
                try await db.raw("DELETE FROM publications WHERE report = \(bind: id)").run()
                try await db.raw("""
                    INSERT INTO corrections (report, at, kind, reason, actor) VALUES (\(bind: id), \(bind: now), 'withdraw', \(bind: detail ?? ""),
                    \(bind: caller.user.login))
                    """).run()
                try await self.messages.notify(db, org: code, roles: [.filler, .head], kind: "withdraw", title: "\(document)已撤回",
                                      body: "\(who)撤回了已公开的报表，理由：\(detail ?? "")。请更正后重新上报；再次公开时公开页面写明更正。", link: link)
            case .submit:
                if let parent = view.org.parent {
                    try await self.messages.notify(db, org: parent, roles: [.reviewer, .finance], kind: "awaiting", title: "待审核：\(view.org.name)",
                                          body: "\(view.org.name)上报了\(document)。", link: link)
                }
            }
        }
        return try await report(caller, year: year, org: code, kind: kind)
    }

    /// The reports of every organisation below the caller's (not the caller's own), with state and
    /// problems: the reviewer's inbox.
    public func inbox(_ caller: Caller, year: Int, kind: ReportKind = .finalAccounts, state: ReportState?, problem: Cycle.ProblemFilter?,
                      query: String?, paging: Paging) async throws -> Page<InboxItem> {
        try await backend.read { db in
            let task = try await self.schedule.task(db, year, kind)
            let like = Cycle.likePattern(query)
            let stateText = state?.rawValue
            let problemText = problem?.rawValue
            let awaiting: SQLQueryString = switch caller.user.role {
            case .reviewer: "(r.state = '已上报' AND COALESCE(p.kind, '财政局') <> '财政局')"
            case .finance: "(r.state = '主管部门已审核' OR (r.state = '已上报' AND COALESCE(p.kind, '财政局') = '财政局'))"
            default: "1 = 0"
            }
            let filter: SQLQueryString = """
                FROM orgs o LEFT JOIN reports r ON r.org = o.code AND r.year = \(bind: year) AND r.kind = \(bind: kind.rawValue)
                LEFT JOIN orgs p ON p.code = o.parent
                WHERE \(Subtree.below("o.path", caller.user.orgPath, self.backend.dialect))
                AND (CAST(\(bind: like) AS TEXT) IS NULL OR o.name LIKE \(bind: like) OR o.code LIKE \(bind: like))
                AND (CAST(\(bind: stateText) AS TEXT) IS NULL OR COALESCE(r.state, '填报中') = \(bind: stateText))
                AND (CAST(\(bind: problemText) AS TEXT) IS NULL
                     OR (CAST(\(bind: problemText) AS TEXT) = 'errors' AND r.errors > 0)
                     OR (CAST(\(bind: problemText) AS TEXT) = 'unexplained' AND r.unexplained > 0)
                     OR (CAST(\(bind: problemText) AS TEXT) = 'clean' AND r.current_version > 0 AND r.errors = 0 AND r.unexplained = 0)
                     OR (CAST(\(bind: problemText) AS TEXT) = 'missing' AND COALESCE(r.current_version, 0) = 0)
                     OR (CAST(\(bind: problemText) AS TEXT) = 'unpublished' AND COALESCE(r.state, '填报中') <> '已公开')
                     OR (CAST(\(bind: problemText) AS TEXT) = 'awaiting' AND \(awaiting)))
                """
            // Counted over the caller's whole subtree: kept until something is committed.
            let token = try await self.backend.changeToken(db)
            let key = ["inbox", caller.user.role.rawValue, caller.user.orgPath, "\(year)", kind.rawValue, stateText ?? "", problemText ?? "", like ?? ""]
                .joined(separator: "|")
            let total: Int
            if let token, let kept: Int = self.counts.get(key, token) { total = kept } else {
                total = try await db.raw("SELECT COUNT(*) AS n \(filter)").first()?.decode(column: "n", as: Int.self) ?? 0
                if let token { self.counts.put(key, token, total) }
            }
            let rows = try await db.raw("""
                SELECT o.code, o.name, o.kind, o.parent, r.state, r.revision, r.current_version, r.errors, r.warnings, r.unexplained,
                  r.first_error, r.updated_at, r.published_at \(filter)
                ORDER BY o.path LIMIT \(bind: paging.limit) OFFSET \(bind: paging.offset)
                """).all()
            let days = Cycle.daysLeft(task.deadline)
            let items = try rows.map { row in
                let current = try row.decode(column: "current_version", as: Int?.self) ?? 0
                return InboxItem(
                    org: try row.decode(column: "code", as: String.self), name: try row.decode(column: "name", as: String.self),
                    kind: OrgKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .unit,
                    parent: try row.decode(column: "parent", as: String?.self),
                    state: ReportState(rawValue: try row.decode(column: "state", as: String?.self) ?? "") ?? .drafting,
                    revision: try row.decode(column: "revision", as: Int?.self) ?? 0, currentVersion: current > 0 ? current : nil,
                    errors: try row.decode(column: "errors", as: Int?.self) ?? 0, warnings: try row.decode(column: "warnings", as: Int?.self) ?? 0,
                    unexplained: try row.decode(column: "unexplained", as: Int?.self) ?? 0,
                    firstError: try row.decode(column: "first_error", as: String?.self),
                    updatedAt: try row.decode(column: "updated_at", as: String?.self),
                    publishedAt: try row.decode(column: "published_at", as: String?.self), daysLeft: days)
            }
            return Page(items: items, total: total, offset: paging.offset, limit: paging.limit)
        }
    }

    /// Counts by state below the caller, and the days left to the publication deadline.
    public func progress(_ caller: Caller, year: Int, kind: ReportKind = .finalAccounts) async throws -> Progress {
        try await backend.read { db in
            // Counted over the caller's whole subtree: kept until something is committed.
            let token = try await self.backend.changeToken(db)
            let task = try await self.schedule.task(db, year, kind)
            struct Counted: Sendable { var byState: [String: Int]; var errors: Int; var unexplained: Int }
            let key = ["progress", caller.user.orgPath, "\(year)", kind.rawValue].joined(separator: "|")
            let counted: Counted
            if let token, let kept: Counted = self.counts.get(key, token) { counted = kept } else {
                let rows = try await db.raw("""
                    SELECT COALESCE(r.state, '填报中') AS state, COUNT(*) AS n, SUM(CASE WHEN r.errors > 0 THEN 1 ELSE 0 END) AS e,
                      SUM(CASE WHEN r.unexplained > 0 THEN 1 ELSE 0 END) AS u
                    FROM orgs o LEFT JOIN reports r ON r.org = o.code AND r.year = \(bind: year) AND r.kind = \(bind: kind.rawValue)
                    WHERE \(Subtree.below("o.path", caller.user.orgPath, self.backend.dialect))
                    GROUP BY COALESCE(r.state, '填报中')
                    """).all()
                var byState = Dictionary(uniqueKeysWithValues: ReportState.allCases.map { ($0.rawValue, 0) })
                var errors = 0, unexplained = 0
                for row in rows {
                    byState[try row.decode(column: "state", as: String.self)] = try row.decode(column: "n", as: Int.self)
                    errors += try row.decode(column: "e", as: Int?.self) ?? 0
                    unexplained += try row.decode(column: "u", as: Int?.self) ?? 0
                }
                counted = Counted(byState: byState, errors: errors, unexplained: unexplained)
                if let token { self.counts.put(key, token, counted) }
            }
            let (byState, errors, unexplained) = (counted.byState, counted.errors, counted.unexplained)
            let total = byState.values.reduce(0, +)
            return Progress(year: year, deadline: task.deadline, daysLeft: Cycle.daysLeft(task.deadline), total: total, byState: byState,
                            withErrors: errors, unexplained: unexplained, published: byState[ReportState.published.rawValue] ?? 0)
        }
    }
}

/// Part 3 as written from a version, and its forms scored by the rules.
public struct ReviewParts: Sendable {
    public var scheme: ScoringScheme?
    public var scores: [ScoredForm]
    public var narrative: [GeneratedSection]
}

/// Counts over a subtree, each kept with the change token it was counted under (`Backend.changeToken`):
/// given again only while the token is the same, that is while nothing was committed.
final class CountCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (token: String, value: any Sendable)] = [:]
    private let limit = 1024

    func get<Value: Sendable>(_ key: String, _ token: String) -> Value? {
        lock.lock(); defer { lock.unlock() }
        guard let entry = entries[key], entry.token == token else { return nil }
        return entry.value as? Value
    }

    func put(_ key: String, _ token: String, _ value: any Sendable) {
        lock.lock(); defer { lock.unlock() }
        // Every entry of an older token is dead: they go first.
        if entries.count >= limit { entries = entries.filter { $0.value.token == token } }
        if entries.count >= limit { entries.removeAll() }
        entries[key] = (token, value)
    }
}

/// What was read of the versions read most recently (their findings, their datasets), by report and version
/// number. Versions are immutable, so what is kept is never out of date, on any server; explanations are read
/// apart, every time. Only what was read committed is kept (see `storedFindings`).
final class VersionCache<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: Value] = [:]
    private var order: [String] = []
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    /// How many values are kept.
    var count: Int { lock.lock(); defer { lock.unlock() }; return entries.count }

    func get(_ report: String, _ version: Int) -> Value? {
        lock.lock(); defer { lock.unlock() }
        return entries["\(report)#\(version)"]
    }

    func put(_ report: String, _ version: Int, _ value: Value) {
        let key = "\(report)#\(version)"
        lock.lock(); defer { lock.unlock() }
        if entries[key] == nil { order.append(key) }
        entries[key] = value
        while order.count > limit { entries[order.removeFirst()] = nil }
    }
}

/// The 汇总 views computed most recently (at most `limit` nodes), each with the fingerprint of what it was made from.
actor SummaryCache {
    private var entries: [String: (fingerprint: String, view: Cycle.ConsolidatedView)] = [:]
    private var order: [String] = []
    private let limit = 64

    func get(_ key: String, _ fingerprint: String) -> Cycle.ConsolidatedView? {
        guard let entry = entries[key], entry.fingerprint == fingerprint else { return nil }
        return entry.view
    }

    func put(_ key: String, _ fingerprint: String, _ view: Cycle.ConsolidatedView) {
        if entries[key] == nil { order.append(key) }
        entries[key] = (fingerprint, view)
        while order.count > limit { entries[order.removeFirst()] = nil }
    }
}

/// The review parts of the versions shown most recently (at most `limit`), by report and version.
actor PartsCache {
    private var entries: [String: ReviewParts] = [:]
    private var order: [String] = []
    private let limit = 200

    func get(_ key: String) -> ReviewParts? { entries[key] }

    func put(_ key: String, _ value: ReviewParts) {
        if entries[key] == nil { order.append(key) }
        entries[key] = value
        while order.count > limit { entries[order.removeFirst()] = nil }
    }
}
