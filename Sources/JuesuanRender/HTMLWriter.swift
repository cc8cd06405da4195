import Foundation
import JuesuanCore
import JuesuanNarrative
import JuesuanPerformance
import JuesuanRules

/// Writes files so that a reader never sees half of one: a temporary file, then a rename.
public enum AtomicFile {
    /// Writes `data` to `url` atomically.
    public static func write(_ data: Data, to url: URL) throws {
        try data.write(to: url, options: .atomic)
    }
}

/// One entry of the table of contents: a part, a table or a form, and its anchor in the page.
public struct OutlineEntry: Hashable, Sendable {
    /// The heading as printed.
    public var title: String
    /// 1 for a part, 2 for a table or a form inside it.
    public var level: Int
    /// The element id in the page.
    public var anchor: String
}

/// Which page is rendered: what a unit publishes, or the review that stays inside.
public enum PageKind: Sendable {
    /// `index.html`: the disclosure as published. No findings, no computed scores, no marks.
    case published
    /// The body of `report.pdf`: the published content laid out for A4 (portrait prose, landscape
    /// tables, page numbers in the footer), without cover and contents, which are printed apart.
    case print
    /// `review.html`: the published content with every finding at its place, the computed scores
    /// beside the stated ones, and the list of what is missing. Not for publication.
    case review
}

/// Renders a disclosure as HTML laid out like the published report.
public enum HTMLWriter {
    /// Where the published page lists its downloads, filled in once the files are known.
    public static let downloadsMarker = "<!-- juesuan:downloads -->"

    /// The downloads line of the published page: the files that were made, by their names in Chinese.
    public static func downloads(_ files: Set<String>) -> String {
        let names: [(String, String)] = [("report.pdf", "PDF"), ("workbook.xlsx", "Excel 工作簿"), ("datapackage.json", "开放数据（CSV）")]
        let links = names.filter { files.contains($0.0) }.map { "<a href=\"\($0.0)\" download>\($0.1)</a>" }
        return links.isEmpty ? "" : "<p class=\"downloads\">下载：" + links.joined(separator: " · ") + "</p>"
    }

    /// A page of `kind`, and the outline of its parts, tables and forms (for the contents).
    public static func render(_ disclosure: Disclosure, kind: PageKind, findings: [Finding] = [], scores: [ScoredForm] = [],
                              scheme: ScoringScheme? = nil, narrative: [GeneratedSection] = []) -> (html: String, outline: [OutlineEntry]) {
        let (body, outline) = parts(disclosure, kind: kind, findings: findings, scores: scores, scheme: scheme, narrative: narrative,
                                    embedded: false)
        let title = "\(escape(disclosure.unit)) \(disclosure.year) 年度部门决算" + (kind == .review ? "（审阅稿，不公开）" : "")
        return (document(title: title, style: stylesheet, body: body), outline)
    }

    /// The review content as a fragment for a page of the server: every part and table with the
    /// findings marked at their cells, without the cover, banner and findings list (the page shows
    /// those its own way), with the stylesheet scoped to the element of class `rendered` it goes in.
    public static func embeddedReview(_ disclosure: Disclosure, findings: [Finding], scores: [ScoredForm] = [],
                                      scheme: ScoringScheme? = nil, narrative: [GeneratedSection] = []) -> (style: String, body: String) {
        let body = parts(disclosure, kind: .review, findings: findings, scores: scores, scheme: scheme, narrative: narrative,
                         embedded: true).body
        return (scopedStylesheet, wrapTables(body))
    }

    /// The page's own rules scoped to `.rendered`, so they do not restyle the page around them.
    static let scopedStylesheet = stylesheet.replacingOccurrences(of: "body {", with: ".rendered {")

    static func parts(_ disclosure: Disclosure, kind: PageKind, findings: [Finding], scores: [ScoredForm], scheme: ScoringScheme?,
                      narrative: [GeneratedSection], embedded: Bool) -> (body: String, outline: [OutlineEntry]) {
        let review = kind == .review
        let marks = CellMarks(review ? findings : [])
        var outline: [OutlineEntry] = []
        var body = ""
        if kind != .print && !embedded {
            body += "<header class=\"cover\"><h1>\(escape(disclosure.unit))</h1><p class=\"subtitle\">\(disclosure.year) 年度部门决算</p>"
                + (kind == .published ? downloadsMarker : "") + "</header>\n"
        }
        if review && !embedded { body += reviewBanner(findings) + findingsSection(findings) }
        let contentsAt = body.endIndex
        func part(_ html: String, _ anchor: String) {
            guard !html.isEmpty else { return }
            if let start = html.range(of: "<h2>"), let end = html.range(of: "</h2>", range: start.upperBound..<html.endIndex) {
                outline.append(OutlineEntry(title: plain(String(html[start.upperBound..<end.lowerBound])), level: 1, anchor: anchor))
            }
            body += html
        }
        part(overview(disclosure), "part1")
        var tables = "<section class=\"part\" id=\"part2\"><h2>第二部分 \(escape(disclosure.unit))\(disclosure.year) 年度部门决算表</h2>\n"
        var tableEntries: [OutlineEntry] = []
        for id in TableID.allCases {
            guard let table = disclosure[id] else { continue }
            tableEntries.append(OutlineEntry(title: table.title, level: 2, anchor: "t\(id.rawValue)"))
            tables += tableSection(table, spec: disclosure.tableLayout.spec(id), marks: marks)
        }
        part(tables + "</section>\n", "part2")
        outline += tableEntries
        part(narrativeSection(disclosure, narrative), "part3")
        part(keyWorkSection(disclosure), "part4")
        part(glossarySection(disclosure), "part5")
        if let scheme, !scores.isEmpty {
            part(PerformanceHTML.section(scores, scheme: scheme, review: review), "part6")
            for (index, form) in scores.enumerated() {
                let title = (form.kind == .department ? "部门（单位）整体绩效自评表：" : "项目支出绩效自评表：") + form.name
                outline.append(OutlineEntry(title: title, level: 2, anchor: "form\(index + 1)"))
            }
        }
        if let phone = disclosure.figures.texts["咨询电话"] {
            body += "<p class=\"contact\">决算公开咨询电话：\(escape(phone))</p>\n"
        }
        if kind == .published && outline.count > 1 {
            body.insert(contentsOf: contents(outline, pages: nil), at: contentsAt)
        }
        return (body, outline)
    }

    /// What a marked cell says on hover or focus: the rule, what is wrong, what was printed and what it
    /// should be, and what to do.
    static func cellTitle(_ finding: Finding) -> String {
        var text = "\(finding.severity.chineseName) \(finding.rule)：\(finding.message)"
        if let stated = finding.stated { text += "\n所列：\(stated)" }
        if let expected = finding.expected { text += "\n应为：\(expected)" }
        switch finding.severity {
        case .error: text += "\n处理：改正数字后重新上传。"
        case .warning: text += "\n处理：数字无误时写明说明，否则改正。"
        case .info: break
        }
        return text
    }

    /// The id of a table cell on review pages: `c-3-2010301-5`.
    public static func cellAnchor(_ table: TableID, _ row: String, _ column: Int) -> String {
        "c-\(table.rawValue)-" + row.map { $0.isWhitespace || $0 == "\"" || $0 == "<" || $0 == ">" || $0 == "&" ? "_" : String($0) }.joined() + "-\(column)"
    }

    /// The published page (`index.html`).
    public static func page(_ disclosure: Disclosure, scores: [ScoredForm] = [], scheme: ScoringScheme? = nil,
                            narrative: [GeneratedSection] = []) -> String {
        render(disclosure, kind: .published, scores: scores, scheme: scheme, narrative: narrative).html
    }

    /// The review page (`review.html`): findings at their cells, computed scores, what is missing.
    public static func review(_ disclosure: Disclosure, findings: [Finding], scores: [ScoredForm] = [], scheme: ScoringScheme? = nil,
                              narrative: [GeneratedSection] = []) -> String {
        render(disclosure, kind: .review, findings: findings, scores: scores, scheme: scheme, narrative: narrative).html
    }

    /// The front of `report.pdf`: a cover (unit, year, date) and the contents with page numbers
    /// (`pages[i]` for `outline[i]`, nil where unknown).
    public static func front(_ disclosure: Disclosure, outline: [OutlineEntry], pages: [Int?], date: String) -> String {
        var body = "<section class=\"cover-page\"><h1>\(escape(disclosure.unit))</h1>"
        body += "<p class=\"subtitle\">\(disclosure.year) 年度部门决算</p><p class=\"date\">\(escape(date))</p></section>\n"
        body += contents(outline, pages: pages)
        return document(title: "\(escape(disclosure.unit)) \(disclosure.year) 年度部门决算", style: stylesheet + frontStylesheet, body: body)
    }

    /// 目录: links on screen; with page numbers in print.
    static func contents(_ outline: [OutlineEntry], pages: [Int?]?) -> String {
        var out = "<nav class=\"contents\" aria-label=\"目录\"><h2>目　录</h2>\n<ol>\n"
        for (index, entry) in outline.enumerated() {
            let page = pages?[index].map { "<span class=\"page\">\($0)</span>" } ?? ""
            out += "<li class=\"level\(entry.level)\"><a href=\"#\(entry.anchor)\"><span class=\"title\">\(escape(entry.title))</span>\(page)</a></li>\n"
        }
        return out + "</ol></nav>\n"
    }

    static func reviewBanner(_ findings: [Finding]) -> String {
        "<div class=\"review-banner\" role=\"note\"><strong>内部审阅稿，不公开。</strong>本页列出检查结果、计算得分与待补内容，供本单位与审核人员使用；"
            + "公开的是同一文件夹中的 index.html、report.pdf 与 workbook.xlsx，其中不含这些内容。</div>\n"
    }

    /// Every table scrolls sideways inside its own box on a narrow screen, never the page.
    static func wrapTables(_ body: String) -> String {
        Replace.all(body, [("<table class=\"", "<div class=\"table-scroll\"><table class=\""), ("</table>", "</table></div>")])
    }

    static func document(title: String, style: String, body: String) -> String {
        let body = wrapTables(body)
        return """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title)</title>
        <style>\(style)</style>
        </head>
        <body>
        \(body)</body>
        </html>

        """
    }

    /// Text of an HTML fragment without tags and with entities decoded.
    static func plain(_ html: String) -> String {
        var out = "", inTag = false
        for character in html {
            if character == "<" { inTag = true } else if character == ">" { inTag = false } else if !inTag { out.append(character) }
        }
        // One pass: "&amp;lt;" is "&lt;" as text, never "<".
        return Replace.all(out, [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&amp;", "&")])
    }

    // MARK: Part 1

    static func overview(_ disclosure: Disclosure) -> String {
        let overview = disclosure.overview
        var out = "<section class=\"part\" id=\"part1\"><h2>第一部分 \(escape(disclosure.unit))概况</h2>\n"
        if !overview.functions.isEmpty {
            out += "<h3>一、部门主要职能</h3>\n"
            for (index, function) in overview.functions.enumerated() {
                out += "<p>\(index + 1)、\(escape(function))</p>\n"
            }
        }
        if !overview.composition.isEmpty {
            out += "<h3>二、部门决算单位构成</h3>\n<p>\(escape(overview.composition))</p>\n"
        }
        if !overview.staffing.isEmpty {
            out += "<div class=\"keep\"><h3>三、部门人员构成</h3>\n<table class=\"facts\"><tbody>\n"
            for headcount in overview.staffing {
                out += "<tr><th>\(escape(headcount.label))</th><td class=\"num\">\(headcount.count) 人</td></tr>\n"
            }
            out += "</tbody></table>\n"
            if let date = overview.staffingDate { out += "<p class=\"note\">在职人员为 \(escape(date)) 实有数。</p>\n" }
            out += "</div>\n"
        }
        return out + "</section>\n"
    }

    // MARK: Part 3 and Part 5

    static func narrativeSection(_ disclosure: Disclosure, _ sections: [GeneratedSection]) -> String {
        guard !sections.isEmpty else { return "" }
        var out = "<section class=\"part narrative\" id=\"part3\"><h2>第三部分 \(escape(disclosure.unit))\(disclosure.year) 年度部门决算情况说明</h2>\n"
        for section in sections {
            out += "<h3>\(escape(section.title))</h3>\n"
            if section.title.hasPrefix("一、") { out += Charts.totals(disclosure) }
            if section.title.hasPrefix("二、") { out += Charts.income(disclosure) }
            if section.title.hasPrefix("三、") { out += Charts.expenditure(disclosure) }
            if section.title.hasPrefix("四、") { out += Charts.fiscalTotals(disclosure) }
            for paragraph in section.paragraphs { out += "<p>\(escape(paragraph.text))</p>\n" }
        }
        return out + "</section>\n"
    }

    static func keyWorkSection(_ disclosure: Disclosure) -> String {
        guard !disclosure.keyWork.isEmpty else { return "" }
        var out = "<section class=\"part keywork\" id=\"part4\"><h2>第四部分 \(disclosure.year) 年重点工作完成情况</h2>\n"
        out += "<table class=\"list keywork\"><thead><tr><th>序号</th><th>重要事项</th><th>工作内容及目标</th><th>完成情况</th></tr></thead><tbody>\n"
        for (index, task) in disclosure.keyWork.enumerated() {
            out += "<tr><td>\(index + 1)</td><td>\(escape(task.name))</td><td>\(escape(task.content))</td><td>\(escape(task.result))</td></tr>\n"
        }
        return out + "</tbody></table></section>\n"
    }

    static func glossarySection(_ disclosure: Disclosure) -> String {
        guard !disclosure.glossary.isEmpty else { return "" }
        var out = "<section class=\"part glossary\" id=\"part5\"><h2>第五部分 名词解释</h2>\n<dl>\n"
        for entry in disclosure.glossary {
            out += "<dt>\(escape(entry.term))</dt><dd>\(escape(entry.definition))</dd>\n"
        }
        return out + "</dl></section>\n"
    }

    // MARK: Findings

    static func findingsSection(_ findings: [Finding]) -> String {
        let errors = findings.count(.error), warnings = findings.count(.warning), infos = findings.count(.info)
        var out = "<section class=\"findings\"><h2>检查结果</h2>\n"
        out += "<p class=\"summary\"><span class=\"error\">\(errors) 个错误</span> · <span class=\"warning\">\(warnings) 个警告</span> · <span class=\"info\">\(infos) 个提示</span></p>\n"
        guard !findings.isEmpty else { return out + "<p>全部规则通过。</p></section>\n" }
        out += "<table class=\"list\"><thead><tr><th>级别</th><th>规则</th><th>位置</th><th>说明</th><th>所列数</th><th>应为</th></tr></thead><tbody>\n"
        for finding in findings.sorted(by: { ($0.severity, $1.rule) > ($1.severity, $0.rule) }) {
            var place = finding.table?.description ?? "表外"
            if let row = finding.row, finding.table != .t7 { place += " " + row }
            if let column = finding.column { place += " 栏\(column)" }
            out += "<tr class=\"\(finding.severity.rawValue)\"><td>\(finding.severity.chineseName)</td><td><code>\(escape(finding.rule))</code></td>"
            out += "<td>\(escape(place))</td><td>\(escape(finding.message))</td>"
            out += "<td class=\"num\">\(escape(finding.stated ?? ""))</td><td class=\"num\">\(escape(finding.expected ?? ""))</td></tr>\n"
        }
        return out + "</tbody></table></section>\n"
    }

    // MARK: Tables

    static func tableSection(_ table: Table, spec: TableLayout.TableSpec, marks: CellMarks) -> String {
        var out = "<section class=\"table\" id=\"t\(table.id.rawValue)\">\n<h3>\(escape(table.title))</h3>\n"
        out += "<div class=\"meta\"><span>部门：\(escape(table.department))</span><span>单位：\(table.unit.rawValue)</span></div>\n"
        // How the table stands on the page is the layout's (data), not the table's.
        switch spec.presentation {
        case .twoSided: out += twoSided(table, marks: marks)
        case .economicThreeBlocks: out += basicDetail(table, marks: marks)
        case .economicTwoHalves: out += basicDetailHalves(table, marks: marks)
        case .officialGrouped: out += officialExpenses(table, marks: marks)
        case .officialPairs: out += officialPairs(table, spec: spec, marks: marks)
        case .codes: out += codeTable(table, marks: marks)
        }
        out += "<div class=\"notes\">" + table.notes.map { "<p>\(escape($0))</p>" }.joined() + "</div>\n"
        if table.isEmpty, let statement = table.emptyStatement {
            out += "<p class=\"statement\">\(escape(statement))</p>\n"
        }
        return out + "</section>\n"
    }

    static func cell(_ table: Table, _ row: TableRow?, _ column: Int, marks: CellMarks) -> String {
        guard let row else { return "<td class=\"num\"></td>" }
        let text = row.cells[column].map { $0.description } ?? ""
        if let mark = marks.mark(table.id, row.key.description, column) {
            // A marked cell can be reached from the list of findings (#c-…) and by the keyboard.
            return "<td class=\"num \(mark.severity.rawValue)\" id=\"\(cellAnchor(table.id, row.key.description, column))\" tabindex=\"0\" "
                + "title=\"\(escape(cellTitle(mark)))\">\(text)</td>"
        }
        return "<td class=\"num\">\(text)</td>"
    }

    static func twoSided(_ table: Table, marks: CellMarks) -> String {
        let income = table.columns.filter { $0.side == .income }
        let expenditure = table.columns.filter { $0.side == .expenditure }
        let half = table.id == .t1 ? 30 : 32
        var out = "<table class=\"report\"><thead>\n"
        out += "<tr><th colspan=\"\(2 + income.count)\">收 入</th><th colspan=\"\(2 + expenditure.count)\">支 出</th></tr>\n"
        if expenditure.count > 1 {
            out += "<tr><th rowspan=\"2\">项 目</th><th rowspan=\"2\">行次</th><th rowspan=\"2\">决算数</th>"
            out += "<th rowspan=\"2\">项 目</th><th rowspan=\"2\">行次</th><th colspan=\"\(expenditure.count)\">决算数</th></tr>\n<tr>"
            out += expenditure.map { "<th>\(escape($0.name))</th>" }.joined() + "</tr>\n"
        } else {
            out += "<tr><th>项 目</th><th>行次</th><th>决算数</th><th>项 目</th><th>行次</th><th>决算数</th></tr>\n"
        }
        out += "<tr class=\"colno\"><td>栏 次</td><td></td>" + income.map { "<td>\($0.number)</td>" }.joined()
        out += "<td>栏 次</td><td></td>" + expenditure.map { "<td>\($0.number)</td>" }.joined() + "</tr>\n</thead><tbody>\n"
        for line in 1...half {
            let left = table.row(.line(line))
            let right = table.row(.line(line + half))
            out += "<tr><td class=\"label\">\(escape(left?.label ?? ""))</td><td class=\"line\">\(line)</td>"
            out += income.map { cell(table, left, $0.number, marks: marks) }.joined()
            out += "<td class=\"label\">\(escape(right?.label ?? ""))</td><td class=\"line\">\(line + half)</td>"
            out += expenditure.map { cell(table, right, $0.number, marks: marks) }.joined() + "</tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    static func codeTable(_ table: Table, marks: CellMarks) -> String {
        var out = "<table class=\"report\"><thead>\n"
        let depth = table.columns.map(\.groups.count).max() ?? 0
        // Heading rows: groups then names; columns without groups span all heading rows.
        for level in 0...depth {
            out += "<tr>"
            if level == 0 {
                out += "<th rowspan=\"\(depth + 1)\">功能分类<br>科目编码</th><th rowspan=\"\(depth + 1)\">科目名称</th>"
            }
            var index = 0
            while index < table.columns.count {
                let column = table.columns[index]
                if level < column.groups.count {
                    let group = column.groups[level]
                    var span = 1
                    while index + span < table.columns.count, table.columns[index + span].groups.count > level,
                          table.columns[index + span].groups[level] == group { span += 1 }
                    out += "<th colspan=\"\(span)\">\(escape(group))</th>"
                    index += span
                } else if level == column.groups.count {
                    let rowspan = depth + 1 - level
                    out += "<th rowspan=\"\(rowspan)\">\(escape(column.name))</th>"
                    index += 1
                } else {
                    index += 1
                }
            }
            out += "</tr>\n"
        }
        out += "<tr class=\"colno\"><td colspan=\"2\">栏 次</td>" + table.columns.map { "<td>\($0.number)</td>" }.joined() + "</tr>\n</thead><tbody>\n"
        for row in table.rows {
            let code: String
            let level: Int
            switch row.key {
            case .function(let functionCode): code = functionCode.digits; level = [3: 0, 5: 1, 7: 2][functionCode.digits.count] ?? 0
            case .economic(let economicCode): code = economicCode.digits; level = economicCode.level == .category ? 0 : 1
            default: code = ""; level = 0
            }
            let label = code.isEmpty ? "<td class=\"label total\" colspan=\"2\">\(escape(row.label))</td>"
                : "<td class=\"code\">\(code)</td><td class=\"label indent\(level)\">\(escape(row.label))</td>"
            out += "<tr>\(label)" + table.columns.map { cell(table, row, $0.number, marks: marks) }.joined() + "</tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    /// 表6 as printed: 人员经费 (301, 303) in the first block, 商品和服务支出 (302) in the second, the other
    /// 公用经费 classes (310 …) in the third.
    static func basicDetail(_ table: Table, marks: CellMarks) -> String {
        let coded = table.rows.filter { if case .economic = $0.key { return true } else { return false } }
        let personnelCodes: Set<String> = ["301", "303"]
        let personnel = coded.filter { personnelCodes.contains(String($0.key.description.prefix(3))) }
        let second = coded.filter { $0.key.description.hasPrefix("302") }
        let third = coded.filter { !personnelCodes.contains(String($0.key.description.prefix(3))) && !$0.key.description.hasPrefix("302") }
        let height = max(personnel.count, second.count, third.count)
        var out = "<table class=\"report t6\"><thead>\n"
        out += "<tr><th colspan=\"3\">人员经费</th><th colspan=\"6\">公用经费</th></tr>\n<tr>"
        out += String(repeating: "<th>经济分类<br>科目编码</th><th>科目名称</th><th>决算数</th>", count: 3) + "</tr>\n</thead><tbody>\n"
        func block(_ rows: [TableRow], _ index: Int) -> String { economicCells(table, rows, index, marks: marks) }
        for index in 0..<height {
            out += "<tr>" + block(personnel, index) + block(second, index) + block(third, index) + "</tr>\n"
        }
        let personnelTotal = table.row(StandardLayout.personnelTotal)
        let publicTotal = table.row(StandardLayout.publicTotal)
        out += "<tr class=\"total\"><td colspan=\"2\" class=\"label\">人员经费合计</td>" + cell(table, personnelTotal, 1, marks: marks)
        out += "<td colspan=\"5\" class=\"label\">公用经费合计</td>" + cell(table, publicTotal, 1, marks: marks) + "</tr>\n"
        return out + "</tbody></table>\n"
    }

    /// Code, name and amount of the `index`th row of a block of 表6, or three empty cells.
    static func economicCells(_ table: Table, _ rows: [TableRow], _ index: Int, marks: CellMarks) -> String {
        guard index < rows.count else { return "<td></td><td></td><td class=\"num\"></td>" }
        let row = rows[index]
        let indent = row.key.description.count > 3 ? " indent1" : ""
        return "<td class=\"code\">\(row.key.description)</td><td class=\"label\(indent)\">\(escape(row.label))</td>" + cell(table, row, 1, marks: marks)
    }

    /// 表6 in two halves: 人员经费 (301, 303) on the left, every 公用经费 class on the right.
    static func basicDetailHalves(_ table: Table, marks: CellMarks) -> String {
        let coded = table.rows.filter { if case .economic = $0.key { return true } else { return false } }
        let personnelCodes: Set<String> = ["301", "303"]
        let personnel = coded.filter { personnelCodes.contains(String($0.key.description.prefix(3))) }
        let other = coded.filter { !personnelCodes.contains(String($0.key.description.prefix(3))) }
        var out = "<table class=\"report t6\"><thead>\n"
        out += "<tr><th colspan=\"3\">人员经费</th><th colspan=\"3\">公用经费</th></tr>\n<tr>"
        out += String(repeating: "<th>经济分类<br>科目编码</th><th>科目名称</th><th>决算数</th>", count: 2) + "</tr>\n</thead><tbody>\n"
        func block(_ rows: [TableRow], _ index: Int) -> String { economicCells(table, rows, index, marks: marks) }
        for index in 0..<max(personnel.count, other.count) {
            out += "<tr>" + block(personnel, index) + block(other, index) + "</tr>\n"
        }
        out += "<tr class=\"total\"><td colspan=\"2\" class=\"label\">人员经费合计</td>" + cell(table, table.row(StandardLayout.personnelTotal), 1, marks: marks)
        out += "<td colspan=\"2\" class=\"label\">公用经费合计</td>" + cell(table, table.row(StandardLayout.publicTotal), 1, marks: marks) + "</tr>\n"
        return out + "</tbody></table>\n"
    }

    /// 表7 with a 预算数/决算数 pair for each item, in the layout's order of columns.
    static func officialPairs(_ table: Table, spec: TableLayout.TableSpec, marks: CellMarks) -> String {
        let row = table.row(StandardLayout.singleRow)
        let columns = spec.printedColumns
        let pairs = stride(from: 0, to: columns.count - 1, by: 2).map { (columns[$0], columns[$0 + 1]) }
        var out = "<table class=\"report t7\"><thead>\n<tr>"
        var index = 0
        // Items under a shared heading (公务用车购置及运行费) are grouped; the others span both rows.
        while index < pairs.count {
            let item = pairs[index].0
            if item.groups.count > 1 {
                let group = item.groups[1]
                var span = 0
                while index + span < pairs.count, pairs[index + span].0.groups.count > 1, pairs[index + span].0.groups[1] == group { span += 1 }
                out += "<th colspan=\"\(span * 2)\">\(escape(group))</th>"
                index += span
            } else {
                out += "<th colspan=\"2\" rowspan=\"2\">\(escape(item.name))</th>"
                index += 1
            }
        }
        out += "</tr>\n<tr>" + pairs.filter { $0.0.groups.count > 1 }.map { "<th colspan=\"2\">\(escape($0.0.name))</th>" }.joined() + "</tr>\n<tr>"
        out += pairs.map { "<th>\(escape($0.0.groups.first ?? "预算数"))</th><th>\(escape($0.1.groups.first ?? "决算数"))</th>" }.joined() + "</tr>\n"
        out += "</thead><tbody>\n<tr>" + columns.map { cell(table, row, $0.number, marks: marks) }.joined() + "</tr>\n</tbody></table>\n"
        return out
    }

    static func officialExpenses(_ table: Table, marks: CellMarks) -> String {
        let row = table.row(StandardLayout.singleRow)
        var out = "<table class=\"report t7\"><thead>\n<tr><th colspan=\"6\">预算数</th><th colspan=\"6\">决算数</th></tr>\n<tr>"
        for _ in 0..<2 {
            out += "<th rowspan=\"2\">合计</th><th rowspan=\"2\">因公出国<br>（境）费</th><th colspan=\"3\">公务用车购置及运行费</th><th rowspan=\"2\">公务<br>接待费</th>"
        }
        out += "</tr>\n<tr>" + String(repeating: "<th>小计</th><th>公务用车<br>购置费</th><th>公务用车<br>运行费</th>", count: 2) + "</tr>\n"
        out += "<tr class=\"colno\">" + (1...12).map { "<td>\($0)</td>" }.joined() + "</tr>\n</thead><tbody>\n<tr>"
        out += (1...12).map { cell(table, row, $0, marks: marks) }.joined() + "</tr>\n</tbody></table>\n"
        return out
    }

    /// HTML-escaped text.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    /// The cover and the contents of report.pdf.
    static let frontStylesheet = """
    @media print {
      @page { size: A4 portrait; margin: 20mm 18mm; @bottom-center { content: none; } }
      nav.contents { display: block; border: none; background: none; padding: 0; margin: 0; font-size: 11pt; }
      nav.contents h2 { font-size: 16pt; margin: 0 0 1em; }
      nav.contents li { margin: .35em 0; break-inside: avoid; }
      nav.contents .title { border-bottom: 1px dotted #888; }
    }
    section.cover-page { height: 250mm; display: flex; flex-direction: column; justify-content: center; text-align: center; break-after: page; }
    section.cover-page h1 { font-size: 26pt; margin: 0 0 .6em; }
    section.cover-page .subtitle { font-size: 20pt; letter-spacing: .1em; }
    section.cover-page .date { font-size: 14pt; margin-top: 6em; }
    """

    static let stylesheet = """
    body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", serif; margin: 2em auto; max-width: 1100px; color: #111; line-height: 1.6; }
    h1 { text-align: center; font-size: 1.8em; margin-bottom: 0; }
    .subtitle { text-align: center; font-size: 1.3em; margin-top: .2em; }
    h2 { font-size: 1.3em; border-bottom: 2px solid #333; padding-bottom: .2em; margin-top: 2em; }
    h3 { font-size: 1.1em; }
    section.table h3 { text-align: center; font-size: 1.2em; margin-bottom: .3em; }
    .meta { display: flex; justify-content: space-between; font-size: .9em; margin-bottom: .3em; }
    table.report { border-collapse: collapse; width: 100%; font-size: .85em; }
    table.report th, table.report td { border: 1px solid #444; padding: 2px 5px; }
    table.report th { background: #f0f0f0; font-weight: normal; text-align: center; }
    table.report tr.colno td { text-align: center; background: #fafafa; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; min-width: 5em; }
    td.line { text-align: center; width: 2.5em; }
    td.code { white-space: nowrap; }
    table.report td.indent1 { padding-left: 1.5em; }
    table.report td.indent2 { padding-left: 3em; }
    td.total { text-align: center; }
    td.error { background: #ffd6d6; outline: 2px solid #c00; }
    td.warning { background: #fff1c2; }
    td.info { background: #e8f0ff; }
    .notes p { margin: .1em 0; font-size: .85em; }
    .statement { text-align: center; margin-top: .5em; }
    table.facts td, table.facts th { padding: 2px 12px; text-align: left; }
    section.findings { border: 1px solid #bbb; padding: 0 1em 1em; background: #fcfcfc; }
    .summary .error { color: #b00; font-weight: bold; } .summary .warning { color: #a60; } .summary .info { color: #246; }
    table.list { border-collapse: collapse; width: 100%; font-size: .85em; }
    section.findings table.list td:nth-child(-n+3) { white-space: nowrap; }
    table.keywork td:nth-child(3) { width: 55%; }
    table.list th, table.list td { border-bottom: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }
    table.list tr.error td:first-child { color: #b00; font-weight: bold; }
    table.list tr.warning td:first-child { color: #a60; }
    .contact { margin-top: 2em; }
    section.narrative p { text-indent: 2em; margin: .4em 0; }
    figure.chart { margin: 1em auto; text-align: center; break-inside: avoid; }
    figure.chart svg { max-width: 100%; height: auto; }
    figure.chart figcaption { font-size: .9em; margin-top: .3em; }
    dl dt { font-weight: bold; margin-top: .6em; } dl dd { margin-left: 2em; }
    section.form h3 { text-align: center; margin-top: 2em; }
    p.score { text-align: center; } b.bad { color: #b00; } b.ok { color: #060; }
    table.perf td { vertical-align: top; } table.perf tr.head th { background: #f0f0f0; }
    table.perf tr.block td { background: #f7f7f7; font-weight: bold; } table.perf small { color: #555; }
    table.report td.warning { background: #fff1c2; } table.report td.error { background: #ffd6d6; }
    nav.contents { border: 1px solid #ccc; padding: .3em 1.2em .8em; margin: 1.5em 0; background: #fcfcfc; }
    nav.contents h2 { text-align: center; border: none; margin: .6em 0 .3em; letter-spacing: .5em; }
    nav.contents ol { list-style: none; padding: 0; margin: 0; }
    nav.contents li { margin: .15em 0; } nav.contents li.level2 { padding-left: 2em; font-size: .95em; }
    nav.contents a { display: flex; gap: .5em; color: inherit; text-decoration: none; }
    nav.contents a:hover .title, nav.contents a:focus .title { text-decoration: underline; }
    nav.contents .title { flex: 1; } nav.contents .page { min-width: 2em; text-align: right; }
    .review-banner { border: 2px solid #b00; background: #fff3f3; color: #600; padding: .6em 1em; margin: 1em 0; }
    .table-scroll { overflow-x: auto; max-width: 100%; }
    @media (max-width: 600px) {
      body { margin: 1em .7em; font-size: 15px; }
      h1 { font-size: 1.4em; } .subtitle { font-size: 1.1em; }
      nav.contents { padding: .2em .7em .6em; }
      section.findings { padding: 0 .5em .5em; }
    }
    @media print {
      body { margin: 0; max-width: none; font-size: 10.5pt; line-height: 1.5; }
      table.report { font-size: 8pt; line-height: 1.2; }
      table.report th, table.report td { padding: 1px 4px; }
      table.facts, div.keep { break-inside: avoid; }
      section#part2 { page: wide; }
      header.cover, nav.contents, .review-banner { display: none; }
      section.findings { display: none; }
      @page { size: A4 portrait; margin: 20mm 18mm 18mm; @bottom-center { content: counter(page); font-size: 9pt; } }
      @page wide { size: A4 landscape; margin: 10mm 12mm 12mm; @bottom-center { content: counter(page); font-size: 9pt; } }
      section.part { break-before: page; }
      section.part:first-of-type { break-before: auto; }
      section.table { page: wide; break-inside: avoid-page; }
      section.table h3 { margin: 0 0 .2em; font-size: 12pt; }
      section.part > h2 { margin-top: 0; }
      .notes { break-inside: avoid; } .notes p { font-size: 7.5pt; line-height: 1.25; }
      section.form { break-inside: auto; }
      section.form h3 { margin-top: 1em; }
      h2, h3 { break-after: avoid-page; }
      .notes, .statement { break-before: avoid-page; }
      figure.chart { break-inside: avoid-page; }
      thead { display: table-header-group; }
      tr { break-inside: avoid; }
      a { color: inherit; text-decoration: none; }
      .table-scroll { overflow: visible; }
    }
    """
}

/// Which cells carry a finding, to mark them in the tables.
struct CellMarks {
    private var marks: [String: Finding] = [:]

    init(_ findings: [Finding]) {
        for finding in findings {
            guard let table = finding.table, let row = finding.row, let column = finding.column else { continue }
            let key = "\(table.rawValue)|\(row)|\(column)"
            if let existing = marks[key], existing.severity >= finding.severity { continue }
            marks[key] = finding
        }
    }

    func mark(_ table: TableID, _ row: String, _ column: Int) -> Finding? {
        marks["\(table.rawValue)|\(row)|\(column)"]
    }
}
