import Dispatch
import Foundation
import JuesuanConsolidate
import JuesuanCore
import JuesuanImport
import JuesuanLedger

/// `synth`: synthetic units (ledgers and their tables as cells files) for tests and benchmarks.
public enum Synthesis {
    /// What was written.
    public struct Summary: Sendable {
        public var postings: Int
        public var files: Int
    }

    /// Writes `out/ledger/part-NNNNN.csv` and `out/tables/part-NNNNN.csv`, `perFile` units a file.
    /// The same `seed` always gives the same units.
    public static func run(units: Int, seed: UInt64, year: Int, perFile: Int, out: String, force: Bool) throws -> Summary {
        let catalog = try CatalogLoader.builtIn()
        let synthesizer = Synthesizer(seed: seed, year: year, catalog: catalog)
        let parts = (units + perFile - 1) / perFile
        let digits = max(5, String(parts).count)
        let postings = SharedCounter(), failures = SharedCounter()
        try OutputFolder.write(to: out, command: "synth", force: force) { staging in
            let manager = FileManager.default
            try manager.createDirectory(at: staging.appendingPathComponent("ledger"), withIntermediateDirectories: true)
            try manager.createDirectory(at: staging.appendingPathComponent("tables"), withIntermediateDirectories: true)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                var ledgerText = LedgerWriter.header, cellsText = CellsFile.header + "\n"
                var count = 0
                for index in (part * perFile)..<min(units, (part + 1) * perFile) {
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
            if failures.value > 0 { throw OutputRefusal(path: out, reason: "有 \(failures.value) 个文件或单位没能写出") }
        }
        return Summary(postings: postings.value, files: parts)
    }
}
