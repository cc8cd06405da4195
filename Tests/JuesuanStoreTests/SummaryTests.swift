import Foundation
import Juesuan
import JuesuanCore
import JuesuanLedger
@testable import JuesuanStore
import JuesuanTestSupport
import Testing

@Suite("what consolidation reads of a version")
struct SummaryTests {
    @Test("a summary reads back as the tables, figures and staffing it was written from (example and 60 seeded units)")
    func roundTrip() throws {
        let catalog = try Engine.catalog()
        var disclosures = [try Engine.readDataset(Repository.example.path)]
        let synthesizer = Synthesizer(seed: 20261205, year: 2021, catalog: catalog)
        for index in 0..<60 {
            var ledger = synthesizer.ledger(index)
            ledger.unit = synthesizer.name(index)
            disclosures.append(try LedgerDerivation.disclosure(ledger, catalog: catalog))
        }
        // A label with the format's own separators in it, and a negative amount.
        if var table = disclosures[1].tables.values.first, !table.rows.isEmpty {
            table.rows[0].label = "甲\t乙\n丙；丁:戊"
            if let column = table.rows[0].cells.keys.first { table.rows[0].cells[column] = Money(fen: -123_456) }
            disclosures[1].tables[table.id] = table
        }
        let decoded = try #require(Summary.decode(disclosures.map(Summary.encode)))
        #expect(decoded.count == disclosures.count)
        for (original, read) in zip(disclosures, decoded) {
            #expect(read.year == original.year)
            #expect(read.figures == original.figures)
            #expect(read.overview.staffing == original.overview.staffing)
            #expect(Set(read.tables.keys) == Set(original.tables.keys))
            for (id, table) in original.tables {
                let other = try #require(read.tables[id])
                #expect(other.unit == table.unit && other.columns == table.columns && other.notes == table.notes)
                #expect(other.rows.map(\.key) == table.rows.map(\.key))
                #expect(other.rows.map(\.cells) == table.rows.map(\.cells))
                #expect(other.rows.map(\.label) == table.rows.map { Summary.clean($0.label) })
            }
        }
        // Damaged summaries are refused, never half read.
        for broken in ["Y\tx", "R\t1\tl3\t名\t1:abc", "R\t1\tq3\t名\t1:5", "T\t99\t万元\t{}", "Z\t1", "R\t1\tl3\t名\t1:-"] {
            #expect(Summary.decode(["Y\t2021\n" + broken]) == nil, "\(broken)")
        }
    }
}
