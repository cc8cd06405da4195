import Foundation

/// A posted form: fields (urlencoded or multipart) and uploaded files.
struct Form: Sendable {
    struct File: Sendable {
        var name: String
        var filename: String
        var data: Data
    }

    var fields: [String: String] = [:]
    var files: [File] = []

    subscript(_ name: String) -> String? { fields[name] }

    /// Parses `body` by its content type; nil when it is neither kind of form.
    static func parse(_ body: Data, contentType: String?) -> Form? {
        guard let contentType else { return nil }
        let kind = contentType.lowercased()
        if kind.hasPrefix("application/x-www-form-urlencoded") {
            return urlencoded(String(decoding: body, as: UTF8.self))
        }
        // The boundary keeps its case.
        if kind.hasPrefix("multipart/form-data"), let boundary = boundary(contentType) {
            return multipart(body, boundary: boundary)
        }
        return nil
    }

    static func urlencoded(_ text: String) -> Form {
        var form = Form()
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let key = parts.first else { continue }
            form.fields[decode(key)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return form
    }

    static func boundary(_ contentType: String) -> String? {
        guard let range = contentType.range(of: "boundary=", options: .caseInsensitive) else { return nil }
        var value = String(contentType[range.upperBound...])
        if let semicolon = value.firstIndex(of: ";") { value = String(value[..<semicolon]) }
        value = value.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        return value.isEmpty || value.count > 200 ? nil : value
    }

    /// multipart/form-data (RFC 7578): parts separated by `--boundary`, each with headers and a body.
    static func multipart(_ body: Data, boundary: String) -> Form? {
        var form = Form()
        let delimiter = Data("--\(boundary)".utf8)
        let headerEnd = Data("\r\n\r\n".utf8)
        var position = body.startIndex
        guard let first = body.range(of: delimiter, in: position..<body.endIndex) else { return nil }
        position = first.upperBound
        while position < body.endIndex {
            // "--" after a delimiter ends the body.
            if body[position...].starts(with: Data("--".utf8)) { break }
            guard let headersEnd = body.range(of: headerEnd, in: position..<body.endIndex) else { return nil }
            let headers = String(decoding: body[position..<headersEnd.lowerBound], as: UTF8.self)
            guard let next = body.range(of: Data("\r\n".utf8) + delimiter, in: headersEnd.upperBound..<body.endIndex) else { return nil }
            let content = body[headersEnd.upperBound..<next.lowerBound]
            var name: String?, filename: String?
            for line in headers.split(whereSeparator: \.isNewline) where line.lowercased().hasPrefix("content-disposition:") {
                name = parameter("name", in: String(line))
                filename = parameter("filename", in: String(line))
            }
            if let name {
                if let filename { form.files.append(File(name: name, filename: filename, data: Data(content))) } else {
                    form.fields[name] = String(decoding: content, as: UTF8.self)
                }
            }
            position = next.upperBound
        }
        return form
    }

    static func parameter(_ key: String, in line: String) -> String? {
        for piece in line.split(separator: ";").dropFirst() {
            let trimmed = piece.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix(key + "=") else { continue }
            var value = String(trimmed.dropFirst(key.count + 1))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.replacingOccurrences(of: "%22", with: "\"")
        }
        return nil
    }
}
