import Foundation

/// JSON as juesuan writes it: from an encoder, keys sorted, readable, Chinese left as it is.
public enum JSONText {
    /// `value` encoded; the encoder cannot fail on juesuan's own documents (no floating point, no
    /// keys but strings), so a failure is a programming error.
    public static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
        } catch {
            preconditionFailure("JSON 编码失败：\(error)")
        }
    }
}
