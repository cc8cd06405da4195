import Foundation
import SQLKit

/// The schema, as numbered migrations applied once each, in order, inside one transaction each.
/// Money is BIGINT 分 wherever it is a column; a version's dataset is the engine's JSON.
enum Migrations {
    static func all(_ d: Dialect) -> [(Int, [String])] {
        [
            (1, [
                """
                CREATE TABLE orgs (code TEXT PRIMARY KEY, name TEXT NOT NULL, parent TEXT REFERENCES orgs(code),
                  kind TEXT NOT NULL, path TEXT NOT NULL, created_at TEXT NOT NULL)
                """,
                "CREATE INDEX orgs_parent ON orgs(parent)",
                "CREATE INDEX orgs_path ON orgs(path)",
                "CREATE INDEX orgs_name ON orgs(name)",
                """
                CREATE TABLE users (login TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
                  org TEXT NOT NULL REFERENCES orgs(code), password_hash TEXT NOT NULL,
                  failures INTEGER NOT NULL DEFAULT 0, locked_until BIGINT NOT NULL DEFAULT 0, created_at TEXT NOT NULL)
                """,
                """
                CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, login TEXT NOT NULL REFERENCES users(login),
                  csrf TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE tasks (year INTEGER PRIMARY KEY, layout TEXT NOT NULL, catalogue TEXT NOT NULL,
                  deadline TEXT NOT NULL, created_at TEXT NOT NULL)
                """,
                """
                CREATE TABLE reports (id TEXT PRIMARY KEY, year INTEGER NOT NULL REFERENCES tasks(year),
                  org TEXT NOT NULL REFERENCES orgs(code), state TEXT NOT NULL, revision BIGINT NOT NULL,
                  current_version INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0,
                  warnings INTEGER NOT NULL DEFAULT 0, unexplained INTEGER NOT NULL DEFAULT 0, first_error TEXT,
                  total_fen BIGINT, updated_at TEXT NOT NULL, published_at TEXT, return_reason TEXT, UNIQUE (year, org))
                """,
                "CREATE INDEX reports_year_state ON reports(year, state)",
                """
                CREATE TABLE versions (report TEXT NOT NULL REFERENCES reports(id), number INTEGER NOT NULL,
                  kind TEXT NOT NULL, filename TEXT NOT NULL, uploaded_by TEXT NOT NULL, uploaded_at TEXT NOT NULL,
                  size BIGINT NOT NULL, content \(d.bytes) NOT NULL, dataset TEXT NOT NULL, catalogue TEXT NOT NULL,
                  errors INTEGER NOT NULL, warnings INTEGER NOT NULL, infos INTEGER NOT NULL, findings TEXT NOT NULL,
                  PRIMARY KEY (report, number))
                """,
                """
                CREATE TABLE explanations (report TEXT NOT NULL, version INTEGER NOT NULL, finding TEXT NOT NULL,
                  text TEXT NOT NULL, author TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (report, version, finding),
                  FOREIGN KEY (report, version) REFERENCES versions(report, number))
                """,
                """
                CREATE TABLE publications (report TEXT NOT NULL REFERENCES reports(id), path TEXT NOT NULL,
                  content \(d.bytes) NOT NULL, content_type TEXT NOT NULL, version INTEGER NOT NULL,
                  published_at TEXT NOT NULL, PRIMARY KEY (report, path))
                """,
                """
                CREATE TABLE audit_log (id \(d.serial), at TEXT NOT NULL, actor TEXT NOT NULL, ip TEXT NOT NULL,
                  action TEXT NOT NULL, org TEXT, org_path TEXT, target TEXT NOT NULL, before TEXT, after TEXT, detail TEXT)
                """,
                "CREATE INDEX audit_org_path ON audit_log(org_path)",
                "CREATE INDEX audit_ip_at ON audit_log(ip, action, at)",
                """
                CREATE TABLE batches (id \(d.serial), name TEXT NOT NULL, created_by TEXT NOT NULL,
                  org TEXT NOT NULL REFERENCES orgs(code), year INTEGER NOT NULL, created_at TEXT NOT NULL)
                """,
                """
                CREATE TABLE jobs (id \(d.serial), batch BIGINT NOT NULL REFERENCES batches(id), filename TEXT NOT NULL,
                  content \(d.bytes) NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
                  lease_until BIGINT NOT NULL DEFAULT 0, error TEXT, unit TEXT, matched_org TEXT,
                  errors INTEGER NOT NULL DEFAULT 0, warnings INTEGER NOT NULL DEFAULT 0, findings TEXT,
                  created_at TEXT NOT NULL, updated_at TEXT NOT NULL)
                """,
                "CREATE INDEX jobs_state ON jobs(state, id)",
                "CREATE INDEX jobs_batch ON jobs(batch, id)",
            ] + appendOnly(d)),
            // What consolidation reads of a version, in a fast line format (Summary); NULL for versions
            // stored before (their dataset JSON is read instead).
            (2, ["ALTER TABLE versions ADD COLUMN summary TEXT"]),
            // Login attempts counted per address in one row (atomic, also across servers); accounts that
            // can be disabled or made to change their password; notices kept with the session (flash).
            (3, [
                "CREATE TABLE login_throttle (ip TEXT PRIMARY KEY, failures INTEGER NOT NULL, window_start BIGINT NOT NULL)",
                "ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0",
                "ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0",
                "ALTER TABLE sessions ADD COLUMN flash TEXT",
            ]),
            // The bureau's 检查表 of each document a batch audited (JSON), made while its structure is at hand.
            (4, ["ALTER TABLE jobs ADD COLUMN checklist TEXT"]),
            // An explanation carried to a later version while its finding persists: the version it was written for.
            (5, ["ALTER TABLE explanations ADD COLUMN carried_from INTEGER"]),
            // A version's PDF made once and kept (draft: with the "草稿" watermark).
            (6, ["CREATE TABLE version_pdfs (report TEXT NOT NULL, version INTEGER NOT NULL, draft INTEGER NOT NULL, content \(d.bytes) NOT NULL, "
                 + "made_at TEXT NOT NULL, PRIMARY KEY (report, version, draft))"]),
            // 单位负责人 审核确认: the task may ask for it before 上报; a confirmation holds for one revision.
            (7, ["ALTER TABLE tasks ADD COLUMN signoff INTEGER NOT NULL DEFAULT 1",
                 "ALTER TABLE reports ADD COLUMN confirmed_revision INTEGER",
                 "ALTER TABLE reports ADD COLUMN confirmed_by TEXT",
                 "ALTER TABLE reports ADD COLUMN confirmed_at TEXT"]),
            // A report being entered in the browser: one draft per report, saved by compare-and-set on its revision.
            (8, ["CREATE TABLE drafts (report TEXT PRIMARY KEY, revision INTEGER NOT NULL, dataset TEXT NOT NULL, base_version INTEGER, "
                 + "updated_by TEXT NOT NULL, updated_at TEXT NOT NULL)"]),
            // 站内消息: one row per person.
            (9, ["CREATE TABLE messages (id \(d.serial), recipient TEXT NOT NULL, at TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL, "
                 + "body TEXT NOT NULL, link TEXT, read INTEGER NOT NULL DEFAULT 0)",
                 "CREATE INDEX messages_recipient ON messages(recipient, read)"]),
            // 撤回 and 更正 of published reports, shown on the public page.
            (10, ["CREATE TABLE corrections (id \(d.serial), report TEXT NOT NULL, at TEXT NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL, "
                  + "actor TEXT NOT NULL)"]),
            // 批注 on findings, kept with the report across versions.
            (11, ["CREATE TABLE remarks (id \(d.serial), report TEXT NOT NULL, finding TEXT NOT NULL, author TEXT NOT NULL, role TEXT NOT NULL, "
                  + "at TEXT NOT NULL, text TEXT NOT NULL)", "CREATE INDEX remarks_report ON remarks(report)"]),
            // E-mail: a person's address, each message's delivery, and the automatic 催报 sent once per unit and year.
            (12, ["ALTER TABLE users ADD COLUMN email TEXT",
                  "ALTER TABLE messages ADD COLUMN mailed INTEGER NOT NULL DEFAULT 0",
                  "ALTER TABLE messages ADD COLUMN mail_attempts INTEGER NOT NULL DEFAULT 0",
                  "CREATE TABLE reminders (year INTEGER NOT NULL, org TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (year, org))"]),
            // Batch audit: the year the document is of, and whether it is a budget or final accounts.
            (13, ["ALTER TABLE jobs ADD COLUMN report_year INTEGER", "ALTER TABLE jobs ADD COLUMN kind TEXT"]),
            // 公开 without waiting: the public package of a version made when 财政 approves it (by the worker), kept
            // until published; the queue of versions to prepare.
            (14, ["CREATE TABLE prepared (report TEXT NOT NULL, version INTEGER NOT NULL, path TEXT NOT NULL, content \(d.bytes) NOT NULL, "
                  + "PRIMARY KEY (report, version, path))",
                  "CREATE TABLE prepare_queue (report TEXT PRIMARY KEY, year INTEGER NOT NULL, org TEXT NOT NULL, version INTEGER NOT NULL, "
                  + "lease_until INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0)"]),
            // The bureau's settings for the public pages (its logo).
            (15, ["CREATE TABLE site (key TEXT PRIMARY KEY, value \(d.bytes) NOT NULL)"]),
            // Batch audit: what was read from each document (JSON): a final accounts' tables, so its page shows them with the findings at
            // their cells; a budget's budget.json, which the same unit's final accounts are compared with (its 年初预算).
            (16, ["ALTER TABLE jobs ADD COLUMN dataset TEXT"]),
            // A year has a 决算 task and a 预算 task: tasks keyed by (year, kind), a report by (year, kind, org).
            (17, taskKinds(d)),
            // A report's history (its page, every operation's view) was read by walking the whole audit log back.
            (18, ["CREATE INDEX audit_target ON audit_log(target, id)"]),
            // A report's versions as listed: SQLite keeps a row's columns in one record, and those after the file and the dataset
            // were read by walking their overflow pages; the index holds them (PostgreSQL keeps large values apart already).
            (19, d == .sqlite ? ["CREATE INDEX versions_listing ON versions(report, number, \(VersionRecord.columnNames.dropFirst().joined(separator: ", ")))"] : []),
        ]
    }

    /// Migration 17. SQLite cannot change a key in place: `tasks` and `reports` are copied into new tables
    /// (on a connection with foreign keys off, checked before the commit — SQLite's own recipe); PostgreSQL
    /// changes the constraints.
    static func taskKinds(_ d: Dialect) -> [String] {
        let reminders = [
            "CREATE TABLE reminders_new (year INTEGER NOT NULL, kind TEXT NOT NULL DEFAULT 'final', org TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (year, kind, org))",
            "INSERT INTO reminders_new (year, kind, org, at) SELECT year, 'final', org, at FROM reminders",
            "DROP TABLE reminders",
            "ALTER TABLE reminders_new RENAME TO reminders",
            "ALTER TABLE prepare_queue ADD COLUMN kind TEXT NOT NULL DEFAULT 'final'",
        ]
        switch d {
        case .sqlite:
            return [
                """
                CREATE TABLE tasks_new (year INTEGER NOT NULL, kind TEXT NOT NULL DEFAULT 'final', layout TEXT NOT NULL, catalogue TEXT NOT NULL,
                  deadline TEXT NOT NULL, created_at TEXT NOT NULL, signoff INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (year, kind))
                """,
                "INSERT INTO tasks_new (year, kind, layout, catalogue, deadline, created_at, signoff) SELECT year, 'final', layout, catalogue, deadline, created_at, signoff FROM tasks",
                "DROP TABLE tasks",
                "ALTER TABLE tasks_new RENAME TO tasks",
                """
                CREATE TABLE reports_new (id TEXT PRIMARY KEY, year INTEGER NOT NULL, kind TEXT NOT NULL DEFAULT 'final',
                  org TEXT NOT NULL REFERENCES orgs(code), state TEXT NOT NULL, revision BIGINT NOT NULL,
                  current_version INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0,
                  warnings INTEGER NOT NULL DEFAULT 0, unexplained INTEGER NOT NULL DEFAULT 0, first_error TEXT,
                  total_fen BIGINT, updated_at TEXT NOT NULL, published_at TEXT, return_reason TEXT,
                  confirmed_revision INTEGER, confirmed_by TEXT, confirmed_at TEXT,
                  UNIQUE (year, kind, org), FOREIGN KEY (year, kind) REFERENCES tasks(year, kind))
                """,
                """
                INSERT INTO reports_new (id, year, kind, org, state, revision, current_version, errors, warnings, unexplained, first_error, total_fen,
                  updated_at, published_at, return_reason, confirmed_revision, confirmed_by, confirmed_at)
                SELECT id, year, 'final', org, state, revision, current_version, errors, warnings, unexplained, first_error, total_fen,
                  updated_at, published_at, return_reason, confirmed_revision, confirmed_by, confirmed_at FROM reports
                """,
                "DROP TABLE reports",
                "ALTER TABLE reports_new RENAME TO reports",
                "CREATE INDEX reports_year_state ON reports(year, kind, state)",
            ] + reminders
        case .postgres:
            return [
                "ALTER TABLE tasks ADD COLUMN kind TEXT NOT NULL DEFAULT 'final'",
                "ALTER TABLE reports DROP CONSTRAINT reports_year_fkey",
                "ALTER TABLE tasks DROP CONSTRAINT tasks_pkey",
                "ALTER TABLE tasks ADD PRIMARY KEY (year, kind)",
                "ALTER TABLE reports ADD COLUMN kind TEXT NOT NULL DEFAULT 'final'",
                "ALTER TABLE reports DROP CONSTRAINT reports_year_org_key",
                "ALTER TABLE reports ADD UNIQUE (year, kind, org)",
                "ALTER TABLE reports ADD FOREIGN KEY (year, kind) REFERENCES tasks(year, kind)",
                "DROP INDEX reports_year_state",
                "CREATE INDEX reports_year_state ON reports(year, kind, state)",
            ] + reminders
        }
    }

    /// Migrations that copy tables with foreign keys pointing at them: SQLite runs them with foreign keys off.
    static let rebuilds: Set<Int> = [17]

    /// The audit log refuses UPDATE and DELETE in the database itself, not only in our code.
    static func appendOnly(_ d: Dialect) -> [String] {
        switch d {
        case .sqlite:
            [
                "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
                "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
            ]
        case .postgres:
            [
                """
                CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'audit log is append-only'; END $$
                """,
                "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
            ]
        }
    }

    /// Applies every migration not yet applied. Safe to run from several servers at once on PostgreSQL
    /// (an advisory lock serialises them).
    static func run(_ backend: any Backend) async throws {
        let dialect = backend.dialect
        // One transaction per migration: each is applied whole or not at all, and a server that stops
        // between two leaves the first applied.
        for (version, statements) in all(dialect) {
            let body: @Sendable (any SQLDatabase) async throws -> Void = { db in
                if dialect == .postgres { try await db.raw("SELECT pg_advisory_xact_lock(4242)").run() }
                try await db.raw("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)").run()
                guard try await db.raw("SELECT version FROM schema_migrations WHERE version = \(bind: version)").first() == nil else { return }
                for statement in statements { try await db.raw(SQLQueryString(statement)).run() }
                try await db.raw("INSERT INTO schema_migrations (version, applied_at) VALUES (\(bind: version), \(bind: Clock.stamp()))").run()
            }
            if rebuilds.contains(version) { try await backend.rebuild(body) } else { try await backend.write(body) }
        }
    }
}
