import JuesuanCore

/// Recovers the nine tables from the lines of a published report, where blank cells are omitted and
/// only the order (and, from a PDF, the position) of the figures is left. Each figure is put in its
/// column by the table's own structure: 行次 and labels, the printed formulas, the rollup of codes,
/// and the figures of the other tables.
struct TableRecovery {
    let catalog: Catalog
    let year: Int
    let department: String

    /// A row as read: its key, label, figures in left-to-right order, and where it stands.
    struct RawRow {
        var key: RowKey
        var label: String
        var amounts: [Token]
        var line: Int
    }

    // MARK: 表1 and 表4 (by label or 行次)

    /// 行次 of the standard labels of 表1 or 表4; `second` picks the expenditure-side or the
    /// detail row when a label occurs twice (总计, the three fund rows of 表4).
    func lineNumber(forLabel label: String, in id: TableID, second: Bool) -> Int? {
        let key = Tokenizer.labelKey(label)
        guard !key.isEmpty else { return nil }
        if let position = catalog.classes.first(where: { Tokenizer.labelKey($0.name) == key })?.position {
            return StandardLayout.classLine(position: position, in: id)
        }
        switch id {
        case .t1:
            let table: [String: Int] = [
                "一般公共预算财政拨款收入": 1, "政府性基金预算财政拨款收入": 2, "国有资本经营预算财政拨款收入": 3,
                "上级补助收入": 4, "事业收入": 5, "经营收入": 6, "附属单位上缴收入": 7, "其他收入": 8,
                "本年收入合计": 27, "使用非财政拨款结余": 28, "年初结转和结余": 29,
                "本年支出合计": 57, "结余分配": 58, "年末结转和结余": 59,
            ]
            if key == "总计" { return second ? 60 : 30 }
            return table[key]
        case .t4:
            let funds: [String: Int] = ["一般公共预算财政拨款": 1, "一般公共预算财政拨款收入": 1, "政府性基金预算财政拨款": 2,
                                        "政府性基金预算财政拨款收入": 2, "国有资本经营预算财政拨款": 3, "国有资本经营财政拨款": 3,
                                        "国有资本经营预算财政拨款收入": 3]
            if let fund = funds[key] { return second ? 28 + fund : fund }
            let table: [String: Int] = ["本年收入合计": 27, "年初财政拨款结转和结余": 28, "本年支出合计": 59, "年末财政拨款结转和结余": 60]
            if key == "总计" { return second ? 64 : 32 }
            return table[key]
        default:
            return nil
        }
    }

    /// Reads 表1 or 表4: each line holds up to two segments (income, expenditure) of label, 行次, figures.
    func sidedTable(_ id: TableID, lines: [[Token]], centers: [Int: Double] = [:]) -> [TableRow] {
        var rows: [Int: TableRow] = [:]
        var extras: [Int: [Token]] = [:]  // 表4 figures after the 合计 column, waiting for their fund columns
        var seenLabels: [String: Int] = [:]
        var pending: [Token] = []  // figures printed on a line of their own, above their row
        for tokens in lines {
            if tokens.allSatisfy(\.isAmount) { pending += tokens; continue }
            // Split into segments: a run of label words, an optional 行次, figures.
            var segments: [(label: String, line: Int?, amounts: [Token], offset: Int)] = []
            var index = 0
            while index < tokens.count {
                var label = ""
                let start = tokens[index].offset
                // A label run ends at a wide gap (a new column of the layout) or at a new numbered item.
                while index < tokens.count, tokens[index].isText {
                    if !label.isEmpty {
                        let previous = tokens[index - 1]
                        let gap = tokens[index].offset - (previous.offset + previous.text.count)
                        if gap >= 3 || Self.startsItem(tokens[index].text) { break }
                    }
                    label += tokens[index].text
                    index += 1
                }
                var number: Int?
                if index < tokens.count, let value = tokens[index].integer { number = value; index += 1 }
                var amounts: [Token] = []
                while index < tokens.count, tokens[index].isAmount { amounts.append(tokens[index]); index += 1 }
                if label.isEmpty && number == nil && amounts.isEmpty { index += 1; continue }
                segments.append((label, number, amounts, start))
            }
            // Figures printed above belong to the segment whose span holds them.
            for token in pending {
                let target = segments.lastIndex { $0.offset <= token.offset + 2 } ?? 0
                if target < segments.count { segments[target].amounts.append(token) }
            }
            pending = []
            for segment in segments {
                let key = Tokenizer.labelKey(segment.label)
                let occurrence = seenLabels[key, default: 0]
                var number = segment.line
                if number == nil || !(1...(id == .t1 ? 60 : 64)).contains(number!) {
                    number = lineNumber(forLabel: segment.label, in: id, second: occurrence > 0 && (key == "总计" || id == .t4))
                }
                guard let number else { continue }
                if !key.isEmpty { seenLabels[key] = occurrence + 1 }
                let amounts = segment.amounts.sorted { $0.offset < $1.offset }
                var row = rows[number] ?? TableRow(key: .line(number), label: Tokenizer.name(segment.label),
                                                   source: SourceLocation(file: "", line: amounts.first?.line ?? tokens.first?.line ?? 0))
                if row.label.isEmpty { row.label = Tokenizer.name(segment.label) }
                let side = StandardLayout.side(of: number, in: id)
                if side == .income {
                    if let first = amounts.first { row.cells[1] = first.amount }
                } else if let first = amounts.first {
                    row.cells[2] = first.amount
                    if id == .t4 { extras[number] = Array(amounts.dropFirst()) }
                }
                if amounts.first != nil { row.source = SourceLocation(file: "", line: amounts.first!.line) }
                rows[number] = row
            }
        }
        if id == .t4 { placeFundColumns(&rows, extras: extras, centers: centers) }
        // Every 行次 appears, blank or not, in order.
        let total = id == .t1 ? 60 : 64
        return (1...total).map { rows[$0] ?? TableRow(key: .line($0), label: "") }
    }

    /// Whether a word starts a numbered item: "一、", "二十六、".
    static func startsItem(_ text: String) -> Bool {
        guard let separator = text.firstIndex(of: "、"), separator != text.startIndex else { return false }
        return text[..<separator].allSatisfy { "一二三四五六七八九十".contains($0) }
    }

    /// 表4: puts the figures after a row's 合计 in their fund columns (3 一般公共预算, 4 政府性基金,
    /// 5 国有资本经营). Where the extraction kept where the 栏次 stand, each figure goes to the column
    /// it stands under; otherwise to the funds in use (those with income, rows 1–3 and 29–31), and
    /// where a row has fewer figures than funds in use, to the funds under which the class rows add
    /// up to 本年支出合计 (行 59) and to 总计 (行 64).
    func placeFundColumns(_ rows: inout [Int: TableRow], extras: [Int: [Token]], centers: [Int: Double] = [:]) {
        let funds = [3, 4, 5]
        if funds.allSatisfy({ centers[$0] != nil }),
           zip(funds, funds.dropFirst()).allSatisfy({ centers[$1]! - centers[$0]! >= 6 }) {
            var placed: [Int: [Int: Money]] = [:]
            var clean = true
            for (number, figures) in extras {
                for token in figures {
                    let middle = Double(token.offset) + Double(token.text.count) / 2
                    let column = funds.min { abs(centers[$0]! - middle) < abs(centers[$1]! - middle) }!
                    if placed[number]?[column] != nil { clean = false }
                    placed[number, default: [:]][column] = token.amount
                }
            }
            if clean {
                for (number, cells) in placed { for (column, amount) in cells { rows[number]?.cells[column] = amount } }
                return
            }
        }
        var active: [Int] = []
        for (fund, column) in [(1, 3), (2, 4), (3, 5)] {
            let income = (rows[fund]?.cells[1] ?? .zero) + (rows[28 + fund]?.cells[1] ?? .zero)
            if income != .zero { active.append(column) }
        }
        if active.isEmpty { active = [3] }
        func options(_ count: Int) -> [[Int]] {
            let pool = count <= active.count ? active : Array(3...min(5, 2 + count))
            let combos = Self.combinations(pool, min(count, pool.count))
            return combos.isEmpty ? [Array(pool.prefix(count))] : combos
        }
        // Rows whose figures fill every fund in use are placed at once; the others are searched.
        var partial: [(Int, [Token])] = []
        for (number, figures) in extras.sorted(by: { $0.key < $1.key }) where !figures.isEmpty {
            let choices = options(figures.count)
            if choices.count == 1 || number >= 59 {
                for (token, column) in zip(figures, choices[0]) { rows[number]?.cells[column] = token.amount }
            } else {
                partial.append((number, figures))
            }
        }
        guard !partial.isEmpty else { return }
        let classLines = Array(33...58)
        var fixed: [Int: Int64] = [:]
        for line in classLines where !partial.contains(where: { $0.0 == line }) {
            for column in funds { fixed[column, default: 0] += rows[line]?.cells[column]?.fen ?? 0 }
        }
        let target = Dictionary(uniqueKeysWithValues: funds.map { ($0, rows[59]?.cells[$0]?.fen ?? 0) })
        let choices = partial.map { options($0.1.count) }
        let best = Self.cheapest(choices, limit: 100_000) { chosen in
            var sums = fixed
            for ((_, figures), combo) in zip(partial, chosen) {
                for (token, column) in zip(figures, combo) { sums[column, default: 0] += token.amount?.fen ?? 0 }
            }
            return funds.reduce(Int64(0)) { $0 + abs((sums[$1] ?? 0) - (target[$1] ?? 0)) }
        }
        for ((number, figures), combo) in zip(partial, best ?? choices.map { $0[0] }) {
            for (token, column) in zip(figures, combo) { rows[number]?.cells[column] = token.amount }
        }
    }

    // MARK: Code tables (表2, 表3, 表5, 表8, 表9)

    /// Reads code rows: a code (or 合计) starts a row; figures on the same line, or on lines of their
    /// own just above, belong to it; label words on the following lines continue its name.
    ///
    /// `figuresBelow`: figures on lines of their own after a row that has none yet belong to that row
    /// (a code alone on its line, the name wrapped below it, the figures last), not to the next.
    func codeRows(lines: [[Token]], figuresBelow: Bool = false) -> [RawRow] {
        var rows: [RawRow] = []
        var pending: [Token] = []
        var current: RawRow?
        for tokens in lines {
            guard !tokens.isEmpty else { continue }
            if tokens.allSatisfy(\.isAmount) { pending += tokens; continue }
            if figuresBelow, !pending.isEmpty, current != nil, current!.amounts.isEmpty {
                current!.amounts = pending
                pending = []
            }
            // A code, possibly spaced as "201 06 01".
            var index = 0
            var digits = ""
            while index < tokens.count, tokens[index].isDigits, digits.count < 7,
                  (digits.isEmpty && [3, 5, 7].contains(tokens[index].text.count)) || (!digits.isEmpty && tokens[index].text.count == 2) {
                digits += tokens[index].text
                index += 1
            }
            // The 类 款 项 heading may share the 合计 line.
            let words = tokens[index...].filter { $0.isText && !["类", "款", "项"].contains($0.text) }.map(\.text).joined()
            let isTotal = digits.isEmpty && Tokenizer.labelKey(words) == "合计"
            if let code = FunctionCode(digits) {
                if let row = current { rows.append(row) }
                current = RawRow(key: .function(code), label: words, amounts: pending + tokens[index...].filter(\.isAmount),
                                 line: tokens[0].line)
                pending = []
            } else if isTotal {
                if let row = current { rows.append(row) }
                current = RawRow(key: .total, label: "合计", amounts: pending + tokens.filter(\.isAmount), line: tokens[0].line)
                pending = []
            } else if var row = current, digits.isEmpty, tokens.contains(where: { $0.isText && $0.text.contains(where: Tokenizer.isCJK) }) {
                // A wrapped name; its figures may stand on this line too.
                if tokens.allSatisfy({ $0.isText }) || row.label.isEmpty || !tokens.contains(where: \.isAmount) {
                    row.label += words
                }
                row.amounts += tokens.filter(\.isAmount)
                current = row
            }
        }
        if let row = current { rows.append(row) }
        // 合计 printed on a header line above all rows keeps the figures that came before it.
        return rows.map { row in
            var row = row
            row.label = Tokenizer.name(row.label)
            row.amounts.sort { $0.offset < $1.offset }
            return row
        }
    }

    /// Puts each row's figures in columns. The first figure is the row total (栏1); the others go, in
    /// order, to the columns in use, chosen so that every parent row is the sum of its children.
    func placeCodeRows(_ raw: [RawRow], columns: Int, hints: [Int: Money] = [:], centers: [Int: Double] = [:]) -> [TableRow] {
        var cells: [RowKey: [Int: Money]] = [:]
        let rawByKey = Dictionary(raw.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        func extras(_ row: RawRow) -> [Money] { row.amounts.dropFirst().compactMap(\.amount) }
        // Positions, where the extraction kept them (the 栏次 stand apart): a row may be shifted as a
        // whole, but the gaps between its figures match the gaps between their columns. Among the
        // placements the formulas allow, the one whose gaps match best comes first.
        let sortedCenters = centers.sorted { $0.key < $1.key }.map(\.value)
        let usable = centers.count >= 2 && zip(sortedCenters, sortedCenters.dropFirst()).allSatisfy { $1 - $0 >= 6 }
        func mismatch(_ row: RawRow, _ combo: [Int]) -> Double {
            guard usable else { return 0 }
            let placed = [1] + combo
            let ends = row.amounts.filter(\.isAmount).map { Double($0.offset + $0.text.count) }
            guard ends.count == placed.count, placed.allSatisfy({ centers[$0] != nil }) else { return 0 }
            var total = 0.0
            for index in 1..<max(1, placed.count) {
                total += abs((ends[index] - ends[index - 1]) - (centers[placed[index]]! - centers[placed[index - 1]]!))
            }
            return total
        }
        func byPosition(_ row: RawRow, _ combos: [[Int]]) -> [[Int]] {
            guard usable else { return combos }
            return combos.enumerated().sorted { (mismatch(row, $0.element), $0.offset) < (mismatch(row, $1.element), $1.offset) }.map(\.element)
        }

        // Columns in use: from the 合计 row, guided by figures known from other tables.
        let total = rawByKey[.total]
        var active: [Int] = []
        if let total {
            let values = extras(total)
            let combos = Self.combinations(Array(2...max(2, columns)), values.count)
            let hinted = combos.first { combo in
                !hints.isEmpty && zip(combo, values).allSatisfy { hints[$0.0] == $0.1 } && hints.filter { $0.value != .zero }.keys.allSatisfy(combo.contains)
            }
            active = hinted ?? byPosition(total, combos).first ?? []
        }
        if active.isEmpty {
            let most = raw.map { extras($0).count }.max() ?? 0
            active = Array(2..<(2 + min(most, max(0, columns - 1))))
        }
        func place(_ row: RawRow, _ combo: [Int]) -> [Int: Money] {
            var result: [Int: Money] = [:]
            if let first = row.amounts.first?.amount { result[1] = first }
            for (column, value) in zip(combo, extras(row)) { result[column] = value }
            return result
        }
        func options(_ row: RawRow) -> [[Int]] {
            let count = extras(row).count
            let pool = count <= active.count ? active : Array(2...max(2, columns))
            let combos = byPosition(row, Self.combinations(pool, count))
            return combos.isEmpty ? [[]] : combos
        }
        if let total { cells[.total] = place(total, active.count == extras(total).count ? active : options(total)[0]) }

        // Top-down: a parent's placement fixes what its children must add up to.
        let codes = raw.compactMap { row -> FunctionCode? in if case .function(let code) = row.key { code } else { nil } }
        func children(of parent: FunctionCode?) -> [RawRow] {
            raw.filter { row in
                guard case .function(let code) = row.key else { return false }
                if let parent { return code.parent == parent }
                return code.level == .category || (code.parent.map { !codes.contains($0) } ?? false)
            }
        }
        func solve(parent: [Int: Money]?, _ group: [RawRow]) {
            guard !group.isEmpty else { return }
            let choices = group.map(options)
            let best = Self.cheapest(choices, limit: 200_000) { chosen in
                guard let parent else { return 0 }
                var sums: [Int: Int64] = [:]
                for (row, combo) in zip(group, chosen) {
                    for (column, value) in place(row, combo) where column > 1 { sums[column, default: 0] += value.fen }
                }
                var total: Int64 = 0
                for column in Set(sums.keys).union(parent.keys) where column > 1 {
                    total += abs((parent[column]?.fen ?? 0) - (sums[column] ?? 0))
                }
                return total
            }
            let picked = best ?? choices.map { $0[0] }
            for (row, combo) in zip(group, picked) {
                let placed = place(row, combo)
                cells[row.key] = placed
                if case .function(let code) = row.key { solve(parent: placed, children(of: code)) }
            }
        }
        solve(parent: cells[.total], children(of: nil))
        return raw.map { row in
            TableRow(key: row.key, label: row.label, cells: cells[row.key] ?? place(row, options(row)[0]),
                     source: SourceLocation(file: "", line: row.amounts.first?.line ?? row.line))
        }
    }

    /// One choice per item (`choices[i]` the columns item i may take), the cheapest whole choice by
    /// `cost`, searched depth-first; stops at a perfect one (cost 0) or after `limit` steps.
    static func cheapest(_ choices: [[[Int]]], limit: Int, cost: ([[Int]]) -> Int64) -> [[Int]]? {
        var chosen: [[Int]] = []
        var best: [[Int]]?
        var bestCost = Int64.max
        var visited = 0
        func search(_ index: Int) {
            visited += 1
            if visited > limit || bestCost == 0 { return }
            if index == choices.count {
                let value = cost(chosen)
                if value < bestCost { bestCost = value; best = chosen }
                return
            }
            for combo in choices[index] {
                chosen.append(combo)
                search(index + 1)
                chosen.removeLast()
                if bestCost == 0 { return }
            }
        }
        search(0)
        return best
    }

    /// Order-preserving choices of `count` columns out of `pool`.
    static func combinations(_ pool: [Int], _ count: Int) -> [[Int]] {
        guard count > 0 else { return [[]] }
        guard count <= pool.count else { return [] }
        var result: [[Int]] = []
        func build(_ start: Int, _ current: [Int]) {
            if current.count == count { result.append(current); return }
            guard start < pool.count else { return }
            for index in start..<pool.count where pool.count - index >= count - current.count {
                build(index + 1, current + [pool[index]])
            }
        }
        build(0, [])
        return result
    }

    // MARK: 表6

    /// Reads 表6, printed as two or three blocks side by side (人员经费 | 公用经费 …), each of code,
    /// name and figure. A code's figure stands on its line (to its right) or on the lines just above it
    /// (a layout that centres figures in tall cells); its name stands on its line or just below.
    func basicDetail(lines: [[Token]]) -> [TableRow] {
        // Flattened text puts each figure right after its code and name; a layout with tall cells does not.
        let amounts = lines.flatMap { $0 }.filter(\.isAmount)
        let inline = lines.reduce(0) { count, tokens in
            count + tokens.enumerated().filter { index, token in
                token.isAmount && tokens[..<index].contains { $0.isDigits && ($0.text.count == 3 || $0.text.count == 5) }
            }.count
        }
        if amounts.isEmpty || inline * 10 >= amounts.count * 6 { return basicDetailInline(lines: lines) }
        return basicDetailLayout(lines: lines)
    }

    /// 表6 as flattened text: each line holds up to three cells of code, name and figure, in order.
    func basicDetailInline(lines: [[Token]]) -> [TableRow] {
        var rows: [TableRow] = []
        var pendingTotals: [(String, Int)] = []
        var orphans: [Token] = []
        for tokens in lines {
            if tokens.allSatisfy(\.isAmount) { orphans += tokens; continue }
            var index = 0
            while index < tokens.count {
                let token = tokens[index]
                if token.isDigits, token.text.count == 3 || token.text.count == 5 {
                    var digits = token.text
                    index += 1
                    if digits.count == 3, index < tokens.count, tokens[index].isDigits, tokens[index].text.count == 2 {
                        digits += tokens[index].text
                        index += 1
                    }
                    var name = ""
                    while index < tokens.count, tokens[index].isText { name += tokens[index].text; index += 1 }
                    var cells: [Int: Money] = [:]
                    var line = token.line
                    if index < tokens.count, let amount = tokens[index].amount { cells[1] = amount; line = tokens[index].line; index += 1 }
                    if let code = EconomicCode(digits) {
                        rows.append(TableRow(key: .economic(code), label: Tokenizer.name(name), cells: cells, source: SourceLocation(file: "", line: line)))
                    }
                } else if token.isText {
                    var name = ""
                    while index < tokens.count, tokens[index].isText { name += tokens[index].text; index += 1 }
                    let key = Tokenizer.labelKey(name)
                    if key.hasSuffix("人员经费合计") || key.hasSuffix("公用经费合计") {
                        let total = key.hasSuffix("人员经费合计") ? "人员经费合计" : "公用经费合计"
                        if index < tokens.count, let amount = tokens[index].amount {
                            rows.append(TableRow(key: .named(total), label: total, cells: [1: amount], source: SourceLocation(file: "", line: tokens[index].line)))
                            index += 1
                        } else {
                            pendingTotals.append((total, token.line))
                        }
                    }
                } else {
                    index += 1
                }
            }
        }
        // Totals whose figures were printed on a line of their own.
        for ((total, line), token) in zip(pendingTotals, orphans.suffix(pendingTotals.count)) {
            rows.append(TableRow(key: .named(total), label: total, cells: [1: token.amount!], source: SourceLocation(file: "", line: line)))
        }
        return Self.sortedBasicRows(rows)
    }

    func basicDetailLayout(lines: [[Token]]) -> [TableRow] {
        struct Anchor {
            var code: String
            var line: Int
            var offset: Int
            var name = ""
            var amount: Token?
            var block = 0
        }
        let all = lines.flatMap { $0 }
        func isClassCode(_ token: Token) -> Bool { token.isDigits && token.text.count == 3 && (token.text.hasPrefix("30") || token.text.hasPrefix("31") || token.text.hasPrefix("39")) }
        // Anchors: 3-digit codes (with a 2-digit 款 after them, on the same line or just below), or 5-digit codes.
        var anchors: [Anchor] = []
        var used = Set<Int>()  // indices of 款 tokens consumed
        for (index, token) in all.enumerated() {
            if token.isDigits && token.text.count == 5 && EconomicCode(token.text) != nil && (token.text.hasPrefix("30") || token.text.hasPrefix("31") || token.text.hasPrefix("39")) {
                anchors.append(Anchor(code: token.text, line: token.line, offset: token.offset))
            } else if isClassCode(token) {
                var code = token.text
                if let next = all.indices.first(where: { other in
                    !used.contains(other) && all[other].isDigits && all[other].text.count == 2
                        && ((all[other].line == token.line && all[other].offset > token.offset && all[other].offset - token.offset <= 12
                             && !all[(index + 1)..<other].contains { isClassCode($0) })
                            || (all[other].line == token.line + 1 && all[other].offset >= token.offset && all[other].offset - token.offset <= 12))
                }) {
                    code += all[next].text
                    used.insert(next)
                }
                anchors.append(Anchor(code: code, line: token.line, offset: token.offset))
            }
        }
        guard !anchors.isEmpty else { return [] }
        // Blocks: clusters of anchor offsets.
        let offsets = Set(anchors.map(\.offset)).sorted()
        var starts: [Int] = [offsets[0]]
        for offset in offsets.dropFirst() where offset - starts.last! > 12 { starts.append(offset) }
        func block(of offset: Int) -> Int { max(0, (starts.lastIndex { $0 <= offset + 3 }) ?? 0) }
        for index in anchors.indices { anchors[index].block = block(of: anchors[index].offset) }
        // Totals: 人员经费合计, 公用经费合计 labels.
        var totals: [(name: String, line: Int, offset: Int, block: Int, amount: Token?)] = []
        for token in all where token.isText {
            let key = Tokenizer.labelKey(token.text)
            for name in ["人员经费合计", "公用经费合计"] where key.hasSuffix(name) {
                totals.append((name, token.line, token.offset, block(of: token.offset), nil))
            }
        }
        // Figures: to the anchor of their block on their line (to the left), else the next one below.
        for token in all where token.isAmount {
            let blockIndex = block(of: token.offset)
            let sameLine = anchors.indices.filter { anchors[$0].line == token.line && anchors[$0].block == blockIndex && anchors[$0].offset < token.offset }
            if let target = sameLine.max(by: { anchors[$0].offset < anchors[$1].offset }), anchors[target].amount == nil {
                anchors[target].amount = token
                continue
            }
            if let total = totals.indices.first(where: { totals[$0].line == token.line && totals[$0].block == blockIndex && totals[$0].offset < token.offset && totals[$0].amount == nil }) {
                totals[total].amount = token
                continue
            }
            let below = anchors.indices.filter { anchors[$0].block == blockIndex && anchors[$0].line > token.line && anchors[$0].amount == nil }
            let nextTotal = totals.indices.filter { totals[$0].block == blockIndex && totals[$0].line > token.line && totals[$0].amount == nil }
            let anchorLine = below.map { anchors[$0].line }.min() ?? Int.max
            let totalLine = nextTotal.map { totals[$0].line }.min() ?? Int.max
            if anchorLine <= totalLine, let target = below.first(where: { anchors[$0].line == anchorLine }) {
                anchors[target].amount = token
            } else if let target = nextTotal.first(where: { totals[$0].line == totalLine }) {
                totals[target].amount = token
            }
        }
        // Names: text of the block from the anchor's line down to the next anchor of the block.
        for index in anchors.indices {
            let anchor = anchors[index]
            let nextLine = anchors.filter { $0.block == anchor.block && $0.line > anchor.line }.map(\.line).min() ?? Int.max
            let limit = starts.count > anchor.block + 1 ? starts[anchor.block + 1] - 2 : Int.max
            let words = all.filter { token in
                token.isText && token.line >= anchor.line && token.line < min(nextLine, anchor.line + 3)
                    && token.offset > anchor.offset && token.offset < limit && !Tokenizer.labelKey(token.text).hasSuffix("合计")
                    && (token.line > anchor.line || token.offset > anchor.offset)
            }
            anchors[index].name = Tokenizer.name(words.sorted { ($0.line, $0.offset) < ($1.line, $1.offset) }.map(\.text).joined())
        }
        var rows: [TableRow] = []
        var seen = Set<String>()
        for anchor in anchors {
            guard let code = EconomicCode(anchor.code), seen.insert(anchor.code).inserted else { continue }
            var cells: [Int: Money] = [:]
            if let amount = anchor.amount?.amount { cells[1] = amount }
            rows.append(TableRow(key: .economic(code), label: anchor.name, cells: cells,
                                 source: SourceLocation(file: "", line: anchor.amount?.line ?? anchor.line)))
        }
        for total in totals {
            var cells: [Int: Money] = [:]
            if let amount = total.amount?.amount { cells[1] = amount }
            rows.append(TableRow(key: .named(total.name), label: total.name, cells: cells,
                                 source: SourceLocation(file: "", line: total.amount?.line ?? total.line)))
        }
        return Self.sortedBasicRows(rows)
    }

    /// 人员经费 classes (301, 303) first, then 302, 310 and the rest, then the two totals.
    static func sortedBasicRows(_ rows: [TableRow]) -> [TableRow] {
        let order: [String: Int] = ["301": 0, "303": 1, "302": 2, "310": 3]
        return rows.enumerated().sorted { a, b in
            func rank(_ row: TableRow) -> (Int, String) {
                switch row.key {
                case .economic(let code): (order[String(code.digits.prefix(3))] ?? 4, code.digits)
                case .named(let name): (name == "人员经费合计" ? 8 : 9, "")
                default: (10, "")
                }
            }
            return rank(a.element) < rank(b.element)
        }.map(\.element)
    }

    // MARK: 表7

    /// Reads 表7's figures printed in `order` (the layout's order of the 12 columns, e.g. a 预算数/决算数
    /// pair for each item), blank cells omitted: of every way to place the figures left to right, the
    /// one under which the table's own formulas hold; among equals, totals present, 运行费 before
    /// 购置费, leftmost.
    func officialExpenses(_ amounts: [Token], order: [Int]) -> TableRow {
        guard order != Array(1...12) else { return officialExpenses(amounts) }
        let values = amounts.sorted { ($0.line, $0.offset) < ($1.line, $1.offset) }.compactMap(\.amount)
        var best: [Int: Money] = [:]
        var bestScore = (Int64.max, Int.max)
        guard values.count <= order.count else {
            return TableRow(key: StandardLayout.singleRow, label: "", cells: [:], source: SourceLocation(file: "", line: amounts.first?.line ?? 0))
        }
        for slots in Self.combinations(Array(order.indices), values.count) {
            var cells: [Int: Money] = [:]
            for (slot, value) in zip(slots, values) { cells[order[slot]] = value }
            func v(_ column: Int) -> Int64 { cells[column]?.fen ?? 0 }
            let violation = abs(v(1) - v(2) - v(3) - v(6)) + abs(v(3) - v(4) - v(5)) + abs(v(7) - v(8) - v(9) - v(12)) + abs(v(9) - v(10) - v(11))
            var penalty = slots.reduce(0, +)
            if cells.keys.contains(where: { $0 <= 6 }) && cells[1] == nil { penalty += 1000 }
            if cells.keys.contains(where: { $0 > 6 }) && cells[7] == nil { penalty += 1000 }
            for preferredAway in [4, 10, 2, 8] where cells[preferredAway] != nil { penalty += 50 }
            if (violation, penalty) < bestScore { bestScore = (violation, penalty); best = cells }
        }
        return TableRow(key: StandardLayout.singleRow, label: "", cells: best,
                        source: SourceLocation(file: "", line: amounts.first?.line ?? 0))
    }

    /// Reads 表7's figures (blank cells omitted) into its 12 columns, choosing the placement that best
    /// satisfies 1=2+3+6, 3=4+5, 7=8+9+12, 9=10+11; among equals, 运行费 before 购置费.
    func officialExpenses(_ amounts: [Token]) -> TableRow {
        let values = amounts.sorted { ($0.line, $0.offset) < ($1.line, $1.offset) }.compactMap(\.amount)
        var best: [Int: Money] = [:]
        var bestScore = (Int64.max, Int.max)
        func violations(_ cells: [Int: Money], _ base: Int) -> Int64 {
            func v(_ column: Int) -> Int64 { cells[base + column]?.fen ?? 0 }
            return abs(v(1) - v(2) - v(3) - v(6)) + abs(v(3) - v(4) - v(5))
        }
        for split in 0...values.count {
            let budget = Array(values.prefix(split)), actual = Array(values.dropFirst(split))
            guard budget.count <= 6, actual.count <= 6 else { continue }
            for budgetColumns in Self.combinations(Array(1...6), budget.count) {
                for actualColumns in Self.combinations(Array(7...12), actual.count) {
                    var cells: [Int: Money] = [:]
                    for (column, value) in zip(budgetColumns, budget) { cells[column] = value }
                    for (column, value) in zip(actualColumns, actual) { cells[column] = value }
                    let violation = violations(cells, 0) + violations(cells, 6)
                    // Preference: totals present, running costs before purchases; figures are read left to
                    // right and budget columns come first, so a longer budget side wins a tie.
                    var penalty = (6 - budget.count) * 10
                    if !budget.isEmpty && budgetColumns.first != 1 { penalty += 100 }
                    if !actual.isEmpty && actualColumns.first != 7 { penalty += 100 }
                    if cells[4] != nil { penalty += 1 }
                    if cells[10] != nil { penalty += 1 }
                    if cells[2] != nil { penalty += 1 }
                    if cells[8] != nil { penalty += 1 }
                    if (violation, penalty) < bestScore { bestScore = (violation, penalty); best = cells }
                }
            }
        }
        return TableRow(key: StandardLayout.singleRow, label: "", cells: best,
                        source: SourceLocation(file: "", line: amounts.first?.line ?? 0))
    }
}
