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

    /// SQL: `column` lies in the subtree rooted at `root` (itself included), compared exactly and case-sensitively
    /// on both databases, never by pattern. SQLite: the column's first characters equal the bound path (BINARY
    /// collation), within a range of the column's index around it (byte order there, so the range is exact; a
    /// page of a subtree is read in order from the index). PostgreSQL: `starts_with`, exact too, whose
    /// selectivity the planner knows (a `substr` comparison it guessed at 0.5% of the rows, and chose to look up
    /// every report of a 10,000-unit jurisdiction one by one).
    static func sql(_ column: String, _ root: String, _ dialect: Dialect) -> SQLQueryString {
        switch dialect {
        case .postgres:
            return "starts_with(\(unsafeRaw: column), \(bind: root))"
        case .sqlite:
            // Paths are ASCII (codes are checked on import), so characters and bytes agree; the length is a literal.
            let prefix: SQLQueryString = "substr(\(unsafeRaw: column), 1, \(unsafeRaw: String(root.unicodeScalars.count))) = \(bind: root)"
            guard root.hasSuffix("/") else { return prefix }
            // Every path below `root` starts with it, and "0" follows "/" in byte order.
            let end = String(root.dropLast()) + "0"
            return "\(unsafeRaw: column) >= \(bind: root) AND \(unsafeRaw: column) < \(bind: end) AND \(prefix)"
        }
    }

    /// SQL: `column` lies strictly below `root`.
    static func below(_ column: String, _ root: String, _ dialect: Dialect) -> SQLQueryString {
        "\(sql(column, root, dialect)) AND \(unsafeRaw: column) <> \(bind: root)"
    }
}
