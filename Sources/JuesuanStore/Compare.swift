import Crypto
import Foundation
import JuesuanXLSX
import Juesuan
import JuesuanConsolidate
import SQLKit

/// Comparing versions, and a 主管部门's report as the consolidation of its units.
extension Cycle {
    public enum CompareBase: String, Sendable, Codable {
        case previous
        case lastYear = "last-year"
    }

    public struct CellChange: Sendable, Codable, Equatable {
        public var table: String
        public var row: String
        public var label: String
        public var column: Int
        public var columnName: String
        /// Amounts in 元, as printed (`nil`: the cell is not there).
        public var before: String?
        public var after: String?
    }

    public struct FigureChange: Sendable, Codable, Equatable {
        public var figure: String
        public var before: String?
        public var after: String?
    }

    public struct Comparison: Sendable, Codable {
        public var year: Int
        public var org: String
        public var version: Int
        /// "第 N 版" or "YYYY 年度已公开报表".
        public var base: String
        public var baseYear: Int
        public var baseVersion: Int?
        public var cells: [CellChange]
        public var figures: [FigureChange]
    }

    static func cellChanges(_ before: Disclosure, _ after: Disclosure) -> [CellChange] {
        var changes: [CellChange] = []
        for id in TableID.allCases {
            let old = before.tables[id], new = after.tables[id]
            guard old != nil || new != nil else { continue }
            let oldRows = Dictionary((old?.rows ?? []).map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
            let newRows = Dictionary((new?.rows ?? []).map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
            let columns = Dictionary(((new ?? old)?.columns ?? []).map { ($0.number, $0.name) }, uniquingKeysWith: { first, _ in first })
            let keys = Set(oldRows.keys).union(newRows.keys).sorted()
            for key in keys {
                let a = oldRows[key], b = newRows[key]
                for column in Set((a?.cells.keys).map(Array.init) ?? []).union((b?.cells.keys).map(Array.init) ?? []).sorted() {
                    let x = a?.cells[column], y = b?.cells[column]
                    // An empty cell and a printed 0.00 are the same amount.
                    guard (x ?? .zero) != (y ?? .zero) else { continue }
                    changes.append(CellChange(table: id.description, row: key.description, label: (b ?? a)?.label ?? "", column: column,
                                              columnName: columns[column] ?? "第\(column)栏",
                                              before: x.map { $0.formatted(unit: .yuan) }, after: y.map { $0.formatted(unit: .yuan) }))
                }
            }
        }
        return changes
    }

    /// The narrative figures (上年数, 年初预算, 三公 details, 政府采购, 资产, texts…) flattened and compared.
    static func figureChanges(_ before: Disclosure, _ after: Disclosure) -> [FigureChange] {
        let a = flatten(before.figures), b = flatten(after.figures)
        return Set(a.keys).union(b.keys).sorted().compactMap { key in
            a[key] == b[key] ? nil : FigureChange(figure: key, before: a[key], after: b[key])
        }
    }

    static func flatten<T: Encodable>(_ value: T) -> [String: String] {
        guard let data = try? JSONEncoder().encode(value), let object = try? JSONSerialization.jsonObject(with: data) else { return [:] }
        var out: [String: String] = [:]
        func walk(_ node: Any, _ path: String) {
            if let dictionary = node as? [String: Any] {
                for (key, child) in dictionary where key != "source" { walk(child, path.isEmpty ? key : "\(path).\(key)") }
            } else if let array = node as? [Any] {
                for (index, child) in array.enumerated() { walk(child, "\(path)[\(index + 1)]") }
            } else if !(node is NSNull) {
                out[path] = "\(node)"
            }
        }
        walk(object, "")
        return out
    }

    // MARK: - Consolidation

    public struct ConsolidatedView: Sendable, Codable {
        public var year: Int
        public var org: Org
        public var units: Int
        /// Units below without a version (left out of the sum).
        public var missing: [String]
        public var dataset: Disclosure
        public var errors: Int
        public var warnings: Int
        public var findings: [StoredFinding]
    }
}

extension Consolidating {
    /// The direct children's current datasets, summed, with internal transfers eliminated. `live`: a child
    /// with children of its own but no version yet (a 主管部门 that has not made its 汇总) is summed from
    /// its own children now, level by level (for a view of the whole jurisdiction; a stored 汇总 needs versions).
    func consolidation(_ db: any SQLDatabase, year: Int, org: Org, live: Bool = false, depth: Int = 0) async throws
        -> (Disclosure, units: Int, missing: [String]) {
        // First what each child has (its report's current version, and whether that version has a summary), not the
        // summaries themselves: most of them are already summed in a kept run.
        let rows = try await db.raw("""
            SELECT \(OrgRecord.columns("o")), r.id AS report, v.number, CASE WHEN v.summary IS NULL THEN 0 ELSE 1 END AS summarised
            FROM orgs o
            LEFT JOIN reports r ON r.org = o.code AND r.year = \(bind: year) AND r.kind = 'final'
            LEFT JOIN versions v ON v.report = r.id AND v.number = r.current_version
            WHERE o.parent = \(bind: org.code) ORDER BY o.code
            """).all()
        // Runs of `settings.consolidationRun` children in code order, each run's units summed once and kept under the
        // versions they hold (a version never changes): a new version re-sums its run only. Runs are counted over all
        // children, so that a unit's first version does not move the others into other runs.
        let length = max(1, settings.consolidationRun)
        var runs: [[String]] = [], runOf: [Int] = []
        var summarised = 0, unsummarised: [String] = [], missing: [String] = []
        var nested: [Disclosure] = []
        for (position, row) in rows.enumerated() {
            if let number = try row.decode(column: "number", as: Int?.self) {
                let report = try row.decode(column: "report", as: String.self)
                if try row.decode(column: "summarised", as: Int.self) != 0 {
                    if runOf.last != position / length { runs.append([]); runOf.append(position / length) }
                    runs[runs.count - 1].append("\(report)#\(number)")
                    summarised += 1
                } else {
                    unsummarised.append(report)
                }
            } else {
                let child = try OrgRecord(row).org
                if live, child.kind != .unit, depth < 16,
                   let below = try? await consolidation(db, year: year, org: child, live: true, depth: depth + 1) {
                    nested.append(below.0)
                    missing += below.missing
                } else {
                    missing.append("\(child.name)（\(child.code)）")
                }
            }
        }
        let count = summarised + unsummarised.count + nested.count
        guard count > 0 else { throw StoreError.conflict("“\(org.name)”下属单位都还没有上传报表，无法汇总。") }
        // Not kept inside a batch that may roll back.
        let keep = BatchTransaction.of(backend) == nil
        let keys = runs.map { Cycle.hex(SHA256.hash(data: Data(("\(year)|\(length)|" + $0.joined(separator: ",")).utf8))) }
        var partials: [Disclosure?] = keys.map { keep ? runSums.get($0, 0) : nil }
        let wanted = partials.indices.filter { partials[$0] == nil }
        // The summaries of the runs not kept, and the datasets of versions stored before summaries, read now.
        let reports = wanted.flatMap { runs[$0] }.map { String($0[..<$0.lastIndex(of: "#")!]) }
        let texts = try await currentVersions(db, reports: reports, column: .summary)
        let datasets = try await currentVersions(db, reports: unsummarised, column: .dataset)
        guard reports.allSatisfy({ texts[$0] != nil }), unsummarised.allSatisfy({ datasets[$0] != nil }) else {
            throw StoreError.unavailable("有单位的版本在汇总时发生了变化，请重试。")
        }
        let catalog = catalog
        let name = org.name
        let runTexts = wanted.map { index in runs[index].map { texts[String($0[..<$0.lastIndex(of: "#")!])]! } }
        let slow = unsummarised.map { datasets[$0]! }
        let sums = nested
        let (summedRuns, decoded) = try await offload { () throws -> ([Disclosure], [Disclosure]) in
            // Summaries read many times faster than datasets; versions stored before them are decoded
            // from their JSON (on every core).
            guard let units = Summary.decode(runTexts.flatMap { $0 }) else { throw StoreError.unavailable("有单位的版本摘要无法读取。") }
            var starts: [Int] = [0]
            for run in runTexts { starts.append(starts.last! + run.count) }
            let offsets = starts
            let summed = try Parallel.map(runTexts.count) { index in
                Result { () throws(ConsolidationError) -> Disclosure in
                    try Consolidation.sum(Array(units[offsets[index]..<offsets[index + 1]]), name: name, catalog: catalog)
                }
            }.map { result in
                do { return try result.get() } catch { throw StoreError.invalid("汇总失败：\(error)") }
            }
            let decoded = Parallel.map(slow.count) { index in try? JSONDecoder().decode(Disclosure.self, from: Data(slow[index].utf8)) }
            guard decoded.allSatisfy({ $0 != nil }) else { throw StoreError.unavailable("有单位的版本数据无法读取。") }
            return (summed, decoded.map { $0! })
        }
        for (position, index) in wanted.enumerated() {
            partials[index] = summedRuns[position]
            if keep { runSums.put(keys[index], 0, summedRuns[position]) }
        }
        let inputs = partials.map { $0! } + decoded + sums
        let summed = try await offload { () throws -> Disclosure in
            var total: Disclosure
            do { total = try Consolidation.combine(inputs, units: count, name: name, catalog: catalog) } catch {
                throw StoreError.invalid("汇总失败：\(error)")
            }
            _ = Consolidation.eliminateInternalTransfers(&total, catalog: catalog)
            return total
        }
        return (summed, count, missing)
    }

    /// What a version keeps for 汇总: its summary, or (stored before summaries) its dataset.
    enum VersionText { case summary, dataset }

    /// The summary or dataset of the current version of each report in `reports`, by report.
    func currentVersions(_ db: any SQLDatabase, reports: [String], column: VersionText) async throws -> [String: String] {
        var found: [String: String] = [:]
        for start in stride(from: 0, to: reports.count, by: 500) {
            let chunk = Array(reports[start..<min(start + 500, reports.count)])
            let text: SQLQueryString = column == .summary ? "v.summary" : "v.dataset"
            for row in try await db.raw("""
                SELECT r.id, \(text) AS text FROM reports r JOIN versions v ON v.report = r.id AND v.number = r.current_version
                WHERE r.id IN (\(binds: chunk))
                """).all() {
                found[try row.decode(column: "id", as: String.self)] = try row.decode(column: "text", as: String?.self)
            }
        }
        return found
    }

    /// The consolidation of the units below `org`, computed now (not stored).
    /// A view computed before is given again while nothing it was made from has changed: the same organisations
    /// (codes, names, places) at the same current versions — a version never changes — under the same rules.
    public func consolidatedView(_ caller: Caller, year: Int, org code: String) async throws -> Cycle.ConsolidatedView {
        let key = "\(year)/\(code)"
        let (org, fingerprint, cached) = try await backend.read { db -> (Org, String, Cycle.ConsolidatedView?) in
            let org = try await self.visibleOrg(db, caller, code)
            guard org.kind != .unit else { throw StoreError.conflict("“\(org.name)”是单位，没有下属单位可汇总。") }
            _ = try await self.schedule.task(db, year)
            let fingerprint = try await self.subtreeFingerprint(db, year: year, org: org)
            return (org, fingerprint, await self.summaryCache.get(key, fingerprint))
        }
        if let cached { return cached }
        let summed = try await backend.read { db in try await self.consolidation(db, year: year, org: org, live: true) }
        let catalog = catalog, rules = rules
        let dataset = summed.0
        let findings = try await offload { Engine.check(dataset, rules: rules, catalog: catalog) }
        let view = Cycle.ConsolidatedView(year: year, org: org, units: summed.units, missing: summed.missing, dataset: dataset,
                                    errors: findings.count(.error), warnings: findings.count(.warning), findings: StoredFinding.keyed(findings))
        await summaryCache.put(key, fingerprint, view)
        return view
    }

    /// What a 汇总 of `org` is made from, in one string: every organisation below (code, name, kind, parent) with the
    /// current version of its 决算, and the rule catalogue.
    func subtreeFingerprint(_ db: any SQLDatabase, year: Int, org: Org) async throws -> String {
        var hasher = SHA256()
        hasher.update(data: Data("\(catalogueVersion)|\(org.code)|\(org.name)|".utf8))
        for row in try await db.raw("""
            SELECT o.code, o.name, o.kind, o.parent, r.current_version FROM orgs o
            LEFT JOIN reports r ON r.org = o.code AND r.year = \(bind: year) AND r.kind = 'final'
            WHERE \(Subtree.below("o.path", org.path, self.backend.dialect)) ORDER BY o.code
            """).all() {
            let line = [try row.decode(column: "code", as: String.self), try row.decode(column: "name", as: String.self),
                        try row.decode(column: "kind", as: String.self), try row.decode(column: "parent", as: String?.self) ?? "",
                        String(try row.decode(column: "current_version", as: Int?.self) ?? 0)].joined(separator: "\u{1F}")
            hasher.update(data: Data((line + "\n").utf8))
        }
        return Cycle.hex(hasher.finalize())
    }

    /// Stores the consolidation of the units below `org` as its report's new version (the 主管部门's
    /// own report). Every unit below must have a version.
    public func consolidate(_ caller: Caller, year: Int, org code: String, kind: ReportKind = .finalAccounts) async throws -> UploadResult {
        if kind == .budget { return try await budgets.consolidateBudget(caller, year: year, org: code) }
        try require(caller, .consolidate, "生成汇总报表")
        let (org, summed) = try await backend.read { db in
            let org = try await self.visibleOrg(db, caller, code)
            guard org.kind != .unit else { throw StoreError.conflict("“\(org.name)”是单位，没有下属单位可汇总。") }
            _ = try await self.schedule.task(db, year)
            return (org, try await self.consolidation(db, year: year, org: org))
        }
        guard summed.missing.isEmpty else {
            throw StoreError.conflict("下属 \(summed.missing.count) 个单位尚未上传报表：" + summed.missing.prefix(10).joined(separator: "、"))
        }
        let catalog = catalog, rules = rules
        let dataset = summed.0
        let findings = try await offload { Engine.check(dataset, rules: rules, catalog: catalog) }
        return try await reports.storeVersion(caller, org: org, year: year, kind: .consolidation, filename: "汇总（\(summed.units) 个单位）",
                                      content: Data(Cycle.compact(dataset).utf8), disclosure: dataset, findings: findings)
    }
}

extension Consolidating {
    /// The 汇总 of `org` (its direct children's current versions, summed) as the nine tables in one workbook.
    public func summaryWorkbook(_ caller: Caller, year: Int, org code: String) async throws -> (Data, String) {
        let view = try await consolidatedView(caller, year: year, org: code)
        let dataset = view.dataset
        let data = try await offload { try WorkbookWriter.data(dataset) }
        return (data, "\(view.org.name)-\(year)-汇总.xlsx")
    }

    /// The 汇总 of `org` printed as a PDF (marked 草稿: a summary is not a published document).
    public func summaryPDF(_ caller: Caller, year: Int, org code: String) async throws -> (Data, String) {
        let view = try await consolidatedView(caller, year: year, org: code)
        let dataset = view.dataset, catalog = catalog, rules = rules, name = view.org.name
        let publication = try await offload { try Publisher.build(dataset, catalog: catalog, rules: rules, source: name, pdf: true, draft: true) }
        guard let pdf = publication.published["report.pdf"] else {
            throw StoreError.unavailable("未能生成 PDF：" + (publication.pdfProblem?.message ?? "服务器上没有 Chromium"))
        }
        return (pdf, "\(name)-\(year)-汇总.pdf")
    }
}
