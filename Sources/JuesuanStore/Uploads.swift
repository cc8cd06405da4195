import Foundation
import Juesuan
import JuesuanLedger
import JuesuanXLSX
import ZIPFoundation

/// Limits on what an upload may hold. An XLSX or a dataset archive is a ZIP: its entries are checked
/// before anything is read (declared sizes, paths) and while they are read (actual sizes).
public struct UploadLimits: Sendable {
    /// Bytes of the request body.
    public var body = 20 * 1024 * 1024
    /// Uncompressed bytes of one ZIP entry.
    public var entry = 30 * 1024 * 1024
    /// Uncompressed bytes of all ZIP entries.
    public var total = 80 * 1024 * 1024
    /// Entries in one ZIP.
    public var entries = 2_000
    public init() {}
}

/// What an upload turned out to be.
public enum UploadKind: String, Sendable, Codable {
    /// `workbook.xlsx` as `build` writes it (or the blank one filled in).
    case workbook
    /// A dataset folder in a ZIP archive (docs/dataset.md).
    case dataset
    /// Ledger postings (记账明细 CSV): the tables derived, the rest kept from the current version.
    case ledger
    /// The same dataset checked again under the current rule catalogue.
    case recheck
    /// A 主管部门's own report: the consolidation of its units' current versions.
    case consolidation
    /// Entered in the browser (a draft saved as a version).
    case editor

    public var chineseName: String {
        switch self {
        case .workbook: "工作簿"
        case .dataset: "数据集压缩包"
        case .ledger: "记账明细"
        case .recheck: "重新检查"
        case .consolidation: "汇总"
        case .editor: "网页填报"
        }
    }
}

public enum Uploads {
    /// Reads an upload into a disclosure. `base` gives the current version's dataset (asked for ledgers only:
    /// a workbook replaces the whole report, and decoding the stored dataset for it was a tenth of an upload).
    /// A ledger names its unit and year on every line: they must be the report's (`unit`, `year`).
    static func read(_ bytes: Data, filename: String, base: () throws -> Disclosure?, limits: UploadLimits,
                     catalog: Catalog, rules: RuleCatalogue? = nil, unit: String? = nil, year: Int? = nil) throws -> (UploadKind, Disclosure) {
        let name = filename.isEmpty ? "上传的文件" : filename
        guard bytes.count <= limits.body else {
            throw StoreError.tooLarge("“\(name)”有 \(bytes.count) 字节，超过上限 \(limits.body) 字节。")
        }
        guard !bytes.isEmpty else { throw StoreError.unsupported("“\(name)”是空文件。") }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            let inflated = try checkedEntries(bytes, name: name, limits: limits)
            let entries = inflated.paths
            if BudgetWorkbook.recognizes(entries: inflated.contents) {
                throw StoreError.unsupported("“\(name)”是部门预算填报工作簿，而这是部门决算的报表：请上传决算工作簿（可在本页下载可填写的工作簿）。")
            }
            if entries.contains("xl/workbook.xml") {
                var disclosure = try readWorkbook(inflated.contents, name: name)
                // A workbook juesuan made to be filled: its computed cells are formulas (locked), which a
                // program that does not calculate leaves without values, and which do not cover codes added
                // in the blank rows. They are computed again from the parts; nothing the unit typed is touched.
                if let rules, WorkbookText.contains(inflated.contents, WorkbookWriter.fillableValue) {
                    Completion.complete(&disclosure, rules: rules, catalog: catalog)
                }
                return (.workbook, disclosure)
            }
            if let facts = entries.first(where: { $0 == DatasetReader.factsFile || $0.hasSuffix("/" + DatasetReader.factsFile) }) {
                return (.dataset, try readDataset(bytes, name: name, facts: facts, limits: limits))
            }
            throw StoreError.unsupported("“\(name)”是 ZIP 压缩包，但既不是 Excel 工作簿（缺少 xl/workbook.xml），也不是数据集（缺少 \(DatasetReader.factsFile)）。")
        }
        if bytes.starts(with: Array("%PDF".utf8)) {
            throw StoreError.unsupported("“\(name)”是 PDF：报表请上传 build 写出的 workbook.xlsx、数据集压缩包或记账明细 CSV；已公开的 PDF 请用“批量审查”。")
        }
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw StoreError.unsupported("“\(name)”不是 UTF-8 文本，也不是 Excel 工作簿或 ZIP 压缩包。")
        }
        let header = text.prefix { $0 != "\n" && $0 != "\r" }.trimmingCharacters(in: CharacterSet(charactersIn: "\u{FEFF} "))
        guard header.hasPrefix("单位,年度,类型") else {
            throw StoreError.unsupported("“\(name)”第 1 行“\(header.prefix(60))”不是记账明细的表头（应以“单位,年度,类型”开头）。")
        }
        let ledgers: [Ledger]
        do { ledgers = try LedgerReader.read(text: text, name: name) } catch { throw StoreError(Problem(error)) }
        guard ledgers.count == 1, let ledger = ledgers.first else {
            throw StoreError.invalid("“\(name)”含 \(ledgers.count) 个单位的明细；一次只能上传本单位的明细。")
        }
        if let unit, ledger.unit.trimmingCharacters(in: .whitespaces) != unit {
            throw StoreError.invalid("“\(name)”是“\(ledger.unit.prefix(60))”的记账明细，而这是“\(unit)”的报表：不能存为本单位的版本。")
        }
        if let year, ledger.year != year {
            throw StoreError.invalid("“\(name)”是 \(ledger.year) 年度的记账明细，而这是 \(year) 年度的报表。")
        }
        let derived: Disclosure
        do { derived = try LedgerDerivation.disclosure(ledger, catalog: catalog) } catch { throw StoreError(Problem(error)) }
        return (.ledger, try base().map { LedgerDerivation.merge(derived, onto: $0) } ?? derived)
    }

    /// The entry paths of a ZIP, after checking counts, declared sizes and paths; then every entry
    /// is inflated once with a running count, so a lying header cannot slip a bomb through. The
    /// inflated contents are kept (within the limits) so that nothing is inflated twice.
    static func checkedEntries(_ bytes: Data, name: String, limits: UploadLimits) throws -> (paths: [String], contents: [String: Data]) {
        let archive: Archive
        do { archive = try Archive(data: bytes, accessMode: .read) } catch {
            throw StoreError.unsupported("“\(name)”不是完整的 ZIP 压缩包（可能已损坏或被截断）。")
        }
        var paths: [String] = []
        var declared: UInt64 = 0
        for entry in archive {
            paths.append(entry.path)
            guard paths.count <= limits.entries else {
                throw StoreError.tooLarge("“\(name)”中的文件超过 \(limits.entries) 个。")
            }
            let path = entry.path
            if path.hasPrefix("/") || path.hasPrefix("\\") || path.split(whereSeparator: { $0 == "/" || $0 == "\\" }).contains("..") || path.contains(":") {
                throw StoreError.invalid("“\(name)”中的文件“\(path.prefix(120))”的路径指向压缩包之外，已拒绝。")
            }
            if entry.type == .symlink {
                throw StoreError.invalid("“\(name)”中的“\(path.prefix(120))”是符号链接，已拒绝。")
            }
            declared += entry.uncompressedSize
            if entry.uncompressedSize > UInt64(limits.entry) || declared > UInt64(limits.total) {
                throw StoreError.tooLarge("“\(name)”解压后过大（“\(path.prefix(120))”声明 \(entry.uncompressedSize) 字节；单个上限 \(limits.entry)，合计上限 \(limits.total)）：疑似压缩炸弹，已拒绝。")
            }
        }
        var actual = 0
        var contents: [String: Data] = [:]
        for entry in archive where entry.type == .file {
            var inEntry = 0
            var data = Data()
            do {
                _ = try archive.extract(entry, bufferSize: 64 * 1024, skipCRC32: false) { chunk in
                    inEntry += chunk.count
                    actual += chunk.count
                    if inEntry > limits.entry || actual > limits.total { throw BombError() }
                    data.append(chunk)
                }
                contents[entry.path] = data
            } catch is BombError {
                throw StoreError.tooLarge("“\(name)”中的“\(entry.path.prefix(120))”解压后超过上限（实际大小与声明不符）：疑似压缩炸弹，已拒绝。")
            } catch {
                throw StoreError.unsupported("“\(name)”中的“\(entry.path.prefix(120))”无法解压（压缩包损坏）。")
            }
        }
        return (paths, contents)
    }

    struct BombError: Error {}

    /// A workbook read from its inflated parts, in memory (no temporary file).
    static func readWorkbook(_ entries: [String: Data], name: String) throws -> Disclosure {
        do { return try WorkbookReader.read(entries: entries, displayName: name) } catch let error as StoreError { throw error } catch {
            throw StoreError(Problem(error, path: name))
        }
    }

    static func readDataset(_ bytes: Data, name: String, facts: String, limits: UploadLimits) throws -> Disclosure {
        try withTemporary { folder in
            let archive = try Archive(data: bytes, accessMode: .read)
            let root = folder.appendingPathComponent("dataset", isDirectory: true)
            let prefix = String(facts.dropLast(DatasetReader.factsFile.count))
            for entry in archive where entry.type == .file && entry.path.hasPrefix(prefix) {
                let relative = String(entry.path.dropFirst(prefix.count))
                guard !relative.isEmpty else { continue }
                let target = root.appendingPathComponent(relative)
                guard target.standardizedFileURL.path.hasPrefix(root.standardizedFileURL.path + "/") else { continue }
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                _ = try archive.extract(entry, to: target, skipCRC32: false)
            }
            do { return try Engine.readDataset(root.path).renamedSource(name) } catch {
                throw StoreError(Problem(error, path: name)).replacing(root.path, with: name)
            }
        }
    }

    static let temporaryPrefix = "juesuan-upload-"
    static let temporaryPath = try! NSRegularExpression(pattern: #"[^\s“”"'（(]*juesuan-upload-[0-9A-Fa-f-]{36}/(?:dataset/)?"#)

    /// A finding's text without the server's temporary folder: `…/juesuan-upload-…/dataset/performance/x.yaml`
    /// becomes `performance/x.yaml` (the path inside the upload, which is all the person knows).
    static func scrub(_ text: String) -> String {
        guard text.contains(temporaryPrefix) else { return text }
        return temporaryPath.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "")
    }

    /// Removes temporary folders of uploads and PDF readings older than an hour (left by a server
    /// that was killed): called when the server starts.
    public static func removeStale(olderThan seconds: TimeInterval = 3600) {
        let folder = FileManager.default.temporaryDirectory
        let cutoff = Date(timeIntervalSinceNow: -seconds)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        where name.hasPrefix(temporaryPrefix) || name.hasPrefix("juesuan-bbox-") {
            let url = folder.appendingPathComponent(name)
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date,
                  modified < cutoff else { continue }
            try? FileManager.default.removeItem(at: url)
        }
    }

    static func withTemporary<T>(_ body: (URL) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(temporaryPrefix + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try body(folder)
    }
}

extension Disclosure {
    func renamedSource(_ name: String) -> Disclosure {
        var copy = self
        copy.source = name
        return copy
    }
}

extension StoreError {
    func replacing(_ path: String, with name: String) -> StoreError {
        var copy = self
        copy.detail = copy.detail.replacingOccurrences(of: path, with: name)
        return copy
    }
}
