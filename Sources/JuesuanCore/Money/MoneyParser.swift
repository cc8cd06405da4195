import Foundation

/// Why a printed amount could not be read.
public enum MoneyParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing but blanks.
    case empty
    /// A character that has no place in an amount ("12abc").
    case invalidCharacter(Character)
    /// Thousands separators in the wrong places ("1,81,3.94").
    case misplacedSeparator
    /// More decimals than 分 can hold in this unit ("1.234" 元).
    case tooPrecise(decimals: Int, allowed: Int)
    /// Too large to hold.
    case overflow
    /// A decimal point with no digits after it ("121."): the figure was cut off.
    case truncated
    /// A second decimal point ("1.2.3").
    case secondPoint
    /// No digits before the decimal point (".5").
    case noWholeDigits

    /// The reason in Chinese, for messages.
    public var description: String {
        switch self {
        case .empty: "金额为空"
        case .invalidCharacter(let character): "含有不能出现在金额中的字符“\(character)”"
        case .misplacedSeparator: "千位分隔符位置不对（应每三位一个逗号）"
        case .tooPrecise(let decimals, let allowed): "小数位数为 \(decimals) 位，超过该单位可精确到分的 \(allowed) 位"
        case .truncated: "小数点后没有数字，金额像是被截断了（应写作如 121.00）"
        case .secondPoint: "有两个小数点"
        case .noWholeDigits: "小数点前没有数字（应写作如 0.5）"
        case .overflow: "金额过大（超过 \(MoneyParser.limitText)），不像是一个单位的决算数"
        }
    }
}

/// An amount read from print, with the precision it was printed at.
public struct PrintedAmount: Hashable, Sendable {
    /// The exact value.
    public var money: Money
    /// Number of decimals printed ("855.1" has 1, "1,813.94" has 2).
    public var decimals: Int

    public init(money: Money, decimals: Int) {
        self.money = money
        self.decimals = decimals
    }
}

/// Strict parser for amounts as reports print them: "1,813.94", "855.1", "0.15", "-12.30",
/// "5343879.38". Unlike `Decimal(string:)`, it never accepts a prefix of the text.
public enum MoneyParser {
    /// The largest amount read: 100 万亿元 (10^16 分), above the whole country's annual spending, so
    /// that the sums the rules take (at most 100 children of a code, 26 classes, 12 columns) cannot
    /// overflow Int64 分; longer sums are checked (`Money.adding`).
    public static let maximumFen: Int64 = 10_000_000_000_000_000
    /// `maximumFen` as written in messages.
    public static let limitText = "100 万亿元"

    /// Reads `text` as an amount in `unit`.
    public static func parse(_ text: String, unit: MoneyUnit) throws(MoneyParseError) -> PrintedAmount {
        var characters = Substring(text.trimmingSpaces())
        guard !characters.isEmpty else { throw .empty }
        var negative = false
        if let first = characters.first, first == "-" || first == "−" || first == "－" {
            negative = true
            characters = characters.dropFirst()
        }
        guard !characters.isEmpty else { throw .empty }
        var wholeDigits: [UInt8] = []
        var fractionDigits: [UInt8] = []
        var groupSizes: [Int] = []
        var currentGroup = 0
        var sawPoint = false
        var sawComma = false
        for character in characters {
            if let digit = character.asciiDigit {
                if sawPoint { fractionDigits.append(digit) } else { wholeDigits.append(digit); currentGroup += 1 }
            } else if character == "," {
                guard !sawPoint, currentGroup > 0 else { throw .misplacedSeparator }
                sawComma = true
                groupSizes.append(currentGroup)
                currentGroup = 0
            } else if character == "." {
                guard !sawPoint else { throw .secondPoint }
                sawPoint = true
            } else {
                throw .invalidCharacter(character)
            }
        }
        if sawComma {
            groupSizes.append(currentGroup)
            let first = groupSizes[0]
            guard (1...3).contains(first), groupSizes.dropFirst().allSatisfy({ $0 == 3 }) else {
                throw .misplacedSeparator
            }
        }
        guard !wholeDigits.isEmpty else { throw sawPoint ? .noWholeDigits : .invalidCharacter(".") }
        if sawPoint && fractionDigits.isEmpty { throw .truncated }
        let allowed = unit == .wan ? 6 : 2
        guard fractionDigits.count <= allowed else {
            throw .tooPrecise(decimals: fractionDigits.count, allowed: allowed)
        }
        var fen: Int64 = 0
        for digit in wholeDigits {
            let (shifted, o1) = fen.multipliedReportingOverflow(by: 10)
            let (added, o2) = shifted.addingReportingOverflow(Int64(digit))
            guard !o1, !o2 else { throw .overflow }
            fen = added
        }
        var fraction: Int64 = 0
        for digit in fractionDigits { fraction = fraction * 10 + Int64(digit) }
        fraction *= pow10(allowed - fractionDigits.count)
        let (scaled, o3) = fen.multipliedReportingOverflow(by: unit.fenPerUnit)
        guard !o3 else { throw .overflow }
        // `fraction` is in units of 10^-allowed, which is exactly one 分 in either unit.
        let (total, o4) = scaled.addingReportingOverflow(fraction)
        guard !o4, total <= MoneyParser.maximumFen else { throw .overflow }
        return PrintedAmount(money: Money(fen: negative ? -total : total), decimals: fractionDigits.count)
    }

    /// Reads `text` as an amount, or nil when it is not one.
    public static func parseOrNil(_ text: String, unit: MoneyUnit) -> PrintedAmount? {
        try? parse(text, unit: unit)
    }

    /// The fast path for machine-written files (cells files: millions of amounts): 分 of a plain 元
    /// amount "-12345.67", "12345.6" or "12345" in `range` of `bytes` — no separators, at most two
    /// decimals; nil for anything else (the caller then reports the line) or beyond the limit.
    @inlinable
    public static func plainYuanFen(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int64? {
        var at = range.lowerBound
        guard at < range.upperBound else { return nil }
        var negative = false
        if bytes[at] == 45 { negative = true; at += 1 }
        var whole: Int64 = 0, digits = 0
        while at < range.upperBound, bytes[at] &- 48 < 10 {
            whole = whole * 10 + Int64(bytes[at] - 48); digits += 1; at += 1
            if digits > 15 { return nil }
        }
        guard digits > 0 else { return nil }
        var fraction: Int64 = 0
        if at < range.upperBound {
            guard bytes[at] == 46 else { return nil }
            at += 1
            let first = at
            while at < range.upperBound, bytes[at] &- 48 < 10 {
                guard at - first < 2 else { return nil }  // at most two decimals (and no overflow)
                fraction = fraction * 10 + Int64(bytes[at] - 48); at += 1
            }
            let decimals = at - first
            guard decimals >= 1, decimals <= 2, at == range.upperBound else { return nil }
            if decimals == 1 { fraction *= 10 }
        }
        let fen = whole * 100 + fraction
        guard fen <= maximumFen else { return nil }
        return negative ? -fen : fen
    }
}

extension Character {
    /// The value of an ASCII digit, or nil.
    var asciiDigit: UInt8? {
        guard let ascii = asciiValue, ascii >= 48, ascii <= 57 else { return nil }
        return ascii - 48
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and newlines (ASCII and ideographic).
    public func trimmingSpaces() -> String {
        // Fast path: nothing to trim when the first and last bytes are neither ASCII spaces nor the
        // lead bytes of U+3000 (E3) or U+00A0 (C2).
        let utf8 = self.utf8
        guard let first = utf8.first, let last = utf8.last else { return "" }
        func plain(_ byte: UInt8) -> Bool { byte > 32 && byte != 0xE3 && byte != 0xC2 && byte != 0x80 && byte != 0xA0 }
        if plain(first) && plain(last) { return String(self) }
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{3000}" || $0 == "\u{00A0}" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return String(self[start...end])
    }
}

/// Exact reading of scores and weights ("99.65", "0.8", "20").
public enum ScoreText {
    /// The number written in `text` (up to 6 decimals), or nil.
    public static func parse(_ text: String) -> Decimal? {
        guard let amount = try? MoneyParser.parse(text, unit: .wan) else { return nil }
        return Decimal(sign: amount.money.fen < 0 ? .minus : .plus, exponent: -6,
                       significand: Decimal(amount.money.fen.magnitude))
    }
}
