import Foundation
import JuesuanCore

/// A number read from an indicator value, normalised: "16.6万" is 166000, "千分之二" is 0.002,
/// "98%" is 0.98.
public struct Quantity: Hashable, Sendable, CustomStringConvertible {
    /// The normalised value.
    public var value: Decimal
    /// The unit word after the number ("次", "份", "起"), without magnitude; "%" for percentages.
    public var unit: String

    public init(value: Decimal, unit: String) {
        self.value = value
        self.unit = unit
    }

    public var description: String { "\(value)\(unit)" }
}

/// What an indicator's target (年初目标值) asks for.
public enum Target: Hashable, Sendable {
    /// ≥X: more is better (正向指标).
    case atLeast(Quantity)
    /// ≤X: less is better (反向指标).
    case atMost(Quantity)
    /// A range "97%≤98%≤100%": met anywhere inside [low, high].
    case range(low: Quantity, high: Quantity)
    /// A plain amount "1次", "20个", "100%": met when reached.
    case exactly(Quantity)
    /// A qualitative target: "完成", "按时限完成", "投诉量下降".
    case qualitative(String)
}

/// What was achieved (实际完成值).
public enum Actual: Hashable, Sendable {
    /// A number.
    case quantity(Quantity)
    /// A qualitative statement.
    case qualitative(String)
    /// Nothing written.
    case blank
}

/// Reads indicator values as people write them.
public enum IndicatorValue {
    /// Reads a target; nil when it is blank.
    public static func target(_ text: String) -> Target? {
        let cleaned = normalise(text)
        guard !cleaned.isEmpty else { return nil }
        // A range: a≤b≤c (the middle value is the planned point, the bounds the tolerance).
        let parts = cleaned.split(separator: "≤", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 3, let low = quantity(parts[0]), let high = quantity(parts[2]) {
            return .range(low: low, high: high)
        }
        for (prefix, make) in [("≥", Target.atLeast), (">=", Target.atLeast), ("不低于", Target.atLeast), ("不少于", Target.atLeast),
                               ("≤", Target.atMost), ("<=", Target.atMost), ("不高于", Target.atMost), ("不超过", Target.atMost),
                               ("低于", Target.atMost), ("＞", Target.atLeast), (">", Target.atLeast), ("<", Target.atMost)] {
            if cleaned.hasPrefix(prefix), let value = quantity(String(cleaned.dropFirst(prefix.count))) {
                return make(value)
            }
        }
        if let value = quantity(cleaned) { return .exactly(value) }
        return .qualitative(cleaned)
    }

    /// Reads an actual value.
    public static func actual(_ text: String) -> Actual {
        let cleaned = normalise(text)
        guard !cleaned.isEmpty else { return .blank }
        if let value = quantity(cleaned) { return .quantity(value) }
        return .qualitative(cleaned)
    }

    /// NFKC, no spaces, ≧≦ as ≥≤.
    public static func normalise(_ text: String) -> String {
        // NFKC only when a compatibility character other than the full-width ASCII forms is present:
        // it is costly, and the full-width forms (digits, ％, ：) map by a fixed offset.
        let needsCompatibility = text.unicodeScalars.contains { scalar in
            (0xFF5F...0xFFEF).contains(scalar.value) || (0x2F00...0x2FDF).contains(scalar.value) || (0x2460...0x24FF).contains(scalar.value)
        }
        let source = needsCompatibility ? text.precomposedStringWithCompatibilityMapping : text
        var result = String.UnicodeScalarView()
        for scalar in source.unicodeScalars {
            switch scalar {
            case " ", "\u{3000}", "\t", "\n", "\r": continue
            case "≧": result.append("≥")
            case "≦": result.append("≤")
            case "\u{FF01}"..."\u{FF5E}": result.append(Unicode.Scalar(scalar.value - 0xFEE0)!)
            default: result.append(scalar)
            }
        }
        return String(result)
    }

    /// Whether `text` contains `word`; a plain scan, much cheaper than Foundation's on short strings.
    public static func contains(_ text: String, _ word: String) -> Bool {
        let haystack = Array(text.unicodeScalars), needle = Array(word.unicodeScalars)
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }

    static let thousandth = Decimal(sign: .plus, exponent: -3, significand: 1)
    static let hundredth = Decimal(sign: .plus, exponent: -2, significand: 1)
    static let tenThousandth = Decimal(sign: .plus, exponent: -4, significand: 1)

    static let chineseDigits: [Character: Int] = ["零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
                                                  "六": 6, "七": 7, "八": 8, "九": 9]

    /// A Chinese numeral below 10,000 ("四", "十二", "一百五十").
    static func chineseNumber(_ text: Substring) -> Int? {
        guard !text.isEmpty else { return nil }
        var total = 0, current = 0
        for character in text {
            if let digit = chineseDigits[character] { current = digit; continue }
            let multiplier: Int
            switch character {
            case "十": multiplier = 10
            case "百": multiplier = 100
            case "千": multiplier = 1000
            default: return nil
            }
            total += (current == 0 ? 1 : current) * multiplier
            current = 0
        }
        return total + current
    }

    /// A number with optional magnitude and unit: "3600次", "16.6万", "98%", "千分之二", "4万", "0.5‰".
    public static func quantity(_ text: String) -> Quantity? {
        var rest = Substring(text)
        for (prefix, scale) in [("千分之", thousandth), ("百分之", hundredth), ("万分之", tenThousandth)] {
            if rest.hasPrefix(prefix) {
                rest = rest.dropFirst(prefix.count)
                let digits = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
                let value: Decimal
                if !digits.isEmpty, let number = ScoreText.parse(String(digits)) {
                    value = number
                    rest = rest.dropFirst(digits.count)
                } else {
                    let numeral = rest.prefix { chineseDigits[$0] != nil || "十百千".contains($0) }
                    guard let number = chineseNumber(numeral) else { return nil }
                    value = Decimal(number)
                    rest = rest.dropFirst(numeral.count)
                }
                return rest.isEmpty || isUnitWord(rest) ? Quantity(value: value * scale, unit: String(rest)) : nil
            }
        }
        let digits = rest.prefix { $0.isASCII && ($0.isNumber || $0 == "." || $0 == ",") }
        guard !digits.isEmpty, let number = ScoreText.parse(String(digits.filter { $0 != "," })) else { return nil }
        rest = rest.dropFirst(digits.count)
        var value = number
        var unit = ""
        if rest.hasPrefix("%") { value *= hundredth; unit = "%"; rest = rest.dropFirst() } else if rest.hasPrefix("‰") {
            value *= thousandth; unit = "‰"; rest = rest.dropFirst()
        }
        if rest.hasPrefix("亿") { value *= 100_000_000; rest = rest.dropFirst() } else if rest.hasPrefix("万") {
            value *= 10_000; rest = rest.dropFirst()
        }
        guard rest.isEmpty || isUnitWord(rest) else { return nil }
        if unit.isEmpty { unit = String(rest) }
        return Quantity(value: value, unit: unit)
    }

    /// Short unit words: 次, 本, 期, 份, 个, 人, 台, 册, 起, 件, 家, 项, 篇, 天, 元, 万元, 小时, 户 …
    static func isUnitWord(_ text: Substring) -> Bool {
        text.count <= 3 && text.allSatisfy { !$0.isNumber && !"完成提升提高下降按时及时".contains($0) }
    }
}
