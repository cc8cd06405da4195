import Foundation
import JuesuanCore
import Testing

@Suite("replacing in one pass")
struct ReplaceTests {
    @Test("one pattern: the same as Foundation's replacingOccurrences, on seeded texts with Chinese, tags and entities")
    func matchesFoundation() {
        var generator = SeededGenerator(seed: 20261205)
        let pieces = ["<table class=\"", "</table>", "表", "江汉区", "&amp;", "&lt;", "a", " ", "<", "&", "\n", "“”", "</tab", "le>"]
        let pairs: [(String, String)] = [("<table class=\"", "<div class=\"table-scroll\"><table class=\""), ("</table>", "</table></div>"),
                                         ("&lt;", "<"), ("&amp;", "&"), ("江汉", "X"), ("a", "")]
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 0..<40, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            for (pattern, replacement) in pairs {
                #expect(Replace.all(text, [(pattern, replacement)]) == text.replacingOccurrences(of: pattern, with: replacement), "\(text)")
            }
        }
    }

    @Test("several patterns in one pass: a replacement is never replaced again; an empty pattern is ignored")
    func onePass() {
        #expect(Replace.all("&amp;lt;", [("&lt;", "<"), ("&amp;", "&")]) == "&lt;")
        #expect(Replace.all("<table class=\"x\"></table>", [("<table class=\"", "<div><table class=\""), ("</table>", "</table></div>")])
                == "<div><table class=\"x\"></table></div>")
        #expect(Replace.all("abc", [("", "x")]) == "abc")
        #expect(Replace.all("", [("a", "b")]) == "")
    }
}
