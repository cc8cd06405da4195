import Foundation
import JuesuanCore
import JuesuanTestSupport
import Testing

@Suite("文本查找")
struct TextTests {
    @Test("includes 与逐字查找一致（随机中英文本，种子固定）")
    func includesAgreesWithLiteralSearch() {
        var generator = SeededGenerator(seed: 2026)
        let alphabet: [Character] = ["年", "度", "预", "算", "支", "出", "1", "2", ".", "%", "：", " ", "a", "元"]
        func random(_ length: Int) -> String {
            String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
        }
        for _ in 0..<2000 {
            let text = random(Int.random(in: 0..<30, using: &generator))
            let word = random(Int.random(in: 0..<4, using: &generator))
            let expected = word.isEmpty || text.range(of: word, options: .literal) != nil
            #expect(text.includes(word) == expected, "“\(text)” 中查“\(word)”")
            #expect(text.dropFirst().includes(word) == (word.isEmpty || text.dropFirst().range(of: word, options: .literal) != nil))
        }
    }

    @Test("includes 不在多字节字符中间误配")
    func noMatchInsideACharacter() {
        // “预” is E9 A2 84; its trailing bytes alone are not a character and must not match.
        #expect("预算".includes("算"))
        #expect(!"预".includes("\u{84}"))
        #expect(!"年初预算".includes("决算"))
    }
}

@Suite("外部程序的时限")
struct ChildProcessLimitTests {
    @Test("a program past its wall-clock limit is killed with its process group, and the run fails in Chinese")
    func killedAtTheLimit() throws {
        let started = Date()
        do {
            // A shell that starts a child of its own: both must go.
            try ChildProcess.run("/bin/sh", ["-c", "sleep 30 & sleep 30; wait"], secondsLimit: 0.5)
            Issue.record("应在时限后停止")
        } catch let failure as ChildProcess.Failure {
            #expect(failure.description.contains("超过"))
        }
        #expect(Date().timeIntervalSince(started) < 25, "sleep 30 不应跑完")
        #expect(try ChildProcess.run("/bin/sh", ["-c", "exit 3"]) == 3)
    }
}

@Suite("仓库的布局")
struct LayoutOfTheRepository {
    @Test("no two paths differ only by case (they would be one folder on a case-insensitive file system)")
    func noCaseTwins() throws {
        let root = Repository.root
        var checked = 0
        func walk(_ folder: URL) throws {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }
            var seen: [String: String] = [:]
            for name in names {
                if let other = seen[name.lowercased()] {
                    Issue.record("“\(folder.path.dropFirst(root.path.count))/\(other)”与“\(name)”只差大小写")
                }
                seen[name.lowercased()] = name
                checked += 1
                let url = folder.appendingPathComponent(name)
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue,
                   !["build", "node_modules"].contains(name) {
                    try walk(url)
                }
            }
        }
        for top in ["Sources", "Tests", "examples", "benchmarks", "docs", "script", "Fuzz"] {
            try walk(root.appendingPathComponent(top))
        }
        try walk(root)
        #expect(checked > 100)
    }
}
