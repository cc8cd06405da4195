import Foundation
import JuesuanTestSupport
import Testing

/// The JSON documents: the same results as recorded (apart from the order of keys), and valid
/// against the JSON Schemas in docs/schemas.
@Suite("JSON 文档：与记录的结果相同，符合 docs/schemas")
struct DocumentTests {
    static let golden = Repository.root.appendingPathComponent("Tests/JuesuanCLITests/Fixtures/golden")

    static let cases: [(String, [String])] = [
        ("check-as-printed", ["check", "examples/jianghan-2021-as-printed", "--format", "json"]),
        ("check-corrected", ["check", "examples/jianghan-2021", "--format", "json"]),
        ("audit-seed", ["audit", "Tests/Fixtures/seed/000_a4a5e0261d017fb9.txt", "--format", "json"]),
        ("audit-putuo", ["audit", "Tests/Fixtures/corpus/putuo-finance-2024-final-accounts.pdf", "--format", "json"]),
        ("audit-planted", ["audit", "Tests/Fixtures/corpus/putuo-finance-2024-final-accounts-with-planted-errors.pdf", "--format", "json"]),
        ("audit-template", ["audit", "Tests/Fixtures/corpus/shanghai-2024-final-accounts-template.pdf", "--format", "json"]),
        ("score-as-printed", ["score", "examples/jianghan-2021-as-printed", "--format", "json"]),
    ]

    @Test("每条命令的 JSON 与记录的相同（键的顺序除外）", .enabled(if: ExternalTools.poppler, Comment(rawValue: ExternalTools.popplerMissing)),
          arguments: cases.map(\.0))
    func sameAsRecorded(_ name: String) throws {
        let arguments = try #require(Self.cases.first { $0.0 == name }?.1)
        let result = try CLI.run(arguments)
        let output = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? NSDictionary
        let recorded = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.golden.appendingPathComponent("\(name).json"))) as? NSDictionary
        #expect(output != nil && output == recorded, "\(name) 的结果与 Tests/JuesuanCLITests/Fixtures/golden/\(name).json 不同")
    }

    @Test("审阅的每条问题都指出所印的行（PDF 还有页），自评表的问题也是", .enabled(if: ExternalTools.poppler, Comment(rawValue: ExternalTools.popplerMissing)),
          arguments: ["audit-seed", "audit-putuo", "audit-planted"])
    func everyFindingHasItsLine(_ name: String) throws {
        let arguments = try #require(Self.cases.first { $0.0 == name }?.1)
        let object = try JSONSerialization.jsonObject(with: Data(try CLI.run(arguments).stdout.utf8)) as? [String: Any]
        let findings = try #require(object?["findings"] as? [[String: Any]])
        #expect(!findings.isEmpty)
        let pdf = arguments[1].hasSuffix(".pdf")
        for finding in findings where finding["rule"] as? String != "T-MISSING" {
            #expect(finding["line"] as? Int != nil, "\(finding["rule"] ?? "") 没有行号：\(finding["message"] ?? "")")
            if pdf { #expect(finding["page"] as? Int != nil, "\(finding["rule"] ?? "") 没有页码") }
        }
        if name == "audit-seed" { #expect(findings.contains { ($0["rule"] as? String)?.hasPrefix("P-") == true }) }
    }

    @Test("记录的文档与 build 写出的 findings.json 都符合 JSON Schema", .enabled(if: ExternalTools.jsonschema, Comment(rawValue: ExternalTools.jsonschemaMissing)))
    func validAgainstSchemas() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-schema-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(try CLI.run(["build", "examples/jianghan-2021-as-printed", "--out", out.path, "--no-pdf"]).status == 1)
        var documents = Self.cases.map { (Self.golden.appendingPathComponent("\($0.0).json").path, $0.0.hasPrefix("score") ? "scores" : "findings") }
        documents.append((out.appendingPathComponent("findings.json").path, "findings"))
        let script = """
        import json, sys, jsonschema
        root = sys.argv[1]
        pairs = sys.argv[2:]
        for path, kind in zip(pairs[0::2], pairs[1::2]):
            schema = json.load(open(root + '/docs/schemas/' + kind + '.schema.json'))
            jsonschema.Draft202012Validator.check_schema(schema)
            jsonschema.Draft202012Validator(schema).validate(json.load(open(path)))
        print('ok', len(pairs) // 2)
        """
        let output = try runTool("python3", ["-c", script, Repository.root.path] + documents.flatMap { [$0.0, $0.1] }, errors: true)
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "ok \(documents.count)", "\(output)")
    }

    @Test("改动一条记录就不再符合：Schema 会拒绝缺字段、错级别、错表名", .enabled(if: ExternalTools.jsonschema, Comment(rawValue: ExternalTools.jsonschemaMissing)))
    func schemaRejects() throws {
        let script = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1] + '/docs/schemas/findings.schema.json'))
        doc = json.load(open(sys.argv[2]))
        bad = []
        for change in ['drop-line', 'severity', 'table']:
            d = json.loads(json.dumps(doc))
            f = d['findings'][0]
            if change == 'drop-line': del f['line']
            if change == 'severity': f['severity'] = 'fatal'
            if change == 'table': f['table'] = 'Table 1'
            try:
                jsonschema.validate(d, schema)
            except jsonschema.ValidationError:
                bad.append(change)
        print(' '.join(bad))
        """
        let output = try runTool("python3", ["-c", script, Repository.root.path, Self.golden.appendingPathComponent("check-as-printed.json").path], errors: true)
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "drop-line severity table", "\(output)")
    }
}
