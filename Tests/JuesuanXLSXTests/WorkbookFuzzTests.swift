import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanTestSupport
import JuesuanXLSX
import Testing
import ZIPFoundation

/// Seeded mutation fuzzing of the workbook reader: one part of a valid workbook (a sheet, the shared
/// strings, the workbook or its relations) is mutated and the archive rebuilt, so the damage reaches
/// the XML readers rather than stopping at the ZIP checksum. Every input is read or rejected with an
/// error; nothing crashes.
@Suite("工作簿读取模糊测试")
struct WorkbookFuzzTests {
    /// Rounds: 300 in the suite; `JUESUAN_FUZZ_ROUNDS=20000 swift test --filter WorkbookFuzzTests` for a long run.
    static let rounds = ProcessInfo.processInfo.environment["JUESUAN_FUZZ_ROUNDS"].flatMap(Int.init) ?? 300

    @Test("变异工作簿各部件（300 次，可调）：读出或报错，不崩溃")
    func mutatedParts() throws {
        let original = WorkbookTests.temporary("original.xlsx")
        defer { try? FileManager.default.removeItem(at: original) }
        try WorkbookWriter.write(try DatasetReader.read(folder: Repository.example), to: original)
        let source = try Archive(url: original, accessMode: .read)
        var parts: [(path: String, data: Data)] = []
        for entry in source where entry.type == .file {
            var data = Data()
            _ = try source.extract(entry) { data.append($0) }
            parts.append((entry.path, data))
        }
        let xmlParts = parts.indices.filter { parts[$0].path.hasSuffix(".xml") || parts[$0].path.hasSuffix(".rels") }
        #expect(xmlParts.count >= 10)
        var mutator = Mutator(seed: 20261128)
        var read = 0, rejected = 0
        for _ in 0..<Self.rounds {
            let target = xmlParts[Int.random(in: 0..<xmlParts.count, using: &mutator.generator)]
            let url = WorkbookTests.temporary("fuzz.xlsx")
            defer { try? FileManager.default.removeItem(at: url) }
            let archive = try Archive(url: url, accessMode: .create)
            for (index, part) in parts.enumerated() {
                let bytes = index == target ? Data(mutator.mutate(Array(part.data))) : part.data
                try archive.addEntry(with: part.path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate) { position, size in
                    bytes.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            do {
                _ = try WorkbookReader.read(url)
                read += 1
            } catch {
                rejected += 1
            }
        }
        #expect(read + rejected == Self.rounds)
    }
}
