import Foundation
import JuesuanCore

/// 图1–图4 drawn as SVG by our code: bars and a ring, Chinese labels, amounts and shares printed on
/// them, patterns as well as greys so that they read in black-and-white print.
enum Charts {
    static func escape(_ text: String) -> String { HTMLWriter.escape(text) }

    /// A pair of bars: last year against this year.
    static func bars(title: String, caption: String, items: [(String, Money)]) -> String {
        let width = 520, height = 260, base = 210, top = 40
        let maximum = max(items.map(\.1.fen).max() ?? 1, 1)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"\(escape(title))\">"
        svg += "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#d9d9d9\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#555\" stroke-width=\"2\"/></pattern></defs>"
        svg += "<line x1=\"60\" y1=\"\(base)\" x2=\"\(width - 40)\" y2=\"\(base)\" stroke=\"#333\"/>"
        let slot = (width - 120) / max(items.count, 1)
        for (index, item) in items.enumerated() {
            let barHeight = Int(Double(item.1.fen) / Double(maximum) * Double(base - top))  // drawing only; figures are printed exactly
            let x = 60 + slot * index + slot / 4
            let fill = index == items.count - 1 ? "#404040" : "url(#hatch)"
            svg += "<rect x=\"\(x)\" y=\"\(base - barHeight)\" width=\"\(slot / 2)\" height=\"\(barHeight)\" fill=\"\(fill)\" stroke=\"#222\"/>"
            svg += "<text x=\"\(x + slot / 4)\" y=\"\(base - barHeight - 8)\" text-anchor=\"middle\" font-size=\"14\">\(escape(item.1.description)) 万元</text>"
            svg += "<text x=\"\(x + slot / 4)\" y=\"\(base + 22)\" text-anchor=\"middle\" font-size=\"14\">\(escape(item.0))</text>"
        }
        svg += "</svg>"
        return "<figure class=\"chart\">\(svg)<figcaption>\(escape(caption))</figcaption></figure>\n"
    }

    /// A ring of parts with their shares.
    static func ring(title: String, caption: String, parts: [(String, Money)]) -> String {
        let present = parts.filter { $0.1 > .zero }
        let total = present.reduce(Money.zero) { $0 + $1.1 }
        guard total > .zero else { return "" }
        let fills = ["#404040", "url(#dots)", "#a6a6a6", "url(#lines)", "#d9d9d9", "#ffffff"]
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 660 260\" width=\"660\" height=\"260\" role=\"img\" aria-label=\"\(escape(title))\">"
        svg += "<defs><pattern id=\"dots\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"#e6e6e6\"/><circle cx=\"3\" cy=\"3\" r=\"1.4\" fill=\"#333\"/></pattern>"
        svg += "<pattern id=\"lines\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"#f2f2f2\"/><line x1=\"0\" y1=\"3\" x2=\"6\" y2=\"3\" stroke=\"#333\"/></pattern></defs>"
        let cx = 130.0, cy = 130.0, outer = 100.0, inner = 55.0
        var angle = -Double.pi / 2
        for (index, part) in present.enumerated() {
            let sweep = Double(part.1.fen) / Double(total.fen) * 2 * Double.pi
            let end = angle + min(sweep, 2 * Double.pi - 0.0001)
            let large = sweep > Double.pi ? 1 : 0
            func point(_ radius: Double, _ theta: Double) -> String { String(format: "%.2f %.2f", cx + radius * cos(theta), cy + radius * sin(theta)) }
            svg += "<path d=\"M \(point(outer, angle)) A \(outer) \(outer) 0 \(large) 1 \(point(outer, end)) L \(point(inner, end)) A \(inner) \(inner) 0 \(large) 0 \(point(inner, angle)) Z\" fill=\"\(fills[index % fills.count])\" stroke=\"#222\"/>"
            angle = end
            let share = percent(part.1, of: total)
            let y = 60 + index * 34
            svg += "<rect x=\"260\" y=\"\(y - 13)\" width=\"16\" height=\"16\" fill=\"\(fills[index % fills.count])\" stroke=\"#222\"/>"
            svg += "<text x=\"284\" y=\"\(y)\" font-size=\"14\">\(escape(part.0))：\(escape(part.1.description)) 万元（\(share)%）</text>"
        }
        svg += "</svg>"
        return "<figure class=\"chart\">\(svg)<figcaption>\(escape(caption))</figcaption></figure>\n"
    }

    static func percent(_ part: Money, of whole: Money) -> String {
        DecimalText.format(steps: roundHalfUp(Int128(part.fen) * 1000, Int128(whole.fen)), decimals: 1, grouping: false)
    }

    static func totals(_ disclosure: Disclosure) -> String {
        let current = disclosure[.t1]?.amount(.line(30), column: 1) ?? .zero
        var items: [(String, Money)] = []
        if let prior = disclosure.figures.priorYear["收支总计"]?.amount { items.append(("\(disclosure.year - 1) 年度", prior)) }
        items.append(("\(disclosure.year) 年度", current))
        return bars(title: "收、支决算总计变动", caption: "图1：收、支决算总计变动情况", items: items)
    }

    static func fiscalTotals(_ disclosure: Disclosure) -> String {
        let current = disclosure[.t4]?.amount(.line(32), column: 1) ?? .zero
        var items: [(String, Money)] = []
        if let prior = disclosure.figures.priorYear["财政拨款收支总计"]?.amount { items.append(("\(disclosure.year - 1) 年度", prior)) }
        items.append(("\(disclosure.year) 年度", current))
        return bars(title: "财政拨款收、支决算总计变动", caption: "图4：财政拨款收、支决算总计变动情况", items: items)
    }

    static func income(_ disclosure: Disclosure) -> String {
        guard let t1 = disclosure[.t1] else { return "" }
        let parts: [(String, Money)] = [
            ("财政拨款收入", (1...3).reduce(Money.zero) { $0 + t1.amount(.line($1), column: 1) }),
            ("上级补助收入", t1.amount(.line(4), column: 1)), ("事业收入", t1.amount(.line(5), column: 1)),
            ("经营收入", t1.amount(.line(6), column: 1)), ("附属单位上缴收入", t1.amount(.line(7), column: 1)),
            ("其他收入", t1.amount(.line(8), column: 1)),
        ]
        return ring(title: "收入决算结构", caption: "图2：收入决算结构", parts: parts)
    }

    static func expenditure(_ disclosure: Disclosure) -> String {
        guard let t3 = disclosure[.t3] else { return "" }
        let parts: [(String, Money)] = [("基本支出", t3.amount(.total, column: 2)), ("项目支出", t3.amount(.total, column: 3)),
                                        ("上缴上级支出", t3.amount(.total, column: 4)), ("经营支出", t3.amount(.total, column: 5)),
                                        ("对附属单位补助支出", t3.amount(.total, column: 6))]
        return ring(title: "支出决算结构", caption: "图3：支出决算结构", parts: parts)
    }
}
