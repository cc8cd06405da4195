/// Nature of an economic code in the 基本支出 table: 人员经费 or 公用经费.
public enum ExpenseNature: String, Sendable, Codable {
    /// 人员经费 (301 工资福利支出, 303 对个人和家庭的补助).
    case personnel = "人员经费"
    /// 公用经费 (302 商品和服务支出, 310 资本性支出, …).
    case publicUse = "公用经费"
}

/// A function class (类) in the fixed order of 表1's expenditure rows.
public struct FunctionClass: Hashable, Sendable {
    /// Position in 表1, 1 … 26 (表1 row 30 + position, 表4 row 32 + position).
    public var position: Int
    /// The 类 code, e.g. 201.
    public var code: FunctionCode
    /// The name printed in 表1 ("一般公共服务支出").
    public var name: String

    public init(position: Int, code: FunctionCode, name: String) {
        self.position = position
        self.code = code
        self.name = name
    }
}

/// The classification catalogue (政府收支分类科目) a disclosure is checked against.
///
/// The project ships the codes seen in real reports; a user loads a fuller official list from CSV.
public struct Catalog: Sendable {
    /// Function code names.
    public var functionNames: [FunctionCode: String]
    /// Economic code names.
    public var economicNames: [EconomicCode: String]
    /// Nature of economic 类 codes (301 → 人员经费).
    public var economicNature: [EconomicCode: ExpenseNature]
    /// The function classes in 表1 order.
    public var classes: [FunctionClass] {
        didSet { positions = Self.positions(classes) }
    }
    /// Position of each class by its 3 digits (looked up for every posting and row).
    private var positions: [String: Int]

    static func positions(_ classes: [FunctionClass]) -> [String: Int] {
        Dictionary(classes.map { ($0.code.digits, $0.position) }, uniquingKeysWith: { first, _ in first })
    }

    public init(functionNames: [FunctionCode: String] = [:], economicNames: [EconomicCode: String] = [:],
                economicNature: [EconomicCode: ExpenseNature] = [:], classes: [FunctionClass] = []) {
        self.functionNames = functionNames
        self.economicNames = economicNames
        self.economicNature = economicNature
        self.classes = classes
        self.positions = Self.positions(classes)
    }

    /// The class at position `position` (1-based) of 表1.
    public func functionClass(at position: Int) -> FunctionClass? {
        classes.first { $0.position == position }
    }

    /// The position of the 类 `code` in 表1, if it is one of the fixed classes.
    public func position(of code: FunctionCode) -> Int? {
        positions[String(code.digits.utf8.prefix(3))!]
    }

    /// Whether `code` is known.
    public func contains(_ code: FunctionCode) -> Bool { functionNames[code] != nil }

    /// Whether `code` is known.
    public func contains(_ code: EconomicCode) -> Bool { economicNames[code] != nil }

    /// 人员经费 or 公用经费 for an economic code, by its 类.
    public func nature(of code: EconomicCode) -> ExpenseNature? {
        economicNature[code.parent ?? code]
    }

    /// Adds the entries of `other`, which win over ours.
    public mutating func merge(_ other: Catalog) {
        functionNames.merge(other.functionNames) { _, new in new }
        economicNames.merge(other.economicNames) { _, new in new }
        economicNature.merge(other.economicNature) { _, new in new }
        if !other.classes.isEmpty { classes = other.classes }
    }
}

extension Catalog {
    /// The label of 行次 `line` of 表1 or 表4: the fixed labels of `StandardLayout`, and for the class
    /// lines the numbered class name ("十九、住房保障支出"); "" for blank lines.
    public func lineLabel(_ line: Int, in id: TableID) -> String {
        if let label = StandardLayout.lineLabel(line, in: id) { return label }
        let first = id == .t1 ? 31 : 33
        guard line >= first, line < first + 26, let functionClass = functionClass(at: line - first + 1) else { return "" }
        return "\(StandardLayout.chineseOrdinal(functionClass.position))、\(functionClass.name)"
    }

    /// Function codes in print order: by 表1's class order, then by digits, which puts every 款 and 项
    /// under its parent. Codes of classes outside 表1 come last.
    public func printOrder(_ codes: [FunctionCode]) -> [FunctionCode] {
        codes.map { (position(of: $0) ?? 99, $0) }.sorted { ($0.0, $0.1.digits) < ($1.0, $1.1.digits) }.map(\.1)
    }

    /// Economic codes in 表6's print order: the 人员经费 classes (301, 303) with their 款 first, then the
    /// others, each class followed by its 款.
    public func printOrder(_ codes: [EconomicCode]) -> [EconomicCode] {
        codes.map { code in (nature(of: code) == .personnel ? 0 : 1, String(code.digits.prefix(3)), code) }
            .sorted { ($0.0, $0.1, $0.2.digits) < ($1.0, $1.1, $1.2.digits) }.map(\.2)
    }
}
