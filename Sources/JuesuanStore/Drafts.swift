import Foundation
import Juesuan
import JuesuanXLSX
import SQLKit

/// A report being entered in the browser: kept as a draft (saved as the officer goes, one per report),
/// then saved as an immutable version exactly as an upload is. Two people editing one report: the
/// later save names the revision it started from and is refused when another was saved in between.
public struct Draft: Sendable, Codable {
    /// Increases with every save; 0 for a draft not yet saved (started from the current version or blank).
    public var revision: Int
    public var dataset: Disclosure
    /// The version the draft started from (nil: blank).
    public var baseVersion: Int?
    public var updatedBy: String?
    public var updatedAt: String?
    /// The cells the form computes (合计, 类/款 rows, totals across columns): shown read-only.
    public var computed: [Completion.Cell]
    /// The year whose approved report started this one (opening balances, 上年数, base information).
    public var carriedFrom: Int?
}

/// One cell as typed: the table (1…9), the row (行次, code or name as printed), the column (栏次) and
/// the text ("" clears the cell).
public struct CellEdit: Sendable, Codable, Hashable {
    public var table: Int
    public var row: String
    public var column: Int
    public var value: String

    public init(table: Int, row: String, column: Int, value: String) {
        self.table = table
        self.row = row
        self.column = column
        self.value = value
    }
}

/// A cell refused, with the reason in Chinese; the draft keeps its previous value.
public struct CellProblem: Sendable, Codable, Hashable {
    public var edit: CellEdit
    public var reason: String
}

extension Cycle {
    /// The nine tables of a unit with nothing in them, as the layout prints them: 表1 and 表4 with
    /// every 行次 that has a label (income sources, totals, one line per 功能分类 class), 表7's one row.
    public static func blank(unit: String, year: Int, layout: TableLayout, catalog: Catalog) -> Disclosure {
        var disclosure = Disclosure(unit: unit, year: year)
        disclosure.layout = layout.id
        for id in TableID.allCases {
            let spec = layout.spec(id)
            var rows: [TableRow] = []
            switch StandardLayout.rowKind(id) {
            case .lines:
                var lines: [Int: String] = [:]
                for (line, label) in spec.lineLabels ?? [:] { if let number = Int(line) { lines[number] = label } }
                for item in catalog.classes {
                    if let line = StandardLayout.classLine(position: item.position, in: id), lines[line] == nil {
                        lines[line] = StandardLayout.chineseOrdinal(item.position) + "、" + item.name
                    }
                }
                rows = lines.keys.sorted().map { TableRow(key: .line($0), label: lines[$0] ?? "") }
            case .single:
                rows = [TableRow(key: StandardLayout.singleRow, label: "决算")]
            default:
                rows = []
            }
            disclosure.tables[id] = Table(id: id, title: layout.title(id, year: year), department: unit, unit: .wan,
                                          columns: spec.columns, rows: rows)
        }
        return disclosure
    }

    /// Adds a 功能分类 (or, in 表6, 经济分类) row by its code, named from the catalogue; its parents
    /// appear when the form is completed. Returns why it cannot be added, or nil.
    static func addRow(_ disclosure: inout Disclosure, _ id: TableID, _ digits: String, catalog: Catalog) -> String? {
        guard var table = disclosure[id] else { return "没有表\(id.rawValue)。" }
        let key: RowKey
        let label: String
        switch StandardLayout.rowKind(id) {
        case .functionCodes:
            guard let code = FunctionCode(digits), let name = catalog.functionNames[code] else {
                return "“\(digits.prefix(20))”不是现行功能分类科目的编码（类 3 位、款 5 位、项 7 位）。"
            }
            key = .function(code)
            label = name
        case .economicCodes:
            guard let code = EconomicCode(digits), let name = catalog.economicNames[code] else {
                return "“\(digits.prefix(20))”不是现行部门预算支出经济分类科目的编码（类 3 位、款 5 位）。"
            }
            key = .economic(code)
            label = name
        default:
            return "表\(id.rawValue)的行是固定的，不能添加。"
        }
        guard table.row(key) == nil else { return nil }
        table.rows.append(TableRow(key: key, label: label))
        table.rows.sort { $0.key < $1.key }
        disclosure.tables[id] = table
        return nil
    }
}

extension Drafts {
    /// The draft of a report, or a new one started from the current version (or blank, from the layout).
    public func draft(_ caller: Caller, year: Int, org code: String) async throws -> Draft {
        try require(caller, .prepare, "填报报表")
        return try await backend.read { db in try await self.loadDraft(db, caller, year: year, org: code) }
    }

    func loadDraft(_ db: any SQLDatabase, _ caller: Caller, year: Int, org code: String) async throws -> Draft {
        let org = try await visibleOrg(db, caller, code)
        let task = try await schedule.task(db, year)
        if let row = try await db.raw("""
            SELECT d.revision, d.dataset, d.base_version, d.updated_at, COALESCE(u.name, d.updated_by) AS who
            FROM drafts d LEFT JOIN users u ON u.login = d.updated_by WHERE d.report = \(bind: Cycle.reportID(year, code))
            """).first() {
            var dataset = try JSONDecoder().decode(Disclosure.self, from: Data(try row.decode(column: "dataset", as: String.self).utf8))
            let computed = Completion.complete(&dataset, rules: rules, catalog: catalog)
            return Draft(revision: try row.decode(column: "revision", as: Int.self), dataset: dataset,
                         baseVersion: try row.decode(column: "base_version", as: Int?.self), updatedBy: try row.decode(column: "who", as: String?.self),
                         updatedAt: try row.decode(column: "updated_at", as: String?.self), computed: Array(computed), carriedFrom: nil)
        }
        let current = try await db.raw("SELECT current_version FROM reports WHERE id = \(bind: Cycle.reportID(year, code))").first()?
            .decode(column: "current_version", as: Int?.self)
        var carried: Int?
        var dataset: Disclosure
        if let stored = try await reports.storedDataset(db, year: year, org: code, version: nil) {
            dataset = stored
        } else {
            dataset = Cycle.blank(unit: org.name, year: year, layout: TableLayout.named(task.layout) ?? .standard, catalog: catalog)
            // A new year starts from last year's approved report: opening balances, 上年数, base information.
            if let previous = try await reports.previousYear(db, year: year, org: code) {
                Cycle.carryOver(previous, into: &dataset, catalog: catalog)
                carried = year - 1
            }
        }
        let computed = Completion.complete(&dataset, rules: rules, catalog: catalog)
        return Draft(revision: 0, dataset: dataset, baseVersion: current ?? nil, updatedBy: nil, updatedAt: nil, computed: Array(computed),
                     carriedFrom: carried)
    }

    /// Applies typed cells and added rows (`add`: codes per table) to the draft and saves it, if no one
    /// saved another in between (`revision` is the one the person started from). Cells that are not
    /// amounts, computed cells and unknown codes are refused at their place; the rest is saved.
    public func saveDraft(_ caller: Caller, year: Int, org code: String, revision: Int, edits: [CellEdit],
                          add: [(table: Int, code: String)] = [], facts: [(key: String, value: String)]? = nil) async throws
        -> (draft: Draft, problems: [CellProblem]) {
        try require(caller, .prepare, "填报报表")
        for edit in edits { try TextInput.check(edit.value, "单元格") }
        for fact in facts ?? [] {
            try TextInput.check(fact.key, "项目名称")
            try TextInput.check(fact.value, "“\(fact.key.prefix(20))”的内容", multiline: true)
        }
        let catalog = catalog
        return try await backend.write { db in
            var draft = try await self.openDraft(db, caller, year: year, org: code, revision: revision)
            var problems: [CellProblem] = []
            let computed = Set(draft.computed)
            if let facts {
                // Base information and the figures of Part 3: each value checked by its kind; a refused one keeps the old.
                let old = Dictionary(DatasetFacts.rows(draft.dataset).map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
                var rows: [(key: String, value: String)] = []
                for fact in facts {
                    let key = fact.key.trimmingCharacters(in: .whitespaces)
                    guard !key.isEmpty else { continue }
                    if let reason = DatasetFacts.problem(key, fact.value) {
                        problems.append(CellProblem(edit: CellEdit(table: 0, row: key, column: 0, value: fact.value), reason: reason))
                        if let before = old[key] { rows.append((key, before)) }
                    } else {
                        rows.append((key, fact.value))
                    }
                }
                draft.dataset = DatasetFacts.replacing(draft.dataset, with: rows)
            }
            for (table, text) in add {
                guard let tableID = TableID(rawValue: table), draft.dataset[tableID] != nil else { continue }
                let digits = text.trimmingCharacters(in: .whitespaces)
                if let problem = Cycle.addRow(&draft.dataset, tableID, digits, catalog: catalog) {
                    problems.append(CellProblem(edit: CellEdit(table: table, row: digits, column: 0, value: digits), reason: problem))
                }
            }
            for edit in edits {
                guard let tableID = TableID(rawValue: edit.table), let table = draft.dataset[tableID],
                      let row = table.rows.first(where: { $0.key.description == edit.row }),
                      table.columns.contains(where: { $0.number == edit.column }) else {
                    problems.append(CellProblem(edit: edit, reason: "没有这一格（表\(edit.table) \(edit.row) 第\(edit.column)栏）。"))
                    continue
                }
                let cell = Completion.Cell(table: tableID, row: row.key, column: edit.column)
                let text = edit.value.trimmingCharacters(in: .whitespacesAndNewlines)
                if computed.contains(cell) {
                    // A computed cell sent back unchanged is no edit; a changed one is refused.
                    if text.isEmpty || MoneyParser.parseOrNil(text, unit: table.unit)?.money == row.cells[edit.column] { continue }
                    problems.append(CellProblem(edit: edit, reason: "这一格由公式计算，不能填写。"))
                    continue
                }
                var value: Money?
                if !text.isEmpty {
                    do { value = try MoneyParser.parse(text, unit: table.unit).money } catch {
                        problems.append(CellProblem(edit: edit, reason: "“\(text.prefix(30))”不是金额（\(error)）：可写 1813.94 或 1,813.94，单位\(table.unit.rawValue)。"))
                        continue
                    }
                }
                _ = Completion.set(&draft.dataset, tableID, row.key, edit.column, value)
            }
            draft = try await self.persistDraft(db, caller, year: year, org: code, revision: revision, draft: draft)
            return (draft, problems)
        }
    }

    /// The draft a save starts from, in the save's transaction: the report must take edits now, and no one may
    /// have saved another revision since the person loaded theirs.
    func openDraft(_ db: any SQLDatabase, _ caller: Caller, year: Int, org code: String, revision: Int) async throws -> Draft {
        let view = try await reports.reportView(db, caller, year: year, org: code)
        if let refused = Cycle.refusal(.upload, try await reports.operationContext(db, caller, view)) { throw refused }
        let draft = try await loadDraft(db, caller, year: year, org: code)
        guard draft.revision == revision else {
            throw StoreError.conflict("草稿已被\(draft.updatedBy ?? "他人")保存过（您从第 \(revision) 次保存开始，现为第 \(draft.revision) 次）："
                + "没有覆盖，请刷新后再改。")
        }
        return draft
    }

    /// Completes the draft's computed cells and stores it, if no one saved another in between.
    func persistDraft(_ db: any SQLDatabase, _ caller: Caller, year: Int, org code: String, revision: Int, draft: Draft) async throws -> Draft {
        var draft = draft
        let id = Cycle.reportID(year, code)
        let catalog = catalog, rules = rules
        draft.computed = Array(Completion.complete(&draft.dataset, rules: rules, catalog: catalog))
        let now = Clock.stamp()
        let content = Cycle.compact(draft.dataset)
        if revision == 0 {
            try await self.reports.ensureReport(db, year: year, org: code)
            guard try await db.raw("""
                INSERT INTO drafts (report, revision, dataset, base_version, updated_by, updated_at)
                VALUES (\(bind: id), 1, \(bind: content), \(bind: draft.baseVersion), \(bind: caller.user.login), \(bind: now))
                ON CONFLICT (report) DO NOTHING RETURNING revision
                """).first() != nil else {
                throw StoreError.conflict("草稿已被他人先保存：没有覆盖，请刷新后再改。")
            }
        } else {
            guard try await db.raw("""
                UPDATE drafts SET revision = revision + 1, dataset = \(bind: content), updated_by = \(bind: caller.user.login), updated_at = \(bind: now)
                WHERE report = \(bind: id) AND revision = \(bind: revision) RETURNING revision
                """).first() != nil else {
                throw StoreError.conflict("草稿已被他人保存：没有覆盖，请刷新后再改。")
            }
        }
        draft.revision = revision + 1
        draft.updatedBy = caller.user.name
        draft.updatedAt = now
        return draft
    }

    /// Writes one 绩效自评 form of the draft as typed: `index` 0 is the 整体 form, 1… the project forms in
    /// order, nil a new project form; `remove` deletes a project form. The form is read by the dataset's own
    /// rules (a missing 预算数, a score that is not a number … refused with the field named); nothing is
    /// saved when it is refused.
    public func saveForm(_ caller: Caller, year: Int, org code: String, revision: Int, index: Int?, form: TypedForm?,
                         remove: Bool = false) async throws -> Draft {
        try require(caller, .prepare, "填报报表")
        for (key, value) in form?.fields ?? [:] { try TextInput.check(value, key, multiline: true) }
        for row in (form?.indicators ?? []) + (form?.goals ?? []) { for (key, value) in row { try TextInput.check(value, key, multiline: true) } }
        let read: TypedForm.Read?
        if let form, !remove {
            let which = index == 0 ? "整体绩效自评表" : "项目支出绩效自评表" + (index.map { "（第 \($0) 张）" } ?? "（新增）")
            do { read = try form.read(name: which) } catch { throw StoreError.invalid(error.description) }
        } else {
            read = nil
        }
        return try await backend.write { db in
            var draft = try await self.openDraft(db, caller, year: year, org: code, revision: revision)
            var forms = draft.dataset.performance
            let missing = StoreError.notFound("没有这张自评表（第 \(index.map(String.init) ?? "新") 张）。")
            if remove {
                guard let index else { throw missing }
                if index == 0 { forms.department = nil } else if index <= forms.projects.count { forms.projects.remove(at: index - 1) } else { throw missing }
            } else if let read {
                switch read {
                case .department(let form):
                    guard index == 0 else { throw missing }
                    forms.department = form
                case .project(let form):
                    if let index {
                        guard index >= 1, index <= forms.projects.count else { throw missing }
                        forms.projects[index - 1] = form
                    } else {
                        forms.projects.append(form)
                    }
                }
            } else {
                throw missing
            }
            draft.dataset.performance = forms
            return try await self.persistDraft(db, caller, year: year, org: code, revision: revision, draft: draft)
        }
    }

    /// Saves the draft as a new version (checked as an upload is) and removes the draft.
    public func commitDraft(_ caller: Caller, year: Int, org code: String, revision: Int) async throws -> UploadResult {
        try require(caller, .prepare, "填报报表")
        let (org, draft, previous) = try await backend.read { db in
            (try await self.visibleOrg(db, caller, code), try await self.loadDraft(db, caller, year: year, org: code),
             try await self.reports.previousYear(db, year: year, org: code))
        }
        guard draft.revision == revision else {
            throw StoreError.conflict("草稿已被\(draft.updatedBy ?? "他人")保存过（您看到的是第 \(revision) 次保存，现为第 \(draft.revision) 次），请刷新后再保存为版本。")
        }
        guard draft.revision > 0 else { throw StoreError.conflict("草稿还没有保存过：先填写并保存，再保存为版本。") }
        guard org.kind == .unit else { throw StoreError.conflict("“\(org.name)”是\(org.kind.rawValue)：它的报表由下属单位汇总生成。") }
        let dataset = draft.dataset, catalog = catalog, rules = rules
        let findings = try await timed(.check) { try await offload { Engine.check(dataset, rules: rules, catalog: catalog) } }
            + reports.openingFindings(dataset, previous: previous)
        let result = try await reports.storeVersion(caller, org: org, year: year, kind: .editor, filename: "网页填报",
                                            content: Data(Cycle.compact(dataset).utf8), disclosure: dataset, findings: findings)
        try await backend.write { db in
            try await db.raw("DELETE FROM drafts WHERE report = \(bind: Cycle.reportID(year, code)) AND revision = \(bind: revision)").run()
        }
        return result
    }

    /// A workbook to fill offline: the report as it stands (else blank, with last year's codes and
    /// opening balances), formulas in the cells the form computes, the others unlocked and checked.
    public func fillableWorkbook(_ caller: Caller, year: Int, org code: String) async throws -> Data {
        let draft = try await draft(caller, year: year, org: code)
        let dataset = draft.dataset, catalog = catalog, rules = rules
        return try await offload {
            let formulas = Completion.linearForms(dataset, rules: rules, catalog: catalog).mapValues { terms in
                terms.map { WorkbookWriter.Fillable.Term(cell: $0.cell, sign: $0.sign) }
            }
            do { return try WorkbookWriter.data(dataset, fillable: .init(formulas: formulas)) } catch { throw StoreError(Problem(error)) }
        }
    }

    /// The findings of the draft as it is (the form marks them at their cells as the officer types).
    public func checkDraft(_ caller: Caller, year: Int, org code: String, _ draft: Draft) async throws -> [StoredFinding] {
        let previous = try await backend.read { db in
            _ = try await self.visibleOrg(db, caller, code)
            return try await self.reports.previousYear(db, year: year, org: code)
        }
        let dataset = draft.dataset, catalog = catalog, rules = rules
        var findings = StoredFinding.keyed(try await offload { Engine.check(dataset, rules: rules, catalog: catalog) }
                                           + reports.openingFindings(dataset, previous: previous))
        StoredFinding.markCauses(&findings)
        return findings
    }
}
