import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanTestSupport
import Testing
@testable import JuesuanAudit
@testable import JuesuanNarrative

/// A short run of the fuzzer that `juesuan-fuzz` runs a million times (see docs/audit.md).
@Suite("公开文本读取器模糊测试")
struct PublishedFuzzTests {
    @Test("种子与语料的 1500 个变异片段：读出或以中文提示拒绝，从不崩溃")
    func windows() throws {
        let seed = Array(try Data(contentsOf: Audit.seedURL))
        var mutator = Mutator(seed: 42)
        let auditor = Auditor(rules: Audit.rules, catalog: Audit.catalog)
        var read = 0
        for _ in 0..<1_500 {
            let input = mutator.mutate(mutator.window(seed, maximum: 12_000))
            let text = (try? TextFile.decode(Data(input), name: "fuzz.txt")) ?? String(decoding: input, as: UTF8.self)
            do {
                let report = try ReportReader.read(PublishedText(text: text, source: "fuzz.txt"), catalog: Audit.catalog)
                _ = auditor.audit(report)
                read += 1
            } catch {
                #expect(error.description.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF })
            }
        }
        #expect(read > 0)
    }

    @Test("金额打印在任何小数位数下都不溢出")
    func formattingNeverOverflows() {
        for decimals in [-3, 0, 2, 6, 7, 30, Int.max] {
            #expect(!Money(fen: 123_456_789).formatted(unit: .wan, decimals: decimals).isEmpty)
            _ = Money(fen: 123_456_789).rounded(to: .wan, decimals: decimals)
        }
    }
}
