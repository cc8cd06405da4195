import Foundation
import SQLKit
import HummingbirdBcrypt

/// People imported from a sheet (登录名, 姓名, 角色, 单位编码, 电子邮箱), all or none: every row is checked
/// first (the same rules as creating one person), and each person gets a one-time password that must be
/// changed at the first login, shown once to the administrator who imported them.
extension Cycle {
    public struct CreatedUser: Sendable, Codable, Equatable {
        public var login: String
        public var name: String
        public var role: Role
        public var org: String
        /// The one-time password (shown once, kept nowhere).
        public var password: String
    }

    public struct UserImportResult: Sendable, Codable, Equatable {
        public var created: [CreatedUser]
    }

    /// At most this many people in one file (each needs a bcrypt hash).
    public static let userImportLimit = 500
}

extension People {
    public func importUsers(_ caller: Caller, bytes: Data, filename: String) async throws -> Cycle.UserImportResult {
        try require(caller, .administer, "导入用户")
        let rows = try OrgSheet.rows(bytes, filename: filename, header: ["登录名"], expected: "登录名,姓名,角色,单位编码,电子邮箱")
        guard rows.count <= Cycle.userImportLimit else {
            throw StoreError.invalid("“\(filename)”有 \(rows.count) 行，一次最多导入 \(Cycle.userImportLimit) 人；请分成几个文件。")
        }
        var problems: [Cycle.RowProblem] = []
        var incoming: [(line: Int, login: String, name: String, role: Role, org: String, email: String)] = []
        var seen: [String: Int] = [:]
        let (orgs, logins): ([String: Org], Set<String>) = try await backend.read { db in
            var orgs: [String: Org] = [:]
            for row in try await db.raw("SELECT \(OrgRecord.columns()) FROM orgs").all() {
                let org = try OrgRecord(row).org
                orgs[org.code] = org
            }
            let logins = Set(try await db.raw("SELECT login FROM users").all().map { try $0.decode(column: "login", as: String.self) })
            return (orgs, logins)
        }
        for (line, cells) in rows {
            let cell = { (index: Int) in index < cells.count ? cells[index].trimmingCharacters(in: .whitespaces) : "" }
            let login = cell(0), name = cell(1), roleText = cell(2), code = cell(3), email = cell(4)
            guard Cycle.isCode(login) else {
                problems.append(Cycle.RowProblem(line: line, value: login, reason: "登录名应为 1–40 位字母、数字或 . _ -")); continue
            }
            if let first = seen[login] { problems.append(Cycle.RowProblem(line: line, value: login, reason: "登录名与第 \(first) 行重复")); continue }
            seen[login] = line
            if logins.contains(login) { problems.append(Cycle.RowProblem(line: line, value: login, reason: "登录名已被使用")); continue }
            if name.isEmpty || name.count > 100 { problems.append(Cycle.RowProblem(line: line, value: name, reason: "姓名不能为空，且不超过 100 字")); continue }
            if let problem = TextInput.problem(name, "姓名") { problems.append(Cycle.RowProblem(line: line, value: "", reason: problem)); continue }
            guard let role = Role(rawValue: roleText) ?? Role.allCases.first(where: { $0.chineseName == roleText }) else {
                problems.append(Cycle.RowProblem(line: line, value: roleText,
                                           reason: "角色应为 " + Role.allCases.map(\.chineseName).joined(separator: "、"))); continue
            }
            guard let org = orgs[code], caller.sees(org.path) else {
                problems.append(Cycle.RowProblem(line: line, value: code, reason: "单位编码不在系统中或不在您的管辖范围内")); continue
            }
            if let refusal = Cycle.grant(caller, role: role, at: org) { problems.append(Cycle.RowProblem(line: line, value: roleText, reason: refusal.detail)); continue }
            do { try Cycle.checkEmail(email) } catch let error as StoreError {
                problems.append(Cycle.RowProblem(line: line, value: email, reason: error.detail)); continue
            }
            incoming.append((line, login, name, role, code, email))
        }
        if !problems.isEmpty { throw OrgImportError(filename: filename, problems: problems) }
        guard !incoming.isEmpty else { throw StoreError.invalid("“\(filename)”除表头外没有用户。") }
        // One-time passwords, hashed off the event loop.
        let cost = settings.bcryptCost
        var prepared: [(row: (line: Int, login: String, name: String, role: Role, org: String, email: String), password: String, hash: String)] = []
        for row in incoming {
            var secret = Cycle.randomHex(6)
            while (try? Passwords.check(secret, login: row.login)) == nil { secret = Cycle.randomHex(6) }
            let password = secret
            prepared.append((row, password, try await offload { Bcrypt.hash(password, cost: cost) }))
        }
        let ready = prepared
        return try await backend.write { db in
            var created: [Cycle.CreatedUser] = []
            for (row, password, hash) in ready {
                // Checked again in the writing transaction: a person or an organisation may have changed meanwhile.
                let org = try await self.visibleOrg(db, caller, row.org)
                if let refusal = Cycle.grant(caller, role: row.role, at: org) { throw refusal }
                if try await db.raw("SELECT login FROM users WHERE login = \(bind: row.login)").first() != nil {
                    throw StoreError.conflict("登录名“\(row.login)”已被使用（第 \(row.line) 行），全部未导入。")
                }
                try await db.raw("""
                    INSERT INTO users (login, name, role, org, password_hash, created_at, must_change_password, email)
                    VALUES (\(bind: row.login), \(bind: row.name), \(bind: row.role.rawValue), \(bind: org.code), \(bind: hash), \(bind: Clock.stamp()), 1,
                            \(bind: row.email.isEmpty ? nil : row.email))
                    """).run()
                try await self.log(db, caller, action: "user-created", org: org, target: "user:\(row.login)",
                                   after: "\(row.name)｜\(row.role.chineseName)｜\(org.code)", detail: "导入（\(filename)）")
                created.append(Cycle.CreatedUser(login: row.login, name: row.name, role: row.role, org: org.code, password: password))
            }
            return Cycle.UserImportResult(created: created)
        }
    }
}
