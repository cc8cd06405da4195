import ArgumentParser
import Dispatch
import Foundation
import JuesuanConsolidate
import JuesuanCore
import JuesuanImport
import JuesuanLedger
import JuesuanPerformance
import JuesuanRender

struct Derive: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "由记账明细（CSV）生成九张表：每个单位写出一个数据集，或写出一个汇总用的表格数据文件。",
        discussion: """
        明细格式见 docs/ledger.md：单位,年度,类型,功能分类,经济分类,资金来源,性质,项目,三公,金额（元）。
        只有一个单位时 --out 即其数据集；多个单位时 --out 下每个单位一个子文件夹。
        有错的行：说明文件、行号和值，退出状态 2，什么也不写。
        """
    )

    @Argument(help: "记账明细 CSV 文件（一个文件可含多个单位）。")
    var ledgers: [String]

    @Option(name: .long, help: "数据集的输出文件夹（须不存在或为空）。")
    var out: String?

    @Option(name: .long, help: "另写出汇总用的表格数据文件（docs/consolidate.md 的格式）。")
    var cells: String?

    @Option(name: .long, help: "补充的政府收支分类科目表（CSV）。")
    var catalog: String?

    @Option(name: .long, help: "已有的数据集：保留其概况、上年数、原因、名词解释、自评表等，只换上由明细生成的九张表与表外数字。")
    var onto: String?

    @Flag(name: .long, help: "输出文件夹或文件已有别的内容时也整个替换。")
    var force = false

    func validate() throws {
        if out == nil && cells == nil { throw ValidationError("请用 --out 或 --cells 指定写到哪里") }
        if onto != nil && out == nil { throw ValidationError("--onto 须与 --out 一起用") }
    }

    func run() throws {
        let started = DispatchTime.now()
        let manager = FileManager.default
        func fail(_ message: String) -> ExitCode {
            FileHandle.standardError.write(Data("juesuan：\(message)\n".utf8))
            return ExitCode(2)
        }
        let catalog: Catalog
        do { catalog = try CatalogLoader.load(userFile: self.catalog.map { URL(fileURLWithPath: $0) }) } catch { throw fail("\(error)") }
        if let out { try OutputFolder.claim(out, force: force) }
        if let cells { try OutputFile.claim(cells, force: force) { CellsFile.isHeader(Substring($0.prefix { $0 != "\n" && $0 != "\r\n" })) } }
        // Each file is read, derived and written on one of the cores: its units' datasets go into a
        // staging folder, its cells lines into a part file; only names and counts stay in memory, so
        // memory does not grow with the number of units. Everything is moved into place at the end.
        let staging = out.map { URL(fileURLWithPath: $0) }.map { $0.deletingLastPathComponent().appendingPathComponent(".\($0.lastPathComponent).juesuan-\(UUID().uuidString)") }
        let cellsParts = cells.map { URL(fileURLWithPath: $0) }.map { $0.deletingLastPathComponent().appendingPathComponent(".\($0.lastPathComponent).juesuan-\(UUID().uuidString)") }
        defer {
            for folder in [staging, cellsParts].compactMap({ $0 }) { try? manager.removeItem(at: folder) }
        }
        do {
            for folder in [staging, cellsParts].compactMap({ $0 }) { try manager.createDirectory(at: folder, withIntermediateDirectories: true) }
        } catch { throw fail("无法写出 \(out ?? cells ?? "")：\(FileProblem.describe(error, path: out ?? cells ?? "."))") }
        let origin = "由 juesuan derive 从记账明细 \(ledgers.joined(separator: "、")) 生成"
        let scheme = try? ScoringScheme.shipped(ScoringScheme.defaultID)
        let paths = ledgers, keepUnits = onto != nil
        let results = paths.map { _ in DerivedBox() }
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            results[index].value = Result {
                var file = DerivedFile()
                var text = ""
                let read = try LedgerReader.read(URL(fileURLWithPath: paths[index]), name: paths[index])
                file.units = read.map(\.unit)
                do {
                    for ledger in read {
                        let unit = try LedgerDerivation.disclosure(ledger, catalog: catalog)
                        file.postings += ledger.postings.count
                        if keepUnits { file.kept.append(unit) }
                        if let staging, !keepUnits {
                            let folder = staging.appendingPathComponent(AtomicFolder.safeName(unit.unit))
                            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
                            try DatasetWriter.fill(folder, unit, origin: origin)
                        }
                        if cellsParts != nil && !keepUnits { CellsFile.rows(unit, scheme: scheme, into: &text) }
                    }
                    if let cellsParts { try Data(text.utf8).write(to: cellsParts.appendingPathComponent("\(index)")) }
                } catch {
                    file.error = error  // reported after duplicated units, which can make two files write one folder
                }
                return file
            }
        }
        // Duplicated units first (they also explain a failed write into the same folder), then the
        // first error in file order.
        var seen: [String: String] = [:], names: [String] = [], postings = 0, kept: [Disclosure] = []
        for (path, box) in zip(paths, results) {
            guard case .success(let file)? = box.value else { continue }
            for name in file.units {
                if let first = seen[name] { throw fail("\(path)：单位在 \(first) 中已有明细；一个单位的明细应在同一文件中（值：“\(name)”）") }
                seen[name] = path
                names.append(name)
            }
            postings += file.postings
            kept += file.kept
        }
        for box in results {
            let failure: (any Error)?
            switch box.value {
            case .failure(let error)?: failure = error
            case .success(let file)?: failure = file.error
            case nil: failure = nil
            }
            if let failure {
                if failure is InputError { throw fail("\(failure)") }
                throw fail("无法写出 \(out ?? cells ?? "")：\(FileProblem.describe(failure, path: out ?? cells ?? "."))")
            }
        }
        if let onto {
            do {
                guard kept.count == 1 else {
                    throw InputError(file: ledgers.joined(separator: "、"), reason: "--onto 只能用于一个单位的明细，而这里有 \(kept.count) 个单位")
                }
                let base = try DatasetReader.read(folder: URL(fileURLWithPath: onto), displayName: onto)
                guard base.unit.utf8.elementsEqual(kept[0].unit.utf8) else {
                    throw InputError(file: onto, value: base.unit, reason: "数据集的单位与明细的单位“\(kept[0].unit)”不同")
                }
                guard base.year == kept[0].year else {
                    throw InputError(file: onto, value: String(base.year), reason: "数据集的年度与明细的 \(kept[0].year) 年度不同")
                }
                kept[0] = LedgerDerivation.merge(kept[0], onto: base)
                if let cellsParts {
                    // The merged unit, with its forms, is what the cells file carries.
                    var text = ""
                    CellsFile.rows(kept[0], scheme: scheme, into: &text)
                    try Data(text.utf8).write(to: cellsParts.appendingPathComponent("0"))
                }
            } catch { throw fail("\(error)") }
        }
        let derived = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        do {
            if let cells, let cellsParts {
                // The parts joined in file order, through a temporary file and a rename.
                let url = URL(fileURLWithPath: cells)
                try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                let joined = cellsParts.appendingPathComponent("joined")
                try Data((CellsFile.header + "\n").utf8).write(to: joined)
                let handle = try FileHandle(forWritingTo: joined)
                try handle.seekToEnd()
                for index in paths.indices {
                    try handle.write(contentsOf: try Data(contentsOf: cellsParts.appendingPathComponent("\(index)")))
                }
                try handle.close()
                try Rename.move(joined, to: url)
            }
            if let out, let staging {
                let target = URL(fileURLWithPath: out)
                if onto != nil {
                    try DatasetWriter.write(kept[0], to: target, origin: origin, force: true)  // claimed above
                } else if names.count == 1 {
                    try OutputFolder.install(staging.appendingPathComponent(AtomicFolder.safeName(names[0])), at: target, command: "derive")
                } else {
                    try OutputFolder.install(staging, at: target, command: "derive")
                }
            }
        } catch let error as any ExplainedError {
            throw error
        } catch {
            throw fail("无法写出 \(out ?? cells ?? "")：\(FileProblem.describe(error, path: out ?? cells ?? "."))")
        }
        let rate = derived > 0 ? Int(Double(postings) / derived) : 0
        print("由 \(postings) 条明细生成 \(names.count) 个单位的九张表（\(String(format: "%.3f", derived)) 秒，每秒 \(rate) 条）→ \([out, cells].compactMap { $0 }.joined(separator: "、"))")
    }
}

/// What one ledger file gave: its units' names, the number of postings, and (for --onto) the units.
struct DerivedFile {
    var units: [String] = []
    var postings = 0
    var kept: [Disclosure] = []
    /// A derivation or write error, reported after the duplicated units.
    var error: (any Error)?
}

struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "生成合成单位（记账明细与九张表），供测试和基准使用。",
        discussion: """
        写出 OUT/ledger/part-NNNNN.csv（记账明细）和 OUT/tables/part-NNNNN.csv（由明细生成的九张表，汇总用格式），
        每个文件 --per-file 个单位。同一 --seed 总是生成同样的单位。汇总：juesuan consolidate OUT/tables --out 汇总。
        """
    )

    @Option(name: .long, help: "单位数。")
    var units: Int

    @Option(name: .long, help: "随机种子。")
    var seed: UInt64 = 1

    @Option(name: .long, help: "输出文件夹（须不存在或为空）。")
    var out: String

    @Option(name: .long, help: "每个文件的单位数。")
    var perFile: Int = 1000

    @Option(name: .long, help: "决算年度。")
    var year: Int = 2021

    @Flag(name: .long, help: "输出文件夹已有别的内容时也整个替换。")
    var force = false

    func validate() throws {
        guard units >= 1 else { throw ValidationError("--units 至少为 1") }
        guard perFile >= 1 else { throw ValidationError("--per-file 至少为 1") }
        guard (2000...2100).contains(year) else { throw ValidationError("--year 应为 2000–2100 年") }
    }

    func run() throws {
        let catalog: Catalog
        do { catalog = try CatalogLoader.builtIn() } catch {
            FileHandle.standardError.write(Data("juesuan：\(error)\n".utf8))
            throw ExitCode(2)
        }
        let synthesizer = Synthesizer(seed: seed, year: year, catalog: catalog)
        let parts = (units + perFile - 1) / perFile
        let (total, perFile, digits) = (units, perFile, max(5, String(parts).count))
        let postings = Counter()
        do {
            try OutputFolder.write(to: out, command: "synth", force: force) { staging in
                let manager = FileManager.default
                try manager.createDirectory(at: staging.appendingPathComponent("ledger"), withIntermediateDirectories: true)
                try manager.createDirectory(at: staging.appendingPathComponent("tables"), withIntermediateDirectories: true)
                let failures = Counter()
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    var ledgerText = LedgerWriter.header, cellsText = CellsFile.header + "\n"
                    var count = 0
                    for index in (part * perFile)..<min(total, (part + 1) * perFile) {
                        let ledger = synthesizer.ledger(index)
                        count += ledger.postings.count
                        LedgerWriter.rows(ledger, into: &ledgerText)
                        guard let unit = try? LedgerDerivation.disclosure(ledger, catalog: catalog) else { failures.add(1); continue }
                        CellsFile.rows(unit, into: &cellsText)
                    }
                    let name = "part-" + String(repeating: "0", count: max(0, digits - String(part + 1).count)) + String(part + 1) + ".csv"
                    do {
                        try Data(ledgerText.utf8).write(to: staging.appendingPathComponent("ledger/\(name)"))
                        try Data(cellsText.utf8).write(to: staging.appendingPathComponent("tables/\(name)"))
                    } catch { failures.add(1) }
                    postings.add(count)
                }
                if failures.value > 0 { throw CocoaError(.fileWriteUnknown) }
            }
        } catch let error as any ExplainedError {
            throw error
        } catch {
            throw OutputRefusal(path: out, reason: FileProblem.describe(error, path: out))
        }
        print("合成 \(units) 个单位（种子 \(seed)，\(postings.value) 条明细，\(parts) 个文件）→ \(out)/ledger、\(out)/tables")
    }
}

/// One file's outcome, written by exactly one iteration of `concurrentPerform`.
final class DerivedBox: @unchecked Sendable {
    var value: Result<DerivedFile, any Error>?
}

/// A thread-safe running total.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0
    func add(_ amount: Int) { lock.lock(); total += amount; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return total }
}

/// Folder names for units.
enum AtomicFolder {
    /// A unit name usable as a folder name.
    static func safeName(_ name: String) -> String {
        let cleaned = String(name.map { "/\\:*?\"<>|".contains($0) || $0.isNewline ? "_" : $0 })
        return cleaned.hasPrefix(".") ? "_" + cleaned : cleaned
    }
}
