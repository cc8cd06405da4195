import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanLedger
import JuesuanRules
import JuesuanTestSupport
import Testing

@Suite("记账明细生成九张表")
struct LedgerTests {
    static let catalog = try! CatalogLoader.builtIn()
    static let checker = Checker(catalogue: try! RuleCatalogue.standard(), catalog: catalog)

    /// Findings of the table, cross-table, code and figure rules at any severity (a ledger has no
    /// narrative or forms). F-BUDGET-T5 compares spending with the initial budget: an observation a
    /// unit that spent more than budgeted legitimately gets, not a formula.
    static func tableFindings(_ disclosure: Disclosure) -> [Finding] {
        checker.check(disclosure).filter { finding in
            ["T", "X", "F", "C"].contains(finding.rule.prefix(1)) && finding.rule != "F-BUDGET-T5"
        }
    }

    @Test("种子固定的合成单位：明细写出再读回不变，生成的九张表通过每一条表格规则（无错误、无警告、无尾差）")
    func derivedTablesPassEveryRule() throws {
        for seed: UInt64 in [1, 20211231] {
            let synthesizer = Synthesizer(seed: seed, catalog: Self.catalog)
            let ledgers = (0..<40).map(synthesizer.ledger)
            let text = LedgerWriter.csv(ledgers)
            let read = try LedgerReader.read(text: text, name: "合成.csv")
            #expect(read.count == ledgers.count)
            for (original, back) in zip(ledgers, read) {
                var stripped = back
                stripped.file = nil
                stripped.postings = back.postings.map { var posting = $0; posting.line = nil; return posting }
                stripped.opening = back.opening.map { var balance = $0; balance.line = nil; return balance }
                #expect(stripped == original, "\(original.unit) 写出再读回")
                let disclosure = try LedgerDerivation.disclosure(back, catalog: Self.catalog)
                #expect(Set(disclosure.tables.keys) == Set(TableID.allCases))
                let findings = Self.tableFindings(disclosure)
                #expect(findings.isEmpty, "\(original.unit)：\(findings.map { "[\($0.rule)] \($0.message)" })")
                // Income equals what was spent plus what is left: 表1 总计 both sides.
                let t1 = try #require(disclosure[.t1])
                #expect(t1.amount(.line(30), column: 1) == t1.amount(.line(60), column: 2))
                let income = back.postings.filter { $0.kind == .income }.reduce(Money.zero) { $0 + $1.amount }
                #expect(t1.amount(.line(27), column: 1) == income)
            }
        }
    }

    @Test("合成单位覆盖各种情形；改动一格，规则就报错（这条性质测试能失败）")
    func synthesisCoversTheCases() throws {
        let synthesizer = Synthesizer(seed: 99, catalog: Self.catalog)
        let units = try (0..<300).map { try LedgerDerivation.disclosure(synthesizer.ledger($0), catalog: Self.catalog) }
        func some(_ id: TableID) -> Int { units.filter { !($0[id]?.isEmpty ?? true) }.count }
        #expect(some(.t8) > 5 && some(.t9) > 0 && some(.t7) > 100)
        #expect(units.filter { $0[.t1]!.amount(.line(5), column: 1) != .zero }.count > 50, "事业收入")
        #expect(units.filter { $0[.t1]!.amount(.line(29), column: 1) != .zero }.count > 20, "年初结转")
        #expect(units.filter { $0[.t3]!.amount(.total, column: 6) != .zero }.count > 3, "对附属单位补助")
        let sizes = units.map { $0[.t1]!.amount(.line(57), column: 2).fen }.sorted()
        #expect(sizes.last! > sizes[sizes.count / 2] * 10, "规模差异大")
        let codes = Set(units.flatMap { $0[.t3]!.rows.map(\.key) })
        #expect(codes.count > 40, "科目组合多样")
        var broken = units[0]
        let key = broken[.t3]!.rows[1].key
        broken.tables[.t3]!.rows[1].cells[2] = broken[.t3]!.amount(key, column: 2) + .wan(1)
        #expect(Set(Self.tableFindings(broken).map(\.rule)).isSuperset(of: ["T3-COL", "T3-ROLL"]))
    }

    @Test("生成的数据集写出再读回，检查结果相同")
    func writtenDatasetReadsBack() throws {
        let ledger = Synthesizer(seed: 7, catalog: Self.catalog).ledger(3)
        let disclosure = try LedgerDerivation.disclosure(ledger, catalog: Self.catalog)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-ledger-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try DatasetWriter.write(disclosure, to: folder, origin: "测试")
        let back = try DatasetReader.read(folder: folder)
        for id in TableID.allCases {
            #expect(back[id]?.rows.map(\.key) == disclosure[id]?.rows.map(\.key), "\(id)")
            for row in disclosure[id]?.rows ?? [] {
                #expect(back[id]?.row(row.key)?.cells == row.cells, "\(id) \(row.key)")
            }
        }
        #expect(Self.tableFindings(back).isEmpty)
    }

    static let handMade = """
    单位,年度,类型,功能分类,经济分类,资金来源,性质,项目,三公,金额
    甲局,2021,收入,2010301,,一般公共预算,,,,"1,000,000.00"
    甲局,2021,收入,2080505,,一般公共预算,,,,50000
    甲局,2021,支出,2010301,30101,一般公共预算,人员经费,,,400000
    甲局,2021,支出,2080505,30108,一般公共预算,人员经费,,,50000
    甲局,2021,支出,2010301,30231,一般公共预算,公用经费,,公务用车运行费/燃料费,12345.67
    甲局,2021,支出,2010301,30217,一般公共预算,公用经费,,公务接待费,2000
    甲局,2021,支出,2010301,,一般公共预算,项目支出,信息化建设,,500000
    甲局,2021,年初结转,2120101,,政府性基金,,,,30000
    甲局,2021,收入,2120101,,政府性基金,,,,100000
    甲局,2021,支出,2120101,,政府性基金,项目支出,基金项目,,110000
    甲局,2021,年末结转,2120101,,政府性基金,,,,20000
    甲局,2021,收入,2010301,,事业,,,,8000
    甲局,2021,三公预算,,,,,,公务用车运行费,15000
    甲局,2021,年初预算,201,,,,,,980000
    """

    @Test("手工账：各表关键格")
    func handMadeLedger() throws {
        let ledgers = try LedgerReader.read(text: Self.handMade, name: "甲局.csv")
        let d = try LedgerDerivation.disclosure(try #require(ledgers.first), catalog: Self.catalog)
        let t1 = d[.t1]!, t3 = d[.t3]!, t4 = d[.t4]!, t5 = d[.t5]!, t6 = d[.t6]!, t7 = d[.t7]!, t8 = d[.t8]!
        let yuan = { (value: Int64) in Money.yuan(value) }
        #expect(t1.amount(.line(1), column: 1) == yuan(1_050_000))
        #expect(t1.amount(.line(2), column: 1) == yuan(100_000))
        #expect(t1.amount(.line(5), column: 1) == yuan(8_000))
        #expect(t1.amount(.line(29), column: 1) == yuan(30_000))
        #expect(t1.amount(.line(59), column: 2) == Money(fen: 11_365_433))  // 基金 20,000, 事业 8,000, 一般公共预算余 85,654.33
        #expect(t3.amount(.function(FunctionCode("2010301")!), column: 2) == yuan(400_000) + Money(fen: 1_234_567) + yuan(2_000))
        #expect(t3.amount(.total, column: 3) == yuan(610_000))
        #expect(t4.amount(.line(28), column: 1) == yuan(30_000) && t4.amount(.line(30), column: 1) == yuan(30_000))
        #expect(t4.amount(.line(60), column: 4) == yuan(20_000))
        #expect(t5.amount(.total, column: 3) == yuan(500_000))
        #expect(t6.amount(StandardLayout.personnelTotal, column: 1) == yuan(450_000))
        #expect(t6.amount(StandardLayout.publicTotal, column: 1) == Money(fen: 1_434_567))
        #expect(t6.rows.map(\.key.description) == ["301", "30101", "30108", "302", "30217", "30231", "人员经费合计", "公用经费合计"])
        #expect(t7.amount(StandardLayout.singleRow, column: 11) == Money(fen: 1_234_567))
        #expect(t7.amount(StandardLayout.singleRow, column: 7) == Money(fen: 1_434_567))
        #expect(t7.amount(StandardLayout.singleRow, column: 1) == yuan(15_000))
        #expect(t8.amount(.function(FunctionCode("2120101")!), column: 6) == yuan(20_000))
        #expect(d.figures.projects.map(\.name) == ["信息化建设"])
        #expect(d.figures.vehicleRunningDetails.map(\.name) == ["燃料费"])
        #expect(d.figures.initialBudget["合计"]?.amount == yuan(980_000))
        #expect(d[.t9]!.emptyStatement != nil)
        #expect(Self.tableFindings(d).isEmpty, "\(Self.tableFindings(d).map(\.message))")
    }

    @Test("有错的行：中文说明文件、行号和值", arguments: [
        ("甲局,2021,收入,201030,,一般公共预算,,,,100", "“功能分类”应为 7 位科目编码", "201030"),
        ("甲局,2021,支出,2010301,,一般公共预算,人员经费,,,100", "须填“经济分类”", nil),
        ("甲局,2021,支出,2010301,30101,一般公共预算,工资,,,100", "“性质”应为", "工资"),
        ("甲局,2021,支出,2010301,30101,一般公共预算,人员经费,,,1,81,3.94", "表头只有 10 列", nil),
        ("甲局,2021,支出,2010301,30101,一般公共预算,人员经费,,,\"1,81,3.94\"", "“金额”不是有效的金额", "1,81,3.94"),
        ("甲局,2021,支出,2010301,30101,一般公共预算,人员经费,,,12.345", "“金额”不是有效的金额", "12.345"),
        ("甲局,2021,支出,2010301,,事业,上缴上级,,公务接待费,100", "只反映一般公共预算", "公务接待费"),
        ("甲局,2021,支出,2010301,,一般公共预算,对附属单位补助,,,100", "财政拨款", "对附属单位补助"),
        ("甲局,21,收入,2010301,,一般公共预算,,,,100", "“年度”应为四位年份", "21"),
        ("甲局,2021,收付,2010301,,一般公共预算,,,,100", "“类型”应为", "收付"),
        ("甲局,2021,收入,2010301,,财政,,,,100", "“资金来源”应为", "财政"),
        ("甲局,2021,支出,2010301,,一般公共预算,项目支出,,,100", "须填“项目”", nil),
        (",2021,收入,2010301,,一般公共预算,,,,100", "“单位”为空", nil),
        ("甲局,2021,年初结转,,,政府性基金,,,,100", "“功能分类”为空", nil),
    ] as [(String, String, String?)])
    func malformedRow(row: String, reason: String, value: String?) {
        let text = "单位,年度,类型,功能分类,经济分类,资金来源,性质,项目,三公,金额\n甲局,2021,收入,2010301,,一般公共预算,,,,100\n" + row + "\n"
        do {
            _ = try LedgerReader.read(text: text, name: "账.csv")
            Issue.record("应报错：\(row)")
        } catch {
            #expect(error.file == "账.csv")
            #expect(error.description.contains(reason), "\(error)")
            #expect(error.line == 3, "\(error)")
            #expect(error.value == value, "\(error)")
        }
    }

    @Test("对不上的年末结转、与性质不符的经济分类、超支：中文说明行号")
    func derivationErrors() throws {
        func derive(_ rows: String) throws(InputError) -> Disclosure {
            let ledgers = try LedgerReader.read(text: "单位,年度,类型,功能分类,经济分类,资金来源,性质,项目,三公,金额\n" + rows, name: "账.csv")
            return try LedgerDerivation.disclosure(ledgers[0], catalog: Self.catalog)
        }
        #expect(throws: InputError.self) { try derive("甲,2021,收入,2010301,,事业,,,,100\n甲,2021,年末结转,,,事业,,,,90\n") }
        do {
            _ = try derive("甲,2021,收入,2010301,,事业,,,,100\n甲,2021,年末结转,,,事业,,,,90\n")
        } catch {
            #expect(error.line == 3 && error.reason.contains("年末结转和结余填为 90.00 元") && error.reason.contains("＝ 100.00 元"), "\(error)")
        }
        do {
            _ = try derive("甲,2021,收入,2010301,,一般公共预算,,,,100\n甲,2021,支出,2010301,30201,一般公共预算,人员经费,,,100\n")
            Issue.record("应报错")
        } catch {
            #expect(error.line == 3 && error.value == "30201" && error.reason.contains("属公用经费"), "\(error)")
        }
        do {
            _ = try derive("甲,2021,收入,2010301,,一般公共预算,,,,100\n甲,2021,支出,2010301,30201,一般公共预算,公用经费,,,150\n")
            Issue.record("应报错")
        } catch {
            #expect(error.line == 3 && error.reason.contains("超过年初结转和结余与本年收入之和"), "\(error)")
        }
    }
}

@Suite("记账明细：模糊测试")
struct LedgerFuzzTests {
    @Test("读明细、生成九张表不崩溃：种子固定的随机改动（改字节、截断、插入）")
    func fuzz() throws {
        let catalog = LedgerTests.catalog
        let source = Array(LedgerTests.handMade.utf8) + Array(LedgerWriter.csv([Synthesizer(seed: 6, catalog: catalog).ledger(0)]).dropFirst(LedgerWriter.header.utf8.count).utf8)
        var mutator = Mutator(seed: 2026)
        let rounds = Int(ProcessInfo.processInfo.environment["JUESUAN_FUZZ_ROUNDS"] ?? "") ?? 500
        var read = 0
        for _ in 0..<rounds {
            let text = String(decoding: mutator.mutate(source), as: UTF8.self)
            guard let ledgers = try? LedgerReader.read(text: text, name: "fuzz.csv") else { continue }
            read += 1
            for ledger in ledgers { _ = try? LedgerDerivation.disclosure(ledger, catalog: catalog) }
        }
        #expect(read > 0, "some mutations stay readable, so derivation is exercised too")
    }
}
