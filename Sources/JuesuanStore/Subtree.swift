import SQLKit

/// Membership of a subtree, decided in one place. An org path is `/root/…/code/` (codes are
/// letters, digits and `. _ -`); a path lies in a subtree when the subtree's path is its exact
/// byte prefix. Never `LIKE`: `_` and `%` are wildcards there and SQLite's `LIKE` ignores case.
public enum Subtree {
    /// `true` when `path` lies in the subtree rooted at `root` (itself included).
    public static func contains(_ root: String, _ path: String) -> Bool {
        !root.isEmpty && path.utf8.starts(with: root.utf8)
    }

    /// The number of codes in a path (`/a/` → 1, `/a/b/` → 2).
    public static func depth(_ path: String) -> Int { path.split(separator: "/").count }

    /// SQL: `column` lies in the subtree rooted at `root` (itself included). Compares the first
    /// characters of the column with the bound path using `=`, which is exact and case-sensitive
    /// on both databases (SQLite's BINARY collation; PostgreSQL's deterministic collations).
    static func sql(_ column: String, _ root: String) -> SQLQueryString {
        // Paths are ASCII (codes are checked on import), so characters and bytes agree; the length is
        // a literal integer, not a bind, so PostgreSQL need not guess the type of substr's argument.
        "substr(\(unsafeRaw: column), 1, \(unsafeRaw: String(root.unicodeScalars.count))) = \(bind: root)"
    }

    /// SQL: as `below`, with a range of the column's index around it on SQLite, whose text order is byte order
    /// (so the range is exact): a page of a subtree is then read in order from the index and stops at its
    /// limit. PostgreSQL's order depends on the database's collation: there the prefix alone decides.
    static func below(_ column: String, _ root: String, _ dialect: Dialect) -> SQLQueryString {
        guard dialect == .sqlite, root.hasSuffix("/") else { return below(column, root) }
        // Every path below `root` starts with it, and "0" follows "/" in byte order.
        let end = String(root.dropLast()) + "0"
        return "\(unsafeRaw: column) > \(bind: root) AND \(unsafeRaw: column) < \(bind: end) AND \(below(column, root))"
    }

    /// SQL: `column` lies strictly below `root`.
    static func below(_ column: String, _ root: String) -> SQLQueryString {
        "\(sql(column, root)) AND \(unsafeRaw: column) <> \(bind: root)"
    }
}
