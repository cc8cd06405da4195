import Foundation
import JuesuanConsolidate
import JuesuanCore
import JuesuanImport
import JuesuanLedger
import JuesuanPerformance
import JuesuanRules
import JuesuanTestSupport
import Testing

@Suite("汇总：表格数据文件")
struct CellsConsolidationTests {
    static let catalog = try! CatalogLoader.builtIn()
    static let tableRules = RuleCatalogue(rules: try! RuleCatalogue.standard().rules.filter { ["T", "X", "C"].contains($0.id.prefix(1)) })

    /// Writes `units` as cells files of `perFile` units each; returns their paths.
    static func files(_ units: [Disclosure], perFile: Int, in folder: URL) throws -> [String] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try stride(from: 0, to: units.count, by: perFile).enumerated().map { number, start in
            var text = CellsFile.header + "\n"
            for unit in units[start..<min(units.count, start + perFile)] { CellsFile.rows(unit, into: &text) }
            let url = folder.appendingPathComponent("part-\(number).csv")
            try Data(text.utf8).write(to: url)
            return url.path
        }
    }

    static func run(_ paths: [String], segmentSize: Int = CellsConsolidation.segmentSize) throws -> CellsConsolidation.Result {
        try CellsConsolidation.run(paths: paths, screen: LinearScreen(catalogue: tableRules, catalog: catalog),
                                   checker: Checker(catalogue: tableRules, catalog: catalog), catalog: catalog,
                                   segmentSize: segmentSize)
    }

    /// A file with a good line and then `line`: the read must fail on line 3 with `reason` (and `value`).
    static func expectInputError(afterGoodLine line: String, reason: String, value: String?) throws {
        let folder = temporary()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("坏.csv")
        try Data((CellsFile.header + "\n甲,2021,3,201,1.00,1.00,,,,,,,,,,\n" + line + "\n").utf8).write(to: url)
        do {
            _ = try run([url.path])
            Issue.record("应报错：\(line)")
        } catch let error as InputError {
            #expect(error.file == url.path && error.line == 3, "\(error)")
            #expect(error.description.contains(reason), "\(error)")
            if let value { #expect(error.value == value, "\(error)") }
        }
    }

    /// The first findings of the units of `units` the screen lists, read from one file.
    static func failing(_ units: [Disclosure], in folder: URL) throws -> [String] {
        try run(try files(units, perFile: units.count, in: folder)).failing.map(\.first)
    }

    static func temporary() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-cells-\(UUID().uuidString)")
    }

    @Test("种子固定的合成单位：流式汇总等于逐单位相加，没有单位被误报")
    func streamEqualsSumOfParts() throws {
        let folder = Self.temporary()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (seed, count, perFile) in [(UInt64(3), 57, 10), (11, 120, 50), (42, 9, 1)] {
            let synthesizer = Synthesizer(seed: seed, catalog: Self.catalog)
            let units = try (0..<count).map { try LedgerDerivation.disclosure(synthesizer.ledger($0), catalog: Self.catalog) }
            let round = folder.appendingPathComponent("\(seed)")
            let result = try Self.run(try Self.files(units, perFile: perFile, in: round))
            #expect(result.units == units.map(\.unit))
            #expect(result.failing.isEmpty, "\(result.failing.map(\.first))")
            #expect(result.duplicates.isEmpty)
            let streamed = result.disclosure(name: "汇总", catalog: Self.catalog)
            let summed = try Consolidation.sum(units, name: "汇总")
            for id in TableID.allCases {
                let a = try #require(streamed[id]), b = try #require(summed[id])
                #expect(Set(a.rows.filter { !$0.cells.isEmpty }.map(\.key)) == Set(b.rows.filter { !$0.cells.isEmpty }.map(\.key)), "\(id)")
                for row in b.rows { #expect(a.row(row.key)?.cells ?? [:] == row.cells, "\(id) \(row.key)") }
            }
            let errors = Checker(catalogue: Self.tableRules, catalog: Self.catalog).check(streamed).filter { $0.severity != .info }
            #expect(errors.isEmpty, "\(errors.map(\.message))")
            // Figures summed by key, as for datasets.
            #expect(streamed.figures.initialBudget == summed.figures.initialBudget)
            #expect(streamed.figures.operatingCosts?.amount == summed.figures.operatingCosts?.amount)
            #expect(Dictionary(uniqueKeysWithValues: streamed.figures.vehicleRunningDetails.map { ($0.name, $0.amount) })
                    == Dictionary(uniqueKeysWithValues: summed.figures.vehicleRunningDetails.map { ($0.name, $0.amount) }))
            #expect(!streamed.figures.initialBudget.isEmpty && streamed.figures.operatingCosts != nil)
        }
    }

    @Test("筛查：改坏一格（栏间公式、行次公式、科目汇总、表间），该单位被列出，首个问题由完整检查给出")
    func screenFindsBrokenUnits() throws {
        let folder = Self.temporary()
        defer { try? FileManager.default.removeItem(at: folder) }
        let synthesizer = Synthesizer(seed: 5, catalog: Self.catalog)
        var units = try (0..<8).map { try LedgerDerivation.disclosure(synthesizer.ledger($0), catalog: Self.catalog) }
        func bump(_ unit: Int, _ id: TableID, _ key: RowKey, _ column: Int) {
            let index = units[unit].tables[id]!.rows.firstIndex { $0.key == key }!
            units[unit].tables[id]!.rows[index].cells[column] = units[unit][id]!.amount(key, column: column) + .wan(3)
        }
        bump(1, .t3, units[1][.t3]!.rows.last!.key, 1)          // T3-COL (and the rollup above it)
        bump(3, .t1, .line(27), 1)                                // T1-R27
        bump(5, .t5, units[5][.t5]!.rows[1].key, 2)               // a 类 row: T5-COL, T5-ROLL
        units[5].tables[.t5]!.rows[1].cells[1] = units[5][.t5]!.amount(units[5][.t5]!.rows[1].key, column: 1) + .wan(3)
        bump(6, .t6, StandardLayout.publicTotal, 1)               // T6-ROLL, X-T5T6-BASIC
        let result = try Self.run(try Self.files(units, perFile: 3, in: folder))
        #expect(result.failing.map(\.unit) == [1, 3, 5, 6].map { units[$0].unit })
        let first = Dictionary(uniqueKeysWithValues: result.failing.map { ($0.unit, $0.first) })
        #expect(first[units[1].unit]!.hasPrefix("[T3-COL]"))
        #expect(first[units[3].unit]!.hasPrefix("[T1-R27]") && first[units[3].unit]!.contains("表1"))
        #expect(first[units[5].unit]!.hasPrefix("[T5-ROLL]"))
        #expect(first[units[6].unit]!.hasPrefix("[T6-ROLL]") || first[units[6].unit]!.hasPrefix("[X-T5T6-BASIC]"))
        #expect(result.failing.allSatisfy { $0.place.contains("part-") && $0.errors >= 1 })
    }

    @Test("筛查编译了全部表格与表间规则；按类的规则（$class）也查得出")
    func screenCoversClassRules() throws {
        let screen = LinearScreen(catalogue: Self.tableRules, catalog: Self.catalog)
        let tableAndCross = Self.tableRules.rules.filter { rule in
            switch rule.check {
            case .equation, .rollup: true
            default: false
            }
        }.map(\.id)
        #expect(screen.skipped.isEmpty, "\(screen.skipped)")
        #expect(Set(screen.compiled) == Set(tableAndCross))
        // Two classes of 表1 swap 3 万元: every total still holds, only 表1 class = 表3 class breaks.
        let folder = Self.temporary()
        defer { try? FileManager.default.removeItem(at: folder) }
        var unit = try LedgerDerivation.disclosure(Synthesizer(seed: 12, catalog: Self.catalog).ledger(0), catalog: Self.catalog)
        let lines = unit[.t1]!.rows.filter { (31...56).contains(Int($0.key.description) ?? 0) && !$0.cells.isEmpty }.map(\.key)
        try #require(lines.count >= 2)
        for (key, delta) in [(lines[0], Int64(3)), (lines[1], -3)] {
            let index = unit[.t1]!.rows.firstIndex { $0.key == key }!
            unit.tables[.t1]!.rows[index].cells[2] = unit[.t1]!.amount(key, column: 2) + .wan(delta)
        }
        let failing = try Self.failing([unit], in: folder)
        #expect(failing.count == 1 && failing[0].hasPrefix("[X-T1T3-CLASS]"), "\(failing)")
    }

    @Test("大文件分段在两个核上读：结果、行号、重复与有错的单位都与不分段相同")
    func segments() throws {
        let folder = Self.temporary()
        defer { try? FileManager.default.removeItem(at: folder) }
        let synthesizer = Synthesizer(seed: 31, catalog: Self.catalog)
        var units = try (0..<40).map { try LedgerDerivation.disclosure(synthesizer.ledger($0), catalog: Self.catalog) }
        units[25].unit = "某区\"第一\"中学,附属小学"
        let key = units[33][.t3]!.rows[0].key
        units[33].tables[.t3]!.rows[0].cells[1] = units[33][.t3]!.amount(key, column: 1) + .wan(2)
        let path = try Self.files(units + [units[7]], perFile: 41, in: folder)[0]
        let whole = try Self.run([path])
        for size in [2_000, 9_000, 50_000] {
            let cut = try Self.run([path], segmentSize: size)
            #expect(cut.rows == whole.rows && cut.units == whole.units && cut.lines == whole.lines, "\(size)")
            #expect(cut.failing.map(\.place) == whole.failing.map(\.place) && cut.failing.map(\.first) == whole.failing.map(\.first), "\(size)")
            #expect(cut.duplicates.map(\.place) == whole.duplicates.map(\.place), "\(size)")
        }
        #expect(whole.failing.map(\.unit) == [units[33].unit] && whole.duplicates.map(\.unit) == [units[7].unit])
        // A bad line near the end: the same line number either way.
        var text = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8)
        text += units[0].unit.replacingOccurrences(of: "X", with: "") + "尾,2021,3,合计,1.234,,,,,,,,,,,\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let lines = text.split(separator: "\n").count
        for size in [CellsConsolidation.segmentSize, 3_000] {
            do {
                _ = try Self.run([path], segmentSize: size)
                Issue.record("应报错")
            } catch let error as InputError {
                #expect(error.line == lines, "\(size): \(error)")
            }
        }
    }

    @Test("整体绩效自评按资金汇总（表 P 行）与表外数字（表 F 行）：与由数据集汇总相同")
    func performanceAndFigures() throws {
        let folder = Self.temporary()
        defer { try? FileManager.default.removeItem(at: folder) }
        let scheme = try ScoringScheme.shipped(ScoringScheme.defaultID)
        let a = ConsolidationTests.example
        var b = ConsolidationTests.scaled(ConsolidationTests.example, by: 3, name: "乙")
        b.performance = a.performance
        b.performance.department!.execution.budget = .wan(3000)
        b.performance.department!.execution.executed = .wan(1500)
        var c = ConsolidationTests.scaled(ConsolidationTests.example, by: 2, name: "丙")
        c.performance.department = nil
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var text = CellsFile.header + "\n"
        for unit in [a, b, c] { CellsFile.rows(unit, scheme: scheme, into: &text) }
        let url = folder.appendingPathComponent("units.csv")
        try Data(text.utf8).write(to: url)
        let result = try Self.run([url.path])
        let expected = PerformanceAggregate.of([a, b, c], scheme: scheme)
        #expect(result.performance.forms == 2 && result.performance.funds == expected.funds && result.performance.executed == expected.executed)
        #expect(result.performance.weightedScore == expected.weightedScore)
        let summed = try Consolidation.sum([a, b, c], name: "汇总")
        let streamed = result.disclosure(name: "汇总", catalog: Self.catalog)
        #expect(streamed.figures.priorYear.mapValues(\.amount) == summed.figures.priorYear.mapValues(\.amount))
        #expect(streamed.figures.procurement.mapValues(\.amount) == summed.figures.procurement.mapValues(\.amount))
        #expect(streamed.figures.officialCounts == summed.figures.officialCounts && !streamed.figures.officialCounts.isEmpty)
        #expect(streamed.figures.assets == summed.figures.assets)
        // Written again for the next level: one P row carrying the group's funds and weighted score.
        var next = CellsFile.header + "\n"
        CellsFile.rows(streamed, performance: result.performance, into: &next)
        let level = folder.appendingPathComponent("level.csv")
        try Data(next.utf8).write(to: level)
        let again = try Self.run([level.path])
        #expect(again.performance.funds == expected.funds && again.performance.weightedScore == expected.weightedScore)
        #expect(again.disclosure(name: "x", catalog: Self.catalog).figures.officialCounts == summed.figures.officialCounts)
    }

    @Test("表 F、P 行有错：中文说明文件、行号和值", arguments: [
        ("甲,2021,F,其他.费用,1.00,,,,,,,,,,,", "F 行的“行”应为", "其他.费用"),
        ("甲,2021,F,数量.公务用车保有量,2.5,,,,,,,,,,,", "是件数，应为整数", "2.5"),
        ("甲,2021,F,机关运行经费,1.00,2.00,,,,,,,,,,", "F 行只用第1–1栏", "2.00"),
        ("甲,2021,F,机关运行经费,,,,,,,,,,,,", "第1栏应为", ""),
        ("甲,2021,P,整体,100.00,90.00,101,,,,,,,,,", "0–100 分", "101"),
        ("甲,2021,P,项目,100.00,90.00,95,,,,,,,,,", "P 行的“行”应为“整体”", "项目"),
        ("甲,2021,P,整体,100.00,,95,,,,,,,,,", "第2栏应为", ""),
        ("甲,2021,Q,整体,1,,,,,,,,,,,", "“表”应为 1–9、F", "Q"),
    ] as [(String, String, String)])
    func malformedExtraLine(line: String, reason: String, value: String) throws {
        try Self.expectInputError(afterGoodLine: line, reason: reason, value: value.isEmpty ? nil : value)
    }

    @Test("带条件的跨表逐行规则：全部为一般公共预算时，表5 与表3 同一科目的基本支出不符也查得出")
    func screenConditionalCrossRows() throws {
        let folder = Self.temporary()
        defer { try? FileManager.default.removeItem(at: folder) }
        let synthesizer = Synthesizer(seed: 17, catalog: Self.catalog)
        // An administrative unit (all income 一般公共预算, nothing carried over) with two 项 under one 款 in 表5.
        var found: (Disclosure, RowKey, RowKey)?
        for index in 0..<300 where found == nil {
            let unit = try LedgerDerivation.disclosure(synthesizer.ledger(index), catalog: Self.catalog)
            let t1 = unit[.t1]!
            guard ([2, 3, 4, 5, 6, 7, 8, 28, 29] as [Int]).allSatisfy({ t1.amount(.line($0), column: 1) == .zero }) else { continue }
            let items = unit[.t5]!.rows.compactMap { row -> FunctionCode? in
                if case .function(let code) = row.key, code.level == .item, row.cells[2] != nil { return code }
                return nil
            }
            for a in items {
                if let b = items.first(where: { $0 != a && $0.parent == a.parent }) { found = (unit, .function(a), .function(b)); break }
            }
        }
        var (unit, a, b) = try #require(found)
        #expect(try Self.failing([unit], in: folder.appendingPathComponent("clean")).isEmpty)
        for (key, delta) in [(a, Int64(3)), (b, -3)] {
            let index = unit[.t5]!.rows.firstIndex { $0.key == key }!
            for column in [1, 2] { unit.tables[.t5]!.rows[index].cells[column] = unit[.t5]!.amount(key, column: column) + .wan(delta) }
        }
        let failing = try Self.failing([unit], in: folder.appendingPathComponent("broken"))
        #expect(failing.count == 1 && failing[0].hasPrefix("[X-T3T5-BASIC]"), "\(failing)")
    }

    @Test("重复的单位只计一次；列出重复处与首次出现处")
    func duplicates() throws {
        let folder = Self.temporary()
        defer { try? FileManager.default.removeItem(at: folder) }
        let synthesizer = Synthesizer(seed: 8, catalog: Self.catalog)
        let units = try (0..<4).map { try LedgerDerivation.disclosure(synthesizer.ledger($0), catalog: Self.catalog) }
        let paths = try Self.files(units + [units[1]], perFile: 3, in: folder)
        let result = try Self.run(paths)
        #expect(result.units == units.map(\.unit))
        #expect(result.duplicates.count == 1 && result.duplicates[0].unit == units[1].unit)
        #expect(result.duplicates[0].place.hasPrefix(paths[1]) && result.duplicates[0].first.hasPrefix(paths[0]))
        let once = try Self.run(try Self.files(units, perFile: 4, in: folder.appendingPathComponent("once")))
        #expect(result.rows == once.rows)
    }

    @Test("单位名带逗号或引号：加引号写出，读回相同")
    func quotedNames() throws {
        let folder = Self.temporary()
        defer { try? FileManager.default.removeItem(at: folder) }
        var unit = try LedgerDerivation.disclosure(Synthesizer(seed: 2, catalog: Self.catalog).ledger(0), catalog: Self.catalog)
        unit.unit = "某市\"第一\"中学,附属小学"
        let result = try Self.run(try Self.files([unit], perFile: 1, in: folder))
        #expect(result.units == [unit.unit] && result.failing.isEmpty)
    }

    @Test("有错的行：中文说明文件、行号和值", arguments: [
        ("甲,2021,3,合计,1.00,1.00,,,", "本行有 9 个字段", nil),
        ("甲,2021,3,201,1.00,1.00,,,,,,,,,,", "行在本单位中重复（第 2 行已有）", "201"),
        ("甲,2021,3,合计,\"1,000.00\",,,,,,,,,,,", "只有“单位”可以加引号", nil),
        ("甲,2021,3,合计,1.005,1.005,,,,,,,,,,", "第1栏不是有效的金额", "1.005"),
        ("甲,2021,3,合计,1e5,,,,,,,,,,,", "第1栏不是有效的金额", "1e5"),
        ("甲,2021,3,合计,1.000000000000000000000000001,,,,,,,,,,,", "第1栏不是有效的金额", "1.000000000000000000000000001"),  // found by the fuzz test: overflowed
        ("甲,2021,3,合计,99999999999999999,,,,,,,,,,,", "第1栏不是有效的金额", "99999999999999999"),
        ("甲,2021,0,合计,1,,,,,,,,,,,", "“表”应为 1–9", "0"),
        ("甲,21,3,合计,1,,,,,,,,,,,", "“年度”应为四位年份", "21"),
        ("甲,2021,1,61,1,,,,,,,,,,,", "行次 1–60", "61"),
        ("甲,2021,3,人员经费合计,1,,,,,,,,,,,", "功能分类科目编码", "人员经费合计"),
        ("甲,2021,7,合计,1,,,,,,,,,,,", "表7 的“行”应为“决算”", "合计"),
        (",2021,3,合计,1,,,,,,,,,,,", "“单位”为空", nil),
        ("\"甲,2021,3,合计,1,,,,,,,,,,,", "引号不配对", nil),
    ] as [(String, String, String?)])
    func malformedLine(line: String, reason: String, value: String?) throws {
        try Self.expectInputError(afterGoodLine: line, reason: reason, value: value)
    }

    @Test("GBK 编码的单位名称：说明文件与行，退出 2")
    func notUTF8() throws {
        let folder = Self.temporary()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("gbk.csv")
        // "教育局" in GBK.
        let gbk: [UInt8] = [0xBD, 0xCC, 0xD3, 0xFD, 0xBE, 0xD6]
        try Data(Array((CellsFile.header + "\n").utf8) + gbk + Array(",2021,3,合计,1.00,1.00,,,,,,,,,,\n".utf8)).write(to: url)
        do {
            _ = try Self.run([url.path])
            Issue.record("应报错")
        } catch let error as InputError {
            #expect(error.line == 2 && error.reason.contains("GBK"), "\(error)")
        }
    }

    @Test("不是表格数据的表头")
    func wrongHeader() throws {
        let folder = Self.temporary()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("x.csv")
        try Data("单位,年度,表\n".utf8).write(to: url)
        #expect(throws: InputError.self) { try Self.run([url.path]) }
    }

    @Test("读表格数据不崩溃：种子固定的随机改动（改字节、截断、插入）")
    func fuzz() throws {
        let folder = Self.temporary()
        defer { try? FileManager.default.removeItem(at: folder) }
        let units = try (0..<3).map { try LedgerDerivation.disclosure(Synthesizer(seed: 4, catalog: Self.catalog).ledger($0), catalog: Self.catalog) }
        let source = Array(try Data(contentsOf: URL(fileURLWithPath: try Self.files(units, perFile: 3, in: folder)[0])))
        var mutator = Mutator(seed: 77)
        let url = folder.appendingPathComponent("fuzz.csv")
        let rounds = Int(ProcessInfo.processInfo.environment["JUESUAN_FUZZ_ROUNDS"] ?? "") ?? 200
        for _ in 0..<rounds {
            try Data(mutator.mutate(source)).write(to: url)
            _ = try? Self.run([url.path])  // a result or an InputError, never a crash
            _ = try? Self.run([url.path], segmentSize: 700)  // and cut into segments
        }
    }
}
