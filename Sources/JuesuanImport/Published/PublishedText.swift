import Foundation
import JuesuanCore

/// One line of a published report, with where it stands.
public struct TextLine: Hashable, Sendable {
    /// 1-based line number in the text (for a PDF: in `pdftotext -layout` output).
    public var number: Int
    /// 1-based page, when known (PDF).
    public var page: Int?
    /// The text, NFKC-normalised (full-width digits, Kangxi radicals such as ⼊ → 入).
    public var text: String

    public init(number: Int, page: Int?, text: String) {
        self.number = number
        self.page = page
        self.text = text
    }
}

/// A published report as text lines: read from a `.txt` file or extracted from a `.pdf`.
public struct PublishedText: Sendable {
    /// The file as the user named it.
    public var source: String
    /// Every line, blank ones included, so numbers match the input.
    public var lines: [TextLine]
    /// Whether the text came from a PDF.
    public var fromPDF: Bool
    /// The words of a PDF with their boxes (`pdftotext -bbox-layout`), for reading tables by
    /// position; empty for text input or when poppler could not give them.
    public var words: [PageWord] = []

    public init(source: String, lines: [TextLine], fromPDF: Bool) {
        self.source = source
        self.lines = lines
        self.fromPDF = fromPDF
    }

    /// Splits `text` into lines; form feeds start new pages.
    public init(text: String, source: String, fromPDF: Bool = false) {
        var lines: [TextLine] = []
        var page = 1
        var number = 0
        // Pages are known for a PDF, and for text that keeps pdftotext's form feeds.
        let paged = fromPDF || text.contains("\u{0C}")
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var line = Substring(raw)
            while line.hasPrefix("\u{0C}") { page += 1; line = line.dropFirst() }
            if line.hasSuffix("\r") { line = line.dropLast() }
            lines.append(TextLine(number: number, page: paged ? page : nil, text: Self.normalise(String(line))))
        }
        if fromPDF || text.contains("\u{0C}") { Self.dropPageNumbers(&lines) }
        self.init(source: source, lines: lines, fromPDF: fromPDF)
    }

    /// Blanks the page number printed at the foot of each page ("12", "- 12 -", "第 12 页"), so that
    /// prose running on to the next page is not read as "1225.28" (the footer glued to a figure).
    /// Line numbers stay as they were.
    static func dropPageNumbers(_ lines: inout [TextLine]) {
        var index = 0
        while index < lines.count {
            // The last non-empty line before a new page (or the end).
            let page = lines[index].page
            var end = index
            while end + 1 < lines.count, lines[end + 1].page == page { end += 1 }
            if let last = lines[index...end].lastIndex(where: { !$0.text.trimmingCharacters(in: .whitespaces).isEmpty }),
               isPageNumber(lines[last].text) {
                lines[last].text = ""
            }
            index = end + 1
        }
    }

    /// "12", "- 12 -", "— 12 —", "第 12 页", "第12页 共30页", "12 / 30".
    static func isPageNumber(_ text: String) -> Bool {
        let compact = text.filter { !$0.isWhitespace }
        guard !compact.isEmpty, compact.count <= 12 else { return false }
        let patterns = [#"^\d{1,4}$"#, #"^[-—–－]\d{1,4}[-—–－]$"#, #"^第\d{1,4}页(共\d{1,4}页)?$"#, #"^\d{1,4}/\d{1,4}$"#]
        return patterns.contains { compact.range(of: $0, options: .regularExpression) != nil }
    }

    /// NFKC only where needed (it is slow), plus the few compatibility forms NFKC leaves alone.
    static func normalise(_ text: String) -> String {
        let needs = text.unicodeScalars.contains { scalar in
            (0xFF00...0xFFEF).contains(scalar.value) || (0x2F00...0x2FDF).contains(scalar.value)
                || (0x2E80...0x2EFF).contains(scalar.value) || (0xF900...0xFAFF).contains(scalar.value)
        }
        return needs ? text.precomposedStringWithCompatibilityMapping : text
    }

    /// Reads a published report: `.pdf` through `pdftotext -layout`, anything else as UTF-8 text.
    public static func read(_ url: URL, displayName: String? = nil) throws(InputError) -> PublishedText {
        let name = displayName ?? url.path
        // The kind is told by the first bytes, not the name: a PDF saved as .txt is still a PDF, and
        // a workbook is not "text that is not UTF-8".
        let head = (try? FileHandle(forReadingFrom: url))
            .flatMap { handle in defer { try? handle.close() }; return try? handle.read(upToCount: 8) } ?? Data()
        if url.pathExtension.lowercased() == "pdf" || head.starts(with: Data("%PDF-".utf8)) {
            return try readPDF(url, name: name)
        }
        if let kind = FileKind.sniff(head) {
            throw InputError(file: name, reason: "这是\(kind.chineseName)，不是已公开报告的文字或 PDF。\(kind.advice)")
        }
        let text = try TextFile.read(url, displayName: name)
        guard text.contains(where: { !$0.isWhitespace }) else {
            throw InputError(file: name, reason: "文件是空的，没有可审阅的内容")
        }
        return PublishedText(text: text, source: name)
    }

    /// At most this many pages of a PDF are read, and pdftotext gets at most `secondsLimit` of wall
    /// clock (which bounds its CPU time too: it is single-threaded) before it is killed: a small
    /// hostile PDF (hundreds of pages sharing one content stream) must not hold the cores for minutes.
    public static let pageLimit = 500
    public static let secondsLimit: Double = 60

    static func readPDF(_ url: URL, name: String, secondsLimit: Double = PublishedText.secondsLimit) throws(InputError) -> PublishedText {
        guard FileManager.default.fileExists(atPath: url.path) else { throw InputError(file: name, reason: "文件不存在") }
        guard let head = try? FileHandle(forReadingFrom: url).readData(ofLength: 5), head == Data("%PDF-".utf8) else {
            throw InputError(file: name, line: 1, reason: "不是 PDF 文件（文件头不是 %PDF-）")
        }
        guard let executable = Tools.find(["pdftotext"])?.path else {
            throw InputError(file: name, reason: "读取 PDF 需要 poppler 的 pdftotext（Debian：apt-get install poppler-utils poppler-data）", missingTool: true)
        }
        // Both extractions at once, each into a temporary file, each a child in a process group of its
        // own with a time limit (ChildProcess: spawned and reaped with waitpid, no run loop, its error
        // output discarded so that no pipe can fill): the text laid out as printed, and the word boxes.
        let stem = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-pdf-\(UUID().uuidString)").path
        let textFile = stem + ".txt", boxes = stem + ".html"
        let cleanup = Interrupts.register {
            Interrupts.remove(URL(fileURLWithPath: textFile))
            Interrupts.remove(URL(fileURLWithPath: boxes))
        }
        defer {
            try? FileManager.default.removeItem(atPath: textFile)
            try? FileManager.default.removeItem(atPath: boxes)
            Interrupts.unregister(cleanup)
        }
        let started = DispatchTime.now()
        let boxStatus = Captured<Int32>()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            boxStatus.value = try? ChildProcess.run(executable, ["-bbox-layout", "-l", String(pageLimit), "-enc", "UTF-8", "-q", url.path, boxes],
                                                     secondsLimit: secondsLimit)
        }
        let status: Int32
        do {
            status = try ChildProcess.run(executable, ["-layout", "-l", String(pageLimit), "-enc", "UTF-8", "-q", url.path, textFile],
                                          secondsLimit: secondsLimit)
        } catch {
            group.wait()
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            if elapsed >= secondsLimit {
                throw InputError(file: name, reason: "pdftotext 超过 \(Int(secondsLimit)) 秒仍未读完，已停止（PDF 的结构异常或过于复杂）")
            }
            throw InputError(file: name, reason: "无法运行 pdftotext：\(error)")
        }
        group.wait()
        // Past the limit is past the limit, whether the watchdog or the program finished first.
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        if elapsed > secondsLimit {
            throw InputError(file: name, reason: "pdftotext 超过 \(Int(secondsLimit)) 秒仍未读完，已停止（PDF 的结构异常或过于复杂）")
        }
        guard status == 0, let data = FileManager.default.contents(atPath: textFile) else {
            throw InputError(file: name, reason: "pdftotext 无法读取这个 PDF（文件损坏或已加密）")
        }
        let text = String(decoding: data, as: UTF8.self)
        guard text.unicodeScalars.contains(where: { $0.value >= 0x4E00 && $0.value <= 0x9FFF }) else {
            throw InputError(file: name, reason: "PDF 中没有可提取的中文文字（可能是扫描件，需要先做文字识别）")
        }
        var result = PublishedText(text: text, source: name, fromPDF: true)
        if boxStatus.value == 0, let data = FileManager.default.contents(atPath: boxes) { result.words = WordBoxes.parse(data) }
        return result
    }
}

/// A value set on one thread and read on another.
final class Captured<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value?
    var value: Value? {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}

/// Binary formats people give juesuan by mistake, told by their first bytes.
public enum FileKind: Sendable {
    case zip, oleDocument, pdf

    /// The kind of a file starting with `head`, when it is one of these.
    public static func sniff(_ head: Data) -> FileKind? {
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) { return .oleDocument }
        if head.starts(with: Data("%PDF-".utf8)) { return .pdf }
        return nil
    }

    /// What the file is, in Chinese.
    public var chineseName: String {
        switch self {
        case .zip: "Excel 工作簿或其他压缩文件（.xlsx、.docx、.zip）"
        case .oleDocument: "旧版 Office 文件（.xls 或 .doc）"
        case .pdf: "PDF 文件"
        }
    }

    /// What to do instead, in Chinese.
    public var advice: String {
        switch self {
        case .zip: "juesuan 生成的 workbook.xlsx 请用 juesuan import 读回为数据集；已公开的报告请给 PDF 或提取的文字。"
        case .oleDocument: "请在 Office 中另存为 PDF 或 .xlsx 后再试。"
        case .pdf: "已公开的 PDF 请用 juesuan audit 审阅，或用 juesuan import 读为数据集。"
        }
    }
}
