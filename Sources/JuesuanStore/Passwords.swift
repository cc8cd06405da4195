import Foundation

/// What a password must be, checked before any hashing: bcrypt uses only the first 72 bytes, so a
/// longer password is refused rather than silently cut.
enum Passwords {
    static let minimumCharacters = 8
    /// bcrypt's limit (UTF-8 bytes): 72 ASCII characters, 24 Chinese characters.
    static let maximumBytes = 72
    /// A login attempt with a longer password is refused before any work (no bcrypt, no database).
    static let maximumAttemptBytes = 1024

    /// Common choices, compared case-insensitively (the lists attackers try first).
    static let common: Set<String> = [
        "password", "password1", "password123", "passw0rd", "p@ssw0rd", "p@ssword", "qwertyui", "qwertyuiop",
        "qwerty123", "1qaz2wsx", "1q2w3e4r", "1q2w3e4r5t", "admin123", "admin1234", "administrator", "iloveyou",
        "woaini1314", "woaini520", "abc12345", "abcd1234", "a1234567", "a12345678", "aa123456", "zxcvbnm1",
        "asdfghjk", "welcome1", "letmein1", "juesuan1", "changeme",
    ]

    /// Refuses a new password that is too short, too long for bcrypt, blank, trivial or the login.
    static func check(_ password: String, login: String) throws {
        if password.count < minimumCharacters { throw StoreError.invalid("密码至少 \(minimumCharacters) 个字符。") }
        if password.utf8.count > maximumBytes {
            throw StoreError.invalid("密码不超过 \(maximumBytes) 个字节（约 72 个字母或 24 个汉字），现有 \(password.utf8.count) 个字节。")
        }
        if password.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw StoreError.invalid("密码不能含控制字符。")
        }
        if password.allSatisfy(\.isWhitespace) { throw StoreError.invalid("密码不能全是空格。") }
        if let reason = triviality(password, login: login) { throw StoreError.invalid("密码过于简单：\(reason)。请换一个。") }
    }

    static func triviality(_ password: String, login: String) -> String? {
        let lower = password.lowercased()
        if Set(lower).count < 4 { return "不同的字符少于 4 个" }
        if common.contains(lower) { return "这是最常见的密码之一" }
        if !login.isEmpty, lower.contains(login.lowercased()) { return "含有登录名" }
        // 12345678, abcdefgh, 87654321: each character one after or before the last.
        let scalars = lower.unicodeScalars.map(\.value)
        let steps = Set(zip(scalars, scalars.dropFirst()).map { Int($1) - Int($0) })
        if steps == [1] || steps == [-1] { return "是连续的字符" }
        return nil
    }
}
