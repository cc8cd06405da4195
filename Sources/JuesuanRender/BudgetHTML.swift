import Foundation
import JuesuanCore

/// A budget (部门预算 / 单位预算) as a printable page: the 编制说明, then each table of its layout on a page
/// of its own, titled as the layout names it, with 编制部门 and the unit, an empty table with its statement.
public enum BudgetHTML {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func amount(_ fen: Int64?, _ unit: MoneyUnit) -> String {
        guard let fen else { return "" }
        return Money(fen: fen).formatted(unit: unit, decimals: 2, grouping: true)
    }

    static let style = """
        @page { size: A4 landscape; margin: 14mm 12mm; }
        body { font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; font-size: 10.5pt; color: #111; }
        h1 { text-align: center; font-size: 20pt; margin: 40mm 0 8mm; }
        .department { text-align: center; font-size: 13pt; }
        section { page-break-before: always; }
        h2 { text-align: center; font-size: 14pt; margin: 0 0 4pt; }
        h3 { font-size: 11.5pt; margin: 10pt 0 4pt; }
        .prose p { text-indent: 2em; line-height: 1.7; margin: 0 0 4pt; }
        .meta { display: flex; justify-content: space-between; margin: 0 0 3pt; }
        table { width: 100%; border-collapse: collapse; table-layout: fixed; }
        th, td { border: 0.5pt solid #444; padding: 2pt 4pt; }
        th { font-weight: 600; text-align: center; background: #f2f2f2; }
        @media screen and (max-width: 760px) {
          h1 { margin: 6mm 0 4mm; font-size: 17pt; }
          section.table { overflow-x: auto; }
          section.table table { table-layout: auto; width: max-content; min-width: 100%; }
          td.n, td.num, td.code, th { white-space: nowrap; }
          section.table th[style] { width: auto !important; }
        }
        td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
        td.code { white-space: nowrap; }
        .note { margin-top: 4pt; }
        """

    /// The 项目绩效目标表: a project's name and money once, over its indicator rows.
    static func targetsTable(_ targets: [BudgetDataset.ProjectTarget], year: Int) -> String {
        var out = "<section class=\"table\">\n<h2>\(year)年项目绩效目标表</h2>\n<div class=\"meta\"><span>单位：万元</span></div>\n"
        out += "<table><thead><tr><th>项目名称</th><th>项目金额</th><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>指标值</th></tr></thead><tbody>\n"
        for target in targets {
            let rows = max(1, target.indicators.count)
            let amount = target.amount.map { Money(fen: $0).formatted(unit: .wan, decimals: 2) } ?? ""
            let indicators = target.indicators.isEmpty ? [BudgetDataset.ProjectTarget.Indicator(level1: "", level2: "", name: "", value: "")] : target.indicators
            for (index, indicator) in indicators.enumerated() {
                out += "<tr>"
                if index == 0 { out += "<td rowspan=\"\(rows)\">\(escape(target.project))</td><td class=\"num\" rowspan=\"\(rows)\">\(amount)</td>" }
                out += [indicator.level1, indicator.level2, indicator.name, indicator.value].map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n"
            }
        }
        return out + "</tbody></table>\n</section>\n"
    }

    public static func page(_ dataset: BudgetDataset, layout: BudgetLayout) -> String {
        let kind = dataset.scope.rawValue
        var out = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>\(dataset.year)年\(kind)预算 \(escape(dataset.department))</title>"
        out += "<style>\(style)</style></head><body>\n"
        out += "<h1>\(escape(dataset.department))\(dataset.year)年\(kind)预算</h1>\n<p class=\"department\">预算主管部门：\(escape(dataset.department))</p>\n"
        out += "<section class=\"prose\">\n"
        for paragraph in dataset.narrative {
            if !paragraph.contains("。") && paragraph.count <= 30 {
                out += "<h3>\(escape(paragraph))</h3>\n"
            } else {
                out += "<p>\(escape(paragraph))</p>\n"
            }
        }
        out += "</section>\n"
        for spec in layout.tables {
            guard let data = dataset.tables[spec.id] else { continue }
            let unit = data.moneyUnit
            out += "<section class=\"table\">\n<h2>\(dataset.year)年\(kind)\(escape(spec.name))</h2>\n"
            out += "<div class=\"meta\"><span>编制部门：\(escape(dataset.department))</span><span>单位：\(data.unit)</span></div>\n"
            switch spec.shape {
            case .ledger: out += ledger(data, spec: spec, unit: unit)
            case .functional, .economic: out += coded(data, spec: spec, unit: unit)
            case .single: out += single(data, spec: spec, unit: unit)
            case .procurement: out += procurement(data, unit: unit)
            }
            if let note = data.note { out += "<p class=\"note\">\(escape(note))</p>\n" }
            out += "</section>\n"
        }
        if let targets = dataset.targets, !targets.isEmpty { out += targetsTable(targets, year: dataset.year) }
        return out + "</body></html>\n"
    }

    static func ledger(_ data: BudgetDataset.TableData, spec: BudgetLayout.TableSpec, unit: MoneyUnit) -> String {
        let left = data.items.filter { $0.side == "左" }, right = data.items.filter { $0.side == "右" }
        let columns = max(1, spec.columns.count)
        var out = "<table><thead><tr><th style=\"width:22%\">收入项目</th><th>预算数</th><th style=\"width:26%\">支出项目</th>"
        out += (0..<columns).map { "<th>\(escape(spec.columns[$0]))</th>" }.joined() + "</tr></thead><tbody>\n"
        for index in 0..<max(left.count, right.count) {
            out += "<tr>"
            if index < left.count {
                out += "<td>\(escape(left[index].label))</td><td class=\"n\">\(amount(left[index].figures.first, unit))</td>"
            } else {
                out += "<td></td><td></td>"
            }
            if index < right.count {
                out += "<td>\(escape(right[index].label))</td>"
                out += (0..<columns).map { column in
                    "<td class=\"n\">\(amount(column < right[index].figures.count ? right[index].figures[column] : nil, unit))</td>"
                }.joined()
            } else {
                out += "<td></td>" + String(repeating: "<td></td>", count: columns)
            }
            out += "</tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    static func coded(_ data: BudgetDataset.TableData, spec: BudgetLayout.TableSpec, unit: MoneyUnit) -> String {
        var out = "<table><thead><tr><th style=\"width:10%\">科目编码</th><th style=\"width:26%\">科目名称</th>"
        out += spec.columns.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>\n"
        for row in data.rows {
            let label = row.code.isEmpty ? "合计" : row.label
            out += "<tr><td class=\"code\">\(row.code)</td><td>\(escape(label))</td>"
            out += spec.columns.indices.map { "<td class=\"n\">\(amount($0 < row.cells.count ? row.cells[$0] : nil, unit))</td>" }.joined()
            out += "</tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    static func single(_ data: BudgetDataset.TableData, spec: BudgetLayout.TableSpec, unit: MoneyUnit) -> String {
        var out = "<table><thead><tr>" + spec.columns.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>\n"
        for row in data.rows {
            out += "<tr>" + spec.columns.indices.map { "<td class=\"n\">\(amount($0 < row.cells.count ? row.cells[$0] : nil, unit))</td>" }.joined() + "</tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    static func procurement(_ data: BudgetDataset.TableData, unit: MoneyUnit) -> String {
        var out = "<table><thead><tr><th>采购品目大类</th><th>总计</th></tr></thead><tbody>\n"
        let ordinals = ["货物": "一、", "工程": "二、", "服务": "三、"]
        for item in data.items {
            let label = item.label == "合计" ? "合计" : (ordinals[item.label] ?? "") + item.label
            out += "<tr><td>\(escape(label))</td><td class=\"n\">\(amount(item.figures.last, unit))</td></tr>\n"
        }
        return out + "</tbody></table>\n"
    }
}
