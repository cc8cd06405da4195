import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanTestSupport
import Testing
@testable import JuesuanXLSX

@Suite("Excel 工作簿", .serialized)
struct WorkbookTests {
    static func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-\(UUID().uuidString)-\(name)")
    }

    static func sameTables(_ a: Disclosure, _ b: Disclosure) -> [String] {
        var differences: [String] = []
        for id in TableID.allCases {
            guard let left = a[id], let right = b[id] else { differences.append("\(id) 缺失"); continue }
            let keys = Set(left.rows.filter { !$0.cells.isEmpty }.map(\.key)).union(right.rows.filter { !$0.cells.isEmpty }.map(\.key))
            for key in keys where left.row(key)?.cells ?? [:] != right.row(key)?.cells ?? [:] {
                differences.append("\(id) \(key)：\(left.row(key)?.cells ?? [:]) ≠ \(right.row(key)?.cells ?? [:])")
            }
        }
        return differences
    }

    @Test("江汉区示例：写出再读回，九张表逐格相同")
    func example() throws {
        let disclosure = try DatasetReader.read(folder: Repository.example)
        let url = Self.temporary("workbook.xlsx")
        defer { try? FileManager.default.removeItem(at: url) }
        try WorkbookWriter.write(disclosure, to: url)
        let back = try WorkbookReader.read(url)
        #expect(back.unit == disclosure.unit)
        #expect(back.year == disclosure.year)
        let differences = Self.sameTables(disclosure, back)
        #expect(differences.isEmpty, "\(differences)")
        #expect(back[.t8]?.emptyStatement == disclosure[.t8]?.emptyStatement)
        // The whole dataset: facts, narrative figures, glossary, key work and the nine forms.
        let written = disclosure.withoutSources(), read = back.withoutSources()
        #expect(read.overview == written.overview)
        #expect(read.figures == written.figures)
        #expect(read.glossary == written.glossary)
        #expect(read.keyWork == written.keyWork)
        #expect(read.performance.department == written.performance.department)
        #expect(read.performance.projects == written.performance.projects)
        #expect(read.performance.schemeID == written.performance.schemeID)
        #expect(read == written)
    }

    /// A synthetic disclosure: random code trees whose parents add up, amounts to the 分.
    static func synthetic(_ generator: inout SeededGenerator) -> Disclosure {
        var disclosure = Disclosure(unit: "测试单位\(Int.random(in: 1...999, using: &generator))", year: Int.random(in: 2018...2030, using: &generator))
        func money() -> Money { Money(fen: Int64.random(in: 0...50_000_000_000, using: &generator)) }
        for id in TableID.allCases {
            var table = Table(id: id, title: StandardLayout.title(id, year: disclosure.year), department: disclosure.unit,
                              columns: StandardLayout.columns(id), rows: [])
            switch StandardLayout.rowKind(id) {
            case .lines:
                let last = id == .t1 ? 60 : 64
                table.rows = (1...last).map { line in
                    let side = StandardLayout.side(of: line, in: id)
                    var row = TableRow(key: .line(line), label: "第\(line)行")
                    if Bool.random(using: &generator) {
                        let columns = table.columns.filter { $0.side == side }.map(\.number)
                        for column in columns where Bool.random(using: &generator) { row.cells[column] = money() }
                    }
                    return row
                }
            case .functionCodes:
                var rows: [TableRow] = [TableRow(key: .total, label: "合计", cells: [1: money()])]
                for category in ["201", "208", "221"].shuffled(using: &generator).prefix(Int.random(in: 1...3, using: &generator)) {
                    rows.append(TableRow(key: .function(FunctionCode(category)!), label: "类\(category)", cells: [1: money(), 2: money()]))
                    for item in 1...Int.random(in: 1...4, using: &generator) {
                        let code = FunctionCode(category + "01" + String(format: "%02d", item))!
                        var cells: [Int: Money] = [1: money()]
                        if table.columns.count >= 3 { cells[table.columns.count] = money() }
                        rows.append(TableRow(key: .function(code), label: "项\(code)", cells: cells))
                    }
                }
                table.rows = rows
            case .economicCodes:
                table.rows = ["301", "30101", "30102", "303", "30302", "302", "30201", "30299", "310", "31002"].map {
                    TableRow(key: .economic(EconomicCode($0)!), label: "科目\($0)", cells: Bool.random(using: &generator) ? [1: money()] : [:])
                } + [TableRow(key: StandardLayout.personnelTotal, label: "人员经费合计", cells: [1: money()]),
                     TableRow(key: StandardLayout.publicTotal, label: "公用经费合计", cells: [1: money()])]
            case .single:
                var row = TableRow(key: StandardLayout.singleRow, label: "")
                for column in 1...12 where Bool.random(using: &generator) { row.cells[column] = money() }
                table.rows = [row]
            }
            disclosure.tables[id] = table
        }
        // Facts, a glossary and a project form.
        for key in ["收支总计", "机关运行经费"] where Bool.random(using: &generator) {
            disclosure.figures.priorYear[key] = NamedAmount(name: key, amount: money())
        }
        disclosure.figures.initialBudget["合计"] = NamedAmount(name: "合计", amount: money())
        disclosure.figures.projects = (0..<Int.random(in: 0...3, using: &generator)).map { ProjectSpending(name: "项目\($0)", amount: money(), purpose: "用途\($0)") }
        disclosure.glossary = [GlossaryEntry(term: "基本支出", definition: "指……（\(Int.random(in: 1...9, using: &generator))）")]
        let indicators = (0..<Int.random(in: 1...5, using: &generator)).map { index in
            IndicatorRow(level1: "产出指标", level2: "数量指标", name: "指标\(index)：测试", target: "≥\(index + 1)次", actual: "\(index + 2)次",
                         statedScore: Decimal(Int.random(in: 0...10, using: &generator)))
        }
        disclosure.performance.projects = [ProjectForm(name: "测试项目", supervisor: "主管", implementer: "实施", category: "部门预算项目",
                                                       kind: "经常性项目", filledOn: nil, statedTotal: 99,
                                                       execution: BudgetExecution(label: "年度财政资金总额", unit: .yuan,
                                                                                  budget: Money(fen: Int64.random(in: 0...9_000_000_000, using: &generator)),
                                                                                  executed: Money(fen: Int64.random(in: 0...9_000_000_000, using: &generator)),
                                                                                  statedRate: "98%", statedScore: 19, weight: 20),
                                                       goalPlanned: "目标", goalAchieved: "完成", goalWeight: 20, goalStatedScore: 20,
                                                       indicatorsWeight: 60, indicators: indicators, deviation: "无", improvement: "无")]
        return disclosure
    }

    @Test("性质：合成数据集写出再读回相同（40 个，带种子）")
    func roundTrip() throws {
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<40 {
            let disclosure = Self.synthetic(&generator)
            let url = Self.temporary("synthetic.xlsx")
            defer { try? FileManager.default.removeItem(at: url) }
            try WorkbookWriter.write(disclosure, to: url)
            let back = try WorkbookReader.read(url)
            #expect(back.unit == disclosure.unit && back.year == disclosure.year)
            let differences = Self.sameTables(disclosure, back)
            #expect(differences.isEmpty, "\(differences.prefix(3))")
            let written = disclosure.withoutSources(), read = back.withoutSources()
            #expect(read.figures == written.figures)
            #expect(read.glossary == written.glossary)
            #expect(read.performance.projects == written.performance.projects)
        }
    }

    @Test("数据集文件夹（YAML + CSV）写出再读回相同：江汉区示例与 40 个合成数据集（带种子）")
    func datasetFolderRoundTrip() throws {
        var generator = SeededGenerator(seed: 11)
        let examples = [try DatasetReader.read(folder: Repository.example)] + (0..<40).map { _ in Self.synthetic(&generator) }
        for disclosure in examples {
            let folder = Self.temporary("dataset")
            defer { try? FileManager.default.removeItem(at: folder) }
            try DatasetWriter.write(disclosure, to: folder)
            let back = try DatasetReader.read(folder: folder)
            let differences = Self.sameTables(disclosure, back)
            #expect(differences.isEmpty, "\(differences.prefix(3))")
            let written = disclosure.withoutSources(), read = back.withoutSources()
            #expect(read.overview == written.overview)
            #expect(read.figures == written.figures)
            #expect(read.glossary == written.glossary)
            #expect(read.keyWork == written.keyWork)
            #expect(read.performance.schemeID == written.performance.schemeID)
            #expect(read.performance.projects == written.performance.projects)
            #expect(read.performance.department == written.performance.department)
        }
    }

    @Test("openpyxl 打开工作簿，读到同样的数", .enabled(if: ExternalTools.openpyxl, Comment(rawValue: ExternalTools.openpyxlMissing)))
    func openpyxlReadsTheNumbers() throws {
        let disclosure = try DatasetReader.read(folder: Repository.example)
        let url = Self.temporary("workbook.xlsx")
        defer { try? FileManager.default.removeItem(at: url) }
        try WorkbookWriter.write(disclosure, to: url)
        let script = """
        import openpyxl, sys
        wb = openpyxl.load_workbook(sys.argv[1])
        t1 = wb['表1']
        rows = {r[1]: r[2] for r in t1.iter_rows(min_row=6, values_only=True) if isinstance(r[1], (int, float))}
        t3 = wb['表3']
        total = [r for r in t3.iter_rows(values_only=True) if r[1] == '合计'][0]
        print('%.2f %.2f %.2f %s' % (rows[30], total[3], total[4], t3['C7'].number_format))
        """
        let result = try Subprocess.tool("python3", ["-c", script, url.path], mergeErrors: true)
        let output = result.stdout
        #expect(result.status == 0, "\(output)")
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "1813.94 958.84 855.10 #,##0.00", "\(output)")
    }

    @Test("不是工作簿的文件：中文说明，不崩溃")
    func notAWorkbook() throws {
        let url = Self.temporary("bad.xlsx")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("这不是 xlsx".utf8).write(to: url)
        #expect(throws: WorkbookReader.Failure.self) { try WorkbookReader.read(url) }
    }
}
