import Foundation

/// Text a person typed or a file named, checked before it is stored: NUL (which PostgreSQL refuses
/// and SQLite would cut at), other control characters, and the bidirectional controls that make a
/// name read differently from what it is (U+202E turns `exe.xlsx` around) are refused with a Chinese
/// message naming the field.
enum TextInput {
    static let bidi: Set<UInt32> = [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]

    /// The reason `text` cannot be stored as `what`, or nil. `multiline`: line breaks and tabs allowed.
    static func problem(_ text: String, _ what: String, multiline: Bool = false) -> String? {
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value == 0 { return "\(what)含有 NUL 字符（U+0000）" }
            if bidi.contains(value) { return "\(what)含有改变文字方向的控制字符（U+\(String(format: "%04X", value))）" }
            if value < 0x20 || (0x7F...0x9F).contains(value) {
                if multiline, value == 0x0A || value == 0x0D || value == 0x09 { continue }
                return "\(what)含有控制字符（U+\(String(format: "%04X", value))）"
            }
        }
        return nil
    }

    static func check(_ text: String, _ what: String, multiline: Bool = false) throws {
        if let problem = problem(text, what, multiline: multiline) { throw StoreError.invalid(problem + "，请删去后重试。") }
    }
}
