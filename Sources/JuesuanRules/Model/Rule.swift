import Foundation
import JuesuanCore
import Yams

/// What a rule checks.
public enum RuleCheck: Hashable, Sendable {
    /// An equation or inequality in the expression language.
    case equation(Equation)
    /// Every parent code row equals the sum of its children, and the totals the sum of the 类 rows.
    case rollup(TableID)
    /// Every code is in the catalogue.
    case unknownCode
    /// Every code's printed name matches the catalogue.
    case codeName
    /// Every 款/项 row has its parent row printed.
    case missingParent
    /// Every one of the nine tables is present.
    case missingTable
    /// A check of a published report's prose, run by the auditor (JuesuanNarrative).
    case narrative
    /// Checked by the store against last year's approved report (not on one document alone).
    case crossYear
    /// A check of a published budget (部门预算) or of the links between budgets and final accounts,
    /// run by the budget auditor; `equation` (when given) relates the layout's named figures.
    case budget
    /// A check of the self-evaluation forms through the scoring engine ("perf-total", …).
    case performance(String)
    /// A check that the dataset is filled in ("placeholder", "template", …).
    case completeness(String)
}

/// A rule of the catalogue: stable id, family, severity, Chinese title and message template, check.
public struct Rule: Hashable, Sendable, Identifiable {
    /// Stable id, e.g. "T1-R27".
    public var id: String
    /// Family: 表内公式, 科目汇总, 表间一致, 表外数字, 科目编码.
    public var family: String
    /// Severity of a violation larger than the rounding tolerance.
    public var severity: Severity
    /// One-line Chinese title.
    public var title: String
    /// Message template with {table} {row} {column} {stated} {expected} {difference} {children}
    /// {code} {name} {catalogName}.
    public var message: String
    /// The check.
    public var check: RuleCheck
    /// The check as written in the catalogue (for docs).
    public var checkText: String
    /// Columns bound to `$col`.
    public var columns: [Int]
    /// The rule applies only when this equation holds.
    public var when: Equation?

    public init(id: String, family: String, severity: Severity, title: String, message: String, check: RuleCheck,
                checkText: String, columns: [Int] = [], when: Equation? = nil) {
        self.id = id
        self.family = family
        self.severity = severity
        self.title = title
        self.message = message
        self.check = check
        self.checkText = checkText
        self.columns = columns
        self.when = when
    }
}

/// A catalogue file that is broken: a programming or configuration error, not a data problem.
public struct CatalogueError: ExplainedError, Sendable {
    public var kind: ProblemKind { .internalFault }
    public var hint: String { "规则目录随 juesuan 发布；请报告给维护者" }
    public var file: String
    public var rule: String?
    public var reason: String
    public var description: String { "规则目录 \(file)" + (rule.map { " 规则 \($0)" } ?? "") + "：\(reason)" }
}

/// The rule catalogue: every rule, loaded from the YAML files in `Sources/JuesuanRules/Catalogue`.
public struct RuleCatalogue: Sendable {
    /// The rules, in file order.
    public var rules: [Rule]

    public init(rules: [Rule]) { self.rules = rules }

    /// The rule with `id`.
    public func rule(_ id: String) -> Rule? { rules.first { $0.id == id } }

    /// The catalogue shipped with juesuan.
    public static func standard() throws(CatalogueError) -> RuleCatalogue {
        var rules: [Rule] = []
        for name in ["tables", "cross", "figures", "codes", "performance", "narrative", "completeness"] {
            guard let url = Bundle.module.url(forResource: name, withExtension: "yaml", subdirectory: "Catalogue"),
                  let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw CatalogueError(file: "\(name).yaml", reason: "找不到规则文件（安装不完整）")
            }
            rules += try parse(text, file: "\(name).yaml")
        }
        var seen = Set<String>()
        for rule in rules where !seen.insert(rule.id).inserted {
            throw CatalogueError(file: "规则目录", rule: rule.id, reason: "规则编号重复")
        }
        return RuleCatalogue(rules: rules)
    }

    /// The budget catalogue (`budget.yaml`): 部门预算 tables, their 编制说明, and the links between a
    /// department's budgets and final accounts.
    public static func budget() throws(CatalogueError) -> RuleCatalogue {
        guard let url = Bundle.module.url(forResource: "budget", withExtension: "yaml", subdirectory: "Catalogue"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw CatalogueError(file: "budget.yaml", reason: "找不到规则文件（安装不完整）")
        }
        return RuleCatalogue(rules: try parse(text, file: "budget.yaml"))
    }

    /// Parses one catalogue file: a mapping with a list `rule`.
    public static func parse(_ text: String, file: String) throws(CatalogueError) -> [Rule] {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw CatalogueError(file: file, reason: "YAML 格式错误：\(error)")
        }
        guard let list = root?.mapping?.first(where: { $0.key.string == "rule" })?.value.sequence else { return [] }
        var rules: [Rule] = []
        for element in list {
            guard let table = element.mapping else { throw CatalogueError(file: file, reason: "每条规则都应是映射") }
            func value(_ key: String) -> Node? { table.first { $0.key.string == key }?.value }
            guard let id = value("id")?.string else { throw CatalogueError(file: file, reason: "每条规则都要有 id") }
            func field(_ key: String) throws(CatalogueError) -> String {
                guard let text = value(key)?.string else { throw CatalogueError(file: file, rule: id, reason: "缺少 \(key)") }
                return text
            }
            guard let severity = Severity(rawValue: try field("severity")) else {
                throw CatalogueError(file: file, rule: id, reason: "severity 应为 error、warning 或 info")
            }
            let check: RuleCheck
            let checkText: String
            if let expression = value("check")?.string {
                do { check = .equation(try ExpressionParser.equation(expression)) } catch {
                    throw CatalogueError(file: file, rule: id, reason: error.description)
                }
                checkText = expression
            } else {
                let kind = try field("kind")
                switch kind {
                case "rollup":
                    guard let tableID = TableID(label: try field("table")) else {
                        throw CatalogueError(file: file, rule: id, reason: "table 应为 T1…T9")
                    }
                    check = .rollup(tableID)
                case "unknown-code": check = .unknownCode
                case "code-name": check = .codeName
                case "missing-parent": check = .missingParent
                case "missing-table": check = .missingTable
                case "narrative": check = .narrative
                case "cross-year": check = .crossYear
                case "budget": check = .budget
                case let name where PerformanceChecks.kinds.contains(name): check = .performance(name)
                case let name where CompletenessChecks.kinds.contains(name): check = .completeness(name)
                default: throw CatalogueError(file: file, rule: id, reason: "未知的 kind：\(kind)")
                }
                checkText = value("equation")?.string ?? (kind + (value("table")?.string.map { " " + $0 } ?? ""))
            }
            var when: Equation?
            if let condition = value("when")?.string {
                do { when = try ExpressionParser.equation(condition) } catch {
                    throw CatalogueError(file: file, rule: id, reason: error.description)
                }
            }
            let columns = value("columns")?.sequence?.compactMap { $0.string.flatMap { Int($0) } } ?? []
            rules.append(Rule(id: id, family: try field("family"), severity: severity, title: try field("title"),
                              message: try field("message"), check: check, checkText: checkText, columns: columns, when: when))
        }
        return rules
    }
}
