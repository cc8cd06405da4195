import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanNarrative
import JuesuanPerformance
import JuesuanRender
import JuesuanRules
import JuesuanXLSX

/// A built disclosure package, in memory: the published files, the review files, and what the
/// check found. `PackageWriter` puts it into a folder.
public struct Publication: Sendable {
    /// The disclosure the package was built from.
    public var disclosure: Disclosure
    /// Every finding of the rule catalogue.
    public var findings: [Finding]
    /// The self-evaluation forms with their computed scores.
    public var scores: [ScoredForm]
    /// Files that a unit publishes, by relative path: `index.html`, `report.pdf`, `workbook.xlsx`,
    /// `data/*.csv`, `datapackage.json`. They hold no findings, explanations or computed scores.
    public var published: [String: Data]
    /// Files for the unit and its reviewers only: `review.html`, `findings.json`.
    public var review: [String: Data]
    /// Why `report.pdf` is missing, when it is.
    public var pdfProblem: Problem?

    /// Published and review files together.
    public var files: [String: Data] { published.merging(review) { first, _ in first } }
}

/// Builds the disclosure package of a dataset: check, score, Part 3, page, PDF, workbook, open data.
public enum Publisher {
    /// The package of `disclosure`. `pdf` prints `report.pdf` with Chromium; when that fails the rest
    /// is still built and `pdfProblem` says why. `date` is printed on the PDF's cover.
    /// `draft`: the PDF carries a "草稿" watermark on every page (a version not published).
    public static func build(_ disclosure: Disclosure, catalog: Catalog, rules: RuleCatalogue, source: String,
                             pdf: Bool = true, date: Date = Date(), draft: Bool = false) throws -> Publication {
        let scheme: ScoringScheme
        do { scheme = try ScoringScheme.chosen(by: disclosure.performance) } catch {
            throw Problem(kind: .inputInvalid, message: "\(source)：\(error)")
        }
        let scores = Scorer(scheme: scheme).score(disclosure.performance)
        let templates: NarrativeTemplates
        do { templates = try NarrativeTemplates.standard() } catch {
            throw Problem(kind: .internalFault, message: "情况说明的句式模板无法载入：\(error)")
        }
        // The workbook and the open data need only the dataset (and the scored weights): they are made
        // on the second core while the first checks, writes Part 3 and renders the pages.
        let ((findings, narrative, pages), files) = try Parallel.both({ () -> ([Finding], [GeneratedSection], [String: Data]) in
            let findings = Checker(catalogue: rules, catalog: catalog).check(disclosure)
            let narrative = NarrativeGenerator(templates: templates, disclosure: disclosure, catalog: catalog, scores: scores).generate()
            var pages: [String: Data] = [:]
            pages["index.html"] = Data(HTMLWriter.page(disclosure, scores: scores, scheme: scheme, narrative: narrative).utf8)
            pages["review.html"] = Data(HTMLWriter.review(disclosure, findings: findings, scores: scores, scheme: scheme, narrative: narrative).utf8)
            pages["findings.json"] = Data(FindingsReport.json(findings, unit: disclosure.unit, year: disclosure.year, source: source).utf8)
            return (findings, narrative, pages)
        }, { () -> [String: Data] in
            var files: [String: Data] = [:]
            for (path, data) in OpenData.files(disclosure) { files[path] = data }
            do { files["workbook.xlsx"] = try WorkbookWriter.data(withWeights(disclosure, scores)) } catch {
                throw Problem(error)
            }
            return files
        })
        var published = files
        published["index.html"] = pages["index.html"]
        var pdfProblem: Problem?
        if pdf {
            let body = HTMLWriter.render(disclosure, kind: .print, scores: scores, scheme: scheme, narrative: narrative)
            do {
                published["report.pdf"] = try PDFWriter.report(disclosure, body: body.html, outline: body.outline, date: ChineseDate.long(date),
                                                               draft: draft)
            } catch {
                pdfProblem = Problem(error)
            }
        }
        // The published page links the files that were made (no PDF link when none was printed).
        if let page = published["index.html"] {
            let links = HTMLWriter.downloads(Set(published.keys))
            published["index.html"] = Data(String(decoding: page, as: UTF8.self).replacingOccurrences(of: HTMLWriter.downloadsMarker, with: links).utf8)
        }
        let review = pages.filter { $0.key != "index.html" }
        return Publication(disclosure: disclosure, findings: findings, scores: scores, published: published, review: review,
                           pdfProblem: pdfProblem)
    }
}

extension Publisher {
    /// `disclosure` with every indicator's 分值 filled in where the form left it to be read off the
    /// printed scores (as the scorer did): a published form shows each indicator's weight.
    static func withWeights(_ disclosure: Disclosure, _ scores: [ScoredForm]) -> Disclosure {
        var copy = disclosure
        var forms = scores[...]
        if copy.performance.department != nil, let form = forms.first, form.kind == .department {
            forms = forms.dropFirst()
            for (goal, block) in zip(copy.performance.department!.goals.indices, form.blocks) {
                for (index, indicator) in zip(copy.performance.department!.goals[goal].indicators.indices, block.indicators)
                where copy.performance.department!.goals[goal].indicators[index].weight == nil {
                    copy.performance.department!.goals[goal].indicators[index].weight = indicator.weight
                }
            }
        }
        for (project, form) in zip(copy.performance.projects.indices, forms) {
            let scored = form.blocks.flatMap(\.indicators)
            for (index, indicator) in zip(copy.performance.projects[project].indicators.indices, scored)
            where copy.performance.projects[project].indicators[index].weight == nil {
                copy.performance.projects[project].indicators[index].weight = indicator.weight
            }
        }
        return copy
    }
}

/// Puts a publication into a folder, whole and atomically (`OutputFolder`).
public enum PackageWriter {
    /// Writes every file of `publication` into `path`, which must not exist, be empty or hold an
    /// earlier juesuan output, unless `force`.
    public static func write(_ publication: Publication, to path: String, force: Bool) throws {
        try OutputFolder.write(to: path, command: "build", force: force) { staging in
            for (relative, data) in publication.files.sorted(by: { $0.key < $1.key }) {
                let url = staging.appendingPathComponent(relative)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: url)
            }
        }
    }
}
