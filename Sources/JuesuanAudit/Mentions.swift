import Foundation
import JuesuanCore

/// A figure printed in prose: an amount in 万元, a percentage, or a count.
public struct Mention: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// "1,813.94 万元".
        case amount
        /// "27.5%".
        case percent
        /// "9 个", "3 辆".
        case count
    }

    public var kind: Kind
    /// The number as printed ("1,813.94", "27.5", "9").
    public var text: String
    /// The value (万元 for amounts; percent points for percentages).
    public var value: Decimal
    /// Decimals printed.
    public var decimals: Int
    /// Character range in the passage.
    public var start: Int
    public var end: Int
}

/// Finds figures in a passage by scanning characters (faster than regular expressions here).
enum MentionScanner {
    static func scan(_ characters: [Character]) -> [Mention] {
        var mentions: [Mention] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            guard character.isASCII, character.isNumber else { index += 1; continue }
            // A number must not continue a word of Latin letters or digits.
            if index > 0, let previous = characters[index - 1].asciiValue, (previous >= 65 && previous <= 122) || previous == 46 {
                index += 1
                continue
            }
            var end = index
            while end < characters.count, characters[end].isASCII, characters[end].isNumber || characters[end] == "," || characters[end] == "." {
                end += 1
            }
            var text = String(characters[index..<end])
            while text.hasSuffix(",") || text.hasSuffix(".") { text.removeLast(); end -= 1 }
            var after = end
            while after < characters.count, characters[after] == " " { after += 1 }
            func follows(_ word: String) -> Bool {
                let letters = Array(word)
                return after + letters.count <= characters.count && Array(characters[after..<(after + letters.count)]) == letters
            }
            let plain = text.filter { $0 != "," }
            let decimals = plain.split(separator: ".").dropFirst().first?.count ?? 0
            // Figures of reports: at most 12 integer digits and 4 decimals; anything else is not a figure.
            let integerDigits = plain.split(separator: ".").first?.count ?? 0
            let valid = !(text.includes(",") && (try? MoneyParser.parse(text, unit: .wan)) == nil) && integerDigits <= 12 && decimals <= 4
            if valid, let value = Decimal(string: plain), plain.filter({ $0 == "." }).count <= 1 {
                if follows("万元") {
                    mentions.append(Mention(kind: .amount, text: text, value: value, decimals: decimals, start: index, end: after + 2))
                } else if follows("万"), after + 1 == characters.count || "，,。；;、：:（(）)「」“”\" ".contains(characters[after + 1]) {
                    // "3.5万" alone (not 万人次, 万平方米): an amount in 万元 all the same, so that a figure
                    // that follows in brackets is not taken for it.
                    mentions.append(Mention(kind: .amount, text: text, value: value, decimals: decimals, start: index, end: after + 1))
                } else if follows("%") || follows("％") {
                    mentions.append(Mention(kind: .percent, text: text, value: value, decimals: decimals, start: index, end: after + 1))
                } else if ["个", "辆", "项", "台", "件", "人", "批"].contains(where: follows) && decimals == 0 {
                    mentions.append(Mention(kind: .count, text: text, value: value, decimals: 0, start: index, end: after + 1))
                }
            }
            index = max(end, index + 1)
        }
        return mentions
    }
}

extension Decimal {
    /// Rounded half-up to `decimals` places.
    func roundedHalfUp(_ decimals: Int) -> Decimal {
        var input = self
        var result = Decimal()
        NSDecimalRound(&result, &input, decimals, .plain)
        return result
    }

    /// Printed with `decimals` decimals.
    func text(_ decimals: Int) -> String {
        let rounded = roundedHalfUp(decimals)
        var text = "\(rounded)"
        if decimals > 0 {
            if !text.includes(".") { text += "." }
            let have = text.split(separator: ".").dropFirst().first?.count ?? 0
            text += String(repeating: "0", count: max(0, decimals - have))
        }
        return text
    }
}

extension Money {
    /// The amount in 万元 as a decimal.
    var wanDecimal: Decimal { Decimal(fen) / Decimal(1_000_000) }

    /// An amount of `value` 万元 (rounded to 分).
    init(wan value: Decimal) {
        let fen = (value * Decimal(1_000_000)).roundedHalfUp(0)
        self.init(fen: NSDecimalNumber(decimal: fen).int64Value)
    }
}
