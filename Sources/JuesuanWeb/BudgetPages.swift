import Foundation
import HTTPTypes
import Hummingbird
import Juesuan
import JuesuanServer
import JuesuanStore

/// The pages of a 预算 report (`/app/budgets/{year}/{org}`): the report page of a 决算 with the budget's
/// upload (its workbook), findings, explanations, 批注, transitions and history; the budget itself previewed
/// as it will be published, printed to PDF, or downloaded as the workbook of a version.
extension Pages {
    func budgetReport(_ request: Request, _ context: AppContext) async throws -> Response {
        try await page(request, context) { caller in try await budgetReportPage(request, context, caller) }
    }

    func budgetReportPage(_ request: Request, _ context: AppContext, _ caller: Caller,
                          typed: ReportPage.Typed = .init()) async throws -> String {
        let year = try PathParameter.year(context), code = try PathParameter.org(context)
        let chosen = request.uri.queryParameters["version"].flatMap { Int(String($0)) }
        let data = try await cycle.budgets.budgetPage(caller, year: year, org: code, version: chosen)
        let view = data.view
        let base = ReportKind.budget.appPath(year, Self.query(code))
        let actions = Self.actions(view, base: base)
        let layoutName = Cycle.layouts(.budget).first { $0.id == data.task.layout }?.name ?? data.task.layout
        let names = ["upload": "上传", "explain": "说明", "submit": "上报", "return": "退回", "approve": "审核通过", "publish": "公开",
                     "confirm": "审核确认", "withdraw": "撤回"]
        var model = ReportPage(
            csrf: context.csrf ?? "", orgName: view.org.name, year: year, documentName: "部门预算",
            budgetLine: "版式：\(layoutName)" + (data.shown.map { "；\($0.dataset.scope.rawValue)预算" } ?? ""),
            state: .init(view.state), revision: view.revision,
            deadline: Views.date(view.deadline), daysText: Views.daysText(view.daysLeft), publicPath: view.publicPath,
            returnReason: view.state == .drafting ? view.returnReason : nil,
            confirmation: view.confirmed ? "单位负责人\(view.confirmedBy.map { " " + $0 } ?? "") 已于 \(Views.date(view.confirmedAt, time: true)) 审核确认" : nil,
            awaitingConfirmation: view.signoff && !view.confirmed && view.state == .drafting && view.currentVersion != nil,
            actions: view.actions.contains { $0 != .explain } ? actions : nil,
            noVersion: view.currentVersion == nil,
            history: view.history.map {
                .init(at: Views.date($0.at, time: true), actor: $0.actor, action: names[$0.action] ?? $0.action,
                      change: [$0.before, $0.after].compactMap { $0 }.joined(separator: " → "), detail: $0.detail ?? "")
            }, hasHistory: !view.history.isEmpty)
        model.taskLinks = try await taskLinks(code: code, year: year, kind: .budget)
        model.hasTaskLinks = !model.taskLinks.isEmpty
        if let (version, findings, _) = data.shown {
            var versions = versionsModel(view, shown: version.number, base: base)
            // Versions of a budget are compared by reading them, not cell by cell.
            for index in versions.rows.indices {
                versions.rows[index].comparePrevious = nil
                versions.rows[index].compareLastYear = nil
            }
            model.versions = versions
            model.previewHref = "\(base)/preview?version=\(version.number)"
            let editable = view.actions.contains(.explain) && version.number == view.currentVersion
            model.findings = findingsModel(findings, version: version, editable: editable, base: base, typed: typed, remarks: data.remarks,
                                           mayRemark: caller.user.role.may(.review) && caller.isAbove(view.org.path),
                                           outside: "预算表与编制说明")
        }
        return Views.layout(title: "\(view.org.name) \(year) 年度部门预算", user: caller.user, csrf: context.csrf, notice: context.notice,
                            problem: typed.problems.isEmpty ? context.problem : "说明未保存：有 \(typed.problems.count) 条需要修改（见各条下的提示），其余已写的内容仍在框中。",
                            current: "report", body: Views.render("report", model))
    }

    /// The budget of a version as it will be published (its own page: tables, 编制说明, 绩效目标).
    func budgetPreview(_ request: Request, _ context: AppContext) async throws -> Response {
        guard let caller = context.caller else { return Self.redirect("/login") }
        let year = try PathParameter.year(context), code = try PathParameter.org(context)
        let version = request.uri.queryParameters["version"].flatMap { Int(String($0)) }
        return Self.html(try await cycle.budgets.budgetHTML(caller, year: year, org: code, version: version))
    }

    func budgetPDF(_ request: Request, _ context: AppContext) async throws -> Response {
        guard let caller = context.caller else { return Self.redirect("/login") }
        let year = try PathParameter.year(context), code = try PathParameter.org(context)
        let version = request.uri.queryParameters["version"].flatMap { Int(String($0)) }
        let data = try await cycle.budgets.budgetPDF(caller, year: year, org: code, version: version)
        return Self.download(data, type: "application/pdf", name: "\(code)-\(year)-预算.pdf")
    }

    /// The budget workbook of the unit, year and task layout, to fill in Excel and upload.
    func budgetBlank(_ request: Request, _ context: AppContext) async throws -> Response {
        guard let caller = context.caller else { return Self.redirect("/login") }
        let year = try PathParameter.year(context), code = try PathParameter.org(context)
        let (data, name) = try await cycle.budgets.blankBudget(caller, year: year, org: code)
        return Self.download(data, type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name: name)
    }

    /// A version's budget as the workbook (filled; to correct and upload again).
    func budgetWorkbook(_ request: Request, _ context: AppContext) async throws -> Response {
        guard let caller = context.caller else { return Self.redirect("/login") }
        let year = try PathParameter.year(context), code = try PathParameter.org(context)
        let version = request.uri.queryParameters["version"].flatMap { Int(String($0)) }
        let data = try await cycle.budgets.budgetWorkbook(caller, year: year, org: code, version: version)
        return Self.download(data, type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                             name: "\(code)-\(year)-预算-\(version.map { "v\($0)" } ?? "current").xlsx")
    }

    static func download(_ data: Data, type: String, name: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.contentDisposition] = "attachment; filename*=UTF-8''" + query(name)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }
}
