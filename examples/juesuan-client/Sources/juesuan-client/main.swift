import Foundation
import Juesuan

// Usage: juesuan-client DATASET OUT
let arguments = CommandLine.arguments.dropFirst()
guard arguments.count == 2, let dataset = arguments.first, let out = arguments.last else {
    FileHandle.standardError.write(Data("用法：juesuan-client 数据集 输出文件夹\n".utf8))
    exit(64)
}
do {
    let catalog = try Engine.catalog(), rules = try Engine.rules()
    let disclosure = try Engine.readDataset(dataset)
    let (scheme, forms) = try Engine.score(disclosure)
    print("\(disclosure.unit) \(disclosure.year) 年度：\(forms.count) 张自评表（\(scheme.name)）")

    // Build in memory, then write the folder atomically.
    let publication = try Publisher.build(disclosure, catalog: catalog, rules: rules, source: dataset)
    print("检查：\(publication.findings.count(.error)) 个错误，\(publication.findings.count(.warning)) 个警告")
    try PackageWriter.write(publication, to: out, force: false)

    // Audit the PDF that was printed, as a reviewer would.
    if publication.published["report.pdf"] != nil {
        let report = try Engine.readReport((out as NSString).appendingPathComponent("report.pdf"), catalog: catalog)
        let findings = Engine.audit(report, rules: rules, catalog: catalog)
        print("审阅 report.pdf：\(findings.count(.error)) 个错误")
        print(FindingsDocument(findings, unit: disclosure.unit, year: disclosure.year, source: "report.pdf").json().prefix(200))
    } else if let problem = publication.pdfProblem {
        print("未生成 PDF：\(problem.message)")
    }
} catch {
    let problem = Problem(error)
    FileHandle.standardError.write(Data(problem.printed.utf8))
    exit(problem.kind.exitStatus)
}
