import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanTestSupport
import Testing
@testable import JuesuanAudit
@testable import JuesuanNarrative
@testable import JuesuanRules

enum Audit {
    static let catalog = try! CatalogLoader.builtIn()
    static let rules = try! RuleCatalogue.standard()
    static let seedURL = Repository.fixtures.appendingPathComponent("seed/000_a4a5e0261d017fb9.txt")
    static let putuoURL = Repository.fixtures.appendingPathComponent("corpus/putuo-finance-2024-final-accounts.pdf")
    static let plantedURL = Repository.fixtures.appendingPathComponent("corpus/putuo-finance-2024-final-accounts-with-planted-errors.pdf")
    static let tableFamilies: Set<String> = ["表内公式", "科目汇总", "表间一致", "科目编码"]

    static func report(_ url: URL) throws -> PublishedReport { try ReportReader.read(url, catalog: catalog) }
    static func findings(_ url: URL) throws -> [Finding] { Auditor(rules: rules, catalog: catalog).audit(try report(url)) }
    static func findings(text: String) throws -> [Finding] {
        Auditor(rules: rules, catalog: catalog).audit(try ReportReader.read(PublishedText(text: text, source: "t.txt"), catalog: catalog))
    }
}

@Suite("审阅已公开的报告", .serialized, .enabled(if: ExternalTools.poppler, Comment(rawValue: ExternalTools.popplerMissing)))
struct AuditTests {
    @Test("种子：读出的九张表与 examples/jianghan-2021 逐格相同")
    func seedTables() throws {
        let read = try Audit.report(Audit.seedURL).disclosure
        let example = try DatasetReader.read(folder: Repository.example)
        #expect(read.unit == "武汉市江汉区人民政府办公室")
        #expect(read.year == 2021)
        var compared = 0
        for id in TableID.allCases {
            let mine = try #require(read[id], "\(id) 没有读出")
            let theirs = try #require(example[id])
            let keys = Set(mine.rows.filter { !$0.cells.isEmpty }.map(\.key)).union(theirs.rows.filter { !$0.cells.isEmpty }.map(\.key))
            for key in keys {
                for column in theirs.columns.map(\.number) {
                    let same = mine.row(key)?.cells[column] == theirs.row(key)?.cells[column]
                    #expect(same, "\(id) \(key) 栏\(column)：读出 \(mine.row(key)?.cells[column]?.description ?? "空")，数据集 \(theirs.row(key)?.cells[column]?.description ?? "空")")
                    compared += 1
                }
            }
        }
        #expect(compared > 200)
    }

    @Test("种子：表的规则无错误；情况说明与自评的错误至少 15 处，所列数与应为数正确")
    func seedFindings() throws {
        let findings = try Audit.findings(Audit.seedURL)
        #expect(!findings.contains { $0.severity == .error && Audit.tableFamilies.contains($0.family ?? "") })
        let prose = findings.filter { $0.family == "情况说明" || $0.family == "文字" }
        #expect(prose.filter { $0.severity != .info }.count >= 15)
        func has(_ rule: String, _ stated: String, _ expected: String, line: Int? = nil) -> Bool {
            findings.contains { $0.rule == rule && $0.stated == stated && $0.expected == expected && (line == nil || $0.line == line) }
        }
        #expect(has("N-AMOUNT", "1506.01", "1,506.10", line: 678))
        #expect(has("N-SHARE", "3.6%", "3.7%"))
        #expect(has("N-SHARE", "6.7%", "6.6%", line: 684))
        #expect(has("N-SHARE", "99.46%", "100.00%"))
        #expect(has("N-EXECUTION", "98.6%", "98.5%", line: 799))
        #expect(has("N-YOY", "19.9%", "16.6%", line: 922))
        #expect(findings.contains { $0.rule == "N-YOY-ZERO" && $0.stated == "15%" })
        #expect(has("N-COUNT", "8", "9"))
        #expect(has("N-PROJECT", "61", "69"))
        #expect(has("N-PROJECT", "534.39", "534.38"))
        #expect(findings.contains { $0.rule == "X-PLACEHOLDER" && $0.line == 3175 })
        #expect(findings.contains { $0.rule == "X-PUNCT" })
        // The forms printed in Part 6, read back and scored.
        #expect(findings.filter { $0.rule == "P-PARTS" }.count == 4)
        #expect(findings.filter { $0.rule == "P-IND-SUM" }.count == 2)
        #expect(findings.contains { $0.rule == "P-COST-ACTUAL" && $0.stated == "99%" && $0.expected == "98.23%" })
        #expect(has("N-SCORE", "99.95", "99.8"))
        // Every finding of the prose points at a line of the input.
        for finding in prose { #expect(finding.line != nil) }
    }

    @Test("种子：第六部分的九张自评表读回，与数据集中的相同")
    func seedForms() throws {
        let read = try Audit.report(Audit.seedURL).disclosure.performance
        let example = try DatasetReader.read(folder: Repository.example).performance
        #expect(read.projects.map(\.name) == example.projects.map(\.name))
        #expect(read.department?.statedTotal == example.department?.statedTotal)
        #expect(read.department?.goals.count == 8)
        for (mine, theirs) in zip(read.projects, example.projects) {
            #expect(mine.statedTotal == theirs.statedTotal, "\(mine.name)")
            #expect(mine.execution.budget == theirs.execution.budget && mine.execution.executed == theirs.execution.executed, "\(mine.name)")
            #expect(mine.goalStatedScore == theirs.goalStatedScore, "\(mine.name)")
            #expect(mine.indicators.map(\.statedScore) == theirs.indicators.map(\.statedScore), "\(mine.name)")
            #expect(mine.indicators.map(\.target) == theirs.indicators.map(\.target), "\(mine.name)")
            #expect(mine.indicators.map(\.actual) == theirs.indicators.map(\.actual), "\(mine.name)")
        }
        for (mine, theirs) in zip(read.department?.goals ?? [], example.department?.goals ?? []) {
            #expect(mine.indicators.map { $0.name.filter { $0 != " " } } == theirs.indicators.map { $0.name.filter { $0 != " " } })
            #expect(mine.indicators.map(\.actual) == theirs.indicators.map(\.actual))
        }
    }

    @Test("普陀区 2024（PDF）：九张表读全，表的规则只有尾差提示")
    func putuo() throws {
        let report = try Audit.report(Audit.putuoURL)
        #expect(report.disclosure.tables.count == 9)
        #expect(report.disclosure.year == 2024)
        #expect(report.disclosure[.t1]?.amount(.line(30), column: 1).description == "2,995.39")
        #expect(report.disclosure[.t3]?.amount(.total, column: 2).description == "2,336.91")
        #expect(report.disclosure[.t4]?.amount(.line(29), column: 1).description == "21.63")
        #expect(report.disclosure[.t6]?.amount(StandardLayout.publicTotal, column: 1).description == "184.65")
        #expect(report.disclosure[.t6]?.amount(.economic(EconomicCode("30239")!), column: 1).description == "48.49")
        #expect(report.disclosure[.t7]?.amount(StandardLayout.singleRow, column: 1).description == "0.95")
        let findings = Auditor(rules: Audit.rules, catalog: Audit.catalog).audit(report)
        let tableProblems = findings.filter { Audit.tableFamilies.contains($0.family ?? "") && $0.severity != .info }
        #expect(tableProblems.isEmpty, "\(tableProblems.map(\.message))")
        #expect(findings.filter { Audit.tableFamilies.contains($0.family ?? "") }.allSatisfy { $0.page != nil || $0.table != nil })
    }

    @Test("普陀区 2024（PDF，上海版式）：表1、表7 逐格与原文相同（按 PDF 所印手工录入），认出上海版式")
    func putuoCellByCell() throws {
        let report = try Audit.report(Audit.putuoURL)
        #expect(report.disclosure.layout == "shanghai-2024")
        // 收入支出决算总表, as printed (万元); every other cell is blank.
        let t1: [Int: String] = [1: "2,940.05", 8: "6.20", 27: "2,946.25", 29: "49.14", 30: "2,995.39",
                                 31: "2,106.66", 38: "326.71", 39: "60.99", 49: "445.69", 57: "2,940.05", 59: "55.34", 60: "2,995.39"]
        let table1 = try #require(report.disclosure[.t1])
        let read1 = Dictionary(uniqueKeysWithValues: table1.rows.compactMap { row -> (Int, String)? in
            guard case .line(let line) = row.key, let amount = row.cells.values.first, amount.fen != 0 else { return nil }
            return (line, amount.description)
        })
        #expect(read1 == t1)
        // 财政拨款收入支出决算总表: 决算数 (income) and 合计 / 一般公共预算财政拨款 (expenditure).
        let t4: [String: String] = ["1.1": "2,940.05", "27.1": "2,940.05", "28.1": "21.63", "29.1": "21.63", "32.1": "2,961.68",
                                    "33.2": "2,106.66", "33.3": "2,106.66", "40.2": "326.71", "40.3": "326.71", "41.2": "60.99", "41.3": "60.99",
                                    "51.2": "445.69", "51.3": "445.69", "59.2": "2,940.05", "59.3": "2,940.05", "60.2": "21.63", "60.3": "21.63",
                                    "64.2": "2,961.68", "64.3": "2,961.68"]
        let table4 = try #require(report.disclosure[.t4])
        var read4: [String: String] = [:]
        for row in table4.rows {
            guard case .line(let line) = row.key else { continue }
            for (column, amount) in row.cells where amount.fen != 0 { read4["\(line).\(column)"] = amount.description }
        }
        #expect(read4 == t4)
        // 支出决算表 and 一般公共预算财政拨款支出决算表 (all the money is 一般公共预算): 本年支出 / 基本支出 / 项目支出.
        let t3: [String: [String]] = [
            "合计": ["2,940.05", "2,336.91", "603.14"], "201": ["2,106.66", "1,503.52", "603.14"], "20106": ["2,106.66", "1,503.52", "603.14"],
            "2010601": ["1,511.89", "1,503.52", "8.37"], "2010602": ["10.00", "", "10.00"], "2010607": ["135.25", "", "135.25"],
            "2010608": ["449.52", "", "449.52"], "208": ["326.72", "326.72", ""], "20805": ["326.72", "326.72", ""],
            "2080501": ["84.65", "84.65", ""], "2080505": ["160.75", "160.75", ""], "2080506": ["80.38", "80.38", ""],
            "2080599": ["0.94", "0.94", ""], "210": ["60.99", "60.99", ""], "21011": ["60.99", "60.99", ""], "2101101": ["60.99", "60.99", ""],
            "221": ["445.69", "445.69", ""], "22102": ["445.69", "445.69", ""], "2210201": ["187.19", "187.19", ""], "2210203": ["258.50", "258.50", ""],
        ]
        for id in [TableID.t3, .t5] {
            let table = try #require(report.disclosure[id])
            var read: [String: [String]] = [:]
            for row in table.rows where row.cells.values.contains(where: { $0.fen != 0 }) {
                let key = row.key == .total ? "合计" : row.key.description
                read[key] = (1...3).map { column in row.cells[column].map { $0.fen == 0 ? "" : $0.description } ?? "" }
            }
            #expect(read == t3, "\(id)：\(read.filter { t3[$0.key] != $0.value })")
        }
        // 收入决算表: 本年收入合计 / 财政拨款收入 / 其他收入 (栏1, 2, 7).
        let t2: [String: [Int: String]] = [
            "合计": [1: "2,946.25", 2: "2,940.05", 7: "6.20"], "201": [1: "2,112.86", 2: "2,106.66", 7: "6.20"],
            "20106": [1: "2,112.86", 2: "2,106.66", 7: "6.20"], "2010601": [1: "1,511.90", 2: "1,511.89", 7: "0.01"],
            "2010602": [1: "16.19", 2: "10.00", 7: "6.19"], "2010607": [1: "135.25", 2: "135.25"], "2010608": [1: "449.52", 2: "449.52"],
            "208": [1: "326.72", 2: "326.72"], "20805": [1: "326.72", 2: "326.72"], "2080501": [1: "84.65", 2: "84.65"],
            "2080505": [1: "160.75", 2: "160.75"], "2080506": [1: "80.38", 2: "80.38"], "2080599": [1: "0.94", 2: "0.94"],
            "210": [1: "60.99", 2: "60.99"], "21011": [1: "60.99", 2: "60.99"], "2101101": [1: "60.99", 2: "60.99"],
            "221": [1: "445.69", 2: "445.69"], "22102": [1: "445.69", 2: "445.69"], "2210201": [1: "187.19", 2: "187.19"],
            "2210203": [1: "258.50", 2: "258.50"],
        ]
        let table2 = try #require(report.disclosure[.t2])
        var read2: [String: [Int: String]] = [:]
        for row in table2.rows where row.cells.values.contains(where: { $0.fen != 0 }) {
            read2[row.key == .total ? "合计" : row.key.description] = row.cells.filter { $0.value.fen != 0 }.mapValues(\.description)
        }
        #expect(read2 == t2, "表2：\(read2.filter { t2[$0.key] != $0.value })")
        // 财政拨款“三公”经费支出决算表: 合计 and 公务接待费 预算数 0.95, every 决算数 blank.
        let table7 = try #require(report.disclosure[.t7]).row(StandardLayout.singleRow)
        let read7 = (table7?.cells ?? [:]).filter { $0.value.fen != 0 }.mapValues(\.description)
        #expect(read7 == [1: "0.95", 6: "0.95"])
        // 一般公共预算财政拨款基本支出决算表, two halves; a right-hand code often stands alone with its name and
        // amount on other lines. Every printed amount, by economic code.
        let t6: [String: String] = [
            "301": "2,082.85", "30101": "262.33", "30102": "1,238.58", "30108": "160.75", "30109": "80.38", "30110": "60.99",
            "30112": "1.61", "30113": "187.19", "30199": "91.03", "303": "69.41", "30302": "69.10", "30309": "0.31",
            "302": "171.07", "30201": "21.21", "30202": "7.61", "30204": "0.09", "30207": "4.88", "30211": "1.20", "30213": "2.83",
            "30216": "4.05", "30226": "2.01", "30228": "24.42", "30229": "42.77", "30239": "48.49", "30299": "11.53",
            "310": "13.58", "31002": "13.58", "人员经费合计": "2,152.26", "公用经费合计": "184.65",
        ]
        let table6 = try #require(report.disclosure[.t6])
        var read6: [String: String] = [:]
        for row in table6.rows { if let amount = row.cells[1], amount.fen != 0 { read6[row.key.description] = amount.description } }
        #expect(read6 == t6, "表6：\(read6.filter { t6[$0.key] != $0.value }) 缺 \(t6.keys.filter { read6[$0] == nil })")
        // 一般公共预算财政拨款基本支出决算表: the two totals printed under the halves.
        #expect(report.disclosure[.t6]?.amount(StandardLayout.personnelTotal, column: 1).description == "2,152.26")
        #expect(report.disclosure[.t6]?.amount(StandardLayout.publicTotal, column: 1).description == "184.65")
        // Read a second way, by the positions of the words on the page (pdftotext -bbox-layout): every
        // table with figures gives the same cells, checked above against the printed document.
        for id in [TableID.t2, .t3, .t5, .t6, .t7] {
            let byPosition = try #require(report.positionTables[id], "\(id) 没有按位置读出")
            func cells(_ table: Table?) -> [String: String] {
                var result: [String: String] = [:]
                for row in table?.rows ?? [] { for (column, amount) in row.cells where amount.fen != 0 { result["\(row.key).\(column)"] = amount.description } }
                return result
            }
            #expect(cells(byPosition) == cells(report.disclosure[id]), "\(id)：位置读法与逐格核对的读法不同")
        }
    }

    @Test("普陀区 2024：只有两处错误，都是原文真的不一致；表8、表9 无数字并读出其说明")
    func putuoOnlyTrueErrors() throws {
        let report = try Audit.report(Audit.putuoURL)
        for id in [TableID.t8, .t9] {
            #expect(report.disclosure[id]?.rows.allSatisfy { $0.cells.values.allSatisfy { $0.fen == 0 } } == true)
            #expect(report.disclosure[id]?.emptyStatement?.contains("无") == true)
        }
        let errors = Auditor(rules: Audit.rules, catalog: Audit.catalog).audit(report).filter { $0.severity == .error }
        // 1. Part 3 §四 prints “财政拨款收入支出总计0.3万元” (line 548), while 表4 总计 is 2,961.68: the document's own mistake.
        // 2. Part 3 §五(二) prints 一般公共服务支出 2106.66 万元 “占71.73%”, while 2106.66 ÷ 2940.05 = 71.65%: the document's own mistake.
        #expect(errors.map(\.rule).sorted() == ["N-AMOUNT", "N-SHARE"], "\(errors.map(\.message))")
        #expect(errors.contains { $0.rule == "N-AMOUNT" && $0.stated == "0.3" && $0.line == 548 })
        #expect(errors.contains { $0.rule == "N-SHARE" && $0.stated == "71.73%" && $0.expected == "71.65%" })
    }

    @Test("普陀区 2024 埋入错误的副本：每一处埋入的差异都报出")
    func planted() throws {
        let findings = try Audit.findings(Audit.plantedURL)
        let original = try Audit.findings(Audit.putuoURL)
        func reported(_ rule: String, _ stated: String? = nil) -> Bool {
            findings.contains { $0.rule == rule && (stated == nil || $0.stated == stated) && $0.severity != .info }
        }
        #expect(findings.contains { $0.rule == "T-MISSING" && $0.table == .t3 })     // 表3 removed
        #expect(reported("X-PLACEHOLDER", "XX"))                                     // 上海市普陀区XX局
        #expect(findings.filter { $0.rule == "X-YEAR" && $0.stated == "2023年" }.count == 2)  // 2023 in a heading and a 截至 date
        #expect(reported("N-AMOUNT", "0"))                                           // 收入支出总计0万元
        #expect(reported("N-AMOUNT", "0.95"))                                        // 表7 figures removed
        #expect(findings.filter { $0.rule == "N-COMPARE" }.count == 3)               // 大于/等于 against the figures
        #expect(reported("X-PUNCT", "。。"))
        // None of these is in the original.
        for rule in ["T-MISSING", "X-PLACEHOLDER", "X-YEAR", "N-COMPARE", "X-PUNCT"] {
            let present = original.contains { $0.rule == rule }
            #expect(!present, "原件不应有 \(rule)")
        }
    }
}

@Suite("情况说明规则的复现用例")
struct NarrativeRuleTests {
    /// A minimal report: the nine tables of the seed, followed by `prose`.
    static func report(_ prose: String, withForm: Bool = false) throws -> [Finding] {
        let seed = try String(contentsOf: Audit.seedURL, encoding: .utf8)
        let lines = seed.split(separator: "\n", omittingEmptySubsequences: false)
        let tables = lines.prefix(626).joined(separator: "\n")
        // The department form of Part 6, for the rules that compare prose with it.
        let formStart = lines.firstIndex { $0.contains("整体绩效自评表") && $0.count < 30 }!
        let formEnd = lines[(formStart + 1)...].firstIndex { $0.contains("项目支出绩效自评表") && $0.count < 30 }!
        let form = lines[formStart..<formEnd].joined(separator: "\n")
        return try Audit.findings(text: tables + "\n 第三部分 武汉市江汉区人民政府办公室\n2021 年度部门决算情况说明\n\n" + prose
                                  + (withForm ? "\n 第六部分 附 件\n" + form + "\n" : "\n"))
    }

    @Test("每条情况说明规则：一段文字使之报出，一致的文字不报", arguments: [
        ("N-AMOUNT", "一、收入支出决算总体情况说明\n2021 年度收、支总计 1,913.94 万元。", "一、收入支出决算总体情况说明\n2021 年度收、支总计 1,813.94 万元。"),
        ("N-SHARE", "三、支出决算情况说明\n2021 年度支出合计 1,813.94 万元。其中：基本支出 958.84 万元，占本年支出 55.9%。",
         "三、支出决算情况说明\n2021 年度支出合计 1,813.94 万元。其中：基本支出 958.84 万元，占本年支出 52.9%。"),
        ("N-EXECUTION", "五、一般公共预算财政拨款支出决算情况说明\n2021 年度一般公共预算财政拨款支出年初预算为 2,053.67 万元，支出决算为 1,813.94 万元，完成年初预算的 80.3%。",
         "五、一般公共预算财政拨款支出决算情况说明\n2021 年度一般公共预算财政拨款支出年初预算为 2,053.67 万元，支出决算为 1,813.94 万元，完成年初预算的 88.3%。"),
        ("N-YOY", "一、收入支出决算总体情况说明\n2021 年度收、支总计 1,813.94 万元。与 2020 年度相比，收、支总计各减少 689.39 万元，下降 25.5%。",
         "一、收入支出决算总体情况说明\n2021 年度收、支总计 1,813.94 万元。与 2020 年度相比，收、支总计各减少 689.39 万元，下降 27.5%。"),
        ("N-YOY-ZERO", "七、“三公”经费支出决算情况说明\n公务接待支出决算增加 0.15 万元，增长 15%。",
         "七、“三公”经费支出决算情况说明\n公务接待支出决算增加 0.15 万元。"),
        ("N-YOY-DIRECTION", "十、机关运行经费支出情况\n机关运行经费支出 61.83 万元，比 2020 年度减少 12.32 万元，增长 16.6%。",
         "十、机关运行经费支出情况\n机关运行经费支出 61.83 万元，比 2020 年度减少 12.32 万元，下降 16.6%。"),
        ("N-BUDGET-DIFF", "七、“三公”经费支出决算情况说明\n公务用车运行费 5.26 万元，比年初预算减少 4.74 万元。",
         "七、“三公”经费支出决算情况说明\n公务用车运行费 5.26 万元，比年初预算增加 4.10 万元。"),
        ("N-COMPARE", "五、一般公共预算财政拨款支出决算情况说明\n1、卫生健康支出(类)。年初预算为 74.8 万元，支出决算为 66.28 万元。决算数大于预算数的主要原因是人员减少。",
         "五、一般公共预算财政拨款支出决算情况说明\n1、卫生健康支出(类)。年初预算为 74.8 万元，支出决算为 66.28 万元。决算数小于预算数的主要原因是人员减少。"),
        ("N-COUNT", "十三、预算绩效情况说明\n共涉及项目 9 个。\n\n十四、其他\n共涉及 8 个一级项目。", "十三、预算绩效情况说明\n共涉及项目 8 个。\n\n十四、其他\n共涉及 8 个一级项目。"),
        ("N-PROJECT", "五、一般公共预算财政拨款支出决算情况说明\n（6）聘用人员工作经费 69 万元，用于支付工资。\n\n十三、预算绩效情况说明\n6、聘用人员工作经费绩效自评综合综述：项目全年预算数为 69 万元，执行数为 61 万元。",
         "五、一般公共预算财政拨款支出决算情况说明\n（6）聘用人员工作经费 69 万元，用于支付工资。\n\n十三、预算绩效情况说明\n6、聘用人员工作经费绩效自评综合综述：项目全年预算数为 69 万元，执行数为 69 万元。"),
        ("X-PLACEHOLDER", "十二、国有资产占用情况\n截至 2021 年 12 月 31 日，XX办公室共有车辆 3 辆，春节慰问一线工作人员   家，高温慰问。", "十二、国有资产占用情况\n截至 2021 年 12 月 31 日，共有车辆 3 辆。"),
        ("X-PUNCT", "十二、国有资产占用情况\n共有车辆 3 辆。。", "十二、国有资产占用情况\n共有车辆 3 辆。"),
        ("X-YEAR", "十二、国有资产占用情况\n截至 2020 年 12 月 31 日，共有车辆 3 辆。", "十二、国有资产占用情况\n截至 2021 年 12 月 31 日，共有车辆 3 辆。"),
        ("N-PARTS", "十一、政府采购支出情况\n2021 年度政府采购支出总额 35.92 万元，其中：政府采购货物支出 13.85 万元、政府采购服务支出 23.07 万元。",
         "十一、政府采购支出情况\n2021 年度政府采购支出总额 35.92 万元，其中：政府采购货物支出 13.85 万元、政府采购服务支出 22.07 万元。"),
        ("N-SCORE", "十三、预算绩效情况说明\n2021 年度部门整体绩效目标执行率 99.46%，自评得分 99.95 分。", "十三、预算绩效情况说明\n2021 年度部门整体绩效目标执行率 99.46%，自评得分 99.8 分。"),
        ("X-BRACKET", "十二、国有资产占用情况\n截至 2021 年 12 月 31 日，共有车辆 3 辆（其中公务用车 2 辆。", "十二、国有资产占用情况\n截至 2021 年 12 月 31 日，共有车辆 3 辆（其中公务用车 2 辆）。"),
        ("X-CUT", "三、支出决算情况说明\n2021 年度支出合计 1,813.94 万元，比上年减少，主要原因是。", "三、支出决算情况说明\n2021 年度支出合计 1,813.94 万元，比上年减少，主要原因是人员减少。"),
        ("X-YEAR-DIGITS", "十二、国有资产占用情况\n截至 202 年 12 月 31 日，共有车辆 3 辆。", "十二、国有资产占用情况\n截至 2021 年 12 月 31 日，共有车辆 3 辆。"),
        ("X-CONTRADICT", "七、“三公”经费支出决算情况说明\n公务用车购置费减少为 0.00 万元，与上年持平。", "七、“三公”经费支出决算情况说明\n公务用车购置费为 0.00 万元，与上年持平。"),
        ("X-OLD-NAME", "五、一般公共预算财政拨款支出决算情况说明\n医疗卫生与计划生育支出(类)66.28 万元。", "五、一般公共预算财政拨款支出决算情况说明\n卫生健康支出(类)66.28 万元。"),
        ("X-REPEAT", "十二、国有资产占用情况\n本部门国有资产占用情况如下。截至 2021 年 12 月 31 日，共有车辆 3 辆，其中主要领导干部用车 1 辆。单位价值 50 万元以上通用设备 0 台。截至 2021 年 12 月 31 日，共有车辆 3 辆，其中主要领导干部用车 1 辆。单位价值 50 万元以上通用设备 0 台。",
         "十二、国有资产占用情况\n本部门国有资产占用情况如下。截至 2021 年 12 月 31 日，共有车辆 3 辆，其中主要领导干部用车 1 辆。单位价值 50 万元以上通用设备 0 台。"),
        ("X-SAME-RATE", "十三、预算绩效情况说明\n服务对象满意度达 96%，各项任务按时完成。\n\n十四、其他\n全年服务对象满意度为 98%。",
         "十三、预算绩效情况说明\n服务对象满意度达 98%，满意度目标为 95%，上年满意度 93%。\n\n十四、其他\n全年服务对象满意度为 98%。"),
        ("X-SAME-COUNT", "十二、国有资产占用情况\n全年共受理群众来信来访 126 件，均已办结。\n\n十三、预算绩效情况说明\n受理群众来信来访 121 件，办结率 100%。",
         "十二、国有资产占用情况\n全年共受理群众来信来访 126 件，均已办结。\n\n十三、预算绩效情况说明\n受理群众来信来访 126 件，上年受理群众来信来访 98 件，目标受理群众来信来访 100 件以上。"),
        ("X-NO-FIGURE", "十二、国有资产占用情况\n全年走访慰问困难群众共计户，发放慰问金 2 万元。",
         "十二、国有资产占用情况\n全年走访慰问困难群众共计 35 户，发放慰问金 2 万元，与公共机构约定服务项目，合计数见表。"),
        ("X-BLANK-PAGE", "十二、国有资产占用情况\n共有车辆 3 辆。\n\u{0C}\n\u{0C}十三、其他\n无。", "十二、国有资产占用情况\n共有车辆 3 辆。\n\u{0C}十三、其他\n无。"),
        ("X-OUTLINE", "第一部分 部门概况\n本部门职能如下。\n第三部分 情况说明\n共有车辆 3 辆。", "第一部分 部门概况\n本部门职能如下。\n第二部分 情况说明\n共有车辆 3 辆。"),
        ("X-RECEPTION", "七、“三公”经费支出决算情况说明\n2021 年度公务接待费 0.15 万元，其中外宾接待 1 批次 3 人次。",
         "七、“三公”经费支出决算情况说明\n2021 年度公务接待费 0.15 万元，其中国内公务接待 1 批次 7 人次，外宾接待 1 批次 3 人次。"),
    ] as [(String, String, String)])
    func reproducer(_ rule: String, _ firing: String, _ quiet: String) throws {
        let fired = try Self.report(firing, withForm: rule == "N-SCORE").filter { $0.rule == rule && $0.severity != .info }
        #expect(!fired.isEmpty, "\(rule) 没有报出")
        let silent = try Self.report(quiet, withForm: rule == "N-SCORE").filter { $0.rule == rule && $0.severity != .info }
        #expect(silent.isEmpty, "\(rule) 在一致的文字上报出：\(silent.map(\.message))")
    }

    @Test("别的工具提取的文字：表5 编码单独一行、名称折成两行、金额在再下一行，仍读成一行；表不报错")
    func wrappedRowInExtractedText() throws {
        let seed = try String(contentsOf: Audit.seedURL, encoding: .utf8)
        let row = "2010399   其他政府办公厅（室）及相关机构事务支出 113.00 113.00"
        let start = try #require(seed.range(of: "（表5）"))
        let at = try #require(seed.range(of: row, range: start.upperBound..<seed.endIndex))
        let wrapped = seed.replacingCharacters(in: at, with: "2010399\n其他政府办公厅（室）及相关\n机构事务支出\n113.00 113.00")
        let report = try ReportReader.read(PublishedText(text: wrapped, source: "t.txt"), catalog: Audit.catalog)
        let t5 = try #require(report.disclosure[.t5])
        #expect(t5.row(.function(FunctionCode("2010399")!))?.cells.mapValues(\.description) == [1: "113.00", 3: "113.00"])
        #expect(t5.row(.function(FunctionCode("20199")!))?.cells.mapValues(\.description) == [1: "12.48", 3: "12.48"])
        let findings = Auditor(rules: Audit.rules, catalog: Audit.catalog).audit(report)
        let tableErrors = findings.filter { $0.severity == .error && Audit.tableFamilies.contains($0.family ?? "") }
        #expect(tableErrors.isEmpty, "\(tableErrors.map(\.message))")
    }

    /// The seed with `edit` applied to its 表5, audited.
    static func seedWithTable5(_ edit: (String) throws -> String) throws -> [Finding] {
        let seed = try String(contentsOf: Audit.seedURL, encoding: .utf8)
        let start = try #require(seed.range(of: "（表5）"))
        let end = try #require(seed.range(of: "（表6）", range: start.upperBound..<seed.endIndex))
        let text = String(seed[..<start.upperBound]) + (try edit(String(seed[start.upperBound..<end.lowerBound]))) + String(seed[end.lowerBound...])
        let report = try ReportReader.read(PublishedText(text: text, source: "t.txt"), catalog: Audit.catalog)
        return Auditor(rules: Audit.rules, catalog: Audit.catalog).audit(report)
    }

    @Test("别的工具提取的文字：表5 缺了合计行，只报一次“没有读到合计行”，不据以判断，不连锁报错")
    func missingTotalLine() throws {
        let findings = try Self.seedWithTable5 { table in
            table.replacingOccurrences(of: "合    计 1,813.94 958.84 855.10\n", with: "")
        }
        #expect(findings.filter { $0.rule == "T-NO-TOTAL" }.map(\.table) == [.t5])
        let cascade = findings.filter { $0.severity == .error && ($0.table == .t5 || $0.message.contains("表5")) && $0.stated != "1506.01" }
        #expect(cascade.isEmpty, "\(cascade.map(\.message))")
        // The prose still compares with 表5's classes added up: the seed's own slip (1506.01) is still found.
        #expect(findings.contains { $0.rule == "N-AMOUNT" && $0.stated == "1506.01" && $0.severity == .error })
    }

    @Test("别的工具提取的文字：两行的数读错了行（交换后一切成立），该表只报一次“未能可靠读出”；只错一个数的表照常报错")
    func figuresUnderTheWrongRow() throws {
        let swapped = try Self.seedWithTable5 { table in
            table.replacingOccurrences(of: "2010302   一般行政管理事务 729.62 729.62", with: "2010302   一般行政管理事务 113.00 113.00")
                .replacingOccurrences(of: "2010399   其他政府办公厅（室）及相关机构事务支出 113.00 113.00",
                                      with: "2010399   其他政府办公厅（室）及相关机构事务支出 729.62 729.62")
        }
        #expect(swapped.filter { $0.rule == "T-UNREADABLE" }.map(\.table) == [.t5])
        #expect(!swapped.contains { $0.severity == .error && $0.table == .t5 })
        let typo = try Self.seedWithTable5 { table in
            table.replacingOccurrences(of: "2010302   一般行政管理事务 729.62 729.62", with: "2010302   一般行政管理事务 739.62 739.62")
        }
        #expect(!typo.contains { $0.rule == "T-UNREADABLE" })
        #expect(typo.filter { $0.severity == .error && $0.table == .t5 }.count >= 2)
    }

    @Test("只写“万”的金额也是金额：随后括号里的数不被当作它")
    func amountWithWanAlone() throws {
        let wrong = try Self.report("一、收入支出决算总体情况说明\n2021 年度收、支总计 1,913.94 万（上年 2,503.33 万元）。")
            .filter { $0.rule == "N-AMOUNT" && $0.severity == .error }
        #expect(wrong.map(\.stated) == ["1,913.94"], "\(wrong.map(\.message))")
        let right = try Self.report("一、收入支出决算总体情况说明\n2021 年度收、支总计 1,813.94 万（上年 2,503.33 万元）。")
            .filter { $0.rule == "N-AMOUNT" && $0.severity != .info }
        #expect(right.isEmpty, "\(right.map(\.message))")
        // 万 followed by another unit is not an amount.
        let visits = try Self.report("一、收入支出决算总体情况说明\n2021 年度收、支总计 3 万人次。").filter { $0.rule == "N-AMOUNT" }
        #expect(visits.isEmpty)
    }

    @Test("政府性基金、国有资本经营预算财政拨款支出与表8、表9 比，不与表5 比")
    func fundSpendingComparedWithItsOwnTable() throws {
        let findings = try Self.report("八、政府性基金预算财政拨款收入支出决算情况说明\n2021 年度政府性基金预算财政拨款支出 479.34 万元。")
        let amounts = findings.filter { $0.rule == "N-AMOUNT" && $0.severity == .error }
        // The seed prints 表8 without figures: the stated 479.34 is compared with 表8's 0, not 表5's total.
        #expect(amounts.count == 1 && amounts.first?.message.contains("表8") == true, "\(amounts.map(\.message))")
        // “财政拨款支出” outside a section on 一般公共预算 is spending of all three kinds: 表4 行59.
        let all = try Self.report("四、财政拨款收入支出决算总体情况说明\n2021 年度财政拨款支出 1,913.94 万元。")
            .filter { $0.rule == "N-AMOUNT" && $0.severity == .error }
        #expect(all.count == 1 && all.first?.message.contains("表4") == true, "\(all.map(\.message))")
        let right = try Self.report("四、财政拨款收入支出决算总体情况说明\n2021 年度财政拨款支出 1,813.94 万元。").filter { $0.rule == "N-AMOUNT" }
        #expect(right.isEmpty, "\(right.map(\.message))")
    }

    @Test("增减率按所印金额舍入容许的区间判断：区间内不报，差末位一个单位是警告，再远才是错误")
    func ratesByInterval() throws {
        // 45.86 ÷ (1,813.94 − 45.86) = 2.5938…%: 2.59% is right, 2.60% a rounding slip, 2.62% wrong.
        let passage = "一、收入支出决算总体情况说明\n2021 年度收、支总计 1,813.94 万元。与 2020 年度相比，收、支总计各增加 45.86 万元，增长 %@。"
        func yoy(_ rate: String) throws -> [Finding] {
            try Self.report(passage.replacingOccurrences(of: "%@", with: rate)).filter { $0.rule == "N-YOY" && $0.severity != .info }
        }
        #expect(try yoy("2.59%").isEmpty)
        let slip = try yoy("2.60%")
        #expect(slip.map(\.severity) == [.warning], "\(slip.map(\.message))")
        #expect(slip.first?.message.contains("舍入之差") == true)
        #expect(try yoy("2.62%").map(\.severity) == [.error])
        // A share one last digit off: a warning; two digits off: an error.
        let share = "三、支出决算情况说明\n2021 年度支出合计 1,813.94 万元。其中：基本支出 958.84 万元，占本年支出 %@。"
        func shares(_ rate: String) throws -> [Severity] {
            try Self.report(share.replacingOccurrences(of: "%@", with: rate)).filter { $0.rule == "N-SHARE" }.map(\.severity)
        }
        #expect(try shares("52.9%") == [])
        #expect(try shares("53.0%") == [.warning])
        #expect(try shares("53.1%") == [.error])
    }

    @Test("“其中”所列的部分从不超过整体（只给一个金额、或一处列出几项只给一个金额也一样）；份额按所说的整体重算")
    func partsAndShares() throws {
        func rules(_ text: String) throws -> [String] {
            try Self.report(text).filter { ($0.rule == "N-PARTS" || $0.rule == "N-SHARE") && $0.severity == .error }.map(\.rule)
        }
        let procurement = "十一、政府采购支出情况\n2021 年度政府采购支出总额 35.92 万元，"
        // Several items named before one amount: one part, their sum, larger than the whole.
        #expect(try rules(procurement + "其中：政府采购货物支出、政府采购工程支出和政府采购服务支出 40.07 万元。") == ["N-PARTS"])
        #expect(try rules(procurement + "其中：政府采购货物支出、政府采购工程支出和政府采购服务支出 35.92 万元。").isEmpty)
        // One part larger than its whole.
        let smes = procurement.dropLast() + "。授予中小企业合同金额 32.86 万元，其中：授予小微企业合同金额 %@ 万元。"
        #expect(try rules(smes.replacingOccurrences(of: "%@", with: "36.86")) == ["N-PARTS"])
        #expect(try rules(smes.replacingOccurrences(of: "%@", with: "30.86")).isEmpty)
        // The share of 中小企业 contracts in the 政府采购 total, the whole named by its own words.
        let share = procurement.dropLast() + "。授予中小企业合同金额 32.86 万元，占政府采购支出总额的 %@。"
        #expect(try rules(share.replacingOccurrences(of: "%@", with: "95.5%")) == ["N-SHARE"])
        #expect(try rules(share.replacingOccurrences(of: "%@", with: "91.5%")).isEmpty)
    }

    @Test("从零起的增长率、无预算的完成率是警告（形式问题），不是错误")
    func undefinedRatesAreWarnings() throws {
        let zero = try Self.report("七、“三公”经费支出决算情况说明\n公务接待支出决算增加 0.15 万元，增长 15%。").filter { $0.rule == "N-YOY-ZERO" }
        #expect(zero.map(\.severity) == [.warning], "\(zero.map(\.message))")
        #expect(zero.first?.message.contains("上年无此项支出") == true)
    }

    @Test("机关运行经费与表6 公用经费是不同的概念：从不相比")
    func operatingCostsNotComparedWithTable6() throws {
        let findings = try Self.report("十、机关运行经费支出情况\n2021 年度机关运行经费支出 70.00 万元，主要用于办公费、水电费。")
        #expect(!findings.contains { $0.rule == "N-AMOUNT" && ($0.message.contains("机关运行经费") || $0.message.contains("表6")) },
                "\(findings.filter { $0.rule == "N-AMOUNT" }.map(\.message))")
    }

    @Test("百分比截去尾数（52.85% 而非 52.86%）只是提示，并说出两个数；算错的仍是错误")
    func truncatedPercentIsInfo() throws {
        let passage = "三、支出决算情况说明\n2021 年度支出合计 1,813.94 万元。其中：基本支出 958.84 万元，占本年支出 %@。"
        let truncated = try Self.report(passage.replacingOccurrences(of: "%@", with: "52.85%")).filter { $0.rule == "N-SHARE" }
        #expect(truncated.count == 1 && truncated[0].severity == .info, "\(truncated.map(\.message))")
        #expect(truncated.first?.message.contains("截去尾数") == true && truncated.first?.message.contains("52.86%") == true)
        let wrong = try Self.report(passage.replacingOccurrences(of: "%@", with: "52.84%")).filter { $0.rule == "N-SHARE" }
        #expect(wrong.map(\.severity) == [.error], "\(wrong.map(\.message))")
        let right = try Self.report(passage.replacingOccurrences(of: "%@", with: "52.86%")).filter { $0.rule == "N-SHARE" }
        #expect(right.isEmpty)
    }

    @Test("读错位的表只报一条“未能可靠读出”，不依据它报错；只错一个数的表照常报错")
    func unreliableTableSaidOnce() throws {
        let seed = try String(contentsOf: Audit.seedURL, encoding: .utf8)
        var lines = seed.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex { $0.contains("2021年度支出决算表（表3）") })
        let end = try #require(lines[(start + 1)...].firstIndex { $0.contains("（表4）") })
        // A reading that lost the last figure of every row (a column cut off by the extraction).
        var shifted = 0
        for index in start..<end {
            let words = lines[index].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            let amounts = words.indices.filter { words[$0].contains(".") && words[$0].last?.isNumber == true }
            guard amounts.count >= 2 else { continue }
            lines[index] = words.enumerated().filter { $0.offset != amounts.last! }.map(\.element).joined(separator: " ")
            shifted += 1
        }
        #expect(shifted >= 8)
        let findings = try Audit.findings(text: lines.joined(separator: "\n"))
        let unreadable = findings.filter { $0.rule == "T-UNREADABLE" }
        #expect(unreadable.count == 1 && unreadable.first?.table == .t3, "\(unreadable.map(\.message))")
        #expect(unreadable.first?.line != nil && unreadable.first?.message.contains("表3") == true)
        #expect(!findings.contains { $0.severity == .error && $0.table == .t3 }, "\(findings.filter { $0.table == .t3 }.map(\.message))")
        // The narrative figures that come from 表3 are not judged on the guessed numbers either.
        let seedFindings = try Audit.findings(text: seed)
        #expect(findings.filter { $0.severity == .error }.count <= seedFindings.filter { $0.severity == .error }.count)

        // One wrong figure in a table is a true error of the table, reported as such.
        var one = seed.components(separatedBy: "\n")
        let row = try #require(one[start..<end].firstIndex { $0.contains("201 一般公共服务支出 1,506.10 651.00 855.10") })
        one[row] = one[row].replacingOccurrences(of: "651.00 855.10", with: "661.00 855.10")
        let wrong = try Audit.findings(text: one.joined(separator: "\n"))
        #expect(!wrong.contains { $0.rule == "T-UNREADABLE" })
        #expect(wrong.contains { $0.severity == .error && $0.table == .t3 })
    }

    @Test("公务用车运行费与其后所列燃料费、维修费、保险费：不相加时报出，列表以“等”结尾或与总数无关的不报")
    func vehicleParts() throws {
        let text = "十、“三公”经费支出情况说明\n（2）公务用车运行费 5.26 万元，完成年初预算的 52.6%，比年初预算减少 4.74 万元，主要原因是严格控制成本，厉行节约。主要用于燃料费、维修费、过桥过路费、保险费，其中：燃料费 2 万元；维修费 2.45 万元；保险费 %@ 万元。"
        let fired = try Self.report(text.replacingOccurrences(of: "%@", with: "0.91")).filter { $0.rule == "N-PARTS" }
        #expect(fired.count == 1 && fired.first?.severity == .error && fired.first?.message.contains("5.36") == true, "\(fired.map(\.message))")
        #expect(try Self.report(text.replacingOccurrences(of: "%@", with: "0.81")).filter { $0.rule == "N-PARTS" }.isEmpty)
        let open = text.replacingOccurrences(of: "%@ 万元。", with: "0.51 万元等。").replacingOccurrences(of: "%@", with: "0.51")
        #expect(try Self.report(open).filter { $0.rule == "N-PARTS" }.isEmpty, "以“等”结尾的列表不必相加")
        // A part larger than any whole it could belong to is always wrong.
        let exceed = "三、支出决算情况说明\n2021 年度支出合计 1,813.94 万元，其中：基本支出 958.84 万元，项目支出 955.10 万元。"
        #expect(try Self.report(exceed).contains { $0.rule == "N-PARTS" && $0.severity == .error })
    }

    @Test("每条情况说明规则都有复现用例")
    func coverage() {
        let covered: Set<String> = ["N-SCORE", "N-AMOUNT", "N-SHARE", "N-EXECUTION", "N-YOY", "N-YOY-ZERO", "N-YOY-DIRECTION", "N-BUDGET-DIFF",
                                    "N-COMPARE", "N-COUNT", "N-PROJECT", "X-PLACEHOLDER", "X-PUNCT", "X-YEAR", "T-UNREADABLE", "N-PARTS",
                                    "X-BRACKET", "X-CUT", "X-YEAR-DIGITS", "X-CONTRADICT", "X-OLD-NAME", "T-NO-TOTAL", "X-REPEAT", "X-RECEPTION",
                                    "X-SAME-RATE", "X-BLANK-PAGE", "X-OUTLINE", "X-SAME-COUNT", "X-NO-FIGURE"]
        for rule in Audit.rules.rules where rule.check == .narrative {
            #expect(covered.contains(rule.id), "\(rule.id) 没有复现用例")
        }
    }
}

@Suite("名词解释", .enabled(if: ExternalTools.poppler, Comment(rawValue: ExternalTools.popplerMissing)))
struct GlossaryTests {
    @Test("种子与普陀区报告的名词解释读出为条目")
    func glossary() throws {
        let seed = try Audit.report(Audit.seedURL).disclosure.glossary
        #expect(seed.count == 22)
        #expect(seed.first?.term == "一般公共预算财政拨款收入")
        #expect(seed.first?.definition.hasPrefix("指区级财政一般公共预算当年拨付的资金") == true)
        #expect(seed.contains { $0.term.hasSuffix("行政运行（项）") && $0.term.hasPrefix("一般公共服务") })
        let putuo = try Audit.report(Audit.putuoURL).disclosure.glossary
        #expect(putuo.count == 11)
        #expect(putuo.last?.term == "机关运行经费")
    }
}
