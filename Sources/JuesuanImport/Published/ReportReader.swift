import Foundation
import Logging
import JuesuanCore

/// Prose of a published report, joined across line breaks, remembering the line of every character.
public struct Passage: Hashable, Sendable {
    /// The text without line breaks or spaces between CJK characters.
    public var text: String
    /// Line number of each character of `text`.
    public var lines: [Int]
    /// Page of the first line (PDF).
    public var page: Int?
    /// `text` as characters, kept from reading so checks need not split it again.
    public var characters: [Character] = []

    /// The line where the character at `offset` was printed.
    public func line(at offset: Int) -> Int { lines.isEmpty ? 0 : lines[max(0, min(offset, lines.count - 1))] }
}

/// A published report read back: the disclosure it prints, its prose and where things stand.
public struct PublishedReport: Sendable {
    /// The lines as read.
    public var text: PublishedText
    /// Tables, unit, year (and, where printed, self-evaluation forms) as a disclosure.
    public var disclosure: Disclosure
    /// Line ranges (indices into `text.lines`) of each table found.
    public var tableRanges: [TableID: Range<Int>]
    /// Prose passages, one per section.
    public var passages: [Passage]
    /// Line ranges of self-evaluation forms.
    public var formRanges: [Range<Int>]
    /// How each table was read: by the positions of its words or from the text lines.
    public var readings: [TableID: TableReading] = [:]
    /// Every table the positions of its words gave a sure reading of, whether or not it was used.
    public var positionTables: [TableID: Table] = [:]
    /// Page of each line number (PDF), for findings.
    public func page(ofLine number: Int) -> Int? {
        guard number >= 1, number <= text.lines.count else { return nil }
        return text.lines[number - 1].page
    }

    public init(text: PublishedText, disclosure: Disclosure, tableRanges: [TableID: Range<Int>] = [:], passages: [Passage],
                formRanges: [Range<Int>] = [], readings: [TableID: TableReading] = [:], positionTables: [TableID: Table] = [:]) {
        self.text = text
        self.disclosure = disclosure
        self.tableRanges = tableRanges
        self.passages = passages
        self.formRanges = formRanges
        self.readings = readings
        self.positionTables = positionTables
    }
}

/// How a table of a published report was read.
public enum TableReading: String, Sendable, Codable {
    /// From the words' positions on the PDF page (`pdftotext -bbox-layout`).
    case position
    /// From the text lines (`pdftotext -layout`, or text extracted by another tool).
    case text
}

/// Reads a published report (`.txt` as extracted, or `.pdf`) into a `PublishedReport`.
public enum ReportReader {
    /// Reads the report at `url`.
    public static func read(_ url: URL, displayName: String? = nil, catalog: Catalog) throws(InputError) -> PublishedReport {
        let text = try PublishedText.read(url, displayName: displayName)
        return try read(text, catalog: catalog)
    }

    /// Recognises the parts of `text`.
    public static func read(_ text: PublishedText, catalog: Catalog) throws(InputError) -> PublishedReport {
        let logger = Logger(label: "juesuan.read")
        var clock = Date()
        func lap(_ name: String) {
            logger.debug("\(name) \(Int(Date().timeIntervalSince(clock) * 1_000_000)) µs"); clock = Date()
        }
        let lines = text.lines
        let year = detectYear(lines)
        // Table titles, each followed shortly by a 单位/万元 line.
        var candidates: [(TableID, Int)] = []
        for (index, line) in lines.enumerated() where Tokenizer.has(line.text, "决算") && Tokenizer.has(line.text, "表") {
            if let id = tableID(ofTitle: line.text) { candidates.append((id, index)) }
        }
        // A title is followed by its 单位：万元 line: within a few lines as printed (-layout), or — text
        // extracted cell by cell by other tools, where the unit line comes after the whole heading — before
        // the next title. A 目录 line has no unit line before the next entry.
        func titlesFollowed(within limit: (Int, Int) -> Int) -> [(TableID, Int)] {
            var found: [(TableID, Int)] = []
            for (position, (id, index)) in candidates.enumerated() {
                let next = position + 1 < candidates.count ? candidates[position + 1].1 : lines.count
                let window = lines[(index + 1)..<max(index + 1, min(lines.count, limit(index, next)))]
                guard window.contains(where: { Tokenizer.has($0.text, "万元") }) else { continue }
                if let last = found.last, last.0 == id { continue }
                found.append((id, index))
            }
            return found
        }
        var titles = titlesFollowed { index, _ in index + 10 }
        if titles.count < 3 { titles = titlesFollowed { index, next in min(next, index + 400) } }
        guard titles.count >= 3 else {
            throw InputError(file: text.source, reason: "没有找到部门决算的九张表（收入支出决算总表、收入决算表、支出决算表……）；这可能不是部门决算公开文本，或版式无法识别")
        }
        let formStarts = lines.indices.filter { Tokenizer.has(lines[$0].text, "自评表") && isFormTitle(lines[$0].text) }
        let partStarts = lines.indices.filter { Tokenizer.has(lines[$0].text, "部分") && isPartHeading(lines[$0].text) }
        var ranges: [TableID: Range<Int>] = [:]
        for (position, (id, start)) in titles.enumerated() {
            var end = position + 1 < titles.count ? titles[position + 1].1 : lines.count
            if let part = partStarts.first(where: { $0 > start && $0 < end }) { end = part }
            if let form = formStarts.first(where: { $0 > start && $0 < end }) { end = form }
            if ranges[id] == nil { ranges[id] = (start + 1)..<end }
        }
        lap("titles")
        splitUntitledTables(&ranges, lines: lines)
        lap("split")
        let unit = detectUnit(lines, titles: titles) ?? "（未识别的单位）"
        var disclosure = Disclosure(unit: unit, year: year ?? 0, source: text.source)
        // The layout is recognised from the report's own headings (layouts are data).
        let layout = TableLayout.recognise(lines.map(\.text).joined(separator: "\n"))
        if layout.id != TableLayout.standard.id { disclosure.layout = layout.id }
        let recovery = TableRecovery(catalog: catalog, year: year ?? 0, department: unit)
        var tokenLines: [TableID: [[Token]]] = [:]
        // Where each 栏次 is printed, when the extraction keeps positions: the gaps between a row's
        // figures then say which columns they stand in, where the formulas alone cannot.
        var columnCenters: [TableID: [Int: Double]] = [:]
        for (id, range) in ranges {
            guard let index = range.first(where: { index in
                let raw = lines[index].text
                return raw.drop { $0 == " " || $0 == "\u{3000}" }.hasPrefix("栏") && Tokenizer.has(raw, "次")
            }) else { continue }
            var centers: [Int: Double] = [:]
            for token in Tokenizer.tokens(lines[index].text, line: lines[index].number) {
                if let number = token.integer, (1...20).contains(number) { centers[number] = Double(token.offset) + Double(token.text.count) / 2 }
            }
            columnCenters[id] = centers
        }
        for (id, range) in ranges {
            tokenLines[id] = range.compactMap { index -> [Token]? in
                let raw = lines[index].text
                // Headings, notes, formulas, the 部门/单位 line and page footers carry no figures of the table.
                let head = raw.drop { $0 == " " || $0 == "\u{3000}" }
                if head.hasPrefix("栏") && Tokenizer.has(raw, "次") || head.hasPrefix("注") || head.hasPrefix("—") { return nil }
                for marker in ["部门：", "部门:", "单位：", "单位:", "＝", "="] where Tokenizer.has(raw, marker) { return nil }
                return Tokenizer.tokens(raw, line: lines[index].number)
            }
        }
        lap("tokens")
        var readings: [TableID: TableReading] = [:]
        var positionTables: [TableID: Table] = [:]
        for id in TableID.allCases where ranges[id] != nil {
            readings[id] = .text
            var table = Table(id: id, title: ranges[id].map { lines[$0.lowerBound - 1].text.trimmingSpaces() } ?? StandardLayout.title(id, year: year ?? 0),
                              department: unit, columns: layout.spec(id).columns, rows: [], notes: [])
            let tokens = tokenLines[id] ?? []
            switch StandardLayout.rowKind(id) {
            case .lines:
                table.rows = recovery.sidedTable(id, lines: tokens, centers: columnCenters[id] ?? [:])
            case .functionCodes:
                var hints: [Int: Money] = [:]
                if id == .t2, let t1 = disclosure[.t1] {
                    hints[2] = [1, 2, 3].reduce(Money.zero) { $0 + t1.amount(.line($1), column: 1) }
                    for (line, column) in [(4, 3), (5, 4), (6, 5), (7, 6), (8, 7)] { hints[column] = t1.amount(.line(line), column: 1) }
                }
                let raw = recovery.codeRows(lines: tokens)
                table.rows = recovery.placeCodeRows(raw, columns: table.columns.count, hints: hints, centers: columnCenters[id] ?? [:])
                // Figures on lines of their own may belong to the row above (wrapped below its code) or
                // to the row below (set above it): the reading under which the formulas hold better.
                let below = recovery.codeRows(lines: tokens, figuresBelow: true)
                if below.map(\.amounts) != raw.map(\.amounts) {
                    var other = table
                    other.rows = recovery.placeCodeRows(below, columns: table.columns.count, hints: hints, centers: columnCenters[id] ?? [:])
                    if TableConsistency.violations(other) < TableConsistency.violations(table) { table.rows = other.rows }
                }
                if !table.rows.contains(where: { $0.key == .total }) {
                    table.rows.insert(TableRow(key: .total, label: "合计"), at: 0)
                }
            case .economicCodes:
                table.rows = recovery.basicDetail(lines: tokens)
            case .single:
                table.rows = [recovery.officialExpenses(tokens.flatMap { $0.filter(\.isAmount) }, order: layout.spec(id).printedColumns.map(\.number))]
            }
            if let range = ranges[id] {
                for index in range {
                    let line = lines[index].text.trimmingSpaces()
                    if line.hasPrefix("注") { table.notes.append(line) }
                    if line.includes("无") && (line.includes("收入") || line.includes("支出")) && (line.hasSuffix("。") || line.includes("无数据")) {
                        table.emptyStatement = line
                    }
                }
            }
            for index in table.rows.indices {
                if let source = table.rows[index].source { table.rows[index].source = SourceLocation(file: text.source, line: source.line) }
            }
            if let range = ranges[id], !text.words.isEmpty,
               let boxed = Self.readByPosition(id, table: table, range: range, text: text, layout: layout, logger: logger) {
                positionTables[id] = boxed
                if Self.prefersPosition(boxed, over: table, logger: logger) {
                    table = boxed
                    readings[id] = .position
                }
            }
            disclosure.tables[id] = table
        }
        lap("tables")
        // Prose: every line outside tables and forms, cut into sections at headings.
        var excluded = Set<Int>()
        for range in ranges.values { for index in range { excluded.insert(index) } }
        for (id, start) in titles where ranges[id] != nil { excluded.insert(start) }
        var formRanges: [Range<Int>] = []
        for (position, start) in formStarts.enumerated() {
            let end = position + 1 < formStarts.count ? formStarts[position + 1] : (partStarts.first { $0 > start } ?? lines.count)
            formRanges.append(start..<end)
            for index in start..<end { excluded.insert(index) }
        }
        lap("ranges")
        disclosure.performance = FormReader.read(lines, ranges: formRanges, source: text.source)
        lap("forms")
        disclosure.glossary = glossary(lines, partStarts: partStarts, source: text.source)
        lap("glossary")
        let passages = Self.passages(lines, excluding: excluded)
        lap("passages")
        return PublishedReport(text: text, disclosure: disclosure, tableRanges: ranges, passages: passages, formRanges: formRanges,
                               readings: readings, positionTables: positionTables)
    }


    /// Prose: every line not excluded, cut into sections at headings, wrapped lines joined without the
    /// spaces the layout put in.
    public static func passages(_ lines: [TextLine], excluding excluded: Set<Int>) -> [Passage] {
        var passages: [Passage] = []
        var current = Passage(text: "", lines: [], page: nil)
        func close() {
            if !current.characters.isEmpty {
                current.text = String(current.characters)
                passages.append(current)
            }
            current = Passage(text: "", lines: [], page: nil)
        }
        for (index, line) in lines.enumerated() where !excluded.contains(index) {
            let trimmed = line.text.trimmingSpaces()
            if trimmed.isEmpty || trimmed.hasPrefix("—") && trimmed.hasSuffix("—") { continue }
            if isSectionHeading(trimmed) { close() }
            if current.characters.isEmpty { current.page = line.page }
            // Join wrapped lines without the spaces the layout put in.
            var previous: Character? = current.characters.last
            for character in trimmed {
                if character == " " || character == "\u{3000}" {
                    previous = character
                    continue
                }
                if previous == " ", let last = current.characters.last, !(Tokenizer.isCJK(last) || Tokenizer.isCJK(character)) {
                    current.characters.append(" ")
                    current.lines.append(line.number)
                }
                current.characters.append(character)
                current.lines.append(line.number)
                previous = character
            }
        }
        close()
        return passages
    }

    /// The table read by the positions of its words, when that reading is sure of every figure; rows
    /// take their labels and lines from the text reading (`table`).
    static func readByPosition(_ id: TableID, table: Table, range: Range<Int>, text: PublishedText, layout: TableLayout,
                               logger: Logger? = nil) -> Table? {
        let boxes = BoxTables(words: text.words, lines: text.lines)
        let region = boxes.region(range)
        guard !region.isEmpty else { return nil }
        var rows: [TableRow]
        switch StandardLayout.rowKind(id) {
        case .functionCodes:
            guard let read = boxes.codeTable(region, printed: layout.spec(id).printedColumns) else {
                logger?.debug("\(id) position: no sure reading"); return nil
            }
            rows = read
        case .economicCodes:
            guard let read = boxes.economicTable(region) else {
                logger?.debug("\(id) position: no sure reading"); return nil
            }
            rows = read
        case .single:
            guard let read = boxes.officialRow(region, printed: layout.spec(id).printedColumns) else {
                logger?.debug("\(id) position: no sure reading"); return nil
            }
            rows = [read]
        default:
            return nil
        }
        // Labels and lines from the text reading, which knows the lines of the text.
        let firstLine = table.rows.compactMap { $0.source?.line }.filter { $0 > 0 }.min() ?? (text.lines[range.lowerBound].number)
        for index in rows.indices {
            if let same = table.row(rows[index].key) {
                if rows[index].label.isEmpty { rows[index].label = same.label }
                rows[index].source = same.source
                rows[index].cellSources = same.cellSources
            } else {
                rows[index].source = SourceLocation(file: text.source, line: firstLine)
            }
        }
        var candidate = table
        candidate.rows = rows
        if StandardLayout.rowKind(id) == .functionCodes && !rows.contains(where: { $0.key == .total }) {
            candidate.rows.insert(TableRow(key: .total, label: "合计"), at: 0)
        }
        return candidate
    }

    /// Whether the position reading of a table replaces its text reading: where they differ, a
    /// figure's position is evidence and the formulas only a guide, so the position reading stands
    /// unless the formulas fail clearly more often under it (a wrong figure printed in the document
    /// fails a row formula and a parent or two whichever way it is read).
    static func prefersPosition(_ position: Table, over text: Table, logger: Logger? = nil) -> Bool {
        func cells(_ table: Table) -> [String: Int64] {
            var result: [String: Int64] = [:]
            for row in table.rows { for (column, amount) in row.cells where amount.fen != 0 { result["\(row.key).\(column)"] = amount.fen } }
            return result
        }
        guard cells(position) != cells(text) else { logger?.debug("\(text.id) position: same as text"); return false }
        let byPosition = TableConsistency.violations(position), byText = TableConsistency.violations(text)
        logger?.debug("\(text.id) position: differs; violations \(byPosition) vs text \(byText)")
        return byPosition <= byText + 2
    }

    /// A code table whose title was lost (printed as an image, cut by a page break) runs on into the
    /// previous table's range: where the codes start over, the missing table begins.
    static func splitUntitledTables(_ ranges: inout [TableID: Range<Int>], lines: [TextLine]) {
        let codeTables: [TableID] = [.t2, .t3, .t5]
        for id in codeTables {
            guard let range = ranges[id], let missing = TableID(rawValue: id.rawValue + 1), ranges[missing] == nil,
                  StandardLayout.rowKind(missing) == .functionCodes else { continue }
            var seen = Set<String>()
            var lastAmountLine = range.lowerBound
            for index in range {
                let tokens = Tokenizer.tokens(lines[index].text, line: lines[index].number)
                if let first = tokens.first, first.isDigits, [3, 5, 7].contains(first.text.count) {
                    var code = first.text
                    for token in tokens.dropFirst() where token.isDigits && token.text.count == 2 && code.count < 7 { code += token.text }
                    if !seen.insert(code).inserted {
                        let start = lastAmountLine + 1
                        ranges[id] = range.lowerBound..<start
                        ranges[missing] = start..<range.upperBound
                        break
                    }
                }
                if tokens.contains(where: \.isAmount) && !(tokens.first.map { !$0.isDigits } ?? true) { lastAmountLine = index }
                if tokens.first?.isDigits == true && tokens.contains(where: \.isAmount) { lastAmountLine = index }
            }
        }
    }

    /// Part 名词解释: entries "（一）term：explanation", "一、term：…", "1、term：…", joined across lines.
    static func glossary(_ lines: [TextLine], partStarts: [Int], source: String) -> [GlossaryEntry] {
        guard let start = partStarts.last(where: { lines[$0].text.includes("名词解释") }) else { return [] }
        let end = partStarts.first { $0 > start } ?? lines.count
        var entries: [GlossaryEntry] = []
        var current: (text: String, line: Int)?
        func close() {
            guard let entry = current else { return }
            let text = entry.text
            if let colon = text.firstIndex(where: { $0 == "：" || $0 == ":" }) {
                var term = String(text[..<colon])
                // Drop the numbering: "（一）", "一、", "1、".
                if let close = term.firstIndex(where: { $0 == "）" || $0 == ")" }), term.hasPrefix("（") || term.hasPrefix("(") {
                    term = String(term[term.index(after: close)...])
                } else if let mark = term.firstIndex(of: "、") {
                    term = String(term[term.index(after: mark)...])
                }
                let definition = String(text[text.index(after: colon)...])
                if !term.isEmpty {
                    entries.append(GlossaryEntry(term: Tokenizer.chinesePunctuation(term), definition: Tokenizer.chinesePunctuation(definition),
                                                 source: SourceLocation(file: source, line: entry.line)))
                }
            }
            current = nil
        }
        for index in (start + 1)..<end {
            let text = lines[index].text.trimmingSpaces()
            if text.isEmpty || (text.hasPrefix("—") && text.hasSuffix("—")) { continue }
            let numbered = startsNumberedEntry(text)
            if numbered {
                close()
                current = (text, lines[index].number)
            } else if current != nil {
                current!.text += text
            }
        }
        close()
        return entries
    }

    /// "（一）", "一、", "1、" at the start of a line.
    static func startsNumberedEntry(_ text: String) -> Bool {
        let numerals = "一二三四五六七八九十"
        var rest = Substring(text)
        if rest.hasPrefix("（") || rest.hasPrefix("(") {
            rest = rest.dropFirst()
            let digits = rest.prefix { numerals.contains($0) || ($0.isASCII && $0.isNumber) }
            return !digits.isEmpty && (rest.dropFirst(digits.count).first == "）" || rest.dropFirst(digits.count).first == ")")
        }
        let digits = rest.prefix { numerals.contains($0) || ($0.isASCII && $0.isNumber) }
        return !digits.isEmpty && rest.dropFirst(digits.count).first == "、"
    }

    // MARK: Recognisers

    /// The table a title line names, if it is a table title.
    static func tableID(ofTitle text: String) -> TableID? {
        let compact = text.filter { !$0.isWhitespace }
        guard compact.count <= 48, !compact.includes("。"), !compact.includes("，"),
              compact.includes("决算表") || compact.includes("决算总表") || compact.includes("明细表") else { return nil }
        if let open = compact.range(of: "（表") ?? compact.range(of: "(表"),
           let number = Int(compact[open.upperBound...].prefix { $0.isASCII && $0.isNumber }), let id = TableID(rawValue: number) {
            return id
        }
        if compact.hasPrefix("第") && compact.includes("部分") { return nil }
        if compact.includes("三公") { return .t7 }
        if compact.includes("政府性基金") { return .t8 }
        if compact.includes("国有资本经营") { return .t9 }
        if compact.includes("基本支出") { return .t6 }
        if compact.includes("财政拨款收入支出决算总表") { return .t4 }
        if compact.includes("一般公共预算财政拨款支出") { return .t5 }
        if compact.includes("收入支出决算总表") { return .t1 }
        if compact.includes("收入决算表") { return .t2 }
        if compact.includes("支出决算表") { return .t3 }
        return nil
    }

    static func isFormTitle(_ text: String) -> Bool {
        let compact = text.filter { !$0.isWhitespace }
        return compact.count <= 30 && compact.hasSuffix("绩效自评表") && !compact.includes("。")
    }

    /// Whether a line is a part heading: 第一部分 … 第七部分.
    public static func isPartHeading(_ text: String) -> Bool {
        let compact = text.filter { !$0.isWhitespace }
        return compact.hasPrefix("第") && compact.count < 60 && ["一", "二", "三", "四", "五", "六", "七"].contains { compact.hasPrefix("第\($0)部分") }
    }

    static func isSectionHeading(_ text: String) -> Bool {
        if isPartHeading(text) { return true }
        let ordinals = "一二三四五六七八九十"
        guard let separator = text.firstIndex(of: "、"), separator != text.startIndex else { return false }
        return text[..<separator].allSatisfy { ordinals.contains($0) } && text.count < 60
    }

    static func detectYear(_ lines: [TextLine]) -> Int? {
        for line in lines.prefix(200) {
            let compact = line.text.filter { !$0.isWhitespace }
            guard let range = compact.range(of: "年度") else { continue }
            let before = compact[..<range.lowerBound]
            let digits = String(before.reversed().prefix { $0.isASCII && $0.isNumber }.reversed())
            if digits.count == 4, let year = Int(digits), (2000...2100).contains(year) { return year }
        }
        return nil
    }

    static func detectUnit(_ lines: [TextLine], titles: [(TableID, Int)]) -> String? {
        for line in lines {
            let compact = line.text.filter { !$0.isWhitespace }
            if let range = compact.range(of: "部门：") ?? compact.range(of: "部门:") {
                var name = String(compact[range.upperBound...])
                if let unit = name.range(of: "单位") { name = String(name[..<unit.lowerBound]) }
                if name.count >= 2 { return name }
            }
        }
        for line in lines {
            let compact = line.text.filter { !$0.isWhitespace }
            guard compact.hasPrefix("第二部分") || compact.hasPrefix("第一部分") else { continue }
            var name = compact.dropFirst(4)
            if let year = name.range(of: "年度") {
                name = name[..<year.lowerBound]
                while let last = name.last, last.isASCII && last.isNumber { name = name.dropLast() }
            } else if name.hasSuffix("概况") {
                name = name.dropLast(2)
            }
            if name.count >= 2 { return String(name) }
        }
        return nil
    }
}
