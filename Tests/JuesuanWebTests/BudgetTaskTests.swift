import Foundation
import Juesuan
import JuesuanAudit
import JuesuanCore
import JuesuanLedger
@testable import JuesuanStore
import JuesuanTestSupport
@testable import JuesuanWeb
import JuesuanXLSX
import Testing
import ZIPFoundation

/// A 预算 task beside the 决算 task of the same year: the unit downloads its budget workbook, fills and uploads it,
/// explains, confirms and 上报s; the 主管部门 and 财政 approve; 财政 publishes; the public finds the budget at its own
/// address; the same unit's 决算 page compares its 年初预算 with that budget. The two kinds never mix.
@Suite("web: a 预算 task through the cycle", .serialized)
struct BudgetTaskTests {
    static let unit = Cycle.demoExample

    /// The unit's 2021 budget: synthesised in the layout, its name the unit's, its 三公 the 决算's 表7 预算数.
    static func budget(named name: String, example: Disclosure) throws -> BudgetDataset {
        let layout = try #require(BudgetLayout.shipped.first { $0.id == "shanghai-district" })
        var budget = BudgetSynthesizer.make(layout: layout, seed: 11, index: 1, year: 2021, catalog: try Engine.catalog())
        budget.department = name
        let t7 = try #require(example[.t7])
        budget.tables["B9"]?.unit = "元"
        budget.tables["B9"]?.rows = [.init(code: "", label: "", cells: (1...6).map { t7.amount(StandardLayout.singleRow, column: $0).fen } + [nil])]
        return budget
    }

    @Test("a 2021 预算 task: workbook, findings, 上报, 审核, 公开 at its own address; the 决算 page shows the links")
    func budgetCycle() async throws {
        try await PagesTests.withPages(synthetic: 0) { cycle, client in
            let admin = try await PagesTests.caller(cycle, "admin")
            // A 决算 layout is not a budget layout.
            await #expect(throws: StoreError.self) { try await cycle.schedule.setTask(admin, year: 2021, kind: .budget, layout: "mof-2021", deadline: "2021-03-31") }
            let task = try await cycle.schedule.setTask(admin, year: 2021, kind: .budget, layout: "shanghai-district", deadline: "2021-03-31")
            #expect(task.kind == .budget)
            let tasks = try await cycle.schedule.tasks()
            #expect(tasks.filter { $0.year == 2021 }.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.budget, .finalAccounts])

            let filler = try await PagesTests.caller(cycle, "tianbao")
            let unitName = try await cycle.reports.report(filler, year: 2021, org: Self.unit).org.name
            let browser = try await PagesTests.Browser.login(client, "tianbao")
            let base = "/app/budgets/2021/\(Self.unit)"
            // Before anything is uploaded: the page of the 预算, its upload form and workbook; both tasks linked.
            let (status, empty) = try await browser.get(base)
            #expect(status == 200)
            #expect(empty.contains("2021 年度部门预算") && empty.contains("上传填好的预算填报工作簿") && empty.contains("\(base)/blank.xlsx"))
            #expect(empty.contains("2021 年度部门决算") && !empty.contains("/edit\""), "links to the other task; no 网页填报 of the nine tables")

            // The workbook to fill is the unit's, the year's and the task's layout.
            let (blank, _) = try await cycle.budgets.blankBudget(filler, year: 2021, org: Self.unit)
            let archive = try Archive(data: blank, accessMode: .read)
            var entries: [String: Data] = [:]
            for entry in archive where entry.type == .file {
                var data = Data()
                _ = try archive.extract(entry) { data.append($0) }
                entries[entry.path] = data
            }
            #expect(BudgetWorkbook.recognizes(entries: entries))
            let read = try BudgetWorkbook.read(entries: entries, displayName: "blank.xlsx")
            #expect(read.department == unitName && read.year == 2021 && read.layout == "shanghai-district")

            // The 主管部门's 汇总 waits for every unit's budget.
            let reviewer = try await PagesTests.caller(cycle, "zhuguan")
            do {
                _ = try await cycle.consolidating.consolidate(reviewer, year: 2021, org: "420103001", kind: .budget)
                Issue.record("a 汇总 without the units' budgets")
            } catch let error as StoreError { #expect(error.detail.contains("尚未上传预算") && error.detail.contains(Self.unit)) }

            // A 决算 workbook is refused by the 预算 task, a budget of another unit too; nothing is stored.
            let example = try Engine.readDataset(Repository.corrected.path)
            await #expect(throws: StoreError.self) {
                try await cycle.reports.upload(filler, year: 2021, org: Self.unit, kind: .budget, filename: "决算.xlsx", bytes: try WorkbookWriter.data(example))
            }
            var stranger = try Self.budget(named: "别的单位", example: example)
            let layout = try #require(BudgetLayout.shipped.first { $0.id == "shanghai-district" })
            do {
                _ = try await cycle.reports.upload(filler, year: 2021, org: Self.unit, kind: .budget, filename: "别的.xlsx",
                                           bytes: try BudgetWorkbook.data(stranger, layout: layout))
                Issue.record("a budget naming another unit was stored")
            } catch let error as StoreError { #expect(error.detail.contains("别的单位") && error.detail.contains("未保存")) }
            stranger.year = 2020
            stranger.department = unitName
            await #expect(throws: StoreError.self) {
                try await cycle.reports.upload(filler, year: 2021, org: Self.unit, kind: .budget, filename: "2020.xlsx", bytes: try BudgetWorkbook.data(stranger, layout: layout))
            }
            #expect(try await cycle.reports.report(filler, year: 2021, org: Self.unit, kind: .budget).currentVersion == nil)

            // A first workbook whose 三公 table was changed but not its 编制说明: the budget rules find it (errors), as the
            // engine does, and 上报 is refused.
            let changed = try Self.budget(named: unitName, example: example)
            let rules = try RuleCatalogue.budget(), language = try RuleCatalogue.standard(), catalog = try Engine.catalog()
            let expected = BudgetAuditor(rules: rules, language: language, catalog: catalog).audit(try BudgetDocument(dataset: changed))
            #expect(expected.count(.error) > 0)
            let first = try await cycle.reports.upload(filler, year: 2021, org: Self.unit, kind: .budget, filename: "预算.xlsx",
                                               bytes: try BudgetWorkbook.data(changed, layout: layout))
            #expect(first.report.kind == .budget && first.version.number == 1)
            #expect(first.findings.map(\.rule).sorted() == expected.map(\.rule).sorted())
            #expect(first.version.errors == expected.count(.error))
            #expect(first.report.submitBlockers.contains { $0.contains("个错误未改正") })
            // The 决算 of the same year is untouched.
            #expect(try await cycle.reports.report(filler, year: 2021, org: Self.unit).currentVersion == nil)
            let (_, page) = try await browser.get(base)
            #expect(page.contains("预算.xlsx") && page.contains("\(base)/preview?version=1"))
            #expect(page.contains("三公") && page.contains("class=\"finding error\"") || page.contains("error"))
            let (previewStatus, preview) = try await browser.get("\(base)/preview?version=1")
            #expect(previewStatus == 200 && preview.contains(unitName))

            // The corrected workbook (tables and text agree): no error; every warning explained.
            var budget = BudgetSynthesizer.make(layout: layout, seed: 11, index: 1, year: 2021, catalog: catalog)
            budget.department = unitName
            let uploaded = try await cycle.reports.upload(filler, year: 2021, org: Self.unit, kind: .budget, filename: "预算-改.xlsx",
                                                  bytes: try BudgetWorkbook.data(budget, layout: layout))
            #expect(uploaded.version.number == 2)
            try #require(uploaded.version.errors == 0, "\(uploaded.findings.filter { $0.severity == .error }.map(\.message))")
            let warnings = uploaded.findings.filter { $0.severity == .warning }
            if !warnings.isEmpty {
                _ = try await cycle.reports.explain(filler, year: 2021, org: Self.unit, kind: .budget, version: 2,
                                            warnings.map { ($0.key, "经核实，预算按批复数编列，差异已说明。") })
            }
            // Now the 主管部门's 部门预算 is the sum of its units' budgets (here one unit: the same tables), checked; its page offers
            // the 汇总 and the upload of the completed workbook.
            let summed = try await cycle.consolidating.consolidate(reviewer, year: 2021, org: "420103001", kind: .budget)
            #expect(summed.version.kind == .consolidation && summed.report.kind == .budget)
            let department = try await cycle.budgets.budgetDataset(reviewer, year: 2021, org: "420103001", version: nil)
            #expect(department.tables == budget.tables && department.scope == .department && department.narrative.isEmpty)
            #expect(try await cycle.reports.report(reviewer, year: 2021, org: "420103001").currentVersion == nil, "the 决算 汇总 is another report")
            let (_, departmentPage) = try await PagesTests.Browser.login(client, "zhuguan").get("/app/budgets/2021/420103001")
            #expect(departmentPage.contains("action=\"/app/budgets/2021/420103001/consolidate\"") && departmentPage.contains("汇总（1 个单位）"))
            // The department's own filler writes the 编制说明 into that version's workbook and uploads it: a department may
            // upload its 预算 (never its 决算, which is the 汇总 alone).
            _ = try await cycle.people.createUser(admin, Cycle.NewUser(login: "bumen", name: "部门填报员", role: .filler, org: "420103001", password: PagesTests.password))
            let departmentFiller = try await PagesTests.caller(cycle, "bumen")
            let summedBook = try await cycle.budgets.budgetWorkbook(departmentFiller, year: 2021, org: "420103001", version: nil)
            var written = try BudgetWorkbook.read(entries: try XLSXParts.parts(summedBook), displayName: "汇总.xlsx")
            #expect(written.tables == department.tables)
            written.narrative = ["2021年部门预算编制说明", "本部门2021年预算由下属单位预算汇总而成。"]
            let completed = try await cycle.reports.upload(departmentFiller, year: 2021, org: "420103001", kind: .budget, filename: "部门预算.xlsx",
                                                   bytes: try BudgetWorkbook.data(written, layout: layout))
            #expect(completed.version.number == 2 && completed.version.kind == .workbook)
            #expect(try await cycle.budgets.budgetDataset(departmentFiller, year: 2021, org: "420103001", version: 2).narrative == written.narrative)
            do {
                _ = try await cycle.reports.upload(departmentFiller, year: 2021, org: "420103001", filename: "决算.xlsx", bytes: try WorkbookWriter.data(example))
                Issue.record("a department's 决算 uploaded")
            } catch let error as StoreError { #expect(error.detail.contains("汇总")) }
            let head = try await PagesTests.caller(cycle, "fuzeren")
            _ = try await cycle.reports.confirm(head, year: 2021, org: Self.unit, kind: .budget, revision: nil)
            let submitted = try await cycle.reports.transition(filler, year: 2021, org: Self.unit, kind: .budget, TransitionRequest(action: .submit))
            #expect(submitted.state == .submitted)

            // The 主管部门 finds it in the 预算 inbox, not in the 决算 one.
            let budgetInbox = try await cycle.reports.inbox(reviewer, year: 2021, kind: .budget, state: .submitted, problem: nil, query: nil, paging: Paging(offset: 0, limit: 50))
            #expect(budgetInbox.items.map(\.org) == [Self.unit])
            let finalInbox = try await cycle.reports.inbox(reviewer, year: 2021, state: .submitted, problem: nil, query: nil, paging: Paging(offset: 0, limit: 50))
            #expect(finalInbox.items.isEmpty)
            let reviewerBrowser = try await PagesTests.Browser.login(client, "zhuguan")
            let (_, inboxPage) = try await reviewerBrowser.get("/app/inbox?year=2021&kind=budget")
            #expect(inboxPage.contains("2021 年度部门预算") && inboxPage.contains("href=\"\(base)\""))
            _ = try await cycle.reports.transition(reviewer, year: 2021, org: Self.unit, kind: .budget, TransitionRequest(action: .approve))
            let finance = try await PagesTests.caller(cycle, "caizheng")
            let approved = try await cycle.reports.transition(finance, year: 2021, org: Self.unit, kind: .budget, TransitionRequest(action: .approve))
            #expect(approved.state == .financeApproved)
            while try await cycle.publishing.prepareNextPublication() {}
            let published = try await cycle.reports.transition(finance, year: 2021, org: Self.unit, kind: .budget, TransitionRequest(action: .publish))
            #expect(published.state == .published && published.publicPath == "/public/2021/\(Self.unit)/budget/")

            // The API speaks of either kind (`kind=budget`); a kind it does not know is a 400.
            let (apiStatus, apiText) = try await browser.get("/api/v1/reports/2021/\(Self.unit)?kind=budget")
            #expect(apiStatus == 200)
            let api = try JSONSerialization.jsonObject(with: Data(apiText.utf8)) as? [String: Any] ?? [:]
            #expect(api["kind"] as? String == "budget" && api["currentVersion"] as? Int == 2 && api["state"] as? String == "已公开")
            let (datasetStatus, datasetText) = try await browser.get("/api/v1/reports/2021/\(Self.unit)/versions/2/dataset?kind=budget")
            #expect(datasetStatus == 200 && (try? JSONDecoder().decode(BudgetDataset.self, from: Data(datasetText.utf8)))?.tables == budget.tables)
            let (finalStatus0, finalText) = try await browser.get("/api/v1/reports/2021/\(Self.unit)")
            #expect(finalStatus0 == 200 && finalText.contains("\"kind\":\"final\"") && !finalText.contains("\"currentVersion\""))
            let (badStatus, _) = try await browser.get("/api/v1/reports/2021/\(Self.unit)?kind=预算")
            #expect(badStatus == 400)

            // Public: at its own address, with its data; the 决算 address is not it.
            let reader = PagesTests.Browser(client: client, cookie: "", csrf: "")
            let (publicStatus, publicPage) = try await reader.get("/public/2021/\(Self.unit)/budget/")
            #expect(publicStatus == 200 && publicPage.contains(unitName) && publicPage.contains("预算"))
            let (jsonStatus, json) = try await reader.get("/public/2021/\(Self.unit)/budget/budget.json")
            #expect(jsonStatus == 200)
            let again = try JSONDecoder().decode(BudgetDataset.self, from: Data(json.utf8))
            #expect(again.tables == budget.tables)
            #expect(!json.contains("经核实"), "explanations are never published")
            let (finalStatus, _) = try await reader.get("/public/2021/\(Self.unit)/")
            #expect(finalStatus == 404)
            let (_, index) = try await reader.get("/public/2021/?kind=budget")
            #expect(index.contains("2021 年度部门预算公开") && index.contains("/public/2021/\(Self.unit)/budget/"))

            // The 决算 of the same year, uploaded now: its page compares its 年初预算 with this budget.
            _ = try await cycle.reports.upload(filler, year: 2021, org: Self.unit, filename: "决算.xlsx", bytes: try WorkbookWriter.data(example))
            let links = BudgetLinks.compare(example, budget: budget)
            #expect(links.contains { $0.subject == "“三公”经费" && $0.budget != nil })
            let (_, report) = try await browser.get("/app/reports/2021/\(Self.unit)")
            #expect(report.contains("与同年部门预算的衔接") && report.contains("本系统中的2021 年度部门预算第 2 版") && report.contains("href=\"\(base)\""))
            let differing = links.filter { !$0.consistent }.count
            if differing > 0 { #expect(report.contains("\(differing) 项不一致")) } else { #expect(report.contains("各项一致")) }
        }
    }
}
