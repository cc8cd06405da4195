import Foundation
import JuesuanCore

/// Input that could not be read: a missing file, a malformed amount, a duplicated row.
///
/// The message is Chinese and names the file, the line and the offending value; the CLI prints it
/// and exits with status 2.
public struct InputError: ExplainedError, Equatable, Sendable {
    /// The file, as the user named it.
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// The offending value as written, when there is one.
    public var value: String?
    /// What is wrong, in Chinese.
    public var reason: String
    /// The input cannot be read because a program juesuan needs for it (pdftotext) is missing.
    public var missingTool = false

    public init(file: String, line: Int? = nil, value: String? = nil, reason: String, missingTool: Bool = false) {
        self.file = file
        self.line = line
        self.value = value
        self.reason = reason
        self.missingTool = missingTool
    }

    /// Unreadable when nothing in the file is named, invalid when a line or a value is.
    public var kind: ProblemKind { missingTool ? .toolMissing : line != nil || value != nil ? .inputInvalid : .inputUnreadable }

    /// What to do; the reason says it.
    public var hint: String { "" }

    /// "文件:行：原因（值：“…”）".
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += "：" + reason
        if let value { text += "（值：“\(value)”）" }
        return text
    }
}

/// Reading text files strictly as UTF-8.
public enum TextFile {
    /// The contents of `url` as UTF-8 text without a byte-order mark.
    ///
    /// A missing file, a folder, or bytes that are not UTF-8 (a GBK file saved by Excel) raise an
    /// `InputError` that names the line of the first bad byte.
    public static func read(_ url: URL, displayName: String? = nil) throws(InputError) -> String {
        let name = displayName ?? url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw InputError(file: name, reason: "文件不存在")
        }
        guard !isDirectory.boolValue else { throw InputError(file: name, reason: "这是一个文件夹，不是文件") }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw InputError(file: name, reason: "无法读取文件：\(FileProblem.describe(error, path: url.path))")
        }
        return try decode(data, name: name)
    }

    /// `data` as UTF-8 text; names the line of the first invalid byte otherwise.
    public static func decode(_ data: Data, name: String) throws(InputError) -> String {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let text = String(validating: bytes, as: UTF8.self) {
            return text
        }
        let (line, snippet) = firstInvalidByte(bytes)
        throw InputError(file: name, line: line, value: snippet,
                         reason: "不是 UTF-8 编码的文本（可能是 GBK 等编码）；请在 Excel 或编辑器中“另存为 UTF-8”后再试")
    }

    /// The line of the first byte that breaks UTF-8, and the bytes around it in hex.
    static func firstInvalidByte(_ bytes: [UInt8]) -> (Int, String) {
        var line = 1
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A { line += 1; index += 1; continue }
            let length: Int
            switch byte {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: length = 0
            }
            var valid = length > 0 && index + length <= bytes.count
            if valid && length > 1 {
                valid = String(validating: bytes[index..<(index + length)], as: UTF8.self) != nil
            }
            if !valid {
                let end = min(bytes.count, index + 4)
                let hex = bytes[index..<end].map { String(format: "%02X", $0) }.joined(separator: " ")
                return (line, "字节 " + hex)
            }
            index += length
        }
        return (line, "")
    }
}
