import Foundation

/// A word of a PDF page with its box, as `pdftotext -bbox-layout` gives it (points, origin top left).
public struct PageWord: Hashable, Sendable {
    /// 1-based page.
    public var page: Int
    public var xMin: Double
    public var yMin: Double
    public var xMax: Double
    public var yMax: Double
    /// The word, NFKC-normalised like the text lines.
    public var text: String
    /// Index of the line (as poppler grouped the words) on its page, counted over the document.
    public var line: Int

    public init(page: Int, xMin: Double, yMin: Double, xMax: Double, yMax: Double, text: String, line: Int) {
        self.page = page
        self.xMin = xMin
        self.yMin = yMin
        self.xMax = xMax
        self.yMax = yMax
        self.text = text
        self.line = line
    }

    var xCenter: Double { (xMin + xMax) / 2 }
    var yCenter: Double { (yMin + yMax) / 2 }
    var width: Double { xMax - xMin }
}

/// Reads the XHTML that `pdftotext -bbox-layout` writes. A byte scanner, not an XML parser: the
/// input comes from arbitrary PDFs (Foundation's XMLParser traps on invalid UTF-8 inside a tag), and
/// only `<page>`, `<line>` and `<word>` matter. Anything it does not understand is skipped.
public enum WordBoxes {
    public static func parse(_ data: Data) -> [PageWord] {
        var words: [PageWord] = []
        let bytes = [UInt8](data)
        var index = 0
        var page = 0
        var line = 0
        let count = bytes.count
        func starts(_ text: String, at position: Int) -> Bool {
            let pattern = Array(text.utf8)
            guard position + pattern.count <= count else { return false }
            for offset in 0..<pattern.count where bytes[position + offset] != pattern[offset] { return false }
            return true
        }
        /// The value of attribute `name` inside the tag bytes[start..<end].
        func attribute(_ name: String, _ start: Int, _ end: Int) -> Double? {
            let key = Array((name + "=\"").utf8)
            var position = start
            while position + key.count < end {
                if bytes[position] == key[0], Array(bytes[position..<(position + key.count)]) == key {
                    var valueEnd = position + key.count
                    while valueEnd < end, bytes[valueEnd] != UInt8(ascii: "\"") { valueEnd += 1 }
                    guard let text = String(bytes: bytes[(position + key.count)..<valueEnd], encoding: .utf8) else { return nil }
                    return Double(text)
                }
                position += 1
            }
            return nil
        }
        while index < count {
            guard bytes[index] == UInt8(ascii: "<") else { index += 1; continue }
            if starts("<page", at: index) {
                page += 1
                index += 5
            } else if starts("<line", at: index) {
                line += 1
                index += 5
            } else if starts("<word", at: index) {
                var tagEnd = index
                while tagEnd < count, bytes[tagEnd] != UInt8(ascii: ">") { tagEnd += 1 }
                var textEnd = tagEnd + 1
                while textEnd < count, bytes[textEnd] != UInt8(ascii: "<") { textEnd += 1 }
                if tagEnd < count, let xMin = attribute("xMin", index, tagEnd), let yMin = attribute("yMin", index, tagEnd),
                   let xMax = attribute("xMax", index, tagEnd), let yMax = attribute("yMax", index, tagEnd),
                   xMin.isFinite, yMin.isFinite, xMax.isFinite, yMax.isFinite, page > 0 {
                    let raw = String(decoding: bytes[min(tagEnd + 1, textEnd)..<textEnd], as: UTF8.self)
                    let text = PublishedText.normalise(unescape(raw))
                    if !text.isEmpty {
                        words.append(PageWord(page: page, xMin: xMin, yMin: yMin, xMax: xMax, yMax: yMax, text: text, line: line))
                    }
                }
                index = textEnd
            } else {
                index += 1
            }
        }
        return words
    }

    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }
}
