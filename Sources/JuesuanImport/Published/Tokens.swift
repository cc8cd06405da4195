import JuesuanCore

/// A word of a line, with its character offset (its column in `pdftotext -layout` output).
struct Token: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        /// An amount with a decimal point or thousands separators: "1,813.94", "0.15".
        case amount(Money)
        /// A whole number: a 行次, a 栏次, a count.
        case integer(Int)
        /// Anything else.
        case text
    }

    var text: String
    var kind: Kind
    /// Character offset of the first character in the line.
    var offset: Int
    /// Line number the token was read from.
    var line: Int

    var amount: Money? { if case .amount(let money) = kind { money } else { nil } }
    var integer: Int? { if case .integer(let value) = kind { value } else { nil } }
    var isText: Bool { kind == .text }
    var isAmount: Bool { amount != nil }
    var isDigits: Bool { !text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber } }
}

enum Tokenizer {
    /// Whether `text` contains `word`, by a byte scan of their UTF-8 (much cheaper than the generic
    /// string search on these short lines).
    static func has(_ text: String, _ word: String) -> Bool { text.includes(word) }

    /// Splits a line into tokens at runs of spaces (ASCII and ideographic).
    static func tokens(_ text: String, line: Int) -> [Token] {
        var tokens: [Token] = []
        var current = ""
        var start = 0
        var offset = 0
        func flush() {
            guard !current.isEmpty else { return }
            // A code glued to its name ("310资本性支出", "30231公务用车运行维护费") is two words.
            let digits = current.prefix { $0.isASCII && $0.isNumber }
            if [3, 5, 7].contains(digits.count), let next = current.dropFirst(digits.count).first, isCJK(next) {
                tokens.append(Token(text: String(digits), kind: classify(String(digits)), offset: start, line: line))
                let name = String(current.dropFirst(digits.count))
                tokens.append(Token(text: name, kind: .text, offset: start + digits.count, line: line))
            } else {
                tokens.append(Token(text: current, kind: classify(current), offset: start, line: line))
            }
            current = ""
        }
        for character in text {
            if character == " " || character == "\u{3000}" || character == "\t" || character == "\u{00A0}" {
                flush()
            } else {
                if current.isEmpty { start = offset }
                current.append(character)
            }
            offset += 1
        }
        flush()
        return tokens
    }

    static func classify(_ text: String) -> Token.Kind {
        if text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return text.count <= 9 ? .integer(Int(text)!) : .text
        }
        if text.contains(".") || text.contains(",") {
            var body = Substring(text)
            if body.first == "-" { body = body.dropFirst() }
            guard let first = body.first, first.isASCII, first.isNumber else { return .text }
            if let amount = try? MoneyParser.parse(text, unit: .wan), amount.decimals <= 2 { return .amount(amount.money) }
        }
        return .text
    }

    /// Whether a character is CJK (a label character).
    static func isCJK(_ character: Character) -> Bool {
        character.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) || (0x3400...0x4DBF).contains($0.value) }
    }

    /// A printed name as catalogues write it: no spaces, full-width brackets (NFKC turned them ASCII).
    static func name(_ text: String) -> String {
        String(text.compactMap { character -> Character? in
            switch character {
            case " ", "\u{3000}": nil
            case "(": "（"
            case ")": "）"
            default: character
            }
        })
    }

    /// Prose with the Chinese forms of punctuation that NFKC turned ASCII: "，" "：" "；" "（" "）".
    static func chinesePunctuation(_ text: String) -> String {
        String(text.map { character -> Character in
            switch character {
            case ",": "，"
            case ":": "："
            case ";": "；"
            case "(": "（"
            case ")": "）"
            default: character
            }
        })
    }

    /// Label text without spaces, ordinals ("一、", "（一）", "1、") and bracketed remarks.
    static func labelKey(_ text: String) -> String {
        var label = Substring(text.filter { $0 != " " && $0 != "\u{3000}" })
        let ordinals = "一二三四五六七八九十"
        if let separator = label.firstIndex(where: { $0 == "、" || $0 == "." }),
           label[..<separator].allSatisfy({ ordinals.contains($0) || ($0.isASCII && $0.isNumber) }), separator != label.startIndex {
            label = label[label.index(after: separator)...]
        }
        var result = ""
        var depth = 0
        for character in label {
            if character == "（" || character == "(" { depth += 1; continue }
            if character == "）" || character == ")" { depth = max(0, depth - 1); continue }
            if depth == 0 { result.append(character) }
        }
        return result
    }
}
