import Foundation
import JuesuanCore
import Yams

/// A scoring scheme file that could not be read.
public struct SchemeError: ExplainedError, Sendable {
    public var kind: ProblemKind { .inputInvalid }
    public var hint: String { "可用的评分方案：hubei-20-20-60、mof-10-90" }
    public var file: String
    public var reason: String
    public var description: String { "评分方案 \(file)：\(reason)" }
}

extension ScoringScheme {
    /// The id of the scheme used when a dataset names none.
    public static let defaultID = "hubei-20-20-60"

    /// The ids of the shipped schemes.
    public static let shippedIDs = ["hubei-20-20-60", "mof-10-90"]

    /// The scheme a dataset's forms name (`绩效方案`), or the default one.
    public static func chosen(by forms: PerformanceForms, override id: String? = nil) throws(SchemeError) -> ScoringScheme {
        try shipped(id ?? forms.schemeID ?? defaultID)
    }

    /// A shipped scheme by id.
    public static func shipped(_ id: String) throws(SchemeError) -> ScoringScheme {
        guard shippedIDs.contains(id),
              let url = Bundle.module.url(forResource: id, withExtension: "yaml", subdirectory: "Schemes"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw SchemeError(file: id, reason: "没有这个评分方案；可用：\(shippedIDs.joined(separator: "、"))")
        }
        return try parse(text, file: "\(id).yaml")
    }

    /// Reads a scheme from YAML text.
    public static func parse(_ text: String, file: String) throws(SchemeError) -> ScoringScheme {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch { throw SchemeError(file: file, reason: "YAML 格式错误：\(error)") }
        guard let map = node?.mapping else { throw SchemeError(file: file, reason: "顶层应为映射") }
        func value(_ key: String, in mapping: Node.Mapping = map) -> Node? { mapping.first { $0.key.string == key }?.value }
        func number(_ key: String, in mapping: Node.Mapping = map) throws(SchemeError) -> Decimal {
            guard let text = value(key, in: mapping)?.string, let number = ScoreText.parse(text) else {
                throw SchemeError(file: file, reason: "缺少或无法读取“\(key)”")
            }
            return number
        }
        guard let id = value("id")?.string, let name = value("名称")?.string else { throw SchemeError(file: file, reason: "缺少 id 或 名称") }
        guard let tiers = value("定性档次")?.mapping else { throw SchemeError(file: file, reason: "缺少“定性档次”") }
        var grades: [(String, Decimal)] = []
        for entry in value("等级")?.sequence ?? [] {
            guard let mapping = entry.mapping, let grade = value("等级", in: mapping)?.string else {
                throw SchemeError(file: file, reason: "“等级”每项应有 等级 与 最低分")
            }
            grades.append((grade, try number("最低分", in: mapping)))
        }
        grades.sort { $0.1 > $1.1 }
        return ScoringScheme(id: id, name: name, executionWeight: try number("预算执行分值"), goalWeight: try number("总目标分值"),
                             indicatorsWeight: try number("指标分值"), achievedShare: try number("达成", in: tiers),
                             partialShare: try number("部分达成", in: tiers), missedShare: try number("未达成", in: tiers),
                             rateDecimals: Int(truncating: try number("执行率小数位") as NSNumber),
                             scoreDecimals: Int(truncating: try number("得分小数位") as NSNumber),
                             grades: grades, costControlNames: value("成本控制指标")?.sequence?.compactMap(\.string) ?? [])
    }
}
