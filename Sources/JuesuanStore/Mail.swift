import Foundation
import SQLKit

/// E-mail beside the in-app messages (站内消息): every message to a person with an address is also sent by
/// the server's mail service, never inside a request (a slow or dead mail server blocks nothing). And the
/// automatic 催报: units not yet up a few days before the deadline are reminded once.
extension Cycle {
    /// A message waiting to be e-mailed.
    public struct Outgoing: Sendable, Equatable {
        public var id: Int
        public var address: String
        public var name: String
        public var title: String
        public var body: String
        public var link: String?
    }

    /// At most this many attempts per message; then it is left (the in-app message stays).
    public static let mailAttempts = 5

    /// An e-mail address as a person types it: one `@`, a dot in the domain, no spaces or line breaks (a
    /// line break would add mail headers), at most 200 characters. Empty removes the address.
    public static func checkEmail(_ text: String) throws {
        guard !text.isEmpty else { return }
        guard text.count <= 200, text.wholeMatch(of: /[^@\s,;<>"]+@[^@\s,;<>"]+\.[^@\s,;<>"]+/) != nil,
              !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw StoreError.invalid("电子邮箱“\(text.prefix(60))”的格式不对（如 name@example.gov.cn）。")
        }
    }
}

extension Messages {
    /// Messages to be e-mailed: to people with an address, not yet sent, not given up.
    public func pendingMail(limit: Int = 20) async throws -> [Cycle.Outgoing] {
        try await backend.read { db in
            try await db.raw("""
                SELECT m.id, u.email, u.name, m.title, m.body, m.link FROM messages m JOIN users u ON u.login = m.recipient
                WHERE m.mailed = 0 AND m.mail_attempts < \(bind: Cycle.mailAttempts) AND u.email IS NOT NULL AND u.email <> '' AND u.disabled = 0
                ORDER BY m.id LIMIT \(bind: limit)
                """).all().map { row in
                Cycle.Outgoing(id: try row.decode(column: "id", as: Int.self), address: try row.decode(column: "email", as: String.self),
                         name: try row.decode(column: "name", as: String.self), title: try row.decode(column: "title", as: String.self),
                         body: try row.decode(column: "body", as: String.self), link: try row.decode(column: "link", as: String?.self))
            }
        }
    }

    /// Records a delivery: sent, or one more failed attempt.
    public func markMailed(_ id: Int, sent: Bool) async throws {
        try await backend.write { db in
            if sent {
                try await db.raw("UPDATE messages SET mailed = 1 WHERE id = \(bind: id)").run()
            } else {
                try await db.raw("UPDATE messages SET mail_attempts = mail_attempts + 1 WHERE id = \(bind: id)").run()
            }
        }
    }

    /// The automatic 催报: for every task whose deadline is at most `days` days away (and not past), each
    /// unit whose report is not yet up gets one reminder (its 填报 and 负责人), once per year.
    @discardableResult
    public func sendDueReminders(days: Int, now: Date = Date()) async throws -> Int {
        guard days > 0 else { return 0 }
        return try await backend.write { db in
            var sent = 0
            for row in try await db.raw("SELECT year, kind, deadline FROM tasks").all() {
                let year = try row.decode(column: "year", as: Int.self), deadline = try row.decode(column: "deadline", as: String.self)
                let kind = ReportKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .finalAccounts
                let left = Cycle.daysLeft(deadline, now: now)
                guard left >= 0, left <= days else { continue }
                let units = try await db.raw("""
                    SELECT o.code FROM orgs o LEFT JOIN reports r ON r.org = o.code AND r.year = \(bind: year) AND r.kind = \(bind: kind.rawValue)
                    WHERE o.kind = '单位' AND COALESCE(r.state, '填报中') = '填报中'
                      AND NOT EXISTS (SELECT 1 FROM reminders m WHERE m.year = \(bind: year) AND m.kind = \(bind: kind.rawValue) AND m.org = o.code)
                    ORDER BY o.code
                    """).all().map { try $0.decode(column: "code", as: String.self) }
                for code in units {
                    try await db.raw("INSERT INTO reminders (year, kind, org, at) VALUES (\(bind: year), \(bind: kind.rawValue), \(bind: code), \(bind: Clock.stamp()))").run()
                    try await self.notify(db, org: code, roles: [.filler, .head], kind: "remind",
                                          title: "催报：\(year) 年度\(kind.documentName)还有 \(left) 天截止",
                                          body: "公开截止 \(deadline)（还有 \(left) 天），本单位的报表尚未上报。请尽快填报、检查并上报。",
                                          link: kind.appPath(year, code))
                    sent += 1
                }
            }
            return sent
        }
    }
}
