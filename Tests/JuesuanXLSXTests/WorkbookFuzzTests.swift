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

/// The same for the budget workbook: a part of a filled one mutated (in memory, as an upload is read), read or
/// refused, never a crash; and cells that are numbers written as anything at all.
@Suite("预算工作簿读取模糊测试")
struct BudgetWorkbookFuzzTests {
    @Test("变异预算工作簿各部件（300 次，可调）：读出或报错，不崩溃")
    func mutatedParts() throws {
        let layout = try #require(BudgetLayout.shipped.first { $0.id == "jiangsu-province" })
        var dataset = BudgetDataset(layout: layout.id, scope: .department, year: 2025, department: "模糊测试局", tables: [
            "05": .init(unit: "万元", rows: [.init(code: "", label: "合计", cells: [1_000_000]), .init(code: "201", label: "一般公共服务支出", cells: [1_000_000])]),
        ], narrative: ["2025年部门预算编制说明", "收入预算1.00万元。"])
        dataset.targets = [.init(project: "示例项目", amount: 1_000_000, indicators: [.init(level1: "产出指标", level2: "数量指标", name: "次数", value: "≥1")])]
        let parts = try XLSXParts.parts(try BudgetWorkbook.data(dataset, layout: layout))
        let xmlParts = parts.keys.filter { $0.hasSuffix(".xml") || $0.hasSuffix(".rels") }.sorted()
        #expect(xmlParts.count >= 10)
        var mutator = Mutator(seed: 20261205)
        var read = 0, rejected = 0
        for _ in 0..<WorkbookFuzzTests.rounds {
            var mutated = parts
            let target = xmlParts[Int.random(in: 0..<xmlParts.count, using: &mutator.generator)]
            mutated[target] = Data(mutator.mutate(Array(parts[target]!)))
            do {
                _ = try BudgetWorkbook.read(entries: mutated, displayName: "预算.xlsx")
                read += 1
            } catch {
                rejected += 1
            }
        }
        #expect(read + rejected == WorkbookFuzzTests.rounds && read > 0 && rejected > 0)
    }
}

/// Cell references and shared-string indexes a crafted file can carry: found by the long fuzz run, each once a trap.
@Suite("工作簿：畸形的格子引用")
struct MalformedCellTests {
    @Test("列字母过多、行号过大或为 0、共享字符串下标为负：不是格子，不崩溃", arguments: [
        "<c r=\"AAAAAAAAAAAAAAAAAAAAAAAAAAAA1\" t=\"s\"><v>0</v></c>", "<c r=\"A99999999999999999999\"><v>1</v></c>",
        "<c r=\"A0\"><v>1</v></c>", "<c r=\"B2\" t=\"s\"><v>-1</v></c>", "<c r=\"B2\" t=\"s\"><v>-9223372036854775808</v></c>",
        "<c r=\"1A\"><v>1</v></c>",
    ])
    func malformed(cell: String) throws {
        let layout = try #require(BudgetLayout.shipped.first { $0.id == "mof-national" })
        let blank = BudgetDataset(layout: layout.id, scope: .unit, year: 2025, department: "畸形", tables: [:], narrative: [])
        var parts = try XLSXParts.parts(try BudgetWorkbook.data(blank, layout: layout))
        for path in parts.keys where path.hasPrefix("xl/worksheets/sheet") {
            let xml = String(decoding: parts[path]!, as: UTF8.self)
            parts[path] = Data(xml.replacingOccurrences(of: "<sheetData>", with: "<sheetData><row r=\"1\">\(cell)</row>").utf8)
        }
        #expect(parts.values.contains { String(decoding: $0, as: UTF8.self).contains(cell) })
        _ = try? BudgetWorkbook.read(entries: parts, displayName: "畸形.xlsx")
        let example = try WorkbookWriter.data(try DatasetReader.read(folder: Repository.example))
        var final = try XLSXParts.parts(example)
        for path in final.keys where path.hasPrefix("xl/worksheets/sheet") {
            let xml = String(decoding: final[path]!, as: UTF8.self)
            final[path] = Data(xml.replacingOccurrences(of: "<sheetData>", with: "<sheetData><row r=\"1\">\(cell)</row>").utf8)
        }
        #expect(final.values.contains { String(decoding: $0, as: UTF8.self).contains(cell) })
        _ = try? WorkbookReader.read(entries: final, displayName: "畸形.xlsx")
        _ = try? WorkbookReader.firstSheetGrid(try XLSXParts.zip(final), name: "畸形.xlsx")
    }
}

/// `Decimal(string:)` reads a prefix: "1-2" would be 1, "1.2.3" 1.2. An amount cell holding such text is refused with
/// the sheet and row, never stored as another number.
@Suite("工作簿：不是数字的金额")
struct NotANumberTests {
    @Test("金额格子写成“1-2”“1.2.3”“12元”：拒绝并说明工作表与行", arguments: ["1-2", "1.2.3", "3e5e1"])
    func refused(text: String) throws {
        var parts = try XLSXParts.parts(try WorkbookWriter.data(try DatasetReader.read(folder: Repository.example)))
        var changed = false
        // 表1's sheet: its relation id in the workbook, its part in the relations.
        func first(_ pattern: String, in text: String) throws -> String {
            let regex = try NSRegularExpression(pattern: pattern)
            let match = try #require(regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)))
            return String(text[try #require(Range(match.range(at: 1), in: text))])
        }
        let book = String(decoding: parts["xl/workbook.xml"]!, as: UTF8.self), rels = String(decoding: parts["xl/_rels/workbook.xml.rels"]!, as: UTF8.self)
        let id = try first("<sheet name=\"表1\"[^>]*r:id=\"(rId[0-9]+)\"", in: book)
        let relation = try first("(<Relationship [^>]*Id=\"\(id)\"[^>]*>)", in: rels)
        let file = "xl/" + (try first("Target=\"([^\"]+)\"", in: relation))
        for path in [file] where !changed {
            var xml = String(decoding: parts[path]!, as: UTF8.self)
            // The first number cell of the table (a cell without a type attribute, holding a value).
            guard let regex = try? NSRegularExpression(pattern: "<c r=\"([C-Z][0-9]+)\" s=\"([0-9]+)\"><v>[0-9]+\\.[0-9]+</v></c>"),
                  let match = regex.firstMatch(in: xml, range: NSRange(xml.startIndex..., in: xml)),
                  let range = Range(match.range, in: xml), let reference = Range(match.range(at: 1), in: xml),
                  let style = Range(match.range(at: 2), in: xml) else { continue }
            let cell = "<c r=\"\(xml[reference])\" s=\"\(xml[style])\" t=\"inlineStr\"><is><t>\(text)</t></is></c>"
            xml.replaceSubrange(range, with: cell)
            parts[path] = Data(xml.utf8)
            changed = true
        }
        #expect(changed)
        #expect {
            _ = try WorkbookReader.read(entries: parts, displayName: "决算.xlsx")
        } throws: { error in
            "\(error)".contains("决算.xlsx") && "\(error)".contains(text)
        }
    }
}
