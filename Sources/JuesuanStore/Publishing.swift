import Foundation
import Juesuan
import JuesuanNarrative
import JuesuanRender
import JuesuanConsolidate
import SQLKit

extension Publishing {
    /// The published files of the disclosure package of the current version: as prepared when 财政 approved
    /// it, or made now when they are not (yet) there.
    func publicationFiles(_ view: ReportView) async throws -> [String: Data] {
        let id = Cycle.reportID(view.year, view.org.code, view.kind)
        if let version = view.currentVersion {
            let prepared = try await backend.read { db in
                try await db.raw("SELECT path, content FROM prepared WHERE report = \(bind: id) AND version = \(bind: version)").all().map {
                    (try $0.decode(column: "path", as: String.self), try $0.decode(column: "content", as: Data.self))
                }
            }
            if !prepared.isEmpty { return Dictionary(prepared, uniquingKeysWith: { a, _ in a }) }
        }
        return try await makePublicationFiles(year: view.year, org: view.org.code, kind: view.kind, version: view.currentVersion,
                                              name: "\(view.org.code)-\(view.year)")
    }

    /// The public package of the current version, made from its dataset (the PDF printed when set so).
    func makePublicationFiles(year: Int, org code: String, kind: ReportKind = .finalAccounts, version: Int?,
                              name: String) async throws -> [String: Data] {
        if kind == .budget { return try await budgets.makeBudgetPublication(year: year, org: code, version: version, name: name) }
        let disclosure = try await backend.read { db in try await self.reports.storedDataset(db, year: year, org: code, version: version) }
        guard let disclosure else { throw StoreError.conflict("报表没有版本，无法公开。") }
        let catalog = catalog, rules = rules, pdf = settings.publishPDF
        let publication = try await timed(.publish) { try await offload {
            do {
                return try Publisher.build(disclosure, catalog: catalog, rules: rules, source: name, pdf: pdf)
            } catch { throw StoreError(Problem(error)) }
        } }
        if let problem = publication.pdfProblem { logger.warning("report.pdf 未生成：\(problem.message)") }
        return publication.published
    }

    /// Makes the public package of the next version 财政 approved (the worker beside the server calls it), so
    /// that 公开 only copies it. A version approved again, or published meanwhile, is not overwritten by an
    /// older package. Returns false when nothing waits.
    public func prepareNextPublication() async throws -> Bool {
        let now = Clock.epoch()
        let claimed = try await backend.write { db -> (String, Int, ReportKind, String, Int, Int)? in
            guard let row = try await db.raw("""
                SELECT report FROM prepare_queue WHERE lease_until < \(bind: now) ORDER BY report LIMIT 1
                """).first() else { return nil }
            let report = try row.decode(column: "report", as: String.self)
            guard let claimed = try await db.raw("""
                UPDATE prepare_queue SET lease_until = \(bind: now + 600), attempts = attempts + 1
                WHERE report = \(bind: report) AND lease_until < \(bind: now) RETURNING report, year, kind, org, version, attempts
                """).first() else { return nil }
            return (report, try claimed.decode(column: "year", as: Int.self),
                    ReportKind(rawValue: try claimed.decode(column: "kind", as: String.self)) ?? .finalAccounts,
                    try claimed.decode(column: "org", as: String.self),
                    try claimed.decode(column: "version", as: Int.self), try claimed.decode(column: "attempts", as: Int.self))
        }
        guard let (report, year, kind, org, version, attempts) = claimed else { return false }
        guard attempts <= 3 else {
            // Given up: 公开 makes the package at the click, as without the worker.
            try await backend.write { db in try await db.raw("DELETE FROM prepare_queue WHERE report = \(bind: report)").run() }
            return true
        }
        let files = try await makePublicationFiles(year: year, org: org, kind: kind, version: version, name: "\(org)-\(year)")
        try await backend.write { db in
            guard try await db.raw("""
                DELETE FROM prepare_queue WHERE report = \(bind: report) AND version = \(bind: version) RETURNING report
                """).first() != nil else { return }
            try await db.raw("DELETE FROM prepared WHERE report = \(bind: report)").run()
            for (path, data) in files.sorted(by: { $0.key < $1.key }) {
                try await db.raw("""
                    INSERT INTO prepared (report, version, path, content) VALUES (\(bind: report), \(bind: version), \(bind: path), \(bind: data))
                    """).run()
            }
        }
        return true
    }

    // MARK: - Public

    /// A published file, without login; nil unless the report is 已公开.
    public func publicFile(year: Int, org code: String, kind: ReportKind = .finalAccounts, path: String) async throws -> (Data, String)? {
        let id = Cycle.reportID(year, code, kind)
        return try await backend.read { db -> (Data, String)? in
            let corrections = try await db.raw("SELECT at, kind, reason FROM corrections WHERE report = \(bind: id) ORDER BY id").all().map {
                (at: try $0.decode(column: "at", as: String.self), kind: try $0.decode(column: "kind", as: String.self),
                 reason: try $0.decode(column: "reason", as: String.self))
            }
            guard let row = try await db.raw("""
                SELECT p.content, p.content_type FROM publications p JOIN reports r ON r.id = p.report
                WHERE p.report = \(bind: id) AND p.path = \(bind: path) AND r.state = \(bind: ReportState.published.rawValue)
                """).first() else {
                // Withdrawn and not yet published again: the page says so, and why.
                guard path == "index.html", let last = corrections.last, last.kind == "withdraw",
                      let org = try await self.org(db, code) else { return nil }
                return (Data(Cycle.withdrawnPage(org: org, year: year, kind: kind, at: last.at, reason: last.reason).utf8), "text/html; charset=utf-8")
            }
            var content = try row.decode(column: "content", as: Data.self)
            let corrected = corrections.filter { $0.kind == "correct" }
            if path == "index.html", !corrected.isEmpty {
                // 更正: each correction with its date and reason, under the title.
                let list = "<section class=\"corrections\" role=\"note\"><h2>更正说明</h2><ul>" + corrected.map {
                    "<li>\(HTMLWriter.escape(AuditWords.beijing($0.at).prefix(10).description)) 更正：\(HTMLWriter.escape($0.reason))</li>"
                }.joined() + "</ul></section>"
                let page = String(decoding: content, as: UTF8.self)
                if let header = page.range(of: "</header>") {
                    content = Data(page.replacingCharacters(in: header, with: "</header>" + list).utf8)
                }
            }
            return (content, try row.decode(column: "content_type", as: String.self))
        }
    }

    /// The name of the jurisdiction: the 财政局 at the root of the tree (shown on the public pages).
    public func jurisdiction() async throws -> String? {
        try await backend.read { db in
            try await db.raw("SELECT name FROM orgs WHERE parent IS NULL ORDER BY code LIMIT 1").first()?.decode(column: "name", as: String.self)
        }
    }

    /// Every unit published for `year`.
    public func published(year: Int, kind: ReportKind = .finalAccounts, paging: Paging) async throws -> Page<Cycle.PublishedEntry> {
        try await backend.read { db in
            let total = try await db.raw("""
                SELECT COUNT(*) AS n FROM reports WHERE year = \(bind: year) AND kind = \(bind: kind.rawValue) AND state = \(bind: ReportState.published.rawValue)
                """).first()?.decode(column: "n", as: Int.self) ?? 0
            let rows = try await db.raw("""
                SELECT r.org, o.name, r.published_at, p.name AS parent_name, p.kind AS parent_kind
                FROM reports r JOIN orgs o ON o.code = r.org LEFT JOIN orgs p ON p.code = o.parent
                WHERE r.year = \(bind: year) AND r.kind = \(bind: kind.rawValue) AND r.state = \(bind: ReportState.published.rawValue)
                ORDER BY o.path LIMIT \(bind: paging.limit) OFFSET \(bind: paging.offset)
                """).all()
            var items: [Cycle.PublishedEntry] = []
            for row in rows {
                let org = try row.decode(column: "org", as: String.self)
                let files = try await db.raw("""
                    SELECT path FROM publications WHERE report = \(bind: Cycle.reportID(year, org, kind)) ORDER BY path
                    """).all().map { try $0.decode(column: "path", as: String.self) }
                let parentKind = try row.decode(column: "parent_kind", as: String?.self)
                items.append(Cycle.PublishedEntry(org: org, name: try row.decode(column: "name", as: String.self),
                                            publishedAt: try row.decode(column: "published_at", as: String?.self) ?? "", files: files,
                                            department: parentKind == OrgKind.department.rawValue ? try row.decode(column: "parent_name", as: String?.self) : nil))
            }
            return Page(items: items, total: total, offset: paging.offset, limit: paging.limit)
        }
    }
}
