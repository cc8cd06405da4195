import Foundation
import Logging
@testable import JuesuanStore
import JuesuanTestSupport
import SQLKit
import Testing

/// A database made before a year could hold a 预算 task (migrations 1–16), with a report, a version, an explanation and
/// a publication in it, brought up to date: nothing lost, every key still holding, and a 预算 task of the same year
/// beside the 决算 one.
@Suite("store: migrating a database with reports") struct MigrationTests {
    @Test("migration 17 keeps every row and reference, and adds the task kind", arguments: StoreKind.available)
    func taskKinds(_ kind: StoreKind) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let backend: any Backend = kind == .postgres
            ? try await PostgresBackend.open(url: try await Harness.freshPostgresDatabase(), logger: Logger(label: "test"))
            : try await SQLiteBackend.open(path: folder.appendingPathComponent("old.sqlite").path, logger: Logger(label: "test"))
        do {
            // The schema as it was: migrations 1–16, applied as the store applied them.
            try await backend.write { db in
                try await db.raw("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)").run()
                for (version, statements) in Migrations.all(backend.dialect) where version <= 16 {
                    for statement in statements { try await db.raw(SQLQueryString(statement)).run() }
                    try await db.raw("INSERT INTO schema_migrations (version, applied_at) VALUES (\(bind: version), 'then')").run()
                }
                for statement in [
                    "INSERT INTO orgs (code, name, parent, kind, path, created_at) VALUES ('1', '财政局', NULL, '财政局', '1', 't')",
                    "INSERT INTO orgs (code, name, parent, kind, path, created_at) VALUES ('11', '单位', '1', '单位', '1/11', 't')",
                    "INSERT INTO tasks (year, layout, catalogue, deadline, created_at, signoff) VALUES (2021, 'mof-2021', 'c', '2022-09-30', 't', 0)",
                    """
                    INSERT INTO reports (id, year, org, state, revision, current_version, errors, warnings, unexplained, updated_at, confirmed_by)
                    VALUES ('2021/11', 2021, '11', '已公开', 7, 1, 0, 1, 0, 't', 'head')
                    """,
                    """
                    INSERT INTO versions (report, number, kind, filename, uploaded_by, uploaded_at, size, content, dataset, catalogue, errors, warnings,
                      infos, findings) VALUES ('2021/11', 1, 'workbook', 'w.xlsx', 'u', 't', 1, X'00', '{}', 'c', 0, 1, 0, '[]')
                    """.replacingOccurrences(of: "X'00'", with: backend.dialect == .postgres ? "'\\x00'::bytea" : "X'00'"),
                    "INSERT INTO explanations (report, version, finding, text, author, at) VALUES ('2021/11', 1, 'k', '说明', 'u', 't')",
                    "INSERT INTO publications (report, path, content, content_type, version, published_at) VALUES ('2021/11', 'index.html', \(backend.dialect == .postgres ? "'\\x00'::bytea" : "X'00'"), 'text/html', 1, 't')",
                    "INSERT INTO reminders (year, org, at) VALUES (2021, '11', 't')",
                ] {
                    try await db.raw(SQLQueryString(statement)).run()
                }
            }
            try await Migrations.run(backend)
            try await backend.read { db in
                let task = try #require(try await db.raw("SELECT year, kind, layout, signoff FROM tasks").first())
                #expect(try task.decode(column: "kind", as: String.self) == "final")
                #expect(try task.decode(column: "signoff", as: Int.self) == 0)
                let report = try #require(try await db.raw("SELECT kind, state, revision, confirmed_by FROM reports WHERE id = '2021/11'").first())
                #expect(try report.decode(column: "kind", as: String.self) == "final")
                #expect(try report.decode(column: "state", as: String.self) == "已公开")
                #expect(try report.decode(column: "revision", as: Int.self) == 7)
                #expect(try report.decode(column: "confirmed_by", as: String?.self) == "head")
                #expect(try await db.raw("SELECT COUNT(*) AS n FROM explanations").first()?.decode(column: "n", as: Int.self) == 1)
                #expect(try await db.raw("SELECT COUNT(*) AS n FROM publications").first()?.decode(column: "n", as: Int.self) == 1)
                #expect(try await db.raw("SELECT kind FROM reminders").first()?.decode(column: "kind", as: String.self) == "final")
                #expect(try await db.raw("SELECT COUNT(*) AS n FROM schema_migrations WHERE version = 17").first()?.decode(column: "n", as: Int.self) == 1)
            }
            // The keys hold after the copy: a 预算 task and report of the same year beside the 决算 ones; a report of a
            // task that does not exist, or a version of a report that does not exist, is refused by the database.
            try await backend.write { db in
                try await db.raw("INSERT INTO tasks (year, kind, layout, catalogue, deadline, created_at) VALUES (2021, 'budget', 'shanghai-district', 'c', '2021-03-31', 't')").run()
                try await db.raw("INSERT INTO reports (id, year, kind, org, state, revision, updated_at) VALUES ('2021/11/budget', 2021, 'budget', '11', '填报中', 0, 't')").run()
            }
            await #expect(throws: (any Error).self) {
                try await backend.write { db in
                    try await db.raw("INSERT INTO reports (id, year, kind, org, state, revision, updated_at) VALUES ('2030/11/budget', 2030, 'budget', '11', '填报中', 0, 't')").run()
                }
            }
            await #expect(throws: (any Error).self) {
                try await backend.write { db in
                    try await db.raw("INSERT INTO reports (id, year, kind, org, state, revision, updated_at) VALUES ('x', 2021, 'budget', '11', '填报中', 0, 't')").run()
                }
            }
            await #expect(throws: (any Error).self) {
                try await backend.write { db in
                    try await db.raw("""
                        INSERT INTO explanations (report, version, finding, text, author, at) VALUES ('nowhere', 1, 'k', '说明', 'u', 't')
                        """).run()
                }
            }
            #expect(try await backend.integrityCheck())
            // Applying again changes nothing.
            try await Migrations.run(backend)
        } catch {
            await backend.close()
            throw error
        }
        await backend.close()
    }
}
