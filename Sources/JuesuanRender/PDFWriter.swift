import Foundation
import JuesuanCore

/// Prints our HTML to PDF with headless Chromium (fonts from fonts-noto-cjk are embedded).
public enum PDFWriter {
    /// The Chromium binary, if installed.
    public static var chromium: URL? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].map(URL.init(fileURLWithPath:))
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Why a PDF could not be printed.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Prints `html` (a file) to `pdf`, through a temporary file renamed into place.
    public static func print(html: URL, to pdf: URL) throws {
        guard let chromium else { throw Failure(description: "未找到 Chromium（Debian：apt-get install chromium fonts-noto-cjk），未生成 PDF") }
        let temporary = pdf.deletingLastPathComponent().appendingPathComponent(".\(pdf.lastPathComponent).\(UUID().uuidString).pdf")
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = chromium
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--user-data-dir=\(profile.path)",
                             "--print-to-pdf=\(temporary.path)", html.absoluteURL.absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: temporary.path) else {
            try? FileManager.default.removeItem(at: temporary)
            throw Failure(description: "Chromium 打印 PDF 失败（退出状态 \(process.terminationStatus)）")
        }
        if FileManager.default.fileExists(atPath: pdf.path) { try FileManager.default.removeItem(at: pdf) }
        try Rename.move(temporary, to: pdf)
    }
}
