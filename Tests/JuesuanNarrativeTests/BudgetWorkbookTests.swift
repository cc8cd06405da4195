import Foundation
import JuesuanAudit
import JuesuanCore
import JuesuanImport
import JuesuanLedger
@testable import JuesuanXLSX
import JuesuanTestSupport
import Testing

/// The budget workbook to fill: written from a budget, read back exactly; formulas whose results a program dropped
/// computed again; a blank one filled by hand; bad cells refused with the sheet, row and column.
@Suite("预算填报工作簿")
struct BudgetWorkbookTests {
    static func parts(_ data: Data) throws -> [String: Data] { try XLSXParts.parts(data) }

    static func edited(_ parts: [String: Data], _ change: (String) throws -> String) rethrows -> [String: Data] {
        var parts = parts
        for (path, content) in parts where path.hasPrefix("xl/worksheets/sheet") {
            parts[path] = Data(try change(String(decoding: content, as: UTF8.self)).utf8)
        }
        return parts
    }

    /// The workbook with each shared string written inline in its cell (`t="inlineStr"`) and the table removed.
    static func inlined(_ parts: [String: Data]) throws -> [String: Data] {
        var parts = parts
        let table = String(decoding: try #require(parts["xl/sharedStrings.xml"]), as: UTF8.self)
        let items = try NSRegularExpression(pattern: "<si>(.*?)</si>", options: [.dotMatchesLineSeparators])
        let strings = items.matches(in: table, range: NSRange(table.startIndex..., in: table)).map { String(table[Range($0.range(at: 1), in: table)!]) }
        let cell = try NSRegularExpression(pattern: "<c ([^>]*?) t=\"s\"([^>]*)><v>([0-9]+)</v></c>")
        parts = try Self.edited(parts) { sheet in
            var result = "", last = sheet.startIndex
            for match in cell.matches(in: sheet, range: NSRange(sheet.startIndex..., in: sheet)) {
                let range = Range(match.range, in: sheet)!
                let index = Int(sheet[Range(match.range(at: 3), in: sheet)!])!
                result += sheet[last..<range.lowerBound]
                result += "<c \(sheet[Range(match.range(at: 1), in: sheet)!]) t=\"inlineStr\"\(sheet[Range(match.range(at: 2), in: sheet)!])><is>\(try #require(strings.indices.contains(index) ? strings[index] : nil))</is></c>"
                last = range.upperBound
            }
            return result + sheet[last...]
        }
        parts["xl/sharedStrings.xml"] = nil
        return parts
    }

    /// Equal, or each difference said by table, row and column (not a whole dump).
    static func same(_ read: BudgetDataset, _ expected: BudgetDataset, _ context: String) {
        #expect(read.layout == expected.layout && read.scope == expected.scope && read.year == expected.year && read.department == expected.department)
        #expect(read.narrative == expected.narrative, "\(context) 编制说明")
        #expect(read.targets == expected.targets, "\(context) 项目绩效目标")
        #expect(Set(read.tables.keys) == Set(expected.tables.keys), "\(context)")
        for (id, table) in expected.tables {
            guard let other = read.tables[id] else { continue }
            #expect(other.unit == table.unit && other.note == table.note, "\(context) \(id)")
            #expect(other.items == table.items, "\(context) \(id) items")
            #expect(other.rows.count == table.rows.count, "\(context) \(id) rows \(other.rows.count) vs \(table.rows.count)")
            for (a, b) in zip(other.rows, table.rows) where a != b { Issue.record("\(context) \(id) \(a) vs \(b)") }
        }
    }

    @Test("每种版式：合成的预算写成工作簿再读回，逐格相同；审阅没有问题", arguments: BudgetLayout.shipped.map(\.id))
    func roundTrip(layoutID: String) throws {
        let layout = try #require(BudgetLayout.shipped.first { $0.id == layoutID })
        for index in 1...2 {
            var dataset = BudgetSynthesizer.make(layout: layout, seed: 29, index: index, year: 2025, catalog: Audit.catalog)
            if index == 2 {
                // The 项目绩效目标表 travels with the budget.
                dataset.targets = [
                    .init(project: "信息化建设项目", amount: 1_666_600_00, indicators: [
                        .init(level1: "产出指标", level2: "数量指标", name: "系统运行维护次数", value: "≥12 次"),
                        .init(level1: "效益指标", level2: "社会效益指标", name: "系统可用率", value: "≥99%"),
                    ]),
                    .init(project: "援滇干部工作经费", amount: nil, indicators: []),
                ]
            }
            let data = try BudgetWorkbook.data(dataset, layout: layout)
            let parts = try Self.parts(data)
            #expect(BudgetWorkbook.recognizes(entries: parts))
            let read = try BudgetWorkbook.read(entries: parts, displayName: "预算.xlsx")
            Self.same(read, dataset, layoutID)
            // Formulas in the sum columns and the 合计 row.
            let formulas = parts.filter { $0.key.hasPrefix("xl/worksheets/sheet") }.map { String(decoding: $0.value, as: UTF8.self) }
                .reduce(0) { $0 + $1.components(separatedBy: "<f>").count - 1 }
            #expect(formulas > 5, "\(layoutID): \(formulas)")
            // Saved by a program that keeps formulas but not their results: the same budget.
            let regex = try NSRegularExpression(pattern: "(<f>[^<]*</f>)<v>[^<]*</v>")
            let stripped = try Self.edited(parts) { regex.stringByReplacingMatches(in: $0, range: NSRange($0.startIndex..., in: $0), withTemplate: "$1") }
            Self.same(try BudgetWorkbook.read(entries: stripped, displayName: "预算.xlsx"), dataset, layoutID + "（公式无值）")
            // Saved with every string inline and no shared string table (as openpyxl saves): recognised, the same budget.
            let inline = try Self.inlined(stripped)
            #expect(inline["xl/sharedStrings.xml"] == nil)
            #expect(BudgetWorkbook.recognizes(entries: inline))
            Self.same(try BudgetWorkbook.read(entries: inline, displayName: "预算.xlsx"), dataset, layoutID + "（内联字符串）")
            let document = try BudgetDocument(dataset: read)
            let findings = BudgetAuditor(rules: Budget.rules, language: Audit.rules, catalog: Audit.catalog).audit(document)
            #expect(findings.filter { $0.severity == .error }.isEmpty, "\(findings.filter { $0.severity == .error }.map(\.message))")
        }
    }

    @Test("空白工作簿按键填入：合计由公式算出（不计算的程序也一样），再读出")
    func blankFilled() throws {
        let layout = try #require(BudgetLayout.shipped.first { $0.id == "shanghai-district" })
        let blank = BudgetDataset(layout: layout.id, scope: .unit, year: 2026, department: "演示单位", tables: [:], narrative: [])
        let parts = try Self.parts(try BudgetWorkbook.data(blank, layout: layout))
        let empty = try BudgetWorkbook.read(entries: parts, displayName: "空白.xlsx")
        #expect(empty.department == "演示单位" && empty.year == 2026 && empty.scope == .unit)
        #expect(empty.tables.values.allSatisfy { $0.rows.allSatisfy { $0.cells.allSatisfy { $0 == nil || $0 == 0 } } && $0.items.isEmpty })
        // Type into the 一般公共预算 table's first blank rows: 201 / 20101 / 2010101 with 基本支出 and 项目支出 (元).
        let sheet = try #require(parts.keys.sorted().filter { $0.hasPrefix("xl/worksheets/sheet") }.first { path in
            String(decoding: parts[path]!, as: UTF8.self).contains("SUMPRODUCT") && String(decoding: parts[path]!, as: UTF8.self).contains("r=\"E6\"")
        })
        var xml = String(decoding: parts[sheet]!, as: UTF8.self)
        for (row, code, basic, project) in [(6, "201", "1200.5", "300"), (7, "20101", "1200.5", "300"), (8, "2010101", "1200.5", "300")] {
            for (column, value) in [("A", "<is><t>\(code)</t></is>"), ("D", "<v>\(basic)</v>"), ("E", "<v>\(project)</v>")] {
                let type = column == "A" ? " t=\"inlineStr\"" : ""
                let pattern = try NSRegularExpression(pattern: "<c r=\"\(column)\(row)\"( s=\"[0-9]+\")?( t=\"s\")?(/>|>.*?</c>)")
                let range = NSRange(xml.startIndex..., in: xml)
                #expect(pattern.numberOfMatches(in: xml, range: range) == 1, "\(column)\(row)")
                xml = pattern.stringByReplacingMatches(in: xml, range: range, withTemplate: "<c r=\"\(column)\(row)\"$1\(type)>\(value)</c>")
            }
        }
        // Saved by a program that does not calculate: the formulas lose their (stale) results.
        let regex = try NSRegularExpression(pattern: "(<f>[^<]*</f>)<v>[^<]*</v>")
        xml = regex.stringByReplacingMatches(in: xml, range: NSRange(xml.startIndex..., in: xml), withTemplate: "$1")
        var filled = parts
        filled[sheet] = Data(xml.utf8)
        let read = try BudgetWorkbook.read(entries: filled, displayName: "填好的.xlsx")
        let table = try #require(read.tables.values.first { $0.rows.contains { $0.code == "2010101" } })
        #expect(table.rows.map(\.code) == ["", "201", "20101", "2010101"])
        // 合计 = Σ类 and 合计 column = 基本 + 项目, computed though no program calculated them.
        #expect(table.rows[0].cells.prefix(3).map { $0 } == [150_050, 120_050, 30_000])
        #expect(table.rows[3].cells.prefix(3).map { $0 } == [150_050, 120_050, 30_000])
    }

    @Test("金额格子：数字按所印单位换成分，四舍五入；不是数字的（含“1-2”）不读", arguments: [
        ("1813.94", MoneyUnit.yuan, Int64(181_394)), ("1,813.94", .yuan, 181_394), ("-3", .yuan, -300), ("1.5E3", .yuan, 150_000),
        ("0.005", .yuan, 1), ("12.3456", .wan, 123_456_00), ("1-2", .yuan, nil), ("", .yuan, nil), ("1e", .yuan, nil), ("--1", .yuan, nil),
        (".", .yuan, nil), ("1.2.3", .yuan, nil), ("1e99", .yuan, nil), ("一百", .yuan, nil),
    ] as [(String, MoneyUnit, Int64?)])
    func amounts(text: String, unit: MoneyUnit, fen: Int64?) {
        #expect(BudgetWorkbook.fen(text, unit: unit) == fen, "\(text)")
    }

    @Test("有错的格子：说明工作表、行、列与值；不是预算工作簿时说明")
    func refused() throws {
        let layout = try #require(BudgetLayout.shipped.first { $0.id == "jiangsu-province" })
        let dataset = BudgetSynthesizer.make(layout: layout, seed: 3, index: 1, year: 2025, catalog: Audit.catalog)
        let parts = try Self.parts(try BudgetWorkbook.data(dataset, layout: layout))
        let bad = try Self.edited(parts) { xml in
            guard let cell = xml.range(of: "r=\"D5\""), let range = xml.range(of: "<v>", range: cell.upperBound..<xml.endIndex) else { return xml }
            var changed = xml
            let end = changed.range(of: "</v>", range: range.upperBound..<changed.endIndex)!
            changed.replaceSubrange(range.lowerBound..<end.upperBound, with: "<is><t>一百元</t></is>")
            return changed.replacingOccurrences(of: "<c r=\"D5\" s=", with: "<c r=\"D5\" t=\"inlineStr\" s=")
        }
        #expect {
            try BudgetWorkbook.read(entries: bad, displayName: "预算.xlsx")
        } throws: { error in
            let text = "\(error)"
            return text.contains("预算.xlsx") && text.contains("第 5 行 D 列") && text.contains("一百元")
        }
        var other = parts
        other["xl/sharedStrings.xml"] = Data(String(decoding: parts["xl/sharedStrings.xml"]!, as: UTF8.self)
            .replacingOccurrences(of: BudgetWorkbook.marker, with: "别的").utf8)
        #expect(!BudgetWorkbook.recognizes(entries: other))
        #expect(throws: BudgetWorkbook.Failure.self) { try BudgetWorkbook.read(entries: other, displayName: "x.xlsx") }
    }
}
