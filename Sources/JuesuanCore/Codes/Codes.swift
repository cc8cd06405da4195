/// Level of a function classification code: 类 (3 digits), 款 (5) or 项 (7).
public enum FunctionLevel: Int, Sendable, Comparable, Codable, CaseIterable {
    /// 类.
    case category = 3
    /// 款.
    case section = 5
    /// 项.
    case item = 7

    public static func < (lhs: FunctionLevel, rhs: FunctionLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    /// 类, 款 or 项.
    public var chineseName: String {
        switch self {
        case .category: "类"
        case .section: "款"
        case .item: "项"
        }
    }
}

/// A code of the 支出功能分类 (function classification): 201, 20103, 2010301.
///
/// Accepts the spaced form "201 06 01" as printed by some reports.
public struct FunctionCode: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The digits, without spaces.
    public let digits: String

    /// A code from its text; nil unless it is 3, 5 or 7 ASCII digits once spaces are removed.
    public init?(_ text: String) {
        let compact = text.filter { $0 != " " && $0 != "\u{3000}" && $0 != "\t" }
        guard [3, 5, 7].contains(compact.count), compact.allSatisfy({ $0.asciiDigit != nil }) else { return nil }
        digits = compact
    }

    /// 类, 款 or 项.
    public var level: FunctionLevel { FunctionLevel(rawValue: digits.count)! }

    /// The code one level up (款 → 类, 项 → 款); nil for a 类.
    public var parent: FunctionCode? {
        switch level {
        case .category: nil
        case .section: FunctionCode(String(digits.prefix(3)))
        case .item: FunctionCode(String(digits.prefix(5)))
        }
    }

    /// The 类 this code belongs to.
    public var category: FunctionCode { FunctionCode(String(digits.prefix(3)))! }

    /// Whether `other` lies under this code (a descendant, not itself).
    public func isAncestor(of other: FunctionCode) -> Bool {
        other.digits.count > digits.count && other.digits.hasPrefix(digits)
    }

    public var description: String { digits }
    public static func < (lhs: FunctionCode, rhs: FunctionCode) -> Bool { lhs.digits < rhs.digits }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let code = FunctionCode(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "不是功能分类科目编码：\(text)"))
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(digits)
    }
}

/// Level of an economic classification code: 类 (3 digits) or 款 (5).
public enum EconomicLevel: Int, Sendable, Codable {
    /// 类, e.g. 301 工资福利支出.
    case category = 3
    /// 款, e.g. 30101 基本工资.
    case section = 5
}

/// A code of the 支出经济分类 (economic classification): 301, 30101.
public struct EconomicCode: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The digits.
    public let digits: String

    /// A code from its text; nil unless it is 3 or 5 ASCII digits once spaces are removed.
    public init?(_ text: String) {
        let compact = text.filter { $0 != " " && $0 != "\u{3000}" && $0 != "\t" }
        guard [3, 5].contains(compact.count), compact.allSatisfy({ $0.asciiDigit != nil }) else { return nil }
        digits = compact
    }

    /// 类 or 款.
    public var level: EconomicLevel { EconomicLevel(rawValue: digits.count)! }

    /// The 类 of a 款; nil for a 类.
    public var parent: EconomicCode? { level == .section ? EconomicCode(String(digits.prefix(3))) : nil }

    public var description: String { digits }
    public static func < (lhs: EconomicCode, rhs: EconomicCode) -> Bool { lhs.digits < rhs.digits }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let code = EconomicCode(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "不是经济分类科目编码：\(text)"))
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(digits)
    }
}
