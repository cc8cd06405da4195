import Foundation
import SQLKit

/// Rows as the store reads them, decoded by SQLKit (snake_case columns to camelCase fields), each column list
/// written once: a query selects `Record.columns(...)` and decodes `Record`.
protocol Record: Decodable {
    /// The columns the record reads, as the table names them (a joined column qualified: "o.path").
    static var columnNames: [String] { get }
}

extension Record {
    /// The column list for a SELECT, with a table alias when the query joins ("v.number, v.kind, …").
    static func columns(_ alias: String? = nil) -> SQLQueryString {
        SQLQueryString(columnNames.map { $0.contains(".") ? $0 : (alias.map { $0 + "." } ?? "") + $0 }.joined(separator: ", "))
    }

    init(_ row: any SQLRow) throws {
        self = try row.decode(model: Self.self, keyDecodingStrategy: .convertFromSnakeCase)
    }
}

/// A version as listed and shown (its content, dataset and findings are read on their own).
struct VersionRecord: Record {
    static let columnNames = ["number", "kind", "filename", "uploaded_by", "uploaded_at", "size", "catalogue", "errors", "warnings", "infos"]
    var number: Int
    var kind: String
    var filename: String
    var uploadedBy: String
    var uploadedAt: String
    var size: Int
    var catalogue: String
    var errors: Int
    var warnings: Int
    var infos: Int

    /// The version as the API and the pages show it; `current`: the fingerprint of the rule catalogue in force.
    func view(current: String) -> VersionView {
        VersionView(number: number, kind: UploadKind(rawValue: kind) ?? .workbook, filename: filename, uploadedBy: uploadedBy,
                    uploadedAt: uploadedAt, size: size, catalogue: catalogue, catalogueCurrent: catalogue == current,
                    errors: errors, warnings: warnings, infos: infos)
    }
}

/// A document of a batch, as its list and its page show it.
struct JobRecord: Record {
    static let columnNames = ["id", "filename", "state", "attempts", "error", "unit", "matched_org", "errors", "warnings", "report_year", "kind"]
    var id: Int
    var filename: String
    var state: String
    var attempts: Int
    var error: String?
    var unit: String?
    var matchedOrg: String?
    var errors: Int
    var warnings: Int
    var reportYear: Int?
    var kind: String?

    var job: Cycle.Job {
        Cycle.Job(id: id, filename: filename, state: Cycle.JobState(rawValue: state) ?? .queued, attempts: attempts, error: error, unit: unit,
                  matchedOrg: matchedOrg, errors: errors, warnings: warnings, reportYear: reportYear, kind: kind)
    }
}

/// An organisation node.
struct OrgRecord: Record {
    static let columnNames = ["code", "name", "parent", "kind", "path"]
    var code: String
    var name: String
    var parent: String?
    var kind: String
    var path: String

    var org: Org { Org(code: code, name: name, parent: parent, kind: OrgKind(rawValue: kind) ?? .unit, path: path) }
}

/// A person, with the path of their organisation (`users u JOIN orgs o ON o.code = u.org`).
struct UserRecord: Record {
    static let columnNames = ["u.login", "u.name", "u.role", "u.org", "o.path"]
    var login: String
    var name: String
    var role: String
    var org: String
    var path: String

    /// An unknown role (a row written by a later version) reads as 只读, never as more.
    var user: User { User(login: login, name: name, role: Role(rawValue: role) ?? .readonly, org: org, orgPath: path) }
}

/// A person with their account's state, as administrators see them (same join as `UserRecord`).
struct AccountRecord: Record {
    static let columnNames = UserRecord.columnNames + ["u.disabled", "u.locked_until", "u.must_change_password", "u.email"]
    var login: String
    var name: String
    var role: String
    var org: String
    var path: String
    var disabled: Int
    var lockedUntil: Int
    var mustChangePassword: Int
    var email: String?

    func account(now: Int) -> Cycle.Account {
        Cycle.Account(user: UserRecord(login: login, name: name, role: role, org: org, path: path).user, disabled: disabled != 0,
                      locked: lockedUntil > now, mustChangePassword: mustChangePassword != 0, email: email)
    }
}

/// A yearly task.
struct TaskRecord: Record {
    static let columnNames = ["year", "kind", "layout", "catalogue", "deadline", "signoff"]
    var year: Int
    var kind: String
    var layout: String
    var catalogue: String
    var deadline: String
    var signoff: Int

    var task: Cycle.Task {
        Cycle.Task(year: year, kind: ReportKind(rawValue: kind) ?? .finalAccounts, layout: layout, catalogue: catalogue,
                   deadline: deadline, signoff: signoff != 0)
    }
}

/// A batch with its documents counted (`batches b`).
struct BatchRecord: Record {
    static let columnNames = ["b.id", "b.name", "b.year", "b.created_by", "b.created_at", "b.org",
                              "(SELECT COUNT(*) FROM jobs j WHERE j.batch = b.id) AS total",
                              "(SELECT COUNT(*) FROM jobs j WHERE j.batch = b.id AND j.state = '已完成') AS done",
                              "(SELECT COUNT(*) FROM jobs j WHERE j.batch = b.id AND j.state = '失败') AS failed"]
    var id: Int
    var name: String
    var year: Int
    var createdBy: String
    var createdAt: String
    var org: String
    var total: Int
    var done: Int
    var failed: Int

    var batch: Cycle.Batch {
        Cycle.Batch(id: id, name: name, year: year, createdBy: createdBy, createdAt: createdAt, total: total, done: done, failed: failed, jobs: nil)
    }
}

extension Cycle.AuditEntry: Record {
    static let columnNames = ["id", "at", "actor", "ip", "action", "org", "target", "before", "after", "detail"]
}
