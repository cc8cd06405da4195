import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Juesuan
import JuesuanServer
import JuesuanStore
import JuesuanTestSupport
import JuesuanXLSX
@testable import JuesuanWeb
import NIOCore
import Testing

/// 网页填报 through the router and the store: a draft kept by revision, cells refused at their place,
/// totals computed, rows added by code, the draft saved as a version.
@Suite("web: 网页填报", .serialized)
struct EditorTests {
    typealias Browser = PagesTests.Browser

    @Test("a blank report: typed cells saved, a bad one refused at its cell, totals computed, a stale save refused, rows by code, a version")
    func editor() async throws {
        try await PagesTests.withPages(synthetic: 0) { cycle, client in
            let filler = try await Browser.login(client, "tianbao")
            let base = "/app/reports/2021/\(Cycle.demoExample)"
            let (status, page) = try await filler.get(base + "/edit?table=1")
            #expect(status == 200)
            #expect(page.contains("name=\"c|1|1\""), "表1 第1行 is typed")
            #expect(page.contains("data-name=\"c|27|1\""), "表1 第27行 is computed")
            #expect(!page.contains(" name=\"c|27|1\""))
            #expect(page.contains("空白报表，尚未保存草稿"))
            // One good cell, one that is not an amount: the good one is saved, the other refused at its cell and kept as typed.
            var headers = HTTPFields()
            headers[.cookie] = filler.cookie
            headers[.contentType] = "application/x-www-form-urlencoded"
            let form = "_csrf=\(filler.csrf)&revision=0&c%7C1%7C1=1%2C813.94&c%7C28%7C1=12..3&action=save"
            let refused = try await client.executeRequest(uri: base + "/edit?table=1", method: .post, headers: headers, body: ByteBuffer(string: form))
            #expect(refused.status == .unprocessableContent)
            let refusedPage = String(decoding: Data(buffer: refused.body), as: UTF8.self)
            #expect(refusedPage.contains("value=\"12..3\"") && refusedPage.contains("有两个小数点"))
            let caller = try await PagesTests.caller(cycle, "tianbao")
            var draft = try await cycle.drafts.draft(caller, year: 2021, org: Cycle.demoExample)
            #expect(draft.revision == 1)
            #expect(draft.dataset[.t1]?.row(.line(1))?.cells[1] == Money(fen: 1_813_940_000))
            #expect(draft.dataset[.t1]?.row(.line(27))?.cells[1] == Money(fen: 1_813_940_000), "the total follows")
            #expect(draft.dataset[.t1]?.row(.line(28))?.cells[1] == nil)
            // A save that started from an older revision is refused: nothing overwritten.
            let stale = try await filler.post(base + "/edit?table=1", "_csrf=\(filler.csrf)&revision=0&c%7C1%7C1=9&action=save")
            #expect(stale.0 == 303)
            #expect(try await filler.get(base + "/edit?table=1").1.contains("草稿已被"))
            draft = try await cycle.drafts.draft(caller, year: 2021, org: Cycle.demoExample)
            #expect(draft.dataset[.t1]?.row(.line(1))?.cells[1] == Money(fen: 1_813_940_000))
            // A row by its code: its 款 and 类 appear, named from the catalogue.
            let added = try await filler.post(base + "/edit?table=2", "_csrf=\(filler.csrf)&revision=1&add=2010301&action=add")
            #expect(added.0 == 303)
            let t2 = try await filler.get(base + "/edit?table=2").1
            #expect(t2.contains("name=\"c|2010301|2\"") && t2.contains("行政运行") && t2.contains("data-name=\"c|20103|2\"") && t2.contains("data-name=\"c|201|2\""))
            // The script's autosave: one cell in, the computed cells and the new revision out.
            var json = HTTPFields()
            json[.cookie] = filler.cookie
            json[.contentType] = "application/json"
            json[HTTPField.Name("X-CSRF-Token")!] = filler.csrf
            let body = #"{"revision":2,"table":2,"edits":[{"table":2,"row":"2010301","column":2,"value":"651"}]}"#
            let saved = try await client.executeRequest(uri: base + "/draft", method: .post, headers: json, body: ByteBuffer(string: body))
            #expect(saved.status == .ok)
            let out = try JSONSerialization.jsonObject(with: Data(buffer: saved.body)) as? [String: Any] ?? [:]
            #expect(out["revision"] as? Int == 3)
            let computed = (out["computed"] as? [[String: Any]] ?? []).reduce(into: [String: String]()) { $0[$1["name"] as? String ?? ""] = $1["value"] as? String }
            #expect(computed["c|2010301|1"] == "651.00" && computed["c|合计|2"] == "651.00" && computed["c|201|2"] == "651.00")
            // Without the CSRF header: refused.
            json[HTTPField.Name("X-CSRF-Token")!] = "x"
            #expect(try await client.executeRequest(uri: base + "/draft", method: .post, headers: json, body: ByteBuffer(string: body)).status == .forbidden)
            // Saved as a version, checked as an upload is; the draft is gone.
            let committed = try await filler.post(base + "/edit?table=2", "_csrf=\(filler.csrf)&revision=3&action=commit")
            #expect(committed.0 == 303 && committed.1 == base)
            let view = try await cycle.reports.report(caller, year: 2021, org: Cycle.demoExample)
            #expect(view.currentVersion == 1 && view.versions.first?.kind == .editor)
            #expect(try await cycle.drafts.draft(caller, year: 2021, org: Cycle.demoExample).revision == 0, "a new draft starts from the version")
            // A reviewer cannot edit.
            let reviewer = try await Browser.login(client, "zhuguan")
            #expect(try await reviewer.get(base + "/edit?table=1").0 == 403)
        }
    }

    @Test("基本情况与说明: the facts outside the tables by key, a bad amount refused at its place, Part 3 previewed; a round trip keeps every fact")
    func facts() async throws {
        try await PagesTests.withPages(synthetic: 0) { cycle, client in
            let filler = try await Browser.login(client, "tianbao")
            let base = "/app/reports/2021/\(Cycle.demoExample)"
            let (status, page) = try await filler.get(base + "/edit?table=0")
            #expect(status == 200)
            #expect(page.contains("原因 · 收支总计变动") && page.contains("name=\"f|机关运行经费\"") && page.contains("第三部分 情况说明"))
            var headers = HTTPFields()
            headers[.cookie] = filler.cookie
            headers[.contentType] = "application/x-www-form-urlencoded"
            func field(_ key: String, _ value: String) -> String {
                "f%7C" + key.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "=" + value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            }
            let form = ["_csrf=\(filler.csrf)", "revision=0", field("职能.1", "负责区政府日常运转。"), field("机关运行经费", "六十万"),
                        field("三公.接待批次", "3"), "new-key=" + "国有资产.应急保障用车".addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "&new-value=1",
                        "action=save"].joined(separator: "&")
            let refused = try await client.executeRequest(uri: base + "/edit?table=0", method: .post, headers: headers, body: ByteBuffer(string: form))
            #expect(refused.status == .unprocessableContent)
            let refusedPage = String(decoding: Data(buffer: refused.body), as: UTF8.self)
            #expect(refusedPage.contains("“六十万”不是金额") && refusedPage.contains("value=\"六十万\""))
            let caller = try await PagesTests.caller(cycle, "tianbao")
            let draft = try await cycle.drafts.draft(caller, year: 2021, org: Cycle.demoExample)
            #expect(draft.dataset.overview.functions == ["负责区政府日常运转。"])
            #expect(draft.dataset.figures.officialCounts["接待批次"] == 3 && draft.dataset.figures.operatingCosts == nil)
            #expect(draft.dataset.figures.assets.contains { $0.label == "应急保障用车" && $0.count == 1 })
            // The example's facts, written back as they are, stay the same.
            let example = try Engine.readDataset(Repository.corrected.path)
            let rows = DatasetFacts.rows(example)
            var seeded = draft
            seeded.dataset = DatasetFacts.replacing(draft.dataset, with: rows)
            #expect(DatasetFacts.rows(seeded.dataset).map { "\($0.key)=\($0.value)" } == rows.map { "\($0.key)=\($0.value)" })
            let (saved, problems) = try await cycle.drafts.saveDraft(caller, year: 2021, org: Cycle.demoExample, revision: draft.revision, edits: [], facts: rows)
            #expect(problems.isEmpty)
            #expect(DatasetFacts.rows(saved.dataset).map { "\($0.key)=\($0.value)" } == rows.map { "\($0.key)=\($0.value)" })
        }
    }

    @Test("绩效自评 in the browser: the example's 整体 form and a project form typed through the page read back equal; a bad amount refused with the form kept; a form removed")
    func performanceForms() async throws {
        try await PagesTests.withPages(synthetic: 0) { cycle, client in
            let filler = try await Browser.login(client, "tianbao")
            let base = "/app/reports/2021/\(Cycle.demoExample)"
            let example = try DatasetReader.read(folder: Repository.corrected).performance
            let (status, page) = try await filler.get(base + "/edit?table=10")
            #expect(status == 200 && page.contains("部门（单位）整体绩效自评表") && page.contains("name=\"p|预算执行.预算数\""))
            func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
            func body(_ typed: TypedForm, revision: Int, action: String = "save") -> String {
                var pairs = ["_csrf=\(filler.csrf)", "revision=\(revision)", "action=\(action)"]
                for (key, value) in typed.fields { pairs.append("\(encode("p|" + key))=\(encode(value))") }
                for (number, goal) in typed.goals.enumerated() { for (key, value) in goal { pairs.append("\(encode("g|\(number)|\(key)"))=\(encode(value))") } }
                for (number, row) in typed.indicators.enumerated() { for (key, value) in row { pairs.append("\(encode("i|\(number)|\(key)"))=\(encode(value))") } }
                return pairs.joined(separator: "&")
            }
            // The 整体 form, as the page's fields.
            let department = try #require(example.department)
            let saved = try await filler.post(base + "/edit?table=10&form=0", body(TypedForm(department), revision: 0))
            #expect(saved.0 == 303 && saved.1 == base + "/edit?table=10&form=0", "\(saved)")
            // A project form, new.
            let project = example.projects[6]
            #expect(try await filler.post(base + "/edit?table=10&form=new", body(TypedForm(project), revision: 1)).1 == base + "/edit?table=10&form=1")
            let caller = try await PagesTests.caller(cycle, "tianbao")
            var draft = try await cycle.drafts.draft(caller, year: 2021, org: Cycle.demoExample)
            func same(_ a: [IndicatorRow], _ b: [IndicatorRow]) -> Bool {
                a.map { [$0.level1, $0.level2, $0.name, $0.target, $0.actual, "\($0.weight.map { "\($0)" } ?? "")", "\($0.statedScore.map { "\($0)" } ?? "")"] }
                    == b.map { [$0.level1, $0.level2, $0.name, $0.target, $0.actual, "\($0.weight.map { "\($0)" } ?? "")", "\($0.statedScore.map { "\($0)" } ?? "")"] }
            }
            let back = try #require(draft.dataset.performance.department)
            #expect(back.execution == department.execution && back.statedTotal == department.statedTotal && back.unitName == department.unitName)
            #expect(back.goals.map(\.title) == department.goals.map(\.title) && back.goals.map(\.weight) == department.goals.map(\.weight))
            #expect(zip(back.goals, department.goals).allSatisfy { same($0.indicators, $1.indicators) })
            let backProject = try #require(draft.dataset.performance.projects.first)
            #expect(backProject.name == project.name && backProject.execution == project.execution && backProject.goalPlanned == project.goalPlanned)
            #expect(backProject.statedTotal == project.statedTotal && backProject.goalWeight == project.goalWeight && same(backProject.indicators, project.indicators))
            // The page shows the scores the rules give beside the form, never in it.
            let shown = try await filler.get(base + "/edit?table=10&form=1").1
            #expect(shown.contains("按评分规则") && shown.contains(project.name) && shown.contains("value=\"\(project.indicators[0].name)\""))
            // A budget that is not an amount: refused, the form kept as typed, nothing saved.
            var bad = TypedForm(project)
            bad.fields["预算执行.预算数"] = "四十四万"
            bad.fields["偏差分析"] = "改过的说明"
            let (refusedStatus, refused) = try await filler.postPage(base + "/edit?table=10&form=1", body(bad, revision: 2))
            #expect(refusedStatus == 422 && refused.contains("四十四万") && refused.contains("改过的说明") && refused.contains("预算数"), "\(refused.prefix(300))")
            draft = try await cycle.drafts.draft(caller, year: 2021, org: Cycle.demoExample)
            #expect(draft.revision == 2 && draft.dataset.performance.projects.first?.deviation == project.deviation)
            // Removed; and a version checked as an upload is.
            #expect(try await filler.post(base + "/edit?table=10&form=1", body(TypedForm(project), revision: 2, action: "remove")).0 == 303)
            draft = try await cycle.drafts.draft(caller, year: 2021, org: Cycle.demoExample)
            #expect(draft.dataset.performance.projects.isEmpty && draft.dataset.performance.department != nil)
        }
    }

    @Test("the example entered cell by cell (typed cells only, rows by code) saves as a version whose nine tables equal the example's")
    func wholeExample() async throws {
        try await PagesTests.withPages(synthetic: 0) { cycle, _ in
            let caller = try await PagesTests.caller(cycle, "tianbao")
            let example = try Engine.readDataset(Repository.corrected.path)
            var draft = try await cycle.drafts.draft(caller, year: 2021, org: Cycle.demoExample)
            for id in TableID.allCases {
                guard let table = example[id] else { continue }
                // Rows by code first (their parents come by themselves), then every cell the form does not compute.
                let codes = table.rows.compactMap { row -> String? in
                    switch row.key { case .function(let code): code.digits
                    case .economic(let code): code.digits
                    default: nil }
                }
                var result = try await cycle.drafts.saveDraft(caller, year: 2021, org: Cycle.demoExample, revision: draft.revision, edits: [],
                                                        add: codes.map { (id.rawValue, $0) })
                #expect(result.problems.isEmpty, "\(result.problems.map(\.reason))")
                draft = result.draft
                let computed = Set(draft.computed)
                let edits = table.rows.flatMap { row in
                    row.cells.compactMap { column, value -> CellEdit? in
                        computed.contains(.init(table: id, row: row.key, column: column)) ? nil
                            : CellEdit(table: id.rawValue, row: row.key.description, column: column, value: value.description)
                    }
                }
                result = try await cycle.drafts.saveDraft(caller, year: 2021, org: Cycle.demoExample, revision: draft.revision, edits: edits)
                #expect(result.problems.isEmpty, "\(id)：\(result.problems.map(\.reason))")
                draft = result.draft
            }
            let version = try await cycle.drafts.commitDraft(caller, year: 2021, org: Cycle.demoExample, revision: draft.revision)
            let stored = try await cycle.reports.dataset(caller, year: 2021, org: Cycle.demoExample, version: version.version.number)
            var compared = 0
            for id in TableID.allCases {
                guard let expected = example[id] else { continue }
                for row in expected.rows {
                    for (column, value) in row.cells {
                        #expect(stored[id]?.row(row.key)?.cells[column] == value, "\(id) \(row.key) 第\(column)栏")
                        compared += 1
                    }
                }
            }
            #expect(compared > 150)
            // The tables check as the example's do: no table error.
            #expect(!version.findings.contains { $0.severity == .error && $0.table != nil }, "\(version.findings.filter { $0.severity == .error }.map(\.message))")
        }
    }
}
