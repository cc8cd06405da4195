import Foundation
import HummingbirdBcrypt
import Juesuan
import JuesuanLedger
import JuesuanXLSX
import SQLKit

/// A demo jurisdiction: a 财政局, three 主管部门, the Jianghan example unit and synthetic units with
/// checked versions, one user per role.
extension Cycle {
    public struct DemoLogin: Sendable, Codable {
        public var login: String
        public var role: Role
        public var org: String
        public var password: String
    }

    public struct DemoSummary: Sendable {
        public var year: Int
        public var units: Int
        public var logins: [DemoLogin]
        /// The unit whose report the walk-through uses.
        public var exampleOrg: String
    }

    public static let demoRoot = "420103"
    public static let demoExample = "420103001001"

    /// Loads the demo into an empty store. `synthetic` units are spread over the three 主管部门;
    /// `password` (tests) fixes every password, otherwise each is random.
    public func loadDemo(synthetic: Int = 300, password: String? = nil, jianghanName: String = "武汉市江汉区人民政府办公室") async throws -> DemoSummary {
        let year = 2021
        let pass = { () -> String in
            if let password { return password }
            while true {
                let secret = Self.randomHex(6)
                if (try? Passwords.check(secret, login: "")) != nil { return secret }
            }
        }
        let adminPassword = pass()
        try await organisation.bootstrap(root: Org(code: Self.demoRoot, name: "武汉市江汉区财政局", parent: nil, kind: .bureau, path: "/\(Self.demoRoot)/"),
                           admin: "admin", name: "系统管理员", password: adminPassword)
        let admin = try await session(afterLogin: "admin")
        let caller = Caller(user: admin, ip: "demo")
        let departments = [("420103001", "武汉市江汉区人民政府办公室（主管部门）"), ("420103002", "武汉市江汉区教育局"), ("420103003", "武汉市江汉区卫生健康局")]
        var csv = "单位编码,名称,上级编码,类型\n"
        for (code, name) in departments { csv += "\(code),\(name),\(Self.demoRoot),主管部门\n" }
        csv += "\(Self.demoExample),\(jianghanName),\(departments[0].0),单位\n"
        let synthesizer = Synthesizer(seed: 2021, year: year, catalog: catalog)
        var units: [(String, Int)] = []
        for index in 0..<synthetic {
            let department = departments[index % departments.count].0
            let code = department + String(format: "%03d", 100 + index / departments.count)
            units.append((code, index))
            csv += "\(code),\(synthesizer.name(index).replacingOccurrences(of: ",", with: "，")),\(department),单位\n"
        }
        _ = try await organisation.importOrgs(caller, bytes: Data(csv.utf8), filename: "演示组织机构.csv")
        let deadline = Date(timeIntervalSinceNow: 30 * 86_400)
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        _ = try await schedule.setTask(caller, year: year, layout: nil, deadline: formatter.string(from: deadline))
        var logins = [DemoLogin(login: "admin", role: .admin, org: Self.demoRoot, password: adminPassword)]
        for (login, name, role, org) in [("caizheng", "财政审核员", Role.finance, Self.demoRoot), ("zhuguan", "主管部门审核员", .reviewer, departments[0].0),
                                         ("tianbao", "单位填报员", .filler, Self.demoExample), ("fuzeren", "单位负责人", .head, Self.demoExample),
                                         ("chakan", "审计局（只读）", .readonly, Self.demoRoot)] {
            let secret = pass()
            _ = try await people.createUser(caller, NewUser(login: login, name: name, role: role, org: org, password: secret))
            logins.append(DemoLogin(login: login, role: role, org: org, password: secret))
        }
        // Synthetic units: each with a checked first version; a third of them already 上报.
        let catalog = catalog, rules = rules
        // The demo acts as the people of each unit and of its 主管部门, so every rule of authority holds for it too.
        @Sendable func loaderOf(_ org: Org) -> Caller {
            Caller(user: User(login: "demo", name: "演示数据", role: .filler, org: org.code, orgPath: org.path), ip: "demo")
        }
        @Sendable func headOf(_ org: Org) -> Caller {
            Caller(user: User(login: "demo-head", name: "演示负责人", role: .head, org: org.code, orgPath: org.path), ip: "demo")
        }
        @Sendable func reviewerOf(_ org: Org) -> Caller {
            let parentPath = "/" + org.path.split(separator: "/").dropLast().joined(separator: "/") + "/"
            return Caller(user: User(login: "demo-review", name: "演示审核", role: .reviewer, org: org.parent ?? Self.demoRoot,
                                     orgPath: parentPath), ip: "demo")
        }
        // Units are checked a chunk ahead (both cores) while the chunk before is stored, each chunk in one
        // transaction (`batch`): every operation below keeps its rules and audit lines, one commit per chunk.
        let chunkSize = 250, planned = units
        @Sendable func prepare(_ chunk: Int) async throws -> [DemoUnit] {
            let slice = Array(planned[chunk..<min(planned.count, chunk + chunkSize)])
            return try await offload { () throws -> [DemoUnit] in
                Parallel.map(slice.count) { index -> DemoUnit? in
                    let (code, number) = slice[index]
                    var ledger = synthesizer.ledger(number)
                    ledger.unit = synthesizer.name(number)
                    guard let disclosure = try? LedgerDerivation.disclosure(ledger, catalog: catalog) else { return nil }
                    return DemoUnit(code: code, findings: Engine.check(disclosure, rules: rules, catalog: catalog),
                                    dataset: Cycle.compact(disclosure), summary: Summary.encode(disclosure))
                }.compactMap { $0 }
            }
        }
        var upcoming: _Concurrency.Task<[DemoUnit], any Error>? = units.isEmpty ? nil : .init { try await prepare(0) }
        for chunk in stride(from: 0, to: units.count, by: chunkSize) {
            guard let prepared = try await upcoming?.value else { break }
            upcoming = chunk + chunkSize < units.count ? .init { try await prepare(chunk + chunkSize) } : nil
            try await backend.batch {
                for (offset, unit) in prepared.enumerated() {
                    let (code, findings) = (unit.code, unit.findings)
                    guard let org = try await self.backend.read({ db in try await self.org(db, code) }) else { continue }
                    let loader = loaderOf(org), reviewer = reviewerOf(org)
                    let number = try await self.reports.insertVersion(loader, org: org, year: year, report: .finalAccounts, kind: .ledger,
                                                              filename: "演示明细.csv", content: Data(unit.dataset.utf8), dataset: unit.dataset,
                                                              summary: unit.summary, findings: findings)
                    // Some units are further along: warnings explained and 上报; some of those already approved.
                    let index = chunk + offset
                    if index % 3 == 0, findings.count(.error) == 0 {
                        let warnings = StoredFinding.keyed(findings).filter { $0.severity == .warning }
                            .map { (key: $0.key, text: "经核实，数字无误（演示说明）。") }
                        _ = try await self.reports.explain(loader, year: year, org: code, version: number, warnings)
                        _ = try await self.reports.confirm(headOf(org), year: year, org: code, revision: nil)
                        _ = try await self.reports.transition(loader, year: year, org: code, TransitionRequest(action: .submit))
                        if index % 9 == 0 { _ = try await self.reports.transition(reviewer, year: year, org: code, TransitionRequest(action: .approve)) }
                    }
                }
            }
        }
        return DemoSummary(year: year, units: synthetic + 1, logins: logins, exampleOrg: Self.demoExample)
    }

    /// A synthetic unit made ready off the store: its checked dataset as stored.
    struct DemoUnit: Sendable {
        var code: String
        var findings: [Finding]
        var dataset: String
        var summary: String
    }

    func session(afterLogin login: String) async throws -> User {
        try await backend.read { db in
            guard let row = try await db.raw("""
                SELECT \(UserRecord.columns()) FROM users u JOIN orgs o ON o.code = u.org WHERE u.login = \(bind: login)
                """).first() else { throw StoreError.notFound("没有用户 \(login)。") }
            return try UserRecord(row).user
        }
    }
}
