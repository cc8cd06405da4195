import Foundation
import JuesuanCore

/// Paths of the repository, found from this source file.
public enum Repository {
    /// The package root.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `examples/jianghan-2021-as-printed`: the seed's data exactly as printed, with the mistakes of
    /// its self-evaluation forms (the findings the tests expect).
    public static let example = root.appendingPathComponent("examples/jianghan-2021-as-printed")

    /// `examples/jianghan-2021`: the same unit with its forms corrected; checks without errors.
    public static let corrected = root.appendingPathComponent("examples/jianghan-2021")

    /// `Tests/Fixtures`: copies of the public documents the tests read (the seed text, the corpus PDFs),
    /// so that `swift test` passes in a fresh clone with nothing beside it.
    public static let fixtures = root.appendingPathComponent("Tests/Fixtures")
}

/// A writable copy of the example dataset in a temporary folder.
public struct DatasetCopy {
    /// The copy's folder.
    public let folder: URL

    /// Copies `examples/jianghan-2021-as-printed`, or `source`.
    public init(of source: URL = Repository.example) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("juesuan-test-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: source, to: folder)
    }

    /// The file at `relative` inside the copy.
    public func url(_ relative: String) -> URL { folder.appendingPathComponent(relative) }

    /// Rewrites the text of `relative` with `transform`.
    public func edit(_ relative: String, _ transform: (String) -> String) throws {
        let url = url(relative)
        let text = try String(contentsOf: url, encoding: .utf8)
        try Data(transform(text).utf8).write(to: url)
    }

    /// Replaces the first occurrence of `old` in `relative`; fails when it is absent.
    public func replace(_ relative: String, _ old: String, with new: String) throws {
        var found = false
        try edit(relative) { text in
            guard let range = text.range(of: old) else { return text }
            found = true
            return text.replacingCharacters(in: range, with: new)
        }
        if !found { throw CocoaError(.fileReadUnknown, userInfo: [NSDebugDescriptionErrorKey: "“\(old)” not in \(relative)"]) }
    }

    /// Writes raw bytes to `relative`.
    public func write(_ relative: String, bytes: [UInt8]) throws {
        try Data(bytes).write(to: url(relative))
    }

    /// Removes the copy.
    public func remove() { try? FileManager.default.removeItem(at: folder) }
}

extension Disclosure {
    /// The same disclosure with every "where it was read from" cleared and the tables reduced to
    /// what a dataset holds (keys, labels, cells, statements), for comparing what was written with
    /// what was read back.
    public func withoutSources() -> Disclosure {
        var copy = self
        copy.source = nil
        for id in copy.tables.keys {
            copy.tables[id]!.rows = copy.tables[id]!.rows.filter { !$0.cells.isEmpty || $0.key == .total }.map {
                TableRow(key: $0.key, label: "", cells: $0.cells)
            }.sorted { $0.key < $1.key }
            copy.tables[id]!.title = ""
            copy.tables[id]!.notes = []
        }
        func clear(_ amounts: [String: NamedAmount]) -> [String: NamedAmount] { amounts.mapValues { NamedAmount(name: $0.name, amount: $0.amount) } }
        copy.figures.priorYear = clear(copy.figures.priorYear)
        copy.figures.initialBudget = clear(copy.figures.initialBudget)
        copy.figures.procurement = clear(copy.figures.procurement)
        copy.figures.vehicleRunningDetails = copy.figures.vehicleRunningDetails.map { NamedAmount(name: $0.name, amount: $0.amount) }
        copy.figures.operatingCosts = copy.figures.operatingCosts.map { NamedAmount(name: $0.name, amount: $0.amount) }
        copy.figures.projects = copy.figures.projects.map { var project = $0; project.source = nil; return project }
        copy.glossary = copy.glossary.map { GlossaryEntry(term: $0.term, definition: $0.definition) }
        func strip(_ rows: [IndicatorRow]) -> [IndicatorRow] { rows.map { var row = $0; row.source = nil; return row } }
        if var department = copy.performance.department {
            department.source = nil
            department.goals = department.goals.map { var goal = $0; goal.indicators = strip(goal.indicators); return goal }
            copy.performance.department = department
        }
        copy.performance.projects = copy.performance.projects.map { var project = $0; project.source = nil; project.indicators = strip(project.indicators); return project }
        return copy
    }
}

/// The external programs some tests need. On a machine without them those tests are skipped with
/// the reason printed (`.enabled(if:)`); CI installs them (`script/bootstrap`).
public enum ExternalTools {
    static func onPath(_ name: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map(String.init).contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
        }
    }

    /// poppler's `pdftotext` (reading PDFs) and `pdfunite`.
    public static let poppler = onPath("pdftotext") && onPath("pdfunite")
    /// Chromium (printing report.pdf).
    public static let chromium = onPath("chromium") || onPath("chromium-browser") || onPath("google-chrome")
    /// Both: printing a PDF and reading it back.
    public static let printing = poppler && chromium
    /// Python's openpyxl (an Excel-compatible reader of the workbook).
    public static let openpyxl: Bool = python("openpyxl")
    public static let openpyxlMissing = "需要 Python 的 openpyxl：pip install openpyxl"
    /// Python's jsonschema (validating the JSON documents against docs/schemas).
    public static let jsonschema: Bool = python("jsonschema")
    public static let jsonschemaMissing = "需要 Python 的 jsonschema：pip install jsonschema"

    static func python(_ module: String) -> Bool {
        (try? Subprocess.tool("python3", ["-c", "import \(module)"]))?.status == 0
    }
    /// Why a PDF test is skipped.
    public static let popplerMissing = "需要 poppler-utils（pdftotext）：apt-get install poppler-utils poppler-data"
    public static let printingMissing = "需要 Chromium 与 poppler：apt-get install chromium fonts-noto-cjk poppler-utils"
}
