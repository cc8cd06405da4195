import Foundation
import JuesuanCore
import JuesuanTestSupport
import Testing
@testable import JuesuanImport

/// Seeded mutation fuzzing of the readers: every mutated input is either read or rejected with an
/// `InputError`; nothing crashes.
@Suite("读取器模糊测试")
struct FuzzTests {
    static let pieces: [[UInt8]] = ["\"", ",", "\n", "\r\n", "1,81,3.94", "-", ".", "合计", "201", "\u{3000}", "\0",
                                    ":", "- ", "{", "[", "'", "#", "\t", "99999999999999999999", "2010301", "..",
                                    "人员经费合计", "&", "\u{FEFF}", "栏3"].map { Array($0.utf8) }

    static func mutate(_ bytes: [UInt8], _ generator: inout SeededGenerator) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...6, using: &generator) {
            guard !bytes.isEmpty else { bytes = pieces.randomElement(using: &generator)!; continue }
            let index = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<6, using: &generator) {
            case 0: bytes[index] = UInt8.random(in: 0...255, using: &generator)
            case 1: bytes.remove(at: index)
            case 2: bytes.insert(contentsOf: pieces.randomElement(using: &generator)!, at: index)
            case 3:
                let end = min(bytes.count, index + Int.random(in: 1...40, using: &generator))
                bytes.removeSubrange(index..<end)
            case 4:
                let end = min(bytes.count, index + Int.random(in: 1...40, using: &generator))
                bytes.insert(contentsOf: bytes[index..<end], at: Int.random(in: 0...bytes.count, using: &generator))
            default: bytes = Array(bytes.prefix(index))
            }
        }
        return bytes
    }

    @Test("表 CSV：2 万个变异输入，不崩溃")
    func tables() throws {
        var generator = SeededGenerator(seed: 20211231)
        let originals = try TableID.allCases.map { id in
            (id, Array(try Data(contentsOf: Repository.example.appendingPathComponent(DatasetReader.tableFile(id)))))
        }
        var accepted = 0, rejected = 0
        for _ in 0..<20_000 {
            let (id, original) = originals.randomElement(using: &generator)!
            let mutated = Self.mutate(original, &generator)
            do {
                let text = try TextFile.decode(Data(mutated), name: "fuzz.csv")
                _ = try TableReader.read(try CSVFile(text: text, name: "fuzz.csv"), id: id, year: 2021, department: "x")
                accepted += 1
            } catch {
                #expect(!error.description.isEmpty)
                rejected += 1
            }
        }
        #expect(accepted + rejected == 20_000)
        #expect(rejected > 0)
    }

    @Test("YAML：5 千个变异输入，不崩溃")
    func facts() throws {
        var generator = SeededGenerator(seed: 8)
        let files = ["disclosure.yaml", "performance/department.yaml", "performance/project-5.yaml"]
        let originals = try files.map { Array(try Data(contentsOf: Repository.example.appendingPathComponent($0))) }
        for _ in 0..<5_000 {
            let index = Int.random(in: 0..<files.count, using: &generator)
            let mutated = Self.mutate(originals[index], &generator)
            do {
                let doc = try YAMLDocument(text: try TextFile.decode(Data(mutated), name: "fuzz.yaml"), name: "fuzz.yaml")
                if index == 0 { _ = try DatasetReader.readFacts(doc) } else if index == 1 {
                    _ = try PerformanceReader.department(doc)
                } else { _ = try PerformanceReader.project(doc) }
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
    }
}
