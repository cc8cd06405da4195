import Foundation
import SQLKit

/// The organisation tree as people see it: every node of the caller's subtree with its people and the
/// state of its report, and a node renamed in place by an administrator who may shape it.
extension Cycle {
    public struct TreeNode: Sendable, Equatable {
        public var org: Org
        public var depth: Int
        public var people: Int
        /// The state of the node's report of `year` (nil: none yet).
        public var state: ReportState?
        /// Whether the caller may rename it.
        public var editable: Bool
    }
}

extension Organisation {
    /// The subtree of `code` (default: the caller's node) in tree order, at most `limit` nodes.
    public func tree(_ caller: Caller, under code: String? = nil, year: Int, limit: Int = 5000) async throws -> (nodes: [Cycle.TreeNode], total: Int) {
        try require(caller, .seeAdministration, "查看组织机构")
        return try await backend.read { db in
            let base = try await self.visibleOrg(db, caller, code ?? caller.user.org)
            let total = try await db.raw("SELECT COUNT(*) AS n FROM orgs WHERE \(Subtree.sql("path", base.path, self.backend.dialect))").first()?
                .decode(column: "n", as: Int.self) ?? 0
            let people = Dictionary(try await db.raw("""
                SELECT u.org, COUNT(*) AS n FROM users u JOIN orgs o ON o.code = u.org WHERE \(Subtree.sql("o.path", base.path, self.backend.dialect)) GROUP BY u.org
                """).all().map { (try $0.decode(column: "org", as: String.self), try $0.decode(column: "n", as: Int.self)) }, uniquingKeysWith: { a, _ in a })
            let states = Dictionary(try await db.raw("""
                SELECT r.org, r.state FROM reports r JOIN orgs o ON o.code = r.org WHERE r.year = \(bind: year) AND r.kind = 'final' AND \(Subtree.sql("o.path", base.path, self.backend.dialect))
                """).all().map { (try $0.decode(column: "org", as: String.self), try $0.decode(column: "state", as: String.self)) },
                uniquingKeysWith: { a, _ in a })
            let rows = try await db.raw("""
                SELECT \(OrgRecord.columns()) FROM orgs WHERE \(Subtree.sql("path", base.path, self.backend.dialect)) ORDER BY path LIMIT \(bind: limit)
                """).all()
            let baseDepth = base.path.split(separator: "/").count
            let orgs = try rows.map { try OrgRecord($0).org }
            var kinds = Dictionary(orgs.map { ($0.code, $0.kind) }, uniquingKeysWith: { a, _ in a })
            if let parent = base.parent, let above = try await self.org(db, parent) { kinds[above.code] = above.kind }
            let nodes = orgs.map { org -> Cycle.TreeNode in
                let parentKind = org.parent.flatMap { kinds[$0] }
                return Cycle.TreeNode(org: org, depth: org.path.split(separator: "/").count - baseDepth, people: people[org.code] ?? 0,
                                state: states[org.code].flatMap(ReportState.init(rawValue:)),
                                editable: Cycle.authority(caller, path: org.path, kind: org.kind, parentKind: parentKind) == nil)
            }
            return (nodes, total)
        }
    }

    /// Renames a node, under the same rule as importing it: the root's administrators everywhere, others
    /// strictly below their own node. The code, parent and kind stay.
    public func renameOrg(_ caller: Caller, code: String, name: String) async throws -> Org {
        try require(caller, .administer, "修改组织机构")
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 200 else { throw StoreError.invalid("名称不能为空，且不超过 200 字。") }
        try TextInput.check(name, "名称")
        return try await backend.write { db in
            let org = try await self.visibleOrg(db, caller, code)
            let parentKind = try await org.parent.asyncMap { try await self.org(db, $0)?.kind } ?? nil
            if let refusal = Cycle.authority(caller, path: org.path, kind: org.kind, parentKind: parentKind) { throw StoreError.forbidden(refusal + "。") }
            guard org.name != name else { return org }
            try await db.raw("UPDATE orgs SET name = \(bind: name) WHERE code = \(bind: code)").run()
            try await self.log(db, caller, action: "org-changed", org: org, target: "org:\(code)", before: org.name, after: name)
            var renamed = org
            renamed.name = name
            return renamed
        }
    }
}

extension Cycle {
    /// One 主管部门's progress: how many of its units are at each state of the year's cycle.
    public struct DepartmentProgress: Sendable, Equatable {
        public var code: String
        public var name: String
        public var units: Int
        public var byState: [ReportState: Int]
    }
}

extension Organisation {
    /// The progress of every 主管部门 of the caller's subtree (their units counted by state), for the
    /// bureau's inbox: which department is behind, at a glance.
    public func departmentProgress(_ caller: Caller, year: Int, kind: ReportKind = .finalAccounts) async throws -> [Cycle.DepartmentProgress] {
        try require(caller, .seeInbox, "查看进度")
        return try await backend.read { db in
            // Counted over the caller's whole subtree: kept until something is committed.
            let token = try await self.backend.changeToken(db)
            let key = ["departments", caller.user.orgPath, "\(year)", kind.rawValue].joined(separator: "|")
            if let token, let kept: [Cycle.DepartmentProgress] = self.counts.get(key, token) { return kept }
            let rows = try await db.raw("""
                SELECT d.code, d.name, COALESCE(r.state, '填报中') AS state, COUNT(*) AS n
                FROM orgs d JOIN orgs o ON o.parent = d.code LEFT JOIN reports r ON r.org = o.code AND r.year = \(bind: year) AND r.kind = \(bind: kind.rawValue)
                WHERE d.kind = '主管部门' AND o.kind = '单位' AND \(Subtree.sql("d.path", caller.user.orgPath, self.backend.dialect))
                GROUP BY d.code, d.name, COALESCE(r.state, '填报中') ORDER BY d.code
                """).all()
            var result: [Cycle.DepartmentProgress] = []
            for row in rows {
                let code = try row.decode(column: "code", as: String.self), count = try row.decode(column: "n", as: Int.self)
                let state = ReportState(rawValue: try row.decode(column: "state", as: String.self)) ?? .drafting
                if result.last?.code != code {
                    result.append(Cycle.DepartmentProgress(code: code, name: try row.decode(column: "name", as: String.self), units: 0, byState: [:]))
                }
                result[result.count - 1].units += count
                result[result.count - 1].byState[state, default: 0] += count
            }
            if let token { self.counts.put(key, token, result) }
            return result
        }
    }
}
