import ArgumentParser
import Dispatch
import Foundation
import Juesuan
import JuesuanConsolidate
import JuesuanCore
import JuesuanImport
import JuesuanLedger
import JuesuanPerformance
import JuesuanRender
import JuesuanRules

struct Consolidate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "汇总多个单位：九张表逐格相加，“三公”等数字按项相加，写出一个汇总数据集，并列出有问题的单位。",
        discussion: """
        输入可以是数据集文件夹、内含多个数据集的文件夹、记账明细 CSV（docs/ledger.md），
        或汇总用表格数据文件（docs/consolidate.md；省市一级几万、几十万个单位用它，流式读取、逐单位筛查）。
        列出缺少、读不了或重复的单位（--roster 给出应报名单），有错误的单位及其首个问题；完整列表在 OUT/review.txt。
        退出状态：0 全部单位齐全且无错误；1 有单位缺少或有错误（汇总仍写出）；2 无法汇总。
        """
    )

    @Argument(help: "数据集文件夹、内含多个数据集的文件夹、记账明细或表格数据文件（.csv）。")
    var inputs: [String]

    @Option(name: .long, help: "汇总数据集的输出文件夹（须不存在或为空）。")
    var out: String

    @Option(name: .long, help: "汇总后的单位名称。")
    var name: String = "汇总"

    @Flag(name: .long, help: "抵销集团内部往来：上级补助收入与对附属单位补助支出按功能科目逐项相抵，取较小者。")
    var eliminate = false

    @OptionGroup var catalog: CatalogOption

    @Option(name: .long, help: "另把汇总结果写成汇总用表格数据文件（可再与其他汇总相加，逐级汇总）。")
    var cells: String?

    @Flag(name: .long, help: "输出文件夹或文件已有别的内容时也整个替换。")
    var force = false

    @Option(name: .long, help: "应报单位名单（每行一个单位名称，或首列为“单位”的 CSV）：列出名单中有而数据中没有的单位。")
    var roster: String?

    func run() throws {
        let (catalog, rules) = (try catalog.load(), try RuleCatalogue.standard())
        let outcome = try Consolidator.run(inputs: inputs, out: out, name: name, eliminate: eliminate, cells: cells, roster: roster,
                                           catalog: catalog, rules: rules, force: force)
        print(outcome.review.text(limit: 30), terminator: "")
        if outcome.review.hasProblems { throw ExitCode(1) }
    }
}
