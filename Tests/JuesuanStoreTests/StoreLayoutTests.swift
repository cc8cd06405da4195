import Foundation
import Juesuan
@testable import JuesuanStore
import JuesuanTestSupport
import SQLKit
import Testing

/// The store is split by feature (docs/architecture.md, "存储的各个功能"): `Cycle` opens the store and hands
/// out the features; each operation lives in its feature's type. These tests keep it so.
@Suite("store: one type per feature")
struct StoreLayoutTests {
    /// The public operations `Cycle` itself may keep: opening, closing, readiness, the demo; and pure helpers (layouts, a
    /// blank dataset, an e-mail check, a CSV field).
    static let cycleOperations: Set<String> = ["open", "close", "ready", "isEmpty", "loadDemo", "layouts", "blank", "checkEmail", "csvField",
                                               "removeStale"]

    struct Declaration: CustomStringConvertible {
        var file: String
        var line: Int
        var owner: String
        var name: String
        var description: String { "\(file):\(line) \(owner).\(name)" }
    }

    /// Every `public func` at the first level of a type or extension in the store's sources, with its owner.
    static func publicFunctions() throws -> [Declaration] {
        let folder = Repository.root.appendingPathComponent("Sources/JuesuanStore")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }.sorted()
        let opener = try Regex(#"^(?:public |final |@\w+ )*(?:extension|struct|final class|class|enum|actor|protocol) ([A-Za-z.]+)"#)
        let function = try Regex(#"^    (?:public )(?:static )?func ([A-Za-z]+)"#)
        var found: [Declaration] = []
        for file in files {
            var owner = ""
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if let match = line.firstMatch(of: opener) { owner = String(match.output[1].substring ?? "") }
                if let match = line.firstMatch(of: function) {
                    found.append(Declaration(file: file, line: index + 1, owner: owner, name: String(match.output[1].substring ?? "")))
                }
            }
        }
        return found
    }

    @Test("Cycle keeps only opening, readiness and the demo; every other operation is in its feature's type")
    func operationsByFeature() throws {
        let functions = try Self.publicFunctions()
        #expect(functions.count > 60, "the scan found the store's operations")
        let onCycle = functions.filter { $0.owner == "Cycle" && !Self.cycleOperations.contains($0.name) }
        #expect(onCycle.isEmpty, "operations on Cycle that belong to a feature: \(onCycle)")
        let features = ["Sessions", "People", "Organisation", "Schedule", "Reports", "Drafts", "Budgets", "Consolidating",
                        "BatchAudits", "AuditTrail", "Publishing", "Messages"]
        for feature in features {
            #expect(functions.contains { $0.owner == feature }, "feature \(feature) has public operations")
        }
    }

    @Test("a feature is a value over the shared context: the same database, caches and catalogue", arguments: StoreKind.available)
    func sharedContext(_ kind: StoreKind) async throws {
        let harness = try await Harness.make(kind, synthetic: 1)
        defer { Task { await harness.close() } }
        let cycle = harness.cycle
        #expect(cycle.reports.context === cycle.context && cycle.people.context === cycle.context)
        #expect(cycle.reports.backend === cycle.publishing.backend)
        // What one feature writes, another reads at once (one handle, no copies).
        let admin = Caller(user: try await cycle.sessions.login(login: "admin", password: Harness.password, ip: "test").user, ip: "test")
        let before = try await cycle.auditTrail.entries(admin, paging: Paging()).total
        _ = try await cycle.people.createUser(admin, Cycle.NewUser(login: "layout-test", name: "版式测试", role: .readonly,
                                                                   org: Cycle.demoExample, password: "a-long-password-9"))
        #expect(try await cycle.auditTrail.entries(admin, paging: Paging()).total == before + 1)
    }

    @Test("rows decode into records: a role this version does not know reads as 只读, never as more", arguments: StoreKind.available)
    func unknownRole(_ kind: StoreKind) async throws {
        let harness = try await Harness.make(kind, synthetic: 1)
        defer { Task { await harness.close() } }
        let cycle = harness.cycle
        try await cycle.backend.write { db in
            try await db.raw("UPDATE users SET role = 'superuser' WHERE login = 'chakan'").run()
        }
        let admin = Caller(user: try await cycle.sessions.login(login: "admin", password: Harness.password, ip: "test").user, ip: "test")
        let people = try await cycle.people.accounts(admin, paging: Paging(offset: 0, limit: 1000, maxLimit: 1000)).items
        let chakan = try #require(people.first { $0.user.login == "chakan" })
        #expect(chakan.user.role == .readonly)
        let login = try await cycle.sessions.login(login: "chakan", password: Harness.password, ip: "test")
        #expect(login.user.role == .readonly)
        #expect(try await cycle.sessions.session(token: login.token)?.user.role == .readonly)
        // The column list is written once and qualified where the query joins.
        #expect(AccountRecord.columnNames.starts(with: UserRecord.columnNames))
    }
}
