import Foundation
import JuesuanCore

/// The `juesuan.findings/1` document (DESIGN.md; schema in docs/schemas/findings.schema.json): what
/// `check --format json`, `audit --format json`, `findings.json` and the server return.
public struct FindingsDocument: Codable, Sendable, Equatable {
    /// The schema id this document follows.
    public static let schemaID = "juesuan.findings/1"

    /// What was checked.
    public struct Subject: Codable, Sendable, Equatable {
        public var unit: String
        public var year: Int
        /// The dataset folder or report file, as the user named it.
        public var source: String
    }

    /// Counts by severity.
    public struct Summary: Codable, Sendable, Equatable {
        public var error: Int
        public var warning: Int
        public var info: Int

        public init(error: Int, warning: Int, info: Int) {
            self.error = error
            self.warning = warning
            self.info = info
        }
    }

    /// One finding. Fields that do not apply are `null` (never left out).
    public struct Record: Codable, Sendable, Equatable {
        public var rule: String
        public var severity: Severity
        public var message: String
        /// 1-based line of the input text where the stated figure is printed (published reports).
        public var line: Int?
        public var page: Int?
        public var table: String?
        public var row: String?
        public var column: String?
        public var stated: String?
        public var expected: String?
        /// The dataset file the finding is about, and its line there.
        public var file: String?
        public var fileLine: Int?

        public init(_ finding: Finding) {
            rule = finding.rule
            severity = finding.severity
            message = finding.message
            line = finding.line
            page = finding.page
            table = finding.table?.description
            row = finding.row
            column = finding.column.map(String.init)
            stated = finding.stated
            expected = finding.expected
            file = finding.source?.file
            fileLine = finding.source.flatMap { $0.line > 0 ? $0.line : nil }
        }

        enum CodingKeys: String, CodingKey {
            case rule, severity, message, line, page, table, row, column, stated, expected, file, fileLine
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(rule, forKey: .rule)
            try container.encode(severity, forKey: .severity)
            try container.encode(message, forKey: .message)
            try container.encode(line, forKey: .line)
            try container.encode(page, forKey: .page)
            try container.encode(table, forKey: .table)
            try container.encode(row, forKey: .row)
            try container.encode(column, forKey: .column)
            try container.encode(stated, forKey: .stated)
            try container.encode(expected, forKey: .expected)
            try container.encode(file, forKey: .file)
            try container.encode(fileLine, forKey: .fileLine)
        }
    }

    public var schema: String
    public var document: Subject
    public var summary: Summary
    public var findings: [Record]

    /// The document of `findings` about `unit`'s `year`, read from `source`.
    public init(_ findings: [Finding], unit: String, year: Int, source: String) {
        schema = Self.schemaID
        document = Subject(unit: unit, year: year, source: source)
        summary = Summary(error: findings.count(.error), warning: findings.count(.warning), info: findings.count(.info))
        self.findings = findings.map(Record.init)
    }

    /// The document as JSON text (UTF-8, keys sorted, one line per field), ending with a newline.
    public func json() -> String {
        JSONText.encode(self)
    }
}
