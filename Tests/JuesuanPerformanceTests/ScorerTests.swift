import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanTestSupport
import Testing
@testable import JuesuanPerformance

func d(_ text: String) -> Decimal { Decimal(string: text)! }

@Suite("指标值的读取")
struct IndicatorValueTests {
    @Test("目标值", arguments: [
        ("≥3600次", Target.atLeast(Quantity(value: 3600, unit: "次"))),
        ("≤千分之四", .atMost(Quantity(value: d("0.004"), unit: ""))),
        ("≥5万起", .atLeast(Quantity(value: 50_000, unit: "起"))),
        ("97%≤98%≤100%", .range(low: Quantity(value: d("0.97"), unit: "%"), high: Quantity(value: 1, unit: "%"))),
        ("1次", .exactly(Quantity(value: 1, unit: "次"))),
        ("20个", .exactly(Quantity(value: 20, unit: "个"))),
        ("100%", .exactly(Quantity(value: 1, unit: "%"))),
        ("4万", .exactly(Quantity(value: 40_000, unit: ""))),
        ("≥98%", .atLeast(Quantity(value: d("0.98"), unit: "%"))),
        ("≥ 95 %", .atLeast(Quantity(value: d("0.95"), unit: "%"))),
        ("≥９５％", .atLeast(Quantity(value: d("0.95"), unit: "%"))),
        ("按时限完成", .qualitative("按时限完成")),
        ("投诉量下降", .qualitative("投诉量下降")),
        ("春节、高温", .qualitative("春节、高温")),
    ])
    func targets(_ text: String, _ expected: Target) {
        #expect(IndicatorValue.target(text) == expected)
    }

    @Test("实际完成值")
    func actuals() {
        #expect(IndicatorValue.actual("16.6万") == .quantity(Quantity(value: 166_000, unit: "")))
        #expect(IndicatorValue.actual("千分之二") == .quantity(Quantity(value: d("0.002"), unit: "")))
        #expect(IndicatorValue.actual("3800次") == .quantity(Quantity(value: 3800, unit: "次")))
        #expect(IndicatorValue.actual("下降") == .qualitative("下降"))
        #expect(IndicatorValue.actual("") == .blank)
        #expect(IndicatorValue.actual("  ") == .blank)
        #expect(IndicatorValue.target("") == nil)
    }

    @Test("定性三档")
    func tiers() {
        #expect(Scorer.tier(target: "完成", actual: "完成") == .achieved)
        #expect(Scorer.tier(target: "投诉量下降", actual: "下降") == .achieved)
        #expect(Scorer.tier(target: "有效提升", actual: "提升") == .achieved)
        #expect(Scorer.tier(target: "稳定发展", actual: "稳定发展") == .achieved)
        #expect(Scorer.tier(target: "春节、高温", actual: "按时限完成") == .achieved)
        #expect(Scorer.tier(target: "显著提高", actual: "显著提高") == .achieved)
        #expect(Scorer.tier(target: "完成", actual: "基本完成") == .partial)
        #expect(Scorer.tier(target: "完成", actual: "部分完成") == .partial)
        #expect(Scorer.tier(target: "完成", actual: "未完成") == .missed)
        #expect(Scorer.tier(target: "按时", actual: "滞后两个月") == .missed)
        #expect(Scorer.tier(target: "完成", actual: "大概吧") == nil)
    }
}

@Suite("按规则计分")
struct ScorerTests {
    static let scheme = try! ScoringScheme.shipped("hubei-20-20-60")
    static let scorer = Scorer(scheme: scheme)

    static func row(_ target: String, _ actual: String, weight: String = "10", level2: String = "数量指标", name: String = "指标1：测试") -> IndicatorRow {
        IndicatorRow(level1: "产出指标", level2: level2, name: name, target: target, actual: actual, weight: d(weight), statedScore: nil)
    }

    static func score(_ row: IndicatorRow, rate: Decimal = 1) -> ScoredIndicator {
        var notes: [String] = []
        return scorer.scoreBlock(title: "t", weight: row.weight!, rows: [row], executionRate: rate, notes: &notes).indicators[0]
    }

    @Test("正向：分值×B/A，不超过分值")
    func positive() {
        #expect(Self.score(Self.row("≥3600次", "3800次")).computed == 10)
        #expect(Self.score(Self.row("≥3600次", "1800次")).computed == 5)
        #expect(Self.score(Self.row("≥5万起", "16.6万")).computed == 10)
        #expect(Self.score(Self.row("20个", "15个")).computed == d("7.5"))
    }

    @Test("反向：分值×A/B，不超过分值")
    func negative() {
        #expect(Self.score(Self.row("≤千分之四", "千分之二")).computed == 10)
        #expect(Self.score(Self.row("≤千分之四", "千分之八")).computed == 5)
        #expect(Self.score(Self.row("4万", "5万", level2: "成本指标", name: "指标1：控制成本")).computed == 8)
    }

    @Test("区间：区间内满分，区间外按比例")
    func range() {
        #expect(Self.score(Self.row("97%≤98%≤100%", "99%")).computed == 10)
        #expect(Self.score(Self.row("97%≤98%≤100%", "48.5%")).computed == 5)
        #expect(Self.score(Self.row("97%≤98%≤100%", "125%")).computed == 8)
    }

    @Test("成本控制指标的实际值取计算的执行率")
    func costControl() {
        let row = Self.row("97%≤98%≤100%", "100%", level2: "成本指标", name: "指标1：控制预算率")
        let scored = Self.score(row, rate: d("0.5"))
        #expect(scored.method == "成本控制")
        #expect(scored.computedActual == "50.00%")
        #expect(scored.computed == d("5.154639175257731958762886597938144329"))
        #expect(scored.problem != nil)
        #expect(Self.score(Self.row("97%≤98%≤100%", "98.23%", level2: "成本指标", name: "指标1：控制预算率"), rate: d("0.98233")).problem == nil)
    }

    @Test("定性：达成、部分达成、未达成按方案中的比例")
    func qualitative() {
        #expect(Self.score(Self.row("完成", "完成")).computed == 10)
        #expect(Self.score(Self.row("完成", "基本完成")).computed == d("6.5"))
        #expect(Self.score(Self.row("完成", "未完成")).computed == d("2.5"))
    }

    @Test("读不了的值是一条问题，不是悄悄的 0")
    func unreadable() {
        let blank = Self.score(Self.row("按时限完成", ""))
        #expect(blank.computed == 0)
        #expect(blank.problem?.contains("为空") == true)
        let vague = Self.score(Self.row("完成", "大概吧"))
        #expect(vague.problem?.contains("无法判断") == true)
        let mixed = Self.score(Self.row("≥95%", "很好"))
        #expect(mixed.problem != nil)
    }

    @Test("性质：任何目标与实际，得分都在 0 与分值之间")
    func neverAboveWeight() {
        var generator = SeededGenerator(seed: 2022)
        let targets = ["≥%d次", "≤%d次", "%d个", "≥%d%%", "%d%%≤98%%≤100%%", "≤千分之%d", "≥%d万起", "完成", "提升"]
        let actuals = ["%d次", "%d个", "%d%%", "千分之%d", "%d万", "完成", "未完成", "基本完成", "", "不好说"]
        for _ in 0..<5_000 {
            let target = String(format: targets.randomElement(using: &generator)!, Int.random(in: 0...200, using: &generator))
            let actual = String(format: actuals.randomElement(using: &generator)!, Int.random(in: 0...200, using: &generator))
            let weight = Decimal(Int.random(in: 1...20, using: &generator))
            let scored = Self.score(IndicatorRow(level1: "", level2: ["数量指标", "成本指标"].randomElement(using: &generator)!,
                                                 name: "指标1：控制预算率", target: target, actual: actual, weight: weight, statedScore: nil),
                                    rate: Decimal(Int.random(in: 0...150, using: &generator)) / 100)
            #expect(scored.computed >= 0 && scored.computed <= weight, "\(target) / \(actual)")
        }
    }

    @Test("等级")
    func grades() {
        #expect(Self.scheme.grade(d("99.65")) == "优")
        #expect(Self.scheme.grade(90) == "优")
        #expect(Self.scheme.grade(d("89.99")) == "良")
        #expect(Self.scheme.grade(80) == "良")
        #expect(Self.scheme.grade(d("79.5")) == "中")
        #expect(Self.scheme.grade(d("59.99")) == "差")
    }

    @Test("四舍五入为半数进位")
    func halfUp() {
        #expect(roundHalfUp(d("19.645"), 2) == d("19.65"))
        #expect(roundHalfUp(d("0.125"), 2) == d("0.13"))
        #expect(d("98.2333").printed(2) == "98.23")
        #expect(d("20").compact() == "20")
    }
}

@Suite("种子的九张自评表")
struct SeedFormsTests {
    static let disclosure = try! DatasetReader.read(folder: Repository.example)
    static let forms = Scorer(scheme: try! ScoringScheme.shipped("hubei-20-20-60")).score(disclosure.performance)

    static func form(_ name: String) -> ScoredForm { forms.first { $0.name == name }! }

    @Test("九张表都按规则计分，总分由各部分重算")
    func all() {
        #expect(Self.forms.count == 9)
        #expect(Self.forms.first?.kind == .department)
        for form in Self.forms {
            let recomputed = roundHalfUp(form.executionScore + (form.goalScore ?? 0) + form.blocks.reduce(Decimal(0)) { $0 + $1.computed }, 2)
            #expect(form.computed == recomputed)
            #expect(form.computed <= 100)
        }
    }

    @Test("扶贫开发工作：执行率 98.23%，得分 19.65，总分 99.65，与所印一致")
    func poverty() {
        let form = Self.form("扶贫开发工作")
        #expect(form.executionRateText == "98.23%")
        #expect(roundHalfUp(form.executionScore, 2) == d("19.65"))
        #expect(form.computed == d("99.65"))
        #expect(form.stated == d("99.65"))
        #expect(form.grade == "优")
    }

    @Test("整体表：执行率 99.46%、得分 19.89；所印 99.8，计算 99.89；按资金加权另列")
    func department() {
        let form = Self.form("江汉区人民政府办公室")
        #expect(form.executionRateText == "99.46%")
        #expect(roundHalfUp(form.executionScore, 2) == d("19.89"))
        #expect(form.computed == d("99.89"))
        #expect(form.stated == d("99.8"))
        #expect(form.statedPartsSum == d("99.69"))
        #expect(form.fundWeightedProjects != nil)
        // Goal 6 reports on 扶贫开发工作: its cost-control actual is that project's rate.
        #expect(form.blocks[5].indicators[3].computedActual == "98.23%")
    }

    @Test("所印总分与规则不符的表：督查 10 对 100，信息化 100 对 99.81，调查研究 100 对 94")
    func disagreements() {
        #expect(Self.form("督查工作").computed == 100)
        #expect(Self.form("督查工作").stated == 10)
        #expect(Self.form("2021年信息化运维经费").computed == d("99.81"))
        #expect(Self.form("调查研究工作").computed == 94)
        #expect(Self.form("2021年慰问一线工作人员专项经费").blocks[0].statedSum == 54)
    }

    @Test("总分从不照抄：改所印总分，计算得分不变")
    func neverCopied() {
        var performance = Self.disclosure.performance
        performance.projects[4].statedTotal = 12
        let scored = Scorer(scheme: try! ScoringScheme.shipped("hubei-20-20-60")).score(performance)
        #expect(scored.first { $0.name == "扶贫开发工作" }?.computed == d("99.65"))
    }

    @Test("财政部 10/90 方案：表中未印分值时按方案")
    func mofScheme() throws {
        var form = Self.disclosure.performance.projects[4]
        form.execution.weight = nil
        form.goalWeight = nil
        form.indicatorsWeight = nil
        form.goalStatedScore = nil
        form.indicators = form.indicators.map { var row = $0; row.statedScore = nil; return row }
        let scored = Scorer(scheme: try ScoringScheme.shipped("mof-10-90")).score(form)
        #expect(roundHalfUp(scored.executionScore, 2) == d("9.82"))
        #expect(scored.blocks[0].weight == 90)
        #expect(scored.computed == d("99.82"))
    }
}
