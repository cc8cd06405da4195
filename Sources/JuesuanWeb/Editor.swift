import Foundation
import HTTPTypes
import Hummingbird
import Juesuan
import JuesuanServer
import JuesuanStore
import JuesuanXLSX
import NIOCore

/// 网页填报: the nine tables as forms, one input per cell that is typed, computed cells read-only; a
/// draft saved as the officer goes (a form per table without JavaScript; cell by cell with it), then
/// saved as a version exactly as an upload.
extension Pages {
    struct EditorPage {
        // Optional strings: an empty string would still open a mustache section.
        struct Tab { var href: String, text: String, current: Bool, marks: String? }
        struct Column { var number: Int, name: String, groups: String? }
        struct CellView {
            var input: Bool, applies: Bool, name: String, value: String, label: String, markClass: String, title: String?
            var cellProblem: String?, row: String, column: Int, id: String
        }
        struct RowView { var key: String, label: String, depth: Int, total: Bool, cells: [CellView] }
        struct FindingView { var severityKey: String, severityName: String, place: String, message: String, anchor: String? }
        var csrf: String, base: String, orgName: String, year: Int, table: Int, tableTitle: String, unitName: String
        var tabs: [Tab], columns: [Column], rows: [RowView], revision: Int, status: String
        var findings: [FindingView], hasFindings: Bool, addable: Bool, addPlaceholder: String, notes: [String]
        var problems: [String], hasProblems: Bool, addValue: String
    }

    struct FactsPage {
        struct Fact { var id: String, key: String, label: String, name: String, value: String, long: Bool, factProblem: String? }
        struct Section { var title: String, paragraphs: [String] }
        var csrf: String, base: String, orgName: String, year: Int, revision: Int, status: String, tabs: [EditorPage.Tab]
        var facts: [Fact], problems: [String], hasProblems: Bool, sections: [Section], newKey: String, newValue: String
    }

    /// 基本情况与说明: the facts outside the tables (Part 1, the figures and reasons of Part 3), and Part 3
    /// as the generator writes it from the draft, previewed.
    func factsPage(_ context: AppContext, _ caller: Caller, year: Int, code: String, draft: Draft, findings: [StoredFinding],
                   typed: [String: String] = [:], problems: [CellProblem] = [], newKey: String = "", newValue: String = "") async throws -> String {
        let base = "/app/reports/\(year)/\(Self.query(code))"
        var rows = DatasetFacts.rows(draft.dataset)
        for key in DatasetFacts.template where !rows.contains(where: { $0.key == key }) { rows.append((key, "")) }
        var problemAt: [String: String] = [:]
        for problem in problems where problem.edit.table == 0 { problemAt[problem.edit.row] = problem.reason }
        let facts = rows.enumerated().map { index, row in
            let value = typed[row.key] ?? row.value
            return FactsPage.Fact(id: "fact-\(index)", key: row.key, label: row.key.replacingOccurrences(of: ".", with: " · "),
                                  name: "f|" + row.key, value: value,
                                  long: DatasetFacts.kind(of: row.key) == .text && (value.count > 30 || row.key.hasPrefix("职能") || row.key.hasPrefix("原因")),
                                  factProblem: problemAt[row.key])
        }
        let parts = try await cycle.reports.reviewParts(draft.dataset)
        let model = FactsPage(
            csrf: context.csrf ?? "", base: base, orgName: draft.dataset.unit, year: year, revision: draft.revision,
            status: draft.revision == 0 ? "尚未保存草稿。" : "草稿第 \(draft.revision) 次保存（\(draft.updatedBy ?? "")，\(Views.date(draft.updatedAt, time: true))）。",
            tabs: editorTabs(base, current: 0, findings), facts: facts,
            problems: problems.map { "\($0.edit.row)：\($0.reason)" }, hasProblems: !problems.isEmpty,
            sections: parts.narrative.map { .init(title: $0.title, paragraphs: $0.paragraphs.map(\.text)) },
            newKey: newKey, newValue: newValue)
        return Views.layout(title: "网页填报 · \(draft.dataset.unit)", user: caller.user, csrf: context.csrf, notice: context.notice,
                            problem: problems.isEmpty ? context.problem : "有 \(problems.count) 项没有保存（见各项下的说明），其余已保存。",
                            current: "report", body: Views.render("editor-facts", model))
    }

    /// The tabs of the form: 基本情况与说明, then the nine tables, each with its errors and warnings.
    func editorTabs(_ base: String, current: Int, _ findings: [StoredFinding]) -> [EditorPage.Tab] {
        let counts = Dictionary(grouping: findings.filter { $0.severity != .info }) { $0.table ?? "" }
        let facts = (counts[""] ?? []).count
        return [EditorPage.Tab(href: "\(base)/edit?table=0", text: "基本情况与说明", current: current == 0,
                               marks: facts > 0 ? "问题 \(facts)" : nil)]
            + TableID.allCases.map { tab in
                let here = counts[tab.description] ?? []
                let errors = here.filter { $0.severity == .error }.count, warnings = here.count - errors
                let marks = [errors > 0 ? "错误 \(errors)" : nil, warnings > 0 ? "警告 \(warnings)" : nil].compactMap { $0 }.joined(separator: " ")
                return .init(href: "\(base)/edit?table=\(tab.rawValue)", text: tab.description, current: tab.rawValue == current,
                             marks: marks.isEmpty ? nil : marks)
            }
            + [performanceTab(base, current: current, findings)]
    }

    /// The tab of the 绩效自评 forms (table=10), with the count of their problems.
    func performanceTab(_ base: String, current: Int, _ findings: [StoredFinding]) -> EditorPage.Tab {
        let here = findings.filter { $0.rule.hasPrefix("P-") && $0.severity != .info }
        let errors = here.filter { $0.severity == .error }.count, warnings = here.count - errors
        let marks = [errors > 0 ? "错误 \(errors)" : nil, warnings > 0 ? "警告 \(warnings)" : nil].compactMap { $0 }.joined(separator: " ")
        return .init(href: "\(base)/edit?table=\(Self.performanceTable)", text: "绩效自评", current: current == Self.performanceTable,
                     marks: marks.isEmpty ? nil : marks)
    }

    /// The editor's tab number of the 绩效自评 forms.
    static let performanceTable = 10

    struct PerformancePage {
        struct FormTab { var href: String, text: String, current: Bool }
        struct Field { var id: String, name: String, label: String, value: String, long: Bool, list: String?, computed: String? }
        struct Row { var number: Int, cells: [Field], computed: String? }
        struct FindingView { var severityKey: String, severityName: String, message: String }
        var csrf: String, base: String, orgName: String, year: Int, revision: Int, status: String, tabs: [EditorPage.Tab]
        var formTabs: [FormTab], formTitle: String, formParam: String, hint: String, fields: [Field], isDepartment: Bool
        var goals: [Row], indicators: [Row], indicatorHeads: [String], indicatorHint: String, removable: Bool
        var level1: [String], level2: [String], formProblem: String?, findings: [FindingView], hasFindings: Bool
    }

    /// Which form the page is about: "0" the 整体 form, "1"… a project form, "new" a new project form.
    static func formIndex(_ request: Request) -> Int? {
        let text = request.uri.queryParameters["form"].map(String.init) ?? "0"
        return text == "new" ? nil : Int(text).map { max(0, $0) } ?? 0
    }

    /// 绩效自评: one form at a time, its fields as printed, its indicator rows with blank rows to add, the
    /// scores the rules give shown beside (never stored: the form keeps what the unit writes).
    func performancePage(_ context: AppContext, _ caller: Caller, year: Int, code: String, draft: Draft, index: Int?,
                         typed: TypedForm? = nil, problem: String? = nil) async throws -> String {
        let base = "/app/reports/\(year)/\(Self.query(code))"
        let findings = try await cycle.drafts.checkDraft(caller, year: year, org: code, draft)
        let forms = draft.dataset.performance
        let index = index.flatMap { $0 <= forms.projects.count ? $0 : nil }
        let isDepartment = index == 0
        var form = typed
        if form == nil {
            if isDepartment, let department = forms.department { form = TypedForm(department) }
            if let index, index >= 1 { form = TypedForm(forms.projects[index - 1]) }
        }
        let kind = isDepartment ? "整体" : "项目"
        let shown = form ?? TypedForm(kind: kind, fields: isDepartment ? ["单位名称": draft.dataset.unit, "预算执行.项目": "部门整体支出总额", "预算执行.单位": "万元"]
                                                  : ["实施单位": draft.dataset.unit, "预算执行.项目": "年度财政资金总额", "预算执行.单位": "元"],
                                      goals: [], indicators: [])
        // The scores by the rules, for the form as saved.
        var scored: ScoredForm?
        if typed == nil, let scheme = try? ScoringScheme.chosen(by: forms) {
            let scorer = Scorer(scheme: scheme)
            if isDepartment, let department = forms.department { scored = scorer.score(department) }
            if let index, index >= 1 { scored = scorer.score(forms.projects[index - 1]) }
        }
        let keys = isDepartment ? TypedForm.departmentKeys : TypedForm.projectKeys
        let lists = ["项目类别": "category", "项目类型": "kind", "预算执行.单位": "unit"]
        let fields = keys.enumerated().map { number, key -> PerformancePage.Field in
            var computed: String?
            if let scored {
                if key == "预算执行.执行率" { computed = "按预算数、执行数：\(scored.executionRateText)" }
                if key == "预算执行.得分" { computed = "按评分规则：\(scored.executionScore) 分" }
                if key == "自评得分" { computed = "按评分规则：\(scored.computed) 分（\(scored.grade)）" }
            }
            return .init(id: "pf-\(number)", name: "p|" + key, label: key.replacingOccurrences(of: ".", with: " · "), value: shown.fields[key] ?? "",
                         long: ["总目标.年初设定目标", "总目标.全年实际完成情况", "偏差分析", "改进措施"].contains(key), list: lists[key], computed: computed)
        }
        // Blank rows to type into: a few more than the form has, more on a new form (a block pasted from a
        // spreadsheet adds the rows it needs).
        let goalRows = (shown.goals + Array(repeating: [:], count: isDepartment ? max(2, 10 - shown.goals.count) : 0)).enumerated().map { number, goal in
            PerformancePage.Row(number: number + 1, cells: TypedForm.goalKeys.map { key in
                .init(id: "", name: "g|\(number)|\(key)", label: "年度目标\(number + 1) · \(key)", value: goal[key] ?? "", long: key == "内容", list: nil,
                      computed: nil)
            }, computed: nil)
        }
        let scoredRows = scored?.blocks.flatMap(\.indicators) ?? []
        let heads = (isDepartment ? ["年度目标"] : []) + TypedForm.indicatorKeys
        let indicatorRows = (shown.indicators + Array(repeating: [:], count: max(5, 10 - shown.indicators.count))).enumerated().map { number, row in
            PerformancePage.Row(number: number + 1, cells: heads.map { key in
                .init(id: "", name: "i|\(number)|\(key)", label: "指标\(number + 1) · \(key)", value: row[key] ?? "", long: false,
                      list: key == "一级" ? "level1" : key == "二级" ? "level2" : nil, computed: nil)
            }, computed: number < scoredRows.count && typed == nil
                ? "\(scoredRows[number].computed) 分（\(scoredRows[number].method)）" + (scoredRows[number].problem.map { "：\($0)" } ?? "") : nil)
        }
        var formTabs = [PerformancePage.FormTab(href: "\(base)/edit?table=10&form=0", text: forms.department == nil ? "整体（未填）" : "整体", current: isDepartment)]
        for (number, project) in forms.projects.enumerated() {
            formTabs.append(.init(href: "\(base)/edit?table=10&form=\(number + 1)", text: project.name, current: index == number + 1))
        }
        formTabs.append(.init(href: "\(base)/edit?table=10&form=new", text: "＋ 新增项目表", current: index == nil))
        let here = findings.filter { $0.rule.hasPrefix("P-") && $0.severity != .info }
        let model = PerformancePage(
            csrf: context.csrf ?? "", base: base, orgName: draft.dataset.unit, year: year, revision: draft.revision,
            status: draft.revision == 0 ? "尚未保存草稿。" : "草稿第 \(draft.revision) 次保存（\(draft.updatedBy ?? "")，\(Views.date(draft.updatedAt, time: true))）。",
            tabs: editorTabs(base, current: Self.performanceTable, findings), formTabs: formTabs,
            formTitle: isDepartment ? "部门（单位）整体绩效自评表" : (index == nil ? "新增项目支出绩效自评表" : "项目支出绩效自评表：\(forms.projects[index! - 1].name)"),
            formParam: index.map(String.init) ?? "new",
            hint: "按所印的表填写：金额按“预算执行 · 单位”（元或万元），分值、得分为数字，执行率如 99.46%。右侧灰字是按评分规则算出的，仅供核对，不写入表中。",
            fields: fields, isDepartment: isDepartment, goals: goalRows, indicators: indicatorRows, indicatorHeads: heads,
            indicatorHint: isDepartment ? "每行指标的“年度目标”填其所属年度目标的序号。名称留空的行不保存；要删一行，清空其名称。从 Excel 或 WPS 复制的多行多列可粘贴到任一格，行不够时自动添加。"
                : "名称留空的行不保存；要删一行，清空其名称。从 Excel 或 WPS 复制的多行多列可粘贴到任一格，行不够时自动添加。",
            removable: index != nil && index != 0,
            level1: ["产出指标", "效益指标", "满意度指标"],
            level2: ["数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "满意度指标"],
            formProblem: problem,
            findings: here.map { .init(severityKey: $0.severity.rawValue, severityName: $0.severity.chineseName, message: $0.message) },
            hasFindings: !here.isEmpty)
        return Views.layout(title: "网页填报 · 绩效自评 · \(draft.dataset.unit)", user: caller.user, csrf: context.csrf, notice: context.notice,
                            problem: problem == nil ? context.problem : "这张表没有保存（见下）。", current: "report",
                            body: Views.render("editor-performance", model))
    }

    /// A form as posted: `p|key` fields, `g|n|key` goals, `i|n|key` indicator rows.
    static func typedForm(_ form: Form, department: Bool) -> TypedForm {
        var fields: [String: String] = [:]
        var goals: [Int: [String: String]] = [:], rows: [Int: [String: String]] = [:]
        for (name, posted) in form.fields {
            // A textarea sends its line breaks as CR LF.
            let value = posted.replacingOccurrences(of: "\r\n", with: "\n")
            let parts = name.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 2, parts[0] == "p" { fields[parts[1]] = value }
            if parts.count == 3, let number = Int(parts[1]), (0..<500).contains(number) {
                if parts[0] == "g" { goals[number, default: [:]][parts[2]] = value }
                if parts[0] == "i" { rows[number, default: [:]][parts[2]] = value }
            }
        }
        return TypedForm(kind: department ? "整体" : "项目", fields: fields,
                         goals: goals.keys.sorted().map { goals[$0]! }, indicators: rows.keys.sorted().map { rows[$0]! })
    }

    /// `facts` in the order their fields came (`f|key`), new ones last.
    static func ordered(_ facts: [(key: String, value: String)], as order: [String]) -> [(key: String, value: String)] {
        var position: [String: Int] = [:]
        for (index, name) in order.enumerated() where name.hasPrefix("f|") { position[String(name.dropFirst(2))] = index }
        return facts.enumerated().sorted { (position[$0.element.key] ?? Int.max, $0.offset) < (position[$1.element.key] ?? Int.max, $1.offset) }
            .map(\.element)
    }

    static func editorTable(_ request: Request) -> TableID {
        request.uri.queryParameters["table"].flatMap { Int(String($0)) }.flatMap(TableID.init(rawValue:)) ?? .t1
    }

    /// The input's name for a cell: `c|行|栏`.
    static func cellName(_ row: String, _ column: Int) -> String { "c|\(row)|\(column)" }

    func editor(_ request: Request, _ context: AppContext) async throws -> Response {
        try await page(request, context) { caller in
            let year = try PathParameter.year(context), code = try PathParameter.org(context)
            let view = try await cycle.reports.report(caller, year: year, org: code)
            guard caller.user.role.may(.prepare) else { throw StoreError.forbidden("“\(caller.user.role.chineseName)”角色不能填写报表。") }
            guard view.actions.contains(.upload) else {
                throw StoreError.conflict("报表当前状态为“\(view.state.rawValue)”：只有“填报中”的单位报表可以在网页中填写（被退回后即可）。")
            }
            let draft = try await cycle.drafts.draft(caller, year: year, org: code)
            if request.uri.queryParameters["table"] == "0" {
                return try await factsPage(context, caller, year: year, code: code, draft: draft,
                                           findings: try await cycle.drafts.checkDraft(caller, year: year, org: code, draft))
            }
            if request.uri.queryParameters["table"] == "\(Self.performanceTable)" {
                return try await performancePage(context, caller, year: year, code: code, draft: draft, index: Self.formIndex(request))
            }
            return try await editorPage(context, caller, year: year, code: code, table: Self.editorTable(request), draft: draft)
        }
    }

    func editorPage(_ context: AppContext, _ caller: Caller, year: Int, code: String, table id: TableID, draft: Draft,
                    typed: [String: String] = [:], problems: [CellProblem] = [], addValue: String = "") async throws -> String {
        let base = "/app/reports/\(year)/\(Self.query(code))"
        let findings = try await cycle.drafts.checkDraft(caller, year: year, org: code, draft)
        let dataset = draft.dataset
        let computed = Set(draft.computed)
        var marks: [String: StoredFinding] = [:]
        for finding in findings where finding.severity != .info {
            guard let table = finding.table, let row = finding.row, let column = finding.column else { continue }
            let key = "\(table)|\(row)|\(column)"
            if marks[key].map({ $0.severity < finding.severity }) ?? true { marks[key] = finding }
        }
        var problemAt: [String: String] = [:]
        for problem in problems where problem.edit.column > 0 {
            problemAt[Self.cellName(problem.edit.row, problem.edit.column)] = problem.reason
        }
        let table = dataset[id]
        let columns = (table?.columns ?? []).sorted { $0.number < $1.number }
        let rowKind = StandardLayout.rowKind(id)
        let rows: [EditorPage.RowView] = (table?.rows ?? []).map { row in
            let key = row.key.description
            var depth = 0
            if case .function(let functionCode) = row.key { depth = functionCode.digits.count <= 3 ? 0 : (functionCode.digits.count <= 5 ? 1 : 2) }
            if case .economic(let economicCode) = row.key { depth = economicCode.digits.count <= 3 ? 0 : 1 }
            var side: Side?
            if case .line(let line) = row.key, rowKind == .lines { side = StandardLayout.side(of: line, in: id) }
            let cells = columns.map { column -> EditorPage.CellView in
                let applies = side == nil || column.side == nil || column.side == side
                let isComputed = computed.contains(Completion.Cell(table: id, row: row.key, column: column.number))
                let name = Self.cellName(key, column.number)
                let mark = marks["表\(id.rawValue)|\(key)|\(column.number)"]
                let value = typed[name] ?? row.cells[column.number].map { $0.description } ?? ""
                return EditorPage.CellView(
                    input: applies && !isComputed, applies: applies, name: name, value: value,
                    label: "\(row.label.isEmpty ? key : row.label) · \(column.name)",
                    markClass: mark.map { $0.severity.rawValue } ?? "", title: mark.map { "\($0.rule)：\($0.message)" },
                    cellProblem: problemAt[name], row: key, column: column.number,
                    id: "e-\(id.rawValue)-\(key)-\(column.number)".replacingOccurrences(of: " ", with: "_"))
            }
            // A total row: every cell that applies to it is computed (合计, 类 and 款 rows, 表1 第27行 …).
            let applicable = cells.filter(\.applies)
            return EditorPage.RowView(key: row.key == Completion.totalRow ? "" : key, label: row.label, depth: depth,
                                      total: !applicable.isEmpty && applicable.allSatisfy { !$0.input }, cells: cells)
        }
        let tabs = editorTabs(base, current: id.rawValue, findings)
        let status = draft.revision == 0
            ? (draft.baseVersion.map { "从第 \($0) 版开始，尚未保存草稿。" }
                ?? draft.carriedFrom.map { "从 \($0) 年度经财政审核的报表带入了年初结转和结余、上年数与基本情况，尚未保存草稿。" }
                ?? "空白报表，尚未保存草稿。")
            : "草稿第 \(draft.revision) 次保存（\(draft.updatedBy ?? "")，\(Views.date(draft.updatedAt, time: true))）"
                + (draft.baseVersion.map { "，从第 \($0) 版开始" } ?? "") + "。"
        let model = EditorPage(
            csrf: context.csrf ?? "", base: base, orgName: dataset.unit, year: year, table: id.rawValue,
            tableTitle: table?.title ?? id.description, unitName: table?.unit.rawValue ?? "万元", tabs: tabs,
            columns: columns.map { .init(number: $0.number, name: $0.name, groups: $0.groups.isEmpty ? nil : $0.groups.joined(separator: " ")) },
            rows: rows,
            revision: draft.revision, status: status,
            findings: findings.filter { $0.table == id.description && $0.severity != .info }.map {
                .init(severityKey: $0.severity.rawValue, severityName: $0.severity.chineseName, place: $0.place, message: $0.message,
                      anchor: nil)
            },
            hasFindings: findings.contains { $0.table == id.description && $0.severity != .info },
            addable: rowKind == .functionCodes || rowKind == .economicCodes,
            addPlaceholder: rowKind == .economicCodes ? "经济分类编码，如 30101" : "功能分类编码，如 2010301",
            notes: table?.notes ?? [], problems: problems.map { "\($0.edit.column > 0 ? "表\($0.edit.table) \($0.edit.row) 第\($0.edit.column)栏" : "添加 \($0.edit.value)")：\($0.reason)" },
            hasProblems: !problems.isEmpty, addValue: addValue)
        return Views.layout(title: "网页填报 · \(dataset.unit)", user: caller.user, csrf: context.csrf, notice: context.notice,
                            problem: problems.isEmpty ? context.problem : "有 \(problems.count) 处没有保存（见各格下的说明），其余已保存。",
                            current: "report", body: Views.render("editor", model))
    }

    /// The form of one table posted (without the script): cells saved, rows added; or the draft saved as a version.
    func saveEditor(_ request: Request, _ context: AppContext) async throws -> Response {
        try await post(request, context) { form, caller in
            let year = try PathParameter.year(context), code = try PathParameter.org(context)
            let id = Self.editorTable(request)
            let base = "/app/reports/\(year)/\(Self.query(code))"
            let revision = form["revision"].flatMap { Int($0) } ?? 0
            if request.uri.queryParameters["table"] == "\(Self.performanceTable)" {
                let index = Self.formIndex(request)
                let typed = Self.typedForm(form, department: index == 0)
                let remove = form["action"] == "remove"
                let draft: Draft
                do {
                    draft = try await cycle.drafts.saveForm(caller, year: year, org: code, revision: revision, index: index, form: remove ? nil : typed, remove: remove)
                } catch let error as StoreError where error.reason == .invalid {
                    let current = try await cycle.drafts.draft(caller, year: year, org: code)
                    return Self.html(try await performancePage(context, caller, year: year, code: code, draft: current, index: index, typed: typed,
                                                               problem: error.detail), status: .unprocessableContent)
                }
                if form["action"] == "commit" {
                    let result = try await cycle.drafts.commitDraft(caller, year: year, org: code, revision: draft.revision)
                    return try await flash(context, notice: "已保存为第 \(result.version.number) 版：错误 \(result.version.errors) 个，警告 \(result.version.warnings) 个。",
                                           to: base)
                }
                let saved = remove ? 0 : (index ?? draft.dataset.performance.projects.count)
                return try await flash(context, notice: remove ? "已删除这张自评表（草稿第 \(draft.revision) 次保存）。" : "已保存这张自评表（草稿第 \(draft.revision) 次保存）。",
                                       to: "\(base)/edit?table=\(Self.performanceTable)&form=\(saved)")
            }
            if request.uri.queryParameters["table"] == "0" {
                // 基本情况与说明: every fact of the form, and one new one.
                var facts: [(key: String, value: String)] = []
                var typed: [String: String] = [:]
                for (name, value) in form.fields.sorted(by: { $0.key < $1.key }) where name.hasPrefix("f|") {
                    facts.append((String(name.dropFirst(2)), value))
                    typed[String(name.dropFirst(2))] = value
                }
                let newKey = (form["new-key"] ?? "").trimmingCharacters(in: .whitespaces), newValue = form["new-value"] ?? ""
                if !newKey.isEmpty { facts.append((newKey, newValue)) }
                // The order of the rows is the form's: keep the page's order, not the alphabet.
                facts = Self.ordered(facts, as: form.order)
                let (draft, problems) = try await cycle.drafts.saveDraft(caller, year: year, org: code, revision: revision, edits: [], facts: facts)
                if !problems.isEmpty {
                    return Self.html(try await factsPage(context, caller, year: year, code: code, draft: draft,
                                                         findings: try await cycle.drafts.checkDraft(caller, year: year, org: code, draft),
                                                         typed: typed, problems: problems), status: .unprocessableContent)
                }
                if form["action"] == "commit" {
                    let result = try await cycle.drafts.commitDraft(caller, year: year, org: code, revision: draft.revision)
                    return try await flash(context, notice: "已保存为第 \(result.version.number) 版：错误 \(result.version.errors) 个，警告 \(result.version.warnings) 个。",
                                           to: base)
                }
                return try await flash(context, notice: "已保存草稿（第 \(draft.revision) 次）。", to: "\(base)/edit?table=0")
            }
            var edits: [CellEdit] = []
            var typed: [String: String] = [:]
            for (name, value) in form.fields where name.hasPrefix("c|") {
                let parts = name.split(separator: "|", omittingEmptySubsequences: false)
                guard parts.count == 3, let column = Int(parts[2]) else { continue }
                edits.append(CellEdit(table: id.rawValue, row: String(parts[1]), column: column, value: value))
                typed[name] = value
            }
            let add = (form["add"] ?? "").trimmingCharacters(in: .whitespaces)
            // Several codes at once, as copied from a list: separated by spaces, commas or 、.
            let codes = add.split(whereSeparator: { $0.isWhitespace || ",，、;；".contains($0) }).map(String.init).prefix(500)
            let (draft, problems) = try await cycle.drafts.saveDraft(caller, year: year, org: code, revision: revision, edits: edits,
                                                               add: codes.map { (id.rawValue, $0) })
            if !problems.isEmpty {
                let kept = typed.filter { name, _ in problems.contains { Self.cellName($0.edit.row, $0.edit.column) == name } }
                return Self.html(try await editorPage(context, caller, year: year, code: code, table: id, draft: draft, typed: kept,
                                                      problems: problems, addValue: problems.contains { $0.edit.column == 0 } ? add : ""),
                                 status: .unprocessableContent)
            }
            if form["action"] == "commit" {
                let result = try await cycle.drafts.commitDraft(caller, year: year, org: code, revision: draft.revision)
                return try await flash(context, notice: "已保存为第 \(result.version.number) 版：错误 \(result.version.errors) 个，警告 \(result.version.warnings) 个。",
                                       to: base)
            }
            return try await flash(context, notice: "已保存草稿（第 \(draft.revision) 次）。", to: "\(base)/edit?table=\(id.rawValue)")
        }
    }

    /// The script's autosave: JSON edits in, the draft's revision, computed cells and marks out.
    func saveEditorJSON(_ request: Request, _ context: AppContext) async throws -> Response {
        guard let caller = context.caller else { throw StoreError.unauthenticated() }
        if context.mustChangePassword { throw StoreError.forbidden("请先修改密码。") }
        guard let sent = request.headers[HTTPField.Name("X-CSRF-Token")!], sent == context.csrf else {
            throw StoreError.forbidden("缺少或错误的 CSRF 令牌，请刷新页面后重试。")
        }
        struct Body: Decodable { var revision: Int; var table: Int; var edits: [CellEdit] }
        var request = request
        let body = try JSONDecoder().decode(Body.self, from: Data(buffer: try await request.collectBody(upTo: 2 * 1024 * 1024)))
        let year = try PathParameter.year(context), code = try PathParameter.org(context)
        guard let id = TableID(rawValue: body.table) else { throw StoreError.badRequest("没有表\(body.table)。") }
        let (draft, problems) = try await cycle.drafts.saveDraft(caller, year: year, org: code, revision: body.revision,
                                                           edits: body.edits.map { var edit = $0; edit.table = id.rawValue; return edit })
        let findings = try await cycle.drafts.checkDraft(caller, year: year, org: code, draft)
        struct CellOut: Encodable { var name: String, value: String }
        struct MarkOut: Encodable { var name: String, severity: String, title: String }
        struct ProblemOut: Encodable { var name: String, reason: String }
        struct Out: Encodable {
            var revision: Int, status: String, computed: [CellOut], marks: [MarkOut], problems: [ProblemOut], errors: Int, warnings: Int
        }
        let computed = draft.computed.filter { $0.table == id }.map { cell in
            CellOut(name: Self.cellName(cell.row.description, cell.column),
                    value: draft.dataset[id]?.row(cell.row)?.cells[cell.column]?.description ?? "")
        }
        let marks = findings.filter { $0.table == id.description && $0.severity != .info && $0.row != nil && $0.column != nil }.map {
            MarkOut(name: Self.cellName($0.row ?? "", Int($0.column ?? "") ?? 0), severity: $0.severity.rawValue, title: "\($0.rule)：\($0.message)")
        }
        let out = Out(revision: draft.revision, status: "已自动保存（草稿第 \(draft.revision) 次保存）",
                      computed: computed, marks: marks,
                      problems: problems.map { ProblemOut(name: Self.cellName($0.edit.row, $0.edit.column), reason: $0.reason) },
                      errors: findings.filter { $0.severity == .error }.count, warnings: findings.filter { $0.severity == .warning }.count)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: try JSONEncoder().encode(out))))
    }
}
