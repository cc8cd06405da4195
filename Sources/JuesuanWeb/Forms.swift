import Foundation
import MultipartKit

/// A posted form: fields (urlencoded or multipart) and uploaded files.
struct Form: Sendable {
    struct File: Sendable {
        var name: String
        var filename: String
        var data: Data
    }

    var fields: [String: String] = [:]
    /// The field names in the order the form sent them (the first time each appears).
    var order: [String] = []
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
            let name = decode(key)
            if form.fields[name] == nil { form.order.append(name) }
            form.fields[name] = parts.count > 1 ? decode(parts[1]) : ""
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

    /// multipart/form-data (RFC 7578), parsed by MultipartKit's streaming parser: each part's
    /// Content-Disposition names a field, or a file when it has a filename. nil when malformed.
    static func multipart(_ body: Data, boundary: String) -> Form? {
        final class Collector {
            var form = Form()
            var disposition: String?
            var content = Data()
        }
        let collector = Collector()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { field, value in
            if field.lowercased() == "content-disposition" { collector.disposition = "content-disposition: " + value }
        }
        parser.onBody = { buffer in
            collector.content.append(contentsOf: buffer.readableBytesView)
        }
        parser.onPartComplete = {
            defer { collector.disposition = nil; collector.content = Data() }
            guard let line = collector.disposition, let name = parameter("name", in: line) else { return }
            if let filename = parameter("filename", in: line) {
                collector.form.files.append(File(name: name, filename: filename, data: collector.content))
            } else {
                if collector.form.fields[name] == nil { collector.form.order.append(name) }
                collector.form.fields[name] = String(decoding: collector.content, as: UTF8.self)
            }
        }
        let bytes = [UInt8](body)
        guard headerNamesAreASCII(bytes, boundary: Array("--\(boundary)".utf8)) else { return nil }
        do { try parser.execute(bytes) } catch { return nil }
        return collector.form
    }

    /// MultipartKit 4.7.1 traps (index out of range) on a header name byte of 0x80 or more: a
    /// remote crash. Every line of every header block after a delimiter must have an ASCII name
    /// (values may be UTF-8: Chinese file names are sent raw). Scans every place the delimiter
    /// occurs, a superset of where the parser reads header names.
    static func headerNamesAreASCII(_ body: [UInt8], boundary delimiter: [UInt8]) -> Bool {
        guard !delimiter.isEmpty, body.count >= delimiter.count else { return true }
        var index = 0
        while index <= body.count - delimiter.count {
            guard body[index] == delimiter[0], body[index..<(index + delimiter.count)].elementsEqual(delimiter) else {
                index += 1
                continue
            }
            // After the delimiter: the rest of its line, then header lines up to an empty line.
            var position = index + delimiter.count
            var lineStart = true, inName = true, lineLength = 0
            while position < body.count {
                let byte = body[position]
                if byte == 0x0A {
                    if lineLength == 0 && !lineStart { break }
                    lineStart = false
                    inName = true
                    lineLength = 0
                } else if byte != 0x0D {
                    lineLength += 1
                    if byte == 0x3A { inName = false } else if inName && byte >= 0x80 { return false }
                }
                position += 1
            }
            index += delimiter.count
        }
        return true
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
