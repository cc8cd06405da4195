import Foundation
import JuesuanCore

/// Prints the disclosure to PDF with headless Chromium (fonts from fonts-noto-cjk are embedded): a
/// cover and contents with page numbers, then the body with page numbers in the footer, prose and
/// forms in A4 portrait, the tables in A4 landscape.
public enum PDFWriter {
    /// The Chromium binary, if installed.
    public static var chromium: URL? { Tools.find(["chromium", "chromium-browser", "google-chrome"]) }

    /// Why a PDF could not be printed.
    public struct Failure: ExplainedError, Sendable {
        public var kind: ProblemKind
        public var description: String
        public var hint: String
    }

    /// The Debian line that installs what printing needs.
    public static let installLine = "apt-get install chromium fonts-noto-cjk poppler-utils"

    /// `report.pdf` as bytes. `body` is the page rendered as `.print`, `outline` its contents.
    /// Page numbers in the contents need poppler (`pdftotext`, `pdfunite`); without it the contents
    /// are printed without them.
    /// A large, faint "草稿" across every printed page (a fixed element repeats on each page when printed).
    static let draftMark = """
        <style>body::after{content:"草稿";position:fixed;top:38%;left:0;right:0;text-align:center;font-size:110pt;font-weight:700;
        color:rgba(190,30,30,.13);transform:rotate(-28deg);z-index:9999;pointer-events:none}</style>
        """

    static func marked(_ html: String, draft: Bool) -> String {
        guard draft, let head = html.range(of: "</head>") else { return html }
        var copy = html
        copy.replaceSubrange(head, with: draftMark + "</head>")
        return copy
    }

    /// `draft`: every page carries a "草稿" watermark (anything not published).
    public static func report(_ disclosure: Disclosure, body: String, outline: [OutlineEntry], date: String, draft: Bool = false) throws -> Data {
        let body = marked(body, draft: draft)
        guard let chromium else {
            throw Failure(kind: .toolMissing, description: "未找到 Chromium，未生成 report.pdf", hint: "Debian：\(installLine)")
        }
        return try inTemporaryFolder { folder in
            let bodyPDF = try print(body, name: "body", in: folder, chromium: chromium)
            if let pdftotext = Tools.find(["pdftotext"]), let pdfunite = Tools.find(["pdfunite"]) {
                let pages = try headingPages(bodyPDF, outline: outline, pdftotext: pdftotext, folder: folder)
                let front = try print(marked(HTMLWriter.front(disclosure, outline: outline, pages: pages, date: date), draft: draft), name: "front", in: folder,
                                      chromium: chromium)
                let joined = folder.appendingPathComponent("report.pdf")
                let status = try ChildProcess.run(pdfunite.path, [front.path, bodyPDF.path, joined.path])
                guard status == 0, let data = FileManager.default.contents(atPath: joined.path) else {
                    throw Failure(kind: .internalFault, description: "pdfunite 合并 PDF 失败（退出状态 \(status)）", hint: "")
                }
                return data
            }
            // Without poppler: cover and contents (no page numbers) printed with the body in one pass.
            var combined = marked(HTMLWriter.front(disclosure, outline: outline, pages: outline.map { _ in nil }, date: date), draft: draft)
            if let cut = combined.range(of: "</body>"), let start = body.range(of: "<body>"), let end = body.range(of: "</body>") {
                combined.replaceSubrange(cut, with: String(body[start.upperBound..<end.lowerBound]) + "</body>")
            }
            let data = try Data(contentsOf: try print(combined, name: "report", in: folder, chromium: chromium))
            return data
        }
    }

    /// A page printed as it is (no cover or contents), as bytes.
    public static func page(_ html: String, draft: Bool = false) throws -> Data {
        guard let chromium else {
            throw Failure(kind: .toolMissing, description: "未找到 Chromium，未生成 PDF", hint: "Debian：\(installLine)")
        }
        return try inTemporaryFolder { folder in
            try Data(contentsOf: try print(marked(html, draft: draft), name: "page", in: folder, chromium: chromium))
        }
    }

    /// Runs `body` with a fresh temporary folder, removed afterwards (and on an interrupt).
    static func inTemporaryFolder<T>(_ body: (URL) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-pdf-\(UUID().uuidString)")
        let cleanup = try Interrupts.guarded {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            return Interrupts.register { Interrupts.remove(folder) }
        }
        defer {
            Interrupts.unregister(cleanup)
            Interrupts.remove(folder)
        }
        return try body(folder)
    }

    /// Prints `html` (written to `folder/name.html`) to `folder/name.pdf`.
    static func print(_ html: String, name: String, in folder: URL, chromium: URL) throws -> URL {
        let page = folder.appendingPathComponent("\(name).html"), pdf = folder.appendingPathComponent("\(name).pdf")
        try Interrupts.guarded { try Data(html.utf8).write(to: page) }
        let profile = folder.appendingPathComponent("profile-\(name)")
        let status = try ChildProcess.run(chromium.path, [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--no-first-run", "--user-data-dir=\(profile.path)",
            "--print-to-pdf=\(pdf.path)", page.absoluteURL.absoluteString,
        ])
        guard status == 0, FileManager.default.fileExists(atPath: pdf.path) else {
            throw Failure(kind: .toolMissing, description: "Chromium 打印 PDF 失败（退出状态 \(status)）", hint: "Debian：\(installLine)")
        }
        return pdf
    }

    /// The page of the body PDF on which each outline entry's heading is printed, found in order.
    static func headingPages(_ pdf: URL, outline: [OutlineEntry], pdftotext: URL, folder: URL) throws -> [Int?] {
        let textFile = folder.appendingPathComponent("body.txt")
        _ = try ChildProcess.run(pdftotext.path, ["-enc", "UTF-8", pdf.path, textFile.path])
        let text = (try? String(contentsOf: textFile, encoding: .utf8)) ?? ""
        let pages = text.split(separator: "\u{0C}", omittingEmptySubsequences: false).map { page in
            String(page.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) })
        }
        var result: [Int?] = [], current = 0
        for entry in outline {
            let needle = String(entry.title.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) })
            if let found = (current..<pages.count).first(where: { pages[$0].contains(needle) }) {
                result.append(found + 1)
                current = found
            } else {
                result.append(nil)
            }
        }
        return result
    }
}
