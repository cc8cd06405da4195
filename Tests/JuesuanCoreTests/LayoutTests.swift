import Foundation
import JuesuanCore
import Testing

@Suite("版式是数据")
struct LayoutTests {
    @Test("每个版式文件都能读出：九张表，栏次与模型一致，印出顺序是全部栏的一个排列")
    func shippedLayoutsLoad() {
        #expect(TableLayout.all.map(\.id) == ["mof-2021", "shanghai-2024"])
        for layout in TableLayout.all {
            #expect(layout.tables.map(\.table) == Array(1...9), "\(layout.id)")
            #expect(!layout.recognize.isEmpty && !layout.name.isEmpty)
            for id in TableID.allCases {
                let spec = layout.spec(id)
                #expect(spec.columns.map(\.number) == TableLayout.standard.spec(id).columns.map(\.number), "\(layout.id) \(id)：栏次须与模型一致")
                #expect(spec.printedColumns.map(\.number).sorted() == spec.columns.map(\.number), "\(layout.id) \(id)：印出顺序须是各栏的排列")
                #expect(!spec.notes.isEmpty && !spec.stem.isEmpty)
                #expect(StandardLayout.RowKind(rawValue: spec.rows) != nil, "\(layout.id) \(id)：rows 须为 lines、functionCodes、economicCodes 或 single")
            }
        }
    }

    @Test("财政部版式：表名、栏次、行次与种子所印相同；上海版式：表6 两半、表7 预算数与决算数成对")
    func layoutsAsPrinted() {
        let standard = TableLayout.standard
        #expect(standard.title(.t1, year: 2021) == "2021年度收入支出决算总表（表1）")
        #expect(StandardLayout.lineLabel(27, in: .t1) == "本年收入合计")
        #expect(StandardLayout.side(of: 31, in: .t1) == .expenditure && StandardLayout.side(of: 32, in: .t4) == .income)
        #expect(StandardLayout.classLine(position: 1, in: .t4) == 33)
        let shanghai = try! #require(TableLayout.named("shanghai-2024"))
        #expect(shanghai.title(.t7, year: 2024) == "财政拨款“三公”经费支出决算表")
        #expect(shanghai.spec(.t6).presentation == .economicTwoHalves && standard.spec(.t6).presentation == .economicThreeBlocks)
        #expect(shanghai.spec(.t7).presentation == .officialPairs)
        let printed = shanghai.spec(.t7).printedColumns
        #expect(printed.map(\.number) == [1, 7, 2, 8, 3, 9, 4, 10, 5, 11, 6, 12])
        #expect(printed[0].groups.first == "预算数" && printed[1].groups.first == "决算数" && printed[0].name == printed[1].name)
        #expect(TableLayout.named("no-such-layout") == nil)
        #expect(TableLayout.named(nil) == standard)
    }

    @Test("由报告的标题认出版式")
    func recognition() {
        let seed = "2021年度收入支出决算总表（表1）\n……\n2021年度一般公共预算财政拨款“三公”经费支出决算表（表7）\n2021年度一般公共预算财政拨款基本支出决算明细表（表6）"
        #expect(TableLayout.recognise(seed).id == "mof-2021")
        let shanghai = "收入支出决算总表\n一般公共预算财政拨款基本支出决算表\n财政拨款“三公”经费支出决算表\n预算数 决算数"
        #expect(TableLayout.recognise(shanghai).id == "shanghai-2024")
        #expect(TableLayout.recognise("与决算无关的文字").id == "mof-2021")
    }
}
