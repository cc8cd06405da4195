import Testing
@testable import JuesuanCore

@Suite("科目编码")
struct CodeTests {
    @Test("功能分类：类、款、项与上级")
    func functionCodes() throws {
        let item = try #require(FunctionCode("2010301"))
        #expect(item.level == .item)
        #expect(item.parent == FunctionCode("20103"))
        #expect(item.parent?.parent == FunctionCode("201"))
        #expect(item.category == FunctionCode("201"))
        #expect(FunctionCode("201")!.isAncestor(of: item))
        #expect(!item.isAncestor(of: FunctionCode("201")!))
        #expect(FunctionCode("201")?.parent == nil)
    }

    @Test("接受“201 06 01”这种带空格的写法")
    func spaced() {
        #expect(FunctionCode("201 06 01") == FunctionCode("2010601"))
        #expect(FunctionCode("208 05") == FunctionCode("20805"))
    }

    @Test("拒绝不是编码的文字", arguments: ["", "20", "2010", "201030", "20103011", "20a", "一般", "201-03"])
    func rejects(text: String) {
        #expect(FunctionCode(text) == nil)
    }

    @Test("经济分类：3 位类与 5 位款")
    func economicCodes() throws {
        let code = try #require(EconomicCode("30101"))
        #expect(code.level == .section)
        #expect(code.parent == EconomicCode("301"))
        #expect(EconomicCode("2010301") == nil)
        #expect(EconomicCode("3010") == nil)
    }

    @Test("行的键按 行次、名称、编码 排序并打印")
    func rowKeys() {
        #expect(RowKey.line(27).description == "27")
        #expect(RowKey.function(FunctionCode("2010301")!).description == "2010301")
        #expect(RowKey.total.description == "合计")
        #expect(RowKey.line(3) < RowKey.line(27))
    }

    @Test("表的标题与 表1/T1 写法")
    func tables() {
        #expect(StandardLayout.title(.t1, year: 2021) == "2021年度收入支出决算总表（表1）")
        #expect(TableID(label: "表7") == .t7)
        #expect(TableID(label: "T3") == .t3)
        #expect(TableID(label: "表10") == nil)
    }
}
