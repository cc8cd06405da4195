@_exported import JuesuanAudit
@_exported import JuesuanCore
@_exported import JuesuanImport
@_exported import JuesuanPerformance
@_exported import JuesuanRules
import Foundation
import JuesuanNarrative
import JuesuanXLSX

/// The engine in a few calls, for a front end (the command line, the server, a client of the
/// library): read, check, score, audit. Building is `Publisher`, consolidating `Consolidator`,
/// deriving `Deriver`. Every failure is an `ExplainedError` (`Problem(error)` gives its Chinese
/// message, exit status and HTTP status).
public enum Engine {
    /// The built-in code catalogue, with `supplement` (a CSV file) added when given.
    public static func catalog(supplement: String? = nil) throws -> Catalog {
        try CatalogLoader.load(userFile: supplement.map { URL(fileURLWithPath: $0) })
    }

    /// The shipped rule catalogue.
    public static func rules() throws -> RuleCatalogue { try RuleCatalogue.standard() }

    /// A dataset folder (docs/dataset.md).
    public static func readDataset(_ path: String) throws -> Disclosure {
        try DatasetReader.read(folder: URL(fileURLWithPath: path), displayName: path)
    }

    /// A workbook written by `build` (or filled in by hand from the blank one).
    public static func readWorkbook(_ path: String) throws -> Disclosure {
        try WorkbookReader.read(URL(fileURLWithPath: path), displayName: path)
    }

    /// A published report: `.pdf` (needs pdftotext) or extracted text.
    public static func readReport(_ path: String, catalog: Catalog) throws -> PublishedReport {
        try ReportReader.read(URL(fileURLWithPath: path), displayName: path, catalog: catalog)
    }

    /// Every finding of `rules` on `disclosure`.
    public static func check(_ disclosure: Disclosure, rules: RuleCatalogue, catalog: Catalog) -> [Finding] {
        Checker(catalogue: rules, catalog: catalog).check(disclosure)
    }

    /// The self-evaluation forms scored under the scheme the dataset names (or `scheme`).
    public static func score(_ disclosure: Disclosure, scheme: String? = nil) throws -> (ScoringScheme, [ScoredForm]) {
        let chosen = try ScoringScheme.chosen(by: disclosure.performance, override: scheme)
        return (chosen, Scorer(scheme: chosen).score(disclosure.performance))
    }

    /// The narrative templates, parsed once per process.
    static let narrativeTemplates: Result<NarrativeTemplates, any Error> = Result { try NarrativeTemplates.standard() }

    /// What a review shows beside the tables: the scored forms and Part 3 情况说明 written from the
    /// data, as the published page will have them.
    public static func reviewParts(_ disclosure: Disclosure, catalog: Catalog) -> (scheme: ScoringScheme?, scores: [ScoredForm],
                                                                                 narrative: [GeneratedSection]) {
        let scored = try? score(disclosure)
        let narrative = (try? narrativeTemplates.get()).map {
            NarrativeGenerator(templates: $0, disclosure: disclosure, catalog: catalog, scores: scored?.1 ?? []).generate()
        } ?? []
        return (scored?.0, scored?.1 ?? [], narrative)
    }

    /// Every finding on a published report: its tables, prose and forms.
    public static func audit(_ report: PublishedReport, rules: RuleCatalogue, catalog: Catalog) -> [Finding] {
        Auditor(rules: rules, catalog: catalog).audit(report)
    }
}
