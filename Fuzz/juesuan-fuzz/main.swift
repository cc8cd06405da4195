// Fuzzer (not a test) of the published-report and budget readers, their auditors and the chain between documents: a
// seeded mutator over the seed and the corpus text (final accounts and budgets). Usage: juesuan-fuzz [iterations] [seed]. A crash stops the process; the last input
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
let budgetAuditor = BudgetAuditor(rules: try RuleCatalogue.budget(), language: rules, catalog: catalog)
let chain = BudgetChain(rules: try RuleCatalogue.budget())
let finalAccounts = try ReportReader.read(PublishedText.read(Repository.fixtures.appendingPathComponent("corpus/putuo-finance-2024-final-accounts.pdf")),
                                          catalog: catalog)
for name in ["putuo-finance-2024-final-accounts.pdf", "putuo-finance-2024-final-accounts-with-planted-errors.pdf",
             "putuo-finance-2025-budget.pdf", "jiangsu-procuratorate-2017-budget.pdf", "jiangsu-procuratorate-2018-budget.pdf"] {
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
        let published = PublishedText(text: text, source: "fuzz.txt")
        // A budget by its own reader and rules, then linked with last year's final accounts and with itself a year on.
        if let layout = BudgetReader.recognize(published) {
            let budget = BudgetReader.read(published, layout: layout)
            findings += budgetAuditor.audit(budget).count
            var later = budget
            later.year += 1
            findings += chain.link([.finalAccounts(finalAccounts), .budget(budget), .budget(later)]).findings.count
            read += 1
            continue
        }
        let report = try ReportReader.read(published, catalog: catalog)
        findings += auditor.audit(report).count
        read += 1
    } catch {
        rejected += 1
    }
}
print("done: \(iterations) inputs, \(read) read, \(rejected) rejected (Chinese message, exit 2), no crash; \(Int(Date().timeIntervalSince(start))) s")
