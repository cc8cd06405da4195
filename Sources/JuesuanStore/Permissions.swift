import Foundation

/// What a role may do, written once. The store checks it on every operation; the pages ask it which
/// links and forms to show (they never list roles themselves).
public enum Permission: Sendable, CaseIterable {
    /// Prepare the unit's report: upload, recheck, explain, submit.
    case prepare
    /// Confirm the report as 单位负责人 (审核确认) before it is submitted.
    case confirm
    /// Make a 主管部门's report as the sum of its units.
    case consolidate
    /// Approve or return the reports below.
    case review
    /// Publish an approved report.
    case publish
    /// See the inbox of the reports below.
    case seeInbox
    /// Run a batch audit of published reports.
    case runBatches
    /// See batch audits.
    case seeBatches
    /// Change the organisation, users and the yearly task.
    case administer
    /// See users and the audit log.
    case seeAdministration

    public var roles: Set<Role> {
        switch self {
        case .prepare: [.filler, .head]
        case .confirm: [.head]
        case .consolidate: [.filler, .head, .reviewer]
        case .review: [.reviewer, .finance]
        case .publish: [.filler, .head, .finance]
        case .seeInbox: [.reviewer, .finance, .admin, .readonly]
        case .runBatches: [.reviewer, .finance, .admin]
        case .seeBatches: [.reviewer, .finance, .admin, .readonly]
        case .administer: [.admin]
        case .seeAdministration: [.admin, .readonly]
        }
    }
}

extension Role {
    public func may(_ permission: Permission) -> Bool { permission.roles.contains(self) }
}

/// What can be done to one report. `ReportView.actions` lists those the caller may take now,
/// decided by `Cycle.refusal`, the same function every operation runs before it writes.
public enum ReportOperation: String, Sendable, Codable, CaseIterable {
    case upload, consolidate, recheck, explain, confirm, submit, approve, `return`, publish, withdraw

    public init(_ action: Action) {
        switch action {
        case .submit: self = .submit
        case .return: self = .return
        case .approve: self = .approve
        case .publish: self = .publish
        case .withdraw: self = .withdraw
        }
    }
}

/// Everything the decision depends on, read in the same transaction as the report.
struct OperationContext: Sendable {
    var role: Role
    /// The kind of the caller's own node (nil when the row is gone).
    var callerKind: OrgKind?
    /// 决算 or 预算.
    var kind: ReportKind = .finalAccounts
    var org: Org
    var state: ReportState
    /// The caller's node is strictly above the report's.
    var above: Bool
    /// The report's node hangs directly under a 财政局 (its reports skip the 主管部门 step).
    var parentIsBureau: Bool
    var hasVersion: Bool
    /// The current version was checked under the rule catalogue in force.
    var catalogueCurrent: Bool
    /// The task asks for 单位负责人's confirmation; the report as it is now has it.
    var signoff = true
    var confirmed = false
}

extension Cycle {
    /// Why `operation` is refused in `context`, or nil when it is allowed. One decision for the
    /// operations (which throw it) and for the pages (which show what is allowed).
    static func refusal(_ operation: ReportOperation, _ context: OperationContext) -> StoreError? {
        let role = context.role, state = context.state, above = context.above
        func need(_ permission: Permission, _ what: String) -> StoreError? {
            role.may(permission) ? nil : .forbidden("“\(role.chineseName)”角色不能\(what)。")
        }
        // A role acts only from a node whose kind may hold it (财政 from a 财政局), whatever the user row says.
        guard let kind = context.callerKind, kind.roles.contains(role) || role == .admin else {
            return .forbidden("“\(role.chineseName)”角色不能在\(context.callerKind?.rawValue ?? "此")节点行使。")
        }
        switch operation {
        case .upload:
            if let refused = need(.prepare, "上传报表") { return refused }
            // A 主管部门's 决算 is the 汇总 of its units; its 部门预算 starts as the 汇总 and is completed in the workbook (编制说明).
            if context.org.kind == .bureau || (context.org.kind != .unit && context.kind == .finalAccounts) {
                return .conflict("“\(context.org.name)”是\(context.org.kind.rawValue)：它的报表是下属单位的汇总，请用“汇总”生成，不能上传。")
            }
            return state == .drafting ? nil
                : .conflict("报表当前状态为“\(state.rawValue)”，只有“填报中”的报表可以上传新版本（被退回后即可上传）。")
        case .consolidate:
            if let refused = need(.consolidate, "生成汇总报表") { return refused }
            if context.org.kind == .unit { return .conflict("“\(context.org.name)”是单位，没有下属单位可汇总。") }
            return state == .drafting ? nil : .conflict("报表当前状态为“\(state.rawValue)”，只有“填报中”的报表可以汇总。")
        case .recheck:
            if let refused = need(.prepare, "重新检查报表") { return refused }
            if !context.hasVersion { return .conflict("尚未上传报表，无法重新检查。") }
            return state == .drafting ? nil : .conflict("报表当前状态为“\(state.rawValue)”，只有“填报中”的报表可以重新检查。")
        case .explain:
            if let refused = need(.prepare, "填写说明") { return refused }
            if !context.hasVersion { return .conflict("尚未上传报表。") }
            return state == .drafting ? nil : .conflict("报表当前状态为“\(state.rawValue)”，只有“填报中”的报表可以填写说明。")
        case .confirm:
            if let refused = need(.confirm, "审核确认报表") { return refused }
            if !context.signoff { return .conflict("本年度任务不要求单位负责人审核确认。") }
            if !context.hasVersion { return .conflict("尚未上传报表，无法审核确认。") }
            if state != .drafting { return .conflict("报表当前状态为“\(state.rawValue)”，只有“填报中”的报表需要审核确认。") }
            return context.confirmed ? .conflict("报表已审核确认，此后没有改动，无需再次确认。") : nil
        case .submit:
            if let refused = need(.prepare, "上报报表") { return refused }
            return state == .drafting ? nil : .conflict("报表当前状态为“\(state.rawValue)”，不能上报。")
        case .return:
            switch (role, state) {
            case (.reviewer, .submitted) where above && !context.parentIsBureau, (.finance, .submitted) where above && context.parentIsBureau,
                 (.finance, .departmentApproved) where above:
                return nil
            case (.finance, .submitted) where above:
                return .conflict("报表尚待主管部门审核，财政不能退回未经主管部门审核的报表。")
            case (.reviewer, .submitted) where above:
                return .forbidden("该报表直属财政局，由财政审核或退回。")
            case (.reviewer, _), (.finance, _):
                guard above else { return .forbidden("只能退回下级单位的报表。") }
                return .conflict("报表当前状态为“\(state.rawValue)”，\(role.chineseName)不能退回。")
            default:
                return .forbidden("“\(role.chineseName)”角色不能退回报表。")
            }
        case .approve:
            switch (role, state) {
            case (.reviewer, .submitted) where above && !context.parentIsBureau,
                 (.finance, .submitted) where above && context.parentIsBureau, (.finance, .departmentApproved) where above:
                return nil
            case (.reviewer, .submitted) where above:
                return .forbidden("该报表直属财政局，由财政审核。")
            case (.reviewer, _), (.finance, _):
                guard above else { return .forbidden("只能审核下级单位的报表。") }
                return .conflict("报表当前状态为“\(state.rawValue)”，\(role.chineseName)不能审核通过。")
            default:
                return .forbidden("“\(role.chineseName)”角色不能审核报表。")
            }
        case .withdraw:
            guard role == .finance else { return .forbidden("“\(role.chineseName)”角色不能撤回已公开的报表（由财政撤回）。") }
            if !above { return .forbidden("只能撤回下级单位的报表。") }
            return state == .published ? nil : .conflict("报表当前状态为“\(state.rawValue)”，只有已公开的报表可以撤回。")
        case .publish:
            if let refused = need(.publish, "公开报表") { return refused }
            if role == .finance, !above { return .forbidden("只能公开下级单位的报表。") }
            return state == .financeApproved ? nil : .conflict("报表当前状态为“\(state.rawValue)”，财政审核通过后才能公开。")
        }
    }

    /// The operations the caller may take on the report now, in the order a page shows them.
    /// `recheck` is offered only when the current version was checked under an older catalogue.
    static func allowedOperations(_ context: OperationContext) -> [ReportOperation] {
        ReportOperation.allCases.filter { operation in
            if operation == .recheck, context.catalogueCurrent { return false }
            return refusal(operation, context) == nil
        }
    }
}

extension Feature {
    func require(_ caller: Caller, _ permission: Permission, _ what: String) throws {
        guard caller.user.role.may(permission) else {
            throw StoreError.forbidden("“\(caller.user.role.chineseName)”角色不能\(what)。")
        }
    }
}
