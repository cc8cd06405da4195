import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanTestSupport
import Testing

/// A temporary folder removed at the end of a test.
struct Scratch {
    let root: URL

    init(_ name: String) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }
    func remove() { try? FileManager.default.removeItem(at: root) }

    /// Names in the folder that are not the test's own: leftovers of a command.
    func leftovers() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter { $0.contains(".juesuan-") }
    }
}

/// The text of a PDF, page by page (pdftotext -layout).
func pdfPages(_ url: URL) throws -> [String] {
    let text = try runTool("pdftotext", ["-layout", "-enc", "UTF-8", url.path, "-"])
    return text.components(separatedBy: "\u{0C}").dropLast().map { $0 }
}

/// Page sizes of a PDF (width, height in points), from pdfinfo.
func pdfSizes(_ url: URL) throws -> [(Double, Double)] {
    let info = try runTool("pdfinfo", ["-f", "1", "-l", "999", url.path])
    return info.split(separator: "\n").compactMap { line -> (Double, Double)? in
        guard line.hasPrefix("Page"), line.contains("size:") else { return nil }
        let numbers = line.split(separator: " ").compactMap { Double($0) }
        return numbers.count >= 3 ? (numbers[1], numbers[2]) : nil
    }
}

@discardableResult
func runTool(_ name: String, _ arguments: [String], errors: Bool = false) throws -> String {
    try Subprocess.tool(name, arguments, mergeErrors: errors).stdout
}

/// English that must never reach a user: ArgumentParser's, Foundation's, libyaml's, libxlsxwriter's.
let englishPhrases = ["Error", "Usage", "USAGE", "OVERVIEW", "OPTIONS", "ARGUMENTS", "Missing", "Unknown", "expected", "Show help",
                      "The operation", "could not", "did not find", "Permission", "No such file", "invalid", "Help:", "error "]

func expectChinese(_ text: String, _ context: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    #expect(text.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF }, "\(context)：没有中文：\(text)",
            sourceLocation: sourceLocation)
    for phrase in englishPhrases {
        #expect(!text.contains(phrase), "\(context)：英文“\(phrase)”出现在：\(text)", sourceLocation: sourceLocation)
    }
}

@Suite("不毁用户的文件、公开与审阅分开、说中文", .serialized)
struct SafetyTests {
    // MARK: 1. Never destroy or mix

    @Test("每个写 --out 的命令：遇到不是自己写的文件或非空文件夹就拒绝（退出 2，原样不动）；--force 才替换")
    func refusesWhatItDidNotWrite() throws {
        let scratch = try Scratch("refuse")
        defer { scratch.remove() }
        let seed = Repository.fixtures.appendingPathComponent("seed/000_a4a5e0261d017fb9.txt").path
        let commands: [(String, (String) -> [String])] = [
            ("import", { ["import", seed, "--out", $0] }),
            ("consolidate", { ["consolidate", Repository.corrected.path, "--out", $0] }),
            ("build", { ["build", "examples/jianghan-2021", "--out", $0, "--no-pdf"] }),
            ("derive", { ["derive", "examples/ledger-demo/ledger.csv", "--out", $0] }),
            ("synth", { ["synth", "--units", "2", "--out", $0] }),
        ]
        for (name, arguments) in commands {
            let file = scratch.url("\(name)-报告.txt")
            try Data("用户自己的文件\n".utf8).write(to: file)
            let onFile = try CLI.run(arguments(file.path))
            #expect(onFile.status == 2, "\(name)：\(onFile.stderr)")
            #expect(onFile.stderr.contains("已有同名文件"), "\(name)：\(onFile.stderr)")
            expectChinese(onFile.stderr, name)
            #expect(try String(contentsOf: file, encoding: .utf8) == "用户自己的文件\n", "\(name) 改动了用户的文件")

            let folder = scratch.url("\(name)-文件夹")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data("留着".utf8).write(to: folder.appendingPathComponent("mine.txt"))
            let onFolder = try CLI.run(arguments(folder.path))
            #expect(onFolder.status == 2, "\(name)：\(onFolder.stderr)")
            #expect(onFolder.stderr.contains("不是 juesuan 写出的"), "\(name)：\(onFolder.stderr)")
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("mine.txt").path))

            let forced = try CLI.run(arguments(folder.path) + ["--force"])
            #expect(forced.status <= 1, "\(name) --force：\(forced.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("mine.txt").path), "\(name) --force 应整个替换")
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(OutputFolder.markerName).path))
            #expect(scratch.leftovers().isEmpty, "\(name) 留下了临时文件：\(scratch.leftovers())")
        }
    }

    @Test("自己写出的文件夹整个替换：这次不写的文件（旧的 report.pdf）不再留着")
    func replacesItsOwnOutputWhole() throws {
        let scratch = try Scratch("replace")
        defer { scratch.remove() }
        let out = scratch.url("公开")
        #expect(try CLI.run(["build", "examples/jianghan-2021", "--out", out.path, "--no-pdf"]).status == 0)
        // What an earlier run with a PDF left, or anything else inside juesuan's own folder.
        try Data("%PDF-1.4 old".utf8).write(to: out.appendingPathComponent("report.pdf"))
        let again = try CLI.run(["build", "examples/jianghan-2021", "--out", out.path, "--no-pdf"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("report.pdf").path))
        let marker = try String(contentsOf: out.appendingPathComponent(OutputFolder.markerName), encoding: .utf8)
        #expect(marker.contains("index.html") && marker.contains("review.html") && !marker.contains("report.pdf"))
        #expect(scratch.leftovers().isEmpty)
    }

    @Test("打印 PDF 时收到 SIGINT 或 SIGTERM（正文或封面目录时）：清除临时文件，Chromium 与其子进程都结束，退出 130 或 143",
          .enabled(if: ExternalTools.printing, Comment(rawValue: ExternalTools.printingMissing)),
          arguments: [(SIGINT, "profile-body"), (SIGTERM, "profile-front"), (SIGINT, "profile-front")])
    func interruptCleansUp(_ signal: Int32, _ stage: String) throws {
        let scratch = try Scratch("interrupt")
        defer { scratch.remove() }
        let out = scratch.url("out")
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["build", "examples/jianghan-2021", "--out", out.path]
        process.currentDirectoryURL = Repository.root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let exit = ExitSignal(process)
        try process.run()
        // Wait until Chromium runs for this build: a process whose command line names our PDF folder.
        var pdfFolder: String?
        for _ in 0..<3000 where pdfFolder == nil {
            pdfFolder = Self.chromiumFolder(stage: stage, under: process.processIdentifier)
            if pdfFolder == nil { usleep(10_000) }
        }
        let folder = try #require(pdfFolder, "Chromium 没有启动")
        kill(process.processIdentifier, signal)
        exit.wait()
        #expect(process.terminationStatus == 128 + signal)
        usleep(200_000)
        #expect(!FileManager.default.fileExists(atPath: folder), "临时文件夹 \(folder) 还在")
        #expect(Self.processes(mentioning: folder).isEmpty, "Chromium 还在运行")
        #expect(scratch.leftovers().isEmpty, "留下了 \(scratch.leftovers())")
        #expect(!FileManager.default.fileExists(atPath: out.path), "中断的输出不应出现")
    }

    /// The temporary folder of a running Chromium printing `stage` (from /proc) for the build `root`
    /// (its descendant: other tests print PDFs at the same time), if one runs.
    static func chromiumFolder(stage: String, under root: Int32) -> String? {
        for pid in (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap(Int32.init) ?? [] {
            guard let command = commandLine(pid), command.contains("--print-to-pdf="), command.contains(stage),
                  isDescendant(pid, of: root),
                  let range = command.range(of: #"juesuan-pdf-[0-9A-F-]+"#, options: .regularExpression) else { continue }
            let prefix = command[..<range.lowerBound].split(separator: "=").last.map(String.init) ?? ""
            return prefix + String(command[range])
        }
        return nil
    }

    /// Whether `pid` is `root` or one of its descendants (parent links from /proc/PID/stat).
    static func isDescendant(_ pid: Int32, of root: Int32) -> Bool {
        var current = pid
        for _ in 0..<64 {
            if current == root { return true }
            guard current > 1, let stat = FileManager.default.contents(atPath: "/proc/\(current)/stat"),
                  let text = String(data: stat, encoding: .utf8), let close = text.range(of: ")", options: .backwards) else { return false }
            let fields = text[close.upperBound...].split(separator: " ")
            guard fields.count > 2, let parent = Int32(fields[1]) else { return false }
            current = parent
        }
        return false
    }

    static func commandLine(_ pid: Int32) -> String? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
        return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
    }

    static func processes(mentioning text: String) -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap(Int32.init) ?? []).filter {
            commandLine($0)?.contains(text) == true
        }
    }

    // MARK: 2–4. Public and review apart, a finished PDF, the exit status

    @Test("公开文件只含公开内容，审阅另在 review.html；PDF 有封面、目录与页码，文字竖排、表格横排，没有只有注释的页；有错误时写完后退出 1 并指向 review.html",
          .enabled(if: ExternalTools.printing, Comment(rawValue: ExternalTools.printingMissing)))
    func publicationAndReview() throws {
        let scratch = try Scratch("publish")
        defer { scratch.remove() }
        let out = scratch.url("公开 文件")
        let result = try CLI.run(["build", "examples/jianghan-2021-as-printed", "--out", out.path])
        #expect(result.status == 1, "\(result.stderr)")
        let lastLine = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(lastLine.contains("6 个错误") && lastLine.contains(out.appendingPathComponent("review.html").path), "\(lastLine)")

        let review = ["检查结果", "P-PARTS", "计算得分", "所印得分", "计算”栏", "个错误", "P-TOTAL"]
        let index = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        for word in review { #expect(!index.contains(word), "index.html 含有审阅内容“\(word)”") }
        let pages = try pdfPages(out.appendingPathComponent("report.pdf"))
        let pdfText = pages.joined(separator: "\n")
        for word in review { #expect(!pdfText.contains(word), "report.pdf 含有审阅内容“\(word)”") }
        let workbook = try runTool("python3", ["-c", "import zipfile, sys; print(zipfile.ZipFile(sys.argv[1]).read('xl/sharedStrings.xml').decode())",
                                               out.appendingPathComponent("workbook.xlsx").path])
        #expect(workbook.contains("武汉市江汉区人民政府办公室"))
        for word in review { #expect(!workbook.contains(word), "workbook.xlsx 含有审阅内容“\(word)”") }
        let reviewPage = try String(contentsOf: out.appendingPathComponent("review.html"), encoding: .utf8)
        #expect(reviewPage.contains("内部审阅稿，不公开") && reviewPage.contains("P-PARTS") && reviewPage.contains("计算得分"))

        // Cover: unit, year, date. Contents: every part and table with a page number that is right.
        #expect(pages[0].contains("武汉市江汉区人民政府办公室") && pages[0].contains("2021 年度部门决算"))
        #expect(pages[0].range(of: #"20\d\d年\d{1,2}月\d{1,2}日"#, options: .regularExpression) != nil)
        #expect(pages[1].contains("目") && pages[1].contains("录"))
        func footer(_ page: String) -> String {
            page.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.last { !$0.isEmpty } ?? ""
        }
        // The body starts on the first page numbered 1; the cover and the contents carry no number.
        let front = try #require(pages.firstIndex { footer($0) == "1" })
        #expect(front >= 2)
        let contents = pages[1..<front].joined(separator: "\n")
        var checked = 0
        for line in contents.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let page = Int(parts.last!), page >= 1, page + front - 1 < pages.count else { continue }
            let title = parts.dropLast().joined().filter { !$0.isWhitespace }
            let printed = pages[front + page - 1].filter { !$0.isWhitespace }
            #expect(printed.contains(title), "目录说“\(title)”在第 \(page) 页，那一页没有它")
            checked += 1
        }
        #expect(checked >= 15, "目录中带页码的条目只有 \(checked) 个")
        // Page numbers in the footer of every body page; no page holding only a note.
        for (offset, page) in pages[front...].enumerated() {
            let lines = page.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            #expect(lines.last == String(offset + 1), "第 \(offset + 1) 页的页脚没有页码：\(lines.last ?? "")")
            let content = lines.dropLast()
            let onlyNotes = !content.isEmpty && content.allSatisfy { $0.hasPrefix("注") || $0.contains("行＝") || $0.contains("行=") || $0.contains("栏＝") }
            #expect(!content.isEmpty && !onlyNotes, "第 \(offset + 1) 页空白或只有注释：\(content)")
        }
        // Orientation: prose portrait, the tables landscape.
        let sizes = try pdfSizes(out.appendingPathComponent("report.pdf"))
        #expect(sizes.count == pages.count)
        var landscapeTables = 0
        for (index, page) in pages.enumerated() where index >= front {
            let landscape = sizes[index].0 > sizes[index].1
            if page.contains("收入支出决算总表（表1）") || page.contains("支出决算表（表3）") { #expect(landscape, "表所在页应横排"); landscapeTables += 1 }
            if page.contains("情况说明") && page.contains("第三部分") { #expect(!landscape, "情况说明应竖排") }
            if page.contains("第一部分") { #expect(!landscape, "概况应竖排") }
        }
        #expect(landscapeTables >= 2)
        #expect(!(sizes[0].0 > sizes[0].1), "封面应竖排")

        let clean = try CLI.run(["build", "examples/jianghan-2021", "--out", scratch.url("clean").path, "--no-pdf"])
        #expect(clean.status == 0, "示例数据相符时退出 0：\(clean.stderr)")
    }

    // MARK: 5. Chinese everywhere, the real cause named

    @Test("用法错误与帮助全是中文；各种出错说出真正的原因")
    func chineseEverywhere() throws {
        let scratch = try Scratch("chinese")
        defer { scratch.remove() }
        for arguments in [["check"], ["check", "--bogus"], ["check", "examples/jianghan-2021", "--format", "xml"], ["build", "examples/jianghan-2021"],
                          ["check", "a", "b"], ["frob"], ["synth", "--units", "0", "--out", scratch.url("s").path], ["check", "--format"]] {
            let result = try CLI.run(arguments)
            #expect(result.status == 64, "\(arguments)：\(result.status)")
            expectChinese(result.stderr, arguments.joined(separator: " "))
        }
        for arguments in [["--help"], ["build", "--help"], ["help", "consolidate"], ["audit", "-h"]] {
            let result = try CLI.run(arguments)
            #expect(result.status == 0)
            expectChinese(result.stdout, arguments.joined(separator: " "))
        }
        #expect(try CLI.run(["--version"]).stdout.hasPrefix("juesuan "))

        // YAML: the line of the unclosed bracket, in Chinese.
        let copy = try DatasetCopy()
        defer { copy.remove() }
        let facts = try String(contentsOf: copy.url("disclosure.yaml"), encoding: .utf8)
        var lines = facts.components(separatedBy: "\n")
        let target = try #require(lines.firstIndex { $0.contains("名称: \"武汉市江汉区人民政府办公室\"") })
        lines[target] = lines[target].replacingOccurrences(of: "名称: \"武汉市江汉区人民政府办公室\"", with: "名称: [\"武汉市江汉区人民政府办公室\"")
        try lines.joined(separator: "\n").write(to: copy.url("disclosure.yaml"), atomically: true, encoding: .utf8)
        let yaml = try CLI.run(["check", copy.folder.path])
        #expect(yaml.status == 2)
        #expect(yaml.stderr.contains("disclosure.yaml:\(target + 1)："), "\(yaml.stderr)")
        #expect(yaml.stderr.contains("方括号"), "\(yaml.stderr)")
        expectChinese(yaml.stderr, "YAML")

        // A truncated amount is called truncated.
        let amounts = try DatasetCopy()
        defer { amounts.remove() }
        try amounts.replace("tables/table3.csv", "651.00,651.00", with: "651.00,651.")
        let truncated = try CLI.run(["check", amounts.folder.path])
        #expect(truncated.status == 2 && truncated.stderr.contains("被截断"), "\(truncated.stderr)")

        // A workbook given to audit, a PDF given to consolidate, a file given as derive's folder.
        let workbook = scratch.url("workbook.xlsx")
        #expect(try CLI.run(["build", "examples/jianghan-2021", "--out", scratch.url("b").path, "--no-pdf"]).status == 0)
        try FileManager.default.copyItem(at: scratch.url("b/workbook.xlsx"), to: workbook)
        let audit = try CLI.run(["audit", workbook.path])
        #expect(audit.status == 2 && audit.stderr.contains("Excel 工作簿") && audit.stderr.contains("juesuan import"), "\(audit.stderr)")
        #expect(!audit.stderr.contains("UTF-8"))
        let pdf = scratch.url("报告.pdf")
        try Data("%PDF-1.4\n".utf8).write(to: pdf)
        let consolidate = try CLI.run(["consolidate", pdf.path, "--out", scratch.url("c").path])
        #expect(consolidate.stderr.contains("这是PDF 文件") || consolidate.stderr.contains("PDF"), "\(consolidate.stderr)")
        #expect(!consolidate.stderr.contains("表头不认识"))
        let derive = try CLI.run(["derive", "examples/ledger-demo/ledger.csv", "--out", workbook.path])
        #expect(derive.status == 2 && derive.stderr.contains("已有同名文件") && !derive.stderr.contains("不为空"), "\(derive.stderr)")
    }

    @Test("每种错误：中文说明、指出文件（有行时指出行）、退出状态各不相同")
    func everyErrorKind() throws {
        let scratch = try Scratch("kinds")
        defer { scratch.remove() }
        // Input unreadable: a folder that is not there.
        let missing = try CLI.run(["check", scratch.url("没有这个数据集").path])
        #expect(missing.status == ProblemKind.inputUnreadable.exitStatus && missing.stderr.contains("没有这个数据集"), "\(missing.stderr)")
        expectChinese(missing.stderr, "输入读不了")
        // Input invalid: a bad amount, with file, line and value.
        let copy = try DatasetCopy()
        defer { copy.remove() }
        try copy.replace("tables/table3.csv", "651.00,651.00", with: "651.00,六五一")
        let invalid = try CLI.run(["check", copy.folder.path])
        #expect(invalid.status == ProblemKind.inputInvalid.exitStatus)
        #expect(invalid.stderr.contains("tables/table3.csv:") && invalid.stderr.contains("六五一"), "\(invalid.stderr)")
        expectChinese(invalid.stderr, "输入有误")
        // Output: a file that is not juesuan's.
        let file = scratch.url("报告.docx")
        try Data("x".utf8).write(to: file)
        let output = try CLI.run(["build", "examples/jianghan-2021", "--out", file.path, "--no-pdf"])
        #expect(output.status == ProblemKind.output.exitStatus && output.stderr.contains(file.path), "\(output.stderr)")
        expectChinese(output.stderr, "输出")
        // Usage.
        let usage = try CLI.run(["audit"])
        #expect(usage.status == ProblemKind.usage.exitStatus)
        expectChinese(usage.stderr, "用法")
        // A tool missing: reading a PDF without pdftotext on the PATH.
        let empty = scratch.url("bin")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let tool = try CLI.run(["audit", "Tests/Fixtures/corpus/putuo-finance-2024-final-accounts.pdf"], environment: ["PATH": empty.path])
        #expect(tool.status == ProblemKind.toolMissing.exitStatus, "\(tool.status) \(tool.stderr)")
        #expect(tool.stderr.contains("pdftotext") && tool.stderr.contains("apt-get install poppler-utils"), "\(tool.stderr)")
        expectChinese(tool.stderr, "缺少外部程序")
        // Every kind has its own exit status and an HTTP status for the server.
        #expect(Set(ProblemKind.allCases.map(\.exitStatus)).count == 4)
        #expect(ProblemKind.allCases.allSatisfy { (400...599).contains($0.httpStatus) && !$0.title.isEmpty })
        #expect(Problem(POSIXError(.EACCES), path: "/x").kind == .output)
        #expect(!Problem(CocoaError(.fileWriteNoPermission), path: "/x").message.contains("operation"))
    }

    // MARK: 6. Say what is missing

    @Test("由已公开的 PDF 读回的数据集：check 列出缺少的部分，build 在最后几行列出；空白模板只报一条",
          .enabled(if: ExternalTools.poppler, Comment(rawValue: ExternalTools.popplerMissing)))
    func saysWhatIsMissing() throws {
        let scratch = try Scratch("missing")
        defer { scratch.remove() }
        let dataset = scratch.url("普陀")
        let pdf = Repository.fixtures.appendingPathComponent("corpus/putuo-finance-2024-final-accounts.pdf")
        #expect(try CLI.run(["import", pdf.path, "--out", dataset.path]).status == 0)
        let check = try CLI.run(["check", dataset.path])
        #expect(check.status == 0)
        for expected in ["第一部分概况为空", "第六部分绩效自评为空", "D-NO-BUDGET", "D-NO-PRIOR"] {
            #expect(check.stdout.contains(expected), "\(expected)：\(check.stdout)")
        }
        let build = try CLI.run(["build", dataset.path, "--out", scratch.url("out").path, "--no-pdf"])
        #expect(build.stderr.contains("待补内容") && build.stderr.contains("第一部分概况为空"), "\(build.stderr)")

        let template = scratch.url("模板")
        let blank = Repository.fixtures.appendingPathComponent("corpus/shanghai-2024-final-accounts-template.pdf")
        #expect(try CLI.run(["import", blank.path, "--out", template.path]).status == 0)
        let checked = try CLI.run(["check", template.path, "--format", "json"])
        #expect(checked.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(checked.stdout.utf8)) as? [String: Any])
        let severe = ((json["findings"] as? [[String: Any]]) ?? []).filter { $0["severity"] as? String != "info" }
        #expect(severe.map { $0["rule"] as? String } == ["D-TEMPLATE"], "\(severe)")
        let audited = try CLI.run(["audit", blank.path, "--format", "json"])
        let auditJSON = try #require(try JSONSerialization.jsonObject(with: Data(audited.stdout.utf8)) as? [String: Any])
        #expect((auditJSON["findings"] as? [[String: Any]])?.count == 1, "\(audited.stdout)")
    }

    // MARK: Layouts

    @Test("数据集可指定版式：上海版式印出两半的表6 与成对的表7；不认识的版式以中文拒绝；已公开的上海报告读回时认出版式",
          .enabled(if: ExternalTools.poppler, Comment(rawValue: ExternalTools.popplerMissing)))
    func layoutChosenByDataset() throws {
        let copy = try DatasetCopy(of: Repository.corrected)
        defer { copy.remove() }
        let scratch = try Scratch("layout")
        defer { scratch.remove() }
        try copy.edit("disclosure.yaml") { $0 + "\n版式: shanghai-2024\n" }
        let built = try CLI.run(["build", copy.folder.path, "--out", scratch.url("sh").path, "--no-pdf"])
        #expect(built.status == 0, "\(built.stderr)")
        let page = try String(contentsOf: scratch.url("sh/index.html"), encoding: .utf8)
        #expect(page.contains("<h3>财政拨款“三公”经费支出决算表</h3>"))
        #expect(page.contains("<th colspan=\"3\">人员经费</th><th colspan=\"3\">公用经费</th>"))
        #expect(page.contains("<th>预算数</th><th>决算数</th><th>预算数</th><th>决算数</th>"))
        let standard = try CLI.run(["build", "examples/jianghan-2021", "--out", scratch.url("mof").path, "--no-pdf"])
        #expect(standard.status == 0)
        let mofPage = try String(contentsOf: scratch.url("mof/index.html"), encoding: .utf8)
        #expect(mofPage.contains("2021年度一般公共预算财政拨款“三公”经费支出决算表（表7）"))
        #expect(!mofPage.contains("<th>预算数</th><th>决算数</th>"))
        // The same numbers either way: the layout only prints them.
        #expect(try String(contentsOf: scratch.url("sh/data/cells.csv"), encoding: .utf8).count > 1000)

        try copy.edit("disclosure.yaml") { $0.replacingOccurrences(of: "版式: shanghai-2024", with: "版式: guangdong-2030") }
        let unknown = try CLI.run(["check", copy.folder.path])
        #expect(unknown.status == 2 && unknown.stderr.contains("不认识的版式") && unknown.stderr.contains("shanghai-2024"), "\(unknown.stderr)")

        let imported = scratch.url("putuo")
        #expect(try CLI.run(["import", Repository.fixtures.appendingPathComponent("corpus/putuo-finance-2024-final-accounts.pdf").path,
                             "--out", imported.path]).status == 0)
        #expect(try String(contentsOf: imported.appendingPathComponent("disclosure.yaml"), encoding: .utf8).contains("版式: shanghai-2024"))
    }

    @Test("我们自己印的报告，文字由别的工具提取（不带 -layout；逐词一行；栏间只一个空格）：没有错误，读不出的表各说一次",
          .enabled(if: ExternalTools.printing, Comment(rawValue: ExternalTools.printingMissing)))
    func otherExtractions() throws {
        let scratch = try Scratch("extractions")
        defer { scratch.remove() }
        #expect(try CLI.run(["build", Repository.corrected.path, "--out", scratch.url("out").path]).status == 0)
        let pdf = scratch.url("out/report.pdf").path
        // 1. pdftotext without -layout: each cell a line of its own, a table's columns one after another.
        let raw = try Subprocess.tool("pdftotext", ["-enc", "UTF-8", pdf, "-"]).stdout
        // 2. A plain word-by-word extractor (written here): every word of the page on a line of its own.
        let boxes = try Subprocess.tool("pdftotext", ["-bbox", "-enc", "UTF-8", pdf, "-"]).stdout
        let perWord = boxes.components(separatedBy: "<page ").dropFirst().map { page in
            page.components(separatedBy: "<word ").dropFirst().compactMap { word -> String? in
                guard let open = word.firstIndex(of: ">"), let close = word.range(of: "</word>") else { return nil }
                return String(word[word.index(after: open)..<close.lowerBound]).replacingOccurrences(of: "&amp;", with: "&")
                    .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&quot;", with: "\"")
            }.joined(separator: "\n")
        }.joined(separator: "\n\u{0C}")
        // 3. Cells separated by one space, as many converters write them.
        let layout = try Subprocess.tool("pdftotext", ["-layout", "-enc", "UTF-8", pdf, "-"]).stdout
        let spaced = layout.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.split(separator: " ").joined(separator: " ")
        }.joined(separator: "\n")
        for (name, text, tablesRead) in [("raw", raw, false), ("per-word", perWord, false), ("spaced", spaced, true)] {
            let file = scratch.url("\(name).txt")
            try text.write(to: file, atomically: true, encoding: .utf8)
            let audit = try CLI.run(["audit", file.path, "--format", "json"])
            let json = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any], "\(name)：\(audit.stderr)")
            let findings = (json["findings"] as? [[String: Any]]) ?? []
            let errors = findings.filter { $0["severity"] as? String == "error" }
            #expect(errors.isEmpty, "\(name)：\(errors.map { "\($0["rule"] ?? "") \($0["message"] ?? "")" })")
            let unreadable = findings.filter { $0["rule"] as? String == "T-UNREADABLE" }.compactMap { $0["table"] as? String }
            #expect(unreadable.count == Set(unreadable).count, "\(name)：一张表只说一次")
            if tablesRead {
                #expect(unreadable.isEmpty, "\(name)：\(unreadable)")
            } else {
                #expect(unreadable.count >= 7, "\(name)：逐格提取的表应说读不出：\(unreadable)")
            }
        }
    }

    @Test("两种版式各印成 PDF 再审阅：每个单元格读回相同，没有错误", .enabled(if: ExternalTools.printing, Comment(rawValue: ExternalTools.printingMissing)),
          arguments: ["mof-2021", "shanghai-2024"])
    func roundTripInEveryLayout(_ layout: String) throws {
        let copy = try DatasetCopy(of: Repository.corrected)
        defer { copy.remove() }
        let scratch = try Scratch("roundtrip")
        defer { scratch.remove() }
        try copy.edit("disclosure.yaml") { $0 + "\n版式: \(layout)\n" }
        #expect(try CLI.run(["build", copy.folder.path, "--out", scratch.url("out").path]).status == 0)
        let pdf = scratch.url("out/report.pdf").path
        let audit = try CLI.run(["audit", pdf, "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
        #expect((json["summary"] as? [String: Int])?["error"] == 0, "\(audit.stdout.prefix(2000))")
        #expect(try CLI.run(["import", pdf, "--out", scratch.url("back").path]).status == 0)
        let written = try DatasetReader.read(folder: copy.folder), read = try DatasetReader.read(folder: scratch.url("back"))
        #expect(read.layout == written.layout)
        for id in TableID.allCases {
            let expected = written[id]!.rows.filter { !$0.cells.isEmpty }.map { "\($0.key)|\($0.cells.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })" }
            let actual = read[id]!.rows.filter { !$0.cells.isEmpty }.map { "\($0.key)|\($0.cells.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })" }
            #expect(Set(actual) == Set(expected), "\(layout) \(id) 读回不同")
        }
    }

    @Test("性质：合成单位在每种版式下印成 PDF，审阅没有任何问题，读回的每个单元格都相同（带种子；JUESUAN_LONG=N 时 N 个单位）",
          .enabled(if: ExternalTools.printing, Comment(rawValue: ExternalTools.printingMissing)))
    func syntheticRoundTrip() throws {
        let scratch = try Scratch("synthetic")
        defer { scratch.remove() }
        let count = Int(ProcessInfo.processInfo.environment["JUESUAN_LONG"] ?? "") ?? 2
        #expect(try CLI.run(["synth", "--units", String(count), "--seed", "20261202", "--per-file", String(count), "--out", scratch.url("s").path]).status == 0)
        let units = scratch.url("units")
        #expect(try CLI.run(["derive", scratch.url("s/ledger/part-00001.csv").path, "--out", units.path]).status == 0)
        let folders = try FileManager.default.contentsOfDirectory(atPath: units.path).filter { !$0.hasPrefix(".") }.sorted()
        #expect(folders.count == count)
        for folder in folders {
            for layout in TableLayout.all.map(\.id) {
                let dataset = scratch.url("\(layout)-\(folder)")
                try FileManager.default.copyItem(at: units.appendingPathComponent(folder), to: dataset)
                let facts = dataset.appendingPathComponent("disclosure.yaml")
                try (String(contentsOf: facts, encoding: .utf8) + "\n版式: \(layout)\n").write(to: facts, atomically: true, encoding: .utf8)
                let out = scratch.url("\(layout)-\(folder)-out")
                let built = try CLI.run(["build", dataset.path, "--out", out.path])
                #expect(built.status == 0, "\(folder) \(layout)：\(built.stderr)")
                let pdf = out.appendingPathComponent("report.pdf").path
                let audit = try CLI.run(["audit", pdf, "--format", "json"])
                let json = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
                let problems = ((json["findings"] as? [[String: Any]]) ?? []).filter { $0["severity"] as? String != "info" }
                #expect(problems.isEmpty, "\(folder) \(layout)：\(problems.map { "\($0["rule"] ?? "") \($0["message"] ?? "")" })")
                let back = scratch.url("\(layout)-\(folder)-back")
                #expect(try CLI.run(["import", pdf, "--out", back.path]).status == 0)
                let written = try DatasetReader.read(folder: dataset), read = try DatasetReader.read(folder: back)
                for id in TableID.allCases {
                    func cells(_ disclosure: Disclosure) -> Set<String> {
                        Set((disclosure[id]?.rows ?? []).flatMap { row in row.cells.filter { $0.value.fen != 0 }.map { "\(row.key) \($0.key) \($0.value)" } })
                    }
                    #expect(cells(read) == cells(written), "\(folder) \(layout) \(id)：读回不同 \(cells(written).symmetricDifference(cells(read)).sorted().prefix(6))")
                }
            }
        }
    }

    // MARK: 7. Workbook and open data for Excel users

    @Test("工作簿：数字是数字，自评表按项目命名、A4、分值已填；CSV 带 UTF-8 BOM",
          .enabled(if: ExternalTools.openpyxl, Comment(rawValue: ExternalTools.openpyxlMissing)))
    func workbookForExcel() throws {
        let scratch = try Scratch("excel")
        defer { scratch.remove() }
        let out = scratch.url("out")
        #expect(try CLI.run(["build", "examples/jianghan-2021", "--out", out.path, "--no-pdf"]).status == 0)
        let script = """
        import openpyxl, sys
        wb = openpyxl.load_workbook(sys.argv[1])
        meta = {r[0]: r[1] for r in wb['数据集'].iter_rows(values_only=True)}
        assert isinstance(meta['年度'], int), meta['年度']
        assert abs(meta['上年.收支总计'] - 2503.33) < 1e-9, meta['上年.收支总计']
        assert isinstance(meta['人员.编制'], int)
        names = wb.sheetnames
        assert '项目3 督查工作' in names, names
        assert not any(n.startswith('项目绩效') for n in names), names
        for ws in wb.worksheets:
            assert ws.page_setup.paperSize in (9, '9'), (ws.title, ws.page_setup.paperSize)
        ws = wb['项目3 督查工作']
        rows = list(ws.iter_rows(values_only=True))
        fields = {r[0]: r[1] for r in rows}
        assert fields['自评得分'] == 100, fields['自评得分']
        head = [i for i, r in enumerate(rows) if r[0] == '一级指标'][0]
        indicators = [r for r in rows[head + 1:] if r[2]]
        assert all(isinstance(r[5], (int, float)) and isinstance(r[6], (int, float)) for r in indicators), indicators
        assert abs(sum(r[6] for r in indicators) - 60) < 1e-9, [r[6] for r in indicators]
        print('ok')
        """
        let output = try runTool("python3", ["-c", script, out.appendingPathComponent("workbook.xlsx").path], errors: true)
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "ok", "\(output)")
        for csv in ["data/cells.csv", "data/table1.csv"] {
            let bytes = try Data(contentsOf: out.appendingPathComponent(csv))
            #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]), "\(csv) 没有 BOM")
        }
    }
}
