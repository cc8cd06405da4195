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

struct Derive: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "由记账明细（CSV）生成九张表：每个单位写出一个数据集，或写出一个汇总用的表格数据文件。",
        discussion: """
        明细格式见 docs/ledger.md：单位,年度,类型,功能分类,经济分类,资金来源,性质,项目,三公,金额（元）。
        只有一个单位时 --out 即其数据集；多个单位时 --out 下每个单位一个子文件夹。
        有错的行：说明文件、行号和值，退出状态 2，什么也不写。
        """
    )

    @Argument(help: "记账明细 CSV 文件（一个文件可含多个单位）。")
    var ledgers: [String]

    @Option(name: .long, help: "数据集的输出文件夹（须不存在或为空）。")
    var out: String?

    @Option(name: .long, help: "另写出汇总用的表格数据文件（docs/consolidate.md 的格式）。")
    var cells: String?

    @OptionGroup var catalog: CatalogOption

    @Option(name: .long, help: "已有的数据集：保留其概况、上年数、原因、名词解释、自评表等，只换上由明细生成的九张表与表外数字。")
    var onto: String?

    @Flag(name: .long, help: "输出文件夹或文件已有别的内容时也整个替换。")
    var force = false

    func validate() throws {
        if out == nil && cells == nil { throw ValidationError("请用 --out 或 --cells 指定写到哪里") }
        if onto != nil && out == nil { throw ValidationError("--onto 须与 --out 一起用") }
    }

    func run() throws {
        let catalog = try catalog.load()
        let summary = try Deriver.run(ledgers: ledgers, out: out, cells: cells, onto: onto, catalog: catalog, force: force)
        let rate = summary.seconds > 0 ? Int(Double(summary.postings) / summary.seconds) : 0
        print("由 \(summary.postings) 条明细生成 \(summary.units.count) 个单位的九张表（\(String(format: "%.3f", summary.seconds)) 秒，每秒 \(rate) 条）→ \([out, cells].compactMap { $0 }.joined(separator: "、"))")
    }
}

struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "生成合成单位（记账明细与九张表），供测试和基准使用。",
        discussion: """
        写出 OUT/ledger/part-NNNNN.csv（记账明细）和 OUT/tables/part-NNNNN.csv（由明细生成的九张表，汇总用格式），
        每个文件 --per-file 个单位。同一 --seed 总是生成同样的单位。汇总：juesuan consolidate OUT/tables --out 汇总。
        """
    )

    @Option(name: .long, help: "单位数。")
    var units: Int

    @Option(name: .long, help: "随机种子。")
    var seed: UInt64 = 1

    @Option(name: .long, help: "输出文件夹（须不存在或为空）。")
    var out: String

    @Option(name: .long, help: "每个文件的单位数。")
    var perFile: Int = 1000

    @Option(name: .long, help: "决算年度。")
    var year: Int = 2021

    @Flag(name: .long, help: "输出文件夹已有别的内容时也整个替换。")
    var force = false

    @Option(name: .long, help: "ledger（记账明细与九张表，默认）或 budget（部门预算：OUT/NNN/budget.json，可用 juesuan build 生成页面与 PDF）。")
    var kind: String = "ledger"

    @Option(name: .long, help: "预算版式（--kind budget）：shanghai-district、jiangsu-province 或 mof-national。")
    var layout: String = "shanghai-district"

    func validate() throws {
        guard ["ledger", "budget"].contains(kind) else { throw ValidationError("--kind 应为 ledger 或 budget（现为“\(kind)”）") }
        guard BudgetLayout.shipped.contains(where: { $0.id == layout }) else {
            throw ValidationError("--layout 应为 \(BudgetLayout.shipped.map(\.id).joined(separator: "、"))（现为“\(layout)”）")
        }
        guard units >= 1 else { throw ValidationError("--units 至少为 1") }
        guard perFile >= 1 else { throw ValidationError("--per-file 至少为 1") }
        guard (2000...2100).contains(year) else { throw ValidationError("--year 应为 2000–2100 年") }
    }

    func run() throws {
        if kind == "budget" {
            let catalog = try CatalogLoader.builtIn()
            let chosen = BudgetLayout.shipped.first { $0.id == layout }!
            try OutputFolder.write(to: out, command: "synth", force: force) { staging in
                for index in 0..<units {
                    let dataset = BudgetSynthesizer.make(layout: chosen, seed: seed, index: index, year: year, catalog: catalog)
                    let folder = staging.appendingPathComponent(String(format: "%03d", index + 1))
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                    try dataset.json().write(to: folder.appendingPathComponent("budget.json"))
                }
            }
            print("合成 \(units) 份部门预算（版式 \(layout)，种子 \(seed)）→ \(out)/NNN/budget.json")
            return
        }
        let summary = try Synthesis.run(units: units, seed: seed, year: year, perFile: perFile, out: out, force: force)
        print("合成 \(units) 个单位（种子 \(seed)，\(summary.postings) 条明细，\(summary.files) 个文件）→ \(out)/ledger、\(out)/tables")
    }
}
