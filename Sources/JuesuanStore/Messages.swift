import Foundation
import SQLKit

/// 站内消息: what happened to one's report (退回 with its reason, 审核通过, 公开), what awaits one's review
/// (上报 below), and 催报 before the deadline. One row per person, written in the same transaction as
/// the step that causes it.
public struct Message: Sendable, Codable {
    public var id: Int
    public var at: String
    public var kind: String
    public var title: String
    public var body: String
    public var link: String?
    public var read: Bool
}

extension Messages {
    /// Leaves a message for every active person of `org` whose role is in `roles`.
    func notify(_ db: any SQLDatabase, org: String, roles: Set<Role>, kind: String, title: String, body: String, link: String?) async throws {
        let logins = try await db.raw("SELECT login, role FROM users WHERE org = \(bind: org) AND disabled = 0").all().compactMap { row -> String? in
            guard let role = Role(rawValue: try row.decode(column: "role", as: String.self)), roles.contains(role) else { return nil }
            return try row.decode(column: "login", as: String.self)
        }
        let now = Clock.stamp()
        for login in logins {
            try await db.raw("""
                INSERT INTO messages (recipient, at, kind, title, body, link, read)
                VALUES (\(bind: login), \(bind: now), \(bind: kind), \(bind: title), \(bind: body), \(bind: link), 0)
                """).run()
        }
    }

    /// The messages of the caller, newest first.
    public func list(_ caller: Caller, paging: Paging) async throws -> Page<Message> {
        try await backend.read { db in
            let total = try await db.raw("SELECT COUNT(*) AS n FROM messages WHERE recipient = \(bind: caller.user.login)").first()?
                .decode(column: "n", as: Int.self) ?? 0
            let items = try await db.raw("""
                SELECT id, at, kind, title, body, link, read FROM messages WHERE recipient = \(bind: caller.user.login)
                ORDER BY id DESC LIMIT \(bind: paging.limit) OFFSET \(bind: paging.offset)
                """).all().map { row in
                Message(id: try row.decode(column: "id", as: Int.self), at: try row.decode(column: "at", as: String.self),
                        kind: try row.decode(column: "kind", as: String.self), title: try row.decode(column: "title", as: String.self),
                        body: try row.decode(column: "body", as: String.self), link: try row.decode(column: "link", as: String?.self),
                        read: try row.decode(column: "read", as: Int.self) != 0)
            }
            return Page(items: items, total: total, offset: paging.offset, limit: paging.limit)
        }
    }

    public func unreadCount(_ caller: Caller) async throws -> Int {
        try await backend.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM messages WHERE recipient = \(bind: caller.user.login) AND read = 0").first()?
                .decode(column: "n", as: Int.self) ?? 0
        }
    }

    /// Marks all the caller's messages read.
    public func markRead(_ caller: Caller) async throws {
        try await backend.write { db in
            try await db.raw("UPDATE messages SET read = 1 WHERE recipient = \(bind: caller.user.login) AND read = 0").run()
        }
    }

    /// 催报: a message to the people of every unit below the caller whose report is not yet 上报 (or was
    /// returned), naming the days left. Returns how many units were reminded.
    public func remind(_ caller: Caller, year: Int, kind: ReportKind = .finalAccounts) async throws -> Int {
        try require(caller, .review, "催报")
        return try await backend.write { db in
            let task = try await self.schedule.task(db, year, kind)
            let days = Cycle.daysLeft(task.deadline)
            let rows = try await db.raw("""
                SELECT o.code, o.name FROM orgs o LEFT JOIN reports r ON r.org = o.code AND r.year = \(bind: year) AND r.kind = \(bind: kind.rawValue)
                WHERE \(Subtree.below("o.path", caller.user.orgPath, self.backend.dialect)) AND o.kind = '单位' AND COALESCE(r.state, '填报中') = '填报中'
                """).all()
            for row in rows {
                let code = try row.decode(column: "code", as: String.self)
                try await self.notify(db, org: code, roles: [.filler, .head], kind: "remind", title: "催报：\(year) 年度\(kind.documentName)尚未上报",
                                      body: "\(caller.user.name)提醒：公开截止 \(task.deadline)（" + (days >= 0 ? "还有 \(days) 天" : "已过 \(-days) 天")
                                        + "），本单位的报表尚未上报。", link: kind.appPath(year, code))
            }
            try await self.log(db, caller, action: "remind", org: nil, target: kind == .budget ? "task:\(year):budget" : "task:\(year)", detail: "催报 \(rows.count) 个单位")
            return rows.count
        }
    }
}

extension Messages {
    /// The nearest 财政局 above `org`.
    func bureauOf(_ db: any SQLDatabase, _ org: Org) async throws -> String? {
        var parent = org.parent
        for _ in 0..<32 {
            guard let code = parent, let node = try await self.org(db, code) else { return nil }
            if node.kind == .bureau { return node.code }
            parent = node.parent
        }
        return nil
    }
}
