import Foundation
import JuesuanConsolidate
import JuesuanCore
import JuesuanImport
import JuesuanLedger
import JuesuanTestSupport
import Testing

/// `Consolidation.combine` of run sums is `Consolidation.sum` of all the units: what lets a 主管部门's 汇总 keep the
/// sums of runs of its units and re-sum only the run in which a version changed.
@Suite("汇总：分段相加再相加等于一次相加")
struct CombineTests {
    static let catalog = try! CatalogLoader.builtIn()

    /// Seeded units made to differ in what first appears where: rows dropped, named rows added before and after
    /// the codes, rows reordered, 三公 and vehicle items present in some only.
    static func units(seed: UInt64, count: Int) throws -> [Disclosure] {
        let synthesizer = Synthesizer(seed: seed, catalog: catalog)
        var random = SeededGenerator(seed: seed)
        var units = try (0..<count).map { try LedgerDerivation.disclosure(synthesizer.ledger($0), catalog: catalog) }
        units.insert(try DatasetReader.read(folder: Repository.corrected), at: Int(random.next() % UInt64(count)))
        for index in units.indices {
            for id in TableID.allCases {
                guard var table = units[index][id], !table.rows.isEmpty else { continue }
                let drop = Int(random.next() % 4)
                for _ in 0..<drop where !table.rows.isEmpty { table.rows.remove(at: Int(random.next() % UInt64(table.rows.count))) }
                switch random.next() % 5 {
                case 0: table.rows.insert(TableRow(key: .named("其他\(random.next() % 3)"), label: "其他", cells: [1: Money(fen: 100)]), at: 0)
                case 1: table.rows.append(TableRow(key: .named("另计\(random.next() % 3)"), label: "另计", cells: [1: Money(fen: -7)]))
                case 2: table.rows.reverse()
                default: break
                }
                units[index].tables[id] = table
            }
            if random.next() % 3 == 0 { units[index].figures.vehicleRunningDetails.append(NamedAmount(name: "车\(random.next() % 4)", amount: Money(fen: 5))) }
            if random.next() % 4 == 0 { units[index].figures.operatingCosts = NamedAmount(name: "机关运行经费\(index)", amount: Money(fen: 9)) }
        }
        return units
    }

    @Test("seeded units, runs of 1, 3, 7 and 64, with and without the catalogue: the same disclosure", arguments: [UInt64(3), 17, 2026])
    func sameAsOneSum(seed: UInt64) throws {
        let units = try Self.units(seed: seed, count: 90)
        for catalog in [nil, Self.catalog] {
            let whole = try Consolidation.sum(units, name: "某主管部门", catalog: catalog)
            for run in [1, 3, 7, 64] {
                let partials = try stride(from: 0, to: units.count, by: run).map { start in
                    try Consolidation.sum(Array(units[start..<min(start + run, units.count)]), name: "某主管部门", catalog: catalog)
                }
                let combined = try Consolidation.combine(partials, units: units.count, name: "某主管部门", catalog: catalog)
                #expect(combined == whole, "seed \(seed), runs of \(run), catalogue \(catalog != nil)")
                if combined != whole {
                    for id in TableID.allCases where combined[id] != whole[id] {
                        Issue.record("\(id): \(combined[id]?.rows.map(\.key).prefix(12) ?? []) vs \(whole[id]?.rows.map(\.key).prefix(12) ?? [])")
                    }
                }
            }
        }
    }
}
