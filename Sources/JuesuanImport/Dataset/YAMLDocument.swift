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

    init(text: String, name: String) throws(InputError) {
        self.name = name
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw InputError(file: name, line: YAMLDocument.line(of: error), reason: "YAML 格式错误：\(YAMLDocument.describe(error))")
        } catch {
            throw InputError(file: name, reason: "YAML 格式错误：\(error)")
        }
        guard let node else { throw InputError(file: name, line: 1, reason: "文件为空") }
        guard let mapping = node.mapping else { throw InputError(file: name, line: node.mark?.line, reason: "顶层应为“键: 值”的映射") }
        try YAMLDocument.rejectDuplicateKeys(mapping, name: name)
        root = mapping
    }

    static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            "\(problem)（请检查缩进、冒号后的空格和引号是否配对）"
        default: "\(error)"
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
