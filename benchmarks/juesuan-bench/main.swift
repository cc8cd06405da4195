// Benchmarks (not tests): `swift run -c release juesuan-bench [--runs N] [--only TEXT]`.
// Prints the median, minimum and maximum wall-clock time of each measured step.
import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanLedger
import JuesuanAudit
import JuesuanNarrative
import JuesuanXLSX
import JuesuanPerformance
import JuesuanRender
import JuesuanRules

func measure(_ name: String, runs: Int, _ body: () throws -> Void) rethrows {
    if let only, !name.contains(only) { return }
    var samples: [Double] = []
    for _ in 0..<3 { try body() }  // warm-up
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
    }
    samples.sort()
    let median = samples.count % 2 == 1 ? samples[samples.count / 2] : (samples[samples.count / 2 - 1] + samples[samples.count / 2]) / 2
    print(String(format: "%-34@ median %8.3f ms   min %8.3f ms   max %8.3f ms   (%d runs)",
                 name as NSString, median, samples.first!, samples.last!, runs))
}

let arguments = CommandLine.arguments.dropFirst()
let runs = arguments.firstIndex(of: "--runs").flatMap { Int(arguments[arguments.index(after: $0)]) } ?? 50
/// `--only TEXT`: measure only the steps whose name contains TEXT (for profiling one step).
let only = arguments.firstIndex(of: "--only").map { arguments[arguments.index(after: $0)] }
let example = URL(fileURLWithPath: "examples/jianghan-2021")

let catalog = try CatalogLoader.builtIn()
let rules = try RuleCatalogue.standard()
let disclosure = try DatasetReader.read(folder: example)
let checker = Checker(catalogue: rules, catalog: catalog)

print("juesuan benchmarks on examples/jianghan-2021 (\(ProcessInfo.processInfo.activeProcessorCount) cores)")
try measure("read dataset", runs: runs) { _ = try DatasetReader.read(folder: example) }
try measure("load catalogue + rules", runs: runs) { _ = try CatalogLoader.builtIn(); _ = try RuleCatalogue.standard() }
measure("evaluate \(rules.rules.count) rules", runs: runs) { _ = checker.check(disclosure) }
try measure("check (read + load + evaluate)", runs: runs) {
    let catalog = try CatalogLoader.builtIn()
    let rules = try RuleCatalogue.standard()
    _ = Checker(catalogue: rules, catalog: catalog).check(try DatasetReader.read(folder: example))
}
let scheme = try ScoringScheme.chosen(by: disclosure.performance)
measure("load scoring scheme", runs: runs) { _ = try? ScoringScheme.chosen(by: disclosure.performance) }
measure("score 9 forms", runs: runs) { _ = Scorer(scheme: scheme).score(disclosure.performance) }
let findings = checker.check(disclosure)
measure("render index.html", runs: runs) { _ = HTMLWriter.review(disclosure, findings: findings) }
let allRows = disclosure.performance.projects.flatMap(\.indicators) + (disclosure.performance.department?.goals.flatMap(\.indicators) ?? [])
measure("parse \(allRows.count) targets+actuals", runs: runs) { for row in allRows { _ = IndicatorValue.target(row.target); _ = IndicatorValue.actual(row.actual) } }
measure("judge \(allRows.count) tiers", runs: runs) { for row in allRows { _ = Scorer.tier(target: row.target, actual: row.actual) } }
measure("normalise \(allRows.count)", runs: runs) { for row in allRows { _ = IndicatorValue.normalise(row.target) } }

// Audit of published reports.
let rulesForAudit = try RuleCatalogue.standard()
let auditor = Auditor(rules: rulesForAudit, catalog: catalog)
let seedURL = URL(fileURLWithPath: "Tests/Fixtures/seed/000_a4a5e0261d017fb9.txt")
if FileManager.default.fileExists(atPath: seedURL.path) {
    try measure("audit seed text (read + audit)", runs: runs) {
        _ = auditor.audit(try ReportReader.read(seedURL, catalog: catalog))
    }
    let putuo = URL(fileURLWithPath: "Tests/Fixtures/corpus/putuo-finance-2024-final-accounts.pdf")
    try measure("audit Putuo PDF (pdftotext + audit)", runs: max(9, runs / 10)) {
        _ = auditor.audit(try ReportReader.read(putuo, catalog: catalog))
    }
    // A budget of the same length (25 pages each): issue 23 asks for at most 1.2× the final accounts.
    let budgetRules = try RuleCatalogue.budget()
    let budget = URL(fileURLWithPath: "Tests/Fixtures/corpus/jiangsu-procuratorate-2017-budget.pdf")
    try measure("audit 25-page budget PDF (pdftotext + audit)", runs: max(5, runs / 10)) {
        _ = BudgetAuditor(rules: budgetRules, language: rulesForAudit, catalog: catalog).audit(try BudgetReader.read(PublishedText.read(budget)))
    }
    let budgetText = try PublishedText.read(budget)
    try measure("  budget PDF: pdftotext (text + boxes)", runs: max(5, runs / 10)) { _ = try PublishedText.read(budget) }
    measure("  budget PDF: recognise", runs: max(5, runs / 10)) { _ = BudgetReader.recognize(budgetText) }
    let budgetDocument = try BudgetReader.read(budgetText)
    try measure("  budget PDF: read tables and prose", runs: max(5, runs / 10)) { _ = try BudgetReader.read(budgetText) }
    measure("  budget PDF: audit", runs: max(5, runs / 10)) {
        _ = BudgetAuditor(rules: budgetRules, language: rulesForAudit, catalog: catalog).audit(budgetDocument)
    }
    let longer = URL(fileURLWithPath: "Tests/Fixtures/corpus/jiangsu-procuratorate-2018-budget.pdf")
    try measure("audit 31-page budget PDF (pdftotext + audit)", runs: max(9, runs / 10)) {
        _ = BudgetAuditor(rules: budgetRules, language: rulesForAudit, catalog: catalog).audit(try BudgetReader.read(PublishedText.read(longer)))
    }
    if let pdftotext = Tools.find(["pdftotext"])?.path {
        // What one extraction costs: the floor of reading a PDF by pdftotext.
        try measure("  Putuo PDF: pdftotext -layout alone", runs: max(9, runs / 10)) {
            _ = try ChildProcess.run(pdftotext, ["-layout", "-enc", "UTF-8", "-q", putuo.path, "/dev/null"])
        }
    }
    let putuoText = try PublishedText.read(putuo)
    try measure("  Putuo PDF: pdftotext (text + boxes)", runs: max(5, runs / 10)) { _ = try PublishedText.read(putuo) }
    try measure("  Putuo PDF: read", runs: max(5, runs / 10)) { _ = try ReportReader.read(putuoText, catalog: catalog) }
}
if FileManager.default.fileExists(atPath: seedURL.path) {
    let raw = try String(contentsOf: seedURL, encoding: .utf8)
    measure("  seed: lines + NFKC", runs: runs) { _ = PublishedText(text: raw, source: "seed") }
    let text = PublishedText(text: raw, source: "seed")
    try measure("  seed: recognise tables and prose", runs: runs) { _ = try ReportReader.read(text, catalog: catalog) }
    let report = try ReportReader.read(text, catalog: catalog)
    measure("  seed: table rules", runs: runs) { _ = Checker(catalogue: rulesForAudit, catalog: catalog).check(report.disclosure) }
    measure("  seed: whole audit of the read report", runs: runs) { _ = auditor.audit(report) }
}

// Publication: the steps of `build` without the PDF.
let templates = try NarrativeTemplates.standard()
let scoredForms = Scorer(scheme: scheme).score(disclosure.performance)
measure("generate Part 3", runs: runs) { _ = NarrativeGenerator(templates: templates, disclosure: disclosure, catalog: catalog, scores: scoredForms).generate() }
let sections = NarrativeGenerator(templates: templates, disclosure: disclosure, catalog: catalog, scores: scoredForms).generate()
measure("render whole index.html", runs: runs) { _ = HTMLWriter.review(disclosure, findings: findings, scores: scoredForms, scheme: scheme, narrative: sections) }
let benchDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: benchDirectory, withIntermediateDirectories: true)
try measure("write workbook.xlsx", runs: runs) { try WorkbookWriter.write(disclosure, to: benchDirectory.appendingPathComponent("workbook.xlsx")) }
try measure("write open data", runs: runs) { try OpenData.write(disclosure, to: benchDirectory) }
try? FileManager.default.removeItem(at: benchDirectory)

// Ledger to tables (in process, one core): 1,000 synthetic units' postings read from CSV and derived.
let synthesizer = Synthesizer(seed: 1, catalog: catalog)
let ledgers = (0..<1000).map(synthesizer.ledger)
let postingCount = ledgers.reduce(0) { $0 + $1.postings.count }
let ledgerText = LedgerWriter.csv(ledgers)
var parsed: [Ledger] = []
try measure("ledger: read CSV (\(postingCount) postings)", runs: max(3, runs / 20)) { parsed = try LedgerReader.read(text: ledgerText, name: "bench.csv") }
try measure("ledger: derive nine tables (\(postingCount) postings)", runs: max(3, runs / 20)) {
    for ledger in parsed { _ = try LedgerDerivation.disclosure(ledger, catalog: catalog) }
}
