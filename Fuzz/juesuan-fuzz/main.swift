// Fuzzer (not a test) of the published-report reader and auditor: a seeded mutator over the seed and
// the corpus text. Usage: juesuan-fuzz [iterations] [seed]. A crash stops the process; the last input
// is kept in /tmp/juesuan-fuzz-last.txt so it can be replayed.
import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanAudit

import JuesuanRules
import JuesuanTestSupport

let arguments = CommandLine.arguments
let iterations = arguments.count > 1 ? Int(arguments[1]) ?? 1_000_000 : 1_000_000
let seed = arguments.count > 2 ? UInt64(arguments[2]) ?? 1 : 1
let catalog = try CatalogLoader.builtIn()
let rules = try RuleCatalogue.standard()
let auditor = Auditor(rules: rules, catalog: catalog)
var sources: [[UInt8]] = [Array(try Data(contentsOf: Repository.fixtures.appendingPathComponent("seed/000_a4a5e0261d017fb9.txt")))]
for name in ["putuo-finance-2024-final-accounts.pdf", "putuo-finance-2024-final-accounts-with-planted-errors.pdf"] {
    let text = try PublishedText.read(Repository.fixtures.appendingPathComponent("corpus/\(name)"))
    sources.append(Array(text.lines.map(\.text).joined(separator: "\n").utf8))
}
var mutator = Mutator(seed: seed)
var read = 0, rejected = 0, findings = 0
let start = Date()
for iteration in 1...iterations {
    let source = sources.randomElement(using: &mutator.generator)!
    // One in fifty a whole document (tables, prose and forms together), the rest windows of up to 6 KB.
    let base = iteration % 50 == 0 ? source : mutator.window(source, maximum: 6_000)
    let input = mutator.mutate(base)
    if iteration % 10_000 == 0 {
        try? Data(input).write(to: URL(fileURLWithPath: "/tmp/juesuan-fuzz-last.txt"))
        let rate = Double(iteration) / Date().timeIntervalSince(start)
        FileHandle.standardOutput.write(Data("\(iteration) inputs, \(read) read, \(rejected) rejected, \(findings) findings, \(Int(rate))/s\n".utf8))
    }
    do {
        // Bytes that are not UTF-8 are rejected by the CLI; decode them leniently here so the parser
        // itself still sees every mutated input.
        let text = (try? TextFile.decode(Data(input), name: "fuzz.txt")) ?? String(decoding: input, as: UTF8.self)
        let report = try ReportReader.read(PublishedText(text: text, source: "fuzz.txt"), catalog: catalog)
        findings += auditor.audit(report).count
        read += 1
    } catch {
        rejected += 1
    }
}
print("done: \(iterations) inputs, \(read) read, \(rejected) rejected (Chinese message, exit 2), no crash; \(Int(Date().timeIntervalSince(start))) s")
