import Foundation
import HTTPTypes
import HummingbirdTesting
import Juesuan
import JuesuanServer
@testable import JuesuanStore
import JuesuanTestSupport
import JuesuanXLSX
import SQLKit
import Testing
import ZIPFoundation
import JuesuanLedger
import JuesuanConsolidate

@Suite("serve: safety") struct ServerSafetyTests {
    static let base = "/api/v1/reports/2021/\(Cycle.demoExample)"

    static func zip(_ entries: [(String, Data)]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, data) in entries {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return archive.data!
    }

    /// Rewrites every declared uncompressed size in a ZIP (local and central headers) to `size`.
    static func lying(_ zip: Data, size: UInt32) -> Data {
        var bytes = [UInt8](zip)
        func put(_ offset: Int) {
            for index in 0..<4 { bytes[offset + index] = UInt8((size >> (8 * UInt32(index))) & 0xFF) }
        }
        var index = 0
        while index + 4 < bytes.count {
            if bytes[index] == 0x50, bytes[index + 1] == 0x4B, bytes[index + 2] == 0x03, bytes[index + 3] == 0x04 { put(index + 22) }
            if bytes[index] == 0x50, bytes[index + 1] == 0x4B, bytes[index + 2] == 0x01, bytes[index + 3] == 0x02 { put(index + 24) }
            index += 1
        }
        return Data(bytes)
    }

    @Test("uploads: zip bombs, escaping paths, non-XLSX, PDF, empty, oversized — refused in Chinese, nothing stored")
    func uploads() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 3)
        let zeros = Data(count: 40 * 1024 * 1024)
        let bomb = try Self.zip([("xl/workbook.xml", Data("<workbook/>".utf8)), ("xl/worksheets/sheet1.xml", zeros)])
        let liar = Self.lying(try Self.zip([("xl/workbook.xml", Data("<workbook/>".utf8)), ("xl/big.xml", Data(count: 35 * 1024 * 1024))]), size: 100)
        let escape = try Self.zip([("xl/workbook.xml", Data("<workbook/>".utf8)), ("../../etc/passwd", Data("x".utf8))])
        let other = try Self.zip([("readme.txt", Data("hello".utf8))])
        let cases: [(String, Data, Int, String)] = [
            ("bomb.xlsx", bomb, 413, "压缩炸弹"),
            ("liar.xlsx", liar, 0, "压缩"),
            ("escape.xlsx", escape, 422, "压缩包之外"),
            ("other.zip", other, 415, "既不是 Excel 工作簿"),
            ("report.pdf", Data("%PDF-1.7\n".utf8), 415, "批量审查"),
            ("empty.xlsx", Data(), 415, "空文件"),
            ("random.bin", Data([0xFF, 0xFE, 0x00, 0x01]), 415, "不是 UTF-8"),
            ("ledger.csv", Data("日期,金额\n1,2\n".utf8), 415, "第 1 行"),
            ("big.xlsx", Data(count: 21 * 1024 * 1024), 413, "上限"),
        ]
        try await harness.withClient { client in
            let filler = try await Person.login(client, "tianbao")
            for (name, data, status, words) in cases {
                let reply = try await filler.call(.post, Self.base + "/versions?filename=\(name)", body: data)
                if status == 0 { #expect((400..<500).contains(reply.status), "\(name)：\(reply.status) \(reply.text)") } else {
                    #expect(reply.status == status, "\(name)：\(reply.status) \(reply.text)")
                }
                #expect(reply.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                #expect((reply.json["detail"] as? String ?? "").contains(words), "\(name)：\(reply.text)")
            }
            let report = try await filler.call(.get, Self.base)
            #expect((report.json["versions"] as? [Any])?.isEmpty == true)
            #expect(report.json["currentVersion"] == nil || report.json["currentVersion"] is NSNull)
        }
        await harness.close()
    }

    @Test("every kind of upload: workbook, dataset archive, ledger CSV (derived onto the current version)")
    func uploadKinds() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 0)
        // The corrected example as a dataset folder in a ZIP (inside a top folder, as people zip folders).
        let archive = try Archive(data: Data(), accessMode: .create)
        let root = Repository.corrected
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])!
        for case let url as URL in enumerator where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            let relative = String(url.path.dropFirst(root.path.count + 1))
            try archive.addEntry(with: "jianghan-2021/" + relative, fileURL: url)
        }
        let synthesizer = Synthesizer(seed: 7, year: 2021, catalog: try Engine.catalog())
        var ledger = synthesizer.ledger(0)
        ledger.unit = "武汉市江汉区人民政府办公室"
        let csv = LedgerWriter.csv([ledger])
        let zipped = archive.data!
        try await harness.withClient { client in
            let filler = try await Person.login(client, "tianbao")
            let dataset = try await filler.call(.post, Self.base + "/versions?filename=jianghan.zip", body: zipped)
            #expect(dataset.status == 201, "\(dataset.text)")
            #expect((dataset.json["version"] as? [String: Any])?["kind"] as? String == "dataset")
            #expect((dataset.json["version"] as? [String: Any])?["errors"] as? Int == 0)
            let derived = try await filler.call(.post, Self.base + "/versions?filename=ledger.csv", body: Data(csv.utf8))
            #expect(derived.status == 201, "\(derived.text)")
            #expect((derived.json["version"] as? [String: Any])?["kind"] as? String == "ledger")
            // The tables come from the ledger; the facts and forms stay those of the current version.
            let tables = try await filler.call(.get, Self.base + "/versions/2/dataset")
            #expect(tables.json["unit"] as? String == "武汉市江汉区人民政府办公室")
            #expect(((tables.json["performance"] as? [String: Any])?["projects"] as? [Any])?.isEmpty == false)
            let wrongYear = try await filler.call(.post, "/api/v1/reports/2022/\(Cycle.demoExample)/versions", body: Workbooks.corrected)
            #expect(wrongYear.status == 404)
        }
        await harness.close()
    }

    @Test("the consolidated view read from the versions' summaries equals the sum of their full datasets")
    func summariesSumLikeDatasets() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 9)
        let cycle = harness.cycle
        let reviewer = Caller(user: try await cycle.sessions.login(login: "zhuguan", password: Harness.password, ip: "t").user, ip: "t")
        let filler = Caller(user: try await cycle.sessions.login(login: "tianbao", password: Harness.password, ip: "t").user, ip: "t")
        _ = try await cycle.reports.upload(filler, year: 2021, org: Cycle.demoExample, filename: "w.xlsx", bytes: Workbooks.corrected)
        let view = try await cycle.consolidating.consolidatedView(reviewer, year: 2021, org: "420103001")
        let children = try await cycle.organisation.orgs(reviewer, under: "420103001", paging: Paging(limit: 100)).items.filter { $0.parent == "420103001" }
        var units: [Disclosure] = []
        for child in children { units.append(try await cycle.reports.dataset(reviewer, year: 2021, org: child.code, version: nil)) }
        #expect(units.count == 4 && view.units == 4)
        var reference = try Consolidation.sum(units, name: "武汉市江汉区人民政府办公室（主管部门）", catalog: try Engine.catalog())
        _ = Consolidation.eliminateInternalTransfers(&reference, catalog: try Engine.catalog())
        for id in TableID.allCases {
            let a = view.dataset.tables[id], b = reference.tables[id]
            #expect(a?.rows.map(\.key) == b?.rows.map(\.key), "\(id) 的行")
            #expect(a?.rows.map(\.cells) == b?.rows.map(\.cells), "\(id) 的金额")
            #expect(a?.columns == b?.columns)
        }
        #expect(view.dataset.figures == reference.figures)
        #expect(view.dataset.overview.staffing == reference.overview.staffing)
        // Viewed again with nothing changed: the same view (given from what was computed, a version never changes).
        let again = try await cycle.consolidating.consolidatedView(reviewer, year: 2021, org: "420103001")
        #expect(again.dataset == view.dataset && again.units == view.units && again.findings == view.findings)
        // A unit's new version, or a renamed unit, changes what the view is made from: computed anew, with it.
        var changed = try await cycle.reports.dataset(reviewer, year: 2021, org: Cycle.demoExample, version: nil)
        let index = try #require(changed.tables[.t3]?.rows.firstIndex { !$0.cells.isEmpty })
        let column = try #require(changed.tables[.t3]?.rows[index].cells.keys.min())
        let before = changed.tables[.t3]?.rows[index].cells[column]?.fen ?? 0
        changed.tables[.t3]?.rows[index].cells[column] = Money(fen: before + 100)
        _ = try await cycle.reports.upload(filler, year: 2021, org: Cycle.demoExample, filename: "w2.xlsx", bytes: try WorkbookWriter.data(changed))
        let after = try await cycle.consolidating.consolidatedView(reviewer, year: 2021, org: "420103001")
        #expect(after.dataset.tables[.t3] != view.dataset.tables[.t3])
        await harness.close()
    }

    @Test("a cookie session needs the CSRF token on every state change; the cookie is HttpOnly and SameSite=Strict")
    func csrf() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 0)
        try await harness.withClient { client in
            let login = try await Person.call(client, .post, "/api/v1/session", json: ["login": "tianbao", "password": Harness.password])
            let cookie = login.headers[.setCookie] ?? ""
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"))
            var person = try await Person.login(client, "tianbao")
            person.viaCookie = true
            let read = try await person.call(.get, Self.base, csrfHeader: false)
            #expect(read.status == 200)
            let forged = try await person.call(.post, Self.base + "/versions", body: Workbooks.corrected, csrfHeader: false)
            #expect(forged.status == 403)
            #expect((forged.json["detail"] as? String ?? "").contains("CSRF"))
            let genuine = try await person.call(.post, Self.base + "/versions", body: Workbooks.corrected)
            #expect(genuine.status == 201)
        }
        await harness.close()
    }

    @Test("wrong passwords lock the account; one answer for unknown, wrong and locked; the audit log records each failure")
    func lockout() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 0)
        try await harness.withClient { client in
            for _ in 0..<5 {
                let reply = try await Person.call(client, .post, "/api/v1/session", json: ["login": "tianbao", "password": "wrong-password"])
                #expect(reply.status == 401)
                #expect(reply.json["detail"] as? String == Cycle.loginRefused)
            }
            // Locked: the right password is refused with the same answer as a wrong one (nothing tells
            // which accounts exist or are locked).
            let locked = try await Person.call(client, .post, "/api/v1/session", json: ["login": "tianbao", "password": Harness.password])
            #expect(locked.status == 401)
            #expect(locked.json["detail"] as? String == Cycle.loginRefused)
            let unknown = try await Person.call(client, .post, "/api/v1/session", json: ["login": "nobody", "password": "x"])
            #expect(unknown.status == 401)
            #expect(unknown.json["detail"] as? String == Cycle.loginRefused)
            let auditor = try await Person.login(client, "chakan")
            let log = try await auditor.call(.get, "/api/v1/audit-log?action=login-failed")
            #expect(log.json["total"] as? Int == 7)
            let locks = try await auditor.call(.get, "/api/v1/audit-log?action=account-locked")
            #expect(locks.json["total"] as? Int == 1)
            let bad = try await Person.call(client, .post, "/api/v1/session", body: Data("{not json".utf8))
            #expect(bad.status == 400)
        }
        await harness.close()
    }

    @Test("two simultaneous transitions of one report: exactly one wins", arguments: StoreKind.available)
    func race(_ kind: StoreKind) async throws {
        let harness = try await Harness.make(kind, synthetic: 0)
        let cycle = harness.cycle
        func caller(_ login: String) async throws -> Caller {
            Caller(user: try await cycle.sessions.login(login: login, password: Harness.password, ip: "test").user, ip: "test")
        }
        let filler = try await caller("tianbao"), reviewer = try await caller("zhuguan")
        let result = try await cycle.reports.upload(filler, year: 2021, org: Cycle.demoExample, filename: "w.xlsx", bytes: Workbooks.corrected)
        for finding in result.findings where finding.severity == .warning {
            _ = try await cycle.reports.explain(filler, year: 2021, org: Cycle.demoExample, version: result.version.number, finding: finding.key, text: "已核实无误。")
        }
        for round in 0..<5 {
            _ = try await cycle.reports.transition(filler, year: 2021, org: Cycle.demoExample, .init(action: .submit))
            // Two reviewers act at once: one approves, the other returns.
            async let approve: Bool = { (try? await cycle.reports.transition(reviewer, year: 2021, org: Cycle.demoExample, .init(action: .approve))) != nil }()
            async let giveBack: Bool = { (try? await cycle.reports.transition(reviewer, year: 2021, org: Cycle.demoExample,
                                                                       .init(action: .return, reason: "第 \(round) 轮"))) != nil }()
            let (a, b) = await (approve, giveBack)
            #expect(a != b, "第 \(round) 轮：两个操作应恰有一个成功（approve \(a)，return \(b)）")
            let state = try await cycle.reports.report(reviewer, year: 2021, org: Cycle.demoExample).state
            #expect(state == (a ? .departmentApproved : .drafting))
            if a {
                let finance = try await caller("caizheng")
                _ = try await cycle.reports.transition(finance, year: 2021, org: Cycle.demoExample, .init(action: .return, reason: "再来一轮"))
            }
        }
        // The audit log agrees with the state, and refuses to be changed.
        #expect(try await Self.logAgrees(cycle))
        let changed: Bool = (try? await cycle.backend.write { db in try await db.raw("UPDATE audit_log SET actor = 'x'").run(); return true }) ?? false
        #expect(!changed)
        let deleted: Bool = (try? await cycle.backend.write { db in try await db.raw("DELETE FROM audit_log").run(); return true }) ?? false
        #expect(!deleted)
        #expect(try await cycle.backend.integrityCheck())
        await harness.close()
    }

    /// Every report's state is the `after` of its last transition in the audit log (填报中 without one).
    static func logAgrees(_ cycle: Cycle) async throws -> Bool {
        try await cycle.backend.read { db in
            let reports = try await db.raw("SELECT id, state FROM reports").all()
            for report in reports {
                let id = try report.decode(column: "id", as: String.self)
                let last = try await db.raw("""
                    SELECT after FROM audit_log WHERE target = \(bind: "report:" + id) AND action IN ('submit', 'return', 'approve', 'publish')
                    ORDER BY id DESC LIMIT 1
                    """).first()?.decode(column: "after", as: String.self)
                if (last ?? "填报中") != (try report.decode(column: "state", as: String.self)) { return false }
            }
            return true
        }
    }

    @Test("a changed rule catalogue refuses 上报 until the version is checked again")
    func catalogueChange() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 0)
        let folder = harness.folder.path
        let filler = Caller(user: try await harness.cycle.sessions.login(login: "tianbao", password: Harness.password, ip: "t").user, ip: "t")
        let uploaded = try await harness.cycle.reports.upload(filler, year: 2021, org: Cycle.demoExample, filename: "w.xlsx", bytes: Workbooks.corrected)
        for finding in uploaded.findings where finding.severity == .warning {
            _ = try await harness.cycle.reports.explain(filler, year: 2021, org: Cycle.demoExample, version: 1, finding: finding.key, text: "已核实无误。")
        }
        await harness.cycle.close()
        // The same store, served with a catalogue that lost one rule.
        var rules = try Engine.rules()
        rules.rules.removeLast()
        var settings = Cycle.Settings()
        settings.bcryptCost = 4
        let backend = try await SQLiteBackend.open(path: folder + "/juesuan.sqlite", logger: .init(label: "t"))
        let changed = try Cycle(backend: backend, settings: settings, rules: rules)
        await #expect(throws: StoreError.self) {
            try await changed.reports.transition(filler, year: 2021, org: Cycle.demoExample, .init(action: .submit))
        }
        let view = try await changed.reports.report(filler, year: 2021, org: Cycle.demoExample)
        #expect(view.submitBlockers.contains { $0.contains("规则目录已更新") })
        let rechecked = try await changed.reports.recheck(filler, year: 2021, org: Cycle.demoExample)
        #expect(rechecked.version.number == 2 && rechecked.version.kind == .recheck)
        for finding in rechecked.findings where finding.severity == .warning {
            _ = try await changed.reports.explain(filler, year: 2021, org: Cycle.demoExample, version: 2, finding: finding.key, text: "已核实无误。")
        }
        let submitted = try await changed.reports.transition(filler, year: 2021, org: Cycle.demoExample, .init(action: .submit))
        #expect(submitted.state == .submitted)
        await changed.close()
        try? FileManager.default.removeItem(at: harness.folder)
    }

    @Test("organisation import: every bad row named, nothing imported; then a good file")
    func orgImport() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 0)
        try await harness.withClient { client in
            let admin = try await Person.login(client, "admin")
            let bad = "单位编码,名称,上级编码,类型\n4201039,新单位,420103001,单位\nbad code,名称,420103,单位\n4201038,,420103,单位\n4201037,某单位,999,单位\n4201036,某单位,420103,科室\n4201039,重复,420103,单位\n"
            let refused = try await admin.call(.post, "/api/v1/orgs/import?filename=orgs.csv", body: Data(bad.utf8))
            #expect(refused.status == 422)
            let errors = refused.json["errors"] as? [[String: String]] ?? []
            #expect(errors.map { $0["line"] ?? "" } == ["3", "4", "5", "6", "7"])
            #expect((refused.json["detail"] as? String ?? "").contains("orgs.csv"))
            let listed = try await admin.call(.get, "/api/v1/orgs?q=新单位")
            #expect(listed.json["total"] as? Int == 0)
            let good = try await admin.call(.post, "/api/v1/orgs/import?filename=orgs.csv",
                                            body: Data("单位编码,名称,上级编码,类型\n4201039,\"新单位,含逗号\",420103001,单位\n".utf8))
            #expect(good.status == 200)
            #expect(good.json["added"] as? Int == 1)
            let found = try await admin.call(.get, "/api/v1/orgs?q=含逗号")
            #expect(((found.json["items"] as? [[String: Any]])?.first?["name"] as? String) == "新单位,含逗号")
        }
        await harness.close()
    }

    @Test("batch audit: queued, worked, matched to the unit by name, exported as JSON, CSV and XLSX")
    func batchAudit() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 0)
        let seed = try Data(contentsOf: Repository.fixtures.appendingPathComponent("seed/000_a4a5e0261d017fb9.txt"))
        try await harness.withClient { client in
            let finance = try await Person.login(client, "caizheng")
            let created = try await finance.call(.post, "/api/v1/batches", json: ["year": 2021, "name": "江汉区 2021"])
            #expect(created.status == 201)
            let id = created.json["id"] as! Int
            let added = try await finance.call(.post, "/api/v1/batches/\(id)/files?filename=jianghan.txt", body: seed)
            #expect(added.status == 201)
            let junk = try await finance.call(.post, "/api/v1/batches/\(id)/files?filename=junk.txt", body: Data("不是决算报告".utf8))
            #expect(junk.status == 201)
            while try await harness.cycle.batchAudits.processNextJob() {}
            let batch = try await finance.call(.get, "/api/v1/batches/\(id)")
            #expect(batch.json["total"] as? Int == 2)
            let jobs = (batch.json["jobs"] as? [String: Any])?["items"] as? [[String: Any]] ?? []
            #expect(jobs.first?["state"] as? String == "已完成")
            #expect(jobs.first?["matchedOrg"] as? String == Cycle.demoExample)
            #expect((jobs.first?["errors"] as? Int ?? 0) > 0)
            let csv = try await finance.call(.get, "/api/v1/batches/\(id)/findings?format=csv")
            #expect(csv.text.contains("jianghan.txt") && csv.text.contains("错误"))
            let xlsx = try await finance.call(.get, "/api/v1/batches/\(id)/findings?format=xlsx")
            #expect(xlsx.body.starts(with: [0x50, 0x4B]))
            let json = try await finance.call(.get, "/api/v1/batches/\(id)/findings?format=json")
            #expect((json.json["documents"] as? [Any])?.count == 2)
            // The bureau's 检查表: the same workbook as `juesuan audit --checklist` (the audited file only).
            let checklist = try await finance.call(.get, "/api/v1/batches/\(id)/findings?format=checklist")
            #expect(checklist.status == 200)
            let archive = try Archive(data: checklist.body, accessMode: .read)
            var strings = Data()
            for name in ["xl/workbook.xml", "xl/sharedStrings.xml"] {
                if let entry = archive[name] { _ = try archive.extract(entry) { strings.append($0) } }
            }
            let text = String(decoding: strings, as: UTF8.self)
            #expect(text.contains("汇总") && text.contains("jianghan.txt") && text.contains("情况说明"))
        }
        await harness.close()
    }

    @Test("compare: changed cells between versions; consolidation of a 主管部门 from its units' versions")
    func compareAndConsolidate() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 3)
        try await harness.withClient { client in
            let filler = try await Person.login(client, "tianbao")
            _ = try await filler.call(.post, Self.base + "/versions", body: Workbooks.asPrinted)
            _ = try await filler.call(.post, Self.base + "/versions", body: Workbooks.corrected)
            let compared = try await filler.call(.get, Self.base + "/compare?against=previous")
            #expect(compared.status == 200)
            #expect(compared.json["base"] as? String == "第 1 版")
            let noLastYear = try await filler.call(.get, Self.base + "/compare?against=last-year")
            #expect(noLastYear.status == 404)
            let reviewer = try await Person.login(client, "zhuguan")
            let view = try await reviewer.call(.get, "/api/v1/reports/2021/420103001/consolidated")
            #expect(view.status == 200, "\(view.text)")
            #expect(view.json["units"] as? Int == 2)
            let made = try await reviewer.call(.post, "/api/v1/reports/2021/420103001/consolidate")
            #expect(made.status == 201, "\(made.text)")
            let blockers = (made.json["report"] as? [String: Any])?["submitBlockers"] as? [String] ?? []
            #expect(blockers.contains { $0.contains("尚未上报") })
        }
        await harness.close()
    }
}

@Suite("serve: organisation files as Excel saves them")
struct OrgEncodingTests {
    @Test("a CSV in GB18030 (GBK, what Excel on Chinese Windows saves) is read like UTF-8; bytes that are neither are refused in Chinese")
    func gbk() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 0)
        let admin = try await AttackTests.caller(harness.cycle, "admin")
        let text = "单位编码,名称,上级编码,类型\n420103001077,江汉区档案馆,420103001,单位\n"
        let gbk = try #require(text.data(using: Cycle.gb18030))
        #expect(String(data: gbk, encoding: .utf8) == nil, "the test file must not be UTF-8")
        let result = try await harness.cycle.organisation.importOrgs(admin, bytes: gbk, filename: "组织.csv")
        #expect(result.added == 1)
        let orgs = try await harness.cycle.organisation.orgs(admin, under: "420103001", paging: Paging(offset: 0, limit: 500))
        #expect(orgs.items.contains { $0.code == "420103001077" && $0.name == "江汉区档案馆" })
        do {
            _ = try await harness.cycle.organisation.importOrgs(admin, bytes: Data([0xFF, 0xFE, 0x00, 0x81, 0x30, 0xFF]), filename: "乱码.csv")
            Issue.record("不可读的字节应被拒绝")
        } catch let error as StoreError {
            #expect(error.detail.contains("乱码.csv"))
        } catch let error as OrgImportError {
            #expect(error.storeError.detail.contains("乱码.csv"))
        }
        await harness.close()
    }
}
