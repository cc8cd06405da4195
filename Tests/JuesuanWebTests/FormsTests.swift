import Foundation
import JuesuanCore
import Testing
@testable import JuesuanWeb

@Suite("web: forms")
struct FormsTests {
    static func multipart(_ boundary: String, _ parts: [(String, String?, Data)], end: Bool = true) -> Data {
        var body = Data()
        for (name, filename, content) in parts {
            body += Data("--\(boundary)\r\n".utf8)
            body += Data("Content-Disposition: form-data; name=\"\(name)\"\(filename.map { "; filename=\"\($0)\"" } ?? "")\r\n".utf8)
            if filename != nil { body += Data("Content-Type: application/octet-stream\r\n".utf8) }
            body += Data("\r\n".utf8) + content + Data("\r\n".utf8)
        }
        if end { body += Data("--\(boundary)--\r\n".utf8) }
        return body
    }

    @Test("urlencoded: + is a space, escapes decoded, a missing value is empty")
    func urlencoded() throws {
        let form = try #require(Form.parse(Data("a=1+2&b=%E5%B7%B2%26&c".utf8), contentType: "application/x-www-form-urlencoded; charset=utf-8"))
        #expect(form["a"] == "1 2" && form["b"] == "已&" && form["c"] == "")
    }

    @Test("multipart: fields and files, a Chinese file name, binary content kept byte for byte, the boundary's case kept")
    func multipart() throws {
        var bytes = Data((0...255).map { UInt8($0) })
        bytes += Data("\r\n--notTheBoundary\r\n".utf8)
        let body = Self.multipart("XyZ-42", [("_csrf", nil, Data("tok".utf8)), ("file", "江汉区 2021.xlsx", bytes),
                                             ("files", "b.pdf", Data("%PDF".utf8)), ("files", "c.txt", Data())])
        let form = try #require(Form.parse(body, contentType: "multipart/form-data; boundary=XyZ-42"))
        #expect(form["_csrf"] == "tok")
        #expect(form.files.map(\.filename) == ["江汉区 2021.xlsx", "b.pdf", "c.txt"])
        #expect(form.files.first?.data == bytes)
        #expect(form.files.last?.data.isEmpty == true)
        #expect(Form.parse(body, contentType: "multipart/form-data; boundary=xyz-42")?.files.isEmpty != false, "boundaries are case-sensitive")
    }

    @Test("a header name with a byte past ASCII (MultipartKit 4.7.1 traps on it): refused, not a crash")
    func nonASCIIHeaderName() {
        for name in ["Cont\u{E9}nt-Disposition", "名称", "X\u{80}"] {
            let body = Data("--b\r\n\(name): form-data; name=\"a\"\r\n\r\nv\r\n--b--\r\n".utf8)
            #expect(Form.parse(body, contentType: "multipart/form-data; boundary=b") == nil)
        }
        // In a second header line too, and after a first good part.
        let later = Data("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--b\r\nContent-Type: x\r\n\u{FF}: y\r\n\r\nw\r\n--b--\r\n".utf8)
        #expect(Form.parse(later, contentType: "multipart/form-data; boundary=b") == nil)
        // UTF-8 in a value (a Chinese file name) is fine.
        let chinese = Data("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"决算.xlsx\"\r\n\r\nv\r\n--b--\r\n".utf8)
        #expect(Form.parse(chinese, contentType: "multipart/form-data; boundary=b")?.files.first?.filename == "决算.xlsx")
    }

    @Test("neither kind of form, no boundary, garbage: nil or nothing, never a crash")
    func refused() {
        #expect(Form.parse(Data("{}".utf8), contentType: "application/json") == nil)
        #expect(Form.parse(Data(), contentType: nil) == nil)
        #expect(Form.parse(Data("x".utf8), contentType: "multipart/form-data") == nil)
        var generator = SeededGenerator(seed: 20261204)
        for _ in 0..<200 {
            let junk = Data((0..<Int.random(in: 0...400, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) })
            _ = Form.parse(Data("--b\r\n".utf8) + junk, contentType: "multipart/form-data; boundary=b")
        }
        let truncated = Self.multipart("b", [("name", nil, Data("值".utf8)), ("file", "a.xlsx", Data(repeating: 7, count: 100))], end: false)
        let form = Form.parse(truncated, contentType: "multipart/form-data; boundary=b")
        #expect(form?.files.isEmpty != false, "a part cut short is not taken as a whole file")
    }
}

