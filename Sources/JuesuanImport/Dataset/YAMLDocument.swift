import Foundation
import JuesuanCore
import Yams

/// A parsed YAML file whose every value knows its line, for messages.
///
/// Scalars are read as the text written (`74.8` stays "74.8"), so amounts are never floating point.
struct YAMLDocument {
    let name: String
    let root: Node.Mapping

    init(url: URL, name: String) throws(InputError) {
        try self.init(text: try TextFile.read(url, displayName: name), name: name)
    }

    /// A document built in memory (a form typed in the browser), read by the same rules as a file.
    init(root: Node.Mapping, name: String) {
        self.name = name
        self.root = root
    }

    init(text: String, name: String) throws(InputError) {
        self.name = name
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw InputError(file: name, line: YAMLDocument.line(of: error), reason: "YAML 格式错误：\(YAMLDocument.describe(error))")
        } catch {
            throw InputError(file: name, reason: "YAML 格式错误")
        }
        guard let node else { throw InputError(file: name, line: 1, reason: "文件为空") }
        guard let mapping = node.mapping else { throw InputError(file: name, line: node.mark?.line, reason: "顶层应为“键: 值”的映射") }
        try YAMLDocument.rejectDuplicateKeys(mapping, name: name)
        root = mapping
    }

    /// The line to look at: where the unclosed construct starts (libyaml's context) when there is
    /// one, else where parsing failed — libyaml notices a missing `]` only on the next line.
    static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(let context, _, let mark, _), .parser(let context, _, let mark, _), .composer(let context, _, let mark, _):
            if let context, context.mark.line > 0, context.mark.line <= mark.line { return context.mark.line }
            return mark.line
        default: return nil
        }
    }

    /// libyaml's problems in Chinese; nothing of its English reaches the user.
    static let problems: [(String, String)] = [
        ("did not find expected ',' or ']'", "方括号 [ ] 没有闭合，或元素之间缺少逗号"),
        ("did not find expected ',' or '}'", "花括号 { } 没有闭合，或元素之间缺少逗号"),
        ("mapping values are not allowed", "此处不能出现“键: 值”（值里有冒号时请给整个值加引号）"),
        ("did not find expected key", "缩进不一致，此处应是一个“键:”"),
        ("did not find expected '-' indicator", "缩进不一致，此处应是“- ”列表项"),
        ("block sequence entries are not allowed", "此处不能出现“- ”列表项（请检查缩进）"),
        ("could not find expected ':'", "缺少冒号“:”"),
        ("found unexpected end of stream", "文件在引号或括号闭合之前就结束了"),
        ("found character that cannot start any token", "出现了不能开始一个值的字符（例如制表符或 @、`）"),
        ("found a tab character", "缩进里有制表符；请用空格缩进"),
        ("found unknown escape character", "双引号中的反斜杠 \\ 后面不是可识别的转义字符"),
        ("did not find expected node content", "缺少值"),
        ("found undefined tag handle", "有未定义的 ! 标签"),
        ("found unexpected ':'", "出现了多余的冒号"),
        ("did not find URI escaped octet", "标签中有非法字符"),
        ("found duplicate", "有重复的内容"),
        ("control characters are not allowed", "含有不可见的控制字符"),
        ("invalid leading UTF-8 octet", "不是 UTF-8 编码的文本"),
        ("incomplete UTF-8 octet sequence", "不是 UTF-8 编码的文本"),
        ("invalid trailing UTF-8 octet", "不是 UTF-8 编码的文本"),
        ("found unknown anchor", "引用了不存在的锚点 *"),
    ]

    static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            let chinese = problems.first { problem.contains($0.0) }?.1 ?? "语法错误"
            return "\(chinese)（请检查缩进、冒号后的空格和引号是否配对）"
        default: return "语法错误"
        }
    }

    static func rejectDuplicateKeys(_ mapping: Node.Mapping, name: String) throws(InputError) {
        var seen = Set<String>()
        for (key, value) in mapping {
            let text = key.string ?? ""
            if !seen.insert(text).inserted {
                throw InputError(file: name, line: key.mark?.line, value: text, reason: "键重复")
            }
            if let child = value.mapping { try rejectDuplicateKeys(child, name: name) }
            if let sequence = value.sequence {
                for element in sequence { if let child = element.mapping { try rejectDuplicateKeys(child, name: name) } }
            }
        }
    }

    func error(_ node: Node?, value: String? = nil, _ reason: String) -> InputError {
        InputError(file: name, line: node?.mark?.line, value: value, reason: reason)
    }

    func source(_ node: Node?) -> SourceLocation {
        SourceLocation(file: name, line: node?.mark?.line ?? 0)
    }

    // MARK: Typed access

    func mapping(_ parent: Node.Mapping, _ key: String) throws(InputError) -> Node.Mapping? {
        guard let node = parent[key] else { return nil }
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "~" { return nil }
        guard let mapping = node.mapping else { throw error(node, "“\(key)”应为“键: 值”的映射") }
        return mapping
    }

    func scalarText(_ node: Node, key: String) throws(InputError) -> String {
        guard case .scalar(let scalar) = node else { throw error(node, "“\(key)”应为单个值") }
        return scalar.string
    }

    func string(_ parent: Node.Mapping, _ key: String, required: Bool = false) throws(InputError) -> String? {
        guard let node = parent[key] else {
            if required { throw InputError(file: name, reason: "缺少必填项“\(key)”") }
            return nil
        }
        return try scalarText(node, key: key)
    }

    func int(_ parent: Node.Mapping, _ key: String, required: Bool = false) throws(InputError) -> Int? {
        guard let node = parent[key] else {
            if required { throw InputError(file: name, reason: "缺少必填项“\(key)”") }
            return nil
        }
        let text = try scalarText(node, key: key).trimmingSpaces()
        guard let number = Int(text) else { throw error(node, value: text, "“\(key)”应为整数") }
        return number
    }

    /// An amount as printed ("1,813.94", 13, "74.8").
    func money(_ node: Node, key: String, unit: MoneyUnit = .wan) throws(InputError) -> Money {
        let text = try scalarText(node, key: key)
        do {
            return try MoneyParser.parse(text, unit: unit).money
        } catch {
            throw self.error(node, value: text, "“\(key)”的金额无法识别：\(error.description)")
        }
    }

    func money(_ parent: Node.Mapping, _ key: String, unit: MoneyUnit = .wan) throws(InputError) -> Money? {
        guard let node = parent[key] else { return nil }
        return try money(node, key: key, unit: unit)
    }

    func mappings(_ parent: Node.Mapping, _ key: String) throws(InputError) -> [Node.Mapping] {
        guard let node = parent[key] else { return [] }
        guard let sequence = node.sequence else { throw error(node, "“\(key)”应为以“- ”开头的列表") }
        var result: [Node.Mapping] = []
        for element in sequence {
            guard let mapping = element.mapping else { throw error(element, "“\(key)”的每一项都应是“键: 值”的映射") }
            result.append(mapping)
        }
        return result
    }

    func strings(_ parent: Node.Mapping, _ key: String) throws(InputError) -> [String] {
        guard let node = parent[key] else { return [] }
        guard let sequence = node.sequence else { throw error(node, "“\(key)”应为以“- ”开头的文字列表") }
        var result: [String] = []
        for element in sequence { result.append(try scalarText(element, key: key)) }
        return result
    }

    /// A score or weight ("99.65", 20); blank means not stated.
    func score(_ parent: Node.Mapping, _ key: String) throws(InputError) -> Decimal? {
        guard let node = parent[key] else { return nil }
        let text = try scalarText(node, key: key)
        if text.trimmingSpaces().isEmpty { return nil }
        guard let number = ScoreText.parse(text) else { throw error(node, value: text, "“\(key)”不是有效的分数") }
        return number
    }
}

extension Node.Mapping {
    /// The value at a string key.
    subscript(_ key: String) -> Node? {
        first { $0.key.string == key }?.value
    }

    /// Keys in file order.
    var keys: [String] { map { $0.key.string ?? "" } }
}
