/// An exact amount of money, held as an integer number of 分 (0.01 元).
///
/// 金额. Tables print 万元 with two decimals, self-evaluation forms print 元; both are the same
/// `Money` value shown at a different `MoneyUnit` and precision. Never a floating-point number.
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The amount in 分 (hundredths of a 元).
    public var fen: Int64

    /// An amount of `fen` 分.
    public init(fen: Int64) { self.fen = fen }

    /// Zero.
    public static let zero = Money(fen: 0)

    /// `yuan` whole 元.
    public static func yuan(_ yuan: Int64) -> Money { Money(fen: yuan * 100) }

    /// `wan` whole 万元.
    public static func wan(_ wan: Int64) -> Money { Money(fen: wan * 1_000_000) }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.fen < rhs.fen }
    public static func + (lhs: Money, rhs: Money) -> Money { Money(fen: lhs.fen + rhs.fen) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(fen: lhs.fen - rhs.fen) }
    public static prefix func - (value: Money) -> Money { Money(fen: -value.fen) }
    public static func += (lhs: inout Money, rhs: Money) { lhs.fen += rhs.fen }
    /// The sum, or nil when it does not fit (for sums of unbounded length).
    public func adding(_ other: Money) -> Money? {
        let (sum, overflow) = fen.addingReportingOverflow(other.fen)
        return overflow ? nil : Money(fen: sum)
    }
    /// The difference, or nil when it does not fit.
    public func subtracting(_ other: Money) -> Money? {
        let (difference, overflow) = fen.subtractingReportingOverflow(other.fen)
        return overflow ? nil : Money(fen: difference)
    }
    public static func -= (lhs: inout Money, rhs: Money) { lhs.fen -= rhs.fen }

    /// The absolute amount.
    public var magnitude: Money { Money(fen: fen < 0 ? -fen : fen) }

    /// This amount rounded half-up (away from zero) to `decimals` places of `unit`.
    ///
    /// 按打印精度四舍五入: 18,139,449 分 at 万元 with two decimals becomes 1,813.94 万元.
    public func rounded(to unit: MoneyUnit, decimals: Int) -> Money {
        let step = unit.fenPerUnit / pow10(min(max(decimals, 0), 6))
        guard step > 1 else { return self }
        return Money(fen: Int64(roundHalfUp(Int128(fen), Int128(step))) * step)
    }

    /// Printed as 万元 with thousands separators and two decimals, as the tables print it.
    public var description: String { formatted(unit: .wan) }

    /// Printed in `unit` with `decimals` decimals, half-up, with or without thousands separators.
    ///
    /// `Money(fen: 18_139_400_00).formatted(unit: .wan)` is "1,813.94"; in 元 without separators
    /// and two decimals it is "18139400.00".
    public func formatted(unit: MoneyUnit, decimals requested: Int = 2, grouping: Bool = true) -> String {
        let decimals = min(max(requested, 0), 6)  // 6 decimals of 万元 is one 分; more would overflow
        let scale = pow10(decimals)
        let perStep = Int128(unit.fenPerUnit)
        // Number of 1/10^decimals units, rounded half-up.
        let steps = roundHalfUp(Int128(fen) * Int128(scale), perStep)
        return DecimalText.format(steps: steps, decimals: decimals, grouping: grouping)
    }
}

/// The unit an amount is printed in: 元 or 万元.
public enum MoneyUnit: String, Sendable, CaseIterable, Codable {
    /// 元.
    case yuan = "元"
    /// 万元 (10,000 元), the unit of the nine tables.
    case wan = "万元"

    /// How many 分 make one of this unit.
    public var fenPerUnit: Int64 {
        switch self {
        case .yuan: 100
        case .wan: 1_000_000
        }
    }
}

/// 10^n for small n.
@inlinable
func pow10(_ n: Int) -> Int64 {
    var result: Int64 = 1
    for _ in 0..<max(0, n) { result *= 10 }
    return result
}

/// `numerator / denominator` rounded half away from zero (四舍五入). `denominator` > 0.
@inlinable
public func roundHalfUp(_ numerator: Int128, _ denominator: Int128) -> Int128 {
    precondition(denominator > 0, "denominator must be positive")
    let negative = numerator < 0
    let magnitude = negative ? -numerator : numerator
    let quotient = (magnitude * 2 + denominator) / (denominator * 2)
    return negative ? -quotient : quotient
}

/// Formatting of fixed-point numbers held as integer steps.
public enum DecimalText {
    /// `steps` units of 10^-decimals as text: 181394 with 2 decimals is "1,813.94".
    public static func format(steps: Int128, decimals: Int, grouping: Bool) -> String {
        let negative = steps < 0
        let magnitude = negative ? -steps : steps
        let scale = Int128(pow10(decimals))
        let whole = magnitude / scale
        let fraction = magnitude % scale
        var wholeText = String(whole)
        if grouping && wholeText.count > 3 {
            var grouped = ""
            for (index, character) in wholeText.enumerated() {
                if index > 0 && (wholeText.count - index) % 3 == 0 { grouped.append(",") }
                grouped.append(character)
            }
            wholeText = grouped
        }
        var text = negative ? "-" + wholeText : wholeText
        if decimals > 0 {
            var fractionText = String(fraction)
            while fractionText.count < decimals { fractionText = "0" + fractionText }
            text += "." + fractionText
        }
        return text
    }
}

/// An amount is encoded as its whole number of 分 (an integer: exact, no floating point).
extension Money: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(fen: try decoder.singleValueContainer().decode(Int64.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(fen)
    }
}
