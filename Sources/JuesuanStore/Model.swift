import Foundation
import JuesuanCore

/// What a person may do, always within the subtree of the organisation they belong to.
public enum Role: String, Sendable, Codable, CaseIterable {
    /// 单位填报: prepares, uploads, explains and submits the unit's report.
    case filler
    /// 单位负责人: signs the submission (may do what the filler does).
    case head
    /// 主管部门审核: reviews, returns or approves the reports of the units below.
    case reviewer
    /// 财政审核: reviews and approves for the bureau; publishes.
    case finance
    /// 管理员: organisation, users, tasks, audit log.
    case admin
    /// 只读: audit office, deputies — sees everything in the subtree, changes nothing.
    case readonly

    public var chineseName: String {
        switch self {
        case .filler: "单位填报"
        case .head: "单位负责人"
        case .reviewer: "主管部门审核"
        case .finance: "财政审核"
        case .admin: "管理员"
        case .readonly: "只读"
        }
    }

    public init?(chinese: String) {
        guard let role = Role.allCases.first(where: { $0.chineseName == chinese || $0.rawValue == chinese }) else { return nil }
        self = role
    }
}

/// The states of a report in the yearly cycle.
public enum ReportState: String, Sendable, Codable, CaseIterable {
    case drafting = "填报中"
    case submitted = "已上报"
    case departmentApproved = "主管部门已审核"
    case financeApproved = "财政已审核"
    case published = "已公开"

    /// The order along the cycle (退回 goes back to 0).
    public var rank: Int { Self.allCases.firstIndex(of: self)! }
}

/// What a year's task collects: the 部门决算 (final accounts, published the year after) or the 部门预算
/// (the budget, published in the spring of its year). A report is one unit's document of one task.
public enum ReportKind: String, Sendable, Codable, CaseIterable {
    case finalAccounts = "final"
    case budget = "budget"

    /// 决算 or 预算.
    public var chineseName: String { self == .budget ? "预算" : "决算" }
    /// The document's name: 部门决算 or 部门预算.
    public var documentName: String { self == .budget ? "部门预算" : "部门决算" }
    /// The path segment of its pages: `/app/reports/…` or `/app/budgets/…`.
    public var segment: String { self == .budget ? "budgets" : "reports" }
    /// The page of one unit's report of this kind.
    public func appPath(_ year: Int, _ org: String) -> String { "/app/\(segment)/\(year)/\(org)" }
    /// Its published files.
    public func publicPath(_ year: Int, _ org: String) -> String { self == .budget ? "/public/\(year)/\(org)/budget/" : "/public/\(year)/\(org)/" }
}

/// The transitions a person can ask for.
public enum Action: String, Sendable, Codable, CaseIterable {
    case submit, `return`, approve, publish
    /// 撤回 a published report (财政, reason required): the public page says so until it is published again (更正).
    case withdraw

    public var chineseName: String {
        switch self {
        case .submit: "上报"
        case .return: "退回"
        case .approve: "审核通过"
        case .publish: "公开"
        case .withdraw: "撤回"
        }
    }
}

/// Kinds of organisation node.
public enum OrgKind: String, Sendable, Codable, CaseIterable {
    case bureau = "财政局"
    case department = "主管部门"
    case unit = "单位"

    /// Height in the tree: a node's kind is never higher than its parent's.
    public var level: Int {
        switch self {
        case .bureau: 2
        case .department: 1
        case .unit: 0
        }
    }

    /// The roles people of a node of this kind may hold: 财政 roles only at a 财政局, review at a
    /// 主管部门, preparation at a 主管部门 (its consolidated report) or a 单位.
    public var roles: Set<Role> {
        switch self {
        case .bureau: [.admin, .finance, .readonly]
        case .department: [.admin, .reviewer, .readonly, .filler, .head]
        case .unit: [.filler, .head, .readonly]
        }
    }
}

public struct Org: Sendable, Codable, Equatable {
    public var code: String
    public var name: String
    public var parent: String?
    public var kind: OrgKind
    /// `/root/…/code/`: the codes from the root down, for subtree tests.
    public var path: String
}

public struct User: Sendable, Codable, Equatable {
    public var login: String
    public var name: String
    public var role: Role
    public var org: String
    public var orgPath: String

    public init(login: String, name: String, role: Role, org: String, orgPath: String) {
        self.login = login
        self.name = name
        self.role = role
        self.org = org
        self.orgPath = orgPath
    }
}

/// The person behind a request, and where it came from.
public struct Caller: Sendable {
    public var user: User
    public var ip: String
    public init(user: User, ip: String) {
        self.user = user
        self.ip = ip
    }

    /// `true` when `path` (an org path) is in this person's subtree: an exact, case-sensitive
    /// comparison of bytes (never a pattern).
    public func sees(_ path: String) -> Bool { Subtree.contains(user.orgPath, path) }
    /// `true` when `path` is strictly below this person's own organisation.
    public func isAbove(_ path: String) -> Bool { Subtree.contains(user.orgPath, path) && path.utf8.count != user.orgPath.utf8.count }
    /// `true` when this person belongs to the root of the tree (the 财政局 that set up the store).
    public var atRoot: Bool { Subtree.depth(user.orgPath) == 1 }
}

/// A failure of the store: what kind of failure (`reason`), a Chinese `title` and `detail`. No HTTP here:
/// the server maps `reason` to a status at its edge (`StoreError.httpStatus` in JuesuanServer).
public struct StoreError: ExplainedError, Sendable {
    /// What went wrong, in the store's own terms.
    public enum Reason: String, Sendable, Codable, CaseIterable {
        /// The request itself is malformed (a missing field, an unknown action).
        case badRequest
        /// No one is logged in, or the credentials are wrong.
        case unauthenticated
        /// The caller may not do this here.
        case forbidden
        /// No such thing, or not in the caller's subtree.
        case notFound
        /// The state does not allow it now (someone else changed it, or it is not yet time).
        case conflict
        /// More than the limits allow.
        case tooLarge
        /// A file of a kind that cannot be read.
        case unsupported
        /// Readable, but its content is wrong.
        case invalid
        /// Too many attempts in a short time.
        case tooMany
        /// A service the store needs is missing or full (database, disk, a program).
        case unavailable
        /// A fault of juesuan itself.
        case `internal`

        public var title: String {
            switch self {
            case .badRequest: "请求有误"
            case .unauthenticated: "未登录"
            case .forbidden: "无权操作"
            case .notFound: "找不到"
            case .conflict: "状态冲突"
            case .tooLarge: "上传过大"
            case .unsupported: "无法读取上传的文件"
            case .invalid: "内容有误"
            case .tooMany: "尝试过于频繁"
            case .unavailable: "服务暂不可用"
            case .internal: "juesuan 内部错误"
            }
        }
    }

    public var reason: Reason
    public var title: String
    public var detail: String

    public init(_ reason: Reason, title: String? = nil, detail: String) {
        self.reason = reason
        self.title = title ?? reason.title
        self.detail = detail
    }

    public var description: String { "\(title)：\(detail)" }

    /// For a command line: bad input (exit 2), a missing service, an internal fault.
    public var kind: ProblemKind {
        switch reason {
        case .internal: .internalFault
        case .conflict: .output
        case .unavailable: .toolMissing
        default: .inputInvalid
        }
    }
    public var hint: String { "" }

    public static func badRequest(_ detail: String) -> StoreError { StoreError(.badRequest, detail: detail) }
    public static func unauthenticated(_ detail: String = "请先登录。") -> StoreError { StoreError(.unauthenticated, detail: detail) }
    public static func forbidden(_ detail: String) -> StoreError { StoreError(.forbidden, detail: detail) }
    public static func notFound(_ detail: String) -> StoreError { StoreError(.notFound, detail: detail) }
    public static func conflict(_ detail: String) -> StoreError { StoreError(.conflict, detail: detail) }
    public static func tooLarge(_ detail: String) -> StoreError { StoreError(.tooLarge, detail: detail) }
    public static func unsupported(_ detail: String) -> StoreError { StoreError(.unsupported, detail: detail) }
    public static func invalid(_ detail: String) -> StoreError { StoreError(.invalid, detail: detail) }
    public static func tooMany(_ detail: String) -> StoreError { StoreError(.tooMany, detail: detail) }
    public static func unavailable(_ detail: String) -> StoreError { StoreError(.unavailable, detail: detail) }

    /// An engine failure (`Problem`) as a store error with the same message.
    public init(_ problem: Problem) {
        let reason: Reason = switch problem.kind {
        case .inputUnreadable: .unsupported
        case .inputInvalid: .invalid
        case .output: .conflict
        case .usage: .badRequest
        case .toolMissing: .unavailable
        case .internalFault: .internal
        }
        self.init(reason, title: problem.kind.title, detail: problem.hint.isEmpty ? problem.message : "\(problem.message)（\(problem.hint)）")
    }
}

/// A page of a list: `items`, and where it sits in the whole.
public struct Page<Item: Sendable & Codable>: Sendable, Codable {
    public var items: [Item]
    public var total: Int
    public var offset: Int
    public var limit: Int

    public init(items: [Item], total: Int, offset: Int, limit: Int) {
        self.items = items
        self.total = total
        self.offset = offset
        self.limit = limit
    }
}

/// Paging asked for by a client, clamped to sane bounds.
public struct Paging: Sendable {
    public var offset: Int
    public var limit: Int
    public init(offset: Int? = nil, limit: Int? = nil, maxLimit: Int = 500) {
        self.offset = max(0, offset ?? 0)
        self.limit = min(maxLimit, max(1, limit ?? 50))
    }
}

enum Clock {
    static func now() -> Date { Date() }
    /// `date` in UTC as ISO 8601 with milliseconds ("2026-12-05T07:38:07.123Z"), the form every stored time
    /// has (compared as text). Written by hand: a date formatter made per call was a tenth of a bulk load.
    static func stamp(_ date: Date = Date()) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = time_t(milliseconds.quotientAndRemainder(dividingBy: 1000).quotient)
        var fraction = Int(milliseconds.quotientAndRemainder(dividingBy: 1000).remainder)
        if fraction < 0 { fraction += 1000; seconds -= 1 }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func padded(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return padded(parts.tm_year + 1900, 4) + "-" + padded(parts.tm_mon + 1, 2) + "-" + padded(parts.tm_mday, 2) + "T"
            + padded(parts.tm_hour, 2) + ":" + padded(parts.tm_min, 2) + ":" + padded(parts.tm_sec, 2) + "." + padded(Int32(fraction), 3) + "Z"
    }
    static func epoch(_ date: Date = Date()) -> Int { Int(date.timeIntervalSince1970) }
}
