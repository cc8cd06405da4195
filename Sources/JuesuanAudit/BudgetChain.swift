import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanRules

/// A document audited on its own, before the links between documents are checked.
public enum AuditedDocument: Sendable {
    case budget(BudgetDocument)
    case finalAccounts(PublishedReport)

    var year: Int {
        switch self {
        case .budget(let document): document.year
        case .finalAccounts(let report): report.disclosure.year
        }
    }

    var department: String {
        switch self {
        case .budget(let document): document.department
        case .finalAccounts(let report): report.disclosure.unit
        }
    }

    var source: String {
        switch self {
        case .budget(let document): document.text.source
        case .finalAccounts(let report): report.text.source
        }
    }

    var passages: [Passage] {
        switch self {
        case .budget(let document): document.passages
        case .finalAccounts(let report): report.passages
        }
    }

    /// Documents in the order of their subject: by year, a year's budget before its final accounts.
    var order: (Int, Int) {
        switch self {
        case .budget(let document): (document.year, 0)
        case .finalAccounts(let report): (report.disclosure.year, 1)
        }
    }

    var title: String {
        switch self {
        case .budget(let document): "\(document.year) 年\(document.scope.rawValue)预算（\(document.text.source)）"
        case .finalAccounts(let report): "\(report.disclosure.year) 年决算（\(report.text.source)）"
        }
    }
}

/// One comparison between two documents, consistent or not.
public struct ChainLink: Sendable, Hashable {
    public var from: String
    public var to: String
    public var subject: String
    public var stated: String
    public var other: String
    public var consistent: Bool
}

public struct ChainResult: Sendable {
    public var department: String
    public var years: [Int]
    public var links: [ChainLink]
    public var findings: [Finding]

    /// The links as a reader checks them: each comparison, then the findings.
    public func text(includeInfo: Bool) -> String {
        guard !links.isEmpty || !findings.isEmpty else { return "== 预决算衔接：这些文件之间没有可比较的数字。\n" }
        var out = "== 预决算衔接（\(department)，\(years.map(String.init).joined(separator: "、")) 年）\n"
        for link in links {
            out += "  \(link.consistent ? "一致" : "不符") \(link.subject)：\(link.from) \(link.stated)；\(link.to) \(link.other)\n"
        }
        for finding in findings where includeInfo || finding.severity != .info {
            let place = finding.line.map { " 第\($0)行" + (finding.page.map { "（第\($0)页）" } ?? "") } ?? ""
            out += "  \(finding.severity.chineseName) \(finding.rule)\(place)\n    \(finding.message)\n"
        }
        out += "共比较 \(links.count) 处，\(links.filter { !$0.consistent }.count) 处不符。\n"
        return out
    }
}

/// The links between a department's budgets and final accounts: what a budget says of last year's budget
/// against that budget (or the 年初预算 of last year's final accounts), and the 年初预算 of final accounts
/// against the same year's budget. Each finding names both documents and figures.
public struct BudgetChain: Sendable {
    public var rules: RuleCatalogue

    public init(rules: RuleCatalogue) { self.rules = rules }

    /// A figure one document states of a subject, in 万元, with its slack and where.
    struct Stated {
        var key: String
        var value: Decimal
        var slack: Decimal
        var line: Int
        var text: String
    }

    /// What a budget says of last year: the figure of a subject implied by "比上年（预算）增加/减少 D" or
    /// "与上年（预算）持平".
    struct PriorStatement {
        var key: String
        /// The year's own figure the statement starts from.
        var stated: Decimal
        var implied: Decimal
        var slack: Decimal
        var line: Int
        var explicitBudget: Bool
        /// The comparison is with last year's execution (执行数), not its budget.
        var execution: Bool = false
        var excerpt: String
        var relation: String
    }

    public func link(_ documents: [AuditedDocument]) -> ChainResult {
        var links: [ChainLink] = []
        var findings: [Finding] = []
        let names = documents.map { $0.department.filter { !$0.isWhitespace } }
        let department = documents.first?.department ?? ""
        func same(_ a: Int, _ b: Int) -> Bool { names[a] == names[b] || names[a].includes(names[b]) || names[b].includes(names[a]) }
        func add(_ id: String, _ document: AuditedDocument, line: Int?, values: [String: String], severity: Severity? = nil) {
            guard let rule = rules.rule(id) else { return }
            var message = rule.message
            for (key, value) in values { message = message.replacingOccurrences(of: "{\(key)}", with: value) }
            var page: Int?
            if let line {
                switch document {
                case .budget(let budget): page = budget.page(ofLine: line)
                case .finalAccounts(let report): page = report.page(ofLine: line)
                }
            }
            findings.append(Finding(rule: id, severity: severity ?? rule.severity, message: message, source: line.map { SourceLocation(file: document.source, line: $0) },
                                    line: line, page: page, family: rule.family))
        }
        for a in documents.indices {
            for b in documents.indices where a < b && !same(a, b) {
                add("C-DEPARTMENT", documents[b], line: nil,
                    values: ["first": documents[a].source, "second": documents[b].source, "a": documents[a].department, "b": documents[b].department])
            }
        }
        for (i, document) in documents.enumerated() {
            guard case .budget(let budget) = document else { continue }
            // Only statements whose own figure is the document's figure of that subject: the same concept on both sides.
            let own = Self.budgetFigures(document)
            let statements = Self.priorStatements(budget).filter { statement in
                guard let figure = own[statement.key] else { return !statement.key.contains(":") }
                return (figure.value - statement.stated).magnitude <= figure.slack + Decimal(string: "0.005")! * 3
            }
            for (j, other) in documents.enumerated() where i != j && same(i, j) && other.year == budget.year - 1 {
                let known = Self.budgetFigures(other)
                var actuals: [String: Stated] = [:]
                if case .finalAccounts(let report) = other { actuals = Self.finalActuals(report) }
                for statement in statements where statement.execution {
                    // "比上年执行数增加 …" against last year's final accounts (a warning: execution is estimated before the
                    // final accounts are made); against a budget it is not the same thing and is not compared.
                    guard let actual = actuals[statement.key] else { continue }
                    let consistent = (statement.implied - actual.value).magnitude <= statement.slack + actual.slack
                    links.append(ChainLink(from: document.title, to: "\(other.title)的决算数", subject: statement.key,
                                           stated: "\(statement.relation)，上年执行数应为 \(statement.implied.text(2)) 万元",
                                           other: "\(actual.value.text(2)) 万元", consistent: consistent))
                    guard !consistent else { continue }
                    add("C-PRIOR-EXECUTION", document, line: statement.line,
                        values: ["document": document.title, "subject": statement.key, "relation": statement.relation,
                                 "implied": statement.implied.text(2), "other": "\(other.title)的决算数\(BudgetLine.note(actual.line))", "actual": actual.value.text(2)])
                }
                for statement in statements where !statement.execution {
                    guard let actual = known[statement.key] else { continue }
                    let consistent = (statement.implied - actual.value).magnitude <= statement.slack + actual.slack
                    let source: String
                    if case .finalAccounts = other { source = "\(other.title)的年初预算" } else { source = other.title }
                    links.append(ChainLink(from: document.title, to: source, subject: statement.key,
                                           stated: "\(statement.relation)，上年应为 \(statement.implied.text(2)) 万元",
                                           other: "\(actual.value.text(2)) 万元", consistent: consistent))
                    guard !consistent else { continue }
                    // A budget's own "上年预算" against last year's budget is a certainty when it says 预算; against
                    // the 年初预算 of a final accounts, or when it says only 上年, a warning.
                    var severity: Severity? = nil
                    if case .finalAccounts = other { severity = .warning }
                    if !statement.explicitBudget { severity = .warning }
                    add("C-PRIOR-BUDGET", document, line: statement.line,
                        values: ["document": document.title, "subject": statement.key, "relation": statement.relation,
                                 "implied": statement.implied.text(2), "other": source + "\(BudgetLine.note(actual.line))", "actual": actual.value.text(2)],
                        severity: severity)
                }
            }
        }
        // The 年初预算 of final accounts against the same year's budget.
        for (i, document) in documents.enumerated() {
            guard case .finalAccounts(let report) = document else { continue }
            let initial = Self.initialBudgets(report)
            for (j, other) in documents.enumerated() where i != j && same(i, j) && other.year == report.disclosure.year {
                guard case .budget = other else { continue }
                let known = Self.budgetFigures(other)
                for stated in initial {
                    guard let actual = known[stated.key] else { continue }
                    let consistent = (stated.value - actual.value).magnitude <= stated.slack + actual.slack
                    links.append(ChainLink(from: document.title, to: other.title, subject: stated.key, stated: "年初预算 \(stated.text) 万元",
                                           other: "\(actual.value.text(2)) 万元", consistent: consistent))
                    guard !consistent else { continue }
                    add("C-FINAL-BUDGET", document, line: stated.line,
                        values: ["document": document.title, "subject": stated.key, "stated": stated.text,
                                 "other": other.title + "\(BudgetLine.note(actual.line))", "actual": actual.value.text(2)])
                }
            }
        }
        // 机构设置 carried over: each count against the same count in the nearest earlier document (a year apart at most)
        // that states it. A change is a warning unless the document says why nearby (机构改革, 调整, 撤并 …).
        let counts = documents.map { Self.structureCounts($0.passages) }
        for (b, document) in documents.enumerated() {
            for count in counts[b] {
                let earlier = documents.indices.filter { a in
                    a != b && same(a, b) && documents[a].order < document.order && document.year - documents[a].year <= 1
                        && counts[a].contains { $0.key == count.key }
                }.max { documents[$0].order < documents[$1].order }
                guard let a = earlier, let before = counts[a].first(where: { $0.key == count.key }) else { continue }
                let consistent = before.value == count.value
                links.append(ChainLink(from: document.title, to: documents[a].title, subject: count.key, stated: "\(count.value) 个",
                                       other: "\(before.value) 个", consistent: consistent))
                guard !consistent else { continue }
                add("C-STRUCTURE", document, line: count.line,
                    values: ["document": document.title, "subject": count.key, "stated": "\(count.value)",
                             "other": documents[a].title + "\(BudgetLine.note(before.line))", "actual": "\(before.value)",
                             "why": count.change.map { "，文中说到“\($0)”" } ?? "，文中没有说明变化的原因", "excerpt": count.text],
                    severity: count.change == nil ? nil : .info)
            }
        }
        // The 绩效目标 a year's budget set, as the same year's final accounts report them.
        for (i, document) in documents.enumerated() {
            guard case .finalAccounts = document, let reported = Self.targetStatement(document.passages) else { continue }
            for (j, other) in documents.enumerated() where i != j && same(i, j) && other.year == document.year {
                guard case .budget = other, let set = Self.targetStatement(other.passages) else { continue }
                let sameCount = set.projects == reported.projects
                let sameAmount = (set.amount - reported.amount).magnitude <= set.slack + reported.slack
                links.append(ChainLink(from: document.title, to: other.title, subject: "编报绩效目标的项目",
                                       stated: "\(reported.projects) 个、\(reported.amountText) 万元", other: "\(set.projects) 个、\(set.amountText) 万元",
                                       consistent: sameCount && sameAmount))
                guard !(sameCount && sameAmount) else { continue }
                add("C-TARGETS", document, line: reported.line,
                    values: ["document": document.title, "stated": "\(reported.projects) 个、涉及 \(reported.amountText) 万元",
                             "other": other.title + "\(BudgetLine.note(set.line))", "actual": "\(set.projects) 个、涉及 \(set.amountText) 万元"])
            }
        }
        // The 绩效自评's 年度指标值 against the targets the same year's budget set, project by project.
        for (i, document) in documents.enumerated() {
            guard case .finalAccounts(let report) = document else { continue }
            for (j, other) in documents.enumerated() where i != j && same(i, j) && other.year == document.year {
                guard case .budget(let budget) = other, !budget.targets.isEmpty else { continue }
                for link in Self.indicatorLinks(report, budget.targets) {
                    let consistent = link.stated.map { Self.normalized($0) == Self.normalized(link.target) } ?? false
                    links.append(ChainLink(from: document.title, to: other.title, subject: "\(link.project)·\(link.indicator)",
                                           stated: link.stated.map { "年度指标值“\($0)”" } ?? "自评表中没有这一指标",
                                           other: "绩效目标“\(link.target)”", consistent: consistent))
                    guard !consistent else { continue }
                    add("C-INDICATOR", document, line: link.line,
                        values: ["document": document.title, "project": link.project, "indicator": link.indicator,
                                 "stated": link.stated.map { "年度指标值为“\($0)”" } ?? "没有这一指标", "other": other.title, "target": link.target])
                }
            }
        }
        return ChainResult(department: department, years: Array(Set(documents.map(\.year))).sorted(), links: links, findings: findings)
    }

    // MARK: Figures of each kind of document

    static let factKeys = ["收入总计", "支出总计", "财政拨款收入", "财政拨款收入总计", "一般公共预算支出", "财政拨款一般公共预算收入", "基本支出", "项目支出",
                           "单位预留机动经费", "三公经费", "因公出国", "公务用车", "公务用车购置", "公务用车运行", "公务接待", "会议费", "培训费",
                           "机关运行经费", "政府采购", "政府性基金支出", "国有资本经营支出", "经济分类基本支出", "财政拨款基本支出"]

    /// A budget's figures by subject: its named figures and its 功能分类 items ("项:行政运行", "类:公共安全支出").
    static func budgetFigures(_ document: AuditedDocument) -> [String: Stated] {
        var result: [String: Stated] = [:]
        switch document {
        case .budget(let budget):
            for key in factKeys {
                if let figure = budget.fact(key) {
                    result[key] = Stated(key: key, value: figure.amount.wanDecimal, slack: Decimal(figure.slackFen) / Decimal(1_000_000),
                                         line: figure.line, text: figure.amount.formatted(unit: .wan, decimals: 2))
                }
            }
            // 一般公共预算 and 财政拨款 totals stand for each other in what budgets say of last year.
            if result["一般公共预算支出"] == nil { result["一般公共预算支出"] = result["财政拨款一般公共预算收入"] }
            // Items: from the 一般公共预算 table when there is one, else from any 功能分类 table.
            let tables = budget.tables.values.filter { $0.spec.shape == .functional }.sorted { ($0.spec.fund == "一般公共预算" ? 0 : 1, $0.titleLine) < ($1.spec.fund == "一般公共预算" ? 0 : 1, $1.titleLine) }
            for table in tables {
                for row in table.rows where !row.code.isEmpty {
                    guard let figure = row.cells[0] else { continue }
                    let key = "\(["", "", "", "类", "", "款", "", "项"][row.code.count]):\(row.code)"
                    if result[key] == nil {
                        result[key] = Stated(key: key, value: figure.amount.wanDecimal, slack: Decimal(figure.slackFen) / Decimal(1_000_000),
                                             line: figure.line, text: figure.amount.formatted(unit: .wan, decimals: 2))
                    }
                }
            }
        case .finalAccounts(let report):
            for stated in initialBudgets(report) where result[stated.key] == nil { result[stated.key] = stated }
        }
        return result
    }

    /// What a final accounts report says was spent: 表7's 决算数 for 三公, 表5's total for 一般公共预算财政拨款支出.
    static func finalActuals(_ report: PublishedReport) -> [String: Stated] {
        var result: [String: Stated] = [:]
        func put(_ key: String, _ amount: Money, line: Int) {
            result[key] = Stated(key: key, value: amount.wanDecimal, slack: Decimal(string: "0.005")!, line: line, text: amount.formatted(unit: .wan, decimals: 2))
        }
        if let t7 = report.disclosure[.t7] {
            let line = t7.rows.first?.source?.line ?? 0
            for (key, column) in [("三公经费", 7), ("因公出国", 8), ("公务用车", 9), ("公务用车购置", 10), ("公务用车运行", 11), ("公务接待", 12)] {
                put(key, t7.amount(StandardLayout.singleRow, column: column), line: line)
            }
        }
        if let t5 = report.disclosure[.t5], t5.row(.total) != nil {
            put("一般公共预算支出", t5.amount(.total, column: 1), line: t5.row(.total)?.source?.line ?? 0)
        }
        return result
    }

    /// The 年初预算 a final accounts report states: 表7's 预算数 columns for 三公, and "年初预算为 X 万元"
    /// in its prose for the 一般公共预算财政拨款 total.
    static func initialBudgets(_ report: PublishedReport) -> [Stated] {
        var result: [Stated] = []
        if let t7 = report.disclosure[.t7] {
            let row = StandardLayout.singleRow
            let line = t7.rows.first?.source?.line ?? 0
            for (key, column) in [("三公经费", 1), ("因公出国", 2), ("公务用车", 3), ("公务用车购置", 4), ("公务用车运行", 5), ("公务接待", 6)] {
                let amount = t7.amount(row, column: column)
                result.append(Stated(key: key, value: amount.wanDecimal, slack: Decimal(string: "0.005")!, line: line,
                                     text: amount.formatted(unit: .wan, decimals: 2)))
            }
        }
        for passage in report.passages {
            let characters = passage.characters.isEmpty ? Array(passage.text) : passage.characters
            for mention in MentionScanner.scan(characters) where mention.kind == .amount {
                let before = String(characters[max(0, mention.start - 40)..<mention.start]).filter { !$0.isWhitespace }
                guard before.hasSuffix("年初预算为") || before.hasSuffix("年初预算数为") else { continue }
                let clause = BudgetRun.clause(characters, before: mention.start, floor: 0)
                guard clause.includes("一般公共预算财政拨款支出") || clause.includes("一般公共预算财政拨款"), !clause.includes("三公"),
                      !clause.includes("基本支出"), !clause.includes("项目支出") else { continue }
                result.append(Stated(key: "一般公共预算支出", value: mention.value, slack: NarrativeChecks.slack(decimals: mention.decimals),
                                     line: passage.line(at: mention.start), text: mention.text))
            }
        }
        return result
    }

    /// What a budget says of last year's figures.
    static func priorStatements(_ budget: BudgetDocument) -> [PriorStatement] {
        var result: [PriorStatement] = []
        let run = BudgetRun(document: budget, rules: RuleCatalogue(rules: []))
        for passage in budget.passages {
            let characters = passage.characters.isEmpty ? Array(passage.text) : passage.characters
            let mentions = MentionScanner.scan(characters).filter { $0.kind == .amount }
            var previousEnd = 0
            var current: (Mention, String)?
            for (index, mention) in mentions.enumerated() {
                defer { previousEnd = mention.end }
                let subject = BudgetRun.clause(characters, before: mention.start, floor: previousEnd)
                let gap = String(characters[previousEnd..<mention.start])
                // A sentence that compares without naming its subject ("。与上年相比增加 …") continues the last one.
                if let stop = gap.lastIndex(of: "。") {
                    let next = gap[gap.index(after: stop)...].filter { !$0.isWhitespace }
                    if !["与上年", "比上年", "较上年", "同比", "与\(budget.year - 1)", "比\(budget.year - 1)"].contains(where: { next.hasPrefix($0) }) { current = nil }
                }
                let isChange = ["增加", "减少", "增长", "下降", "小于", "大于", "多", "少", "节约", "降低"].contains { subject.includes($0) }
                    && (subject.includes("上年") || subject.includes("\(budget.year - 1)") || subject.includes("比") || subject.includes("较"))
                if isChange, let (base, key) = current {
                    let up = ["增加", "增长", "大于", "多"].contains { subject.includes($0) } && !subject.includes("小于")
                    let implied = up ? base.value - mention.value : base.value + mention.value
                    result.append(PriorStatement(key: key, stated: base.value, implied: implied,
                                                 slack: NarrativeChecks.slack(decimals: base.decimals) + NarrativeChecks.slack(decimals: mention.decimals),
                                                 line: passage.line(at: mention.start), explicitBudget: subject.includes("预算") && !subject.includes("执行"),
                                                 execution: subject.includes("执行"),
                                                 excerpt: NarrativeChecks.excerpt(characters, around: mention.start),
                                                 relation: "\(base.text) 万元、\(up ? "增加" : "减少") \(mention.text) 万元"))
                    current = nil
                    continue
                }
                guard !isChange, !BudgetRun.priorWords.contains(where: { subject.includes($0) }) else { continue }
                var key: String?
                if let mark = BudgetRun.mark(String(characters), characters, before: mention.start, floor: previousEnd) {
                    let rows = run.rows(named: mark.name, level: mark.level, parent: mark.parent)
                    if let row = rows.first(where: { !$0.1.code.isEmpty })?.1 { key = "\(["", "", "", "类", "", "款", "", "项"][row.code.count]):\(row.code)" }
                } else {
                    key = run.factName(subject)
                }
                guard let key else { current = nil; continue }
                current = (mention, key)
                // "与上年（预算）持平 / 相等 / 一致": no change.
                let end = index + 1 < mentions.count ? mentions[index + 1].start : characters.count
                let after = String(characters[mention.end..<min(end, mention.end + 24)]).filter { !$0.isWhitespace }
                let stop = after.firstIndex { "。；;".contains($0) } ?? after.endIndex
                let clauseAfter = after[..<stop]
                if (clauseAfter.includes("持平") || clauseAfter.includes("相等") || clauseAfter.includes("一致")) && (clauseAfter.includes("上年") || clauseAfter.includes("\(budget.year - 1)")) {
                    result.append(PriorStatement(key: key, stated: mention.value, implied: mention.value, slack: NarrativeChecks.slack(decimals: mention.decimals),
                                                 line: passage.line(at: mention.start), explicitBudget: clauseAfter.includes("预算"),
                                                 excerpt: NarrativeChecks.excerpt(characters, around: mention.start),
                                                 relation: "\(mention.text) 万元、与上年\(clauseAfter.includes("预算") ? "预算" : "")持平"))
                    current = nil
                }
            }
        }
        return result
    }
}
