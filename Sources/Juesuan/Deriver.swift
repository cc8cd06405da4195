import Dispatch
import Foundation
import JuesuanConsolidate
import JuesuanCore
import JuesuanImport
import JuesuanLedger
import JuesuanPerformance

/// `derive`: ledger postings (记账明细) → one dataset per unit and/or a cells file, streamed file by
/// file so that memory does not grow with the number of units.
public enum Deriver {
    /// What was derived.
    public struct Summary: Sendable {
        /// Postings read.
        public var postings: Int
        /// The units, in file order.
        public var units: [String]
        /// Seconds spent reading and deriving.
        public var seconds: Double
    }

    /// Derives every unit of `ledgers`. `out`: one dataset (one unit) or a folder of datasets;
    /// `cells`: a cells file; `onto`: an existing dataset whose facts and forms are kept (one unit).
    /// Outputs are claimed first (`OutputFolder`), built aside and put into place at the end; a bad
    /// row stops everything and nothing is written.
    public static func run(ledgers: [String], out: String?, cells: String?, onto: String?, catalog: Catalog, force: Bool) throws -> Summary {
        let started = DispatchTime.now()
        let manager = FileManager.default
        if let out { try OutputFolder.claim(out, force: force) }
        if let cells { try OutputFile.claim(cells, force: force, isOwn: CellsFile.isOwn) }
        // Each file is read, derived and written on one of the cores: its units' datasets go into a
        // staging folder, its cells lines into a part file; only names and counts stay in memory.
        func stage(_ path: String?) throws -> URL? {
            guard let path else { return nil }
            do {
                return try Interrupts.guarded { try OutputFolder.makeStaging(beside: URL(fileURLWithPath: path)) }
            } catch {
                throw OutputRefusal(path: path, reason: FileProblem.describe(error, path: path))
            }
        }
        let staging = try stage(out), cellsParts = try stage(cells)
        let folders = [staging, cellsParts].compactMap { $0 }
        let cleanup = Interrupts.register { for folder in folders { Interrupts.remove(folder) } }
        defer {
            Interrupts.unregister(cleanup)
            for folder in folders { Interrupts.remove(folder) }
        }
        let origin = "由 juesuan derive 从记账明细 \(ledgers.joined(separator: "、")) 生成"
        let scheme = try? ScoringScheme.shipped(ScoringScheme.defaultID)
        let paths = ledgers, keepUnits = onto != nil
        let results = Parallel.map(paths.count) { index in
            Result { () throws -> DerivedFile in
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
                            let folder = staging.appendingPathComponent(safeName(unit.unit))
                            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
                            try DatasetWriter.fill(folder, unit, origin: origin)
                        }
                        if cellsParts != nil && !keepUnits { CellsFile.rows(unit, scheme: scheme, into: &text) }
                    }
                    if let cellsParts { try Data(text.utf8).write(to: cellsParts.appendingPathComponent("\(index)")) }
                } catch let error as InputError {
                    file.error = error  // reported after duplicated units, which can make two files write one folder
                } catch {
                    file.error = OutputRefusal(path: out ?? cells ?? "", reason: FileProblem.describe(error, path: out ?? cells ?? "."))
                }
                return file
            }
        }
        // Duplicated units first (they also explain a failed write into the same folder), then the
        // first error in file order.
        var seen: [String: String] = [:], names: [String] = [], postings = 0, kept: [Disclosure] = []
        for (path, result) in zip(paths, results) {
            guard case .success(let file) = result else { continue }
            for name in file.units {
                if let first = seen[name] {
                    throw InputError(file: path, value: name, reason: "单位在 \(first) 中已有明细；一个单位的明细应在同一文件中")
                }
                seen[name] = path
                names.append(name)
            }
            postings += file.postings
            kept += file.kept
        }
        for result in results {
            switch result {
            case .failure(let error): throw error
            case .success(let file): if let error = file.error { throw error }
            }
        }
        if let onto {
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
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        try Interrupts.guarded {
            if let cells, let cellsParts {
                do {
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
                } catch {
                    throw OutputRefusal(path: cells, reason: FileProblem.describe(error, path: cells))
                }
            }
            if let out, let staging {
                let target = URL(fileURLWithPath: out)
                do {
                    if onto != nil {
                        try DatasetWriter.write(kept[0], to: target, origin: origin, force: true)  // claimed above
                    } else if names.count == 1 {
                        try OutputFolder.install(staging.appendingPathComponent(safeName(names[0])), at: target, command: "derive")
                    } else {
                        try OutputFolder.install(staging, at: target, command: "derive")
                    }
                } catch let error as any ExplainedError {
                    throw error
                } catch {
                    throw OutputRefusal(path: out, reason: FileProblem.describe(error, path: out))
                }
            }
        }
        return Summary(postings: postings, units: names, seconds: seconds)
    }

    /// A unit name usable as a folder name.
    public static func safeName(_ name: String) -> String {
        let cleaned = String(name.map { "/\\:*?\"<>|".contains($0) || $0.isNewline ? "_" : $0 })
        return cleaned.hasPrefix(".") ? "_" + cleaned : cleaned
    }

    /// What one ledger file gave: its units' names, the number of postings, and (for --onto) the units.
    struct DerivedFile: Sendable {
        var units: [String] = []
        var postings = 0
        var kept: [Disclosure] = []
        /// A derivation or write error, reported after the duplicated units.
        var error: (any Error)?
    }
}
