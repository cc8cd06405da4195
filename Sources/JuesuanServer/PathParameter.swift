import Hummingbird
import JuesuanStore

/// The parameters of a path, each parsed in one place for the API and the pages alike.
public enum PathParameter {
    public static func parameter(_ context: AppContext, _ name: String) throws -> String {
        guard let value = context.parameters.get(name) else { throw StoreError.badRequest("缺少路径参数 \(name)。") }
        return value.removingPercentEncoding ?? value
    }

    public static func year(_ context: AppContext) throws -> Int {
        let text = try parameter(context, "year")
        guard let year = Int(text), (1900...2200).contains(year) else { throw StoreError.badRequest("年度“\(text.prefix(20))”应为四位数字。") }
        return year
    }

    /// Which kind of report a page's address names: `/app/budgets/…` a 预算, `/app/reports/…` a 决算.
    public static func kind(_ request: Request) -> ReportKind {
        request.uri.path.hasPrefix("/app/budgets/") ? .budget : .finalAccounts
    }

    /// The `kind` query parameter of the API's report operations: `final` (the default) or `budget`.
    public static func kind(query request: Request) throws -> ReportKind {
        guard let text = request.uri.queryParameters["kind"], !text.isEmpty else { return .finalAccounts }
        guard let kind = ReportKind(rawValue: String(text)) else { throw StoreError.badRequest("kind 应为 final（部门决算）或 budget（部门预算）。") }
        return kind
    }

    public static func org(_ context: AppContext) throws -> String {
        let text = try parameter(context, "org")
        guard !text.isEmpty, text.count <= 40 else { throw StoreError.badRequest("单位编码“\(text.prefix(40))”无效。") }
        return text
    }

    public static func number(_ context: AppContext) throws -> Int? {
        let text = try parameter(context, "number")
        if text == "current" { return nil }
        guard let number = Int(text), number > 0 else { throw StoreError.badRequest("版本号“\(text.prefix(20))”应为正整数或 current。") }
        return number
    }

    public static func login(_ context: AppContext) throws -> String {
        guard let text = context.parameters.get("login"), !text.isEmpty, text.count <= 40 else { throw StoreError.badRequest("地址中的登录名无效。") }
        return text.removingPercentEncoding ?? text
    }

    public static func id(_ context: AppContext) throws -> Int {
        let text = try parameter(context, "id")
        guard let id = Int(text), id > 0 else { throw StoreError.badRequest("编号“\(text.prefix(20))”应为正整数。") }
        return id
    }
}
