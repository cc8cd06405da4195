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

/// Renders a disclosure as one HTML page laid out like the published report.
public enum HTMLWriter {
    /// The whole page: Part 1 概况, Part 2 the nine tables, Part 6 the scored forms, and the check findings.
    public static func page(_ disclosure: Disclosure, findings: [Finding], scores: [ScoredForm] = [],
                            scheme: ScoringScheme? = nil, narrative: [GeneratedSection] = []) -> String {
        let marks = CellMarks(findings)
        var body = ""
        body += "<header class=\"cover\"><h1>\(escape(disclosure.unit))</h1><p class=\"subtitle\">\(disclosure.year) 年度部门决算</p></header>\n"
        body += findingsSection(findings)
        body += overview(disclosure)
        body += "<section class=\"part\"><h2>第二部分 \(escape(disclosure.unit))\(disclosure.year) 年度部门决算表</h2>\n"
        for id in TableID.allCases {
            guard let table = disclosure[id] else { continue }
            body += tableSection(table, marks: marks)
        }
        body += "</section>\n"
        body += narrativeSection(disclosure, narrative)
        body += keyWorkSection(disclosure)
        body += glossarySection(disclosure)
        if let scheme { body += PerformanceHTML.section(scores, scheme: scheme) }
        if let phone = disclosure.figures.texts["咨询电话"] {
            body += "<p class=\"contact\">决算公开咨询电话：\(escape(phone))</p>\n"
        }
        return """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(disclosure.unit)) \(disclosure.year) 年度部门决算</title>
        <style>\(stylesheet)</style>
        </head>
        <body>
        \(body)</body>
        </html>

        """
    }

    // MARK: Part 1

    static func overview(_ disclosure: Disclosure) -> String {
        let overview = disclosure.overview
        var out = "<section class=\"part\"><h2>第一部分 \(escape(disclosure.unit))概况</h2>\n"
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
            out += "<h3>三、部门人员构成</h3>\n<table class=\"facts\"><tbody>\n"
            for headcount in overview.staffing {
                out += "<tr><th>\(escape(headcount.label))</th><td class=\"num\">\(headcount.count) 人</td></tr>\n"
            }
            out += "</tbody></table>\n"
            if let date = overview.staffingDate { out += "<p class=\"note\">在职人员为 \(escape(date)) 实有数。</p>\n" }
        }
        return out + "</section>\n"
    }

    // MARK: Part 3 and Part 5

    static func narrativeSection(_ disclosure: Disclosure, _ sections: [GeneratedSection]) -> String {
        guard !sections.isEmpty else { return "" }
        var out = "<section class=\"part narrative\"><h2>第三部分 \(escape(disclosure.unit))\(disclosure.year) 年度部门决算情况说明</h2>\n"
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
        var out = "<section class=\"part keywork\"><h2>第四部分 \(disclosure.year) 年重点工作完成情况</h2>\n"
        out += "<table class=\"list keywork\"><thead><tr><th>序号</th><th>重要事项</th><th>工作内容及目标</th><th>完成情况</th></tr></thead><tbody>\n"
        for (index, task) in disclosure.keyWork.enumerated() {
            out += "<tr><td>\(index + 1)</td><td>\(escape(task.name))</td><td>\(escape(task.content))</td><td>\(escape(task.result))</td></tr>\n"
        }
        return out + "</tbody></table></section>\n"
    }

    static func glossarySection(_ disclosure: Disclosure) -> String {
        guard !disclosure.glossary.isEmpty else { return "" }
        var out = "<section class=\"part glossary\"><h2>第五部分 名词解释</h2>\n<dl>\n"
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

    static func tableSection(_ table: Table, marks: CellMarks) -> String {
        var out = "<section class=\"table\" id=\"t\(table.id.rawValue)\">\n<h3>\(escape(table.title))</h3>\n"
        out += "<div class=\"meta\"><span>部门：\(escape(table.department))</span><span>单位：\(table.unit.rawValue)</span></div>\n"
        switch table.id {
        case .t1, .t4: out += twoSided(table, marks: marks)
        case .t6: out += basicDetail(table, marks: marks)
        case .t7: out += officialExpenses(table, marks: marks)
        default: out += codeTable(table, marks: marks)
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
            return "<td class=\"num \(mark.severity.rawValue)\" title=\"\(escape(mark.rule + "：" + mark.message))\">\(text)</td>"
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
        func block(_ rows: [TableRow], _ index: Int) -> String {
            guard index < rows.count else { return "<td></td><td></td><td class=\"num\"></td>" }
            let row = rows[index]
            let indent = row.key.description.count > 3 ? " indent1" : ""
            return "<td class=\"code\">\(row.key.description)</td><td class=\"label\(indent)\">\(escape(row.label))</td>" + cell(table, row, 1, marks: marks)
        }
        for index in 0..<height {
            out += "<tr>" + block(personnel, index) + block(second, index) + block(third, index) + "</tr>\n"
        }
        let personnelTotal = table.row(StandardLayout.personnelTotal)
        let publicTotal = table.row(StandardLayout.publicTotal)
        out += "<tr class=\"total\"><td colspan=\"2\" class=\"label\">人员经费合计</td>" + cell(table, personnelTotal, 1, marks: marks)
        out += "<td colspan=\"5\" class=\"label\">公用经费合计</td>" + cell(table, publicTotal, 1, marks: marks) + "</tr>\n"
        return out + "</tbody></table>\n"
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
    figure.chart figcaption { font-size: .9em; margin-top: .3em; }
    dl dt { font-weight: bold; margin-top: .6em; } dl dd { margin-left: 2em; }
    section.form h3 { text-align: center; margin-top: 2em; }
    p.score { text-align: center; } b.bad { color: #b00; } b.ok { color: #060; }
    table.perf td { vertical-align: top; } table.perf tr.head th { background: #f0f0f0; }
    table.perf tr.block td { background: #f7f7f7; font-weight: bold; } table.perf small { color: #555; }
    table.report td.warning { background: #fff1c2; } table.report td.error { background: #ffd6d6; }
    @media print {
      body { margin: 0; max-width: none; }
      section.findings { display: none; }  /* the check results are for the unit, not for publication */
      h2, h3 { break-after: avoid-page; }
      section.table { break-inside: avoid-page; }
      thead { display: table-header-group; }
      tr { break-inside: avoid; }
      @page { size: A4 landscape; margin: 12mm; }
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
