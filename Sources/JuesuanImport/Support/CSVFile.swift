import CSV
import Foundation
import JuesuanCore

/// A CSV file read into records that remember their line, so messages can point at it.
public struct CSVFile: Sendable {
    /// One data record.
    public struct Record: Sendable {
        /// 1-based line where the record starts.
        public var line: Int
        /// Field values, untrimmed.
        public var fields: [String]

        /// The field at `index`, trimmed; "" when the record is short.
        public subscript(_ index: Int) -> String {
            index < fields.count ? fields[index].trimmingSpaces() : ""
        }
    }

    /// The name used in messages.
    public var name: String
    /// The header row, trimmed.
    public var header: [String]
    /// Data records (blank records skipped).
    public var records: [Record]

    /// Reads CSV `text`; the first record is the header.
    public init(text: String, name: String) throws(InputError) {
        self.name = name
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: false)
        } catch {
            throw InputError(file: name, line: 1, reason: "不是有效的 CSV：\(error)")
        }
        var line = 1
        var header: [String]?
        var records: [Record] = []
        while let fields = reader.next() {
            let start = line
            line += 1 + fields.reduce(0) { $0 + $1.utf8.reduce(0) { $1 == 10 ? $0 + 1 : $0 } }
            if header == nil {
                header = fields.map { $0.trimmingSpaces() }
                continue
            }
            if fields.allSatisfy({ $0.isEmpty || $0.trimmingSpaces().isEmpty }) { continue }
            records.append(Record(line: start, fields: fields))
        }
        if let error = reader.error {
            throw InputError(file: name, line: line, reason: "CSV 格式错误（引号不配对或字段不完整）：\(error)")
        }
        guard let header, !header.allSatisfy(\.isEmpty) else {
            throw InputError(file: name, line: 1, reason: "CSV 文件为空，缺少表头行")
        }
        self.header = header
        self.records = records
    }

    /// Reads the CSV file at `url`.
    public init(url: URL, name: String? = nil) throws(InputError) {
        let displayName = name ?? url.path
        try self.init(text: try TextFile.read(url, displayName: displayName), name: displayName)
    }

    /// The index of the first header named one of `names`.
    public func column(_ names: String...) -> Int? {
        header.firstIndex { names.contains($0) }
    }
}
