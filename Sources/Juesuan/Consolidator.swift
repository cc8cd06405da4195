import Dispatch
import Foundation
import JuesuanConsolidate
import JuesuanCore
import JuesuanImport
import JuesuanLedger
import JuesuanPerformance
import JuesuanRules

/// `consolidate` (汇总): many units — dataset folders, folders of datasets, ledgers, cells files —
/// summed into one dataset, with the reviewer's one-minute view of what is missing and who is wrong.
public enum Consolidator {
    /// The consolidated dataset and its review.
    public struct Outcome: Sendable {
        public var consolidated: Disclosure
        public var review: ConsolidationReview
    }

    /// Consolidates `inputs` into the dataset folder `out` (with `review.txt` and `review.json`), and
    /// into the cells file `cells` when given. `eliminate` nets 上级补助收入 against 对附属单位补助支出;
    /// `roster` lists the units expected.
    public static func run(inputs: [String], out: String, name: String, eliminate: Bool, cells: String?, roster: String?,
                           catalog: Catalog, rules: RuleCatalogue, force: Bool) throws -> Outcome {
        let manager = FileManager.default
        try OutputFolder.claim(out, force: force)
        if let cells { try OutputFile.claim(cells, force: force, isOwn: CellsFile.isOwn) }
        var folders: [String] = [], ledgerFiles: [String] = [], cellsFiles: [String] = []
        var missing: [(String, String)] = []
        func isDirectory(_ path: String) -> Bool {
            var flag: ObjCBool = false
            return manager.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
        }
        func isDataset(_ path: String) -> Bool { manager.fileExists(atPath: (path as NSString).appendingPathComponent(DatasetReader.factsFile)) }
        /// A CSV file: cells, ledger, or neither (by its header).
        func classify(_ path: String) {
            let head = FileManager.default.contents(atPath: path).map { $0.prefix(8) } ?? Data()
            if let kind = FileKind.sniff(Data(head)) {
                missing.append((path, "这是\(kind.chineseName)，consolidate 只汇总数据集文件夹、记账明细 CSV 和汇总用表格数据文件。\(kind.advice)"))
                return
            }
            let header = Self.firstLine(path)
            if CellsFile.isHeader(Substring(header)) { cellsFiles.append(path) }
            else if header.hasPrefix("单位,年度,类型") { ledgerFiles.append(path) }
            else { missing.append((path, "不是数据集、记账明细或汇总用表格数据文件（表头不认识）")) }
        }
        for input in inputs {
            guard manager.fileExists(atPath: input) else { missing.append((input, "文件或文件夹不存在")); continue }
            if !isDirectory(input) { classify(input); continue }
            if isDataset(input) { folders.append(input); continue }
            let children = ((try? manager.contentsOfDirectory(atPath: input)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
            for child in children {
                let path = (input as NSString).appendingPathComponent(child)
                if isDirectory(path) {
                    if isDataset(path) {
                        folders.append(path)
                    } else {
                        let csv = ((try? manager.contentsOfDirectory(atPath: path)) ?? []).contains { $0.lowercased().hasSuffix(".csv") }
                        missing.append((path, "缺少 \(DatasetReader.factsFile)" + (csv ? "（其中有 CSV 文件：表格数据或明细文件夹请直接作为参数给出）" : "")))
                    }
                } else if child.lowercased().hasSuffix(".csv") || child.lowercased().hasSuffix(".pdf") || child.lowercased().hasSuffix(".xlsx") {
                    classify(path)
                }
            }
        }

        // Ledgers: every unit derived (a bad row stops everything, as in `derive`).
        var derived: [Disclosure] = []
        for path in ledgerFiles {
            for ledger in try LedgerReader.read(URL(fileURLWithPath: path), name: path) {
                var unit = try LedgerDerivation.disclosure(ledger, catalog: catalog)
                unit.source = path
                derived.append(unit)
            }
        }
        // Cells files: streamed, each unit screened as it passes.
        var cellsResult: CellsConsolidation.Result?
        if !cellsFiles.isEmpty {
            let tableRules = RuleCatalogue(rules: rules.rules.filter { ["T", "X", "C"].contains($0.id.prefix(1)) })
            cellsResult = try CellsConsolidation.run(paths: cellsFiles, screen: LinearScreen(catalogue: tableRules, catalog: catalog),
                                                     checker: Checker(catalogue: tableRules, catalog: catalog), catalog: catalog)
        }

        // Read and check the units on every core.
        let paths = folders
        let results = Parallel.map(paths.count) { index -> UnitOutcome in
            do {
                let unit = try DatasetReader.read(folder: URL(fileURLWithPath: paths[index]), displayName: paths[index])
                return .read(unit, Checker(catalogue: rules, catalog: catalog).check(unit))
            } catch {
                return .unreadable(Problem(error).message)
            }
        }
        var units: [Disclosure] = []
        var failing: [(String, Int, String)] = []
        var duplicates: [(String, String)] = []
        var firstPath: [String: String] = [:]
        let derivedResults = derived.map { unit in UnitOutcome.read(unit, Checker(catalogue: rules, catalog: catalog).check(unit)) }
        for (path, outcome) in zip(folders + derived.map { $0.source ?? "" }, results + derivedResults) {
            switch outcome {
            case .read(let unit, let findings):
                if let first = firstPath[unit.unit] {
                    duplicates.append((path, "与 \(first) 是同一单位“\(unit.unit)”，未重复计入"))
                    continue
                }
                firstPath[unit.unit] = path
                units.append(unit)
                if findings.count(.error) > 0 { failing.append(Self.failure("\(unit.unit)（\(path)）", findings)) }
            case .unreadable(let reason): missing.append((path, reason.replacingOccurrences(of: "\n", with: " ")))
            }
        }
        if let cellsResult {
            if let both = cellsResult.units.first(where: { firstPath[$0] != nil }) {
                throw InputError(file: firstPath[both]!, value: both, reason: "这个单位同时以数据集或明细和表格数据给出；请只给一份")
            }
            for duplicate in cellsResult.duplicates {
                duplicates.append((duplicate.place, "与 \(duplicate.first) 是同一单位“\(duplicate.unit)”，未重复计入"))
            }
            failing += cellsResult.failing.map { ("\($0.unit)（\($0.place)）", $0.errors, $0.first) }
        }
        let cellsUnits = cellsResult?.units ?? []
        guard let year = units.first?.year ?? cellsResult?.year else {
            throw Problem(kind: .inputUnreadable, message: "没有可汇总的单位\(missing.isEmpty ? "" : "：" + missing.map { "\($0.0) \($0.1)" }.joined(separator: "；"))")
        }
        if let cellsYear = cellsResult?.year, cellsYear != year {
            throw Problem(kind: .inputInvalid, message: "单位的年度不一致：数据集为 \(year) 年度，表格数据为 \(cellsYear) 年度")
        }
        if let other = units.first(where: { $0.year != year }) {
            throw Problem(kind: .inputInvalid, message: "单位的年度不一致：\(units[0].unit) 为 \(year) 年度，\(other.unit) 为 \(other.year) 年度")
        }

        var consolidated: Disclosure
        var parts = units
        if let cellsResult, !cellsUnits.isEmpty { parts.append(cellsResult.disclosure(name: name, catalog: catalog)) }
        let unitCount = units.count + cellsUnits.count
        // The roster: units expected but not given, and units given but not expected.
        var absent: [String] = [], unexpected: [String] = []
        if let roster {
            let expected = try readRoster(roster)
            let given = Set((units.map(\.unit) + cellsUnits).map { Array($0.utf8) })
            let wanted = Set(expected.map { Array($0.utf8) })
            absent = expected.filter { !given.contains(Array($0.utf8)) }
            unexpected = (units.map(\.unit) + cellsUnits).filter { !wanted.contains(Array($0.utf8)) }
            missing = absent.map { ($0, "名单中有，数据中没有") } + missing
        }
        do { consolidated = parts.count == 1 && units.isEmpty ? parts[0] : try Consolidation.sum(parts, name: name, catalog: catalog) } catch {
            throw Problem(kind: .inputInvalid, message: "无法汇总：\(Problem(error).message)")
        }
        let elimination = eliminate ? Consolidation.eliminateInternalTransfers(&consolidated, catalog: catalog) : nil
        var performance = (try? ScoringScheme.shipped(ScoringScheme.defaultID)).map { PerformanceAggregate.of(units, scheme: $0) }
        if let cellsResult, cellsResult.forms > 0 {
            performance = PerformanceAggregate.combined([performance, cellsResult.performance].compactMap { $0 }, decimals: 2)
        }
        let own = Checker(catalogue: rules, catalog: catalog).check(consolidated)
        let review = ConsolidationReview(
            units: unitCount, year: year, out: out, cellsLines: cellsResult?.lines ?? 0,
            problems: (missing + duplicates).map { ConsolidationReview.Place(place: $0.0, reason: $0.1) },
            failing: failing.map { ConsolidationReview.FailingUnit(unit: $0.0, errors: $0.1, first: $0.2) },
            unexpected: unexpected, roster: roster,
            elimination: elimination.map(ConsolidationReview.EliminationSummary.init),
            performance: performance.flatMap { $0.forms > 0 ? ConsolidationReview.PerformanceSummary($0) : nil },
            own: FindingsDocument.Summary(error: own.count(.error), warning: own.count(.warning), info: own.count(.info)))
        let origin = "由 juesuan consolidate 汇总 \(unitCount) 个单位：\((units.map(\.unit) + cellsUnits).prefix(10).joined(separator: "、"))\(unitCount > 10 ? "等" : "")"
        try OutputFolder.write(to: out, command: "consolidate", force: force) { staging in
            try DatasetWriter.fill(staging, consolidated, origin: origin)
            try Data(review.text().utf8).write(to: staging.appendingPathComponent("review.txt"))
            try Data(review.json().utf8).write(to: staging.appendingPathComponent("review.json"))
        }
        if let cells {
            var text = CellsFile.header + "\n"
            CellsFile.rows(consolidated, performance: performance, into: &text)
            let url = URL(fileURLWithPath: cells)
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try OutputFile.write(Data(text.utf8), to: url)
            } catch {
                throw OutputRefusal(path: cells, reason: FileProblem.describe(error, path: cells))
            }
        }
        return Outcome(consolidated: consolidated, review: review)
    }

    /// One unit's outcome.
    enum UnitOutcome: Sendable { case read(Disclosure, [Finding]), unreadable(String) }

    /// Unit names of a roster: one per line, or a CSV whose first column is headed “单位”.
    static func readRoster(_ path: String) throws -> [String] {
        let text = try TextFile.read(URL(fileURLWithPath: path), displayName: path)
        var lines = text.split(whereSeparator: \.isNewline).map { String($0).trimmingSpaces() }
        if let first = lines.first, first == "单位" || first.hasPrefix("单位,") {
            lines = lines.dropFirst().map { line in
                if line.hasPrefix("\"") {
                    var name = "", index = line.index(after: line.startIndex)
                    while index < line.endIndex {
                        if line[index] == "\"" {
                            let next = line.index(after: index)
                            if next < line.endIndex && line[next] == "\"" { name.append("\""); index = line.index(after: next); continue }
                            break
                        }
                        name.append(line[index]); index = line.index(after: index)
                    }
                    return name
                }
                return String(line.prefix { $0 != "," }).trimmingSpaces()
            }
        }
        let names = lines.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw InputError(file: path, reason: "名单为空") }
        return names
    }

    /// The first line of the file at `path` (up to 4 KiB), without a byte-order mark.
    static func firstLine(_ path: String) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: 4096)) ?? Data()
        var text = String(decoding: data, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return String(text.prefix { $0 != "\n" && $0 != "\r\n" }).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A failing unit as the view lists it: its label, number of errors and first error; table
    /// errors first, as a wrong table matters more to a reviewer than a wrong form.
    static func failure(_ label: String, _ findings: [Finding]) -> (String, Int, String) {
        let errors = findings.filter { $0.severity == .error }.enumerated()
            .sorted { ($0.element.table == nil ? 1 : 0, $0.offset) < ($1.element.table == nil ? 1 : 0, $1.offset) }.map(\.element)
        var first = ""
        if let error = errors.first {
            first = "[\(error.rule)] \(error.message)"
            if let source = error.source { first += "（\(source.line > 0 ? source.description : source.file)）" }
        }
        return (label, errors.count, first)
    }
}

/// The reviewer's one-minute view of a consolidation (`juesuan.consolidation/1`, written as
/// `review.json` and, as text, `review.txt`): what is missing, which units are wrong and their first
/// problem, the elimination, the fund-weighted performance, the consolidated dataset's own check.
public struct ConsolidationReview: Codable, Sendable, Equatable {
    public static let schemaID = "juesuan.consolidation/1"

    /// An input that is missing, unreadable or a duplicate, and why.
    public struct Place: Codable, Sendable, Equatable {
        public var place: String
        public var reason: String
    }

    /// A unit with errors: how many, and the first (table errors first).
    public struct FailingUnit: Codable, Sendable, Equatable {
        public var unit: String
        public var errors: Int
        public var first: String
    }

    /// 内部往来抵销, amounts in 万元 as printed.
    public struct EliminationSummary: Codable, Sendable, Equatable {
        public var total: String
        public var received: String
        public var paid: String
        public var unmatchedReceived: String
        public var unmatchedPaid: String

        init(_ elimination: Elimination) {
            total = elimination.total.description
            received = elimination.received.description
            paid = elimination.paid.description
            unmatchedReceived = (elimination.received - elimination.total).description
            unmatchedPaid = (elimination.paid - elimination.total).description
        }
    }

    /// The 整体 self-evaluation weighted by funds.
    public struct PerformanceSummary: Codable, Sendable, Equatable {
        public var forms: Int
        public var funds: String
        public var executed: String
        public var weightedScore: String?

        init(_ aggregate: PerformanceAggregate) {
            forms = aggregate.forms
            funds = aggregate.funds.description
            executed = aggregate.executed.description
            weightedScore = aggregate.weightedScore.map { "\($0)" }
        }
    }

    public var schema = Self.schemaID
    public var units: Int
    public var year: Int
    public var out: String
    public var cellsLines: Int
    public var problems: [Place]
    public var failing: [FailingUnit]
    public var unexpected: [String]
    public var roster: String?
    public var elimination: EliminationSummary?
    public var performance: PerformanceSummary?
    public var own: FindingsDocument.Summary

    /// Whether anything needs the reviewer: a unit missing, unreadable, duplicated or wrong, or the
    /// consolidated dataset wrong.
    public var hasProblems: Bool { !problems.isEmpty || !failing.isEmpty || own.error > 0 }

    /// The review as JSON.
    public func json() -> String { JSONText.encode(self) }

    /// The review as text; `limit` cuts each list (the rest is in review.txt).
    public func text(limit: Int = .max) -> String {
        var text = "汇总 \(units) 个单位的 \(year) 年度部门决算 → \(out)\(cellsLines > 0 ? "（表格数据 \(cellsLines) 行）" : "")\n"
        text += problems.isEmpty ? "缺少、读不了或重复的单位：无\n" : "缺少、读不了或重复的单位（\(problems.count)）：\n"
        for problem in problems.prefix(limit) { text += "  \(problem.place)：\(problem.reason)\n" }
        if problems.count > limit { text += "  ……另有 \(problems.count - limit) 个，全部列在 \(out)/review.txt\n" }
        if let roster, !unexpected.isEmpty {
            text += "不在名单 \(roster) 中的单位（\(unexpected.count)，已计入）：" + unexpected.prefix(limit).joined(separator: "、")
                + (unexpected.count > limit ? "……另有 \(unexpected.count - limit) 个" : "") + "\n"
        }
        text += failing.isEmpty ? "有错误的单位：无\n" : "有错误的单位（\(failing.count)）：\n"
        if failing.count > 1 {
            // Which rules the units break first, most frequent first: what to look at across many units.
            var counts: [String: Int] = [:]
            for unit in failing where unit.first.hasPrefix("[") {
                counts[String(unit.first.dropFirst().prefix { $0 != "]" }), default: 0] += 1
            }
            let top = counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            if !top.isEmpty {
                text += "  按首个问题的规则：" + top.prefix(8).map { "\($0.key) \($0.value) 个" }.joined(separator: "，")
                    + (top.count > 8 ? "，其他 \(top.dropFirst(8).reduce(0) { $0 + $1.value }) 个" : "") + "\n"
            }
        }
        for unit in failing.prefix(limit) {
            text += "  \(unit.unit)：\(unit.errors) 个错误" + (unit.first.isEmpty ? "" : "；首个：\(unit.first)") + "\n"
        }
        if failing.count > limit { text += "  ……另有 \(failing.count - limit) 个，全部列在 \(out)/review.txt\n" }
        if let elimination {
            text += "内部往来抵销：\(elimination.total) 万元（上级补助收入 \(elimination.received)，对附属单位补助支出 \(elimination.paid)"
            if elimination.unmatchedReceived != "0.00" || elimination.unmatchedPaid != "0.00" {
                text += "；未能对上的：收入 \(elimination.unmatchedReceived)，支出 \(elimination.unmatchedPaid)，留在汇总中"
            }
            text += "）\n"
        }
        if let performance {
            text += "整体绩效自评（按资金加权）：\(performance.weightedScore.map { "\($0) 分" } ?? "—")"
            text += "（\(performance.forms) 张整体表，预算 \(performance.funds) 万元，执行 \(performance.executed) 万元）\n"
        }
        text += "汇总数据集的检查：\(own.error) 个错误，\(own.warning) 个警告。\n"
        return text
    }
}
