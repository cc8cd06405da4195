import Foundation
import HummingbirdBcrypt
import Juesuan
import JuesuanXLSX
import SQLKit

/// What 管理员 keeps: the value types of organisation imports and accounts, who may grant what, and the
/// `People` feature (accounts created, changed, unlocked, reset, listed).
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
}

extension People {
    public func createUser(_ caller: Caller, _ new: Cycle.NewUser) async throws -> User {
        try require(caller, .administer, "管理用户")
        guard Cycle.isCode(new.login) else { throw StoreError.invalid("登录名“\(new.login.prefix(60))”应为 1–40 位字母、数字或 . _ -。") }
        guard !new.name.trimmingCharacters(in: .whitespaces).isEmpty, new.name.count <= 100 else { throw StoreError.invalid("姓名不能为空，且不超过 100 字。") }
        try TextInput.check(new.name, "姓名")
        try Passwords.check(new.password, login: new.login)
        let target = try await backend.read { db in try await self.visibleOrg(db, caller, new.org) }
        if let refusal = Cycle.grant(caller, role: new.role, at: target) { throw refusal }
        let cost = settings.bcryptCost
        let password = new.password
        let hash = try await offload { Bcrypt.hash(password, cost: cost) }
        return try await backend.write { db in
            let org = try await self.visibleOrg(db, caller, new.org)
            // Checked again in the writing transaction: the organisation may have been retyped meanwhile.
            if let refusal = Cycle.grant(caller, role: new.role, at: org) { throw refusal }
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

    /// The person `login`, when `caller` may manage them (the same rule as creating them: an
    /// administrator of the root, or one above their node); never oneself.
    func managedAccount(_ db: any SQLDatabase, _ caller: Caller, _ login: String) async throws -> (User, Org) {
        guard Cycle.isCode(login), let row = try await db.raw("""
            SELECT \(UserRecord.columns()) FROM users u JOIN orgs o ON o.code = u.org WHERE u.login = \(bind: login)
            """).first() else { throw StoreError.notFound("没有登录名为“\(login.prefix(40))”的用户。") }
        let user = try UserRecord(row).user
        guard let org = try await self.org(db, user.org) else { throw StoreError.notFound("用户“\(login)”的单位不存在。") }
        guard caller.sees(org.path) else { throw StoreError.forbidden("用户“\(login)”不在您的管辖范围内。") }
        if let refusal = Cycle.grant(caller, role: user.role, at: org) { throw refusal }
        guard user.login != caller.user.login else { throw StoreError.conflict("不能在这里改自己的账户（修改自己的密码请用“修改密码”）。") }
        return (user, org)
    }

    /// Changes a person's name, role or whether they may log in; disabling ends their sessions.
    public func updateUser(_ caller: Caller, login: String, _ change: Cycle.UserChange) async throws -> Cycle.Account {
        try require(caller, .administer, "管理用户")
        if let name = change.name {
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 100 else { throw StoreError.invalid("姓名不能为空，且不超过 100 字。") }
            try TextInput.check(name, "姓名")
        }
        let email = change.email?.trimmingCharacters(in: .whitespaces)
        if let email { try Cycle.checkEmail(email) }
        return try await backend.write { db in
            let (user, org) = try await self.managedAccount(db, caller, login)
            if let email {
                try await db.raw("UPDATE users SET email = \(bind: email.isEmpty ? nil : email) WHERE login = \(bind: login)").run()
            }
            if let role = change.role, let refusal = Cycle.grant(caller, role: role, at: org) { throw refusal }
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
    public func unlockUser(_ caller: Caller, login: String) async throws -> Cycle.Account {
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
        var secret = Cycle.randomHex(6)
        while (try? Passwords.check(secret, login: login)) == nil { secret = Cycle.randomHex(6) }
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

    func account(_ db: any SQLDatabase, _ login: String) async throws -> Cycle.Account {
        guard let row = try await db.raw("""
            SELECT \(AccountRecord.columns()) FROM users u JOIN orgs o ON o.code = u.org WHERE u.login = \(bind: login)
            """).first() else { throw StoreError.notFound("没有登录名为“\(login)”的用户。") }
        return try AccountRecord(row).account(now: Clock.epoch())
    }

    /// The people of the caller's subtree with their account state (administrators' view).
    public func accounts(_ caller: Caller, paging: Paging) async throws -> Page<Cycle.Account> {
        try require(caller, .seeAdministration, "查看用户")
        return try await backend.read { db in
            let total = try await db.raw("SELECT COUNT(*) AS n FROM users u JOIN orgs o ON o.code = u.org WHERE \(Subtree.sql("o.path", caller.user.orgPath, self.backend.dialect))")
                .first()?.decode(column: "n", as: Int.self) ?? 0
            let now = Clock.epoch()
            let rows = try await db.raw("""
                SELECT \(AccountRecord.columns()) FROM users u JOIN orgs o ON o.code = u.org
                WHERE \(Subtree.sql("o.path", caller.user.orgPath, self.backend.dialect)) ORDER BY o.path, u.login LIMIT \(bind: paging.limit) OFFSET \(bind: paging.offset)
                """).all()
            let items = try rows.map { try AccountRecord($0).account(now: now) }
            return Page(items: items, total: total, offset: paging.offset, limit: paging.limit)
        }
    }

    public func users(_ caller: Caller, paging: Paging) async throws -> Page<User> {
        try require(caller, .seeAdministration, "查看用户")
        return try await backend.read { db in
            let total = try await db.raw("SELECT COUNT(*) AS n FROM users u JOIN orgs o ON o.code = u.org WHERE \(Subtree.sql("o.path", caller.user.orgPath, self.backend.dialect))")
                .first()?.decode(column: "n", as: Int.self) ?? 0
            let rows = try await db.raw("""
                SELECT \(UserRecord.columns()) FROM users u JOIN orgs o ON o.code = u.org
                WHERE \(Subtree.sql("o.path", caller.user.orgPath, self.backend.dialect)) ORDER BY o.path, u.login LIMIT \(bind: paging.limit) OFFSET \(bind: paging.offset)
                """).all()
            return Page(items: try rows.map { try UserRecord($0).user }, total: total, offset: paging.offset, limit: paging.limit)
        }
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
