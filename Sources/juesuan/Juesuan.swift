import ArgumentParser
import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanNarrative
import JuesuanPerformance
import JuesuanRender
import JuesuanRules
import JuesuanXLSX

@main
struct Juesuan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "juesuan",
        abstract: "部门决算：编制、检查、公开与审阅。",
        discussion: """
        退出状态：0 无错误；1 发现错误级问题；2 输入无法读取（中文提示给出文件与行）；64 用法错误。
        数据集格式见 docs/dataset.md，规则目录见 docs/rules.md。
        """,
        subcommands: [Check.self, Build.self, Score.self, Audit.self, Import.self, Derive.self, Consolidate.self, Synth.self, Rules.self]
    )
}

/// Options shared by the commands that read a dataset.
struct DatasetOptions: ParsableArguments {
    @Argument(help: "数据集文件夹（内含 disclosure.yaml 与 tables/）。")
    var dataset: String

    @Option(name: .long, help: "补充的政府收支分类科目表（CSV：编码,名称[,分类][,经费类别]）。")
    var catalog: String?

    /// Reads the dataset and the catalogue; exits 2 with a Chinese message when they cannot be read.
    func load() throws -> (Disclosure, Catalog, RuleCatalogue) {
        do {
            // The catalogues and the dataset are read at once; a catalogue error is reported first.
            let userFile = self.catalog.map { URL(fileURLWithPath: $0) }
            let folder = URL(fileURLWithPath: dataset), name = dataset
            let ((catalog, rules), disclosure) = try inParallel(
                { (try CatalogLoader.load(userFile: userFile), try RuleCatalogue.standard()) },
                { try DatasetReader.read(folder: folder, displayName: name) })
            return (disclosure, catalog, rules)
        } catch let error as InputError {
            FileHandle.standardError.write(Data("juesuan：无法读取输入。\n\(error)\n".utf8))
            throw ExitCode(2)
        } catch let error as CatalogueError {
            FileHandle.standardError.write(Data("juesuan：\(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "按规则目录检查数据集：表内公式、科目汇总、表间一致、表外数字与科目编码。",
        discussion: "无错误时不输出任何内容并以 0 退出；有错误级问题时以 1 退出。"
    )

    @OptionGroup var options: DatasetOptions

    @Option(name: .long, help: "输出格式：text 或 json。")
    var format: OutputFormat = .text

    @Flag(name: .long, help: "文本输出时也列出“提示”级问题（尾差等）。")
    var all = false

    func run() throws {
        let (disclosure, catalog, rules) = try options.load()
        let findings = Checker(catalogue: rules, catalog: catalog).check(disclosure)
        switch format {
        case .json:
            print(FindingsReport.json(findings, unit: disclosure.unit, year: disclosure.year, source: options.dataset), terminator: "")
        case .text:
            print(FindingsReport.text(findings, unit: disclosure.unit, year: disclosure.year, includeInfo: all), terminator: "")
        }
        if findings.count(.error) > 0 { throw ExitCode(1) }
    }
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "由数据集生成公开文件：DIR/index.html 与 DIR/report.pdf（概况、九张表、情况说明与图表、名词解释、计分后的绩效自评表、检查结果）。",
        discussion: "文件先写入临时文件再改名，不会留下写了一半的结果。写出后以 0 退出；检查结果列在页面中并在标准错误上汇总。"
    )

    @OptionGroup var options: DatasetOptions

    @Option(name: .long, help: "输出文件夹。")
    var out: String

    @Flag(name: .long, help: "不生成 report.pdf（只写 HTML 等）。")
    var noPdf = false

    @Option(name: .long, help: "检查结果的输出格式：text（标准错误上的摘要）或 json（标准输出，juesuan.findings/1，同 findings.json）。")
    var format: OutputFormat = .text

    func run() throws {
        let (disclosure, catalog, rules) = try options.load()
        let directory = URL(fileURLWithPath: out)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            FileHandle.standardError.write(Data("juesuan：无法写入 \(out)：\(writeFailure(error, path: out))\n".utf8))
            throw ExitCode(2)
        }
        // The workbook and the open data need only the dataset: they are written on the second core
        // while the first checks, scores, generates Part 3 and renders the page.
        let dataset = options.dataset
        let ((findings, html), outputs) = try inParallel({ () -> ([Finding], String) in
            let findings = Checker(catalogue: rules, catalog: catalog).check(disclosure)
            let scheme = try? ScoringScheme.chosen(by: disclosure.performance)
            let scores = scheme.map { Scorer(scheme: $0).score(disclosure.performance) } ?? []
            let narrative = (try? NarrativeTemplates.standard()).map {
                NarrativeGenerator(templates: $0, disclosure: disclosure, catalog: catalog, scores: scores).generate()
            } ?? []
            return (findings, HTMLWriter.page(disclosure, findings: findings, scores: scores, scheme: scheme, narrative: narrative))
        }, { () -> String? in
            do { try WorkbookWriter.write(disclosure, to: directory.appendingPathComponent("workbook.xlsx")) } catch {
                return "juesuan：无法写出工作簿：\(error)\n"
            }
            do { try OpenData.write(disclosure, to: directory) } catch {
                return "juesuan：无法写出开放数据：\(writeFailure(error, path: directory.path))\n"
            }
            return nil
        })
        do {
            try AtomicFile.write(Data(html.utf8), to: directory.appendingPathComponent("index.html"))
            try AtomicFile.write(Data(FindingsReport.json(findings, unit: disclosure.unit, year: disclosure.year,
                                                          source: dataset).utf8),
                                 to: directory.appendingPathComponent("findings.json"))
        } catch {
            FileHandle.standardError.write(Data("juesuan：无法写入 \(out)：\(writeFailure(error, path: out))\n".utf8))
            throw ExitCode(2)
        }
        if let outputs {
            FileHandle.standardError.write(Data(outputs.utf8))
            throw ExitCode(2)
        }
        var written = ["index.html", "findings.json", "workbook.xlsx", "data/*.csv", "datapackage.json"]
        if !noPdf {
            do {
                try PDFWriter.print(html: directory.appendingPathComponent("index.html"), to: directory.appendingPathComponent("report.pdf"))
                written.append("report.pdf")
            } catch {
                FileHandle.standardError.write(Data("juesuan：\(error)\n".utf8))
            }
        }
        if format == .json {
            print(FindingsReport.json(findings, unit: disclosure.unit, year: disclosure.year, source: dataset))
        }
        let summary = "已生成 \(directory.path)/{\(written.joined(separator: ","))}（检查：\(findings.count(.error)) 个错误，\(findings.count(.warning)) 个警告，\(findings.count(.info)) 个提示）\n"
        FileHandle.standardError.write(Data(summary.utf8))
    }
}

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "列出规则目录（Markdown 表格）。")

    func run() throws {
        do {
            print(RuleCatalogueDoc.markdown(try RuleCatalogue.standard()), terminator: "")
        } catch {
            FileHandle.standardError.write(Data("juesuan：\(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "按评分规则为绩效自评表计分，所印得分与计算得分并列。",
        discussion: "评分方案取数据集 disclosure.yaml 的“绩效方案”，也可用 --scheme 指定（hubei-20-20-60、mof-10-90）。"
    )

    @OptionGroup var options: DatasetOptions

    @Option(name: .long, help: "输出格式：text 或 json。")
    var format: OutputFormat = .text

    @Option(name: .long, help: "评分方案 id，覆盖数据集中的“绩效方案”。")
    var scheme: String?

    func run() throws {
        let (disclosure, _, _) = try options.load()
        let chosen: ScoringScheme
        do {
            chosen = try ScoringScheme.chosen(by: disclosure.performance, override: scheme)
        } catch {
            FileHandle.standardError.write(Data("juesuan：\(error)\n".utf8))
            throw ExitCode(2)
        }
        let forms = Scorer(scheme: chosen).score(disclosure.performance)
        switch format {
        case .json: print(ScoresReport.json(forms, scheme: chosen, unit: disclosure.unit, year: disclosure.year), terminator: "")
        case .text: print(ScoresReport.text(forms, scheme: chosen, unit: disclosure.unit, year: disclosure.year), terminator: "")
        }
    }
}

/// Reads a published report, exiting 2 with a Chinese message when it cannot be read.
func readPublished(_ path: String, catalogFile: String?) throws -> (PublishedReport, Catalog) {
    do {
        let catalog = try CatalogLoader.load(userFile: catalogFile.map { URL(fileURLWithPath: $0) })
        return (try ReportReader.read(URL(fileURLWithPath: path), displayName: path, catalog: catalog), catalog)
    } catch {
        FileHandle.standardError.write(Data("juesuan：无法读取输入。\n\(error)\n".utf8))
        throw ExitCode(2)
    }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "从已公开的部门决算（.txt 或 .pdf）或 juesuan 生成的 workbook.xlsx 读出九张表，写成数据集文件夹。",
        discussion: "写出的数据集可直接用于 juesuan check 与 juesuan build。"
    )

    @Argument(help: "已公开的报告：.txt（按 PDF 提取的文字）、.pdf，或 workbook.xlsx。")
    var file: String

    @Option(name: .long, help: "输出的数据集文件夹（不存在或为空）。")
    var out: String

    @Option(name: .long, help: "补充的政府收支分类科目表（CSV）。")
    var catalog: String?

    func run() throws {
        let disclosure: Disclosure
        if file.lowercased().hasSuffix(".xlsx") {
            do { disclosure = try WorkbookReader.read(URL(fileURLWithPath: file), displayName: file) } catch {
                FileHandle.standardError.write(Data("juesuan：无法读取输入。\n\(error)\n".utf8))
                throw ExitCode(2)
            }
        } else {
            disclosure = try readPublished(file, catalogFile: catalog).0.disclosure
        }
        let report = (disclosure: disclosure, unused: 0)
        do {
            try DatasetWriter.write(report.disclosure, to: URL(fileURLWithPath: out))
        } catch {
            FileHandle.standardError.write(Data("juesuan：无法写出数据集：\(error)\n".utf8))
            throw ExitCode(2)
        }
        FileHandle.standardError.write(Data("已写出数据集 \(out)（\(report.disclosure.unit) \(report.disclosure.year) 年度）\n".utf8))
    }
}

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "审阅已公开的部门决算（.txt 或 .pdf）：表内表间公式、情况说明中的数字与百分比、自评表的计分。",
        discussion: "每条问题给出行号（PDF 还给页码）、摘录与应为的数字。有错误级问题时以 1 退出。"
    )

    @Argument(help: "已公开的报告：.txt 或 .pdf。")
    var file: String

    @Option(name: .long, help: "输出格式：text 或 json。")
    var format: OutputFormat = .text

    @Flag(name: .long, help: "文本输出时也列出“提示”级问题。")
    var all = false

    @Option(name: .long, help: "补充的政府收支分类科目表（CSV）。")
    var catalog: String?

    func run() throws {
        let (report, catalogValue) = try readPublished(file, catalogFile: catalog)
        let rules: RuleCatalogue
        do { rules = try RuleCatalogue.standard() } catch {
            FileHandle.standardError.write(Data("juesuan：\(error)\n".utf8))
            throw ExitCode(2)
        }
        let findings = Auditor(rules: rules, catalog: catalogValue).audit(report)
        let disclosure = report.disclosure
        switch format {
        case .json: print(FindingsReport.json(findings, unit: disclosure.unit, year: disclosure.year, source: file), terminator: "")
        case .text: print(FindingsReport.text(findings, unit: disclosure.unit, year: disclosure.year, includeInfo: all), terminator: "")
        }
        if findings.count(.error) > 0 { throw ExitCode(1) }
    }
}
