import Foundation
import HummingbirdBcrypt
import Juesuan
import JuesuanXLSX
import SQLKit

extension Organisation {
    /// Imports organisation rows (单位编码, 名称, 上级编码, 类型) from CSV or XLSX bytes. Every row is
    /// checked first; one bad row refuses the whole file (422 with every row's problem).
    public func importOrgs(_ caller: Caller, bytes: Data, filename: String) async throws -> Cycle.ImportResult {
        try require(caller, .administer, "导入组织机构")
        let rows = try OrgSheet.rows(bytes, filename: filename)
        let existing: [String: Org] = try await backend.read { db in
            var all: [String: Org] = [:]
            for row in try await db.raw("SELECT \(OrgRecord.columns()) FROM orgs").all() {
                let org = try OrgRecord(row).org
                all[org.code] = org
            }
            return all
        }
        var problems: [Cycle.RowProblem] = []
        var incoming: [(line: Int, code: String, name: String, parent: String?, kind: OrgKind)] = []
        var seen: [String: Int] = [:]
        for (line, cells) in rows {
            let cell = { (index: Int) in index < cells.count ? cells[index].trimmingCharacters(in: .whitespaces) : "" }
            let code = cell(0), name = cell(1), parent = cell(2), kindText = cell(3)
            if !Cycle.isCode(code) {
                problems.append(Cycle.RowProblem(line: line, value: code, reason: "单位编码应为 1–40 位字母、数字或 . _ -")); continue
            }
            if let first = seen[code] { problems.append(Cycle.RowProblem(line: line, value: code, reason: "单位编码与第 \(first) 行重复")); continue }
            seen[code] = line
            if name.isEmpty || name.count > 200 { problems.append(Cycle.RowProblem(line: line, value: name, reason: "名称不能为空，且不超过 200 字")); continue }
            if let problem = TextInput.problem(name, "名称") {
                problems.append(Cycle.RowProblem(line: line, value: String(name.unicodeScalars.filter { TextInput.problem(String($0), "") == nil }.map(Character.init)),
                                           reason: problem)); continue
            }
            guard let kind = OrgKind(rawValue: kindText) else {
                problems.append(Cycle.RowProblem(line: line, value: kindText, reason: "类型应为 财政局、主管部门 或 单位")); continue
            }
            incoming.append((line, code, name, parent.isEmpty ? nil : parent, kind))
        }
        // Parents: in the store or in the file; the tree must stay a tree inside the admin's subtree.
        let inFile = Dictionary(incoming.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        var paths: [String: String] = existing.mapValues(\.path)
        func path(of code: String, depth: Int = 0) -> String? {
            if let known = paths[code], inFile[code] == nil || existing[code]?.parent == inFile[code]?.parent { return known }
            guard depth < 64, let row = inFile[code] else { return nil }
            guard let parent = row.parent else { paths[code] = "/\(code)/"; return paths[code] }
            guard parent != code, let above = path(of: parent, depth: depth + 1), !above.contains("/\(code)/") else { return nil }
            paths[code] = above + "\(code)/"
            return paths[code]
        }
        for row in incoming {
            if let parent = row.parent, existing[parent] == nil, inFile[parent] == nil {
                problems.append(Cycle.RowProblem(line: row.line, value: parent, reason: "上级编码“\(parent)”既不在文件中，也不在系统中")); continue
            }
            guard let full = path(of: row.code) else {
                problems.append(Cycle.RowProblem(line: row.line, value: row.code, reason: "上级关系成环")); continue
            }
            if row.parent == nil, !existing.isEmpty, existing[row.code]?.parent != nil || existing[row.code] == nil {
                problems.append(Cycle.RowProblem(line: row.line, value: row.code, reason: "只有第一次导入可以建立根节点（财政局）；请填写上级编码")); continue
            }
            if let old = existing[row.code], old.path != full {
                problems.append(Cycle.RowProblem(line: row.line, value: row.code, reason: "不能通过导入移动已有单位（原上级 \(old.parent ?? "无")）"))
                continue
            }
            // A row that restates an organisation exactly as it is changes nothing: allowed anywhere the caller sees.
            if let old = existing[row.code], old.name == row.name, old.kind == row.kind, caller.sees(full) { continue }
            if let problem = Cycle.authority(caller, path: full, kind: row.kind, parentKind: row.parent.flatMap { inFile[$0]?.kind ?? existing[$0]?.kind }) {
                problems.append(Cycle.RowProblem(line: row.line, value: row.code, reason: problem))
            }
        }
        // A node's new kind must still suit its children and the roles of its people.
        let retyped = incoming.filter { row in existing[row.code].map { $0.kind != row.kind } ?? false }
        if !retyped.isEmpty {
            let roles: [String: Set<Role>] = try await backend.read { db in
                var roles: [String: Set<Role>] = [:]
                for row in try await db.raw("SELECT DISTINCT org, role FROM users").all() {
                    let org = try row.decode(column: "org", as: String.self)
                    if let role = Role(rawValue: try row.decode(column: "role", as: String.self)) { roles[org, default: []].insert(role) }
                }
                return roles
            }
            for row in retyped {
                let kept = (roles[row.code] ?? []).subtracting(row.kind.roles)
                if !kept.isEmpty {
                    problems.append(Cycle.RowProblem(line: row.line, value: row.kind.rawValue,
                                               reason: "该单位有“\(kept.map(\.chineseName).sorted().joined(separator: "、"))”角色的用户，\(row.kind.rawValue)不能有这些角色；请先调整这些用户"))
                }
                let higher = existing.values.filter { $0.parent == row.code && (inFile[$0.code]?.kind ?? $0.kind).level > row.kind.level }
                if let child = higher.map(\.code).sorted().first {
                    problems.append(Cycle.RowProblem(line: row.line, value: row.kind.rawValue, reason: "下级“\(child)”的类型高于\(row.kind.rawValue)"))
                }
            }
        }
        if !problems.isEmpty { throw OrgImportError(filename: filename, problems: problems.sorted { $0.line < $1.line }) }
        let now = Clock.stamp()
        // Parents before children: by depth of the path.
        let ordered = incoming.sorted { (paths[$0.code]?.count ?? 0) < (paths[$1.code]?.count ?? 0) }
        let finalPaths = paths
        return try await backend.write { db in
            var result = Cycle.ImportResult(added: 0, changed: 0, unchanged: 0)
            for row in ordered {
                let full = finalPaths[row.code]!
                let target = Org(code: row.code, name: row.name, parent: row.parent, kind: row.kind, path: full)
                if let old = existing[row.code] {
                    if old.name == row.name && old.kind == row.kind { result.unchanged += 1; continue }
                    try await db.raw("UPDATE orgs SET name = \(bind: row.name), kind = \(bind: row.kind.rawValue) WHERE code = \(bind: row.code)").run()
                    try await self.log(db, caller, action: "org-changed", org: target, target: "org:\(row.code)",
                                       before: "\(old.name)｜\(old.kind.rawValue)", after: "\(row.name)｜\(row.kind.rawValue)")
                    result.changed += 1
                } else {
                    try await db.raw("""
                        INSERT INTO orgs (code, name, parent, kind, path, created_at)
                        VALUES (\(bind: row.code), \(bind: row.name), \(bind: row.parent), \(bind: row.kind.rawValue), \(bind: full), \(bind: now))
                        """).run()
                    result.added += 1
                }
            }
            try await self.log(db, caller, action: "orgs-imported", org: nil, target: "file:\(filename)",
                               detail: "新增 \(result.added)，修改 \(result.changed)，未变 \(result.unchanged)")
            return result
        }
    }

    /// Creates the root of the tree and its first administrator (an empty store only).
    public func bootstrap(root: Org, admin login: String, name: String, password: String) async throws {
        let cost = settings.bcryptCost
        let hash = try await offload { Bcrypt.hash(password, cost: cost) }
        let now = Clock.stamp()
        try await backend.write { db in
            let count = try await db.raw("SELECT COUNT(*) AS n FROM orgs").first()?.decode(column: "n", as: Int.self) ?? 0
            guard count == 0 else { throw StoreError.conflict("组织机构已存在，不能再次初始化。") }
            try await db.raw("""
                INSERT INTO orgs (code, name, parent, kind, path, created_at)
                VALUES (\(bind: root.code), \(bind: root.name), NULL, \(bind: root.kind.rawValue), \(bind: "/\(root.code)/"), \(bind: now))
                """).run()
            try await db.raw("""
                INSERT INTO users (login, name, role, org, password_hash, created_at)
                VALUES (\(bind: login), \(bind: name), \(bind: Role.admin.rawValue), \(bind: root.code), \(bind: hash), \(bind: now))
                """).run()
            try await self.log(db, actor: "system", ip: "-", action: "bootstrap", org: root.code, orgPath: "/\(root.code)/",
                               target: "org:\(root.code)", after: root.name)
        }
    }

    public func orgs(_ caller: Caller, under code: String? = nil, query: String? = nil, paging: Paging) async throws -> Page<Org> {
        try await backend.read { db in
            let base = try await self.visibleOrg(db, caller, code ?? caller.user.org)
            let like = Cycle.likePattern(query)
            let total = try await db.raw("""
                SELECT COUNT(*) AS n FROM orgs WHERE \(Subtree.sql("path", base.path, self.backend.dialect))
                AND (CAST(\(bind: like) AS TEXT) IS NULL OR name LIKE \(bind: like) OR code LIKE \(bind: like))
                """).first()?.decode(column: "n", as: Int.self) ?? 0
            let rows = try await db.raw("""
                SELECT \(OrgRecord.columns()) FROM orgs WHERE \(Subtree.sql("path", base.path, self.backend.dialect))
                AND (CAST(\(bind: like) AS TEXT) IS NULL OR name LIKE \(bind: like) OR code LIKE \(bind: like))
                ORDER BY path LIMIT \(bind: paging.limit) OFFSET \(bind: paging.offset)
                """).all()
            return Page(items: try rows.map { try OrgRecord($0).org }, total: total, offset: paging.offset, limit: paging.limit)
        }
    }
}
