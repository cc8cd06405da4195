import Foundation
import Juesuan
import JuesuanXLSX
import SQLKit

/// Batch audit of published reports: files queued in the database (a durable queue that survives a
/// restart), worked by any server, each result matched to an organisation unit by name.
extension Cycle {
    public enum JobState: String, Sendable, Codable {
        case queued = "排队中"
        case running = "审查中"
        case done = "已完成"
        case failed = "失败"
    }

    public struct Job: Sendable, Codable {
        public var id: Int
        public var filename: String
        public var state: JobState
        public var attempts: Int
        public var error: String?
        /// The unit named in the report, and the organisation it was matched to.
        public var unit: String?
        public var matchedOrg: String?
        public var errors: Int
        public var warnings: Int
        /// The year the document is of, and its kind (部门预算 / 部门决算), once audited.
        public var reportYear: Int?
        public var kind: String?
    }

    public struct Batch: Sendable, Codable {
        public var id: Int
        public var name: String
        public var year: Int
        public var createdBy: String
        public var createdAt: String
        public var total: Int
        public var done: Int
        public var failed: Int
        public var jobs: Page<Job>?
    }

    static let maxAttempts = 3
    static let leaseSeconds = 120

    /// One document of a batch with what the audit found: its findings and the bureau's 检查表.
    public struct JobDetail: Sendable {
        public var batch: Batch
        public var job: Job
        public var findings: [StoredFinding]
        public var checklist: Checklist?
        /// The tables read from a final accounts document (nil for a budget, or a file audited before they were kept).
        public var dataset: Disclosure?
    }

    /// A CSV field, quoted when it must be; a leading = + - @ (a formula in Excel) quoted with an apostrophe.
    public static func csvField(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@".contains(first) { value = "'" + value }
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }
}

extension BatchAudits {
    public func createBatch(_ caller: Caller, year: Int, name: String) async throws -> Cycle.Batch {
        try require(caller, .runBatches, "批量审查")
        guard (2000...2100).contains(year) else { throw StoreError.invalid("年度“\(year)”不在 2000–2100 之间。") }
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else { throw StoreError.invalid("批次名称不能为空，且不超过 200 字。") }
        try TextInput.check(name, "批次名称")
        let now = Clock.stamp()
        return try await backend.write { db in
            let org = try await self.visibleOrg(db, caller, caller.user.org)
            guard let row = try await db.raw("""
                INSERT INTO batches (name, created_by, org, year, created_at)
                VALUES (\(bind: name), \(bind: caller.user.login), \(bind: org.code), \(bind: year), \(bind: now)) RETURNING id
                """).first() else { throw StoreError.unavailable("无法创建批次。") }
            let id = try row.decode(column: "id", as: Int.self)
            try await self.log(db, caller, action: "batch-created", org: org, target: "batch:\(id)", after: name)
            return Cycle.Batch(id: id, name: name, year: year, createdBy: caller.user.login, createdAt: now, total: 0, done: 0, failed: 0, jobs: nil)
        }
    }

    func visibleBatch(_ db: any SQLDatabase, _ caller: Caller, _ id: Int) async throws -> (Cycle.Batch, Org) {
        try require(caller, .seeBatches, "查看批量审查")
        guard let row = try await db.raw("""
            SELECT \(BatchRecord.columns()) FROM batches b WHERE b.id = \(bind: id)
            """).first() else { throw StoreError.notFound("没有编号为 \(id) 的批次。") }
        let record = try BatchRecord(row)
        let org = try await visibleOrg(db, caller, record.org)
        return (record.batch, org)
    }

    public func batches(_ caller: Caller, paging: Paging) async throws -> Page<Cycle.Batch> {
        try require(caller, .seeBatches, "查看批量审查")
        return try await backend.read { db in
            let total = try await db.raw("SELECT COUNT(*) AS n FROM batches b JOIN orgs o ON o.code = b.org WHERE \(Subtree.sql("o.path", caller.user.orgPath, self.backend.dialect))")
                .first()?.decode(column: "n", as: Int.self) ?? 0
            let rows = try await db.raw("""
                SELECT \(BatchRecord.columns()) FROM batches b JOIN orgs o ON o.code = b.org WHERE \(Subtree.sql("o.path", caller.user.orgPath, self.backend.dialect))
                ORDER BY b.id DESC LIMIT \(bind: paging.limit) OFFSET \(bind: paging.offset)
                """).all()
            return Page(items: try rows.map { try BatchRecord($0).batch }, total: total, offset: paging.offset, limit: paging.limit)
        }
    }

    public func batch(_ caller: Caller, id: Int, paging: Paging) async throws -> Cycle.Batch {
        try await backend.read { db in
            var (batch, _) = try await self.visibleBatch(db, caller, id)
            let rows = try await db.raw("""
                SELECT \(JobRecord.columns()) FROM jobs WHERE batch = \(bind: id)
                ORDER BY id LIMIT \(bind: paging.limit) OFFSET \(bind: paging.offset)
                """).all()
            batch.jobs = Page(items: try rows.map { try JobRecord($0).job }, total: batch.total, offset: paging.offset, limit: paging.limit)
            return batch
        }
    }


    /// Queues one published report (PDF, or its extracted text) in a batch.
    /// Checks a file for a batch before anything is queued: a name without control characters, not
    /// empty, not too large, a PDF or UTF-8 text. Throws the reason in Chinese.
    public func checkBatchFile(filename: String, bytes: Data) throws {
        try TextInput.check(filename, "文件名“\(Cycle.cleanFilename(filename))”")
        let name = Cycle.cleanFilename(filename)
        guard !bytes.isEmpty else { throw StoreError.unsupported("“\(name)”是空文件。") }
        guard bytes.count <= settings.limits.body else { throw StoreError.tooLarge("“\(name)”超过上限 \(settings.limits.body) 字节。") }
        let isPDF = bytes.starts(with: Array("%PDF".utf8))
        guard isPDF || String(data: bytes, encoding: .utf8) != nil else {
            throw StoreError.unsupported("“\(name)”既不是 PDF，也不是 UTF-8 文本：批量审查只接受已公开报告的 PDF 或其提取的文本。")
        }
    }

    /// Queues several files at once, all or none: one bad file refuses the whole upload with its reason.
    public func addBatchFiles(_ caller: Caller, batch id: Int, files: [(filename: String, bytes: Data)]) async throws -> [Cycle.Job] {
        try require(caller, .runBatches, "批量审查")
        for file in files { try checkBatchFile(filename: file.filename, bytes: file.bytes) }
        var jobs: [Cycle.Job] = []
        for file in files { jobs.append(try await addBatchFile(caller, batch: id, filename: file.filename, bytes: file.bytes)) }
        return jobs
    }

    public func addBatchFile(_ caller: Caller, batch id: Int, filename: String, bytes: Data) async throws -> Cycle.Job {
        try require(caller, .runBatches, "批量审查")
        try checkBatchFile(filename: filename, bytes: bytes)
        let name = Cycle.cleanFilename(filename)
        let now = Clock.stamp()
        return try await backend.write { db in
            let (_, org) = try await self.visibleBatch(db, caller, id)
            guard let row = try await db.raw("""
                INSERT INTO jobs (batch, filename, content, state, created_at, updated_at)
                VALUES (\(bind: id), \(bind: name), \(bind: bytes), \(bind: Cycle.JobState.queued.rawValue), \(bind: now), \(bind: now)) RETURNING id
                """).first() else { throw StoreError.unavailable("无法加入队列。") }
            let job = try row.decode(column: "id", as: Int.self)
            try await self.log(db, caller, action: "batch-file", org: org, target: "batch:\(id)", after: name)
            return Cycle.Job(id: job, filename: name, state: .queued, attempts: 0, error: nil, unit: nil, matchedOrg: nil, errors: 0, warnings: 0)
        }
    }

    /// Takes the next queued job (or one whose worker died: its lease ran out), audits it and stores
    /// the result. Returns false when there was nothing to do.
    public func processNextJob() async throws -> Bool {
        let now = Clock.epoch()
        let lease = now + Cycle.leaseSeconds
        let claimed = try await backend.write { db -> (Int, String, Data, Int)? in
            guard let candidate = try await db.raw("""
                SELECT id FROM jobs WHERE state = '排队中' OR (state = '审查中' AND lease_until < \(bind: now)) ORDER BY id LIMIT 1
                """).first() else { return nil }
            let id = try candidate.decode(column: "id", as: Int.self)
            guard let row = try await db.raw("""
                UPDATE jobs SET state = '审查中', attempts = attempts + 1, lease_until = \(bind: lease), updated_at = \(bind: Clock.stamp())
                WHERE id = \(bind: id) AND (state = '排队中' OR (state = '审查中' AND lease_until < \(bind: now)))
                RETURNING id, filename, content, attempts
                """).first() else { return nil }
            return (id, try row.decode(column: "filename", as: String.self), try row.decode(column: "content", as: Data.self),
                    try row.decode(column: "attempts", as: Int.self))
        }
        guard let (id, filename, content, attempts) = claimed else { return false }
        if attempts > Cycle.maxAttempts {
            try await finishJob(id, state: .failed, error: "审查 \(Cycle.maxAttempts) 次均未完成（服务器可能在审查中停止），已放弃。")
            return true
        }
        let catalog = catalog, rules = rules
        do {
            let (unit, findings, checklist, kind, dataset) = try await offload { () throws -> (String, [Finding], Checklist, String, String?) in
                try Uploads.withTemporary { folder in
                    let file = folder.appendingPathComponent(content.starts(with: Array("%PDF".utf8)) ? "report.pdf" : "report.txt")
                    try content.write(to: file)
                    do {
                        // A budget (部门预算) by its own layout and catalogue.
                        let text = try PublishedText.read(file, displayName: filename)
                        if let layout = BudgetReader.recognize(text) {
                            let budget = BudgetReader.read(text, layout: layout)
                            let findings = BudgetAuditor(rules: try RuleCatalogue.budget(), language: rules, catalog: catalog).audit(budget)
                            return (budget.department, findings, Checklist.make(budget: budget, findings: findings, source: filename),
                                    budget.scope.rawValue + "预算", Cycle.compact(budget.dataset()))
                        }
                        let report = try ReportReader.read(text, catalog: catalog)
                        let findings = Engine.audit(report, rules: rules, catalog: catalog)
                        // The bureau's 检查表 is made now, while the document's structure is at hand (the
                        // content is not kept after the audit).
                        return (report.disclosure.unit, findings, Checklist.make(report, findings: findings, source: filename), "部门决算",
                                Cycle.compact(report.disclosure))
                    } catch {
                        throw StoreError(Problem(error, path: filename)).replacing(file.path, with: filename)
                    }
                }
            }
            let stored = StoredFinding.keyed(findings)
            try await backend.write { db in
                // Matched only within the subtree of the batch's owner: never a unit they may not see.
                let scope = try await db.raw("""
                    SELECT o.path FROM jobs j JOIN batches b ON b.id = j.batch JOIN orgs o ON o.code = b.org WHERE j.id = \(bind: id)
                    """).first()?.decode(column: "path", as: String.self)
                let matched = try await scope.asyncMap { try await self.matchOrg(db, unit, within: $0) } ?? nil
                try await db.raw("""
                    UPDATE jobs SET state = '已完成', error = NULL, unit = \(bind: unit), matched_org = \(bind: matched),
                      report_year = \(bind: checklist.year > 0 ? checklist.year : nil), kind = \(bind: kind),
                      checklist = \(bind: Cycle.compact(checklist)), dataset = \(bind: dataset),
                      errors = \(bind: findings.count(.error)), warnings = \(bind: findings.count(.warning)),
                      findings = \(bind: Cycle.compact(stored)), updated_at = \(bind: Clock.stamp()), content = \(bind: Data())
                    WHERE id = \(bind: id)
                    """).run()
            }
        } catch let error as StoreError where error.reason != .internal {
            // The file itself cannot be read (or a tool is missing): retrying will not help.
            try await finishJob(id, state: .failed, error: error.detail)
        } catch {
            if attempts >= Cycle.maxAttempts {
                try await finishJob(id, state: .failed, error: "审查失败：\(String(describing: error).prefix(300))")
            } else {
                try await backend.write { db in
                    try await db.raw("UPDATE jobs SET state = '排队中', lease_until = 0, error = \(bind: String(describing: error).prefix(300).description) WHERE id = \(bind: id)").run()
                }
            }
        }
        return true
    }

    func finishJob(_ id: Int, state: Cycle.JobState, error: String) async throws {
        try await backend.write { db in
            try await db.raw("""
                UPDATE jobs SET state = \(bind: state.rawValue), error = \(bind: error), updated_at = \(bind: Clock.stamp()) WHERE id = \(bind: id)
                """).run()
        }
    }

    /// The organisation of the subtree `root` whose name is the report's unit name (exactly, or after
    /// removing spaces).
    func matchOrg(_ db: any SQLDatabase, _ unit: String, within root: String) async throws -> String? {
        let name = unit.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return nil }
        if let row = try await db.raw("SELECT code FROM orgs WHERE name = \(bind: name) AND \(Subtree.sql("path", root, self.backend.dialect)) ORDER BY code LIMIT 1").first() {
            return try row.decode(column: "code", as: String.self)
        }
        let squeezed = name.filter { !$0.isWhitespace }
        if squeezed != name, let row = try await db.raw("""
            SELECT code FROM orgs WHERE name = \(bind: squeezed) AND \(Subtree.sql("path", root, self.backend.dialect)) ORDER BY code LIMIT 1
            """).first() {
            return try row.decode(column: "code", as: String.self)
        }
        return nil
    }

    public func batchJob(_ caller: Caller, batch id: Int, job: Int) async throws -> Cycle.JobDetail {
        try await backend.read { db in
            let (batch, _) = try await self.visibleBatch(db, caller, id)
            guard let row = try await db.raw("""
                SELECT \(JobRecord.columns()), findings, checklist, dataset FROM jobs
                WHERE batch = \(bind: id) AND id = \(bind: job)
                """).first() else { throw StoreError.notFound("批次 \(id) 中没有编号为 \(job) 的文件。") }
            let findings = try row.decode(column: "findings", as: String?.self).map { try JSONDecoder().decode([StoredFinding].self, from: Data($0.utf8)) } ?? []
            let checklist = try row.decode(column: "checklist", as: String?.self).flatMap { try? JSONDecoder().decode(Checklist.self, from: Data($0.utf8)) }
            // A budget's row holds its budget.json (read by the links on the final accounts' page), not a disclosure.
            let isBudget = try row.decode(column: "kind", as: String?.self)?.hasSuffix("预算") == true
            let dataset = isBudget ? nil : try row.decode(column: "dataset", as: String?.self).flatMap {
                try? JSONDecoder().decode(Disclosure.self, from: Data($0.utf8))
            }
            return Cycle.JobDetail(batch: batch, job: try JobRecord(row).job, findings: findings, checklist: checklist, dataset: dataset)
        }
    }

    /// Every finding of every document of a batch, as JSON, CSV or XLSX.
    public func exportBatch(_ caller: Caller, id: Int, format: String) async throws -> (Data, String, String) {
        let (batch, rows) = try await backend.read { db in
            let (batch, _) = try await self.visibleBatch(db, caller, id)
            let rows = try await db.raw("""
                SELECT \(JobRecord.columns()), findings, checklist FROM jobs
                WHERE batch = \(bind: id) ORDER BY id
                """).all()
            return (batch, try rows.map { row -> (Cycle.Job, [StoredFinding], Checklist?) in
                let text = try row.decode(column: "findings", as: String?.self)
                let findings = try text.map { try JSONDecoder().decode([StoredFinding].self, from: Data($0.utf8)) } ?? []
                let checklist = try row.decode(column: "checklist", as: String?.self).flatMap { try? JSONDecoder().decode(Checklist.self, from: Data($0.utf8)) }
                return (try JobRecord(row).job, findings, checklist)
            })
        }
        let header = ["文件", "单位", "匹配单位编码", "规则", "级别", "位置", "页", "行", "所列", "应为", "说明"]
        var table: [[String]] = []
        for (job, findings, _) in rows {
            if findings.isEmpty {
                table.append([job.filename, job.unit ?? "", job.matchedOrg ?? "", "", "", "", "", "", "", "", job.error ?? job.state.rawValue])
            }
            for finding in findings {
                table.append([job.filename, job.unit ?? "", job.matchedOrg ?? "", finding.rule, finding.severity.chineseName, finding.place,
                              finding.page.map(String.init) ?? "", finding.line.map(String.init) ?? "", finding.stated ?? "",
                              finding.expected ?? "", finding.message])
            }
        }
        let base = "批量审查-\(batch.id)"
        switch format {
        case "json":
            struct Document: Encodable { var batch: Cycle.Batch; var documents: [Entry] }
            struct Entry: Encodable { var job: Cycle.Job; var findings: [StoredFinding] }
            let document = Document(batch: batch, documents: rows.map { Entry(job: $0.0, findings: $0.1) })
            return (Data(JSONText.encode(document).utf8), "application/json", base + ".json")
        case "csv":
            let text = ([header] + table).map { $0.map(Cycle.csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
            return (Data(("\u{FEFF}" + text).utf8), "text/csv; charset=utf-8", base + ".csv")
        case "xlsx":
            let rows = table
            let data = try await offload { try SimpleSheet.xlsx(title: "批量审查", header: header, rows: rows) }
            return (data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", base + ".xlsx")
        case "checklist":
            // The same 检查表 as `juesuan audit --checklist`: a summary row and a sheet per document audited.
            let lists = rows.compactMap(\.2)
            guard !lists.isEmpty else { throw StoreError.conflict("批次中还没有审查完成的文件，无法生成检查表。") }
            let data = try await offload { try ChecklistWorkbook.data(lists) }
            return (data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", base + "-检查表.xlsx")
        default:
            throw StoreError.badRequest("format 应为 json、csv、xlsx 或 checklist。")
        }
    }
}

extension Optional {
    func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

extension BatchAudits {
    /// Jobs waiting or running, by state (for the server's metrics; no caller: counts only).
    public func queueDepth() async throws -> [String: Int] {
        try await backend.read { db in
            var counts: [String: Int] = [:]
            for row in try await db.raw("SELECT state, COUNT(*) AS n FROM jobs WHERE state IN ('排队中', '审查中') GROUP BY state").all() {
                counts[try row.decode(column: "state", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
            return counts
        }
    }
}
