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
        "listUsers": ([.admin, .readonly], false),
        "createUser": ([.admin], true),
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
        let adminLogin = try await cycle.login(login: "admin", password: Harness.password, ip: "test")
        let admin = Caller(user: adminLogin.user, ip: "test")
        // A second 财政局 beside the first's subtree for the 财政 person of "another subtree" (财政 roles
        // exist only at a 财政局).
        _ = try await cycle.importOrgs(admin, bytes: Data("单位编码,名称,上级编码,类型\n420199,另一财政局,\(Cycle.demoRoot),财政局\n".utf8),
                                       filename: "orgs.csv")
        for role in Role.allCases {
            for own in [true, false] {
                _ = try await cycle.createUser(admin, .init(login: "\(role.rawValue)-\(own ? "own" : "other")", name: "测试", role: role,
                                                            org: Self.org(role, own: own), password: Harness.password))
            }
        }
        // A batch of the first 主管部门: its reviewer and the bureau see it, the second 主管部门 does not.
        let reviewer = Caller(user: try await cycle.login(login: "zhuguan", password: Harness.password, ip: "test").user, ip: "test")
        let batch = try await cycle.createBatch(reviewer, year: 2021, name: "测试批次")
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

    /// A concrete request for a route: parameters in the path, a body that passes decoding.
    static func request(_ route: RouteSpec, role: Role, own: Bool, batch: Int) -> (String, Any?, Data?) {
        let target = ["consolidate", "consolidated"].contains(route.operation) ? "420103001" : Cycle.demoExample
        let uri = route.path.replacingOccurrences(of: "{year}", with: "2021").replacingOccurrences(of: "{org}", with: target)
            .replacingOccurrences(of: "{number}", with: "1").replacingOccurrences(of: "{id}", with: String(batch))
        switch route.operation {
        case "changePassword": return (uri, ["current": Harness.password, "new": Harness.password], nil)
        case "setTask": return (uri, ["deadline": "2030-06-30"], nil)
        case "importOrgs": return (uri, nil, Data("单位编码,名称,上级编码,类型\n".utf8))
        case "createUser":
            return (uri, ["login": "new-\(role.rawValue)-\(own)", "name": "新用户", "role": "filler", "org": Cycle.demoExample,
                          "password": Harness.password], nil)
        case "explain": return (uri, ["finding": "none", "text": "说明"], nil)
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
