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
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var line = Substring(raw)
            while line.hasPrefix("\u{0C}") { page += 1; line = line.dropFirst() }
            if line.hasSuffix("\r") { line = line.dropLast() }
            lines.append(TextLine(number: number, page: fromPDF ? page : nil, text: Self.normalise(String(line))))
        }
        self.init(source: source, lines: lines, fromPDF: fromPDF)
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
        if url.pathExtension.lowercased() == "pdf" {
            return try readPDF(url, name: name)
        }
        let text = try TextFile.read(url, displayName: name)
        guard text.contains(where: { !$0.isWhitespace }) else {
            throw InputError(file: name, reason: "文件是空的，没有可审阅的内容")
        }
        return PublishedText(text: text, source: name)
    }

    static func readPDF(_ url: URL, name: String) throws(InputError) -> PublishedText {
        guard FileManager.default.fileExists(atPath: url.path) else { throw InputError(file: name, reason: "文件不存在") }
        guard let head = try? FileHandle(forReadingFrom: url).readData(ofLength: 5), head == Data("%PDF-".utf8) else {
            throw InputError(file: name, line: 1, reason: "不是 PDF 文件（文件头不是 %PDF-）")
        }
        let executable = ["/usr/bin/pdftotext", "/usr/local/bin/pdftotext"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let executable else {
            throw InputError(file: name, reason: "读取 PDF 需要 poppler 的 pdftotext（Debian：apt-get install poppler-utils poppler-data）")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-layout", "-enc", "UTF-8", url.path, "-"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { throw InputError(file: name, reason: "无法运行 pdftotext：\(error.localizedDescription)") }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        _ = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw InputError(file: name, reason: "pdftotext 无法读取这个 PDF（文件损坏或已加密）")
        }
        let text = String(decoding: data, as: UTF8.self)
        guard text.unicodeScalars.contains(where: { $0.value >= 0x4E00 && $0.value <= 0x9FFF }) else {
            throw InputError(file: name, reason: "PDF 中没有可提取的中文文字（可能是扫描件，需要先做文字识别）")
        }
        return PublishedText(text: text, source: name, fromPDF: true)
    }
}
