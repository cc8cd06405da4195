import Foundation
import HTTPTypes
import HummingbirdTesting
import Juesuan
import JuesuanServer
import JuesuanStore
import JuesuanTestSupport
import Testing

/// Every role × every route × own subtree / other subtree, generated from the route table, against
/// an expectation written here independently of the server's code.
@Suite("serve: authorisation") struct AuthorizationTests {
    /// Who may call each operation on their own subtree. `subtree`: a person of the same role in
    /// another subtree is refused (the route names an organisation, a report or a batch there).
    static let expected: [String: (roles: Set<Role>, subtree: Bool)] = [
        "me": (Set(Role.allCases), false),
        "logout": (Set(Role.allCases), false),
        "changePassword": (Set(Role.allCases), false),
        "listTasks": (Set(Role.allCases), false),
        "setTask": ([.admin], true),
        "listOrgs": (Set(Role.allCases), false),
        "importOrgs": ([.admin], false),
        "importUsers": ([.admin], false),
        "listUsers": ([.admin, .readonly], false),
        "createUser": ([.admin], true),
        "updateUser": ([.admin], true),
        "unlockUser": ([.admin], true),
        "resetPassword": ([.admin], true),
        "inbox": (Set(Role.allCases), false),
        "progress": (Set(Role.allCases), false),
        "getReport": (Set(Role.allCases), true),
        "listVersions": (Set(Role.allCases), true),
        "uploadVersion": ([.filler, .head], true),
        "getFindings": (Set(Role.allCases), true),
        "getDataset": (Set(Role.allCases), true),
        "explain": ([.filler, .head], true),
        "recheck": ([.filler, .head], true),
        // The 主管部门's own report: its reviewer (units' people do not see the 主管部门).
        "consolidate": ([.reviewer], true),
        "consolidated": ([.reviewer, .finance, .admin, .readonly], true),
        "compare": (Set(Role.allCases), true),
        "transition": ([.reviewer, .finance], true),
        "confirmReport": ([.head], true),
        "auditLog": ([.admin, .readonly], false),
        "listBatches": ([.reviewer, .finance, .admin, .readonly], false),
        "createBatch": ([.reviewer, .finance, .admin], false),
        "getBatch": ([.reviewer, .finance, .admin, .readonly], true),
        "addBatchFile": ([.reviewer, .finance, .admin], true),
        "exportBatch": ([.reviewer, .finance, .admin, .readonly], true),
    ]

    /// Where each role's people sit: own = above or at the example unit; other = the second 主管部门.
    static func org(_ role: Role, own: Bool) -> String {
        switch (role, own) {
        case (.filler, true), (.head, true): Cycle.demoExample
        case (.reviewer, true): "420103001"
        case (_, true): Cycle.demoRoot
        case (.filler, false), (.head, false): "420103002100"
        case (.finance, false): "420199"
        case (_, false): "420103002"
        }
    }

    @Test("every role × every route × own / other subtree")
    func matrix() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 6)
        let cycle = harness.cycle
        let adminLogin = try await cycle.sessions.login(login: "admin", password: Harness.password, ip: "test")
        let admin = Caller(user: adminLogin.user, ip: "test")
        // A second 财政局 beside the first's subtree for the 财政 person of "another subtree" (财政 roles
        // exist only at a 财政局).
        _ = try await cycle.organisation.importOrgs(admin, bytes: Data("单位编码,名称,上级编码,类型\n420199,另一财政局,\(Cycle.demoRoot),财政局\n".utf8),
                                       filename: "orgs.csv")
        for role in Role.allCases {
            for own in [true, false] {
                _ = try await cycle.people.createUser(admin, .init(login: "\(role.rawValue)-\(own ? "own" : "other")", name: "测试", role: role,
                                                            org: Self.org(role, own: own), password: Harness.password))
            }
        }
        // A batch of the first 主管部门: its reviewer and the bureau see it, the second 主管部门 does not.
        let reviewer = Caller(user: try await cycle.sessions.login(login: "zhuguan", password: Harness.password, ip: "test").user, ip: "test")
        let batch = try await cycle.batchAudits.createBatch(reviewer, year: 2021, name: "测试批次")
        // Every operation of the table has an expectation, and every expectation a route.
        let operations = Set(JuesuanHTTP.routes.filter { $0.auth == .session }.map(\.operation))
        #expect(operations == Set(Self.expected.keys))

        try await harness.withClient { client in
            var checked = 0
            for route in JuesuanHTTP.routes where route.auth == .session && route.operation != "logout" {
                guard let rule = Self.expected[route.operation] else { continue }
                for role in Role.allCases {
                    for own in [true, false] {
                        let person = try await Person.login(client, "\(role.rawValue)-\(own ? "own" : "other")")
                        let (uri, json, body) = Self.request(route, role: role, own: own, batch: batch.id)
                        let reply = try await person.call(route.method, uri, json: json, body: body)
                        let allowed = rule.roles.contains(role) && (own || !rule.subtree)
                        if allowed {
                            #expect(reply.status != 403 && reply.status != 401 && reply.status < 500,
                                    "\(role.rawValue) \(own ? "本辖区" : "他辖区") \(route.method) \(uri) 应允许：\(reply.status) \(reply.text)")
                        } else {
                            #expect(reply.status == 403, "\(role.rawValue) \(own ? "本辖区" : "他辖区") \(route.method) \(uri) 应拒绝：\(reply.status) \(reply.text)")
                        }
                        checked += 1
                    }
                }
            }
            #expect(checked >= 27 * 12)
            // Without a session every one of these routes answers 401.
            for route in JuesuanHTTP.routes where route.auth == .session {
                let (uri, json, body) = Self.request(route, role: .admin, own: true, batch: batch.id)
                let reply = try await Person.call(client, route.method, uri, json: json, body: body)
                #expect(reply.status == 401, "\(route.method) \(uri) 未登录应为 401：\(reply.status)")
            }
        }
        await harness.close()
    }

    /// The administrator rows: what an administrator of the root (财政局) and of a 主管部门 may do to
    /// the tree, people and the year's task. `true`: allowed; `false`: refused (403 or 422).
    static let adminRows: [(what: String, root: Bool, department: Bool)] = [
        ("设置年度任务", true, false),
        ("把本节点改为财政局", true, false),
        ("在本节点下建财政局", true, false),
        ("在本节点下建主管部门", true, true),
        ("改本节点（根）或上级节点的名称", true, false),
        ("在本节点建财政审核用户", true, false),
        ("在本节点建管理员", true, false),
        ("在本节点建主管部门审核用户", false, false),
        ("在下级单位建填报用户", true, true),
        ("在下级单位建管理员", false, false),
        ("在下级单位建财政审核用户", false, false),
        ("把下级单位改为主管部门", true, true),
    ]

    @Test("administrator rows: escalation attempts by an administrator of the root and of a 主管部门")
    func administratorRows() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 3)
        let cycle = harness.cycle
        let root = Caller(user: try await cycle.sessions.login(login: "admin", password: Harness.password, ip: "test").user, ip: "test")
        _ = try await cycle.people.createUser(root, .init(login: "admin-dept", name: "部门管理员", role: .admin, org: "420103002", password: Harness.password))
        try await harness.withClient { client in
            for (level, login, own, parent, unit) in [("root", "admin", Cycle.demoRoot, "", Cycle.demoExample),
                                                      ("department", "admin-dept", "420103002", Cycle.demoRoot, "420103002100")] {
                let admin = try await Person.login(client, login)
                let ownName = level == "root" ? "武汉市江汉区财政局" : "武汉市江汉区教育局"
                for row in Self.adminRows {
                    let expected = level == "root" ? row.root : row.department
                    let tag = "\(level)-\(Self.adminRows.firstIndex { $0.what == row.what }!)"
                    func orgs(_ line: String) async throws -> Reply {
                        try await admin.call(.post, "/api/v1/orgs/import?filename=o.csv", body: Data("单位编码,名称,上级编码,类型\n\(line)\n".utf8))
                    }
                    func user(_ role: String, _ org: String) async throws -> Reply {
                        try await admin.call(.post, "/api/v1/users", json: ["login": "u-\(tag)", "name": "新用户", "role": role, "org": org,
                                                                            "password": "Zq7-long-enough"])
                    }
                    let reply: Reply
                    switch row.what {
                    case "设置年度任务": reply = try await admin.call(.put, "/api/v1/tasks/2021", json: ["deadline": "2031-06-30"])
                    case "把本节点改为财政局": reply = try await orgs("\(own),\(ownName),\(parent),财政局")
                    case "在本节点下建财政局": reply = try await orgs("\(own)B\(tag.count),新财政局,\(own),财政局")
                    case "在本节点下建主管部门": reply = try await orgs("\(own)D\(tag.count),新主管部门,\(own),主管部门")
                    case "把下级单位改为主管部门":
                        let name = try await admin.call(.get, "/api/v1/orgs?q=\(unit)").json["items"] as? [[String: Any]]
                        reply = try await orgs("\(unit),\(name?.first?["name"] as? String ?? "单位"),\(level == "root" ? "420103001" : own),主管部门")
                    case "改本节点（根）或上级节点的名称":
                        reply = level == "root" ? try await orgs("\(own),另一个名称,,财政局") : try await orgs("\(Cycle.demoRoot),另一个名称,,财政局")
                    case "在本节点建财政审核用户": reply = try await user("finance", own)
                    case "在本节点建管理员": reply = try await user("admin", own)
                    case "在本节点建主管部门审核用户": reply = try await user("reviewer", own)
                    case "在下级单位建填报用户": reply = try await user("filler", unit)
                    case "在下级单位建管理员": reply = try await user("admin", unit)
                    default: reply = try await user("finance", unit)
                    }
                    if expected {
                        #expect((200..<300).contains(reply.status), "\(level)：\(row.what) 应允许：\(reply.status) \(reply.text)")
                    } else {
                        #expect(reply.status == 403 || reply.status == 422, "\(level)：\(row.what) 应拒绝：\(reply.status) \(reply.text)")
                    }
                }
            }
        }
        await harness.close()
    }

    @Test("codes with _, % and case variants through the API: membership is exact")
    func trickyCodes() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 0)
        let cycle = harness.cycle
        let root = Caller(user: try await cycle.sessions.login(login: "admin", password: Harness.password, ip: "test").user, ip: "test")
        // `%` is not a code character: refused with its line.
        await #expect(throws: OrgImportError.self) {
            _ = try await cycle.organisation.importOrgs(root, bytes: Data("单位编码,名称,上级编码,类型\nD%1,百分号,420103,主管部门\n".utf8), filename: "p.csv")
        }
        _ = try await cycle.organisation.importOrgs(root, bytes: AttackTests.csv(AttackTests.trickyOrgs), filename: "t.csv")
        _ = try await cycle.people.createUser(root, .init(login: "rev-d1", name: "甲审核", role: .reviewer, org: "D_1", password: Harness.password))
        try await harness.withClient { client in
            let reviewer = try await Person.login(client, "rev-d1")
            let inbox = try await reviewer.call(.get, "/api/v1/years/2021/inbox?limit=500")
            #expect((inbox.json["items"] as? [[String: Any]])?.compactMap { $0["org"] as? String } == ["D_1U"])
            let orgs = try await reviewer.call(.get, "/api/v1/orgs?limit=500")
            #expect(Set((orgs.json["items"] as? [[String: Any]])?.compactMap { $0["code"] as? String } ?? []) == ["D_1", "D_1U"])
            for other in ["DX1U", "d_1U", "DX1", "d_1"] {
                let reply = try await reviewer.call(.get, "/api/v1/reports/2021/\(other)")
                #expect(reply.status == 403, "\(other)：\(reply.status)")
            }
            let own = try await reviewer.call(.get, "/api/v1/reports/2021/D_1U")
            #expect(own.status == 200)
        }
        await harness.close()
    }

    /// A concrete request for a route: parameters in the path, a body that passes decoding.
    static func request(_ route: RouteSpec, role: Role, own: Bool, batch: Int) -> (String, Any?, Data?) {
        let target = ["consolidate", "consolidated"].contains(route.operation) ? "420103001" : Cycle.demoExample
        let uri = route.path.replacingOccurrences(of: "{year}", with: "2021").replacingOccurrences(of: "{org}", with: target)
            .replacingOccurrences(of: "{number}", with: "1").replacingOccurrences(of: "{id}", with: String(batch))
            .replacingOccurrences(of: "{login}", with: "tianbao")
        switch route.operation {
        case "changePassword": return (uri, ["current": Harness.password, "new": Harness.password], nil)
        case "setTask": return (uri, ["deadline": "2030-06-30"], nil)
        case "importOrgs": return (uri, nil, Data("单位编码,名称,上级编码,类型\n".utf8))
        case "importUsers": return (uri, nil, Data("登录名,姓名,角色,单位编码,电子邮箱\n".utf8))
        case "createUser":
            return (uri, ["login": "new-\(role.rawValue)-\(own)", "name": "新用户", "role": "filler", "org": Cycle.demoExample,
                          "password": Harness.password], nil)
        case "explain": return (uri, ["finding": "none", "text": "经核实，数字无误。"], nil)
        case "updateUser": return (uri, ["name": "单位填报员"], nil)
        case "transition": return (uri, ["action": "approve"], nil)
        case "createBatch": return (uri, ["year": 2021, "name": "批次"], nil)
        case "addBatchFile": return (uri + "?filename=x.txt", nil, Data("不是报告".utf8))
        case "uploadVersion": return (uri, nil, Data())
        case "compare": return (uri + "?against=previous", nil, nil)
        default: return (uri, nil, nil)
        }
    }
}

@Suite("serve: OpenAPI document") struct OpenAPITests {
    @Test("the document served at /openapi.json describes every route of the route table, and nothing else")
    func everyRoute() async throws {
        let harness = try await Harness.make(.sqlite, demo: false)
        try await harness.withClient { client in
            let reply = try await Person.call(client, .get, "/openapi.json")
            #expect(reply.status == 200)
            #expect(reply.json["openapi"] as? String == "3.1.0")
            let paths = reply.json["paths"] as? [String: [String: Any]] ?? [:]
            var documented: Set<String> = []
            for (path, methods) in paths {
                for (method, operation) in methods {
                    documented.insert("\(method.uppercased()) \(path) \((operation as? [String: Any])?["operationId"] as? String ?? "")")
                }
            }
            let routed = Set(JuesuanHTTP.routes.map { "\($0.method.rawValue) \($0.path) \($0.operation)" })
            #expect(documented == routed, "只在文档中：\(documented.subtracting(routed))；只在路由中：\(routed.subtracting(documented))")
        }
        await harness.close()
    }
}
