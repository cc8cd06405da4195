import Foundation
import HummingbirdBcrypt
import Juesuan
import JuesuanXLSX
import SQLKit

/// The organisation tree, people and yearly tasks: what 管理员 keeps.
extension Cycle {
    /// One row of an organisation import that could not be taken, with its line.
    public struct RowProblem: Sendable, Codable, Equatable {
        public var line: Int
        public var value: String
        public var reason: String
    }

    public struct ImportResult: Sendable, Codable {
        public var added: Int
        public var changed: Int
        public var unchanged: Int
    }

    /// 1–40 letters, digits or . _ - (codes and logins: safe in paths, URLs and LIKE patterns).
    static func isCode(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= 40,
              ("0"..."9").contains(first) || ("A"..."Z").contains(first) || ("a"..."z").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || ("A"..."Z").contains($0) || ("a"..."z").contains($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    /// Whether `caller` may create or change an organisation of `kind` at `path`, and if not, why.
    /// The one rule of authority over the tree: the root's administrators (财政局) may shape the whole
    /// tree; an administrator below may add and change only nodes strictly inside its own subtree,
    /// never of a kind above their parent's, and never a 财政局.
    static func authority(_ caller: Caller, path: String, kind: OrgKind, parentKind: OrgKind?) -> String? {
        guard caller.user.role == .admin else { return "“\(caller.user.role.chineseName)”角色不能管理组织机构" }
        if !caller.sees(path) { return "不在您的管辖范围内（\(caller.user.org) 之下）" }
        if !caller.atRoot {
            if !caller.isAbove(path) { return "只能增改本单位（\(caller.user.org)）之下的单位，不能改本单位或上级" }
            if kind == .bureau { return "只有财政局（根节点）的管理员可以设立“财政局”类型的节点" }
        }
        if let parentKind, kind.level > parentKind.level { return "类型“\(kind.rawValue)”不能高于上级的类型“\(parentKind.rawValue)”" }
        return nil
    }

    /// Whether `caller` may give `role` to a person of `org`, and if not, why (403 or 422).
    static func grant(_ caller: Caller, role: Role, at org: Org) -> StoreError? {
        guard caller.user.role == .admin else { return .forbidden("“\(caller.user.role.chineseName)”角色不能管理用户。") }
        guard caller.sees(org.path) else { return .forbidden("单位“\(org.name)”（\(org.code)）不在您的管辖范围内。") }
        if !caller.atRoot, !caller.isAbove(org.path) {
            return .forbidden("只有财政局（根节点）的管理员可以为本单位（\(org.code)）或上级建立、修改用户；您可管理本单位之下的单位的用户。")
        }
        guard org.kind.roles.contains(role) else {
            let allowed = Role.allCases.filter(org.kind.roles.contains).map(\.chineseName).joined(separator: "、")
            return .invalid("“\(org.name)”是\(org.kind.rawValue)，其用户的角色只能是：\(allowed)；不能是“\(role.chineseName)”。")
        }
        return nil
    }

    /// Imports organisation rows (单位编码, 名称, 上级编码, 类型) from CSV or XLSX bytes. Every row is
    /// checked first; one bad row refuses the whole file (422 with every row's problem).
    public func importOrgs(_ caller: Caller, bytes: Data, filename: String) async throws -> ImportResult {
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
        var problems: [RowProblem] = []
        var incoming: [(line: Int, code: String, name: String, parent: String?, kind: OrgKind)] = []
        var seen: [String: Int] = [:]
        for (line, cells) in rows {
            let cell = { (index: Int) in index < cells.count ? cells[index].trimmingCharacters(in: .whitespaces) : "" }
            let code = cell(0), name = cell(1), parent = cell(2), kindText = cell(3)
            if !Self.isCode(code) {
                problems.append(RowProblem(line: line, value: code, reason: "单位编码应为 1–40 位字母、数字或 . _ -")); continue
            }
            if let first = seen[code] { problems.append(RowProblem(line: line, value: code, reason: "单位编码与第 \(first) 行重复")); continue }
            seen[code] = line
            if name.isEmpty || name.count > 200 { problems.append(RowProblem(line: line, value: name, reason: "名称不能为空，且不超过 200 字")); continue }
            if let problem = TextInput.problem(name, "名称") {
                problems.append(RowProblem(line: line, value: String(name.unicodeScalars.filter { TextInput.problem(String($0), "") == nil }.map(Character.init)),
                                           reason: problem)); continue
            }
            guard let kind = OrgKind(rawValue: kindText) else {
                problems.append(RowProblem(line: line, value: kindText, reason: "类型应为 财政局、主管部门 或 单位")); continue
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
                problems.append(RowProblem(line: row.line, value: parent, reason: "上级编码“\(parent)”既不在文件中，也不在系统中")); continue
            }
            guard let full = path(of: row.code) else {
                problems.append(RowProblem(line: row.line, value: row.code, reason: "上级关系成环")); continue
            }
            if row.parent == nil, !existing.isEmpty, existing[row.code]?.parent != nil || existing[row.code] == nil {
                problems.append(RowProblem(line: row.line, value: row.code, reason: "只有第一次导入可以建立根节点（财政局）；请填写上级编码")); continue
            }
            if let old = existing[row.code], old.path != full {
                problems.append(RowProblem(line: row.line, value: row.code, reason: "不能通过导入移动已有单位（原上级 \(old.parent ?? "无")）"))
                continue
            }
            // A row that restates an organisation exactly as it is changes nothing: allowed anywhere the caller sees.
            if let old = existing[row.code], old.name == row.name, old.kind == row.kind, caller.sees(full) { continue }
            if let problem = Self.authority(caller, path: full, kind: row.kind, parentKind: row.parent.flatMap { inFile[$0]?.kind ?? existing[$0]?.kind }) {
                problems.append(RowProblem(line: row.line, value: row.code, reason: problem))
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
                    problems.append(RowProblem(line: row.line, value: row.kind.rawValue,
                                               reason: "该单位有“\(kept.map(\.chineseName).sorted().joined(separator: "、"))”角色的用户，\(row.kind.rawValue)不能有这些角色；请先调整这些用户"))
                }
                let higher = existing.values.filter { $0.parent == row.code && (inFile[$0.code]?.kind ?? $0.kind).level > row.kind.level }
                if let child = higher.map(\.code).sorted().first {
                    problems.append(RowProblem(line: row.line, value: row.kind.rawValue, reason: "下级“\(child)”的类型高于\(row.kind.rawValue)"))
                }
            }
        }
        if !problems.isEmpty { throw OrgImportError(filename: filename, problems: problems.sorted { $0.line < $1.line }) }
        let now = Clock.stamp()
        // Parents before children: by depth of the path.
        let ordered = incoming.sorted { (paths[$0.code]?.count ?? 0) < (paths[$1.code]?.count ?? 0) }
        let finalPaths = paths
        return try await backend.write { db in
            var result = ImportResult(added: 0, changed: 0, unchanged: 0)
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
            let like = Self.likePattern(query)
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

    static func likePattern(_ query: String?) -> String? {
        guard let query = query?.trimmingCharacters(in: .whitespaces), !query.isEmpty else { return nil }
        // Codes are checked on import and names rarely hold % or _; treat them as literal anyway by removing them.
        return "%" + query.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
    }

    public struct NewUser: Sendable, Codable {
        public var login: String
        public var name: String
        public var role: Role
        public var org: String
        public var password: String
        public init(login: String, name: String, role: Role, org: String, password: String) {
            self.login = login
            self.name = name
            self.role = role
            self.org = org
            self.password = password
        }
    }

    public func createUser(_ caller: Caller, _ new: NewUser) async throws -> User {
        try require(caller, .administer, "管理用户")
        guard Self.isCode(new.login) else { throw StoreError.invalid("登录名“\(new.login.prefix(60))”应为 1–40 位字母、数字或 . _ -。") }
        guard !new.name.trimmingCharacters(in: .whitespaces).isEmpty, new.name.count <= 100 else { throw StoreError.invalid("姓名不能为空，且不超过 100 字。") }
        try TextInput.check(new.name, "姓名")
        try Passwords.check(new.password, login: new.login)
        let target = try await backend.read { db in try await self.visibleOrg(db, caller, new.org) }
        if let refusal = Self.grant(caller, role: new.role, at: target) { throw refusal }
        let cost = settings.bcryptCost
        let password = new.password
        let hash = try await offload { Bcrypt.hash(password, cost: cost) }
        return try await backend.write { db in
            let org = try await self.visibleOrg(db, caller, new.org)
            // Checked again in the writing transaction: the organisation may have been retyped meanwhile.
            if let refusal = Self.grant(caller, role: new.role, at: org) { throw refusal }
            if try await db.raw("SELECT login FROM users WHERE login = \(bind: new.login)").first() != nil {
                throw StoreError.conflict("登录名“\(new.login)”已被使用。")
            }
            try await db.raw("""
                INSERT INTO users (login, name, role, org, password_hash, created_at)
                VALUES (\(bind: new.login), \(bind: new.name), \(bind: new.role.rawValue), \(bind: org.code), \(bind: hash), \(bind: Clock.stamp()))
                """).run()
            try await self.log(db, caller, action: "user-created", org: org, target: "user:\(new.login)",
                               after: "\(new.name)｜\(new.role.chineseName)｜\(org.code)")
            return User(login: new.login, name: new.name, role: new.role, org: org.code, orgPath: org.path)
        }
    }

    /// What an administrator sees of a person besides `User`: whether they are locked, disabled, or must
    /// change their password.
    public struct Account: Sendable, Codable, Equatable {
        public var user: User
        public var disabled: Bool
        public var locked: Bool
        public var mustChangePassword: Bool
        /// Where notifications are e-mailed (nil: in-app messages only).
        public var email: String?
    }

    /// The person `login`, when `caller` may manage them (the same rule as creating them: an
    /// administrator of the root, or one above their node); never oneself.
    func managedAccount(_ db: any SQLDatabase, _ caller: Caller, _ login: String) async throws -> (User, Org) {
        guard Self.isCode(login), let row = try await db.raw("""
            SELECT u.login, u.name, u.role, u.org, o.path FROM users u JOIN orgs o ON o.code = u.org WHERE u.login = \(bind: login)
            """).first() else { throw StoreError.notFound("没有登录名为“\(login.prefix(40))”的用户。") }
        let user = try Self.user(row)
        guard let org = try await self.org(db, user.org) else { throw StoreError.notFound("用户“\(login)”的单位不存在。") }
        guard caller.sees(org.path) else { throw StoreError.forbidden("用户“\(login)”不在您的管辖范围内。") }
        if let refusal = Self.grant(caller, role: user.role, at: org) { throw refusal }
        guard user.login != caller.user.login else { throw StoreError.conflict("不能在这里改自己的账户（修改自己的密码请用“修改密码”）。") }
        return (user, org)
    }

    public struct UserChange: Sendable, Codable {
        public var name: String?
        public var role: Role?
        public var disabled: Bool?
        /// The person's e-mail address for notifications; empty removes it.
        public var email: String?
        public init(name: String? = nil, role: Role? = nil, disabled: Bool? = nil, email: String? = nil) {
            self.name = name
            self.role = role
            self.disabled = disabled
            self.email = email
        }
    }

    /// Changes a person's name, role or whether they may log in; disabling ends their sessions.
    public func updateUser(_ caller: Caller, login: String, _ change: UserChange) async throws -> Account {
        try require(caller, .administer, "管理用户")
        if let name = change.name {
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 100 else { throw StoreError.invalid("姓名不能为空，且不超过 100 字。") }
            try TextInput.check(name, "姓名")
        }
        let email = change.email?.trimmingCharacters(in: .whitespaces)
        if let email { try Self.checkEmail(email) }
        return try await backend.write { db in
            let (user, org) = try await self.managedAccount(db, caller, login)
            if let email {
                try await db.raw("UPDATE users SET email = \(bind: email.isEmpty ? nil : email) WHERE login = \(bind: login)").run()
            }
            if let role = change.role, let refusal = Self.grant(caller, role: role, at: org) { throw refusal }
            let name = change.name ?? user.name, role = change.role ?? user.role
            try await db.raw("UPDATE users SET name = \(bind: name), role = \(bind: role.rawValue) WHERE login = \(bind: login)").run()
            if let disabled = change.disabled {
                try await db.raw("UPDATE users SET disabled = \(bind: disabled ? 1 : 0) WHERE login = \(bind: login)").run()
                if disabled { try await db.raw("DELETE FROM sessions WHERE login = \(bind: login)").run() }
            }
            try await self.log(db, caller, action: "user-changed", org: org, target: "user:\(login)",
                               before: "\(user.name)｜\(user.role.chineseName)", after: "\(name)｜\(role.chineseName)"
                                   + (change.disabled.map { $0 ? "｜停用" : "｜启用" } ?? "") + (email.map { $0.isEmpty ? "｜删除邮箱" : "｜邮箱 \($0)" } ?? ""))
            return try await self.account(db, login)
        }
    }

    /// Lifts a lock-out at once.
    public func unlockUser(_ caller: Caller, login: String) async throws -> Account {
        try require(caller, .administer, "管理用户")
        return try await backend.write { db in
            let (_, org) = try await self.managedAccount(db, caller, login)
            try await db.raw("UPDATE users SET failures = 0, locked_until = 0 WHERE login = \(bind: login)").run()
            try await self.log(db, caller, action: "user-unlocked", org: org, target: "user:\(login)")
            return try await self.account(db, login)
        }
    }

    /// Gives a person a one-time password (shown once to the administrator) that must be changed at the
    /// next login; their sessions end and any lock-out is lifted.
    public func resetPassword(_ caller: Caller, login: String) async throws -> String {
        try require(caller, .administer, "管理用户")
        var secret = Self.randomHex(6)
        while (try? Passwords.check(secret, login: login)) == nil { secret = Self.randomHex(6) }
        let cost = settings.bcryptCost, password = secret
        let hash = try await offload { Bcrypt.hash(password, cost: cost) }
        try await backend.write { db in
            let (_, org) = try await self.managedAccount(db, caller, login)
            try await db.raw("""
                UPDATE users SET password_hash = \(bind: hash), must_change_password = 1, failures = 0, locked_until = 0 WHERE login = \(bind: login)
                """).run()
            try await db.raw("DELETE FROM sessions WHERE login = \(bind: login)").run()
            try await self.log(db, caller, action: "password-reset", org: org, target: "user:\(login)", detail: "一次性密码，下次登录须修改")
        }
        return secret
    }

    func account(_ db: any SQLDatabase, _ login: String) async throws -> Account {
        guard let row = try await db.raw("""
            SELECT u.login, u.name, u.role, u.org, u.disabled, u.locked_until, u.must_change_password, u.email, o.path
            FROM users u JOIN orgs o ON o.code = u.org WHERE u.login = \(bind: login)
            """).first() else { throw StoreError.notFound("没有登录名为“\(login)”的用户。") }
        return Account(user: try Self.user(row), disabled: try row.decode(column: "disabled", as: Int.self) != 0,
                       locked: try row.decode(column: "locked_until", as: Int.self) > Clock.epoch(),
                       mustChangePassword: try row.decode(column: "must_change_password", as: Int.self) != 0,
                       email: try row.decode(column: "email", as: String?.self))
    }

    /// The people of the caller's subtree with their account state (administrators' view).
    public func accounts(_ caller: Caller, paging: Paging) async throws -> Page<Account> {
        try require(caller, .seeAdministration, "查看用户")
        return try await backend.read { db in
            let total = try await db.raw("SELECT COUNT(*) AS n FROM users u JOIN orgs o ON o.code = u.org WHERE \(Subtree.sql("o.path", caller.user.orgPath, self.backend.dialect))")
                .first()?.decode(column: "n", as: Int.self) ?? 0
            let now = Clock.epoch()
            let rows = try await db.raw("""
                SELECT u.login, u.name, u.role, u.org, u.disabled, u.locked_until, u.must_change_password, u.email, o.path
                FROM users u JOIN orgs o ON o.code = u.org
                WHERE \(Subtree.sql("o.path", caller.user.orgPath, self.backend.dialect)) ORDER BY o.path, u.login LIMIT \(bind: paging.limit) OFFSET \(bind: paging.offset)
                """).all()
            let items = try rows.map { row in
                Account(user: try Self.user(row), disabled: try row.decode(column: "disabled", as: Int.self) != 0,
                        locked: try row.decode(column: "locked_until", as: Int.self) > now,
                        mustChangePassword: try row.decode(column: "must_change_password", as: Int.self) != 0,
                        email: try row.decode(column: "email", as: String?.self))
            }
            return Page(items: items, total: total, offset: paging.offset, limit: paging.limit)
        }
    }

    public func users(_ caller: Caller, paging: Paging) async throws -> Page<User> {
        try require(caller, .seeAdministration, "查看用户")
        return try await backend.read { db in
            let total = try await db.raw("SELECT COUNT(*) AS n FROM users u JOIN orgs o ON o.code = u.org WHERE \(Subtree.sql("o.path", caller.user.orgPath, self.backend.dialect))")
                .first()?.decode(column: "n", as: Int.self) ?? 0
            let rows = try await db.raw("""
                SELECT u.login, u.name, u.role, u.org, o.path FROM users u JOIN orgs o ON o.code = u.org
                WHERE \(Subtree.sql("o.path", caller.user.orgPath, self.backend.dialect)) ORDER BY o.path, u.login LIMIT \(bind: paging.limit) OFFSET \(bind: paging.offset)
                """).all()
            return Page(items: try rows.map(Self.user), total: total, offset: paging.offset, limit: paging.limit)
        }
    }

    // MARK: - Tasks

    public struct Task: Sendable, Codable, Equatable {
        public var year: Int
        /// 决算 or 预算 (a year may have one of each).
        public var kind: ReportKind = .finalAccounts
        public var layout: String
        public var catalogue: String
        /// The publication deadline, `YYYY-MM-DD`.
        public var deadline: String
        /// 单位负责人 must confirm (审核确认) a report before it can be submitted.
        public var signoff: Bool = true
    }

    public func setTask(_ caller: Caller, year: Int, kind: ReportKind = .finalAccounts, layout: String?, deadline: String,
                        signoff: Bool? = nil) async throws -> Task {
        try require(caller, .administer, "设置年度任务")
        guard caller.atRoot else {
            throw StoreError.forbidden("年度任务是整个辖区的设置，只有财政局（根节点）的管理员可以设立或修改。")
        }
        guard (2000...2100).contains(year) else { throw StoreError.invalid("年度“\(year)”不在 2000–2100 之间。") }
        let layouts = Self.layouts(kind)
        let layout = layout ?? layouts[0].id
        guard layouts.contains(where: { $0.id == layout }) else {
            throw StoreError.invalid("不认识的\(kind.documentName)版式“\(layout)”；可用：\(layouts.map { "\($0.id)（\($0.name)）" }.joined(separator: "、"))。")
        }
        guard Self.day(deadline) != nil else { throw StoreError.invalid("公开截止日期“\(deadline)”应写作 YYYY-MM-DD。") }
        let catalogue = catalogueVersion
        return try await backend.write { db in
            var task = Task(year: year, kind: kind, layout: layout, catalogue: catalogue, deadline: deadline)
            let old = try await db.raw("SELECT layout, deadline, signoff FROM tasks WHERE year = \(bind: year) AND kind = \(bind: kind.rawValue)").first()
            task.signoff = try signoff ?? old.map { try $0.decode(column: "signoff", as: Int.self) != 0 } ?? true
            let target = kind == .budget ? "task:\(year):budget" : "task:\(year)"
            if let old {
                try await db.raw("""
                    UPDATE tasks SET layout = \(bind: layout), deadline = \(bind: deadline), catalogue = \(bind: task.catalogue),
                      signoff = \(bind: task.signoff ? 1 : 0) WHERE year = \(bind: year) AND kind = \(bind: kind.rawValue)
                    """).run()
                try await self.log(db, caller, action: "task-changed", org: nil, target: target,
                                   before: "\(try old.decode(column: "layout", as: String.self))｜\(try old.decode(column: "deadline", as: String.self))",
                                   after: "\(layout)｜\(deadline)")
            } else {
                try await db.raw("""
                    INSERT INTO tasks (year, kind, layout, catalogue, deadline, created_at, signoff)
                    VALUES (\(bind: year), \(bind: kind.rawValue), \(bind: layout), \(bind: task.catalogue), \(bind: deadline), \(bind: Clock.stamp()),
                            \(bind: task.signoff ? 1 : 0))
                    """).run()
                try await self.log(db, caller, action: "task-created", org: nil, target: target, after: "\(layout)｜\(deadline)")
            }
            return task
        }
    }

    /// The layouts a task of `kind` may use (id and Chinese name), the default first.
    public static func layouts(_ kind: ReportKind) -> [(id: String, name: String)] {
        switch kind {
        case .finalAccounts: TableLayout.all.map { ($0.id, $0.name) }
        case .budget: BudgetLayout.shipped.map { ($0.id, $0.name) }
        }
    }

    /// Every task, newest year first (a year's 决算 before its 预算).
    public func tasks() async throws -> [Task] {
        try await backend.read { db in
            try await db.raw("SELECT year, kind, layout, catalogue, deadline, signoff FROM tasks ORDER BY year DESC, kind DESC").all().map(Self.task)
        }
    }

    func task(_ db: any SQLDatabase, _ year: Int, _ kind: ReportKind = .finalAccounts) async throws -> Task {
        guard let row = try await db.raw("""
            SELECT year, kind, layout, catalogue, deadline, signoff FROM tasks WHERE year = \(bind: year) AND kind = \(bind: kind.rawValue)
            """).first() else {
            throw StoreError.notFound("\(year) 年度的\(kind.documentName)任务尚未设立。")
        }
        return try Self.task(row)
    }

    static func task(_ row: any SQLRow) throws -> Task {
        Task(year: try row.decode(column: "year", as: Int.self),
             kind: ReportKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .finalAccounts,
             layout: try row.decode(column: "layout", as: String.self),
             catalogue: try row.decode(column: "catalogue", as: String.self), deadline: try row.decode(column: "deadline", as: String.self),
             signoff: try row.decode(column: "signoff", as: Int.self) != 0)
    }

    /// The start of day `text` (YYYY-MM-DD, a real date) in Beijing time (UTC+8, no daylight saving since
    /// 1991). Read by hand: it is asked on every inbox row, and a date formatter per call was slow.
    static func day(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = CivilTime.number(bytes, 0..<4), let month = CivilTime.number(bytes, 5..<7), let day = CivilTime.number(bytes, 8..<10),
              CivilTime.isReal(year: year, month: month, day: day) else { return nil }
        let days = CivilTime.days(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 - 8 * 3_600))
    }

    // MARK: - Audit log

    public struct AuditEntry: Sendable, Codable {
        public var id: Int
        public var at: String
        public var actor: String
        public var ip: String
        public var action: String
        public var org: String?
        public var target: String
        public var before: String?
        public var after: String?
        public var detail: String?
    }

    /// The audit log of the caller's subtree, newest first.
    public func auditLog(_ caller: Caller, action: String? = nil, actor: String? = nil, target: String? = nil,
                         paging: Paging) async throws -> Page<AuditEntry> {
        try require(caller, .seeAdministration, "查看审计日志")
        // The action may be named in Chinese ("上报") or by its code ("submit").
        let action = action.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : (AuditWords.code($0) ?? $0) }
        return try await backend.read { db in
            let filter: SQLQueryString = """
                (\(Subtree.sql("org_path", caller.user.orgPath, self.backend.dialect)) OR (org_path IS NULL AND \(bind: caller.user.orgPath.split(separator: "/").count) = 1))
                AND (CAST(\(bind: action) AS TEXT) IS NULL OR action = \(bind: action)) AND (CAST(\(bind: actor) AS TEXT) IS NULL OR actor = \(bind: actor))
                AND (CAST(\(bind: target) AS TEXT) IS NULL OR target = \(bind: target))
                """
            let total = try await db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE \(filter)").first()?.decode(column: "n", as: Int.self) ?? 0
            let rows = try await db.raw("""
                SELECT id, at, actor, ip, action, org, target, before, after, detail FROM audit_log WHERE \(filter)
                ORDER BY id DESC LIMIT \(bind: paging.limit) OFFSET \(bind: paging.offset)
                """).all()
            return Page(items: try rows.map(Self.auditEntry), total: total, offset: paging.offset, limit: paging.limit)
        }
    }

    static func auditEntry(_ row: any SQLRow) throws -> AuditEntry {
        AuditEntry(id: try row.decode(column: "id", as: Int.self), at: try row.decode(column: "at", as: String.self),
                   actor: try row.decode(column: "actor", as: String.self), ip: try row.decode(column: "ip", as: String.self),
                   action: try row.decode(column: "action", as: String.self), org: try row.decode(column: "org", as: String?.self),
                   target: try row.decode(column: "target", as: String.self), before: try row.decode(column: "before", as: String?.self),
                   after: try row.decode(column: "after", as: String?.self), detail: try row.decode(column: "detail", as: String?.self))
    }
}

/// Every row problem of a refused organisation import.
public struct OrgImportError: Error, Sendable {
    public var filename: String
    public var problems: [Cycle.RowProblem]

    public var storeError: StoreError {
        let lines = problems.prefix(20).map { "第 \($0.line) 行“\($0.value.prefix(60))”：\($0.reason)" }
        return StoreError.invalid("“\(filename)”有 \(problems.count) 行无法导入，全部未导入。" + lines.joined(separator: "；")
                                  + (problems.count > 20 ? "……" : ""))
    }
}

extension Cycle {
    /// GB18030 (a superset of GBK), as Foundation numbers it (kCFStringEncodingGB_18030_2000).
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)
}

/// Rows of an organisation sheet: CSV (UTF-8 or GB18030) or the first sheet of an XLSX, header row skipped.
enum OrgSheet {
    static func rows(_ bytes: Data, filename: String, header words: [String] = ["单位编码", "编码"],
                     expected: String = "单位编码,名称,上级编码,类型") throws -> [(Int, [String])] {
        let limits = UploadLimits()
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            _ = try Uploads.checkedEntries(bytes, name: filename, limits: limits)
            let grid: [[String]]
            do { grid = try WorkbookReader.firstSheetGrid(bytes, name: filename) } catch {
                throw StoreError.unsupported("“\(filename)”无法作为 Excel 工作簿读取：\(error)")
            }
            return grid.enumerated().dropFirst().compactMap { index, row in
                row.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } ? nil : (index + 1, row)
            }
        }
        // UTF-8 (with or without BOM), or GB18030 — what Excel on Chinese Windows saves as “CSV”.
        guard var text = String(data: bytes, encoding: .utf8) ?? String(data: bytes, encoding: Cycle.gb18030) else {
            throw StoreError.unsupported("“\(filename)”不是 UTF-8 或 GB18030（GBK）编码的 CSV，也不是 XLSX 工作簿。")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        guard let header = lines.first, words.contains(where: { header.contains($0) }) else {
            throw StoreError.invalid("“\(filename)”第 1 行应为表头“\(expected)”。")
        }
        var out: [(Int, [String])] = []
        for (index, line) in lines.enumerated().dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            out.append((index + 1, CSVLine.split(String(line))))
        }
        return out
    }
}

/// A minimal CSV line splitter (quotes, doubled quotes).
enum CSVLine {
    static func split(_ line: String) -> [String] {
        var cells: [String] = [], current = "", quoted = false
        var iterator = Array(line.trimmingCharacters(in: CharacterSet(charactersIn: "\r"))).makeIterator()
        var pending: Character? = nil
        while let char = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if char == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { current.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else { current.append(char) }
            } else if char == "\"" { quoted = true } else if char == "," { cells.append(current); current = "" } else { current.append(char) }
        }
        cells.append(current)
        return cells
    }
}
