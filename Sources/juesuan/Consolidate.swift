import ArgumentParser
import Dispatch
import Foundation
import JuesuanConsolidate
import JuesuanCore
import JuesuanImport
import JuesuanLedger
import JuesuanPerformance
import JuesuanRender
import JuesuanRules

struct Consolidate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "汇总多个单位：九张表逐格相加，“三公”等数字按项相加，写出一个汇总数据集，并列出有问题的单位。",
        discussion: """
        输入可以是数据集文件夹、内含多个数据集的文件夹、记账明细 CSV（docs/ledger.md），
        或汇总用表格数据文件（docs/consolidate.md；省市一级几万、几十万个单位用它，流式读取、逐单位筛查）。
        列出缺少、读不了或重复的单位（--roster 给出应报名单），有错误的单位及其首个问题；完整列表在 OUT/review.txt。
        退出状态：0 全部单位齐全且无错误；1 有单位缺少或有错误（汇总仍写出）；2 无法汇总。
        """
    )

    @Argument(help: "数据集文件夹、内含多个数据集的文件夹、记账明细或表格数据文件（.csv）。")
    var inputs: [String]

    @Option(name: .long, help: "汇总数据集的输出文件夹（须不存在或为空）。")
    var out: String

    @Option(name: .long, help: "汇总后的单位名称。")
    var name: String = "汇总"

    @Flag(name: .long, help: "抵销集团内部往来：上级补助收入与对附属单位补助支出按功能科目逐项相抵，取较小者。")
    var eliminate = false

    @Option(name: .long, help: "补充的政府收支分类科目表（CSV）。")
    var catalog: String?

    @Option(name: .long, help: "另把汇总结果写成汇总用表格数据文件（可再与其他汇总相加，逐级汇总）。")
    var cells: String?

    @Flag(name: .long, help: "输出文件夹或文件已有别的内容时也整个替换。")
    var force = false

    @Option(name: .long, help: "应报单位名单（每行一个单位名称，或首列为“单位”的 CSV）：列出名单中有而数据中没有的单位。")
    var roster: String?

    func run() throws {
        let manager = FileManager.default
        try OutputFolder.claim(out, force: force)
        if let cells { try OutputFile.claim(cells, force: force) { CellsFile.isHeader(Substring($0.prefix { $0 != "\n" && $0 != "\r\n" })) } }
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
        let catalog: Catalog, rules: RuleCatalogue
        do {
            catalog = try CatalogLoader.load(userFile: self.catalog.map { URL(fileURLWithPath: $0) })
            rules = try RuleCatalogue.standard()
        } catch {
            FileHandle.standardError.write(Data("juesuan：\(error)\n".utf8))
            throw ExitCode(2)
        }

        // Ledgers: every unit derived (a bad row stops everything, as in `derive`).
        var derived: [Disclosure] = []
        do {
            for path in ledgerFiles {
                for ledger in try LedgerReader.read(URL(fileURLWithPath: path), name: path) {
                    var unit = try LedgerDerivation.disclosure(ledger, catalog: catalog)
                    unit.source = path
                    derived.append(unit)
                }
            }
        } catch {
            FileHandle.standardError.write(Data("juesuan：\(error)\n".utf8))
            throw ExitCode(2)
        }
        // Cells files: streamed, each unit screened as it passes.
        var cellsResult: CellsConsolidation.Result?
        if !cellsFiles.isEmpty {
            let tableRules = RuleCatalogue(rules: rules.rules.filter { ["T", "X", "C"].contains($0.id.prefix(1)) })
            do {
                cellsResult = try CellsConsolidation.run(paths: cellsFiles, screen: LinearScreen(catalogue: tableRules, catalog: catalog),
                                                         checker: Checker(catalogue: tableRules, catalog: catalog), catalog: catalog)
            } catch {
                FileHandle.standardError.write(Data("juesuan：\(error)\n".utf8))
                throw ExitCode(2)
            }
        }

        // Read and check the units on every core.
        let results = (0..<folders.count).map { _ in UnitBox() }
        let paths = folders
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            do {
                let unit = try DatasetReader.read(folder: URL(fileURLWithPath: paths[index]), displayName: paths[index])
                results[index].value = .read(unit, Checker(catalogue: rules, catalog: catalog).check(unit))
            } catch {
                results[index].value = .unreadable("\(error)")
            }
        }
        var units: [Disclosure] = []
        var failing: [(String, Int, String)] = []
        var duplicates: [(String, String)] = []
        var firstPath: [String: String] = [:]
        let derivedResults = derived.map { unit in UnitBox(.read(unit, Checker(catalogue: rules, catalog: catalog).check(unit))) }
        for (path, box) in zip(folders + derived.map { $0.source ?? "" }, results + derivedResults) {
            switch box.value {
            case .read(let unit, let findings)?:
                if let first = firstPath[unit.unit] {
                    duplicates.append((path, "与 \(first) 是同一单位“\(unit.unit)”，未重复计入"))
                    continue
                }
                firstPath[unit.unit] = path
                units.append(unit)
                if findings.count(.error) > 0 { failing.append(Self.failure("\(unit.unit)（\(path)）", findings)) }
            case .unreadable(let reason)?: missing.append((path, reason.replacingOccurrences(of: "\n", with: " ")))
            case nil: missing.append((path, "未读取"))
            }
        }
        if let cellsResult {
            if let both = cellsResult.units.first(where: { firstPath[$0] != nil }) {
                FileHandle.standardError.write(Data("juesuan：单位“\(both)”同时以数据集或明细（\(firstPath[both]!)）和表格数据给出；请只给一份\n".utf8))
                throw ExitCode(2)
            }
            for duplicate in cellsResult.duplicates {
                duplicates.append((duplicate.place, "与 \(duplicate.first) 是同一单位“\(duplicate.unit)”，未重复计入"))
            }
            failing += cellsResult.failing.map { ("\($0.unit)（\($0.place)）", $0.errors, $0.first) }
        }
        let cellsUnits = cellsResult?.units ?? []
        guard let year = units.first?.year ?? cellsResult?.year else {
            FileHandle.standardError.write(Data("juesuan：没有可汇总的单位\(missing.isEmpty ? "" : "：" + missing.map { "\($0.0) \($0.1)" }.joined(separator: "；"))\n".utf8))
            throw ExitCode(2)
        }
        if let cellsYear = cellsResult?.year, cellsYear != year {
            FileHandle.standardError.write(Data("juesuan：单位的年度不一致：数据集为 \(year) 年度，表格数据为 \(cellsYear) 年度\n".utf8))
            throw ExitCode(2)
        }
        if let other = units.first(where: { $0.year != year }) {
            FileHandle.standardError.write(Data("juesuan：单位的年度不一致：\(units[0].unit) 为 \(year) 年度，\(other.unit) 为 \(other.year) 年度\n".utf8))
            throw ExitCode(2)
        }

        var consolidated: Disclosure
        var parts = units
        if let cellsResult, !cellsUnits.isEmpty { parts.append(cellsResult.disclosure(name: name, catalog: catalog)) }
        let unitCount = units.count + cellsUnits.count
        // The roster: units expected but not given, and units given but not expected.
        var absent: [String] = [], unexpected: [String] = []
        if let roster {
            let expected: [String]
            do { expected = try Self.readRoster(roster) } catch {
                FileHandle.standardError.write(Data("juesuan：\(error)\n".utf8))
                throw ExitCode(2)
            }
            let given = Set((units.map(\.unit) + cellsUnits).map { Array($0.utf8) })
            let wanted = Set(expected.map { Array($0.utf8) })
            absent = expected.filter { !given.contains(Array($0.utf8)) }
            unexpected = (units.map(\.unit) + cellsUnits).filter { !wanted.contains(Array($0.utf8)) }
            missing = absent.map { ($0, "名单中有，数据中没有") } + missing
        }
        do { consolidated = parts.count == 1 && units.isEmpty ? parts[0] : try Consolidation.sum(parts, name: name, catalog: catalog) } catch {
            FileHandle.standardError.write(Data("juesuan：无法汇总：\(error)\n".utf8))
            throw ExitCode(2)
        }
        let elimination = eliminate ? Consolidation.eliminateInternalTransfers(&consolidated, catalog: catalog) : nil
        var performance = (try? ScoringScheme.shipped(ScoringScheme.defaultID)).map { PerformanceAggregate.of(units, scheme: $0) }
        if let cellsResult, cellsResult.forms > 0 {
            performance = PerformanceAggregate.combined([performance, cellsResult.performance].compactMap { $0 }, decimals: 2)
        }
        let own = Checker(catalogue: rules, catalog: catalog).check(consolidated)
        let full = Self.review(unitCount: unitCount, year: year, out: out, missing: missing + duplicates, failing: failing,
                               elimination: elimination, performance: performance, own: own, lines: cellsResult?.lines ?? 0,
                               unexpected: unexpected, roster: roster)
        let shortView = Self.review(unitCount: unitCount, year: year, out: out, missing: missing + duplicates, failing: failing,
                                    elimination: elimination, performance: performance, own: own, lines: cellsResult?.lines ?? 0,
                                    unexpected: unexpected, roster: roster, limit: 30)
        let origin = "由 juesuan consolidate 汇总 \(unitCount) 个单位：\((units.map(\.unit) + cellsUnits).prefix(10).joined(separator: "、"))\(unitCount > 10 ? "等" : "")"
        try OutputFolder.write(to: out, command: "consolidate", force: force) { staging in
            try DatasetWriter.fill(staging, consolidated, origin: origin)
            try Data(full.utf8).write(to: staging.appendingPathComponent("review.txt"))
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
        print(shortView, terminator: "")
        if !missing.isEmpty || !duplicates.isEmpty || !failing.isEmpty || own.count(.error) > 0 { throw ExitCode(1) }
    }

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

    /// The reviewer's one-minute view: what is missing, which units are wrong and their first problem.
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

    static func review(unitCount: Int, year: Int, out: String, missing: [(String, String)],
                       failing: [(String, Int, String)], elimination: Elimination? = nil,
                       performance: PerformanceAggregate? = nil, own: [Finding], lines: Int = 0,
                       unexpected: [String] = [], roster: String? = nil, limit: Int = .max) -> String {
        var text = "汇总 \(unitCount) 个单位的 \(year) 年度部门决算 → \(out)\(lines > 0 ? "（表格数据 \(lines) 行）" : "")\n"
        text += missing.isEmpty ? "缺少、读不了或重复的单位：无\n" : "缺少、读不了或重复的单位（\(missing.count)）：\n"
        for (path, reason) in missing.prefix(limit) { text += "  \(path)：\(reason)\n" }
        if missing.count > limit { text += "  ……另有 \(missing.count - limit) 个，全部列在 \(out)/review.txt\n" }
        if let roster, !unexpected.isEmpty {
            text += "不在名单 \(roster) 中的单位（\(unexpected.count)，已计入）：" + unexpected.prefix(limit).joined(separator: "、")
                + (unexpected.count > limit ? "……另有 \(unexpected.count - limit) 个" : "") + "\n"
        }
        text += failing.isEmpty ? "有错误的单位：无\n" : "有错误的单位（\(failing.count)）：\n"
        if failing.count > 1 {
            // Which rules the units break first, most frequent first: what to look at across many units.
            var counts: [String: Int] = [:]
            for (_, _, first) in failing where first.hasPrefix("[") {
                counts[String(first.dropFirst().prefix { $0 != "]" }), default: 0] += 1
            }
            let top = counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            if !top.isEmpty {
                text += "  按首个问题的规则：" + top.prefix(8).map { "\($0.key) \($0.value) 个" }.joined(separator: "，")
                    + (top.count > 8 ? "，其他 \(top.dropFirst(8).reduce(0) { $0 + $1.value }) 个" : "") + "\n"
            }
        }
        for (unit, count, first) in failing.prefix(limit) {
            text += "  \(unit)：\(count) 个错误" + (first.isEmpty ? "" : "；首个：\(first)") + "\n"
        }
        if failing.count > limit { text += "  ……另有 \(failing.count - limit) 个，全部列在 \(out)/review.txt\n" }
        if let elimination {
            text += "内部往来抵销：\(elimination.total) 万元（上级补助收入 \(elimination.received)，对附属单位补助支出 \(elimination.paid)"
            let left = elimination.received - elimination.total, unpaid = elimination.paid - elimination.total
            if left != .zero || unpaid != .zero { text += "；未能对上的：收入 \(left)，支出 \(unpaid)，留在汇总中" }
            text += "）\n"
        }
        if let performance, performance.forms > 0 {
            text += "整体绩效自评（按资金加权）：\(performance.weightedScore.map { "\($0) 分" } ?? "—")"
            text += "（\(performance.forms) 张整体表，预算 \(performance.funds) 万元，执行 \(performance.executed) 万元）\n"
        }
        text += "汇总数据集的检查：\(own.count(.error)) 个错误，\(own.count(.warning)) 个警告。\n"
        return text
    }
}

/// One unit's outcome, written by exactly one iteration of `concurrentPerform`.
private final class UnitBox: @unchecked Sendable {
    enum Outcome { case read(Disclosure, [Finding]), unreadable(String) }
    var value: Outcome?
    init(_ value: Outcome? = nil) { self.value = value }
}
