import Foundation
import JuesuanCore

private let boxDebug = ProcessInfo.processInfo.environment["JUESUAN_BOX_DEBUG"] != nil

/// Gives up a position reading (nil); with JUESUAN_BOX_DEBUG set, says on standard error why.
private func unsure<T>(_ why: @autoclosure () -> String, line: Int = #line) -> T? {
    if boxDebug { FileHandle.standardError.write(Data("box \(line): \(why())\n".utf8)) }
    return nil
}

/// Reads tables of a PDF by the positions of their words (`pdftotext -bbox-layout`): each figure is
/// put in the column whose header stands above it, and in the row whose code (or 合计) stands
/// nearest to it vertically, however the text extraction wrapped the lines. A reading that leaves
/// any doubt (a figure between two rows, two figures in one cell, headers that do not match the
/// layout's columns) is not made at all: the text reading then stands alone.
struct BoxTables {
    let words: [PageWord]
    let lines: [TextLine]

    /// The words of the table whose lines (indices into `lines`) are `range`, its title just above:
    /// from below the title to above whatever follows, over as many pages as it runs.
    func region(_ range: Range<Int>) -> [PageWord] {
        guard range.lowerBound >= 1, let firstPage = lines[range.lowerBound - 1].page else { return [] }
        let lastPage = lines[range].last { !$0.text.trimmingSpaces().isEmpty }?.page ?? firstPage
        let top = locate(lines[range.lowerBound - 1].text, page: firstPage).map(\.yMax) ?? 0
        var bottom = Double.infinity
        if range.upperBound < lines.count, lines[range.upperBound].page == lastPage,
           let next = locate(lines[range.upperBound].text, page: lastPage) {
            bottom = next.yMin
        }
        // Notes under the table ("注：…") and the unit line carry no figures of the table.
        var skipped = Set<Int>()
        var byLine: [Int: [PageWord]] = [:]
        for word in words where word.page >= firstPage && word.page <= lastPage { byLine[word.line, default: []].append(word) }
        for (line, group) in byLine {
            let text = group.sorted { $0.xMin < $1.xMin }.map(\.text).joined()
            if text.hasPrefix("注") || text.includes("单位:") || text.includes("单位：") || text.includes("部门:") || text.includes("部门：") {
                skipped.insert(line)
            }
        }
        return words.filter { word in
            guard word.page >= firstPage && word.page <= lastPage, !skipped.contains(word.line) else { return false }
            if word.page == firstPage && word.yCenter <= top { return false }
            if word.page == lastPage && word.yCenter >= bottom { return false }
            return true
        }
    }

    /// The box of the poppler line on `page` that prints `text` (or the largest part of it).
    func locate(_ text: String, page: Int) -> (yMin: Double, yMax: Double)? {
        let target = text.filter { !$0.isWhitespace }
        guard target.count >= 2 else { return unsure("") }
        var groups: [Int: [PageWord]] = [:]
        for word in words where word.page == page { groups[word.line, default: []].append(word) }
        var best: (length: Int, yMin: Double, yMax: Double)?
        for (_, group) in groups {
            let joined = group.sorted { $0.xMin < $1.xMin }.map(\.text).joined().filter { !$0.isWhitespace }
            guard joined.count >= 2, target.includes(joined) || joined.includes(target) else { continue }
            let length = min(joined.count, target.count)
            let yMin = group.map(\.yMin).min()!, yMax = group.map(\.yMax).max()!
            if best == nil || length > best!.length || (length == best!.length && yMin < best!.yMin) { best = (length, yMin, yMax) }
        }
        guard let best, best.length * 2 >= min(target.count, 8) else { return unsure("") }
        return (best.yMin, best.yMax)
    }

    // MARK: Columns from the header

    /// A column's header: words stacked in one cell, read top to bottom.
    struct Stack {
        var words: [PageWord]
        var xMin: Double { words.map(\.xMin).min()! }
        var xMax: Double { words.map(\.xMax).max()! }
        var center: Double { (xMin + xMax) / 2 }
        var text: String { words.sorted { ($0.yCenter, $0.xMin) < ($1.yCenter, $1.xMin) }.map(\.text).joined() }
    }

    /// The header cells at the foot of the header (groups spanning several columns left out), left to
    /// right, among `header` words.
    static func stacks(_ header: [PageWord]) -> [Stack] {
        // A word over two disjoint words below it spans columns ("本年支出" over 小计, 基本支出, 项目支出).
        let leaves = header.filter { word in
            let below = header.filter { $0 != word && $0.yCenter > word.yMax - 0.5 && $0.xCenter > word.xMin && $0.xCenter < word.xMax }
            return !below.contains { a in below.contains { b in a.xMax < b.xMin } }
        }
        var stacks: [Stack] = []
        for word in leaves.sorted(by: { $0.xMin < $1.xMin }) {
            let overlapping = stacks.indices.filter { index in
                let overlap = min(stacks[index].xMax, word.xMax) - max(stacks[index].xMin, word.xMin)
                return overlap > 0.3 * min(word.width, stacks[index].xMax - stacks[index].xMin)
            }
            if let first = overlapping.first {
                stacks[first].words.append(word)
                for other in overlapping.dropFirst().reversed() { stacks[first].words += stacks.remove(at: other).words }
            } else {
                stacks.append(Stack(words: [word]))
            }
        }
        return stacks.sorted { $0.center < $1.center }
    }

    /// The x-centre of each column (by number), from the header (`header` words above the first row):
    /// 1. a 栏次 row "1 2 3 …", one number per printed column;
    /// 2. the header's lowest row, when it has one cell per printed column ("预算数 决算数 …");
    /// 3. each printed column, left to right, by the cell whose text ends with its name (a group
    ///    heading may stand above it; 合计 and 小计 are one);
    /// 4. by order, when as many header cells stand over the figures as columns are printed.
    static func columnCenters(_ header: [PageWord], printed: [TableColumn], numericStart: Double) -> [Int: Double]? {
        let numbers = header.filter { $0.text.count <= 2 && $0.text.allSatisfy { $0.isASCII && $0.isNumber } }
        var bands: [[PageWord]] = []
        for word in numbers.sorted(by: { $0.yCenter < $1.yCenter }) {
            if let last = bands.last?.last, abs(last.yCenter - word.yCenter) < 3 { bands[bands.count - 1].append(word) } else { bands.append([word]) }
        }
        for band in bands {
            let ordered = band.sorted { $0.xMin < $1.xMin }
            if ordered.map(\.text) == (1...printed.count).map(String.init) {
                return Dictionary(uniqueKeysWithValues: zip(printed.map(\.number), ordered.map(\.xCenter)))
            }
        }
        let words = header.filter { word in !numbers.contains(word) }
        let widths = words.map(\.width).sorted()
        let margin = widths.isEmpty ? 0 : widths[widths.count / 2] * 0.6
        if let lowest = words.map(\.yCenter).max() {
            let bottom = Self.stacks(words.filter { abs($0.yCenter - lowest) < 3 && $0.xMax > numericStart - margin })
            if bottom.count == printed.count && printed.count > 1 {
                return Dictionary(uniqueKeysWithValues: zip(printed.map(\.number), bottom.map(\.center)))
            }
        }
        let stacks = Self.stacks(words)
        func compact(_ text: String) -> String {
            var result = Tokenizer.name(text).filter { !"\"“”'‘’".contains($0) }
            if result.hasSuffix("小计") { result = String(result.dropLast(2)) + "合计" }
            return result
        }
        var result: [Int: Double] = [:]
        var from = 0
        for column in printed {
            let name = compact(column.name)
            guard let index = stacks.indices.dropFirst(from).first(where: { compact(stacks[$0].text).hasSuffix(name) }) else { break }
            result[column.number] = stacks[index].center
            from = index + 1
        }
        if result.count == printed.count { return result }
        let numeric = stacks.filter { $0.xMax > numericStart - margin }
        guard numeric.count == printed.count else { return unsure("\(numeric.count) header cells for \(printed.count) columns: \(stacks.map(\.text))") }
        return Dictionary(uniqueKeysWithValues: zip(printed.map(\.number), numeric.map(\.center)))
    }

    // MARK: Code tables

    /// Reads a code table (表2, 表3, 表5, 表8, 表9) from the words of its region.
    func codeTable(_ region: [PageWord], printed: [TableColumn]) -> [TableRow]? {
        let amounts = region.filter { Tokenizer.classify($0.text).isAmountKind }
        guard !amounts.isEmpty else { return unsure("") }
        let numericStart = amounts.map(\.xMin).min()! - 2
        let firstPage = region.map(\.page).min()!
        // Row anchors: a code (3, 5 or 7 digits, or 3 digits followed by 款 and 项 on its line) or 合计.
        struct Anchor { var key: RowKey; var page: Int; var y: Double; var xMax: Double }
        var anchors: [Anchor] = []
        let left = region.filter { $0.xMax < numericStart }
        var used = Set<PageWord>()
        for word in left.sorted(by: { ($0.page, $0.xMin) < ($1.page, $1.xMin) }) where !used.contains(word) {
            guard word.text.allSatisfy({ $0.isASCII && $0.isNumber }), [3, 5, 7].contains(word.text.count) else { continue }
            var digits = word.text
            var xMax = word.xMax
            let band = left.filter { $0.page == word.page && abs($0.yCenter - word.yCenter) < 3 && $0.xMin > word.xMax - 1 && !used.contains($0) }
            for next in band.sorted(by: { $0.xMin < $1.xMin }) where digits.count < 7 {
                guard next.text.count == 2, next.text.allSatisfy({ $0.isASCII && $0.isNumber }) else { break }
                digits += next.text
                xMax = next.xMax
                used.insert(next)
            }
            guard let code = FunctionCode(digits) else { continue }
            used.insert(word)
            anchors.append(Anchor(key: .function(code), page: word.page, y: word.yCenter, xMax: xMax))
        }
        var leftLines: [Int: [PageWord]] = [:]
        for word in left where !used.contains(word) { leftLines[word.line, default: []].append(word) }
        // 合计 may also head a column (表9 本年支出 合计): the row's label is the leftmost.
        var totals: [Anchor] = []
        var totalX: [Int: Double] = [:]
        for (_, group) in leftLines {
            let text = group.sorted { $0.xMin < $1.xMin }.map(\.text).joined().filter { !$0.isWhitespace }
            if text == "合计" || text == "总计" {
                let xMin = group.map(\.xMin).min()!
                totals.append(Anchor(key: .total, page: group[0].page, y: group.map(\.yCenter).reduce(0, +) / Double(group.count),
                                     xMax: group.map(\.xMax).max()!))
                totalX[totals.count - 1] = xMin
            }
        }
        if let leftmost = totalX.min(by: { $0.value < $1.value }) { anchors.append(totals[leftmost.key]) }
        anchors.sort { ($0.page, $0.y) < ($1.page, $1.y) }
        guard !anchors.isEmpty, Set(anchors.map(\.key)).count == anchors.count else { return unsure("") }
        // Header: the words above the first row on the first page, over the figures' columns.
        let firstRow = min(anchors.filter { $0.page == firstPage }.map(\.y).min() ?? .infinity,
                           amounts.filter { $0.page == firstPage }.map(\.yCenter).min() ?? .infinity)
        let header = region.filter { word in
            word.page == firstPage && word.yCenter < firstRow - 2 && !Tokenizer.classify(word.text).isAmountKind
        }
        guard let centers = Self.columnCenters(header, printed: printed, numericStart: numericStart) else { return unsure("") }
        // How far a figure may stand from its row: most of the distance between rows.
        var gaps: [Double] = []
        for (a, b) in zip(anchors, anchors.dropFirst()) where a.page == b.page { gaps.append(b.y - a.y) }
        let pitch = gaps.isEmpty ? 20 : gaps.sorted()[gaps.count / 2]
        let reach = max(8, 0.75 * pitch)
        var cells: [RowKey: [Int: Money]] = [:]
        for amount in amounts {
            let candidates = anchors.filter { $0.page == amount.page }.map { (anchor: $0, distance: abs($0.y - amount.yCenter)) }
                .sorted { $0.distance < $1.distance }
            guard let nearest = candidates.first, nearest.distance <= reach else { return unsure("\(amount.text) p\(amount.page) y\(amount.yCenter) near \(candidates.first.map { "\($0.anchor.key) \($0.distance)" } ?? "-") reach \(reach)") }
            if candidates.count > 1, candidates[1].distance - nearest.distance < 1 { return unsure("") }
            guard let column = centers.min(by: { abs($0.value - amount.xCenter) < abs($1.value - amount.xCenter) })?.key,
                  case .amount(let money) = Tokenizer.classify(amount.text) else { return unsure("") }
            guard cells[nearest.anchor.key]?[column] == nil else { return unsure("") }
            cells[nearest.anchor.key, default: [:]][column] = money
        }
        return anchors.map { TableRow(key: $0.key, label: $0.key == .total ? "合计" : "", cells: cells[$0.key] ?? [:]) }
    }

    // MARK: 表6

    /// Reads 表6, printed as blocks side by side (two halves, or three blocks), each of 类, 款, name
    /// and figure: a 类 code pairs with the nearest 款 code of its block, a figure goes to the nearest
    /// row of its block, and the 人员经费合计 / 公用经费合计 labels are rows of their own.
    func economicTable(_ region: [PageWord]) -> [TableRow]? {
        let amounts = region.filter { Tokenizer.classify($0.text).isAmountKind }
        guard !amounts.isEmpty else { return unsure("") }
        func digits(_ word: PageWord, _ count: Int) -> Bool { word.text.count == count && word.text.allSatisfy { $0.isASCII && $0.isNumber } }
        let classes = region.filter { digits($0, 3) && EconomicCode($0.text) != nil && ["30", "31", "39"].contains(String($0.text.prefix(2))) }
        let fives = region.filter { digits($0, 5) && EconomicCode($0.text) != nil && ["30", "31", "39"].contains(String($0.text.prefix(2))) }
        guard !classes.isEmpty || !fives.isEmpty else { return unsure("") }
        // Blocks: the columns where codes start.
        let starts = Set((classes + fives).map { ($0.xMin * 2).rounded() / 2 }).sorted()
        var blocks: [Double] = [starts[0]]
        for start in starts.dropFirst() where start - blocks.last! > 40 { blocks.append(start) }
        func block(_ word: PageWord) -> Int { max(0, (blocks.lastIndex { $0 <= word.xCenter + 4 }) ?? 0) }
        struct Anchor { var key: RowKey; var page: Int; var block: Int; var y: Double; var xMax: Double }
        var anchors: [Anchor] = []
        for word in fives { anchors.append(Anchor(key: .economic(EconomicCode(word.text)!), page: word.page, block: block(word), y: word.yCenter, xMax: word.xMax)) }
        // 款 codes: two digits just right of a 类 code of the same block, paired nearest first.
        let sections = region.filter { digits($0, 2) }
        var pairs: [(Double, PageWord, PageWord)] = []
        for code in classes {
            for section in sections where section.page == code.page && block(section) == block(code)
                && section.xMin > code.xMax - 1 && section.xMin - code.xMax < 80 && abs(section.yCenter - code.yCenter) < 20 {
                pairs.append((abs(section.yCenter - code.yCenter), code, section))
            }
        }
        var pairedClass = Set<PageWord>(), pairedSection = Set<PageWord>()
        for (_, code, section) in pairs.sorted(by: { $0.0 < $1.0 }) where !pairedClass.contains(code) && !pairedSection.contains(section) {
            // A class code on its own line (the class row) is nearer to nothing below than its own row is.
            pairedClass.insert(code)
            pairedSection.insert(section)
            guard let economic = EconomicCode(code.text + section.text) else { return unsure("") }
            anchors.append(Anchor(key: .economic(economic), page: code.page, block: block(code), y: (code.yCenter + section.yCenter) / 2,
                                  xMax: section.xMax))
        }
        for code in classes where !pairedClass.contains(code) {
            anchors.append(Anchor(key: .economic(EconomicCode(code.text)!), page: code.page, block: block(code), y: code.yCenter, xMax: code.xMax))
        }
        // Totals, by their labels.
        var labelLines: [Int: [PageWord]] = [:]
        for word in region where !Tokenizer.classify(word.text).isAmountKind { labelLines[word.line, default: []].append(word) }
        for (_, group) in labelLines {
            for part in Dictionary(grouping: group, by: block).values {
                let text = Tokenizer.labelKey(part.sorted { $0.xMin < $1.xMin }.map(\.text).joined())
                for name in ["人员经费合计", "公用经费合计"] where text.hasSuffix(name) {
                    anchors.append(Anchor(key: .named(name), page: part[0].page, block: block(part[0]),
                                          y: part.map(\.yCenter).reduce(0, +) / Double(part.count), xMax: part.map(\.xMax).max()!))
                }
            }
        }
        guard Set(anchors.map(\.key)).count == anchors.count else { return unsure("") }
        var gaps: [Double] = []
        for group in Dictionary(grouping: anchors, by: { "\($0.page).\($0.block)" }).values {
            let ys = group.map(\.y).sorted()
            for (a, b) in zip(ys, ys.dropFirst()) { gaps.append(b - a) }
        }
        let pitch = gaps.isEmpty ? 20 : gaps.sorted()[gaps.count / 2]
        let reach = max(8, 0.75 * pitch)
        var cells: [RowKey: Money] = [:]
        for amount in amounts {
            // A code's row lies in its block; a total's label may stand in an earlier block
            // ("公用经费合计" under the 302 block, its figure in the last one).
            let candidates = anchors.filter { anchor in
                guard anchor.page == amount.page && anchor.xMax < amount.xMin else { return false }
                if case .named = anchor.key { return anchor.block <= block(amount) }
                return anchor.block == block(amount)
            }.map { (anchor: $0, distance: abs($0.y - amount.yCenter)) }
            guard let closest = candidates.map(\.distance).min(), closest <= reach,
                  case .amount(let money) = Tokenizer.classify(amount.text) else {
                return unsure("\(amount.text) far \(candidates.map(\.distance).min() ?? -1) reach \(reach)")
            }
            // Of rows equally near, the one just left of the figure.
            let near = candidates.filter { $0.distance - closest < 1 }.sorted { $0.anchor.xMax > $1.anchor.xMax }
            if near.count > 1, near[0].anchor.xMax - near[1].anchor.xMax < 2 { return unsure("\(amount.text) between rows") }
            let nearest = near[0]
            guard cells[nearest.anchor.key] == nil else { return unsure("") }
            cells[nearest.anchor.key] = money
        }
        let rows = anchors.sorted { ($0.page, $0.block, $0.y) < ($1.page, $1.block, $1.y) }.map { anchor in
            TableRow(key: anchor.key, label: { if case .named(let name) = anchor.key { name } else { "" } }(),
                     cells: cells[anchor.key].map { [1: $0] } ?? [:])
        }
        return TableRecovery.sortedBasicRows(rows)
    }

    // MARK: 表7

    /// Reads 表7's single row: each figure goes to the column whose header cell stands above it.
    func officialRow(_ region: [PageWord], printed: [TableColumn]) -> TableRow? {
        let amounts = region.filter { Tokenizer.classify($0.text).isAmountKind }
        guard !amounts.isEmpty else { return unsure("") }
        let firstRow = amounts.map(\.yCenter).min()!
        let page = amounts[0].page
        guard amounts.allSatisfy({ $0.page == page }) else { return unsure("") }
        let header = region.filter { $0.page == page && $0.yCenter < firstRow - 2 && !Tokenizer.classify($0.text).isAmountKind }
        // The header's last row of cells: one per printed column.
        guard let centers = Self.columnCenters(header, printed: printed, numericStart: -.infinity), centers.count == printed.count else { return unsure("") }
        var cells: [Int: Money] = [:]
        for amount in amounts {
            guard let column = centers.min(by: { abs($0.value - amount.xCenter) < abs($1.value - amount.xCenter) })?.key,
                  case .amount(let money) = Tokenizer.classify(amount.text), cells[column] == nil else { return unsure("") }
            cells[column] = money
        }
        return TableRow(key: StandardLayout.singleRow, label: "", cells: cells)
    }
}

extension Token.Kind {
    var isAmountKind: Bool { if case .amount = self { true } else { false } }
}

/// How far a table's figures are from obeying its own printed formulas: the number of cells
/// (row formulas, rollups of codes, 合计) that fail by more than a rounding difference. The reader
/// uses it to choose between two readings of the same table.
enum TableConsistency {
    static func violations(_ table: Table) -> Int {
        var count = 0
        func check(_ a: Int64, _ b: Int64) { if abs(a - b) > 1 { count += 1 } }
        let formulas: [(Int, [Int], [Int])]  // column = sum(plus) - sum(minus)
        switch table.id {
        case .t2: formulas = [(1, Array(2...7), [])]
        case .t3: formulas = [(1, Array(2...6), [])]
        case .t5, .t9: formulas = [(1, [2, 3], [])]
        case .t8: formulas = [(3, [4, 5], []), (6, [1, 2], [3])]
        case .t7: formulas = [(1, [2, 3, 6], []), (3, [4, 5], []), (7, [8, 9, 12], []), (9, [10, 11], [])]
        default: formulas = []
        }
        for row in table.rows where !row.cells.isEmpty {
            for (column, plus, minus) in formulas {
                let sum = plus.reduce(Int64(0)) { $0 + row[column: $1].fen } - minus.reduce(Int64(0)) { $0 + row[column: $1].fen }
                check(row[column: column].fen, sum)
            }
        }
        if StandardLayout.rowKind(table.id) == .economicCodes { return count + economicViolations(table) }
        guard StandardLayout.rowKind(table.id) == .functionCodes else { return count }
        let columns = Set(table.rows.flatMap { $0.cells.keys })
        var childSums: [FunctionCode?: [Int: Int64]] = [:]
        var hasChildren = Set<FunctionCode?>()
        let codes = Set(table.rows.compactMap { row -> FunctionCode? in if case .function(let code) = row.key { code } else { nil } })
        for row in table.rows {
            guard case .function(let code) = row.key else { continue }
            let parent: FunctionCode? = code.level == .category ? nil : code.parent
            if let parent, !codes.contains(parent) { continue }
            hasChildren.insert(parent)
            for column in columns { childSums[parent, default: [:]][column, default: 0] += row[column: column].fen }
        }
        for row in table.rows {
            let key: FunctionCode?
            switch row.key {
            case .function(let code): key = code
            case .named("合计"): key = nil
            default: continue
            }
            guard hasChildren.contains(key) else { continue }
            for column in columns { check(row[column: column].fen, childSums[key]?[column] ?? 0) }
        }
        return count
    }

    /// 表6: each 类 the sum of its 款, and the two totals the sums of their classes.
    static func economicViolations(_ table: Table) -> Int {
        var count = 0
        var sections: [String: Int64] = [:], classes: [String: Int64] = [:]
        var printedClasses = Set<String>()
        for row in table.rows {
            guard case .economic(let code) = row.key else { continue }
            let prefix = String(code.digits.prefix(3))
            if code.digits.count == 3 { classes[prefix] = row[column: 1].fen; printedClasses.insert(prefix) } else { sections[prefix, default: 0] += row[column: 1].fen }
        }
        for (prefix, sum) in sections where printedClasses.contains(prefix) && abs((classes[prefix] ?? 0) - sum) > 1 { count += 1 }
        let personnel = ["301", "303"].reduce(Int64(0)) { $0 + (classes[$1] ?? sections[$1] ?? 0) }
        let publicTotal = classes.merging(sections) { a, _ in a }.filter { !["301", "303"].contains($0.key) }.values.reduce(0, +)
        if let row = table.row(StandardLayout.personnelTotal), row.cells[1] != nil, abs(row[column: 1].fen - personnel) > 1 { count += 1 }
        if let row = table.row(StandardLayout.publicTotal), row.cells[1] != nil, abs(row[column: 1].fen - publicTotal) > 1 { count += 1 }
        return count
    }
}
