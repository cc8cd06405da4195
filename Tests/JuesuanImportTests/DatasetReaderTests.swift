import Foundation
import JuesuanCore
import JuesuanTestSupport
import Testing
@testable import JuesuanImport

@Suite("数据集读取")
struct DatasetReaderTests {
    static func readExample() throws -> Disclosure {
        try DatasetReader.read(folder: Repository.example, displayName: "examples/jianghan-2021")
    }

    @Test("读出江汉区 2021 的九张表、表外数字与九张自评表")
    func example() throws {
        let disclosure = try Self.readExample()
        #expect(disclosure.unit == "武汉市江汉区人民政府办公室")
        #expect(disclosure.year == 2021)
        #expect(disclosure.tables.count == 9)
        let t1 = try #require(disclosure[.t1])
        #expect(t1.title == "2021年度收入支出决算总表（表1）")
        #expect(t1.amount(.line(1), column: 1).description == "1,813.94")
        #expect(t1.amount(.line(31), column: 2).description == "1,506.10")
        #expect(t1.row(.line(31))?.cells[1] == nil)
        #expect(t1.rows.count == 60)
        #expect(disclosure[.t3]?.amount(.function(FunctionCode("2010302")!), column: 3).description == "729.62")
        #expect(disclosure[.t3]?.row(.function(FunctionCode("2010302")!))?.cells[2] == nil)
        #expect(disclosure[.t4]?.amount(.line(59), column: 3).description == "1,813.94")
        #expect(disclosure[.t6]?.amount(StandardLayout.publicTotal, column: 1).description == "61.83")
        #expect(disclosure[.t6]?.amount(.economic(EconomicCode("30299")!), column: 1).description == "7.93")
        #expect(disclosure[.t7]?.amount(StandardLayout.singleRow, column: 12).description == "0.15")
        #expect(disclosure[.t8]?.isEmpty == true)
        #expect(disclosure[.t8]?.emptyStatement == "2021年度区政府办无政府性基金预算财政拨款收入支出。")
        #expect(disclosure.overview.count("编制") == 33)
        #expect(disclosure.overview.functions.count == 12)
        // 上年数 = 本年数 − 增减额, computed by juesuan from the printed change.
        #expect(disclosure.figures.priorYear["收支总计"]?.amount.description == "2,503.33")
        #expect(disclosure.figures.priorYear["公务接待费"]?.amount == .zero)
        #expect(disclosure.figures.initialBudget["201"]?.amount.description == "1,731.77")
        #expect(disclosure.figures.projects.count == 9)
        #expect(disclosure.figures.vehicleRunningDetails.map(\.name) == ["燃料费", "维修费", "保险费"])
        #expect(disclosure.performance.projects.count == 8)
        let department = try #require(disclosure.performance.department)
        #expect(department.goals.count == 8)
        #expect(department.execution.budget == MoneyParser.parseOrNil("1813.95", unit: .wan)?.money)
        let poverty = disclosure.performance.projects[4]
        #expect(poverty.name == "扶贫开发工作")
        #expect(poverty.execution.executed == Money(fen: 534_387_938))
        #expect(poverty.statedTotal == Decimal(string: "99.65"))
        #expect(poverty.indicators.count == 8)
    }

    @Test("内置科目表：26 个类按表1 顺序，种子与语料中的编码都有名称")
    func builtInCatalog() throws {
        let catalog = try CatalogLoader.builtIn()
        #expect(catalog.classes.count == 26)
        #expect(catalog.classes.first?.name == "一般公共服务支出")
        #expect(catalog.classes.last?.code == FunctionCode("234"))
        #expect(catalog.position(of: FunctionCode("2210201")!) == 19)
        #expect(catalog.functionNames[FunctionCode("2010399")!] == "其他政府办公厅（室）及相关机构事务支出")
        #expect(catalog.economicNames[EconomicCode("30231")!] == "公务用车运行维护费")
        #expect(catalog.nature(of: EconomicCode("30302")!) == .personnel)
        #expect(catalog.nature(of: EconomicCode("31002")!) == .publicUse)
        let disclosure = try Self.readExample()
        for table in disclosure.tables.values {
            for row in table.rows {
                if case .function(let code) = row.key { #expect(catalog.contains(code), "\(code)") }
                if case .economic(let code) = row.key { #expect(catalog.contains(code), "\(code)") }
            }
        }
    }

    @Test("用户可载入更完整的科目表")
    func userCatalog() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString).csv")
        try Data("编码,名称,分类\n2010308,参事事务,功能分类\n2130101,行政运行,\n39999,测试款,经济分类\n".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let catalog = try CatalogLoader.load(userFile: url)
        #expect(catalog.functionNames[FunctionCode("2130101")!] == "行政运行")
        #expect(catalog.economicNames[EconomicCode("39999")!] == "测试款")
    }

    // MARK: Bad input

    static func failure(_ prepare: (DatasetCopy) throws -> Void) throws -> InputError {
        let copy = try DatasetCopy()
        defer { copy.remove() }
        try prepare(copy)
        do {
            _ = try DatasetReader.read(folder: copy.folder, displayName: "ds")
        } catch {
            return error
        }
        Issue.record("the dataset was read without error")
        return InputError(file: "", reason: "")
    }

    @Test("缺少文件")
    func missingFile() throws {
        let error = try Self.failure { try FileManager.default.removeItem(at: $0.url("tables/table5.csv")) }
        #expect(error.file == "ds/tables/table5.csv")
        #expect(error.reason == "文件不存在")
        #expect(error.description.contains("ds/tables/table5.csv"))
    }

    @Test("千位分隔符位置不对的金额：报出文件、行与值")
    func misplacedSeparator() throws {
        let error = try Self.failure { try $0.replace("tables/table2.csv", "201,一般公共服务支出,\"1,506.10\"", with: "201,一般公共服务支出,\"1,50,6.10\"") }
        #expect(error.file == "ds/tables/table2.csv")
        #expect(error.line == 3)
        #expect(error.value == "1,50,6.10")
        #expect(error.reason.contains("千位分隔符"))
    }

    @Test("夹杂文字的金额")
    func letters() throws {
        let error = try Self.failure { try $0.replace("tables/table6.csv", "30101,基本工资,126.75", with: "30101,基本工资,126.75abc") }
        #expect(error.line == 3)
        #expect(error.value == "126.75abc")
    }

    @Test("格式错误的科目编码")
    func badCode() throws {
        let error = try Self.failure { try $0.replace("tables/table3.csv", "2010302,", with: "20103O2,") }
        #expect(error.file == "ds/tables/table3.csv")
        #expect(error.line == 6)
        #expect(error.reason.contains("功能分类科目编码"))
    }

    @Test("重复的行")
    func duplicateRow() throws {
        let error = try Self.failure { try $0.edit("tables/table5.csv") { $0 + "2010301,行政运行,1.00,1.00,\n" } }
        #expect(error.line == 24)
        #expect(error.reason.contains("重复"))
        let lineError = try Self.failure { try $0.edit("tables/table1.csv") { $0 + "27,本年收入合计,1.00\n" } }
        #expect(lineError.reason.contains("行次重复"))
    }

    @Test("不是 UTF-8 的文件（如 GBK）：报出行")
    func notUTF8() throws {
        let error = try Self.failure { copy in
            var bytes = Array("编码,科目名称,小计,基本支出,项目支出\n,合计,1.00,1.00,\n".utf8)
            bytes += [0xBA, 0xCF, 0xBC, 0xC6, 0x0A]  // "合计" in GBK
            try copy.write("tables/table5.csv", bytes: bytes)
        }
        #expect(error.line == 3)
        #expect(error.reason.contains("UTF-8"))
    }

    @Test("YAML 写错：报出行")
    func badYAML() throws {
        let error = try Self.failure { try $0.replace("disclosure.yaml", "  年度: 2021", with: "  年度: [2021") }
        #expect(error.file == "ds/disclosure.yaml")
        #expect(error.line != nil)
        let amount = try Self.failure { try $0.replace("disclosure.yaml", "\"2,053.67\"", with: "\"2,05,3.67\"") }
        #expect(amount.value == "2,05,3.67")
        #expect(amount.line == 57)
    }

    @Test("未知的表头")
    func unknownHeader() throws {
        let error = try Self.failure { try $0.replace("tables/table2.csv", "上级补助收入", with: "上级拨款") }
        #expect(error.line == 1)
        #expect(error.value == "上级拨款")
    }

    @Test("收入方填了支出栏")
    func wrongSide() throws {
        let error = try Self.failure { try $0.replace("tables/table4.csv", "2,二、政府性基金预算财政拨款,,,,", with: "2,二、政府性基金预算财政拨款,,1.00,,") }
        #expect(error.line == 3)
    }

    @Test("带 BOM 的 UTF-8（Excel 另存为 CSV UTF-8）可以读")
    func byteOrderMark() throws {
        let copy = try DatasetCopy()
        defer { copy.remove() }
        let text = try String(contentsOf: copy.url("tables/table9.csv"), encoding: .utf8)
        try copy.write("tables/table9.csv", bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8))
        #expect(try DatasetReader.read(folder: copy.folder)[.t9]?.isEmpty == true)
    }

    @Test("用空格分开的编码“201 03 01”")
    func spacedCodes() throws {
        let copy = try DatasetCopy()
        defer { copy.remove() }
        try copy.replace("tables/table2.csv", "2010301,", with: "201 03 01,")
        let disclosure = try DatasetReader.read(folder: copy.folder)
        #expect(disclosure[.t2]?.amount(.function(FunctionCode("2010301")!), column: 1).description == "651.00")
    }

    @Test("PDF 文字：页脚的页码不与下一页接着的数字连在一起")
    func pageNumbersDropped() {
        let text = "卫生健康支出（类）。年初预算为\n\n  10\n\u{0C}25.28万元，支出决算为24.31万元。\n- 11 -\n\u{0C}第 12 页\n正文 2021\n"
        let read = PublishedText(text: text, source: "t.pdf", fromPDF: true)
        #expect(!read.lines.contains { $0.text.trimmingCharacters(in: .whitespaces) == "10" })
        #expect(!read.lines.contains { $0.text.contains("11") })
        #expect(read.lines.contains { $0.text.contains("第 12 页") }, "页首的不是页脚")
        #expect(read.lines.contains { $0.text.contains("正文 2021") })
        #expect(read.lines.map(\.number) == Array(1...read.lines.count), "行号不变")
        #expect(PublishedText.isPageNumber("— 3 —") && PublishedText.isPageNumber("第3页共30页") && !PublishedText.isPageNumber("1,813.94"))
    }
}

@Suite("PDF 读取的时限")
struct PDFLimitTests {
    @Test("pdftotext past its wall-clock limit is killed, both extractions, and the reading fails in Chinese")
    func watchdog() throws {
        guard ExternalTools.poppler else { return }
        let url = Repository.fixtures.appendingPathComponent("corpus/putuo-finance-2024-final-accounts.pdf")
        let started = Date()
        do {
            _ = try PublishedText.readPDF(url, name: "putuo.pdf", secondsLimit: 0.001)
            Issue.record("应在时限后停止")
        } catch {
            #expect(error.reason.contains("超过"), "\(error.reason)")
        }
        #expect(Date().timeIntervalSince(started) < 30)
        // No pdftotext left running, no word-box file left behind.
        let left = (try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())) ?? []
        #expect(!left.contains { $0.hasPrefix("juesuan-bbox-") && (try? FileManager.default.attributesOfItem(
            atPath: NSTemporaryDirectory() + "/" + $0)[.modificationDate] as? Date).map { $0 > started } == true })
        // Within the limit the same file reads.
        #expect(try PublishedText.readPDF(url, name: "putuo.pdf").fromPDF)
    }
}
