import Foundation
import SQLKit

/// Rows as the store reads them, decoded by SQLKit (snake_case columns to camelCase fields), each column list
/// written once: a query selects `Record.columns(...)` and decodes `Record`.
protocol Record: Decodable {
    /// The columns the record reads, as the table names them.
    static var columnNames: [String] { get }
}

extension Record {
    /// The column list for a SELECT, with a table alias when the query joins ("v.number, v.kind, …").
    static func columns(_ alias: String? = nil) -> SQLQueryString {
        SQLQueryString(columnNames.map { (alias.map { $0 + "." } ?? "") + $0 }.joined(separator: ", "))
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
