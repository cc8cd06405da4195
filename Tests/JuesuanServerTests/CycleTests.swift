import Foundation
import HTTPTypes
import HummingbirdTesting
import Juesuan
import JuesuanServer
@testable import JuesuanStore
import JuesuanTestSupport
import SQLKit
import Testing

/// The whole yearly cycle through the API, as the README's curl walk does it.
@Suite("serve: the cycle") struct CycleTests {
    static let unit = Cycle.demoExample
    static let base = "/api/v1/reports/2021/\(Cycle.demoExample)"

    @Test("单位 uploads, explains, submits; 主管部门 returns and approves; 财政 approves; publish; public files", arguments: StoreKind.available)
    func walk(_ kind: StoreKind) async throws {
        let harness = try await Harness.make(kind)
        do {
            try await harness.withClient { client in
                let filler = try await Person.login(client, "tianbao")
                // A version with errors: stored, findings returned, submission refused with the reason.
                let first = try await filler.call(.post, Self.base + "/versions?filename=workbook.xlsx", body: Workbooks.asPrinted)
                #expect(first.status == 201)
                let firstVersion = first.json["version"] as? [String: Any]
                #expect(firstVersion?["errors"] as? Int == 6)
                let findings = first.json["findings"] as? [[String: Any]] ?? []
                #expect(findings.filter { $0["severity"] as? String == "error" }.allSatisfy { !($0["place"] as? String ?? "").isEmpty })
                let refused = try await filler.call(.post, Self.base + "/transitions", json: ["action": "submit"])
                #expect(refused.status == 409)
                #expect((refused.json["detail"] as? String ?? "").contains("个错误未改正"))
                #expect(refused.headers[.contentType]?.hasPrefix("application/problem+json") == true)

                // The corrected version: no errors; every warning needs its 说明.
                let second = try await filler.call(.post, Self.base + "/versions?filename=workbook-fixed.xlsx", body: Workbooks.corrected)
                #expect(second.status == 201)
                #expect((second.json["version"] as? [String: Any])?["number"] as? Int == 2)
                #expect((second.json["version"] as? [String: Any])?["errors"] as? Int == 0)
                let warnings = (second.json["findings"] as? [[String: Any]] ?? []).filter { $0["severity"] as? String == "warning" }
                #expect(!warnings.isEmpty)
                let early = try await filler.call(.post, Self.base + "/transitions", json: ["action": "submit"])
                #expect(early.status == 409)
                #expect((early.json["detail"] as? String ?? "").contains("尚未填写说明"))
                for warning in warnings {
                    let explained = try await filler.call(.put, Self.base + "/versions/2/explanations",
                                                          json: ["finding": warning["key"] as! String, "text": "经核实，系口径差异，已在说明中注明。"])
                    #expect(explained.status == 200, "\(explained.text)")
                }
                // An error cannot be explained away.
                let errorKey = findings.first { $0["severity"] as? String == "error" }?["key"] as? String ?? ""
                let notWarning = try await filler.call(.put, Self.base + "/versions/1/explanations", json: ["finding": errorKey, "text": "不改了"])
                #expect(notWarning.status == 409)
                let submitted = try await filler.call(.post, Self.base + "/transitions", json: ["action": "submit"])
                #expect(submitted.status == 200, "\(submitted.text)")
                #expect(submitted.json["state"] as? String == "已上报")
                // No new version after 上报.
                let late = try await filler.call(.post, Self.base + "/versions", body: Workbooks.corrected)
                #expect(late.status == 409)

                // 主管部门 finds it in the inbox and returns it: a reason is required.
                let reviewer = try await Person.login(client, "zhuguan")
                let inbox = try await reviewer.call(.get, "/api/v1/years/2021/inbox?state=已上报&q=人民政府办公室")
                #expect(((inbox.json["items"] as? [[String: Any]]) ?? []).contains { $0["org"] as? String == Self.unit })
                let noReason = try await reviewer.call(.post, Self.base + "/transitions", json: ["action": "return"])
                #expect(noReason.status == 422)
                let returned = try await reviewer.call(.post, Self.base + "/transitions", json: ["action": "return", "reason": "表3 基本支出与表5 不一致，请核对。"])
                #expect(returned.status == 200)
                #expect(returned.json["state"] as? String == "填报中")
                // The unit sees the reason, and resubmits (the version and its explanations are kept).
                let seen = try await filler.call(.get, Self.base)
                #expect(seen.json["returnReason"] as? String == "表3 基本支出与表5 不一致，请核对。")
                let again = try await filler.call(.post, Self.base + "/transitions", json: ["action": "submit"])
                #expect(again.status == 200, "\(again.text)")

                // A stale revision is refused; the current one is accepted.
                let stale = try await reviewer.call(.post, Self.base + "/transitions", json: ["action": "approve", "revision": 1])
                #expect(stale.status == 409)
                let current = try await reviewer.call(.get, Self.base)
                let approved = try await reviewer.call(.post, Self.base + "/transitions",
                                                       json: ["action": "approve", "revision": current.json["revision"] as! Int])
                #expect(approved.json["state"] as? String == "主管部门已审核", "\(approved.text)")

                let finance = try await Person.login(client, "caizheng")
                let financeApproved = try await finance.call(.post, Self.base + "/transitions", json: ["action": "approve"])
                #expect(financeApproved.json["state"] as? String == "财政已审核", "\(financeApproved.text)")
                // The public package is made beside the server when 财政 approves (the worker's step), so that 公开 only copies it.
                #expect(try await harness.cycle.publishing.prepareNextPublication(), "the approved version's package is made")
                #expect(try await !harness.cycle.publishing.prepareNextPublication(), "nothing else waits")
                let prepared = try await harness.cycle.publishing.publicationFiles(try await harness.cycle.reports.report(try await AttackTests.caller(harness.cycle, "caizheng"),
                                                                                                       year: 2021, org: Self.unit))
                #expect(prepared["index.html"] != nil && prepared["workbook.xlsx"] != nil)
                let published = try await finance.call(.post, Self.base + "/transitions", json: ["action": "publish"])
                #expect(published.status == 200, "\(published.text)")
                #expect(published.json["state"] as? String == "已公开")
                #expect(published.json["publicPath"] as? String == "/public/2021/\(Self.unit)/")

                // The public address, without login: page, workbook (and PDF when Chromium is here); no review information.
                let page = try await Person.call(client, .get, "/public/2021/\(Self.unit)/")
                #expect(page.status == 200)
                #expect(page.text.contains("武汉市江汉区人民政府办公室"))
                for word in ["经核实，系口径差异", "<section class=\"findings\"", "检查结果", "退回"] {
                    #expect(!page.text.contains(word), "公开页面不应含“\(word)”")
                }
                let workbook = try await Person.call(client, .get, "/public/2021/\(Self.unit)/workbook.xlsx")
                #expect(workbook.status == 200)
                #expect(workbook.body == prepared["workbook.xlsx"], "公开 copied the prepared package")
                #expect(workbook.body.starts(with: [0x50, 0x4B]))
                if ExternalTools.printing {
                    let pdf = try await Person.call(client, .get, "/public/2021/\(Self.unit)/report.pdf")
                    #expect(pdf.status == 200)
                    #expect(pdf.body.starts(with: Array("%PDF".utf8)))
                }
                let review = try await Person.call(client, .get, "/public/2021/\(Self.unit)/review.html")
                #expect(review.status == 404)
                // The bureau's list of units not yet published no longer holds it.
                let unpublished = try await finance.call(.get, "/api/v1/years/2021/inbox?problem=unpublished&limit=500")
                let waiting = (unpublished.json["items"] as? [[String: Any]]) ?? []
                #expect(!waiting.isEmpty && !waiting.contains { $0["org"] as? String == Self.unit })
                #expect(waiting.allSatisfy { $0["state"] as? String != "已公开" })
                let listed = try await Person.call(client, .get, "/api/v1/public/2021")
                #expect(((listed.json["items"] as? [[String: Any]]) ?? []).contains { $0["org"] as? String == Self.unit })

                // The audit log (read by 只读) has every step, before → after.
                let auditor = try await Person.login(client, "chakan")
                let log = try await auditor.call(.get, "/api/v1/audit-log?target=report:2021/\(Self.unit)&limit=100")
                let actions = ((log.json["items"] as? [[String: Any]]) ?? []).compactMap { $0["action"] as? String }
                #expect(Array(actions.reversed()) == ["upload", "upload"] + Array(repeating: "explain", count: warnings.count)
                        + ["submit", "return", "submit", "approve", "approve", "publish"])
                let csv = try await auditor.call(.get, "/api/v1/audit-log?format=csv")
                #expect(csv.text.contains("编号,时间（北京时间）,操作人") && csv.text.contains(",上报,"))
            }
        } catch {
            await harness.close()
            throw error
        }
        await harness.close()
    }
}
