import Foundation
import JuesuanCore

/// How forms are scored: weights, qualitative tiers, rounding and grades. Data, chosen per dataset
/// (`绩效方案` in disclosure.yaml); the shipped schemes are in `Schemes/*.yaml`.
public struct ScoringScheme: Hashable, Sendable {
    /// Stable id ("hubei-20-20-60", "mof-10-90").
    public var id: String
    /// Chinese name.
    public var name: String
    /// Weight of 预算执行 (20).
    public var executionWeight: Decimal
    /// Weight of 项目绩效总目标 (20; 0 when the form has none).
    public var goalWeight: Decimal
    /// Weight of all indicators together (60).
    public var indicatorsWeight: Decimal
    /// Share of an indicator's weight given for 达成, 部分达成, 未达成 (inside 80–100 %, 50–80 %, 0–50 %).
    public var achievedShare: Decimal
    public var partialShare: Decimal
    public var missedShare: Decimal
    /// Decimals of a printed percentage rate (2: 98.23%).
    public var rateDecimals: Int
    /// Decimals of a printed score (2: 19.65).
    public var scoreDecimals: Int
    /// Grade thresholds, highest first: (grade, minimum score).
    public var grades: [(String, Decimal)]
    /// Indicator names that mean the budget execution rate (成本指标 → actual = computed rate).
    public var costControlNames: [String]

    public init(id: String, name: String, executionWeight: Decimal, goalWeight: Decimal, indicatorsWeight: Decimal,
                achievedShare: Decimal, partialShare: Decimal, missedShare: Decimal, rateDecimals: Int, scoreDecimals: Int,
                grades: [(String, Decimal)], costControlNames: [String]) {
        self.id = id
        self.name = name
        self.executionWeight = executionWeight
        self.goalWeight = goalWeight
        self.indicatorsWeight = indicatorsWeight
        self.achievedShare = achievedShare
        self.partialShare = partialShare
        self.missedShare = missedShare
        self.rateDecimals = rateDecimals
        self.scoreDecimals = scoreDecimals
        self.grades = grades
        self.costControlNames = costControlNames
    }

    public static func == (lhs: ScoringScheme, rhs: ScoringScheme) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// The grade of a score: 优 ≥ 90, 良 80–89, 中 60–79, 差 < 60 in the shipped schemes.
    public func grade(_ score: Decimal) -> String {
        grades.first { score >= $0.1 }?.0 ?? (grades.last?.0 ?? "")
    }
}

/// Half-up rounding of decimals (四舍五入), never half-even.
public func roundHalfUp(_ value: Decimal, _ decimals: Int) -> Decimal {
    var input = value
    var result = Decimal()
    NSDecimalRound(&result, &input, decimals, .plain)
    return result
}

extension Decimal {
    /// Printed with exactly `decimals` decimals, half-up.
    public func printed(_ decimals: Int) -> String {
        let rounded = roundHalfUp(self, decimals)
        let scaled = rounded * Decimal(sign: .plus, exponent: decimals, significand: 1)
        let steps = Int128(NSDecimalNumber(decimal: scaled).int64Value)
        return DecimalText.format(steps: steps, decimals: decimals, grouping: false)
    }

    /// Printed without trailing zeros beyond what is needed, at most `decimals` ("20", "19.65", "0.8").
    public func compact(_ decimals: Int = 2) -> String {
        var text = printed(decimals)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
