import ArgumentParser
import Foundation
import Juesuan
import JuesuanCore
import JuesuanImport
import JuesuanAudit
import JuesuanNarrative
import JuesuanPerformance
import JuesuanRender
import JuesuanRules
import JuesuanStore
import JuesuanXLSX

struct Juesuan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "juesuan",
        abstract: "部门决算：编制、检查、公开与审阅。",
        discussion: """
        退出状态：0 无错误；1 发现错误级问题；2 输入无法读取或输出无法写出（中文提示给出文件与行）；64 用法错误；
        69 缺少外部程序（Chromium、pdftotext）。
        数据集格式见 docs/dataset.md，规则目录见 docs/rules.md。
        """,
        version: "juesuan \(Version.current)",
        subcommands: [Check.self, Build.self, Score.self, Audit.self, Import.self, Derive.self, Consolidate.self, Synth.self, Blank.self, Rules.self, Serve.self, Backup.self]
    )
}

/// The option every command that reads codes takes: a supplementary code catalogue.
struct CatalogOption: ParsableArguments {
    @Option(name: .long, help: "补充的政府收支分类科目表（CSV：编码,名称[,分类][,经费类别]）。")
    var catalog: String?

    /// The built-in catalogue with the user's file added.
    func load() throws -> Catalog {
        try CatalogLoader.load(userFile: catalog.map { URL(fileURLWithPath: $0) })
    }
}

/// Options shared by the commands that read a dataset.
struct DatasetOptions: ParsableArguments {
    @Argument(help: "数据集文件夹（内含 disclosure.yaml 与 tables/）；预算：budget.json、含它的文件夹或填好的预算工作簿（.xlsx）。")
    var dataset: String

    @OptionGroup var catalogOption: CatalogOption

    /// Reads the dataset and the catalogue; an unreadable one is reported (exit 2) by the entry point.
    func load() throws -> (Disclosure, Catalog, RuleCatalogue) {
        // The catalogues and the dataset are read at once; a catalogue error is reported first.
        let catalogOption = self.catalogOption
        let folder = URL(fileURLWithPath: dataset), name = dataset
        let ((catalog, rules), disclosure) = try Parallel.both(
            { (try catalogOption.load(), try RuleCatalogue.standard()) },
            { try DatasetReader.read(folder: folder, displayName: name) })
        return (disclosure, catalog, rules)
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
        abstract: "由数据集生成公开文件：index.html、report.pdf、workbook.xlsx、开放数据；检查结果另写在 review.html 与 findings.json。",
        discussion: """
        公开文件（index.html、report.pdf、workbook.xlsx、data/*.csv、datapackage.json）只含单位公开的内容；
        检查结果、计算得分与待补内容写在 review.html 与 findings.json（不公开）。
        输出文件夹须不存在、为空或是 juesuan 以前写出的（其中有 .juesuan-output），整个替换；别的文件夹要 --force。
        写出全部文件后：有错误级问题时以 1 退出，否则 0。
        """
    )

    @OptionGroup var options: DatasetOptions

    @Option(name: .long, help: "输出文件夹。")
    var out: String

    @Flag(name: .long, help: "不生成 report.pdf（只写 HTML 等）。")
    var noPdf = false

    @Flag(name: .long, help: "输出文件夹已有别的内容时也整个替换。")
    var force = false

    @Option(name: .long, help: "检查结果的输出格式：text（标准错误上的摘要）或 json（标准输出，juesuan.findings/1，同 findings.json）。")
    var format: OutputFormat = .text

    func run() throws {
        // A budget dataset (budget.json) or a filled budget workbook: its own publisher.
        let budgetFile = options.dataset.hasSuffix(".json") || options.dataset.lowercased().hasSuffix(".xlsx")
            ? options.dataset : (options.dataset as NSString).appendingPathComponent("budget.json")
        if FileManager.default.fileExists(atPath: budgetFile) {
            let dataset = budgetFile.lowercased().hasSuffix(".xlsx")
                ? try BudgetWorkbook.read(entries: try BudgetWorkbook.entries(URL(fileURLWithPath: budgetFile), displayName: budgetFile), displayName: budgetFile)
                : try BudgetDataset.read(URL(fileURLWithPath: budgetFile), displayName: budgetFile)
            try OutputFolder.claim(out, force: force)
            let package = try BudgetPublisher.build(dataset, catalog: try options.catalogOption.load(), pdf: !noPdf, source: budgetFile)
            try OutputFolder.write(to: out, command: "build", force: force) { staging in
                for (relative, data) in package.files.sorted(by: { $0.key < $1.key }) {
                    let url = staging.appendingPathComponent(relative)
                    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try data.write(to: url)
                }
            }
            if format == .json {
                print(FindingsReport.json(package.findings, unit: dataset.department, year: dataset.year, source: budgetFile), terminator: "")
            } else {
                var lines: [String] = []
                if let problem = package.pdfProblem { lines.append("未生成 report.pdf：\(problem.message)") }
                lines.append("已写出 \(out)：\(package.published.keys.filter { !$0.hasPrefix("data/") }.sorted().joined(separator: "、"))、data/*.csv")
                lines.append("检查：\(package.findings.count(.error)) 个错误，\(package.findings.count(.warning)) 个警告，\(package.findings.count(.info)) 个提示；详见 "
                             + (out as NSString).appendingPathComponent("findings.json") + "（不公开）")
                FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            }
            if package.findings.count(.error) > 0 { throw ExitCode(1) }
            return
        }
        let (disclosure, catalog, rules) = try options.load()
        try OutputFolder.claim(out, force: force)
        let publication = try Publisher.build(disclosure, catalog: catalog, rules: rules, source: options.dataset, pdf: !noPdf)
        try PackageWriter.write(publication, to: out, force: force)
        let findings = publication.findings
        if format == .json {
            print(FindingsReport.json(findings, unit: disclosure.unit, year: disclosure.year, source: options.dataset), terminator: "")
        }
        var lines: [String] = []
        if let problem = publication.pdfProblem {
            lines.append("未生成 report.pdf：\(problem.message)" + (problem.hint.isEmpty ? "" : "（\(problem.hint)）"))
        }
        let missing = findings.filter { $0.rule.hasPrefix("D-") }
        if !missing.isEmpty {
            lines.append("待补内容（\(missing.count)）：")
            lines += missing.prefix(12).map { "  \($0.severity.chineseName) \($0.message)" }
            if missing.count > 12 { lines.append("  ……另有 \(missing.count - 12) 条，见 review.html") }
        }
        let published = publication.published.keys.filter { !$0.hasPrefix("data/") }.sorted() + ["data/*.csv"]
        lines.append("已写出 \(out)：\(published.joined(separator: "、"))")
        lines.append("检查：\(findings.count(.error)) 个错误，\(findings.count(.warning)) 个警告，\(findings.count(.info)) 个提示；"
            + "详见 \((out as NSString).appendingPathComponent("review.html"))（不公开）")
        FileHandle.standardError.write(Data(lines.map { $0 + "\n" }.joined().utf8))
        if findings.count(.error) > 0 { throw ExitCode(1) }
    }
}

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "列出规则目录（Markdown 表格）。")

    func run() throws {
        print(RuleCatalogueDoc.markdown(try RuleCatalogue.standard()), terminator: "")
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
        let chosen = try ScoringScheme.chosen(by: disclosure.performance, override: scheme)
        let forms = Scorer(scheme: chosen).score(disclosure.performance)
        switch format {
        case .json: print(ScoresReport.json(forms, scheme: chosen, unit: disclosure.unit, year: disclosure.year), terminator: "")
        case .text: print(ScoresReport.text(forms, scheme: chosen, unit: disclosure.unit, year: disclosure.year), terminator: "")
        }
    }
}

/// Reads a published report; an unreadable one is reported (exit 2) by the entry point.
func readPublished(_ path: String, catalog option: CatalogOption) throws -> (PublishedReport, Catalog) {
    let catalog = try option.load()
    return (try ReportReader.read(URL(fileURLWithPath: path), displayName: path, catalog: catalog), catalog)
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "从已公开的部门决算（.txt 或 .pdf）或 juesuan 生成的 workbook.xlsx 读出九张表，写成数据集文件夹。",
        discussion: "写出的数据集可直接用于 juesuan check 与 juesuan build。"
    )

    @Argument(help: "已公开的报告：.txt（按 PDF 提取的文字）、.pdf，或 workbook.xlsx。")
    var file: String

    @Option(name: .long, help: "输出的数据集文件夹（须不存在、为空或是 juesuan 以前写出的）。")
    var out: String

    @Flag(name: .long, help: "输出文件夹已有别的内容时也整个替换。")
    var force = false

    @OptionGroup var catalog: CatalogOption

    func run() throws {
        try OutputFolder.claim(out, force: force)
        let disclosure: Disclosure
        if file.lowercased().hasSuffix(".xlsx"),
           let parts = try? BudgetWorkbook.entries(URL(fileURLWithPath: file), displayName: file), BudgetWorkbook.recognizes(entries: parts) {
            // A filled budget workbook: written as budget.json.
            let dataset = try BudgetWorkbook.read(entries: parts, displayName: file)
            try OutputFolder.write(to: out, command: "import", force: force) { staging in
                try dataset.json().write(to: staging.appendingPathComponent("budget.json"))
            }
            FileHandle.standardError.write(Data("已写出预算数据 \(out)/budget.json（\(dataset.department) \(dataset.year) 年度\(dataset.scope.rawValue)预算，版式 \(dataset.layout)）\n".utf8))
            return
        } else if file.lowercased().hasSuffix(".xlsx") {
            var read = try WorkbookReader.read(URL(fileURLWithPath: file), displayName: file)
            // A workbook juesuan made to be filled, saved by a program that keeps formulas without their values: the
            // computed cells are computed again from the parts (as an upload to the server is); typed cells are not touched.
            if let parts = try? BudgetWorkbook.entries(URL(fileURLWithPath: file), displayName: file),
               WorkbookText.contains(parts, WorkbookWriter.fillableValue) {
                _ = Completion.complete(&read, rules: try Engine.rules(), catalog: try catalog.load())
            }
            disclosure = read
        } else if let text = try? PublishedText.read(URL(fileURLWithPath: file), displayName: file), let layout = BudgetReader.recognize(text) {
            // A budget: written as budget.json (build it with juesuan build).
            let dataset = BudgetReader.read(text, layout: layout).dataset()
            try OutputFolder.write(to: out, command: "import", force: force) { staging in
                try dataset.json().write(to: staging.appendingPathComponent("budget.json"))
            }
            FileHandle.standardError.write(Data("已写出预算数据 \(out)/budget.json（\(dataset.department) \(dataset.year) 年度\(dataset.scope.rawValue)预算，版式 \(layout.id)）\n".utf8))
            return
        } else {
            disclosure = try readPublished(file, catalog: catalog).0.disclosure
        }
        try DatasetWriter.write(disclosure, to: URL(fileURLWithPath: out), force: force)
        FileHandle.standardError.write(Data("已写出数据集 \(out)（\(disclosure.unit) \(disclosure.year) 年度）\n".utf8))
    }
}

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "审阅已公开的部门决算（.txt 或 .pdf）：表内表间公式、情况说明中的数字与百分比、自评表的计分。",
        discussion: """
            每条问题给出行号（PDF 还给页码）、摘录与应为的数字。有错误级问题时以 1 退出。可一次给多个文件（一个区的一批）；
            --checklist 另写出财政局的检查表（每个文件一页，逐项“是/否”与问题及页码，加一页汇总）。
            """
    )

    @Argument(help: "已公开的报告：.txt 或 .pdf，可以多个；部门预算也可以是 budget.json 或填好的预算工作簿（.xlsx，含项目绩效目标）。")
    var files: [String]

    @Option(name: .long, help: "输出格式：text 或 json。")
    var format: OutputFormat = .text

    @Flag(name: .long, help: "文本输出时也列出“提示”级问题。")
    var all = false

    @Option(name: .long, help: "另写出检查表（.xlsx）：及时性、逐项内容规范性与问题的页码，加汇总页。")
    var checklist: String?

    @Option(name: .long, help: "检查表的公开截止日期（YYYY-MM-DD），用于及时性。")
    var deadline: String?

    @Option(name: .long, help: "检查表的公开日期（YYYY-MM-DD），用于及时性（多个文件时对每个文件都用这个日期）。")
    var published: String?

    @Flag(name: .long, help: "检查表文件已存在时替换它。")
    var force = false

    @Flag(name: .long, help: "部门预算：先列出读出的各表（行、栏与数字），便于核对读取。")
    var showTables = false

    @OptionGroup var catalog: CatalogOption

    static func day(_ text: String?, option: String) throws -> Date? {
        guard let text else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd"
        guard text.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil, let date = formatter.date(from: text), formatter.string(from: date) == text else {
            throw ValidationError("\(option) “\(text)”应写作 YYYY-MM-DD。")
        }
        return date
    }

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("请给出要审阅的报告文件。") }
        _ = try Self.day(deadline, option: "--deadline")
        _ = try Self.day(published, option: "--published")
        if let checklist, !checklist.lowercased().hasSuffix(".xlsx") { throw ValidationError("--checklist 应为 .xlsx 文件（现为“\(checklist)”）。") }
    }

    /// Files as given; a folder stands for the .pdf and .txt files in it, in name order.
    static func expand(_ files: [String]) throws -> [String] {
        var result: [String] = []
        for file in files {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: file)) ?? []
                let chosen = names.filter { ["pdf", "txt"].contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
                guard !chosen.isEmpty else { throw Problem(kind: .inputUnreadable, message: "文件夹“\(file)”里没有 .pdf 或 .txt 文件。") }
                result += chosen.map { (file as NSString).appendingPathComponent($0) }
            } else {
                result.append(file)
            }
        }
        return result
    }

    func run() throws {
        if let checklist, !force, FileManager.default.fileExists(atPath: checklist) {
            throw Problem(kind: .output, message: "“\(checklist)”已存在：检查表不会替换已有文件，除非加 --force。")
        }
        let deadline = try Self.day(self.deadline, option: "--deadline"), published = try Self.day(self.published, option: "--published")
        var lists: [Checklist] = []
        var errors = 0
        var documents: [String] = []
        var audited: [AuditedDocument] = []
        for file in try Self.expand(files) {
            let lowered = file.lowercased()
            // A budget as data: budget.json, or a filled budget workbook (another workbook is said to be one below).
            var budgetData: BudgetDataset?
            if lowered.hasSuffix(".json") {
                budgetData = try BudgetDataset.read(URL(fileURLWithPath: file), displayName: file)
            } else if lowered.hasSuffix(".xlsx"), let parts = try? BudgetWorkbook.entries(URL(fileURLWithPath: file), displayName: file),
                      BudgetWorkbook.recognizes(entries: parts) {
                budgetData = try BudgetWorkbook.read(entries: parts, displayName: file)
            }
            // The rule catalogue loads on the second core while the report is extracted and read.
            let (text, rules) = try Parallel.both({ [budgetData] () throws -> PublishedText in
                if let budgetData { return try BudgetDocument(dataset: budgetData).text }
                return try PublishedText.read(URL(fileURLWithPath: file), displayName: file)
            }, { try RuleCatalogue.standard() })
            let catalogValue = try catalog.load()
            if let layout = budgetData.flatMap({ data in BudgetLayout.shipped.first { $0.id == data.layout } }) ?? BudgetReader.recognize(text) {
                // A 部门预算 (or 单位预算): its own layout and catalogue; from data (budget.json, a filled workbook) with its 绩效目标.
                var document = try budgetData.map { try BudgetDocument(dataset: $0) } ?? BudgetReader.read(text, layout: layout)
                if budgetData != nil { document.text = PublishedText(source: file, lines: document.text.lines, fromPDF: false) }
                if showTables { print(document.describe(), terminator: "") }
                let findings = BudgetAuditor(rules: try RuleCatalogue.budget(), language: rules, catalog: catalogValue).audit(document)
                let kind = document.scope.rawValue + "预算"
                switch format {
                case .json: documents.append(FindingsReport.json(findings, unit: document.department, year: document.year, source: file))
                case .text:
                    if files.count > 1 || audited.count > 0 { print("== \(file)（\(document.year) 年度\(kind)，版式：\(layout.name)）") }
                    print(FindingsReport.text(findings, unit: document.department, year: document.year, includeInfo: all, kind: kind), terminator: "")
                }
                errors += findings.count(.error)
                audited.append(.budget(document))
                if checklist != nil {
                    lists.append(Checklist.make(budget: document, findings: findings, source: file, published: published, deadline: deadline))
                }
                continue
            }
            let report = try ReportReader.read(text, catalog: catalogValue)
            let findings = Auditor(rules: rules, catalog: catalogValue).audit(report)
            let disclosure = report.disclosure
            switch format {
            case .json: documents.append(FindingsReport.json(findings, unit: disclosure.unit, year: disclosure.year, source: file))
            case .text:
                if files.count > 1 || audited.count > 0 { print("== \(file)") }
                print(FindingsReport.text(findings, unit: disclosure.unit, year: disclosure.year, includeInfo: all), terminator: "")
            }
            errors += findings.count(.error)
            audited.append(.finalAccounts(report))
            if checklist != nil {
                lists.append(Checklist.make(report, findings: findings, source: file, published: published, deadline: deadline))
            }
        }
        // Several documents: the links between a department's budgets and final accounts.
        if audited.count > 1, audited.contains(where: { if case .budget = $0 { true } else { false } }) {
            let chain = BudgetChain(rules: try RuleCatalogue.budget()).link(audited)
            errors += chain.findings.count(.error)
            switch format {
            case .json: documents.append(FindingsReport.json(chain.findings, unit: chain.department, year: chain.years.last ?? 0, source: "预决算衔接"))
            case .text: print(chain.text(includeInfo: all), terminator: "")
            }
        }
        if format == .json {
            // One document as it always was; several as a JSON array of them.
            print(documents.count == 1 ? documents[0] : "[\n" + documents.map { $0.trimmingCharacters(in: .newlines) }.joined(separator: ",\n") + "\n]\n",
                  terminator: "")
        }
        if let checklist {
            let data = try ChecklistWorkbook.data(lists)
            try writeReplacing(data, to: checklist)
            FileHandle.standardError.write(Data("已写出检查表 \(checklist)（\(lists.count) 个文件）\n".utf8))
        }
        if errors > 0 { throw ExitCode(1) }
    }
}

/// Writes `data` to `path` through a temporary file beside it and rename(2): a reader never sees half a file.
func writeReplacing(_ data: Data, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
    do { try data.write(to: temporary) } catch {
        throw Problem(kind: .output, message: "无法写出“\(path)”：\(FileProblem.describe(error, path: path))")
    }
    guard rename(temporary.path, url.path) == 0 else {
        try? FileManager.default.removeItem(at: temporary)
        throw Problem(kind: .output, message: "无法写出“\(path)”（目录不可写）。")
    }
}


struct Blank: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "写出空白的填报工作簿（Excel/WPS 填写；合计等为公式）：部门预算按预算版式，部门决算按决算版式。",
        discussion: """
            预算版式：\(BudgetLayout.shipped.map { "\($0.id)（\($0.name)）" }.joined(separator: "；"))；填好后用 juesuan build 或 import 读入。
            决算版式：\(TableLayout.all.map { "\($0.id)（\($0.name)）" }.joined(separator: "；"))；九张表，算出的格子是公式并锁定，填好后用 juesuan import 读成数据集。
            """
    )

    @Option(name: .long, help: "版式：预算（shanghai-district、jiangsu-province、mof-national）或决算（mof-2021、shanghai-2024）。")
    var layout: String

    @Option(name: .long, help: "年度。")
    var year: Int

    @Option(name: .long, help: "部门（或单位）名称。")
    var department: String

    @Flag(name: .long, help: "单位预算（默认部门预算；决算不用）。")
    var unit = false

    @Option(name: .long, help: "输出的工作簿（.xlsx；已存在时不覆盖，除非 --force）。")
    var out: String

    @Flag(name: .long, help: "输出文件已存在时也覆盖。")
    var force = false

    func run() throws {
        let budgetLayout = BudgetLayout.shipped.first { $0.id == layout }
        let finalLayout = TableLayout.all.first { $0.id == layout }
        guard budgetLayout != nil || finalLayout != nil else {
            throw ValidationError("不认识的版式“\(layout)”，应为 \((BudgetLayout.shipped.map(\.id) + TableLayout.all.map(\.id)).joined(separator: "、"))")
        }
        guard (1900...2200).contains(year) else { throw ValidationError("年度 \(year) 不在 1900–2200 之间") }
        let name = department.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw ValidationError("部门名称不能为空") }
        guard out.lowercased().hasSuffix(".xlsx") else { throw ValidationError("输出文件应以 .xlsx 结尾：\(out)") }
        if FileManager.default.fileExists(atPath: out), !force {
            throw Problem(kind: .output, message: "\(out) 已存在，未覆盖（要覆盖请加 --force）")
        }
        let data: Data
        let said: String
        if let chosen = budgetLayout {
            let blank = BudgetDataset(layout: chosen.id, scope: unit ? .unit : .department, year: year, department: name, tables: [:], narrative: [])
            data = try BudgetWorkbook.data(blank, layout: chosen)
            said = "空白预算填报工作簿 \(out)（\(name) \(year) 年度\(blank.scope.rawValue)预算，\(chosen.name)）"
        } else {
            // The nine tables as the layout prints them, the cells the rules compute as locked formulas (as the server's
            // 下载空白工作簿 writes them).
            let chosen = finalLayout!
            let catalog = try Engine.catalog(), rules = try Engine.rules()
            let blank = Cycle.blank(unit: name, year: year, layout: chosen, catalog: catalog)
            let formulas = Completion.linearForms(blank, rules: rules, catalog: catalog).mapValues { terms in
                terms.map { WorkbookWriter.Fillable.Term(cell: $0.cell, sign: $0.sign) }
            }
            data = try WorkbookWriter.data(blank, fillable: .init(formulas: formulas))
            said = "空白决算填报工作簿 \(out)（\(name) \(year) 年度部门决算，\(chosen.name)）"
        }
        do { try data.write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
            throw Problem(kind: .output, message: "无法写出 \(out)：\(error.localizedDescription)")
        }
        FileHandle.standardError.write(Data("已写出\(said)\n".utf8))
    }
}
