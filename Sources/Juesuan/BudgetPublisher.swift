import Foundation
import JuesuanAudit
import JuesuanCore
import JuesuanImport
import JuesuanRender
import JuesuanRules
import JuesuanXLSX

/// Builds the public files of a budget (部门预算): the page, the PDF, the data and its open-data package
/// (a Fiscal Data Package with phase "approved"); the audit of the data goes to the review files only.
public enum BudgetPublisher {
    public struct Package: Sendable {
        public var published: [String: Data]
        public var review: [String: Data]
        public var findings: [Finding]
        public var pdfProblem: Problem?
        public var files: [String: Data] { published.merging(review) { first, _ in first } }
    }

    /// The budget's page as published (HTML).
    public static func page(_ dataset: BudgetDataset) throws -> String {
        guard let layout = BudgetLayout.shipped.first(where: { $0.id == dataset.layout }) else {
            throw Problem(kind: .inputInvalid, message: "不认识的预算版式“\(dataset.layout)”")
        }
        return BudgetHTML.page(dataset, layout: layout)
    }

    /// The budget printed to PDF; `draft` puts "草稿" across every page.
    public static func pdf(_ dataset: BudgetDataset, draft: Bool) throws -> Data {
        try PDFWriter.page(try page(dataset), draft: draft)
    }

    public static func build(_ dataset: BudgetDataset, catalog: Catalog, pdf: Bool, source: String) throws -> Package {
        guard let layout = BudgetLayout.shipped.first(where: { $0.id == dataset.layout }) else {
            throw Problem(kind: .inputInvalid, message: "\(source)：不认识的预算版式“\(dataset.layout)”")
        }
        let document = try BudgetDocument(dataset: dataset)
        let findings = BudgetAuditor(rules: try RuleCatalogue.budget(), language: try RuleCatalogue.standard(), catalog: catalog).audit(document)
        let html = BudgetHTML.page(dataset, layout: layout)
        var published: [String: Data] = ["index.html": Data(html.utf8), "budget.json": dataset.json(),
                                         "workbook.xlsx": try BudgetWorkbook.data(dataset, layout: layout)]
        var resources: [[String: Any]] = []
        for spec in layout.tables {
            guard let table = dataset.tables[spec.id] else { continue }
            let path = "data/\(spec.id)-\(spec.name.filter { !"“”\"、，".contains($0) }).csv"
            published[path] = Data(csv(table, spec: spec).utf8)
            resources.append(["name": spec.id.lowercased(), "title": spec.name, "path": path, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                              "schema": ["fields": fields(spec).map { ["name": $0, "type": $0 == "金额" || spec.columns.contains($0) ? "number" : "string"] }]])
        }
        let package: [String: Any] = [
            "profile": "fiscal-data-package", "name": "budget-\(dataset.year)", "title": "\(dataset.department)\(dataset.year)年\(dataset.scope.rawValue)预算",
            "resources": resources,
            "model": ["measures": ["amount": ["source": "金额", "currency": "CNY", "phase": "approved", "unit": "元"]],
                      "dimensions": ["year": ["attributes": ["fiscalYear": ["source": "年度"]], "dimensionType": "datetime"]]],
            "fiscalPeriod": ["start": "\(dataset.year)-01-01", "end": "\(dataset.year)-12-31"],
        ]
        published["datapackage.json"] = try JSONSerialization.data(withJSONObject: package, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        var pdfProblem: Problem?
        if pdf {
            do { published["report.pdf"] = try PDFWriter.page(html) } catch { pdfProblem = Problem(error) }
        }
        let review = ["findings.json": Data(FindingsReport.json(findings, unit: dataset.department, year: dataset.year, source: source).utf8)]
        return Package(published: published, review: review, findings: findings, pdfProblem: pdfProblem)
    }

    static func fields(_ spec: BudgetLayout.TableSpec) -> [String] {
        switch spec.shape {
        case .ledger: ["方向", "项目"] + spec.columns
        case .functional, .economic: ["科目编码", "科目名称"] + spec.columns
        case .single: spec.columns
        case .procurement: ["采购品目大类", "金额"]
        }
    }

    /// One table as CSV in 元 (the open data is always in 元, two decimals).
    static func csv(_ table: BudgetDataset.TableData, spec: BudgetLayout.TableSpec) -> String {
        func yuan(_ fen: Int64?) -> String { fen.map { Money(fen: $0).formatted(unit: .yuan, decimals: 2, grouping: false) } ?? "" }
        func quote(_ text: String) -> String { text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text }
        var lines = [fields(spec).map(quote).joined(separator: ",")]
        switch spec.shape {
        case .ledger:
            for item in table.items {
                lines.append(([item.side == "右" ? "支出" : "收入", quote(item.label)] + spec.columns.indices.map { $0 < item.figures.count ? yuan(item.figures[$0]) : "" })
                    .joined(separator: ","))
            }
        case .functional, .economic:
            for row in table.rows {
                lines.append(([row.code, quote(row.code.isEmpty ? "合计" : row.label)] + spec.columns.indices.map { $0 < row.cells.count ? yuan(row.cells[$0]) : "" })
                    .joined(separator: ","))
            }
        case .single:
            for row in table.rows { lines.append(spec.columns.indices.map { $0 < row.cells.count ? yuan(row.cells[$0]) : "" }.joined(separator: ",")) }
        case .procurement:
            for item in table.items { lines.append([quote(item.label), yuan(item.figures.last)].joined(separator: ",")) }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
