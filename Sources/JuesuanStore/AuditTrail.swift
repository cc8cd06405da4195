import Foundation
import HummingbirdBcrypt
import Juesuan
import JuesuanXLSX
import SQLKit

extension Cycle {
    public struct AuditEntry: Sendable, Codable {
        public var id: Int
        public var at: String
        public var actor: String
        public var ip: String
        public var action: String
        public var org: String?
        public var target: String
        public var before: String?
        public var after: String?
        public var detail: String?
    }
}

extension AuditTrail {
    /// The audit log of the caller's subtree, newest first.
    public func entries(_ caller: Caller, action: String? = nil, actor: String? = nil, target: String? = nil,
                         paging: Paging) async throws -> Page<Cycle.AuditEntry> {
        try require(caller, .seeAdministration, "查看审计日志")
        // The action may be named in Chinese ("上报") or by its code ("submit").
        let action = action.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : (AuditWords.code($0) ?? $0) }
        return try await backend.read { db in
            let filter: SQLQueryString = """
                (\(Subtree.sql("org_path", caller.user.orgPath, self.backend.dialect)) OR (org_path IS NULL AND \(bind: caller.user.orgPath.split(separator: "/").count) = 1))
                AND (CAST(\(bind: action) AS TEXT) IS NULL OR action = \(bind: action)) AND (CAST(\(bind: actor) AS TEXT) IS NULL OR actor = \(bind: actor))
                AND (CAST(\(bind: target) AS TEXT) IS NULL OR target = \(bind: target))
                """
            let total = try await db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE \(filter)").first()?.decode(column: "n", as: Int.self) ?? 0
            let rows = try await db.raw("""
                SELECT \(Cycle.AuditEntry.columns()) FROM audit_log WHERE \(filter)
                ORDER BY id DESC LIMIT \(bind: paging.limit) OFFSET \(bind: paging.offset)
                """).all()
            return Page(items: try rows.map { try Cycle.AuditEntry($0) }, total: total, offset: paging.offset, limit: paging.limit)
        }
    }
}
