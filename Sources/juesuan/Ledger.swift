import ArgumentParser
import Dispatch
import Foundation
import JuesuanConsolidate
import JuesuanCore
import JuesuanImport
import JuesuanLedger
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

    func validate() throws {
        if out == nil && cells == nil { throw ValidationError("请用 --out 或 --cells 指定写到哪里") }
        if onto != nil && out == nil { throw ValidationError("--onto 须与 --out 一起用") }
    }

    func run() throws {
        let started = DispatchTime.now()
        var units: [Disclosure] = []
        var postings = 0
        do {
            let catalog = try CatalogLoader.load(userFile: self.catalog.map { URL(fileURLWithPath: $0) })
            // Files are read and derived on every core; the first error in file order is reported.
            let paths = ledgers
            let results = paths.map { _ in DerivedBox() }
            DispatchQueue.concurrentPerform(iterations: paths.count) { index in
                results[index].value = Result {
                    try LedgerReader.read(URL(fileURLWithPath: paths[index]), name: paths[index]).map { ledger in
                        (ledger.postings.count, try LedgerDerivation.disclosure(ledger, catalog: catalog))
                    }
                }
            }
            var seen: [String: String] = [:]
            for (path, box) in zip(paths, results) {
                for (count, unit) in try box.value!.get() {
                    if let first = seen[unit.unit] {
                        throw InputError(file: path, value: unit.unit, reason: "单位在 \(first) 中已有明细；一个单位的明细应在同一文件中")
                    }
                    seen[unit.unit] = path
                    postings += count
                    units.append(unit)
                }
            }
        } catch {
            FileHandle.standardError.write(Data("juesuan：\(error)\n".utf8))
            throw ExitCode(2)
        }
        if let onto {
            do {
                guard units.count == 1 else {
                    throw InputError(file: ledgers.joined(separator: "、"), reason: "--onto 只能用于一个单位的明细，而这里有 \(units.count) 个单位")
                }
                let base = try DatasetReader.read(folder: URL(fileURLWithPath: onto), displayName: onto)
                guard base.unit.utf8.elementsEqual(units[0].unit.utf8) else {
                    throw InputError(file: onto, value: base.unit, reason: "数据集的单位与明细的单位“\(units[0].unit)”不同")
                }
                guard base.year == units[0].year else {
                    throw InputError(file: onto, value: String(base.year), reason: "数据集的年度与明细的 \(units[0].year) 年度不同")
                }
                units[0] = LedgerDerivation.merge(units[0], onto: base)
            } catch {
                FileHandle.standardError.write(Data("juesuan：\(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        let derived = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        do {
            if let cells {
                var text = CellsFile.header + "\n"
                for unit in units { CellsFile.rows(unit, into: &text) }
                let url = URL(fileURLWithPath: cells)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try AtomicFile.write(Data(text.utf8), to: url)
            }
            if let out {
                let origin = "由 juesuan derive 从记账明细 \(ledgers.joined(separator: "、")) 生成"
                if units.count == 1 {
                    try DatasetWriter.write(units[0], to: URL(fileURLWithPath: out), origin: origin)
                } else {
                    try AtomicFolder.write(to: out) { staging in
                        for unit in units {
                            try DatasetWriter.write(unit, to: staging.appendingPathComponent(AtomicFolder.safeName(unit.unit)), origin: origin)
                        }
                    }
                }
            }
        } catch let error as InputError {
            FileHandle.standardError.write(Data("juesuan：\(error)\n".utf8))
            throw ExitCode(2)
        } catch {
            FileHandle.standardError.write(Data("juesuan：无法写出 \(out ?? cells ?? "")：\(writeFailure(error, path: out ?? cells ?? "."))\n".utf8))
            throw ExitCode(2)
        }
        let rate = derived > 0 ? Int(Double(postings) / derived) : 0
        print("由 \(postings) 条明细生成 \(units.count) 个单位的九张表（\(String(format: "%.3f", derived)) 秒，每秒 \(rate) 条）→ \([out, cells].compactMap { $0 }.joined(separator: "、"))")
    }
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
            try AtomicFolder.write(to: out) { staging in
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
        } catch {
            FileHandle.standardError.write(Data("juesuan：无法写出 \(out)：\(writeFailure(error, path: out))\n".utf8))
            throw ExitCode(2)
        }
        print("合成 \(units) 个单位（种子 \(seed)，\(postings.value) 条明细，\(parts) 个文件）→ \(out)/ledger、\(out)/tables")
    }
}

/// One file's derived units, written by exactly one iteration of `concurrentPerform`.
final class DerivedBox: @unchecked Sendable {
    var value: Result<[(Int, Disclosure)], any Error>?
}

/// A thread-safe running total.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0
    func add(_ amount: Int) { lock.lock(); total += amount; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return total }
}

/// Writing a folder aside and moving it into place when complete.
enum AtomicFolder {
    static func write(to path: String, _ body: (URL) throws -> Void) throws {
        let manager = FileManager.default
        let folder = URL(fileURLWithPath: path)
        if manager.fileExists(atPath: path) {
            guard ((try? manager.contentsOfDirectory(atPath: path)) ?? ["?"]).isEmpty else {
                throw InputError(file: path, reason: "输出文件夹已存在且不为空；请换一个文件夹或先清空")
            }
            try manager.removeItem(at: folder)
        }
        let staging = folder.deletingLastPathComponent().appendingPathComponent(".\(folder.lastPathComponent).juesuan-\(UUID().uuidString)")
        try manager.createDirectory(at: staging, withIntermediateDirectories: true)
        do {
            try body(staging)
            try manager.moveItem(at: staging, to: folder)
        } catch {
            try? manager.removeItem(at: staging)
            throw error
        }
    }

    /// A unit name usable as a folder name.
    static func safeName(_ name: String) -> String {
        let cleaned = String(name.map { "/\\:*?\"<>|".contains($0) || $0.isNewline ? "_" : $0 })
        return cleaned.hasPrefix(".") ? "_" + cleaned : cleaned
    }
}
