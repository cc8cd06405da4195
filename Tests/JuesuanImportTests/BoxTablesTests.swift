import Foundation
import JuesuanCore
import JuesuanTestSupport
import Testing
@testable import JuesuanImport

/// Word boxes laid out by hand, as `pdftotext -bbox-layout` gives them: tables whose text extraction
/// would wrap rows, split halves or leave figures between lines.
struct Page {
    var words: [PageWord] = []
    private var line = 0

    /// A word of `text` whose box starts at `x` (or ends at `right`, for figures set flush right),
    /// centred on `y`; words of one call share a poppler line.
    mutating func put(_ text: String, x: Double? = nil, right: Double? = nil, y: Double, page: Int = 1, newLine: Bool = true) {
        if newLine { line += 1 }
        let width = Double(text.count) * 6
        let left = x ?? (right! - width)
        words.append(PageWord(page: page, xMin: left, yMin: y - 5, xMax: left + width, yMax: y + 5, text: text, line: line))
    }
}

func money(_ text: String) -> Money { try! MoneyParser.parse(text, unit: .wan).money }

func cells(_ rows: [TableRow]) -> [String: String] {
    var result: [String: String] = [:]
    for row in rows { for (column, amount) in row.cells { result["\(row.key).\(column)"] = amount.description } }
    return result
}

@Suite("按位置读表（pdftotext -bbox-layout 的词框）")
struct BoxTablesTests {
    static let t5Columns = [TableColumn(number: 1, name: "小计", groups: ["本年支出"]), TableColumn(number: 2, name: "基本支出", groups: ["本年支出"]),
                            TableColumn(number: 3, name: "项目支出", groups: ["本年支出"])]

    /// 表5 with a group heading over three columns; the right edges of the columns are 330, 430, 530.
    static func t5Header(_ page: inout Page) {
        page.put("本年支出", x: 380, y: 30)
        page.put("科目编码", x: 20, y: 45)
        page.put("科目名称", x: 120, y: 45)
        page.put("合计", x: 290, y: 45, newLine: false)
        page.put("基本支出", x: 380, y: 45, newLine: false)
        page.put("项目支出", x: 480, y: 45, newLine: false)
    }

    @Test("表5：编码单独一行、名称折成两行、金额在另一行，仍合为一行；只有项目支出的行放在项目支出栏")
    func wrappedRows() throws {
        var page = Page()
        Self.t5Header(&page)
        page.put("合计", x: 150, y: 70)
        page.put("16.00", right: 330, y: 70, newLine: false)
        page.put("4.00", right: 430, y: 70, newLine: false)
        page.put("12.00", right: 530, y: 70, newLine: false)
        page.put("201", x: 20, y: 90)
        page.put("一般公共服务支出", x: 60, y: 90, newLine: false)
        page.put("16.00", right: 330, y: 90, newLine: false)
        page.put("4.00", right: 430, y: 90, newLine: false)
        page.put("12.00", right: 530, y: 90, newLine: false)
        // The code on its own line, the name over two lines below, the figures between.
        page.put("2010601", x: 20, y: 110)
        page.put("10.00", right: 330, y: 116)
        page.put("4.00", right: 430, y: 116, newLine: false)
        page.put("6.00", right: 530, y: 116, newLine: false)
        page.put("行政运行（很长的名称", x: 60, y: 118)
        page.put("折成两行）", x: 60, y: 126)
        // Only 项目支出: the figure stands under 项目支出, though the formulas alone would allow 基本支出.
        page.put("2010602", x: 20, y: 150)
        page.put("一般行政管理事务", x: 60, y: 150, newLine: false)
        page.put("6.00", right: 330, y: 150, newLine: false)
        page.put("6.00", right: 530, y: 150, newLine: false)
        let rows = try #require(BoxTables(words: page.words, lines: []).codeTable(page.words, printed: Self.t5Columns))
        #expect(cells(rows) == ["合计.1": "16.00", "合计.2": "4.00", "合计.3": "12.00", "201.1": "16.00", "201.2": "4.00", "201.3": "12.00",
                                "2010601.1": "10.00", "2010601.2": "4.00", "2010601.3": "6.00", "2010602.1": "6.00", "2010602.3": "6.00"])
        #expect(rows.map(\.key.description) == ["合计", "201", "2010601", "2010602"])
    }

    @Test("表5：金额正好夹在两行之间、或同一格有两个金额时，不作位置读法（不猜）")
    func doubtGivesNoReading() {
        var page = Page()
        Self.t5Header(&page)
        page.put("201", x: 20, y: 90)
        page.put("10.00", right: 330, y: 90, newLine: false)
        page.put("2010601", x: 20, y: 110)
        page.put("10.00", right: 330, y: 110, newLine: false)
        page.put("2010602", x: 20, y: 130)
        page.put("3.00", right: 430, y: 120)   // halfway between 2010601 and 2010602
        #expect(BoxTables(words: page.words, lines: []).codeTable(page.words, printed: Self.t5Columns) == nil)
        var twice = Page()
        Self.t5Header(&twice)
        twice.put("201", x: 20, y: 90)
        twice.put("10.00", right: 330, y: 90, newLine: false)
        twice.put("9.00", right: 336, y: 92)
        #expect(BoxTables(words: twice.words, lines: []).codeTable(twice.words, printed: Self.t5Columns) == nil)
    }

    @Test("表5：栏次行“1 2 3”定栏位，比表头文字优先")
    func columnNumbers() throws {
        var page = Page()
        page.put("本年支出", x: 380, y: 30)
        page.put("甲", x: 290, y: 45)
        page.put("乙", x: 400, y: 45, newLine: false)
        page.put("栏次", x: 150, y: 55)
        page.put("1", x: 310, y: 55, newLine: false)
        page.put("2", x: 410, y: 55, newLine: false)
        page.put("3", x: 510, y: 55, newLine: false)
        page.put("201", x: 20, y: 90)
        page.put("5.00", right: 330, y: 90, newLine: false)
        page.put("5.00", right: 530, y: 90, newLine: false)
        let rows = try #require(BoxTables(words: page.words, lines: []).codeTable(page.words, printed: Self.t5Columns))
        #expect(cells(rows) == ["201.1": "5.00", "201.3": "5.00"])
    }

    @Test("表6 左右两半：右半的类单独一行、款和名称在下一行、金额在两者之间；合计标签与金额分处两块")
    func economicHalves() throws {
        var page = Page()
        page.put("301", x: 10, y: 100)
        page.put("工资福利支出", x: 80, y: 100, newLine: false)
        page.put("5.00", right: 290, y: 97)
        page.put("302", x: 310, y: 100, newLine: false)
        page.put("商品和服务支出", x: 380, y: 107)
        page.put("3.00", right: 590, y: 97, newLine: false)
        page.put("301", x: 10, y: 130)
        page.put("01", x: 40, y: 130, newLine: false)
        page.put("基本工资", x: 80, y: 130, newLine: false)
        page.put("302", x: 310, y: 130, newLine: false)
        page.put("5.00", right: 290, y: 126)
        page.put("3.00", right: 590, y: 133, newLine: false)
        page.put("01", x: 340, y: 137)
        page.put("办公费", x: 380, y: 137, newLine: false)
        page.put("人员经费合计", x: 10, y: 170)
        page.put("5.00", right: 290, y: 170, newLine: false)
        page.put("公用经费合计", x: 380, y: 170, newLine: false)
        page.put("3.00", right: 590, y: 170, newLine: false)
        let rows = try #require(BoxTables(words: page.words, lines: []).economicTable(page.words))
        #expect(cells(rows) == ["301.1": "5.00", "30101.1": "5.00", "302.1": "3.00", "30201.1": "3.00", "人员经费合计.1": "5.00", "公用经费合计.1": "3.00"])
    }

    @Test("表7 每项一对“预算数、决算数”：金额按其上方的表头格定栏")
    func officialPairs() throws {
        let layout = try #require(TableLayout.named("shanghai-2024"))
        var page = Page()
        let items = ["合计", "因公出国（境）费", "小计", "公务用车购置费", "公务用车运行费", "公务接待费"]
        for (index, item) in items.enumerated() { page.put(item, x: 40 + Double(index) * 120, y: 40, newLine: index == 0) }
        for index in 0..<12 { page.put(index % 2 == 0 ? "预算数" : "决算数", x: 30 + Double(index) * 60, y: 60, newLine: index == 0) }
        // Header cell k is centred on 39 + 60k.
        page.put("0.95", right: 51, y: 80)                    // 合计 预算数
        page.put("0.80", right: 111, y: 80, newLine: false)   // 合计 决算数
        page.put("0.95", right: 651, y: 80, newLine: false)   // 公务接待费 预算数
        page.put("0.80", right: 711, y: 80, newLine: false)   // 公务接待费 决算数
        let row = try #require(BoxTables(words: page.words, lines: []).officialRow(page.words, printed: layout.spec(.t7).printedColumns))
        #expect(row.cells.mapValues(\.description) == [1: "0.95", 7: "0.80", 6: "0.95", 12: "0.80"])
    }

    @Test("一致性：表的公式与汇总都成立时为 0，错一个数时为正")
    func consistency() {
        func table(_ basic: String) -> Table {
            Table(id: .t5, title: "", department: "", columns: Self.t5Columns, rows: [
                TableRow(key: .total, label: "合计", cells: [1: money("10.00"), 2: money("4.00"), 3: money("6.00")]),
                TableRow(key: .function(FunctionCode("201")!), label: "", cells: [1: money("10.00"), 2: money(basic), 3: money("6.00")]),
            ])
        }
        #expect(TableConsistency.violations(table("4.00")) == 0)
        #expect(TableConsistency.violations(table("5.00")) > 0)
    }

    @Test("词框读取：实体、页、行；坏字节、截断与乱序的输入不崩溃（带种子的变异）")
    func parseAndFuzz() {
        let sample = """
        <doc><page width="595" height="842"><flow><block><line xMin="1" yMin="2" xMax="3" yMax="4">
        <word xMin="10.5" yMin="20" xMax="30" yMax="28">A&amp;B</word><word xMin="31" yMin="20" xMax="50" yMax="28">１２３</word>
        </line></block></flow></page><page width="595" height="842"><line><word xMin="1" yMin="2" xMax="3" yMax="4">二</word></line></page></doc>
        """
        let words = WordBoxes.parse(Data(sample.utf8))
        #expect(words.map(\.text) == ["A&B", "123", "二"])
        #expect(words.map(\.page) == [1, 1, 2])
        #expect(words[0].line == words[1].line && words[1].line != words[2].line)
        #expect(words[0].xMin == 10.5)
        var generator = SeededGenerator(seed: 20261202)
        let bytes = Array(sample.utf8)
        for _ in 0..<3000 {
            var mutated = bytes
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                let position = Int.random(in: 0..<mutated.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: mutated[position] = UInt8.random(in: 0...255, using: &generator)
                case 1: mutated.removeSubrange(position..<min(mutated.count, position + Int.random(in: 1...40, using: &generator)))
                default: mutated.insert(contentsOf: [0xFF, 0x3C, 0x22], at: position)
                }
                if mutated.isEmpty { mutated = [0x3C] }
            }
            let parsed = WordBoxes.parse(Data(mutated))
            _ = BoxTables(words: parsed, lines: []).codeTable(parsed, printed: Self.t5Columns)
            _ = BoxTables(words: parsed, lines: []).economicTable(parsed)
        }
    }
}
