import Foundation
import JuesuanCore


/// A figure printed in a budget table, with where it stands.
public struct BudgetFigure: Hashable, Sendable {
    public var amount: Money
    /// The decimals printed, in the table's unit.
    public var decimals: Int
    /// The table's unit.
    public var unit: MoneyUnit
    /// 1-based text line.
    public var line: Int

    public init(amount: Money, decimals: Int, unit: MoneyUnit, line: Int) {
        self.amount = amount
        self.decimals = decimals
        self.unit = unit
        self.line = line
    }

    /// Half a unit of the last printed decimal, in 分: how far the printed figure may be from the true one.
    public var slackFen: Int64 {
        var step = unit.fenPerUnit
        for _ in 0..<decimals { step /= 10 }
        return max(0, step / 2)
    }
}

/// A row of a budget table: a 功能分类 or 经济分类 code (or 合计), its name and its figures by column.
public struct BudgetRow: Hashable, Sendable {
    /// Digits of the code ("2010601", "30101"); empty for 合计 and for rows without a code.
    public var code: String
    public var label: String
    public var cells: [Int: BudgetFigure]
    public var line: Int

    public init(code: String, label: String, cells: [Int: BudgetFigure], line: Int) {
        self.code = code
        self.label = label
        self.cells = cells
        self.line = line
    }

    public var isTotal: Bool { code.isEmpty && label.filter { !$0.isWhitespace }.hasPrefix("合计") }
}

/// A label with its figures, as a ledger (two-sided) table prints it.
public struct BudgetItem: Hashable, Sendable {
    public enum Side: String, Sendable { case left = "左", right = "右" }
    public var side: Side
    public var label: String
    public var figures: [BudgetFigure]
    public var line: Int

    public init(side: Side, label: String, figures: [BudgetFigure], line: Int) {
        self.side = side
        self.label = label
        self.figures = figures
        self.line = line
    }

    /// The label without numbering ("一、", "1.", "(1)") or spaces.
    public var name: String { BudgetReader.stripNumbering(label) }
}

/// A table of a budget document as read.
public struct BudgetTable: Sendable {
    public var spec: BudgetLayout.TableSpec
    /// The title line as printed.
    public var title: String
    public var titleLine: Int
    public var page: Int?
    public var unit: MoneyUnit
    public var rows: [BudgetRow] = []
    public var items: [BudgetItem] = []
    /// Columns whose figures could not be placed with certainty.
    public var unsureColumns: Set<Int> = []
    /// Columns the table prints (a layout may list more than one document prints); empty when not known.
    public var presentColumns: Set<Int> = []
    /// The statement printed for an empty table ("本表为空表" …), with its line.
    public var emptyNote: (text: String, line: Int)?
    /// Line range (0-based indices into the text's lines).
    public var range: Range<Int>

    public var isEmpty: Bool { rows.allSatisfy { $0.cells.isEmpty } && items.allSatisfy { $0.figures.isEmpty } }
    public var total: BudgetRow? { rows.first { $0.isTotal } }
}

/// A budget document read from its text: kind, scope, year, department, layout, tables and prose.
public struct BudgetDocument: Sendable {
    public var text: PublishedText
    public var layout: BudgetLayout
    public var scope: BudgetScope
    public var year: Int
    public var department: String
    public var tables: [String: BudgetTable]
    public var passages: [Passage]
    /// Tables the audit found not read reliably: none of their figures is used.
    public var unreliable: Set<String> = []
    /// The 项目绩效目标 the budget sets (from a budget dataset or workbook; a published PDF's are not read).
    public var targets: [BudgetDataset.ProjectTarget] = []

    public func page(ofLine number: Int) -> Int? {
        guard number >= 1, number <= text.lines.count else { return nil }
        return text.lines[number - 1].page
    }

    /// What was read, table by table, for a reader to check the reading.
    public func describe() -> String {
        var out = "\(department) \(year) 年度\(scope.rawValue)预算，版式：\(layout.name)\n"
        for spec in layout.tables {
            guard let table = tables[spec.id] else { out += "【\(spec.name)】未找到\n"; continue }
            out += "【\(spec.name)】第 \(table.titleLine) 行，单位：\(table.unit.rawValue)\(table.isEmpty ? "，空表" : "")"
                + (table.emptyNote.map { "，说明：\($0.text)" } ?? "") + (table.unsureColumns.isEmpty ? "" : "，栏次不确定：\(table.unsureColumns.sorted())") + "\n"
            for row in table.rows {
                let cells = (0..<spec.columns.count).map { row.cells[$0].map { $0.amount.formatted(unit: table.unit, decimals: 2) } ?? "—" }
                out += "  \(row.code.isEmpty ? "" : row.code + " ")\(row.label)：\(cells.joined(separator: " | "))（第 \(row.line) 行）\n"
            }
            for item in table.items {
                out += "  \(item.side.rawValue) \(item.name)：\(item.figures.map { $0.amount.formatted(unit: table.unit, decimals: 2) }.joined(separator: " | "))\n"
            }
        }
        let facts = layout.facts.keys.sorted().compactMap { key in fact(key).map { "\(key)=\($0.amount.formatted(unit: .wan, decimals: 2))" } }
        out += "名称：" + facts.joined(separator: "，") + "\n"
        return out
    }

    /// A named figure ("收入总计", "基本支出", "三公经费" …) as the layout places it, when read with certainty.
    public func fact(_ name: String) -> BudgetFigure? {
        guard let place = layout.facts[name] else { return nil }
        let parts = place.split(separator: " ").map(String.init)
        guard parts.count >= 3, !unreliable.contains(parts[0]), let table = tables[parts[0]] else { return nil }
        switch parts[1] {
        case "合计":
            if table.spec.shape == .procurement { return table.items.first { $0.label == "合计" }?.figures.last }
            guard let column = Int(parts[2]), !table.unsureColumns.contains(column) else { return nil }
            if !table.presentColumns.isEmpty && !table.presentColumns.contains(column) { return nil }
            return table.total?.cells[column]
        case "行":
            guard let column = Int(parts[2]), !table.unsureColumns.contains(column), let row = table.rows.first else { return nil }
            if let figure = row.cells[column] { return figure }
            // A cell left blank in a row that was read is zero.
            return row.cells.isEmpty ? nil : BudgetFigure(amount: .zero, decimals: 2, unit: table.unit, line: row.line)
        case "类":
            return table.items.first { $0.name.includes(parts[2]) }?.figures.last
        case "左", "右":
            let side: BudgetItem.Side = parts[1] == "左" ? .left : .right
            let column = parts.count > 3 ? Int(parts[3]) ?? 0 : 0
            let candidates = table.items.filter { $0.side == side && !$0.figures.isEmpty }
            let key = parts[2]
            let item = candidates.first { $0.name == key } ?? candidates.first { $0.name.hasSuffix(key) }
                ?? candidates.first { $0.name.hasPrefix(key) }
            guard let item, column < item.figures.count else { return nil }
            return item.figures[column]
        default: return nil
        }
    }
}

/// Reads budget documents (部门预算 / 单位预算) from their text, by a shipped layout.
public enum BudgetReader {
    /// The layout a text is printed in, when it is a budget: a title speaks of 预算 (and not of 决算) and
    /// the layout's marks are there.
    public static func recognize(_ text: PublishedText) -> BudgetLayout? {
        let compact = text.lines.map { $0.text.filter { !$0.isWhitespace } }
        // More tables titled as budget tables than as final-accounts tables.
        let budgetTitles = compact.filter { $0.count <= 60 && ($0.hasSuffix("预算表") || $0.hasSuffix("预算总表") || $0.includes("预算表(") || $0.includes("预算表（")) }.count
        let finalTitles = compact.filter { $0.count <= 60 && ($0.hasSuffix("决算表") || $0.hasSuffix("决算总表") || $0.hasSuffix("决算明细表")) }.count
        // Or no final-accounts table at all and a title of 预算 (layouts whose table titles do not say 预算).
        let titled = compact.prefix(30).contains { $0.count <= 60 && $0.includes("预算") && !$0.includes("决算") }
        guard budgetTitles > finalTitles || (finalTitles == 0 && titled && !compact.prefix(30).contains { $0.includes("决算") }) else { return nil }
        return BudgetLayout.shipped.first { layout in
            layout.recognize.contains { mark in
                let word = mark.filter { !$0.isWhitespace }
                return compact.contains { $0.includes(word) }
            }
        }
    }

    public static func read(_ text: PublishedText) throws(InputError) -> BudgetDocument {
        guard let layout = recognize(text) else {
            throw InputError(file: text.source, reason: "没有认出部门预算的版式（上海市区级九张表或江苏省级公开 01–12 表）")
        }
        return read(text, layout: layout)
    }

    public static func read(_ text: PublishedText, layout: BudgetLayout) -> BudgetDocument {
        let lines = text.lines
        let compact = lines.map { $0.text.filter { !$0.isWhitespace } }
        // Titles: the line that names a table and is followed by its unit or 编制部门 (not the 目录).
        var titles: [(index: Int, spec: BudgetLayout.TableSpec)] = []
        for index in lines.indices {
            let line = compact[index]
            guard line.count <= 60, !line.includes("…"), !line.includes("...") else { continue }
            var best: (BudgetLayout.TableSpec, Int)?
            for spec in layout.tables {
                for word in spec.title where line.includes(word) && word.count > (best?.1 ?? 0) { best = (spec, word.count) }
            }
            guard let (spec, _) = best else { continue }
            let after = compact[(index + 1)..<min(lines.count, index + 6)]
            guard after.contains(where: { $0.includes("单位:") || $0.includes("单位：") || $0.includes("部门:") || $0.includes("部门：") })
                    || line.includes("单位:") || line.includes("单位：") else { continue }
            // A table title appears once; a repeat (a continued page) keeps the first.
            if titles.contains(where: { $0.spec.id == spec.id }) { continue }
            titles.append((index, spec))
        }
        titles.sort { $0.index < $1.index }
        var tables: [String: BudgetTable] = [:]
        var excluded = Set<Int>()
        var geometry = BudgetGeometry(text)
        for (position, title) in titles.enumerated() {
            let limit = position + 1 < titles.count ? titles[position + 1].index : lines.count
            var end = title.index + 1
            // The table runs to the next title, or to the first prose heading after it.
            while end < limit {
                if end > title.index + 3, isProseHeading(compact[end]) { break }
                end += 1
            }
            let range = title.index..<end
            for index in range { excluded.insert(index) }
            var table = BudgetTable(spec: title.spec, title: lines[title.index].text.trimmingSpaces(), titleLine: lines[title.index].number,
                                    page: lines[title.index].page, unit: unit(compact, range), range: range)
            switch title.spec.shape {
            case .ledger: table.items = ledger(lines, range, unit: table.unit)
            case .functional, .economic:
                geometry?.reset()
                let read = coded(lines, range, spec: title.spec, unit: table.unit, geometry: &geometry)
                table.rows = read.rows
                table.presentColumns = read.present
                if read.overflow { table.unsureColumns = Set(title.spec.columns.indices) }
            case .single:
                geometry?.reset()
                readSingle(&table, lines, geometry: &geometry)
            case .procurement: table.items = procurement(lines, range, unit: table.unit)
            }
            if table.isEmpty {
                // Figures printed but none placed (text from a tool that puts every cell on a line of its own):
                // not an empty table — one that could not be read.
                let figures = range.dropFirst().reduce(0) { count, index in
                    count + tokens(lines[index].text).filter { $0.isNumber && $0.text.contains(".") }.count
                }
                if figures >= 2 && table.emptyNote == nil { table.unsureColumns = Set(title.spec.columns.indices) }
                for index in range where index > title.index + 1 {
                    let line = compact[index]
                    if line.includes("空表") || line.includes("此表为空") || (line.includes("无") && (line.includes("本部门") || line.includes("本单位") || line.hasPrefix("注") || line.hasPrefix("说明"))) {
                        table.emptyNote = (line, lines[index].number)
                        break
                    }
                }
            }
            tables[title.spec.id] = table
        }
        // The 目录 is not prose.
        for index in lines.indices where compact[index].includes("……") || compact[index].includes("…………") { excluded.insert(index) }
        let passages = ReportReader.passages(lines, excluding: excluded)
        return BudgetDocument(text: text, layout: layout, scope: scope(compact), year: year(compact) ?? 0,
                              department: department(compact), tables: tables, passages: passages)
    }

    // MARK: Document facts

    static func scope(_ compact: [String]) -> BudgetScope {
        for line in compact.prefix(40) {
            if line.includes("单位预算") && !line.includes("部门预算") { return .unit }
            if line.includes("部门预算") { return .department }
        }
        return .department
    }

    static func year(_ compact: [String]) -> Int? {
        for line in compact.prefix(40) where line.includes("预算") {
            if let value = yearBefore年(line) { return value }
        }
        for line in compact.prefix(200) {
            if line.includes("预算"), let value = yearBefore年(line) { return value }
        }
        return nil
    }

    static func department(_ compact: [String]) -> String {
        for line in compact.prefix(400) {
            for mark in ["预算主管部门:", "预算主管部门：", "编制部门:", "编制部门：", "预算单位:", "预算单位：", "部门:", "部门：", "单位名称：", "单位名称:"] {
                guard let range = line.range(of: mark) else { continue }
                var name = String(line[range.upperBound...])
                if let cut = name.range(of: "单位:") ?? name.range(of: "单位：") { name = String(name[..<cut.lowerBound]) }
                if name.count >= 2 { return name }
            }
        }
        for line in compact.prefix(5) where line.count >= 4 && !line.includes("预算") && !line.includes("目录") { return line }
        return "（未写明部门）"
    }

    static func unit(_ compact: [String], _ range: Range<Int>) -> MoneyUnit {
        for index in range.prefix(6) {
            let line = compact[index]
            if line.includes("单位:万元") || line.includes("单位：万元") { return .wan }
            if line.includes("单位:元") || line.includes("单位：元") { return .yuan }
        }
        return .wan
    }

    /// A line that starts prose after the last table: a section or part heading, or a 说明 title, with no figures.
    static func isProseHeading(_ line: String) -> Bool {
        guard line.count <= 40, !line.contains(where: { $0 == "." }) || !line.contains(where: \.isNumber) else { return false }
        if line.hasPrefix("第"), line.includes("部分") { return true }
        // A table the layout does not read (项目绩效目标表, 部门整体支出绩效目标表) ends the one before it.
        if line.includes("绩效目标表") { return true }
        for word in ["情况说明", "编制说明", "名词解释", "部门概况", "主要职能", "其他重要事项"] where line.includes(word) && !line.includes("表") { return true }
        return false
    }

    // MARK: Tokens

    /// A figure or a word of a line, with the centre of its characters (pdftotext -layout keeps columns).
    struct Token {
        var text: String
        var start: Int
        var end: Int
        /// The x centre on the PDF page (points), when the word boxes gave it.
        var x: Double?
        var center: Double { x ?? Double(start + end) / 2 }
        var isNumber: Bool { BudgetReader.isNumber(text) }
    }

    /// "1,234.56", "-7", "1895.00": digits grouped by commas in threes or not at all, optional decimals.
    /// A byte scanner (a regular expression here costs more than the rest of the reading).
    static func isNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        guard let dot = bytes.firstIndex(of: UInt8(ascii: ".")) ?? Optional(bytes.endIndex) else { return false }
        let integer = bytes[bytes.startIndex..<dot]
        guard !integer.isEmpty else { return false }
        let groups = integer.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        for (index, group) in groups.enumerated() {
            guard !group.isEmpty, group.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
            if groups.count > 1 { guard index == 0 ? group.count <= 3 : group.count == 3 else { return false } }
        }
        if dot < bytes.endIndex {
            let decimals = bytes[(dot + 1)...]
            guard !decimals.isEmpty, decimals.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
        }
        return true
    }

    /// Words split at runs of two or more spaces (one space inside a label or between code parts is kept
    /// apart by the callers).
    static func tokens(_ line: String, splitSingle: Bool = false) -> [Token] {
        var tokens: [Token] = []
        let characters = Array(line)
        var index = 0
        while index < characters.count {
            if characters[index] == " " { index += 1; continue }
            var end = index
            while end < characters.count {
                if characters[end] == " " {
                    if splitSingle { break }
                    if end + 1 >= characters.count || characters[end + 1] == " " { break }
                    // One space: a number next to a word is two tokens ("预算 1,000.00").
                    let left = String(characters[index..<end]).split(separator: " ").last.map(String.init) ?? ""
                    var next = end + 1
                    while next < characters.count, characters[next] != " " { next += 1 }
                    let right = String(characters[(end + 1)..<next])
                    if isNumber(left) || isNumber(right) { break }
                }
                end += 1
            }
            tokens.append(Token(text: String(characters[index..<end]), start: index, end: end, x: nil))
            index = end
        }
        return tokens
    }

    static func figure(_ text: String, unit: MoneyUnit, line: Int) -> BudgetFigure? {
        guard let parsed = MoneyParser.parseOrNil(text, unit: unit) else { return nil }
        return BudgetFigure(amount: parsed.money, decimals: parsed.decimals, unit: unit, line: line)
    }

    static let ordinals: Set<Character> = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]

    /// The label without its numbering: "一、", "1.", "（1）", "(三)". A character scan (it runs for every
    /// item looked up; a regular expression literal is compiled on each use).
    public static func stripNumbering(_ label: String) -> String {
        let text = Array(label.filter { !$0.isWhitespace })
        guard let first = text.first else { return "" }
        var index = 0
        if first == "（" || first == "(" {
            index = 1
            while index < text.count, ordinals.contains(text[index]) || (text[index].isASCII && text[index].isNumber) { index += 1 }
            if index > 1, index < text.count, text[index] == "）" || text[index] == ")" { return String(text[(index + 1)...]) }
            return String(text)
        }
        if ordinals.contains(first) {
            while index < text.count, ordinals.contains(text[index]) { index += 1 }
        } else if first.isASCII && first.isNumber {
            while index < text.count, text[index].isASCII && text[index].isNumber { index += 1 }
        } else {
            return String(text)
        }
        if index < text.count, "、.．".contains(text[index]) { return String(text[(index + 1)...]) }
        return String(text)
    }

    /// The first "20dd年" of a line, as a year.
    public static func yearBefore年(_ line: String) -> Int? {
        let characters = Array(line)
        guard characters.count >= 5 else { return nil }
        for index in 0...(characters.count - 5) where characters[index] == "2" && characters[index + 1] == "0" && characters[index + 4] == "年" {
            let digits = characters[index..<(index + 4)]
            if (index == 0 || !characters[index - 1].isNumber), digits.allSatisfy({ $0.isASCII && $0.isNumber }) { return Int(String(digits)) }
        }
        return nil
    }

    // MARK: Ledger tables

    static func ledger(_ lines: [TextLine], _ range: Range<Int>, unit: MoneyUnit) -> [BudgetItem] {
        var items: [BudgetItem] = []
        for index in range.dropFirst() {
            let tokens = tokens(lines[index].text)
            var label: String?
            var figures: [BudgetFigure] = []
            func close() {
                if let label, label.contains(where: { $0.unicodeScalars.first!.value >= 0x4E00 }) {
                    let side: BudgetItem.Side = isExpenditure(label) ? .right : .left
                    items.append(BudgetItem(side: side, label: label, figures: figures, line: lines[index].number))
                }
                label = nil
                figures = []
            }
            for token in tokens {
                if token.isNumber {
                    if let value = figure(token.text, unit: unit, line: lines[index].number), label != nil { figures.append(value) }
                } else {
                    close()
                    label = token.text
                }
            }
            close()
        }
        return items
    }

    static func isExpenditure(_ label: String) -> Bool {
        let name = stripNumbering(label)
        return name.includes("支出") || name.includes("结转下年") || name.includes("机动经费") || name.hasPrefix("支出")
    }

    // MARK: Coded tables

    static func coded(_ lines: [TextLine], _ range: Range<Int>, spec: BudgetLayout.TableSpec, unit: MoneyUnit,
                      geometry: inout BudgetGeometry?) -> (rows: [BudgetRow], present: Set<Int>, overflow: Bool) {
        // On a PDF, positions come from the word boxes, page by page (all or nothing on a page).
        var boxedPage: Int?
        var boxed = false
        var rows: [BudgetRow] = []
        var present = Set<Int>()
        var overflow = false
        var anchors: [Double?] = Array(repeating: nil, count: spec.columns.count)
        var pending: [(row: BudgetRow, numbers: [Token])] = []
        func flush() {
            // Place each row's numbers by the header's columns, shifted by what the full rows show.
            let n = spec.columns.count
            var shifts: [Double] = []
            for entry in pending where entry.numbers.count == n {
                for (column, token) in entry.numbers.enumerated() { if let anchor = anchors[column] { shifts.append(token.center - anchor) } }
            }
            for entry in pending {
                var row = entry.row
                let numbers = entry.numbers
                for column in 0..<n where anchors[column] != nil { present.insert(column) }
                if numbers.count > n {
                    // More figures than the layout has columns: a column it does not know.
                    overflow = true
                } else if numbers.count == n || n == 1 {
                    for column in 0..<n { present.insert(column) }
                    for (column, token) in numbers.prefix(n).enumerated() {
                        if let value = figure(token.text, unit: unit, line: row.line) { row.cells[column] = value }
                    }
                } else if !numbers.isEmpty {
                    let shift = shifts.isEmpty ? (anchors[0].map { numbers[0].center - $0 } ?? 0) : shifts.sorted()[shifts.count / 2]
                    var next = 0
                    for (position, token) in numbers.enumerated() {
                        // The nearest column not yet used, leaving room for the numbers after it.
                        let last = n - (numbers.count - position)
                        var best = next
                        var distance = Double.infinity
                        for column in next...max(next, last) {
                            guard let anchor = anchors[column] else { continue }
                            let d = abs(token.center - shift - anchor)
                            if d < distance { distance = d; best = column }
                        }
                        if position == 0 && anchors[0] == nil { best = 0 }
                        if let value = figure(token.text, unit: unit, line: row.line) { row.cells[best] = value }
                        next = best + 1
                    }
                }
                rows.append(row)
            }
            pending = []
        }
        for index in range.dropFirst() {
            let text = lines[index].text
            let compact = text.filter { !$0.isWhitespace }
            let tokens = tokens(text)
            let numbers = tokens.filter(\.isNumber)
            // A header line: column words and no figures.
            if numbers.isEmpty || !compact.contains(where: { $0.unicodeScalars.first!.value >= 0x4E00 }) {
                var found = false
                for (column, keys) in (spec.keys ?? []).enumerated() where column < anchors.count && !boxed {
                    for key in keys {
                        if let hit = text.range(of: key) {
                            let start = text.distance(from: text.startIndex, to: hit.lowerBound)
                            if !found { flush(); found = true }
                            anchors[column] = Double(start) + Double(key.count) / 2
                            break
                        }
                    }
                }
                // A name wrapped onto its own line belongs to the row above.
                if !found, numbers.isEmpty, let last = pending.last, compact.count <= 20, !compact.hasPrefix("注"), !compact.includes("单位"),
                   compact.allSatisfy({ $0.unicodeScalars.first!.value >= 0x4E00 || "（）()、".contains($0) }), !compact.includes("合计"),
                   !compact.includes("科目"), !compact.includes("项目"), !compact.includes("编码"), compact.count > 3 {
                    pending[pending.count - 1].row.label = last.row.label + compact
                }
                if numbers.isEmpty, compact.hasPrefix("合计") || compact == "合计" {
                    pending.append((BudgetRow(code: "", label: "合计", cells: [:], line: lines[index].number), []))
                }
                continue
            }
            // Code: "201 06 01", "201  06", "2010601", "301 01", "30101".
            var code = ""
            var labelStart = 0
            let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            var consumed = 0
            for word in words {
                guard word.allSatisfy({ $0.isASCII && $0.isNumber }), !isNumber(word) || !word.contains(",") else { break }
                if code.isEmpty, [3, 5, 7].contains(word.count) { code = word; consumed += 1; continue }
                if !code.isEmpty, word.count == 2, code.count < 7, words.count > consumed + 1 { code += word; consumed += 1; continue }
                break
            }
            if consumed > 0 {
                // Where the label starts: after the code words.
                var seen = 0
                var position = 0
                let characters = Array(text)
                while position < characters.count && seen < consumed {
                    while position < characters.count && characters[position] == " " { position += 1 }
                    while position < characters.count && characters[position] != " " { position += 1 }
                    seen += 1
                }
                labelStart = position
            }
            let labelTokens = tokens.filter { !$0.isNumber && $0.start >= labelStart }
            var label = labelTokens.map(\.text).joined()
            var rowNumbers = numbers.filter { $0.start >= labelStart }
            if geometry != nil, !rowNumbers.isEmpty {
                let page = lines[index].page
                if let (xs, y) = geometry!.figures(page: page, numbers: rowNumbers.map(\.text)) {
                    if page != boxedPage {
                        // A new page: its header, read from the boxes.
                        let fromBoxes = BudgetGeometry.anchors(geometry!.header(page: page ?? 0, above: y), spec: spec)
                        if fromBoxes.contains(where: { $0 != nil }) || spec.columns.count == 1 {
                            flush()
                            anchors = fromBoxes
                            boxed = true
                            boxedPage = page
                        } else if boxedPage != nil {
                            // The boxes placed the figures on an earlier page but not here: not placed with certainty.
                            overflow = true
                        }
                    }
                    if boxed { for i in rowNumbers.indices { rowNumbers[i].x = xs[i] } }
                } else if boxed && rowNumbers.count < spec.columns.count && spec.columns.count > 1 {
                    // Figures the boxes do not show where the text has them: this row cannot be placed.
                    overflow = true
                }
            }
            if code.isEmpty {
                let name = label.filter { !$0.isWhitespace }
                guard name.hasPrefix("合计") || name.hasPrefix("总计") || name.hasSuffix("合计") else { continue }
                label = "合计"
            }
            pending.append((BudgetRow(code: code, label: label.filter { !$0.isWhitespace }, cells: [:], line: lines[index].number), rowNumbers))
        }
        flush()
        // A 合计 printed twice (its label on one line, figures on the next) keeps the figures.
        if rows.contains(where: { $0.isTotal && !$0.cells.isEmpty }) { rows.removeAll { $0.isTotal && $0.cells.isEmpty } }
        for row in rows { present.formUnion(row.cells.keys) }
        return (rows, present, overflow)
    }

    // MARK: Single-row tables

    /// One row of figures placed under the columns: every order-keeping placement that makes the
    /// column sums hold is a candidate; the header's word positions choose among them, and a column
    /// on which candidates disagree without a clear choice is left unsure (never judged).
    static func readSingle(_ table: inout BudgetTable, _ lines: [TextLine], geometry: inout BudgetGeometry?) {
        let spec = table.spec
        let n = spec.columns.count
        var anchors: [Double?] = Array(repeating: nil, count: n)
        var numbers: [Token] = []
        var line = 0
        var header: [String] = []
        var rowsOfFigures = 0
        var chosenByLabel = false
        var page: Int?
        for index in table.range.dropFirst() {
            let text = lines[index].text
            let found = tokens(text).filter(\.isNumber)
            if found.isEmpty {
                header.append(text)
                continue
            }
            // Several lines of figures (上年 and 本年 …): the one labelled 本年 or with the document's year, else none is sure.
            rowsOfFigures += 1
            let label = lines[index].text.filter { !$0.isWhitespace && !$0.isNumber && $0 != "," && $0 != "." }
            if numbers.isEmpty || label.includes("本年") || label.includes("预算数") && !label.includes("上年") {
                if !numbers.isEmpty { chosenByLabel = true }
                numbers = found
                line = lines[index].number
                page = lines[index].page
            }
        }
        guard !numbers.isEmpty else { return }
        if rowsOfFigures > 1 && !chosenByLabel { table.unsureColumns = Set(0..<n) }
        // Header words: a key of one column is taken where it is printed last (nearest the figures); a key
        // several columns share ("小计") names them in the order printed.
        let keys = spec.keys ?? []
        var hits: [String: [Double]] = [:]
        for text in header {
            for key in Set(keys.flatMap { $0 }) {
                var search = text.startIndex
                while let hit = text.range(of: key, range: search..<text.endIndex) {
                    hits[key, default: []].append(Double(text.distance(from: text.startIndex, to: hit.lowerBound)) + Double(key.count) / 2)
                    search = hit.upperBound
                }
            }
        }
        for column in 0..<min(n, keys.count) {
            for key in keys[column] {
                guard let found = hits[key], !found.isEmpty else { continue }
                let sharing = keys.indices.filter { keys[$0].contains(key) }
                if sharing.count > 1, let order = sharing.firstIndex(of: column) {
                    if order < found.count { anchors[column] = found[order] }
                } else {
                    anchors[column] = found.last
                }
                if anchors[column] != nil { break }
            }
        }
        // On a PDF: the figures and the header cells where the boxes put them.
        var boxed = false
        if geometry != nil, let (xs, y) = geometry!.figures(page: page, numbers: numbers.map(\.text)) {
            let fromBoxes = BudgetGeometry.anchors(geometry!.header(page: page ?? 0, above: y), spec: spec)
            if fromBoxes.contains(where: { $0 != nil }) {
                anchors = fromBoxes
                for i in numbers.indices { numbers[i].x = xs[i] }
                boxed = true
            }
        }
        let values = numbers.compactMap { figure($0.text, unit: table.unit, line: line) }
        guard values.count == numbers.count, values.count <= n else { table.unsureColumns = Set(0..<n); return }
        let sums = spec.sums ?? []
        func consistent(_ cells: [Int: Money]) -> Bool {
            sums.allSatisfy { sum in
                let parts = sum.dropFirst().reduce(Money.zero) { $0 + (cells[$1] ?? .zero) }
                let slack = Int64(values.first.map { Int($0.slackFen) } ?? 0) * Int64(max(2, sum.count - 1))
                return abs((cells[sum[0]] ?? .zero).fen - parts.fen) <= slack
            }
        }
        // Order-keeping placements of k figures in n columns.
        var candidates: [[Int]] = []
        func place(_ position: Int, _ from: Int, _ chosen: [Int]) {
            if candidates.count > 5000 { return }
            if position == values.count { candidates.append(chosen); return }
            guard from < n else { return }
            for column in from..<n where n - column >= values.count - position { place(position + 1, column + 1, chosen + [column]) }
        }
        place(0, 0, [])
        let good = candidates.filter { placement in
            var cells: [Int: Money] = [:]
            for (position, column) in placement.enumerated() { cells[column] = values[position].amount }
            return consistent(cells)
        }
        let shift = anchors[0].map { numbers[0].center - $0 } ?? 0
        func distance(_ placement: [Int]) -> Double {
            placement.enumerated().reduce(0) { sum, pair in
                sum + (anchors[pair.element].map { abs(numbers[pair.offset].center - shift - $0) } ?? 8)
            }
        }
        let pool = good.isEmpty ? candidates : good
        let ranked = pool.sorted { distance($0) < distance($1) }
        guard let best = ranked.first else { return }
        var row = BudgetRow(code: "", label: spec.columns.joined(separator: "、"), cells: [:], line: line)
        for (position, column) in best.enumerated() { row.cells[column] = values[position] }
        table.rows = [row]
        if !table.unsureColumns.isEmpty {
            // Already unsure as a whole.
        } else if good.isEmpty {
            // No placement makes the sums hold: the figures are kept, none is sure.
            if values.count < n { table.unsureColumns = Set(0..<n) }
        } else if ranked.count > 1 {
            // Columns on which the runner-up differs are sure only when the header clearly prefers the best there.
            func near(_ placement: [Int], at positions: [Int]) -> Double {
                positions.reduce(0) { sum, position in
                    sum + (anchors[placement[position]].map { abs(numbers[position].center - shift - $0) } ?? 8)
                }
            }
            let differing = best.indices.filter { best[$0] != ranked[1][$0] }
            let mine = near(best, at: differing), theirs = near(ranked[1], at: differing)
            let clear = theirs - mine >= (boxed ? 8 : 3) && theirs >= 1.5 * mine
            if !clear {
                for other in ranked.dropFirst() {
                    for column in 0..<n where best.contains(column) != other.contains(column) { table.unsureColumns.insert(column) }
                }
            }
        }
    }

    // MARK: Procurement

    static func procurement(_ lines: [TextLine], _ range: Range<Int>, unit: MoneyUnit) -> [BudgetItem] {
        var items: [BudgetItem] = []
        for index in range.dropFirst() {
            let text = lines[index].text
            let compact = text.filter { !$0.isWhitespace }
            let numbers = tokens(text).filter(\.isNumber)
            guard let last = numbers.last, let value = figure(last.text, unit: unit, line: lines[index].number) else { continue }
            if compact.hasPrefix("合计") || compact.hasPrefix("总计") {
                items.append(BudgetItem(side: .left, label: "合计", figures: [value], line: lines[index].number))
            } else if let match = compact.prefixMatch(of: /[一二三四五六七八九十]+[、.．](货物|工程|服务)/) {
                items.append(BudgetItem(side: .left, label: String(match.1), figures: [value], line: lines[index].number))
            }
        }
        return items
    }
}

extension BudgetDocument {
    /// The document as data (`budget.json`): every table's figures in 分, the prose by section.
    public func dataset() -> BudgetDataset {
        var tables: [String: BudgetDataset.TableData] = [:]
        for (id, table) in self.tables {
            let columns = table.spec.columns.count
            var data = BudgetDataset.TableData(unit: table.unit.rawValue, note: table.emptyNote?.text)
            data.rows = table.rows.map { row in
                BudgetDataset.Row(code: row.code, label: row.label, cells: (0..<columns).map { row.cells[$0]?.amount.fen })
            }
            data.items = table.items.filter { !$0.figures.isEmpty || table.spec.shape == .ledger }.map { item in
                BudgetDataset.Item(side: item.side.rawValue, label: item.name, figures: item.figures.map(\.amount.fen))
            }
            tables[id] = data
        }
        var dataset = BudgetDataset(layout: layout.id, scope: scope, year: year, department: department, tables: tables, narrative: passages.map(\.text))
        dataset.targets = targets.isEmpty ? nil : targets
        return dataset
    }
}

extension BudgetDocument {
    /// A budget built from data (not read from a text): its tables and 编制说明 as the auditor sees a
    /// printed one. Lines are the paragraph numbers of the 编制说明 and 0 for table figures.
    public init(dataset: BudgetDataset) throws(InputError) {
        guard let layout = BudgetLayout.shipped.first(where: { $0.id == dataset.layout }) else {
            throw InputError(file: "budget.json", reason: "不认识的预算版式“\(dataset.layout)”")
        }
        var tables: [String: BudgetTable] = [:]
        for spec in layout.tables {
            guard let data = dataset.tables[spec.id] else { continue }
            let unit = data.moneyUnit
            func figure(_ fen: Int64) -> BudgetFigure { BudgetFigure(amount: Money(fen: fen), decimals: 2, unit: unit, line: 0) }
            var table = BudgetTable(spec: spec, title: "\(dataset.year)年\(dataset.scope.rawValue)\(spec.name)", titleLine: 0, page: nil, unit: unit, range: 0..<0)
            table.rows = data.rows.map { row in
                var cells: [Int: BudgetFigure] = [:]
                for (column, value) in row.cells.enumerated() { if let value { cells[column] = figure(value) } }
                return BudgetRow(code: row.code, label: row.code.isEmpty ? "合计" : row.label, cells: cells, line: 0)
            }
            table.items = data.items.map { BudgetItem(side: $0.side == "右" ? .right : .left, label: $0.label, figures: $0.figures.map(figure), line: 0) }
            table.emptyNote = data.note.map { ($0, 0) }
            tables[spec.id] = table
        }
        var lines: [TextLine] = []
        var passages: [Passage] = []
        for (index, paragraph) in dataset.narrative.enumerated() {
            lines.append(TextLine(number: index + 1, page: nil, text: paragraph))
            var passage = Passage(text: paragraph, lines: Array(repeating: index + 1, count: paragraph.count), page: nil)
            passage.characters = Array(paragraph)
            passages.append(passage)
        }
        self.init(text: PublishedText(source: "budget.json", lines: lines, fromPDF: false), layout: layout, scope: dataset.scope, year: dataset.year,
                  department: dataset.department, tables: tables, passages: passages)
        targets = dataset.targets ?? []
    }
}
