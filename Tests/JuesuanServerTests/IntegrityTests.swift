import Foundation
import HTTPTypes
import Juesuan
import JuesuanCore
import JuesuanServer
import JuesuanStore
import JuesuanTestSupport
import JuesuanXLSX
import Testing

/// Integrity at the door (issue 19, item 5): nothing of one unit stored as another's, no empty report
/// sent up, explanations that say something and follow their finding from version to version.
@Suite("serve: integrity at the door") struct IntegrityTests {
    static let unit = Cycle.demoExample

    @Test("a workbook naming another unit is refused with both names, nothing stored", arguments: StoreKind.available)
    func otherUnit(_ kind: StoreKind) async throws {
        let harness = try await Harness.make(kind, synthetic: 3)
        let cycle = harness.cycle
        let root = try await AttackTests.caller(cycle, "admin")
        _ = try await cycle.people.createUser(root, .init(login: "other-filler", name: "他单位填报", role: .filler, org: "420103002100",
                                                   password: Harness.password))
        let other = try await AttackTests.caller(cycle, "other-filler")
        do {
            _ = try await cycle.reports.upload(other, year: 2021, org: "420103002100", filename: "jianghan.xlsx", bytes: Workbooks.corrected)
            Issue.record("应拒绝")
        } catch let error as StoreError {
            #expect(error.reason == .invalid)
            #expect(error.detail.contains("武汉市江汉区人民政府办公室") && error.detail.contains("420103002100"), "\(error.detail)")
        }
        #expect(try await cycle.reports.report(other, year: 2021, org: "420103002100").currentVersion == 1, "演示的第 1 版不变，没有新版本")
        // The unit's own name, written with other widths and spaces, is the same name.
        var own = try Engine.readDataset(Repository.corrected.path)
        own.unit = " 武汉市江汉区人民政府办公室 "
        let filler = try await AttackTests.caller(cycle, "tianbao")
        let stored = try await cycle.reports.upload(filler, year: 2021, org: Self.unit, filename: "w.xlsx", bytes: try WorkbookWriter.data(own))
        #expect(stored.version.number == 1)
        await harness.close()
    }

    @Test("a budget workbook uploaded to a final accounts report: refused, saying what it is; nothing stored")
    func budgetWorkbookRefused() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 0)
        let cycle = harness.cycle
        let filler = try await AttackTests.caller(cycle, "tianbao")
        let before = try await cycle.reports.report(filler, year: 2021, org: Self.unit).currentVersion
        let layout = try #require(BudgetLayout.shipped.first)
        let budget = try BudgetWorkbook.data(BudgetDataset(layout: layout.id, scope: .unit, year: 2021, department: "武汉市江汉区人民政府办公室",
                                                           tables: [:], narrative: []), layout: layout)
        do {
            _ = try await cycle.reports.upload(filler, year: 2021, org: Self.unit, filename: "预算.xlsx", bytes: budget)
            Issue.record("应拒绝")
        } catch let error as StoreError {
            #expect(error.reason == .unsupported && error.detail.contains("预算.xlsx") && error.detail.contains("部门预算填报工作簿"), "\(error.detail)")
        }
        #expect(try await cycle.reports.report(filler, year: 2021, org: Self.unit).currentVersion == before)
        await harness.close()
    }

    @Test("the blank workbook uploaded as it is: an error (九张表都没有数字) that blocks 上报")
    func emptyReportBlocks() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 0)
        let cycle = harness.cycle
        let filler = try await AttackTests.caller(cycle, "tianbao")
        var blank = try Engine.readDataset(Repository.corrected.path)
        for id in blank.tables.keys {
            blank.tables[id]!.rows = blank.tables[id]!.rows.map { TableRow(key: $0.key, label: $0.label, cells: [:]) }
        }
        let result: UploadResult
        do { result = try await cycle.reports.upload(filler, year: 2021, org: Self.unit, filename: "blank.xlsx", bytes: try WorkbookWriter.data(blank)) } catch {
            Issue.record("上传空白工作簿：\(error)")
            await harness.close()
            return
        }
        #expect(result.findings.contains { $0.rule == "D-NO-FIGURES" && $0.severity == .error })
        for finding in result.findings where finding.severity == .warning {
            _ = try? await cycle.reports.explain(filler, year: 2021, org: Self.unit, version: 1, finding: finding.key, text: "经核实无误，特此说明。")
        }
        await #expect(throws: StoreError.self) { _ = try await cycle.reports.transition(filler, year: 2021, org: Self.unit, .init(action: .submit)) }
        await harness.close()
    }

    @Test("explanations say something; they follow their finding to the next version, marked as carried, with the person's name")
    func explanations() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 0)
        let cycle = harness.cycle
        let filler = try await AttackTests.caller(cycle, "tianbao")
        let first = try await cycle.reports.upload(filler, year: 2021, org: Self.unit, filename: "w.xlsx", bytes: Workbooks.corrected)
        let warnings = first.findings.filter { $0.severity == .warning }
        #expect(warnings.count >= 3)
        for empty in [".", "。。。", "好的", "  ——  "] {
            await #expect(throws: StoreError.self, "“\(empty)”不是说明") {
                _ = try await cycle.reports.explain(filler, year: 2021, org: Self.unit, version: 1, finding: warnings[0].key, text: empty)
            }
        }
        for warning in warnings {
            _ = try await cycle.reports.explain(filler, year: 2021, org: Self.unit, version: 1, finding: warning.key, text: "经核实，系口径差异。")
        }
        // The same workbook again: every warning persists, so every explanation is carried.
        let second = try await cycle.reports.upload(filler, year: 2021, org: Self.unit, filename: "w2.xlsx", bytes: Workbooks.corrected)
        #expect(second.version.number == 2)
        let carried = second.findings.filter { $0.severity == .warning }
        #expect(carried.allSatisfy { $0.explanation == "经核实，系口径差异。" && $0.explanationCarriedFrom == 1 })
        #expect(carried.allSatisfy { $0.explainedByName == "单位填报员" && $0.explainedAt != nil })
        #expect(try await cycle.reports.report(filler, year: 2021, org: Self.unit).unexplained == 0)
        // Rewritten on the new version: no longer carried.
        let rewritten = try await cycle.reports.explain(filler, year: 2021, org: Self.unit, version: 2, finding: carried[0].key, text: "重新核实，系口径差异。")
        #expect(rewritten.explanation == "重新核实，系口径差异。")
        let (_, now) = try await cycle.reports.findings(filler, year: 2021, org: Self.unit, version: 2)
        #expect(now.first { $0.key == carried[0].key }?.explanationCarriedFrom == nil)
        // Carried across a further version: still marked with the version it was written for.
        let third = try await cycle.reports.upload(filler, year: 2021, org: Self.unit, filename: "w3.xlsx", bytes: Workbooks.corrected)
        #expect(third.findings.first { $0.key == carried[1].key }?.explanationCarriedFrom == 1)
        #expect(third.findings.first { $0.key == carried[0].key }?.explanationCarriedFrom == 2)
        await harness.close()
    }
}

/// Administration that can help (issue 21): a locked or forgetful person has a way back.
@Suite("serve: administering people") struct AccountTests {
    @Test("admin unlocks a locked user, resets a password to a one-time one that must be changed first, disables and enables",
          arguments: StoreKind.available)
    func wayBack(_ kind: StoreKind) async throws {
        let harness = try await Harness.make(kind, synthetic: 0)
        let cycle = harness.cycle
        let root = try await AttackTests.caller(cycle, "admin")
        for _ in 0..<6 { _ = try? await cycle.sessions.login(login: "tianbao", password: "wrong-password", ip: "192.0.2.9") }
        #expect(try await cycle.people.accounts(root, paging: Paging(limit: 500)).items.first { $0.user.login == "tianbao" }?.locked == true)
        let unlocked = try await cycle.people.unlockUser(root, login: "tianbao")
        #expect(!unlocked.locked)
        _ = try await cycle.sessions.login(login: "tianbao", password: Harness.password, ip: "192.0.2.9")
        // A one-time password: it logs in, and nothing but changing it is allowed.
        let secret = try await cycle.people.resetPassword(root, login: "tianbao")
        await #expect(throws: StoreError.self) { _ = try await cycle.sessions.login(login: "tianbao", password: Harness.password, ip: "192.0.2.9") }
        let login = try await cycle.sessions.login(login: "tianbao", password: secret, ip: "192.0.2.9")
        #expect(try await cycle.sessions.session(token: login.token)?.mustChangePassword == true)
        try await harness.withClient { client in
            let person = Person(client: client, token: login.token, csrf: login.csrf)
            let blocked = try await person.call(.get, "/api/v1/reports/2021/\(Cycle.demoExample)")
            #expect(blocked.status == 403 && blocked.text.contains("请先修改密码"))
            let changed = try await person.call(.put, "/api/v1/session/password", json: ["current": secret, "new": "Fresh-start-2026"])
            #expect(changed.status == 204, "\(changed.text)")
            let open = try await person.call(.get, "/api/v1/reports/2021/\(Cycle.demoExample)")
            #expect(open.status == 200)
        }
        // Disabled: no login, sessions ended; enabled again: back.
        _ = try await cycle.people.updateUser(root, login: "tianbao", .init(disabled: true))
        #expect(try await cycle.sessions.session(token: login.token) == nil)
        await #expect(throws: StoreError.self) { _ = try await cycle.sessions.login(login: "tianbao", password: "Fresh-start-2026", ip: "192.0.2.9") }
        _ = try await cycle.people.updateUser(root, login: "tianbao", .init(name: "新名字", disabled: false))
        let back = try await cycle.sessions.login(login: "tianbao", password: "Fresh-start-2026", ip: "192.0.2.9")
        #expect(back.user.name == "新名字")
        // Authority as for creating: a 主管部门's administrator cannot make a 单位's filler a 财政审核, nor touch the root's people.
        _ = try await cycle.people.createUser(root, .init(login: "dept-admin", name: "部门管理员", role: .admin, org: "420103001", password: Harness.password))
        let department = try await AttackTests.caller(cycle, "dept-admin")
        await #expect(throws: StoreError.self) { _ = try await cycle.people.updateUser(department, login: "tianbao", .init(role: .finance)) }
        await #expect(throws: StoreError.self) { _ = try await cycle.people.resetPassword(department, login: "caizheng") }
        await #expect(throws: StoreError.self) { _ = try await cycle.people.updateUser(root, login: "admin", .init(disabled: true)) }
        _ = try await cycle.people.unlockUser(department, login: "tianbao")
        await harness.close()
    }
}

/// Words and times (issue 21): the audit log read by people in Chinese and Beijing time.
@Suite("serve: the audit log in Chinese and Beijing time") struct AuditWordsTests {
    @Test("filter by the Chinese word; the CSV export in Beijing time with Chinese actions and targets")
    func wordsAndTimes() async throws {
        #expect(AuditWords.beijing("2026-12-04T16:30:00.000Z") == "2026-12-05 00:30:00")
        #expect(AuditWords.target("report:2021/420103001001") == "2021 年度报表（420103001001）")
        #expect(AuditWords.target("report:2025/420103001001/budget") == "2025 年度部门预算（420103001001）")
        #expect(AuditWords.target("task:2025:budget") == "2025 年度部门预算任务")
        #expect(AuditWords.code("上报") == "submit" && AuditWords.code("submit") == "submit" && AuditWords.code("随便") == nil)
        let harness = try await Harness.make(.sqlite, synthetic: 0)
        let cycle = harness.cycle
        let auditor = try await AttackTests.caller(cycle, "chakan")
        let logins = try await cycle.auditTrail.entries(auditor, action: "登录", paging: Paging(limit: 500))
        #expect(logins.total >= 1 && logins.items.allSatisfy { $0.action == "login" })
        try await harness.withClient { client in
            let person = try await Person.login(client, "chakan")
            let csv = try await person.call(.get, "/api/v1/audit-log?format=csv&action=%E7%99%BB%E5%BD%95")
            #expect(csv.text.contains("时间（北京时间）") && csv.text.contains(",登录,") && csv.text.contains("用户 chakan"), "\(csv.text.prefix(300))")
            #expect(!csv.text.contains("Z,"), "CSV 中不应有 UTC 时间戳")
        }
        await harness.close()
    }
}

/// Public pages for people (issue 21): a browser gets a page in Chinese with a way back, API clients
/// keep problem details.
@Suite("serve: public pages for people") struct PublicPagesTests {
    @Test("an unknown public address: a Chinese HTML page for a browser, problem details otherwise; /public/ leads to the latest year")
    func notFound() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 0)
        try await harness.withWebClient { client in
            var browser = HTTPFields()
            browser[.accept] = "text/html,application/xhtml+xml"
            let page = try await Person.call(client, .get, "/public/2021/NOPE/", headers: browser)
            #expect(page.status == 404)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.text.contains("找不到") && page.text.contains("回到首页"))
            let api = try await Person.call(client, .get, "/public/2021/NOPE/")
            #expect(api.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            let entry = try await Person.call(client, .get, "/public/", headers: browser)
            #expect(entry.status == 303 && entry.headers[.location] == "/public/2021/")
        }
        await harness.close()
    }
}

@Suite("serve: temporary files") struct TemporaryFileTests {
    @Test("folders of uploads left by a killed server are removed at start (older than an hour); fresh ones stay")
    func staleUploads() throws {
        let temporary = FileManager.default.temporaryDirectory
        let stale = temporary.appendingPathComponent("juesuan-upload-\(UUID().uuidString)")
        let fresh = temporary.appendingPathComponent("juesuan-upload-\(UUID().uuidString)")
        for folder in [stale, fresh] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7200)], ofItemAtPath: stale.path)
        Uploads.removeStale()
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(FileManager.default.fileExists(atPath: fresh.path))
        try? FileManager.default.removeItem(at: fresh)
    }
}

@Suite("serve: batch uploads") struct BatchUploadTests {
    @Test("one bad file among several refuses them all: nothing queued")
    func allOrNothing() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 0)
        let cycle = harness.cycle
        let finance = try await AttackTests.caller(cycle, "caizheng")
        let batch = try await cycle.batchAudits.createBatch(finance, year: 2021, name: "批次")
        let seed = try Data(contentsOf: Repository.fixtures.appendingPathComponent("seed/000_a4a5e0261d017fb9.txt"))
        let files = [("a.txt", seed), ("b.txt", seed), ("坏.txt", Data([0xFF, 0xFE, 0x00])), ("c.txt", seed)]
        await #expect(throws: StoreError.self) { _ = try await cycle.batchAudits.addBatchFiles(finance, batch: batch.id, files: files) }
        #expect(try await cycle.batchAudits.batch(finance, id: batch.id, paging: Paging()).total == 0)
        let queued = try await cycle.batchAudits.addBatchFiles(finance, batch: batch.id, files: files.filter { $0.0 != "坏.txt" })
        #expect(queued.count == 3)
        await harness.close()
    }
}

@Suite("serve: findings that help") struct FindingPlaceTests {
    @Test("a finding's place reads 表1 第27行 第1栏; a code stays a code")
    func places() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 0)
        let filler = try await AttackTests.caller(harness.cycle, "tianbao")
        var dataset = try Engine.readDataset(Repository.corrected.path)
        let index = try #require(dataset.tables[.t1]?.rows.firstIndex { $0.key == .line(27) })
        dataset.tables[.t1]!.rows[index].cells[1] = Money(fen: 18_319_400)
        let result = try await harness.cycle.reports.upload(filler, year: 2021, org: Cycle.demoExample, filename: "w.xlsx", bytes: try WorkbookWriter.data(dataset))
        let places = Set(result.findings.filter { $0.severity == .error }.map(\.place))
        #expect(places.contains("表1 第27行 第1栏"), "\(places)")
        await harness.close()
    }
}

@Suite("serve: a version's PDF") struct VersionPDFTests {
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func add() { lock.lock(); value += 1; lock.unlock() }
        var count: Int { lock.lock(); defer { lock.unlock() }; return value }
    }

    @Test("made once and kept: the second download does not print again; a version not published is a draft")
    func keptOnce() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 0)
        let filler = try await AttackTests.caller(harness.cycle, "tianbao")
        _ = try await harness.cycle.reports.upload(filler, year: 2021, org: Cycle.demoExample, filename: "w.xlsx", bytes: Workbooks.corrected)
        let counter = Counter()
        for _ in 0..<3 {
            let data = try await harness.cycle.reports.versionPDF(filler, year: 2021, org: Cycle.demoExample, version: nil) { _, draft in
                counter.add()
                return Data("%PDF-draft=\(draft)".utf8)
            }
            #expect(String(decoding: data, as: UTF8.self) == "%PDF-draft=true")
        }
        #expect(counter.count == 1)
        await harness.close()
    }

    @Test("a draft PDF carries 草稿 on every page; the published one never does",
          .enabled(if: ExternalTools.printing, Comment(rawValue: ExternalTools.printingMissing)))
    func watermark() throws {
        let dataset = try Engine.readDataset(Repository.corrected.path)
        for draft in [true, false] {
            let publication = try Publisher.build(dataset, catalog: try Engine.catalog(), rules: try Engine.rules(), source: "t", pdf: true, draft: draft)
            let pdf = try #require(publication.published["report.pdf"])
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-draft-\(UUID().uuidString).pdf")
            try pdf.write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            // -raw: the watermark is rotated text, which the layout mode leaves out.
            let text = try Subprocess.run(URL(fileURLWithPath: "/usr/bin/pdftotext"), ["-raw", file.path, "-"]).stdout
            let pages = text.split(separator: "\u{0C}").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            #expect(pages.count > 5)
            if draft {
                #expect(pages.allSatisfy { $0.contains("草稿") }, "每一页都应有“草稿”")
            } else {
                #expect(!text.contains("草稿"))
            }
        }
    }
}
