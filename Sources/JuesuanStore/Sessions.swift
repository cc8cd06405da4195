import Crypto
import Foundation
import HummingbirdBcrypt
import Juesuan
import SQLKit

extension Sessions {
    /// Logs in with a password. Every attempt is counted before its password is checked, in one
    /// transaction per account and per address, so attempts sent in parallel cannot exceed the limits:
    /// an account takes at most `lockAfter` password checks before it is locked, an address at most
    /// `ipFailures` failures within its window. Failures are recorded in the audit log.
    public func login(login: String, password: String, ip: String) async throws -> Cycle.Login {
        let now = Clock.epoch()
        let settings = settings
        // Bounds before any work: no bcrypt, no database row for a name no account can have.
        let plausible = Cycle.isCode(login) && password.utf8.count <= Passwords.maximumAttemptBytes && !password.isEmpty
        let actor = Cycle.isCode(login) ? login : "（无效登录名）"
        struct Candidate: Sendable { var user: User; var hash: String }
        enum Gate: Sendable { case addressRefused, locked, check(Candidate?) }
        let gate: Gate = try await backend.write { db in
            // The address: failures within the window, counted ahead of the check.
            try await db.raw("""
                INSERT INTO login_throttle (ip, failures, window_start) VALUES (\(bind: ip), 0, \(bind: now)) ON CONFLICT (ip) DO NOTHING
                """).run()
            let cutoff = now - settings.ipWindowSeconds
            let failures = try await db.raw("""
                UPDATE login_throttle SET failures = CASE WHEN window_start < \(bind: cutoff) THEN 1 ELSE failures + 1 END,
                  window_start = CASE WHEN window_start < \(bind: cutoff) THEN \(bind: now) ELSE window_start END
                WHERE ip = \(bind: ip) RETURNING failures
                """).first()?.decode(column: "failures", as: Int.self) ?? 0
            if failures > settings.ipFailures { return .addressRefused }
            guard plausible else { return .check(nil) }
            // The account: this attempt is counted first, by one UPDATE that takes the row's lock, so
            // parallel attempts each see the count of those before them; past the limit it locks.
            guard let counted = try await db.raw("""
                UPDATE users SET failures = failures + 1
                WHERE login = \(bind: login) AND locked_until <= \(bind: now) AND disabled = 0 RETURNING failures
                """).first() else {
                let exists = try await db.raw("SELECT login FROM users WHERE login = \(bind: login)").first() != nil
                return exists ? .locked : .check(nil)
            }
            guard let row = try await db.raw("""
                SELECT \(UserRecord.columns()), u.password_hash FROM users u JOIN orgs o ON o.code = u.org
                WHERE u.login = \(bind: login)
                """).first() else { return .check(nil) }
            if try counted.decode(column: "failures", as: Int.self) > settings.lockAfter {
                try await db.raw("""
                    UPDATE users SET failures = 0, locked_until = \(bind: now + settings.lockSeconds) WHERE login = \(bind: login)
                    """).run()
                try await self.log(db, actor: login, ip: ip, action: "account-locked", org: try row.decode(column: "org", as: String.self),
                                   orgPath: try row.decode(column: "path", as: String.self), target: "user:\(login)",
                                   detail: "连续 \(settings.lockAfter) 次密码错误，锁定 \(settings.lockSeconds / 60) 分钟")
                return .locked
            }
            return .check(Candidate(user: try UserRecord(row).user, hash: try row.decode(column: "password_hash", as: String.self)))
        }
        let candidate: Candidate?
        switch gate {
        case .addressRefused:
            throw StoreError.tooMany("此地址登录失败次数过多，请 \(settings.ipWindowSeconds / 60) 分钟后再试。")
        case .locked:
            try await backend.write { db in
                try await self.log(db, actor: actor, ip: ip, action: "login-failed", org: nil, orgPath: nil, target: "user:\(actor)",
                                   detail: "账户已锁定或停用")
            }
            throw StoreError.unauthenticated(Cycle.loginRefused)
        case .check(let found):
            candidate = found
        }
        // Verified against a dummy hash when the login does not exist, so that timing does not tell.
        let hash = candidate?.hash ?? dummyHash
        let matches = password.utf8.count <= Passwords.maximumAttemptBytes
            ? try await offload { Bcrypt.verify(password, hash: hash) } : false
        let token = Cycle.randomHex(32), csrf = Cycle.randomHex(16)
        let expires = now + settings.sessionSeconds
        let lockAfter = settings.lockAfter, lockSeconds = settings.lockSeconds
        let succeeded: Bool = try await backend.write { db in
            if let candidate, matches {
                // Still not locked (a parallel attempt may have locked it meanwhile): then the session.
                guard try await db.raw("""
                    UPDATE users SET failures = 0 WHERE login = \(bind: login) AND locked_until <= \(bind: now) AND disabled = 0 RETURNING login
                    """).first() != nil else {
                    try await self.log(db, actor: actor, ip: ip, action: "login-failed", org: nil, orgPath: nil, target: "user:\(actor)",
                                       detail: "账户已锁定或停用")
                    return false
                }
                // A correct password is not a failure of the address.
                try await db.raw("UPDATE login_throttle SET failures = failures - 1 WHERE ip = \(bind: ip) AND failures > 0").run()
                try await db.raw("DELETE FROM sessions WHERE expires_at < \(bind: now)").run()
                try await db.raw("""
                    INSERT INTO sessions (token_hash, login, csrf, created_at, expires_at)
                    VALUES (\(bind: Cycle.hashToken(token)), \(bind: login), \(bind: csrf), \(bind: now), \(bind: expires))
                    """).run()
                try await self.log(db, actor: login, ip: ip, action: "login", org: candidate.user.org, orgPath: candidate.user.orgPath,
                                   target: "user:\(login)")
                return true
            }
            if let candidate {
                // The failure was counted before the check; the one that reaches the limit locks at once.
                if try await db.raw("""
                    UPDATE users SET failures = 0, locked_until = \(bind: now + lockSeconds)
                    WHERE login = \(bind: login) AND failures >= \(bind: lockAfter) AND locked_until <= \(bind: now) RETURNING login
                    """).first() != nil {
                    try await self.log(db, actor: login, ip: ip, action: "account-locked", org: candidate.user.org, orgPath: candidate.user.orgPath,
                                       target: "user:\(login)", detail: "连续 \(lockAfter) 次密码错误，锁定 \(lockSeconds / 60) 分钟")
                }
            }
            try await self.log(db, actor: actor, ip: ip, action: "login-failed", org: candidate?.user.org,
                               orgPath: candidate?.user.orgPath, target: "user:\(actor)",
                               detail: candidate == nil ? "登录名不存在或无效" : "密码错误")
            return false
        }
        guard succeeded, let candidate else { throw StoreError.unauthenticated(Cycle.loginRefused) }
        return Cycle.Login(token: token, csrf: csrf, user: candidate.user, expiresAt: expires)
    }

    /// The live session of `token` (nil when unknown, expired, or its person disabled).
    public func session(token: String) async throws -> Cycle.Session? {
        let now = Clock.epoch()
        return try await backend.read { db in
            guard let row = try await db.raw("""
                SELECT \(UserRecord.columns()), s.csrf, s.flash, u.must_change_password FROM sessions s
                JOIN users u ON u.login = s.login JOIN orgs o ON o.code = u.org
                WHERE s.token_hash = \(bind: Cycle.hashToken(token)) AND s.expires_at > \(bind: now) AND u.disabled = 0
                """).first() else { return nil }
            return Cycle.Session(user: try UserRecord(row).user, csrf: try row.decode(column: "csrf", as: String.self),
                           flash: try row.decode(column: "flash", as: String?.self),
                           mustChangePassword: try row.decode(column: "must_change_password", as: Int.self) != 0)
        }
    }

    /// Keeps a notice with the session, shown once on the next page (never taken from a URL).
    public func setFlash(token: String, _ text: String) async throws {
        let text = String(text.prefix(500))
        try await backend.write { db in
            try await db.raw("UPDATE sessions SET flash = \(bind: text) WHERE token_hash = \(bind: Cycle.hashToken(token))").run()
        }
    }

    /// Clears the notice of a session once it has been shown.
    public func clearFlash(token: String) async throws {
        try await backend.write { db in
            try await db.raw("UPDATE sessions SET flash = NULL WHERE token_hash = \(bind: Cycle.hashToken(token)) AND flash IS NOT NULL").run()
        }
    }

    public func logout(token: String, caller: Caller) async throws {
        try await backend.write { db in
            try await db.raw("DELETE FROM sessions WHERE token_hash = \(bind: Cycle.hashToken(token))").run()
            try await self.log(db, caller, action: "logout", org: nil, target: "user:\(caller.user.login)")
        }
    }

    /// Changes the caller's password and ends every other session of theirs (the one in `keeping`,
    /// the session asking, stays).
    public func changePassword(_ caller: Caller, current: String, new: String, keeping token: String? = nil) async throws {
        try Passwords.check(new, login: caller.user.login)
        guard current.utf8.count <= Passwords.maximumAttemptBytes else { throw StoreError.forbidden("当前密码不正确。") }
        let hash = try await backend.read { db in
            try await db.raw("SELECT password_hash FROM users WHERE login = \(bind: caller.user.login)").first()?
                .decode(column: "password_hash", as: String.self)
        }
        guard let hash, try await offload({ Bcrypt.verify(current, hash: hash) }) else {
            throw StoreError.forbidden("当前密码不正确。")
        }
        let cost = settings.bcryptCost
        let newHash = try await offload { Bcrypt.hash(new, cost: cost) }
        let kept = token.map(Cycle.hashToken) ?? ""
        try await backend.write { db in
            try await db.raw("""
                UPDATE users SET password_hash = \(bind: newHash), must_change_password = 0 WHERE login = \(bind: caller.user.login)
                """).run()
            try await db.raw("DELETE FROM sessions WHERE login = \(bind: caller.user.login) AND token_hash <> \(bind: kept)").run()
            try await self.log(db, caller, action: "password-changed", org: nil, target: "user:\(caller.user.login)",
                               detail: "其他会话已结束")
        }
    }
}
