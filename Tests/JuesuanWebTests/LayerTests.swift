import Foundation
import JuesuanTestSupport
import Testing

/// What each server layer must not do, read from its sources (issue 22's "done when"): the web builds no HTML in
/// Swift and lists no roles; the API dispatches on typed operations, not on names; the store knows nothing of HTTP.
@Suite("layers: what each server module leaves to the others")
struct LayerTests {
    /// The Swift sources of one target, file name and text, comments removed (a comment may mention anything).
    static func sources(_ target: String) throws -> [(file: String, lines: [String])] {
        let folder = Repository.root.appendingPathComponent("Sources/\(target)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }.sorted()
        #expect(!files.isEmpty, "\(target) has sources")
        return try files.map { file in
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            return (file, text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                let code = line.range(of: "//").map { String(line[..<$0.lowerBound]) } ?? String(line)
                return code
            })
        }
    }

    static func matches(_ target: String, _ pattern: String) throws -> [String] {
        let regex = try Regex(pattern)
        var found: [String] = []
        for (file, lines) in try sources(target) {
            for (index, line) in lines.enumerated() where line.contains(regex) {
                found.append("\(target)/\(file):\(index + 1): \(line.trimmingCharacters(in: .whitespaces).prefix(100))")
            }
        }
        return found
    }

    @Test("the web layer builds no HTML in Swift strings beyond a single tag: pages come from templates")
    func noHTMLInSwift() throws {
        // A string holding an element with attributes or content: after a quote, an opening tag, then a closing tag
        // or a quoted attribute (`"<td class=\"x\">1</td>"`, `"<p>" + text + "</p>"`).
        let tags = "div|table|section|form|tr|td|th|ul|ol|li|p|span|a|button|input|select|h[1-6]|nav|main|header|footer"
        let found = try Self.matches("JuesuanWeb", #""[^\n]*<("# + tags + #")[ >/][^\n]*(</|=\\"|=')"#)
        #expect(found.isEmpty, "\(found)")
    }

    @Test("the web and the server list no roles: what a caller may do is the store's answer")
    func noRoleLists() throws {
        let pattern = #"(\[|==|!=|case|,)\s*\.(filler|reviewer|finance|admin|readonly)\b|Role\.(filler|head|reviewer|finance|admin|readonly)\b"#
        let found = try Self.matches("JuesuanWeb", pattern) + Self.matches("JuesuanServer", pattern)
        #expect(found.isEmpty, "\(found)")
    }

    @Test("the API dispatches on its typed operations: no switch over names, no force-unwrapped caller")
    func typedDispatch() throws {
        let found = try Self.matches("JuesuanServer", #"case\s+""#) + Self.matches("JuesuanServer", #"caller!"#)
        #expect(found.isEmpty, "\(found)")
    }

    @Test("the store knows nothing of HTTP: no HTTP types, no status codes; they are mapped at the edge")
    func storeWithoutHTTP() throws {
        let found = try Self.matches("JuesuanStore", #"^import (Hummingbird|HummingbirdCore|HTTPTypes|NIOHTTP1)$|HTTPResponse|\.status\b|statusCode"#)
        #expect(found.isEmpty, "\(found)")
    }
}
