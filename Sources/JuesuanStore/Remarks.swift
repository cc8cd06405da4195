import Foundation
import SQLKit

/// 批注: a remark on one finding of a report — by a reviewer above it (when returning or at any time), or
/// the unit's answer — kept with the report across versions (a finding keeps its key while it persists).
public struct Remark: Sendable, Codable {
    public var id: Int
    public var finding: String
    public var author: String
    public var authorName: String
    public var role: Role
    public var at: String
    public var text: String
}

extension Reports {
    /// Leaves a remark on finding `key`: reviewers and 财政 above the report, or the unit's own people.
    public func remark(_ caller: Caller, year: Int, org code: String, kind: ReportKind = .finalAccounts, finding key: String,
                       text: String) async throws -> Remark {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw StoreError.invalid("批注不能为空。") }
        guard text.count <= 2000 else { throw StoreError.invalid("批注不超过 2000 字（现有 \(text.count) 字）。") }
        try TextInput.check(text, "批注", multiline: true)
        guard key.count <= 400 else { throw StoreError.badRequest("问题编号过长。") }
        let id = Cycle.reportID(year, code, kind)
        return try await backend.write { db in
            let org = try await self.visibleOrg(db, caller, code)
            let role = caller.user.role
            guard (role.may(.review) && caller.isAbove(org.path)) || (role.may(.prepare) && caller.user.org == org.code) else {
                throw StoreError.forbidden("“\(role.chineseName)”角色不能在这份报表上批注。")
            }
            // The finding must be one of the report's (in any version): a remark never floats free.
            let known = try await db.raw("SELECT findings FROM versions WHERE report = \(bind: id)").all().contains { row in
                (try? row.decode(column: "findings", as: String.self))?.contains("\"key\":\"" + key.replacingOccurrences(of: "\"", with: "\\\"") + "\"") == true
            }
            guard known else { throw StoreError.notFound("这份报表没有编号为“\(key.prefix(60))”的问题。") }
            let now = Clock.stamp()
            guard let row = try await db.raw("""
                INSERT INTO remarks (report, finding, author, role, at, text) VALUES (\(bind: id), \(bind: key), \(bind: caller.user.login),
                \(bind: role.rawValue), \(bind: now), \(bind: text)) RETURNING id
                """).first() else { throw StoreError(.internal, detail: "批注未保存。") }
            try await self.log(db, caller, action: "remark", org: org, target: "report:\(id)", after: text, detail: "问题 \(key.prefix(80))")
            if role.may(.review) {
                try await self.messages.notify(db, org: code, roles: [.filler, .head], kind: "remark", title: "\(year) 年度报表有新的批注",
                                      body: "\(caller.user.name)（\(role.chineseName)）批注：\(text.prefix(200))", link: kind.appPath(year, code) + "#findings")
            }
            return Remark(id: try row.decode(column: "id", as: Int.self), finding: key, author: caller.user.login, authorName: caller.user.name,
                          role: role, at: now, text: text)
        }
    }

    /// The remarks of a report by finding key, oldest first.
    func remarks(_ db: any SQLDatabase, report id: String) async throws -> [String: [Remark]] {
        let rows = try await db.raw("""
            SELECT m.id, m.finding, m.author, m.role, m.at, m.text, COALESCE(u.name, m.author) AS name
            FROM remarks m LEFT JOIN users u ON u.login = m.author WHERE m.report = \(bind: id) ORDER BY m.id
            """).all()
        var byKey: [String: [Remark]] = [:]
        for row in rows {
            let remark = Remark(id: try row.decode(column: "id", as: Int.self), finding: try row.decode(column: "finding", as: String.self),
                                author: try row.decode(column: "author", as: String.self), authorName: try row.decode(column: "name", as: String.self),
                                role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .readonly,
                                at: try row.decode(column: "at", as: String.self), text: try row.decode(column: "text", as: String.self))
            byKey[remark.finding, default: []].append(remark)
        }
        return byKey
    }
}
