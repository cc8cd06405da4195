import JuesuanCore

/// The rule expression language.
///
/// A check is an equation `LEFT = RIGHT` or an inequality `LEFT <= RIGHT` over cell references:
///
///     T1[#27].1 = sum(T1[#1..#8].1)          行次 27 栏 1 equals the sum of 行次 1–8
///     T2[*].1 = sum(T2[*].2..7)              every row: 栏1 = 栏2 + … + 栏7
///     T1[$class].2 = T3[$class].1            every function class: 表1 row = 表3 class row
///     T4[#59].$col = sum(T4[#33..#58].$col)  for each column listed in the rule's `columns`
///     T5[合计].2 = T6[人员经费合计].1 + T6[公用经费合计].1
///     sum(F[项目.*]) = T5[合计].3              F[…] are figures outside the tables
///
/// Rows: `#N` 行次, a code (`201`, `30101`), a name (`合计`), `*` each row of the table, `$class`
/// each function class. `F?[…]` is a figure that counts as zero when absent (plain `F[…]` makes the
/// rule not apply).
public indirect enum Expression: Hashable, Sendable {
    /// A single cell or figure.
    case reference(Reference)
    /// A sum over a range of rows and/or columns.
    case sum(RangeReference)
    /// A literal amount (in 万元).
    case literal(Money)
    /// Addition.
    case add(Expression, Expression)
    /// Subtraction.
    case subtract(Expression, Expression)
}

/// Row selector of a reference.
public enum RowSelector: Hashable, Sendable {
    /// 行次.
    case line(Int)
    /// A function or economic code, interpreted by the table.
    case code(String)
    /// A named row.
    case named(String)
    /// The row bound by `*`.
    case each
    /// The row of the function class bound by `$class`.
    case eachClass
}

/// Column selector.
public enum ColumnSelector: Hashable, Sendable {
    /// A fixed 栏次.
    case number(Int)
    /// The column bound by `$col`.
    case each
}

/// One cell (`T1[#27].1`) or one figure (`F[机关运行经费]`).
public enum Reference: Hashable, Sendable {
    /// A table cell.
    case cell(table: TableID, row: RowSelector, column: ColumnSelector)
    /// A figure outside the tables; `optional` counts as zero when absent.
    case figure(key: String, optional: Bool)
}

/// A range to add up: `T1[#1..#8].1`, `T2[*].2..7`, `F[项目.*]`.
public enum RangeReference: Hashable, Sendable {
    /// Rows `from…to` (行次) in columns `columns`.
    case lines(table: TableID, from: Int, to: Int, column: ColumnSelector)
    /// One row (fixed or bound) over columns `from…to`.
    case columns(table: TableID, row: RowSelector, from: Int, to: Int)
    /// Every figure whose key starts with `prefix.`.
    case figures(prefix: String)
}

/// `LEFT = RIGHT` or `LEFT <= RIGHT`.
public struct Equation: Hashable, Sendable {
    /// How the two sides must relate.
    public enum Relation: String, Hashable, Sendable {
        /// Equal.
        case equal = "="
        /// Left at most right.
        case atMost = "<="
    }

    public var left: Expression
    public var relation: Relation
    public var right: Expression

    public init(left: Expression, relation: Relation, right: Expression) {
        self.left = left
        self.relation = relation
        self.right = right
    }
}

/// A rule expression that could not be parsed.
public struct ExpressionError: Error, CustomStringConvertible, Sendable {
    public var text: String
    public var position: Int
    public var reason: String
    public var description: String { "规则表达式“\(text)”第 \(position + 1) 个字符处：\(reason)" }
}

/// Recursive-descent parser of the rule expression language.
public struct ExpressionParser {
    private let characters: [Character]
    private let text: String
    private var index = 0

    /// Parses `text` as an equation.
    public static func equation(_ text: String) throws(ExpressionError) -> Equation {
        var parser = ExpressionParser(text: text)
        let left = try parser.expression()
        parser.skipSpaces()
        let relation: Equation.Relation
        if parser.consume("<=") { relation = .atMost } else if parser.consume("=") { relation = .equal } else {
            throw parser.error("应为“=”或“<=”")
        }
        let right = try parser.expression()
        parser.skipSpaces()
        guard parser.index == parser.characters.count else { throw parser.error("多余的字符") }
        return Equation(left: left, relation: relation, right: right)
    }

    private init(text: String) {
        self.text = text
        self.characters = Array(text)
    }

    private func error(_ reason: String) -> ExpressionError {
        ExpressionError(text: text, position: index, reason: reason)
    }

    private mutating func skipSpaces() {
        while index < characters.count, characters[index] == " " { index += 1 }
    }

    private mutating func consume(_ token: String) -> Bool {
        skipSpaces()
        let tokenCharacters = Array(token)
        guard index + tokenCharacters.count <= characters.count,
              Array(characters[index..<(index + tokenCharacters.count)]) == tokenCharacters else { return false }
        index += tokenCharacters.count
        return true
    }

    private mutating func expect(_ token: String) throws(ExpressionError) {
        guard consume(token) else { throw error("应为“\(token)”") }
    }

    private mutating func expression() throws(ExpressionError) -> Expression {
        var result = try term()
        while true {
            if consume("+") { result = .add(result, try term()) } else if consume("-") {
                result = .subtract(result, try term())
            } else { return result }
        }
    }

    private mutating func term() throws(ExpressionError) -> Expression {
        skipSpaces()
        if consume("sum(") {
            let range = try rangeReference()
            try expect(")")
            return .sum(range)
        }
        if index < characters.count, characters[index].isASCIIDigit {
            let number = readWhile { $0.isASCIIDigit || $0 == "." }
            guard let amount = try? MoneyParser.parse(number, unit: .wan) else { throw error("不是数字") }
            return .literal(amount.money)
        }
        return .reference(try reference())
    }

    private mutating func readWhile(_ predicate: (Character) -> Bool) -> String {
        let start = index
        while index < characters.count, predicate(characters[index]) { index += 1 }
        return String(characters[start..<index])
    }

    private mutating func tableID() throws(ExpressionError) -> TableID {
        skipSpaces()
        guard consume("T") else { throw error("应为表名 T1…T9 或 F") }
        let digits = readWhile { $0.isASCIIDigit }
        guard let number = Int(digits), let id = TableID(rawValue: number) else { throw error("表名应为 T1…T9") }
        return id
    }

    private mutating func figureKey() throws(ExpressionError) -> String {
        let key = readWhile { $0 != "]" }
        try expect("]")
        guard !key.isEmpty else { throw error("缺少表外数字的名称") }
        return key
    }

    private mutating func rowSelector() throws(ExpressionError) -> RowSelector {
        if consume("*") { return .each }
        if consume("$class") { return .eachClass }
        if consume("#") {
            guard let number = Int(readWhile { $0.isASCIIDigit }) else { throw error("“#”后应为行次") }
            return .line(number)
        }
        let name = readWhile { $0 != "]" && $0 != "." }
        guard !name.isEmpty else { throw error("缺少行") }
        return name.allSatisfy(\.isASCIIDigit) ? .code(name) : .named(name)
    }

    private mutating func columnSelector() throws(ExpressionError) -> ColumnSelector {
        if consume("$col") { return .each }
        guard let number = Int(readWhile { $0.isASCIIDigit }) else { throw error("应为栏次") }
        return .number(number)
    }

    private mutating func reference() throws(ExpressionError) -> Reference {
        skipSpaces()
        if consume("F?[") { return .figure(key: try figureKey(), optional: true) }
        if consume("F[") { return .figure(key: try figureKey(), optional: false) }
        let table = try tableID()
        try expect("[")
        let row = try rowSelector()
        try expect("]")
        try expect(".")
        return .cell(table: table, row: row, column: try columnSelector())
    }

    private mutating func rangeReference() throws(ExpressionError) -> RangeReference {
        skipSpaces()
        if consume("F[") {
            let key = try figureKey()
            guard key.hasSuffix(".*") else { throw error("表外数字求和应写成 F[名称.*]") }
            return .figures(prefix: String(key.dropLast(2)))
        }
        let table = try tableID()
        try expect("[")
        if consume("#") {
            guard let from = Int(readWhile { $0.isASCIIDigit }) else { throw error("应为行次") }
            try expect("..")
            try expect("#")
            guard let to = Int(readWhile { $0.isASCIIDigit }), to >= from else { throw error("应为行次范围 #a..#b") }
            try expect("]")
            try expect(".")
            return .lines(table: table, from: from, to: to, column: try columnSelector())
        }
        let row = try rowSelector()
        try expect("]")
        try expect(".")
        guard let from = Int(readWhile { $0.isASCIIDigit }) else { throw error("应为栏次") }
        try expect("..")
        guard let to = Int(readWhile { $0.isASCIIDigit }), to >= from else { throw error("应为栏次范围 a..b") }
        return .columns(table: table, row: row, from: from, to: to)
    }
}

extension Character {
    /// 0–9 only (Swift's `isNumber` also accepts 一, ½ …).
    var isASCIIDigit: Bool { isASCII && isNumber }
}
