import Foundation
import JuesuanCore

/// The `juesuan.scores/1` document (schema in docs/schemas/scores.schema.json): every form with its
/// stated and computed scores. Scores and amounts are strings as printed (exact, no floating point).
public struct ScoresDocument: Codable, Sendable, Equatable {
    /// The schema id this document follows.
    public static let schemaID = "juesuan.scores/1"

    public struct Scheme: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
    }

    public struct Indicator: Codable, Sendable, Equatable {
        public var block: String
        public var level1: String
        public var level2: String
        public var name: String
        public var target: String
        public var actual: String
        public var computedActual: String?
        public var method: String
        public var weight: String
        public var weightInferred: Bool
        public var stated: String?
        public var computed: String
        public var problem: String?

        enum CodingKeys: String, CodingKey {
            case block, level1, level2, name, target, actual, computedActual, method, weight, weightInferred, stated, computed, problem
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(block, forKey: .block)
            try c.encode(level1, forKey: .level1)
            try c.encode(level2, forKey: .level2)
            try c.encode(name, forKey: .name)
            try c.encode(target, forKey: .target)
            try c.encode(actual, forKey: .actual)
            try c.encode(computedActual, forKey: .computedActual)
            try c.encode(method, forKey: .method)
            try c.encode(weight, forKey: .weight)
            try c.encode(weightInferred, forKey: .weightInferred)
            try c.encode(stated, forKey: .stated)
            try c.encode(computed, forKey: .computed)
            try c.encode(problem, forKey: .problem)
        }
    }

    public struct Form: Codable, Sendable, Equatable {
        public var kind: ScoredForm.Kind
        public var name: String
        public var moneyUnit: String
        public var budget: String
        public var executed: String
        public var executionRate: String
        public var statedExecutionRate: String?
        public var executionScore: String
        public var statedExecutionScore: String?
        public var goalScore: String?
        public var computed: String
        public var stated: String?
        public var statedPartsSum: String?
        public var grade: String
        public var fundWeightedProjects: String?
        public var notes: [String]
        public var indicators: [Indicator]

        enum CodingKeys: String, CodingKey {
            case kind, name, moneyUnit, budget, executed, executionRate, statedExecutionRate, executionScore, statedExecutionScore
            case goalScore, computed, stated, statedPartsSum, grade, fundWeightedProjects, notes, indicators
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(kind, forKey: .kind)
            try c.encode(name, forKey: .name)
            try c.encode(moneyUnit, forKey: .moneyUnit)
            try c.encode(budget, forKey: .budget)
            try c.encode(executed, forKey: .executed)
            try c.encode(executionRate, forKey: .executionRate)
            try c.encode(statedExecutionRate, forKey: .statedExecutionRate)
            try c.encode(executionScore, forKey: .executionScore)
            try c.encode(statedExecutionScore, forKey: .statedExecutionScore)
            try c.encode(goalScore, forKey: .goalScore)
            try c.encode(computed, forKey: .computed)
            try c.encode(stated, forKey: .stated)
            try c.encode(statedPartsSum, forKey: .statedPartsSum)
            try c.encode(grade, forKey: .grade)
            // Only department forms have it; left out elsewhere, as before.
            try c.encodeIfPresent(fundWeightedProjects, forKey: .fundWeightedProjects)
            try c.encode(notes, forKey: .notes)
            try c.encode(indicators, forKey: .indicators)
        }
    }

    public var schema: String
    public var unit: String
    public var year: Int
    public var scheme: Scheme
    public var forms: [Form]

    /// The document of `forms` scored under `scheme`.
    public init(_ forms: [ScoredForm], scheme: ScoringScheme, unit: String, year: Int) {
        schema = Self.schemaID
        self.unit = unit
        self.year = year
        self.scheme = Scheme(id: scheme.id, name: scheme.name)
        let decimals = scheme.scoreDecimals
        func number(_ value: Decimal?) -> String? { value.map { $0.printed(decimals) } }
        self.forms = forms.map { form in
            Form(kind: form.kind, name: form.name, moneyUnit: form.execution.unit.rawValue,
                 budget: form.execution.budget.formatted(unit: form.execution.unit, grouping: false),
                 executed: form.execution.executed.formatted(unit: form.execution.unit, grouping: false),
                 executionRate: form.executionRateText, statedExecutionRate: form.execution.statedRate,
                 executionScore: form.executionScore.printed(decimals), statedExecutionScore: number(form.execution.statedScore),
                 goalScore: number(form.goalScore), computed: form.computed.printed(decimals), stated: number(form.stated),
                 statedPartsSum: number(form.statedPartsSum), grade: form.grade, fundWeightedProjects: number(form.fundWeightedProjects),
                 notes: form.notes,
                 indicators: form.blocks.flatMap { block in
                     block.indicators.map { indicator in
                         Indicator(block: block.title, level1: indicator.row.level1, level2: indicator.row.level2, name: indicator.row.name,
                                   target: indicator.row.target, actual: indicator.row.actual, computedActual: indicator.computedActual,
                                   method: indicator.method, weight: indicator.weight.printed(decimals), weightInferred: indicator.weightInferred,
                                   stated: number(indicator.row.statedScore), computed: indicator.computed.printed(decimals),
                                   problem: indicator.problem)
                     }
                 })
        }
    }

    /// The document as JSON text.
    public func json() -> String { JSONText.encode(self) }
}
