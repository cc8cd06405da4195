import Foundation
import JuesuanCore

/// Is the dataset filled in: parts left empty, placeholders (XX, “202 年度”), missing budget and
/// prior-year figures, a template never filled. Warnings, except the unfilled template, which is one
/// error instead of a hundred.
enum CompletenessChecks {
    static let kinds = ["template", "placeholder", "no-figures", "empty-part", "no-budget", "no-prior"]

    /// A piece of text of the dataset and where it is.
    struct Field {
        let place: String
        let text: String
        let source: SourceLocation?
    }

    static func run(_ rule: Rule, kind: String, context: EvaluationContext) -> [Finding] {
        let disclosure = context.disclosure
        let facts = disclosure.source.map { ($0 as NSString).appendingPathComponent("disclosure.yaml") }
        func finding(_ values: [String: String], source: SourceLocation? = nil, table: TableID? = nil, row: String? = nil,
                     stated: String? = nil) -> Finding {
            var text = rule.message
            for (key, value) in values { text = text.replacingOccurrences(of: "{\(key)}", with: value) }
            return Finding(rule: rule.id, severity: rule.severity, message: text, table: table, row: row, stated: stated,
                           source: source ?? facts.map { SourceLocation(file: $0, line: 0) })
        }
        let template = templateEvidence(disclosure)
        switch kind {
        case "template":
            guard let template else { return [] }
            return [finding(["place": disclosure.source.map { "“\($0)”" } ?? "这份决算", "detail": template])]
        case _ where template != nil:
            return []  // said once, by D-TEMPLATE
        case "placeholder":
            var findings: [Finding] = []
            for field in fields(disclosure) {
                guard let (value, detail) = placeholder(in: field.text) else { continue }
                findings.append(finding(["place": field.place, "value": value, "detail": detail], source: field.source, stated: value))
            }
            return findings
        case "no-figures":
            // A report with no figure in any of the nine tables is not a report: an error, so it cannot go up.
            return disclosure.tables.values.allSatisfy({ $0.isEmpty }) ? [finding(["place": "第二部分九张表", "detail": "九张表都没有数字"])] : []
        case "empty-part":
            var findings: [Finding] = []
            let overview = disclosure.overview
            if overview.functions.isEmpty && overview.composition.isEmpty && overview.staffing.isEmpty {
                findings.append(finding(["place": "第一部分概况", "detail": "没有部门职能、单位构成和人员构成"]))
            }
            if disclosure.keyWork.isEmpty {
                findings.append(finding(["place": "第四部分重点工作完成情况", "detail": "没有列出重点工作"]))
            }
            if disclosure.glossary.isEmpty {
                findings.append(finding(["place": "第五部分名词解释", "detail": "没有名词解释"]))
            }
            if disclosure.performance.department == nil && disclosure.performance.projects.isEmpty {
                findings.append(finding(["place": "第六部分绩效自评", "detail": "没有整体绩效自评表和项目支出绩效自评表"]))
            }
            return findings
        case "no-budget":
            guard disclosure.figures.initialBudget.isEmpty, !disclosure.tables.values.allSatisfy({ $0.isEmpty }) else { return [] }
            return [finding(["detail": "disclosure.yaml 的“年初预算”"])]
        case "no-prior":
            guard disclosure.figures.priorYear.isEmpty, !disclosure.tables.values.allSatisfy({ $0.isEmpty }) else { return [] }
            return [finding(["detail": "disclosure.yaml 的“上年数”"])]
        default:
            return []
        }
    }

    /// Why the disclosure looks like a template never filled in, or nil: no amount in any table, and
    /// a placeholder for the unit's name or no name at all.
    static func templateEvidence(_ disclosure: Disclosure) -> String? {
        let amounts = disclosure.tables.values.reduce(0) { count, table in
            count + table.rows.reduce(0) { $0 + $1.cells.values.filter { $0.fen != 0 }.count }
        }
        guard amounts == 0 else { return nil }
        let name = disclosure.unit.trimmingCharacters(in: .whitespaces)
        if name.isEmpty { return "没有单位名称，九张表没有一个数字" }
        if let (value, _) = placeholder(in: name) { return "单位名称是“\(name)”（占位符 \(value)），九张表没有一个数字" }
        return nil
    }

    /// Every free text of the dataset, with its place.
    static func fields(_ disclosure: Disclosure) -> [Field] {
        var out: [Field] = [Field(place: "单位名称", text: disclosure.unit, source: nil)]
        let overview = disclosure.overview
        for (index, function) in overview.functions.enumerated() {
            out.append(Field(place: "第一部分部门主要职能第 \(index + 1) 条", text: function, source: nil))
        }
        out.append(Field(place: "第一部分部门决算单位构成", text: overview.composition, source: nil))
        for (key, text) in disclosure.figures.texts.sorted(by: { $0.key < $1.key }) {
            out.append(Field(place: "“\(key)”", text: text, source: nil))
        }
        for (key, text) in disclosure.figures.reasons.sorted(by: { $0.key < $1.key }) {
            out.append(Field(place: "“\(key)”的原因说明", text: text, source: nil))
        }
        for task in disclosure.keyWork {
            out.append(Field(place: "第四部分重点工作“\(task.name)”", text: task.name + "\n" + task.content + "\n" + task.result, source: nil))
        }
        for entry in disclosure.glossary {
            out.append(Field(place: "第五部分名词解释“\(entry.term)”", text: entry.term + "\n" + entry.definition, source: entry.source))
        }
        for table in disclosure.tables.values.sorted(by: { $0.id < $1.id }) {
            out.append(Field(place: "\(table.id)的表名", text: table.title, source: nil))
            for row in table.rows where !row.label.isEmpty {
                out.append(Field(place: "\(table.id) \(row.key) 行的名称", text: row.label, source: nil))
            }
        }
        for project in disclosure.performance.projects {
            out.append(Field(place: "项目“\(project.name)”绩效自评表",
                             text: [project.name, project.supervisor, project.implementer, project.goalPlanned, project.goalAchieved].joined(separator: "\n"),
                             source: project.source.map { SourceLocation(file: $0, line: 0) }))
        }
        if let department = disclosure.performance.department {
            out.append(Field(place: "整体绩效自评表", text: department.unitName,
                             source: department.source.map { SourceLocation(file: $0, line: 0) }))
        }
        return out
    }

    /// The placeholders looked for, compiled once (a pattern compiled per call was most of a check's time).
    private static let placeholderPatterns: [(NSRegularExpression, String)] = [
        (#"[XＸxｘ×]{2,}"#, "名称或数字未填写"),
        (#"(?<![0-9０-９])(?:20|２０)[0-9０-９]?\s*年(?:度)?(?![0-9])"#, "年份缺少数字"),
        (#"(?:为|计|共|合计|支出|收入|增加|减少|下降|增长)[ \u3000]+(?:万元|元|%|个|人|辆)"#, "应填数字的地方是空白"),
        (#"[（(][ \u3000]*[)）]年"#, "年份是空白"),
    ].map { pattern, meaning in
        // The patterns are constants of this file: one that does not compile is a programming error.
        (try! NSRegularExpression(pattern: pattern), meaning)
    }

    /// The first placeholder in `text` and what it is: XX / ×× for a name or number not filled in, a
    /// year with digits missing ("202 年度"), a gap where a figure belongs ("为 万元").
    static func placeholder(in text: String) -> (String, String)? {
        let whole = NSRange(text.startIndex..., in: text)
        for (pattern, meaning) in placeholderPatterns {
            if let match = pattern.firstMatch(in: text, range: whole), let range = Range(match.range, in: text) {
                let value = String(text[range])
                // A real year has four digits; "20 年" and "202 年度" do not.
                if meaning == "年份缺少数字", value.filter(\.isNumber).count == 4 { continue }
                return (value, meaning)
            }
        }
        return nil
    }
}
