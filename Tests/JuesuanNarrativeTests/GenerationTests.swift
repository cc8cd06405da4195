import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanPerformance
import JuesuanTestSupport
import Testing
@testable import JuesuanNarrative

@Suite("生成情况说明")
struct GenerationTests {
    static let disclosure = try! DatasetReader.read(folder: Repository.example)
    static let scores = Scorer(scheme: try! ScoringScheme.chosen(by: disclosure.performance)).score(disclosure.performance)
    static let sections = NarrativeGenerator(templates: try! NarrativeTemplates.standard(), disclosure: disclosure,
                                             catalog: Audit.catalog, scores: scores).generate()
    static var text: String { sections.flatMap(\.paragraphs).map(\.text).joined(separator: "\n") }

    @Test("十三节按种子的次序")
    func sections() {
        #expect(Self.sections.count == 13)
        #expect(Self.sections.first?.title == "一、收入支出决算总体情况说明")
        #expect(Self.sections.last?.title == "十三、预算绩效情况说明")
    }

    @Test("种子说错的地方，生成的都对", arguments: [
        ("一般公共服务（类）支出1,506.10万元，占83.0%", "种子印作 1506.01"),
        ("卫生健康（类）支出66.28万元，占3.7%", "种子印作 3.6%"),
        ("住房保障（类）支出120.31万元，占6.6%", "种子印作 6.7%"),
        ("年初预算为123.07万元，支出决算为121.25万元，完成年初预算的98.5%", "种子印作 98.6%"),
        ("机关运行经费支出61.82万元。比2020年度减少12.32万元，下降16.6%", "种子印作 19.9%"),
        ("收、支总计1,813.94万元。与2020年度相比，收、支总计各减少689.39万元，下降27.5%", "与种子相同"),
        ("占本年支出52.9%", "与种子相同"),
    ] as [(String, String)])
    func rightWhereTheSeedIsWrong(_ sentence: String, _ note: String) {
        #expect(Self.text.contains(sentence), "\(note)：生成的文字中没有“\(sentence)”")
    }

    @Test("每个数字都列出来源，且就印在句中")
    func everyFigureHasASource() {
        var figures = 0
        for paragraph in Self.sections.flatMap(\.paragraphs) {
            for figure in paragraph.figures {
                #expect(paragraph.text.contains(figure.printed), "\(figure.printed) 不在句中")
                #expect(!figure.source.isEmpty)
                figures += 1
            }
        }
        #expect(figures > 60)
        let total = Self.sections[0].paragraphs[0].figures
        #expect(total.contains { $0.printed == "1,813.94" && $0.source == "表1 第30行" })
        #expect(total.contains { $0.printed == "27.5" && $0.source.contains("上年数 2,503.33") })
    }

    @Test("从零起的增长不写百分比；没有预算的项目不写完成率")
    func noPercentFromZero() {
        var disclosure = Self.disclosure
        disclosure.figures.priorYear["三公经费"]?.amount = .zero
        let text = NarrativeGenerator(templates: try! NarrativeTemplates.standard(), disclosure: disclosure, catalog: Audit.catalog)
            .generate().flatMap(\.paragraphs).map(\.text).joined()
        #expect(text.contains("增加5.41万元（上年为零）"))
        #expect(!text.contains("公务接待费支出决算为0.15万元，完成年初预算"))
    }

    @Test("句式是数据：换一套模板，句子跟着变")
    func templatesAreData() throws {
        var templates = try NarrativeTemplates.standard()
        templates.sentences["total"] = "本年度收支总计为{总计}万元。"
        templates.percentDecimals = 2
        let text = NarrativeGenerator(templates: templates, disclosure: Self.disclosure, catalog: Audit.catalog).generate()
            .flatMap(\.paragraphs).map(\.text).joined()
        #expect(text.contains("本年度收支总计为1,813.94万元。"))
        #expect(text.contains("占本年支出52.86%"))
    }

    @Test("生成的情况说明经审阅没有错误")
    func generatedProseAudits() throws {
        let seed = try String(contentsOf: Audit.seedURL, encoding: .utf8)
        let tables = seed.split(separator: "\n", omittingEmptySubsequences: false).prefix(626).joined(separator: "\n")
        let prose = Self.sections.map { ($0.title + "\n" + $0.paragraphs.map(\.text).joined(separator: "\n")) }.joined(separator: "\n\n")
        let findings = try Audit.findings(text: tables + "\n 第三部分 情况说明\n\n" + prose + "\n")
        let errors = findings.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors.map(\.message))")
    }
}
