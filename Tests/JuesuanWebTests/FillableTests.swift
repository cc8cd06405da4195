import Foundation
import Juesuan
@testable import JuesuanStore
import JuesuanTestSupport
import JuesuanXLSX
import Testing
import ZIPFoundation

/// The workbook a unit fills offline: formulas in the computed cells, read back whole.
@Suite("填报：可填写的工作簿", .serialized)
struct FillableTests {
    /// The parts of a workbook, each inflated.
    static func parts(_ data: Data) throws -> [String: Data] { try XLSXParts.parts(data) }
    static func zip(_ parts: [String: Data]) throws -> Data { try XLSXParts.zip(parts) }

    @Test("the blank workbook: labels, 行次, formulas in the computed cells, protection, a number check, instructions")
    func blankWorkbook() async throws {
        try await PagesTests.withPages(synthetic: 0) { cycle, _ in
            let filler = try await PagesTests.caller(cycle, "tianbao")
            let data = try await cycle.drafts.fillableWorkbook(filler, year: 2021, org: Cycle.demoExample)
            if let dump = ProcessInfo.processInfo.environment["JUESUAN_PAGE_DUMP"] { try data.write(to: URL(fileURLWithPath: dump + "/blank.xlsx")) }
            let parts = try Self.parts(data)
            let workbook = String(decoding: parts["xl/workbook.xml"] ?? Data(), as: UTF8.self)
            #expect(workbook.contains("填写说明") && workbook.contains("数据集") && workbook.contains("表9"))
            let strings = String(decoding: parts["xl/sharedStrings.xml"] ?? Data(), as: UTF8.self)
            #expect(strings.contains("一、一般公共预算财政拨款收入") && strings.contains("本年收入合计") && strings.contains(WorkbookWriter.fillableValue))
            let sheets = parts.filter { $0.key.hasPrefix("xl/worksheets/sheet") }.map { String(decoding: $0.value, as: UTF8.self) }
            #expect(sheets.filter { $0.contains("<sheetProtection") }.count >= 10, "every table and the instructions protected")
            #expect(sheets.contains { $0.contains("<f>") && $0.contains("SUM") == false && $0.contains("+") }, "formulas as sums of cells")
            #expect(sheets.contains { $0.contains("<dataValidation") && $0.contains("type=\"decimal\"") })
        }
    }

    @Test("filled with the example's values and saved by a program that keeps formulas but not their results: reads back as the example")
    func filledReadsBack() async throws {
        try await PagesTests.withPages(synthetic: 0) { cycle, _ in
            let filler = try await PagesTests.caller(cycle, "tianbao")
            let example = try Engine.readDataset(Repository.corrected.path)
            // The example written as a fillable workbook is what a unit has after filling every cell.
            let forms = Completion.linearForms(example, rules: cycle.rules, catalog: cycle.catalog)
            let formulas = forms.mapValues { terms in terms.map { WorkbookWriter.Fillable.Term(cell: $0.cell, sign: $0.sign) } }
            let filled = try WorkbookWriter.data(example, fillable: .init(formulas: formulas))
            // openpyxl keeps formulas and drops their cached results: every computed cell is then blank.
            var parts = try Self.parts(filled)
            var stripped = 0
            for (path, content) in parts where path.hasPrefix("xl/worksheets/sheet") {
                let text = String(decoding: content, as: UTF8.self)
                let regex = try NSRegularExpression(pattern: "(<f>[^<]*</f>)<v>[^<]*</v>")
                stripped += regex.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text))
                parts[path] = Data(regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "$1").utf8)
            }
            #expect(stripped > 50)
            if let dump = ProcessInfo.processInfo.environment["JUESUAN_PAGE_DUMP"] { try Self.zip(parts).write(to: URL(fileURLWithPath: dump + "/filled.xlsx")) }
            let upload = try await cycle.reports.upload(filler, year: 2021, org: Cycle.demoExample, filename: "填好的.xlsx", bytes: try Self.zip(parts))
            let stored = try await cycle.reports.dataset(filler, year: 2021, org: Cycle.demoExample, version: upload.version.number)
            var compared = 0
            for id in TableID.allCases {
                for row in example[id]?.rows ?? [] {
                    for (column, value) in row.cells {
                        #expect(stored[id]?.row(row.key)?.cells[column] == value, "\(id) \(row.key) 第\(column)栏")
                        compared += 1
                    }
                }
                // The blank rows left for new codes add nothing.
                #expect(stored[id]?.rows.count == example[id]?.rows.count, "\(id)")
            }
            #expect(compared > 150)
            #expect(!upload.findings.contains { $0.severity == .error && $0.table != nil })
        }
    }
}
