import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanRules
import JuesuanTestSupport
import JuesuanXLSX
import Testing

/// Runs the built `juesuan` binary.
enum CLI {
    static let binary: URL = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("juesuan"),
            Repository.root.appendingPathComponent(".build/debug/juesuan"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[1]
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> Result {
        let result = try Subprocess.run(binary, arguments, environment: environment, directory: Repository.root)
        return Result(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }
}

@Suite("命令行", .serialized)
struct CLITests {
    @Test("check --format json：契约字段齐全；种子按所印：自评表的错误，退出 1")
    func checkJSON() throws {
        let result = try CLI.run(["check", "examples/jianghan-2021-as-printed", "--format", "json"])
        #expect(result.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["schema"] as? String == "juesuan.findings/1")
        let document = try #require(json["document"] as? [String: Any])
        #expect(document["unit"] as? String == "武汉市江汉区人民政府办公室")
        #expect(document["year"] as? Int == 2021)
        let summary = try #require(json["summary"] as? [String: Int])
        #expect(summary["error"] == 6)
        #expect(summary["warning"] == 15)
        let findings = try #require(json["findings"] as? [[String: Any]])
        let first = try #require(findings.first)
        for key in ["rule", "severity", "message", "line", "page", "table", "row", "column", "stated", "expected"] {
            #expect(first.keys.contains(key), "缺少字段 \(key)")
        }
        let operating = try #require(findings.first { $0["rule"] as? String == "F-OPERATING" })
        #expect(operating["severity"] as? String == "info")
        #expect(operating["stated"] as? String == "61.82")
        #expect(operating["expected"] as? String == "61.83")
    }

    @Test("check 无错误时不输出、退出 0；缺少的部分以警告列出")
    func cleanCheck() throws {
        let copy = try DatasetCopy()
        defer { copy.remove() }
        try copy.replace("disclosure.yaml", "金额: \"61.82\"", with: "金额: \"61.83\"")
        let withForms = try CLI.run(["check", copy.folder.path, "--format", "json"])
        #expect(withForms.status == 1, "所印自评表有错误")
        try FileManager.default.removeItem(at: copy.url("performance"))
        let result = try CLI.run(["check", copy.folder.path])
        #expect(result.status == 0)
        // Without the forms the only thing left to say is that Part 6 is empty.
        #expect(result.stdout.contains("D-EMPTY-PART") && result.stdout.contains("第六部分绩效自评为空"))
        #expect(result.stdout.contains("共 0 个错误，1 个警告"), "\(result.stdout)")
    }

    @Test("输入读不了：中文提示文件与行，退出 2，不写出任何文件")
    func unreadable() throws {
        let copy = try DatasetCopy()
        defer { copy.remove() }
        try copy.replace("tables/table3.csv", "651.00,651.00", with: "651.00,\"6,51.00\"")
        let out = copy.folder.appendingPathComponent("out")
        let result = try CLI.run(["build", copy.folder.path, "--out", out.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("table3.csv:5"))
        #expect(result.stderr.contains("千位分隔符"))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("index.html").path))
        let missing = try CLI.run(["check", "/nonexistent/dataset"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("不存在"))
    }

    @Test("consolidate：列出缺少的单位、有错误的单位及其首个（表内优先）问题；汇总数据集可 check，合计为各单位之和")
    func consolidate() throws {
        let manager = FileManager.default
        let root = manager.temporaryDirectory.appendingPathComponent("juesuan-consolidate-\(UUID().uuidString)")
        defer { try? manager.removeItem(at: root) }
        let units = root.appendingPathComponent("units")
        try manager.createDirectory(at: units.appendingPathComponent("c-empty"), withIntermediateDirectories: true)
        try manager.copyItem(at: Repository.example, to: units.appendingPathComponent("a"))
        try manager.copyItem(at: Repository.example, to: units.appendingPathComponent("b"))
        let facts = units.appendingPathComponent("b/disclosure.yaml")
        try String(contentsOf: facts, encoding: .utf8).replacingOccurrences(of: "名称: \"武汉市江汉区人民政府办公室\"", with: "名称: \"所属单位乙\"")
            .write(to: facts, atomically: true, encoding: .utf8)
        try manager.copyItem(at: Repository.example, to: units.appendingPathComponent("d-duplicate"))
        let table6 = units.appendingPathComponent("b/tables/table6.csv")
        let text = try String(contentsOf: table6, encoding: .utf8)
        try text.replacingOccurrences(of: "30101,基本工资,126.75", with: "30101,基本工资,136.75").write(to: table6, atomically: true, encoding: .utf8)
        let out = root.appendingPathComponent("out")
        let result = try CLI.run(["consolidate", units.path, "--out", out.path, "--name", "江汉区汇总", "--eliminate"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("汇总 2 个单位的 2021 年度部门决算"))
        #expect(result.stdout.contains("c-empty：缺少 disclosure.yaml"))
        #expect(result.stdout.contains("d-duplicate：与 \(units.appendingPathComponent("a").path) 是同一单位"))
        #expect(result.stdout.contains("所属单位乙（"))
        #expect(result.stdout.contains("有错误的单位（2）"))
        #expect(result.stdout.contains("首个：[T6-ROLL]"))
        #expect(result.stdout.contains("b/tables/table6.csv:2"))
        #expect(result.stdout.contains("内部往来抵销：0.00 万元"))
        let consolidated = try CLI.run(["check", out.path, "--format", "json"])
        #expect(consolidated.status == 1, "b 的错误带入汇总")
        let table1 = try String(contentsOf: out.appendingPathComponent("tables/table1.csv"), encoding: .utf8)
        #expect(table1.contains("1,一、一般公共预算财政拨款收入,\"3,627.88\""), "1,813.94 × 2")
        let again = try CLI.run(["consolidate", units.path, "--out", out.path])
        #expect(again.status == 1, "自己写出的文件夹可以整个重写")
        #expect(manager.fileExists(atPath: out.appendingPathComponent("review.txt").path))
        let nothing = try CLI.run(["consolidate", units.appendingPathComponent("c-empty").path, "--out", root.appendingPathComponent("none").path])
        #expect(nothing.status == 2)
        #expect(nothing.stderr.contains("没有可汇总的单位"))
        #expect(!manager.fileExists(atPath: root.appendingPathComponent("none").path))
    }

    @Test("derive：示例明细生成的数据集检查无问题；坏行说明文件、行号和值，退出 2，什么也不写")
    func derive() throws {
        let manager = FileManager.default
        let root = manager.temporaryDirectory.appendingPathComponent("juesuan-derive-\(UUID().uuidString)")
        defer { try? manager.removeItem(at: root) }
        let out = root.appendingPathComponent("demo"), cells = root.appendingPathComponent("demo.csv")
        let result = try CLI.run(["derive", "examples/ledger-demo/ledger.csv", "--out", out.path, "--cells", cells.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("由 26 条明细生成 1 个单位的九张表"))
        let check = try CLI.run(["check", out.path, "--format", "json"])
        let checked = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
        let rules = Set(((checked["findings"] as? [[String: Any]]) ?? []).compactMap { $0["rule"] as? String })
        // The tables derived from a ledger pass every table rule; what a ledger cannot give (概况,
        // 名词解释, 上年数 …) is listed as missing.
        #expect(check.status == 0 && rules.allSatisfy { $0.hasPrefix("D-") }, "\(check.stdout)")
        #expect(rules.contains("D-EMPTY-PART"))
        let table1 = try String(contentsOf: out.appendingPathComponent("tables/table1.csv"), encoding: .utf8)
        #expect(table1.contains("30,总计,955.17") && table1.contains("60,总计,955.17"))
        #expect(try String(contentsOf: cells, encoding: .utf8).hasPrefix("单位,年度,表,行,1,2,3"))

        let bad = root.appendingPathComponent("bad.csv")
        var text = try String(contentsOf: Repository.root.appendingPathComponent("examples/ledger-demo/ledger.csv"), encoding: .utf8)
        text = text.replacingOccurrences(of: "2010301,30201,一般公共预算,公用经费", with: "2010301,30201,一般公共预算,人员经费")
        try text.write(to: bad, atomically: true, encoding: .utf8)
        let failed = try CLI.run(["derive", bad.path, "--out", root.appendingPathComponent("none").path])
        #expect(failed.status == 2)
        #expect(failed.stderr.contains("bad.csv:16：经济分类 30201（办公费）属公用经费，与本行的性质“人员经费”不符（值：“30201”）"), "\(failed.stderr)")
        #expect(!manager.fileExists(atPath: root.appendingPathComponent("none").path))
    }

    @Test("derive 多个单位：每个单位一个数据集；两个文件有同一单位时退出 2，什么也不写")
    func deriveMany() throws {
        let manager = FileManager.default
        let root = manager.temporaryDirectory.appendingPathComponent("juesuan-derive-many-\(UUID().uuidString)")
        defer { try? manager.removeItem(at: root) }
        let data = root.appendingPathComponent("data")
        #expect(try CLI.run(["synth", "--units", "4", "--seed", "5", "--out", data.path, "--per-file", "2"]).status == 0)
        let ledgers = ["part-00001.csv", "part-00002.csv"].map { data.appendingPathComponent("ledger/\($0)").path }
        let out = root.appendingPathComponent("units"), cells = root.appendingPathComponent("cells.csv")
        let result = try CLI.run(["derive"] + ledgers + ["--out", out.path, "--cells", cells.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try manager.contentsOfDirectory(atPath: out.path).filter { !$0.hasPrefix(".") }.count == 4)
        let synthesized = try ["part-00001.csv", "part-00002.csv"].map { try String(contentsOf: data.appendingPathComponent("tables/\($0)"), encoding: .utf8) }
        #expect(try String(contentsOf: cells, encoding: .utf8) == synthesized[0] + synthesized[1].drop { $0 != "\n" }.dropFirst())
        let consolidated = try CLI.run(["consolidate", out.path, "--out", root.appendingPathComponent("total").path])
        #expect(consolidated.status == 0 && consolidated.stdout.contains("汇总 4 个单位"), "\(consolidated.stdout)")

        let twice = try CLI.run(["derive", ledgers[0], ledgers[0], "--out", root.appendingPathComponent("twice").path, "--cells", root.appendingPathComponent("twice.csv").path])
        #expect(twice.status == 2 && twice.stderr.contains("单位在 \(ledgers[0]) 中已有明细"), "\(twice.stderr)")
        #expect(!manager.fileExists(atPath: root.appendingPathComponent("twice").path) && !manager.fileExists(atPath: root.appendingPathComponent("twice.csv").path))
        #expect(try manager.contentsOfDirectory(atPath: root.path).allSatisfy { !$0.hasPrefix(".") }, "no staging left behind")
    }

    @Test("逐级汇总：两半各自汇总（--cells）再汇总，等于一次汇总全部；数据集、明细与表格数据可以一起汇总")
    func consolidateByLevels() throws {
        let manager = FileManager.default
        let root = manager.temporaryDirectory.appendingPathComponent("juesuan-levels-\(UUID().uuidString)")
        defer { try? manager.removeItem(at: root) }
        let data = root.appendingPathComponent("data")
        #expect(try CLI.run(["synth", "--units", "12", "--seed", "21", "--out", data.path, "--per-file", "6"]).status == 0)
        let parts = ["part-00001.csv", "part-00002.csv"].map { data.appendingPathComponent("tables/\($0)").path }
        func consolidate(_ inputs: [String], _ name: String, _ extra: [String] = []) throws -> CLI.Result {
            try CLI.run(["consolidate"] + inputs + ["--out", root.appendingPathComponent(name).path,
                                                    "--cells", root.appendingPathComponent("\(name).csv").path] + extra)
        }
        #expect(try consolidate([parts[0]], "a", ["--name", "甲区"]).status == 0)
        #expect(try consolidate([parts[1]], "b", ["--name", "乙区"]).status == 0)
        #expect(try consolidate(["a.csv", "b.csv"].map { root.appendingPathComponent($0).path }, "city", ["--name", "全市"]).status == 0)
        #expect(try consolidate(parts, "all", ["--name", "全市"]).status == 0)
        for id in 1...9 {
            let city = try String(contentsOf: root.appendingPathComponent("city/tables/table\(id).csv"), encoding: .utf8)
            let all = try String(contentsOf: root.appendingPathComponent("all/tables/table\(id).csv"), encoding: .utf8)
            #expect(city == all, "表\(id)")
        }
        // A dataset, a ledger and a cells file together; the example is the only unit with forms.
        let mixed = try consolidate([Repository.example.path, "examples/ledger-demo/ledger.csv", parts[0]], "mixed", ["--eliminate"])
        #expect(mixed.stdout.contains("汇总 8 个单位"), "\(mixed.stdout)\(mixed.stderr)")
        #expect(mixed.stdout.contains("整体绩效自评（按资金加权）") && mixed.stdout.contains("内部往来抵销"))
        let total = try String(contentsOf: root.appendingPathComponent("mixed/tables/table1.csv"), encoding: .utf8)
        let example = try String(contentsOf: Repository.example.appendingPathComponent("tables/table1.csv"), encoding: .utf8)
        #expect(total.split(separator: "\n").count == example.split(separator: "\n").count)
    }

    @Test("derive --onto：保留数据集的概况与自评表，换上明细生成的九张表；单位不同时退出 2")
    func deriveOnto() throws {
        let manager = FileManager.default
        let root = manager.temporaryDirectory.appendingPathComponent("juesuan-onto-\(UUID().uuidString)")
        defer { try? manager.removeItem(at: root) }
        try manager.createDirectory(at: root, withIntermediateDirectories: true)
        let ledger = root.appendingPathComponent("账.csv")
        try """
        单位,年度,类型,功能分类,经济分类,资金来源,性质,项目,三公,金额
        武汉市江汉区人民政府办公室,2021,收入,2010301,,一般公共预算,,,,"1,000,000.00"
        武汉市江汉区人民政府办公室,2021,支出,2010301,30101,一般公共预算,人员经费,,,"600,000.00"
        武汉市江汉区人民政府办公室,2021,支出,2010301,,一般公共预算,项目支出,督查工作经费,,"400,000.00"

        """.write(to: ledger, atomically: true, encoding: .utf8)
        let out = root.appendingPathComponent("out")
        let result = try CLI.run(["derive", ledger.path, "--onto", "examples/jianghan-2021-as-printed", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let merged = try DatasetReader.read(folder: out)
        let example = try DatasetReader.read(folder: Repository.example)
        #expect(merged.overview == example.overview)
        #expect(merged.performance.projects.count == example.performance.projects.count)
        #expect(merged.figures.priorYear.keys.sorted() == example.figures.priorYear.keys.sorted())
        #expect(merged[.t1]?.amount(.line(1), column: 1) == .yuan(1_000_000))
        #expect(merged.figures.projects.map(\.name) == ["督查工作经费"])
        #expect(merged[.t8]?.emptyStatement == example[.t8]?.emptyStatement)
        let check = try CLI.run(["check", out.path, "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
        let rules = try #require(json["findings"] as? [[String: Any]]).compactMap { $0["rule"] as? String }
        #expect(!rules.isEmpty && rules.allSatisfy { $0.hasPrefix("P-") }, "只剩自评表本身的问题：\(rules)")

        let other = try CLI.run(["derive", "examples/ledger-demo/ledger.csv", "--onto", "examples/jianghan-2021-as-printed", "--out", root.appendingPathComponent("x").path])
        #expect(other.status == 2 && other.stderr.contains("数据集的单位与明细的单位“江汉区示范街道办事处”不同"), "\(other.stderr)")
        #expect(!manager.fileExists(atPath: root.appendingPathComponent("x").path))
    }

    @Test("synth 与 consolidate 表格数据：汇总等于明细逐单位相加；改坏一格列出该单位与首个问题，退出 1；坏行退出 2，什么也不写")
    func synthAndConsolidateCells() throws {
        let manager = FileManager.default
        let root = manager.temporaryDirectory.appendingPathComponent("juesuan-synth-\(UUID().uuidString)")
        defer { try? manager.removeItem(at: root) }
        let data = root.appendingPathComponent("data")
        let synth = try CLI.run(["synth", "--units", "30", "--seed", "9", "--out", data.path, "--per-file", "7"])
        #expect(synth.status == 0, "\(synth.stderr)")
        #expect(try manager.contentsOfDirectory(atPath: data.appendingPathComponent("tables").path).sorted() == (1...5).map { "part-0000\($0).csv" })
        let fromCells = try CLI.run(["consolidate", data.appendingPathComponent("tables").path, "--out", root.appendingPathComponent("a").path])
        #expect(fromCells.status == 0, "\(fromCells.stdout)\(fromCells.stderr)")
        #expect(fromCells.stdout.contains("汇总 30 个单位") && fromCells.stdout.contains("有错误的单位：无"))
        let fromLedgers = try CLI.run(["consolidate", data.appendingPathComponent("ledger").path, "--out", root.appendingPathComponent("b").path])
        #expect(fromLedgers.status == 0, "\(fromLedgers.stdout)\(fromLedgers.stderr)")
        for id in 1...9 {
            let a = try String(contentsOf: root.appendingPathComponent("a/tables/table\(id).csv"), encoding: .utf8)
            let b = try String(contentsOf: root.appendingPathComponent("b/tables/table\(id).csv"), encoding: .utf8)
            #expect(a.split(separator: "\n").dropFirst() == b.split(separator: "\n").dropFirst(), "表\(id)：同样的行，同样的次序")
        }
        #expect(try CLI.run(["check", root.appendingPathComponent("a").path]).status == 0)

        // One amount changed in one unit: that unit is listed with the checker's first finding.
        let part = data.appendingPathComponent("tables/part-00002.csv")
        var lines = try String(contentsOf: part, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try #require(lines.firstIndex { $0.contains(",2021,3,合计,") })
        var fields = lines[index].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[4] = String(Int(Double(fields[4])! * 100 + 500_000) / 100) + ".00"
        lines[index] = fields.joined(separator: ",")
        try lines.joined(separator: "\n").write(to: part, atomically: true, encoding: .utf8)
        let broken = try CLI.run(["consolidate", data.appendingPathComponent("tables").path, "--out", root.appendingPathComponent("c").path])
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("有错误的单位（1）") && broken.stdout.contains("\(fields[0])（\(part.path):"), "\(broken.stdout)")
        #expect(broken.stdout.contains("首个：[T3-COL]"), "\(broken.stdout)")
        #expect(manager.fileExists(atPath: root.appendingPathComponent("c/review.txt").path))

        lines[index] = fields[0] + ",2021,3,合计,1,81,3.94"
        try lines.joined(separator: "\n").write(to: part, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["consolidate", data.appendingPathComponent("tables").path, "--out", root.appendingPathComponent("d").path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("part-00002.csv:\(index + 1)："), "\(bad.stderr)")
        #expect(!manager.fileExists(atPath: root.appendingPathComponent("d").path))
    }

    @Test("consolidate --roster：名单中有而数据中没有的单位列为缺少（退出 1）；名单外的单位照计并列出")
    func roster() throws {
        let manager = FileManager.default
        let root = manager.temporaryDirectory.appendingPathComponent("juesuan-roster-\(UUID().uuidString)")
        defer { try? manager.removeItem(at: root) }
        let data = root.appendingPathComponent("data")
        #expect(try CLI.run(["synth", "--units", "5", "--seed", "3", "--out", data.path]).status == 0)
        let cells = try String(contentsOf: data.appendingPathComponent("tables/part-00001.csv"), encoding: .utf8)
        var names: [String] = []
        for line in cells.split(separator: "\n").dropFirst() {
            let name = String(line.prefix { $0 != "," })
            if names.last != name { names.append(name) }
        }
        #expect(names.count == 5)
        let roster = root.appendingPathComponent("名单.csv")
        try ("单位,主管部门\n" + names.dropLast().map { "\($0),区财政局" }.joined(separator: "\n") + "\n\"某区档案馆,分馆\",区财政局\n")
            .write(to: roster, atomically: true, encoding: .utf8)
        let result = try CLI.run(["consolidate", data.appendingPathComponent("tables").path, "--out", root.appendingPathComponent("out").path,
                                  "--roster", roster.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("某区档案馆,分馆：名单中有，数据中没有"), "\(result.stdout)")
        #expect(result.stdout.contains("不在名单 \(roster.path) 中的单位（1，已计入）：\(names[4])"), "\(result.stdout)")
        #expect(result.stdout.contains("汇总 5 个单位"))
        let empty = root.appendingPathComponent("空.txt")
        try "\n".write(to: empty, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["consolidate", data.appendingPathComponent("tables").path, "--out", root.appendingPathComponent("out2").path, "--roster", empty.path])
        #expect(bad.status == 2 && bad.stderr.contains("名单为空"))
        #expect(!manager.fileExists(atPath: root.appendingPathComponent("out2").path))
    }

    @Test("build --format json：标准输出为 juesuan.findings/1，与 findings.json 相同")
    func buildJSON() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-build-json-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try CLI.run(["build", "examples/jianghan-2021-as-printed", "--out", out.path, "--no-pdf", "--format", "json"])
        #expect(result.status == 1, "有错误时写出全部文件后退出 1：\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["schema"] as? String == "juesuan.findings/1")
        #expect((object["summary"] as? [String: Int])?["error"] == 6)
        let file = try String(contentsOf: out.appendingPathComponent("findings.json"), encoding: .utf8)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == file.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("金额大到上限（100 万亿元）也不崩溃：照常报出错误；超出上限的金额以中文拒绝，退出 2")
    func hugeAmounts() throws {
        let copy = try DatasetCopy()
        defer { copy.remove() }
        try copy.replace("tables/table3.csv", "201,一般公共服务支出,\"1,506.10\",651.00,855.10,,,",
                         with: "201,一般公共服务支出,\"9,999,999,999.99\",\"9,999,999,999.99\",\"9,999,999,999.99\",,\"9,999,999,999.99\",")
        let result = try CLI.run(["check", copy.folder.path])
        #expect(result.status == 1, "\(result.stderr.prefix(300))")
        #expect(result.stdout.contains("T3-COL"))
        try copy.replace("tables/table3.csv", "9,999,999,999.99", with: "10,000,000,000.01")
        let rejected = try CLI.run(["check", copy.folder.path])
        #expect(rejected.status == 2)
        #expect(rejected.stderr.contains("金额过大（超过 100 万亿元）"))
    }

    @Test("输出文件夹写不了：中文说明原因，退出 2")
    func unwritableOutput() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-not-a-folder-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try CLI.run(["build", "examples/jianghan-2021", "--out", file.appendingPathComponent("out").path, "--no-pdf"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(file.path) 是文件而不是文件夹"))
    }

    @Test("build 印出 report.pdf（中文字体嵌入）；审阅我们自己的 PDF 没有错误", .enabled(if: ExternalTools.printing, Comment(rawValue: ExternalTools.printingMissing)))
    func pdfAuditsClean() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-pdf-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let built = try CLI.run(["build", "examples/jianghan-2021", "--out", out.path])
        #expect(built.status == 0, "\(built.stderr)")
        let pdf = out.appendingPathComponent("report.pdf")
        #expect(FileManager.default.fileExists(atPath: pdf.path), "没有 report.pdf：\(built.stderr)")
        let audited = try CLI.run(["audit", pdf.path, "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(audited.stdout.utf8)) as? [String: Any])
        let summary = try #require(json["summary"] as? [String: Int])
        #expect(summary["error"] == 0, "\(audited.stdout)")
        #expect(audited.status == 0)
    }

    @Test("开放数据：每个非空单元格一行，金额与数据集相同；datapackage.json 描述各文件")
    func openData() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-data-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(try CLI.run(["build", "examples/jianghan-2021", "--out", out.path, "--no-pdf"]).status == 0)
        let cells = try String(contentsOf: out.appendingPathComponent("data/cells.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { line in line.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let disclosure = try DatasetReader.read(folder: Repository.example)
        let expected = TableID.allCases.reduce(0) { count, id in count + (disclosure[id]?.rows.reduce(0) { $0 + $1.cells.count } ?? 0) }
        #expect(cells.count == expected)
        let total = cells.first { $0[0] == "表1" && $0[2] == "30" }
        #expect(total?[6] == "1813.94")
        let package = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("datapackage.json"))) as? [String: Any])
        #expect(package["profile"] as? String == "fiscal-data-package")
        #expect((package["resources"] as? [[String: Any]])?.count == 10)
    }

    @Test("docs/rules.md 的目录与规则目录一致")
    func rulesDoc() throws {
        let generated = try CLI.run(["rules"]).stdout
        let doc = try String(contentsOf: Repository.root.appendingPathComponent("docs/rules.md"), encoding: .utf8)
        #expect(doc.hasSuffix(generated), "docs/rules.md 过期：请用 juesuan rules 重新生成目录部分")
    }

    /// A minimal valid PDF with one page showing `text` (Latin only), or an empty page.
    static func pdf(text: String?) -> Data {
        let stream = text.map { "BT /F1 24 Tf 72 720 Td (\($0)) Tj ET" } ?? ""
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length \(stream.utf8.count) >>\nstream\n\(stream)\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var out = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(out.utf8.count)
            out += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = out.utf8.count
        out += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { out += String(format: "%010d 00000 n \n", offset) }
        out += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(out.utf8)
    }

    @Test("audit：读不了或不像部门决算的输入，中文提示，退出 2", .enabled(if: ExternalTools.poppler, Comment(rawValue: ExternalTools.popplerMissing)), arguments: ["empty.txt", "blank.pdf", "hello.pdf", "notes.txt", "fake.pdf", "missing.txt"])
    func auditUnreadable(_ name: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent(name)
        switch name {
        case "empty.txt": try Data().write(to: url)
        case "blank.pdf": try Self.pdf(text: nil).write(to: url)
        case "hello.pdf": try Self.pdf(text: "Hello, this is not a final accounts report").write(to: url)
        case "notes.txt": try Data("2021 年度部门决算情况说明\n本单位收支情况良好，没有表格。\n".utf8).write(to: url)
        case "fake.pdf": try Data("这不是 PDF".utf8).write(to: url)
        default: break
        }
        let result = try CLI.run(["audit", url.path])
        #expect(result.status == 2, "\(name)：\(result.stderr)")
        #expect(result.stderr.contains(name))
        #expect(result.stderr.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF })
    }

    @Test("audit --format json：行号指向所印数字")
    func auditJSON() throws {
        let result = try CLI.run(["audit", Repository.fixtures.appendingPathComponent("seed/000_a4a5e0261d017fb9.txt").path, "--format", "json"])
        #expect(result.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = try #require(json["findings"] as? [[String: Any]])
        let amount = try #require(findings.first { $0["rule"] as? String == "N-AMOUNT" && $0["stated"] as? String == "1506.01" })
        #expect(amount["line"] as? Int == 678)
        #expect(amount["expected"] as? String == "1,506.10")
    }

    @Test("audit 多个文件与 --checklist：每个文件一页检查表加汇总页；已有文件不替换，除非 --force；JSON 为数组")
    func auditChecklist() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-checklist-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("检查表.xlsx").path
        let seed = Repository.fixtures.appendingPathComponent("seed/000_a4a5e0261d017fb9.txt").path
        let result = try CLI.run(["audit", seed, seed, "--format", "json", "--checklist", out, "--deadline", "2022-09-30", "--published", "2022-10-08"])
        #expect(result.status == 1, "\(result.stderr)")
        let documents = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(documents.count == 2)
        guard let unzipped = try? Subprocess.run(URL(fileURLWithPath: "/usr/bin/unzip"), ["-p", out, "xl/workbook.xml", "xl/sharedStrings.xml"],
                                                 discardErrors: true) else { return }
        let xml = unzipped.stdout
        #expect(xml.contains("汇总") && xml.contains("1 武汉市江汉区人民政府办公室") && xml.contains("2 武汉市江汉区人民政府办公室"))
        #expect(xml.contains("逾期 8 天") && xml.contains("名词解释") && xml.contains("表7 一般公共预算财政拨款“三公”经费支出决算表"))
        // The seed text starts at 第一部分: no cover and no 目录 — said, not guessed.
        #expect(xml.contains("文件中没有这一部分"))
        let again = try CLI.run(["audit", seed, "--checklist", out])
        #expect(again.status == 2 && again.stderr.contains("已存在"), "\(again.stderr)")
        let forced = try CLI.run(["audit", seed, "--checklist", out, "--force"])
        #expect(forced.status == 1)
        let badDate = try CLI.run(["audit", seed, "--checklist", out, "--deadline", "2022-13-01"])
        #expect(badDate.status == 64 && badDate.stderr.contains("YYYY-MM-DD"), "\(badDate.status) \(badDate.stderr)")
    }

    @Test("import 写出的数据集可直接 check")
    func importThenCheck() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-import-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let imported = try CLI.run(["import", Repository.fixtures.appendingPathComponent("seed/000_a4a5e0261d017fb9.txt").path, "--out", out.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        let checked = try CLI.run(["check", out.path, "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(checked.stdout.utf8)) as? [String: Any])
        let findings = try #require(json["findings"] as? [[String: Any]])
        // The tables add up; what is wrong is in the self-evaluation forms, which were read back too.
        #expect(!findings.contains { ($0["table"] as? String) != nil && $0["severity"] as? String == "error" })
        #expect(findings.contains { $0["rule"] as? String == "P-PARTS" })
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("performance/department.yaml").path))
        let again = try CLI.run(["import", Repository.fixtures.appendingPathComponent("seed/000_a4a5e0261d017fb9.txt").path, "--out", out.path])
        #expect(again.status == 0, "自己写出的数据集可以整个重写：\(again.stderr)")
    }

    @Test("build --no-pdf：公开页面只链接写出的文件（没有 PDF 就不链接 PDF）")
    func downloadsWithoutPDF() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-build-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(try CLI.run(["build", "examples/jianghan-2021", "--out", out.path, "--no-pdf"]).status == 0)
        let html = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.contains("href=\"workbook.xlsx\"") && !html.contains("href=\"report.pdf\""))
        #expect(!html.contains("juesuan:downloads"))
    }

    @Test("用法错误退出 64")
    func usage() throws {
        #expect(try CLI.run(["check"]).status == 64)
        #expect(try CLI.run(["check", "examples/jianghan-2021", "--format", "xml"]).status == 64)
    }

    @Test("build 写出 index.html：九张表的每个金额都在所印的位置（与种子逐行比对），并与金样一致", .enabled(if: ExternalTools.printing, Comment(rawValue: ExternalTools.printingMissing)))
    func build() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-build-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try CLI.run(["build", "examples/jianghan-2021", "--out", out.path])
        #expect(result.status == 0)
        let html = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        let text = HTMLText.normalise(html)
        // The published page links its PDF, workbook and open data.
        #expect(html.contains("href=\"report.pdf\"") && html.contains("href=\"workbook.xlsx\"") && html.contains("href=\"datapackage.json\""))

        // Every body row of every table, blanks dropped, equals a line of the seed's table.
        let seed = try String(contentsOf: Repository.fixtures.appendingPathComponent("seed/000_a4a5e0261d017fb9.txt"), encoding: .utf8)
        let seedLines = Set(seed.split(separator: "\n").map { $0.filter { !$0.isWhitespace } })
        var compared = 0
        for row in HTMLText.tableBodyRows(html) {
            let joined = row.filter { !$0.isEmpty }.joined().filter { !$0.isWhitespace }
            guard joined.contains(where: \.isNumber) else { continue }
            let found = seedLines.contains(joined)
            #expect(found, "种子中没有这一行：\(row)")
            compared += 1
        }
        #expect(compared > 150)

        let golden = Bundle.module.url(forResource: "jianghan-2021.index", withExtension: "txt", subdirectory: "Fixtures")
        if ProcessInfo.processInfo.environment["JUESUAN_RECORD"] == "1" || golden == nil {
            let path = Repository.root.appendingPathComponent("Tests/JuesuanCLITests/Fixtures/jianghan-2021.index.txt")
            try Data(text.utf8).write(to: path)
            Issue.record("金样已重新录制：\(path.path)")
        } else {
            let expected = try String(contentsOf: golden!, encoding: .utf8)
            #expect(text == expected, "index.html 与金样不同；确认无误后以 JUESUAN_RECORD=1 重新录制")
        }
    }
}

/// Normalised text of our HTML, for golden files: one line per block or table row, cells joined by " | ".
enum HTMLText {
    static func normalise(_ html: String) -> String {
        var text = html
        if let range = text.range(of: "<style>"), let end = text.range(of: "</style>") { text.removeSubrange(range.lowerBound..<end.upperBound) }
        for (pattern, replacement) in [("</t[dh]>", " | "), ("<tr[^>]*>", "\n"), ("<(p|h[1-6]|section|header|div)[^>]*>", "\n"), ("<br>", " "), ("<[^>]+>", "")] {
            text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "\n") + "\n"
    }

    /// The cells of every row in every `<tbody>` of the nine tables.
    static func tableBodyRows(_ html: String) -> [[String]] {
        var rows: [[String]] = []
        var rest = html[...]
        while let start = rest.range(of: "<table class=\"report"), let end = rest.range(of: "</table>", range: start.upperBound..<rest.endIndex) {
            let table = rest[start.upperBound..<end.lowerBound]
            if !table.hasPrefix(" perf"), let body = table.range(of: "<tbody>") {
                for row in table[body.upperBound...].components(separatedBy: "<tr").dropFirst() {
                    let cells = row.components(separatedBy: "<td").dropFirst().map { cell -> String in
                        let content = cell.drop { $0 != ">" }.dropFirst()
                        let inner = content.components(separatedBy: "</td>").first ?? ""
                        return inner.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
                    }
                    rows.append(cells)
                }
            }
            rest = rest[end.upperBound...]
        }
        return rows
    }
}

@Suite("命令行：部门预算", .serialized, .enabled(if: ExternalTools.poppler, Comment(rawValue: ExternalTools.popplerMissing)))
struct BudgetCLITests {
    static let corpus = Repository.fixtures.appendingPathComponent("corpus")

    @Test("audit 认出部门预算；一个文件夹的几份预算之间检查衔接；--checklist 写预算的检查表；JSON 为数组")
    func auditBudgets() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-budgets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["jiangsu-procuratorate-2017-budget.pdf", "jiangsu-procuratorate-2018-budget.pdf"] {
            try FileManager.default.copyItem(at: Self.corpus.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        let text = try CLI.run(["audit", folder.path])
        #expect(text.status == 1, "\(text.stderr)")
        #expect(text.stdout.contains("部门预算检查结果") && text.stdout.contains("预决算衔接") && text.stdout.contains("C-PRIOR-BUDGET"))
        #expect(text.stdout.contains("一致 收入总计"))
        let checklist = folder.appendingPathComponent("检查表.xlsx").path
        let json = try CLI.run(["audit", folder.path, "--format", "json", "--checklist", checklist])
        let documents = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(documents.count == 3, "two budgets and their links")
        #expect(FileManager.default.fileExists(atPath: checklist))
        let empty = folder.appendingPathComponent("空")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let none = try CLI.run(["audit", empty.path])
        #expect(none.status == 2 && none.stderr.contains("没有 .pdf 或 .txt"), "\(none.stderr)")
    }

    @Test("synth --kind budget → build → audit：无问题；import 读回的 budget.json 与合成的逐格相同", .enabled(if: ExternalTools.printing))
    func synthBuildAuditImport() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-budget-build-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let synth = try CLI.run(["synth", "--kind", "budget", "--layout", "jiangsu-province", "--units", "1", "--seed", "5", "--year", "2025",
                                 "--out", folder.appendingPathComponent("合成").path])
        #expect(synth.status == 0, "\(synth.stderr)")
        let built = try CLI.run(["build", folder.appendingPathComponent("合成/001").path, "--out", folder.appendingPathComponent("公开").path])
        #expect(built.status == 0, "\(built.stderr)")
        let pdf = folder.appendingPathComponent("公开/report.pdf").path
        let audit = try CLI.run(["audit", pdf])
        #expect(audit.status == 0 && audit.stdout.isEmpty, "\(audit.stdout)")
        let datapackage = try String(contentsOf: folder.appendingPathComponent("公开/datapackage.json"), encoding: .utf8)
        #expect(datapackage.contains("\"phase\" : \"approved\""))
        let imported = try CLI.run(["import", pdf, "--out", folder.appendingPathComponent("读回").path])
        #expect(imported.status == 0, "\(imported.stderr)")
        let original = try JSONDecoder().decode(BudgetDataset.self, from: Data(contentsOf: folder.appendingPathComponent("合成/001/budget.json")))
        let back = try JSONDecoder().decode(BudgetDataset.self, from: Data(contentsOf: folder.appendingPathComponent("读回/budget.json")))
        for (id, table) in original.tables {
            #expect(back.tables[id]?.rows.map(\.cells) == table.rows.map(\.cells), "\(id)")
        }
        let bad = try CLI.run(["synth", "--kind", "budget", "--layout", "nowhere", "--units", "1", "--out", folder.appendingPathComponent("x").path])
        #expect(bad.status == 64 && bad.stderr.contains("--layout"), "\(bad.stderr)")
    }

    @Test("blank：空白的预算与决算填报工作簿；预算工作簿经 import 与 build 读回与合成的相同；填好的决算工作簿公式无值时 import 重算；不覆盖已有文件")
    func budgetWorkbook() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-budget-workbook-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let blank = folder.appendingPathComponent("空白.xlsx").path
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var result = try CLI.run(["blank", "--layout", "shanghai-district", "--year", "2026", "--department", "演示局", "--out", blank])
        #expect(result.status == 0 && result.stderr.contains("已写出空白预算填报工作簿"), "\(result.stderr)")
        result = try CLI.run(["blank", "--layout", "shanghai-district", "--year", "2026", "--department", "演示局", "--out", blank])
        #expect(result.status == 2 && result.stderr.contains("已存在"), "\(result.stderr)")
        result = try CLI.run(["blank", "--layout", "nowhere", "--year", "2026", "--department", "演示局", "--out", blank + "x.xlsx"])
        #expect(result.status == 64 && result.stderr.contains("nowhere"), "\(result.stderr)")
        // The 决算 layouts too: the nine tables with their formulas, read back by import as the unit's empty dataset.
        let final = folder.appendingPathComponent("决算空白.xlsx").path
        result = try CLI.run(["blank", "--layout", "mof-2021", "--year", "2026", "--department", "演示单位", "--out", final])
        #expect(result.status == 0 && result.stderr.contains("空白决算填报工作簿"), "\(result.stderr)")
        result = try CLI.run(["import", final, "--out", folder.appendingPathComponent("决算空白读回").path])
        #expect(result.status == 0 && result.stderr.contains("演示单位 2026 年度"), "\(result.stderr)")
        // The example written as the fillable workbook and saved by a program that keeps formulas without their values: import
        // computes them again and gives back every figure of the nine tables.
        let example = try DatasetReader.read(folder: Repository.example)
        let rules = try RuleCatalogue.standard(), catalog = try CatalogLoader.load(userFile: nil)
        let forms = Completion.linearForms(example, rules: rules, catalog: catalog).mapValues { terms in
            terms.map { WorkbookWriter.Fillable.Term(cell: $0.cell, sign: $0.sign) }
        }
        var parts = try XLSXParts.parts(try WorkbookWriter.data(example, fillable: .init(formulas: forms)))
        let regex = try NSRegularExpression(pattern: "(<f>[^<]*</f>)<v>[^<]*</v>")
        var stripped = 0
        for (path, content) in parts where path.hasPrefix("xl/worksheets/sheet") {
            let xml = String(decoding: content, as: UTF8.self)
            stripped += regex.numberOfMatches(in: xml, range: NSRange(xml.startIndex..., in: xml))
            parts[path] = Data(regex.stringByReplacingMatches(in: xml, range: NSRange(xml.startIndex..., in: xml), withTemplate: "$1").utf8)
        }
        #expect(stripped > 50)
        let filled = folder.appendingPathComponent("填好的决算.xlsx")
        try XLSXParts.zip(parts).write(to: filled)
        result = try CLI.run(["import", filled.path, "--out", folder.appendingPathComponent("决算读回").path])
        #expect(result.status == 0, "\(result.stderr)")
        let readBack = try DatasetReader.read(folder: folder.appendingPathComponent("决算读回"))
        for id in TableID.allCases {
            for row in example[id]?.rows ?? [] {
                #expect(readBack[id]?.row(row.key)?.cells == row.cells, "\(id) \(row.key)")
            }
        }
        // A blank workbook read back: the budget named in it, nothing else.
        result = try CLI.run(["import", blank, "--out", folder.appendingPathComponent("空白读回").path])
        #expect(result.status == 0, "\(result.stderr)")
        let empty = try JSONDecoder().decode(BudgetDataset.self, from: Data(contentsOf: folder.appendingPathComponent("空白读回/budget.json")))
        #expect(empty.department == "演示局" && empty.year == 2026 && empty.layout == "shanghai-district")
        // synth → build (no PDF) writes workbook.xlsx; import and build read it back as the same budget.
        result = try CLI.run(["synth", "--kind", "budget", "--layout", "mof-national", "--units", "1", "--seed", "8", "--year", "2025",
                              "--out", folder.appendingPathComponent("合成").path])
        #expect(result.status == 0, "\(result.stderr)")
        result = try CLI.run(["build", folder.appendingPathComponent("合成/001").path, "--no-pdf", "--out", folder.appendingPathComponent("公开").path])
        #expect(result.status == 0, "\(result.stderr)")
        let workbook = folder.appendingPathComponent("公开/workbook.xlsx").path
        result = try CLI.run(["import", workbook, "--out", folder.appendingPathComponent("读回").path])
        #expect(result.status == 0, "\(result.stderr)")
        let original = try JSONDecoder().decode(BudgetDataset.self, from: Data(contentsOf: folder.appendingPathComponent("合成/001/budget.json")))
        let back = try JSONDecoder().decode(BudgetDataset.self, from: Data(contentsOf: folder.appendingPathComponent("读回/budget.json")))
        #expect(back == original)
        result = try CLI.run(["build", workbook, "--no-pdf", "--out", folder.appendingPathComponent("再公开").path])
        #expect(result.status == 0 && result.stderr.contains("0 个错误"), "\(result.stderr)")
        // audit takes a budget as data: the seed's 2021 final accounts beside a 2021 budget.json of the same office whose 绩效目标 differ
        // from one 年度指标值 the 自评 form reports.
        let seedURL = Repository.fixtures.appendingPathComponent("seed/000_a4a5e0261d017fb9.txt")
        let report = try ReportReader.read(PublishedText.read(seedURL), catalog: try CatalogLoader.load(userFile: nil))
        let form = try #require(report.disclosure.performance.projects.first { !$0.indicators.isEmpty })
        var budget = original
        budget.year = report.disclosure.year
        budget.department = report.disclosure.unit
        budget.targets = [.init(project: form.name, amount: nil, indicators: form.indicators.enumerated().map { index, row in
            .init(level1: row.level1, level2: row.level2, name: row.name, value: index == 0 ? row.target + "（调整）" : row.target)
        })]
        let budgetFile = folder.appendingPathComponent("2021-预算.json")
        try budget.json().write(to: budgetFile)
        result = try CLI.run(["audit", seedURL.path, budgetFile.path])
        #expect(result.stdout.contains("预决算衔接") && result.stdout.contains("C-INDICATOR") && result.stdout.contains(form.indicators[0].name), "\(result.stdout.suffix(1500))")
        #expect(result.stdout.components(separatedBy: "C-INDICATOR").count - 1 == 1)
    }
}
