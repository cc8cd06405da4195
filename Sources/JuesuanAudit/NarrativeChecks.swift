import Foundation
import Logging
import JuesuanCore
import JuesuanImport
import JuesuanPerformance
import JuesuanRules

/// Checks of a report's prose: every amount it states against the tables, every percentage against
/// the amounts it refers to, changes on last year, execution against the budget, parts against
/// wholes, counts and project amounts stated twice, and slips of the text itself. General rules over
/// what was read; nothing here knows a particular report's wording or numbers.
struct NarrativeChecks {
    let report: PublishedReport
    let rules: RuleCatalogue
    let catalog: Catalog
    var findings: [Finding] = []

    var disclosure: Disclosure { report.disclosure }

    init(report: PublishedReport, rules: RuleCatalogue, catalog: Catalog) {
        self.report = report
        self.rules = rules
        self.catalog = catalog
    }

    // MARK: Findings

    mutating func add(_ ruleID: String, passage: Passage?, at offset: Int, line explicitLine: Int? = nil, stated: String?,
                      expected: String?, values: [String: String], severity: Severity? = nil, note: String? = nil) {
        guard let rule = rules.rule(ruleID) else { return }
        var message = rule.message
        var all = values
        all["stated"] = stated ?? ""
        all["expected"] = expected ?? ""
        for (key, value) in all { message = message.replacingOccurrences(of: "{\(key)}", with: value) }
        if let note { message += note }
        let line = explicitLine ?? passage?.line(at: offset)
        findings.append(Finding(rule: rule.id, severity: severity ?? rule.severity, message: message, stated: stated,
                                expected: expected, line: line, page: line.flatMap(report.page(ofLine:)), family: rule.family))
    }

    /// When a printed percentage is the exact one cut off (95.45% for 95.457…%) rather than rounded:
    /// a note naming both, for a finding that is then only info — a habit of printing, not a wrong
    /// figure.
    static func truncation(_ printed: Mention, exact: Decimal) -> String? {
        var input = exact, cut = Decimal()
        NSDecimalRound(&cut, &input, printed.decimals, exact >= 0 ? .down : .up)
        guard cut == printed.value, cut != exact.roundedHalfUp(printed.decimals) else { return nil }
        return "（所印 \(printed.text)% 是 \(exact.text(printed.decimals + 3))…% 截去尾数所得，四舍五入应为 "
            + "\(exact.roundedHalfUp(printed.decimals).text(printed.decimals))%；属截尾，不是计算错误）"
    }

    /// How a printed rate stands against what its rounded inputs allow.
    enum RateVerdict { case right, slip, wrong }

    /// Half a unit of the last printed decimal: how far a printed figure may be from the true one.
    static func slack(decimals: Int) -> Decimal {
        var unit = Decimal(5)
        for _ in 0...max(0, decimals) { unit /= 10 }
        return unit
    }

    /// The slack of a figure known only by its value (a table cell, a budget read as 分): the half unit of
    /// the fewest decimals (up to 2) that print it, never below 0.005.
    static func slack(of value: Decimal) -> Decimal {
        for decimals in 0...2 where value.roundedHalfUp(decimals) == value { return slack(decimals: max(decimals, 0)) }
        return slack(decimals: 2)
    }

    /// Judges a printed rate (percent) of `numerator / denominator`, each known within ± its slack: right
    /// when some rate the inputs allow rounds to the printed one; a rounding slip when it misses that
    /// interval by no more than one unit of its last digit (a warning, never an error); else wrong.
    static func judgeRate(_ printed: Mention, numerator: Decimal, numeratorSlack: Decimal, denominator: Decimal,
                          denominatorSlack: Decimal) -> RateVerdict {
        let smallest = denominator - denominatorSlack
        guard smallest > 0 else { return .right }  // the inputs do not fix the rate: never a finding
        let bounds = [(numerator - numeratorSlack) / (denominator + denominatorSlack), (numerator - numeratorSlack) / smallest,
                      (numerator + numeratorSlack) / (denominator + denominatorSlack), (numerator + numeratorSlack) / smallest].map { $0 * 100 }
        let low = bounds.min()!, high = bounds.max()!
        let half = slack(decimals: printed.decimals)
        let value = printed.value.magnitude
        if value - half <= high && value + half >= low { return .right }
        if value - 3 * half <= high && value + 3 * half >= low { return .slip }  // a neighbour of a right printed value
        return .wrong
    }

    /// The severity a verdict gives a rate finding: none for a right rate, a warning for a slip, info
    /// for a printed rate cut off rather than rounded, else the rule's own.
    static func severity(_ verdict: RateVerdict, truncated: Bool) -> Severity?? {
        switch verdict {
        case .right: return .none
        case _ where truncated: return .some(.info)
        case .slip: return .some(.warning)
        case .wrong: return .some(nil)
        }
    }

    static let slipNote = "（与所印金额四舍五入所容许的范围只差末位一个单位，属舍入之差，请核对）"

    /// About 30 characters of the sentence around `offset`.
    static func excerpt(_ characters: [Character], around offset: Int) -> String {
        var start = offset, end = offset
        while start > 0, !"。；;".contains(characters[start - 1]), offset - start < 30 { start -= 1 }
        while end < characters.count, !"。；;".contains(characters[end]), end - offset < 24 { end += 1 }
        return String(characters[start..<end])
    }

    // MARK: Run

    mutating func run() {
        let logger = Logger(label: "juesuan.audit")
        var clock = Date()
        func lap(_ name: String) {
            logger.debug("\(name) \(Int(Date().timeIntervalSince(clock) * 1_000_000)) µs"); clock = Date()
        }
        let scanned = report.passages.map { passage -> (Passage, [Character], [Mention]) in
            let characters = passage.characters.isEmpty ? Array(passage.text) : passage.characters
            return (passage, characters, MentionScanner.scan(characters))
        }
        for (passage, characters, mentions) in scanned { checkPassage(passage, characters, mentions) }
        lap("passages")
        checkCounts(scanned)
        lap("counts")
        checkProjects(scanned)
        lap("projects")
        for (passage, characters, mentions) in scanned { checkParts(passage, characters, mentions) }
        lap("parts")
        checkText()
        checkLanguage(scanned)
        lap("text")
        checkStatedScores(scanned)
    }

    // MARK: What a phrase refers to

    struct Quantity {
        var value: Money
        var source: String
    }

    func table(_ id: TableID) -> Table? { disclosure[id] }

    /// The table figure a phrase names: totals, income and expenditure kinds, classes, 三公 items,
    /// 人员经费 and 公用经费. `general` says whether the section is about 一般公共预算 funds.
    func quantity(named phrase: String, general: Bool, threeItems: Bool) -> Quantity? {
        let text = phrase.filter { !$0.isWhitespace && $0 != "“" && $0 != "”" && $0 != "\"" }
        let scalars = Array(text.unicodeScalars)
        func has(_ word: String) -> Bool { Self.contains(scalars, word) }
        func cell(_ id: TableID, _ key: RowKey, _ column: Int, _ source: String) -> Quantity? {
            guard let found = table(id) else { return nil }
            return Quantity(value: found.amount(key, column: column), source: source)
        }
        let t7 = StandardLayout.singleRow
        if threeItems || has("三公") {
            if has("因公出国") { return cell(.t7, t7, 8, "表7 因公出国（境）费决算数") }
            if has("公务用车购置及运行") { return cell(.t7, t7, 9, "表7 公务用车购置及运行费决算数") }
            if has("公务用车运行") { return cell(.t7, t7, 11, "表7 公务用车运行费决算数") }
            if has("公务用车购置") { return cell(.t7, t7, 10, "表7 公务用车购置费决算数") }
            if has("公务接待") { return cell(.t7, t7, 12, "表7 公务接待费决算数") }
            if has("三公") { return cell(.t7, t7, 7, "表7 “三公”经费决算数合计") }
        }
        // 机关运行经费 (the running costs of 行政单位 and 参公事业单位) is no figure of the nine tables: 表6's
        // 公用经费 covers every unit of the department by economic classification. Never compared.
        if has("机关运行经费") { return nil }
        if text.hasSuffix("人员经费") { return cell(.t6, StandardLayout.personnelTotal, 1, "表6 人员经费合计") }
        if text.hasSuffix("公用经费") { return cell(.t6, StandardLayout.publicTotal, 1, "表6 公用经费合计") }
        if has("财政拨款收、支总计") || has("财政拨款收入支出总计") || has("财政拨款收支总计") {
            return cell(.t4, .line(32), 1, "表4 收入总计（第32行）")
        }
        if has("收、支总计") || has("收入支出总计") || has("收支总计") {
            return cell(.t1, .line(30), 1, "表1 收入总计（第30行）")
        }
        // A class (类): "一般公共服务（类）支出", "社会保障和就业支出（类）".
        let bare = text.replacingOccurrences(of: "（类）", with: "").replacingOccurrences(of: "(类)", with: "")
        if has("类"), let functionClass = catalog.classes.first(where: { functionClass in
            let name = functionClass.name
            let stem = name.hasSuffix("支出") ? String(name.dropLast(2)) : name
            return bare.hasSuffix(name) || bare.hasSuffix(stem + "支出") || bare.hasSuffix(stem)
        }) {
            let id: TableID = general ? .t5 : .t3
            return cell(id, .function(functionClass.code), 1, "\(id) \(functionClass.code.digits) \(functionClass.name)")
        }
        if text.hasSuffix("本年收入合计") || text.hasSuffix("收入合计") { return cell(.t1, .line(27), 1, "表1 本年收入合计（第27行）") }
        if text.hasSuffix("本年支出合计") || text.hasSuffix("支出合计") { return cell(.t1, .line(57), 2, "表1 本年支出合计（第57行）") }
        // The other two kinds of fiscal money have tables of their own.
        if text.hasSuffix("政府性基金预算财政拨款支出") { return cell(.t8, .total, 3, "表8 本年支出合计") }
        if text.hasSuffix("国有资本经营预算财政拨款支出") { return cell(.t9, .total, 1, "表9 本年支出合计") }
        if text.hasSuffix("政府性基金预算财政拨款收入") { return cell(.t4, .line(2), 1, "表4 政府性基金预算财政拨款收入（第2行）") }
        if text.hasSuffix("国有资本经营预算财政拨款收入") { return cell(.t4, .line(3), 1, "表4 国有资本经营预算财政拨款收入（第3行）") }
        if text.hasSuffix("一般公共预算财政拨款基本支出") { return cell(.t5, .total, 2, "表5 基本支出合计") }
        if text.hasSuffix("一般公共预算财政拨款支出") || (general && text.hasSuffix("财政拨款支出")) {
            return cell(.t5, .total, 1, "表5 一般公共预算财政拨款支出合计")
        }
        // Fiscal spending of all three kinds: 表4 本年支出合计.
        if text.hasSuffix("财政拨款支出") { return cell(.t4, .line(59), 2, "表4 本年支出合计（第59行）") }
        if text.hasSuffix("基本支出") { return general ? cell(.t5, .total, 2, "表5 基本支出合计") : cell(.t3, .total, 2, "表3 基本支出合计") }
        if text.hasSuffix("项目支出") { return general ? cell(.t5, .total, 3, "表5 项目支出合计") : cell(.t3, .total, 3, "表3 项目支出合计") }
        if text.hasSuffix("财政拨款收入") {
            guard let t1 = table(.t1) else { return nil }
            return Quantity(value: (1...3).reduce(.zero) { $0 + t1.amount(.line($1), column: 1) }, source: "表1 财政拨款收入（第1～3行）")
        }
        for (name, line) in [("上级补助收入", 4), ("事业收入", 5), ("经营收入", 6), ("附属单位上缴收入", 7), ("其他收入", 8)] where text.hasSuffix(name) {
            return cell(.t1, .line(line), 1, "表1 \(name)（第\(line)行）")
        }
        return nil
    }

    /// Whether `scalars` contain `word` (a plain scan; cheaper than the generic string search here).
    static func contains(_ scalars: [Unicode.Scalar], _ word: String) -> Bool {
        let needle = Array(word.unicodeScalars)
        guard let first = needle.first, scalars.count >= needle.count else { return needle.isEmpty }
        var index = 0
        let last = scalars.count - needle.count
        while index <= last {
            if scalars[index] == first {
                var match = true
                for offset in 1..<needle.count where scalars[index + offset] != needle[offset] { match = false; break }
                if match { return true }
            }
            index += 1
        }
        return false
    }

    /// The words just before `offset`, back to the previous figure or punctuation.
    static func subject(_ characters: [Character], before offset: Int, after floor: Int) -> String {
        var start = offset
        while start > floor, !"。；;，,：:".contains(characters[start - 1]) { start -= 1 }
        var text = String(characters[start..<offset]).filter { !$0.isWhitespace }
        // Numbering: "(1)", "（2）", "3、".
        if let first = text.first, first == "(" || first == "（", let close = text.firstIndex(where: { $0 == ")" || $0 == "）" }),
           text[text.index(after: text.startIndex)..<close].allSatisfy(\.isNumber) {
            text = String(text[text.index(after: close)...])
        }
        if let mark = text.firstIndex(of: "、"), text[..<mark].allSatisfy(\.isNumber), mark != text.startIndex {
            text = String(text[text.index(after: mark)...])
        }
        for filler in ["为", "是", "共", "总额", "合计为", "达到"] where text.hasSuffix(filler) && text.count > filler.count + 1 {
            text.removeLast(filler.count)
        }
        return text
    }

    // MARK: Amounts, shares, execution, changes

    mutating func checkPassage(_ passage: Passage, _ characters: [Character], _ mentions: [Mention]) {
        let heading = String(characters.prefix(40))
        let general = heading.includes("一般公共预算")
        let threeItems = heading.includes("三公")
        var sentenceStart = 0
        var previousEnd = 0
        // Figures stated for the subjects of this passage, for later percentages in the sentence.
        var firstAmountOfSentence: (Mention, Quantity?)?  // the whole a list of shares refers to (reset at 。)
        var lastAmount: (Mention, Quantity?)?
        var stated: [String: Money] = [:]  // budget figures stated in the clause
        var subjects: [(String, Mention)] = []  // amounts of the passage by what they are
        var budgets: [(Mention, Money)] = []  // 年初预算 figures, for 决算数大于/小于/等于预算数
        var budgetSubject: String?  // what the last 年初预算 of the sentence was for
        for (position, mention) in mentions.enumerated() {
            // New clause (；) or sentence (。)?
            let gap = characters[previousEnd..<mention.start]
            if let stop = gap.lastIndex(where: { "。；;".contains($0) }) {
                sentenceStart = stop + 1
                lastAmount = nil
                stated = [:]
                if gap.contains("。") { firstAmountOfSentence = nil; budgetSubject = nil }
            }
            let before = String(characters[max(sentenceStart, mention.start - 24)..<mention.start])
            // "X 万元，其中：A …，占 …%": the shares that follow are of X.
            if String(characters[previousEnd..<mention.start]).includes("其中"), let last = lastAmount { firstAmountOfSentence = last }
            let subject = Self.subject(characters, before: mention.start, after: max(sentenceStart, previousEnd))
            switch mention.kind {
            case .amount:
                let amount = Money(wan: mention.value)
                if before.hasSuffix("年初预算为") || before.hasSuffix("年初预算数为") || before.hasSuffix("预算数为") || before.hasSuffix("预算为") {
                    stated["budget"] = amount
                    budgets.append((mention, amount))
                    var budgetTopic = subject
                    for suffix in ["年初预算数为", "年初预算为", "年初预算数", "年初预算", "预算数为", "预算数", "预算为", "预算"] where budgetTopic.hasSuffix(suffix) {
                        budgetTopic.removeLast(suffix.count)
                        break
                    }
                    budgetSubject = budgetTopic.isEmpty ? nil : budgetTopic
                    let sentence = String(characters[sentenceStart..<mention.start])
                    if sentence.includes("三公"), let t7 = table(.t7) {
                        let printed = t7.amount(StandardLayout.singleRow, column: 1)
                        if printed.wanDecimal.roundedHalfUp(mention.decimals) != mention.value.roundedHalfUp(mention.decimals) {
                            add("N-AMOUNT", passage: passage, at: mention.start, stated: mention.text, expected: printed.description,
                                values: ["subject": "“三公”经费年初预算", "source": "表7 预算数合计（第1栏）",
                                         "excerpt": Self.excerpt(characters, around: mention.start)])
                        }
                    }
                    break
                }
                if ["增加", "减少", "增长", "下降", "少", "多", "节约"].contains(where: { subject.hasSuffix($0) }) {
                    let topic = String(characters[max(sentenceStart, previousEnd)..<mention.start])
                    checkChange(passage, characters, mention, subject: subject, topic: topic, base: lastAmount,
                                following: mentions.dropFirst(position + 1).first, general: general, threeItems: threeItems)
                    break
                }
                subjects.append((subject.filter { !$0.isWhitespace }, mention))
                // A generic subject ("支出决算为") refers to the item the sentence or the numbered entry names.
                var named = subject
                if Self.genericSubjects.contains(subject) {
                    // What the budget stated just before was for; else the numbered entry; else the sentence's opening.
                    if let budgetSubject, quantity(named: budgetSubject, general: general, threeItems: threeItems) != nil {
                        named = budgetSubject
                    } else {
                        named = Self.itemTopic(characters, before: mention.start, sentenceStart: sentenceStart)
                    }
                }
                let quantity = quantity(named: named, general: general, threeItems: threeItems || Self.mentionsThree(characters, sentenceStart, mention.start))
                if let quantity {
                    let expected = quantity.value.wanDecimal.roundedHalfUp(mention.decimals)
                    if expected != mention.value.roundedHalfUp(mention.decimals) {
                        let tableText = quantity.value.formatted(unit: .wan, decimals: max(2, mention.decimals), grouping: true)
                        let difference = (mention.value - quantity.value.wanDecimal)
                        let within = difference.magnitude <= Decimal(string: "0.01")! && mention.decimals >= 2
                        add("N-AMOUNT", passage: passage, at: mention.start, stated: mention.text, expected: tableText,
                            values: ["subject": subject.isEmpty ? "金额" : subject, "source": quantity.source,
                                     "excerpt": Self.excerpt(characters, around: mention.start)], severity: within ? .info : nil)
                    }
                }
                if firstAmountOfSentence == nil { firstAmountOfSentence = (mention, quantity) }
                lastAmount = (mention, quantity)
            case .percent:
                if before.hasSuffix("完成年初预算的") || before.hasSuffix("完成预算的") || before.hasSuffix("完成年初预算") {
                    checkExecution(passage, characters, mention, actual: lastAmount, budget: stated["budget"], sentenceStart: sentenceStart,
                                   threeItems: threeItems)
                } else if let range = before.range(of: "占", options: .backwards) {
                    let denominatorText = String(before[range.upperBound...])
                    let named = Self.namedAmount(denominatorText, in: subjects, excluding: lastAmount?.0)
                    checkShare(passage, characters, mention, part: lastAmount, whole: named.map { ($0, nil) } ?? firstAmountOfSentence,
                               denominator: named == nil ? denominatorText : "", general: general)
                }
            case .count:
                break
            }
            previousEnd = mention.end
        }
        checkComparisons(passage, characters, mentions, budgets: budgets)
    }

    /// Wholes whose parts the text lists after "其中" or "主要用于": the parts of 政府采购支出总额
    /// (货物、工程、服务) and of 公务用车运行费 (燃料费、维修费、保险费 …) must add up to it, unless the
    /// list is left open with "等"; the parts of any other whole must not exceed it.
    mutating func checkParts(_ passage: Passage, _ characters: [Character], _ mentions: [Mention]) {
        let amounts = mentions.filter { $0.kind == .amount }
        var checked = Set<Int>()
        for (index, whole) in amounts.enumerated() where !checked.contains(whole.start) {
            let sentenceStart = (characters[..<whole.start].lastIndex { "。".contains($0) }).map { $0 + 1 } ?? 0
            var sentenceEnd = characters[whole.end...].firstIndex { $0 == "。" } ?? characters.count
            // A list may follow in the next sentence ("…厉行节约。主要用于燃料费、…，其中：燃料费 2 万元；…").
            if sentenceEnd < characters.count {
                let next = String(characters[(sentenceEnd + 1)...].prefix(6)).filter { !$0.isWhitespace }
                let thisSentence = String(characters[whole.end..<sentenceEnd])
                if (next.hasPrefix("主要用于") || next.hasPrefix("其中")) && !thisSentence.includes("其中") && !thisSentence.includes("主要用于") {
                    sentenceEnd = characters[(sentenceEnd + 1)...].firstIndex { $0 == "。" } ?? characters.count
                }
            }
            let opening = String(characters[sentenceStart..<whole.start]).filter { !$0.isWhitespace }
            let procurement = opening.hasSuffix("政府采购支出总额") || opening.hasSuffix("政府采购支出总额为")
            let vehicle = opening.hasSuffix("公务用车运行费") || opening.hasSuffix("公务用车运行维护费") || opening.hasSuffix("公务用车运行费为")
            // Where the list starts: "其中" after the whole, in the same sentence.
            let rest = String(characters[whole.end..<sentenceEnd])
            guard let first = ["其中", "主要用于"].compactMap({ rest.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) else { continue }
            // "主要用于燃料费、维修费，其中：燃料费 2 万元；…": the list starts after the last marker before its first amount.
            var marker = first
            let firstAmount = amounts[(index + 1)...].first { $0.start >= whole.end + rest.distance(from: rest.startIndex, to: first.upperBound) }
            if let firstAmount, let later = rest.range(of: "其中", options: .backwards,
                                                      range: first.upperBound..<rest.index(rest.startIndex, offsetBy: min(rest.count, firstAmount.start - whole.end))) {
                marker = later
            }
            let listStart = whole.end + rest.distance(from: rest.startIndex, to: marker.upperBound)
            // Any other whole: only a list that follows it at once ("X 万元，其中：…").
            let gap = String(characters[whole.end..<(whole.end + rest.distance(from: rest.startIndex, to: first.lowerBound))])
                .filter { !$0.isWhitespace && !"，,：:（）()万元".contains($0) }
            if !procurement && !vehicle && !gap.isEmpty { continue }
            let candidates = amounts[(index + 1)...].filter { $0.start >= listStart && $0.start < sentenceEnd }
            var parts: [(String, Mention)] = []
            var previous = listStart
            for mention in candidates {
                let raw = String(characters[previous..<mention.start]).filter { !$0.isWhitespace }
                let label = Self.partLabel(raw)
                // Several items named before one amount ("货物、工程和服务支出 40.07 万元"): one part, their sum.
                let named = raw.includes("、") || raw.includes("和") || raw.includes("及")
                // A share, a change or a new clause ends the list.
                if label.isEmpty || label.includes("占") || label.includes("比") || label.includes("减少") || label.includes("增加") || label.includes("其中")
                    || label.count > (named ? 60 : 16) || raw.includes("。") || raw.includes("；") && !parts.isEmpty && label.count > 16 { break }
                let display = named ? raw.replacingOccurrences(of: "其中", with: "").trimmingCharacters(in: CharacterSet(charactersIn: "：:，,；;万元"))
                    : label
                parts.append((display, mention))
                previous = mention.end
            }
            // One part is checked too: a part may never exceed its whole (a list of two or more must also add up
            // when it is exhaustive).
            guard !parts.isEmpty else { continue }
            for part in parts { checked.insert(part.1.start) }
            let sum = parts.reduce(Decimal(0)) { $0 + $1.1.value }
            let tail = String(characters[previous..<sentenceEnd]).filter { !$0.isWhitespace }
            let open = tail.hasPrefix("等")
            let exhaustive = parts.count >= 2 && !open
                && ((procurement && parts.allSatisfy { part in ["货物", "工程", "服务"].contains { part.0.includes($0) } }) || vehicle)
            let tolerance = Decimal(string: "0.005")! * Decimal(parts.count + 1)
            let difference = sum - whole.value
            guard exhaustive ? difference.magnitude > tolerance : difference > tolerance else { continue }
            let name = procurement ? "政府采购支出总额" : vehicle ? "公务用车运行费"
                : (opening.split(whereSeparator: { "，,：:；".contains($0) }).last.map(String.init) ?? "总数")
            add("N-PARTS", passage: passage, at: whole.start, stated: sum.text(2), expected: whole.text,
                values: ["whole": name, "parts": parts.map { "\($0.0) \($0.1.text)" }.joined(separator: "、"),
                         "excerpt": Self.excerpt(characters, around: whole.start)])
        }
    }

    /// "其中：货物类采购支出" → "货物类采购支出": the words before a part's amount, without joiners.
    static func partLabel(_ text: String) -> String {
        var label = text
        for joiner in ["其中", "主要用于", "包括", "分别为", "：", ":", "，", ",", "、", "万元", "为", "和", "及", "；"] {
            label = label.replacingOccurrences(of: joiner, with: "")
        }
        return label
    }

    /// "决算数大于/小于/等于预算数" against the budget and the actual stated just before.
    mutating func checkComparisons(_ passage: Passage, _ characters: [Character], _ mentions: [Mention], budgets: [(Mention, Money)]) {
        let text = String(characters)
        var searchStart = text.startIndex
        let words: [(String, Int)] = [("大于", 1), ("多于", 1), ("超过", 1), ("小于", -1), ("少于", -1), ("低于", -1), ("等于", 0), ("基本持平", 0), ("持平", 0)]
        while let range = text.range(of: "决算数", range: searchStart..<text.endIndex) {
            searchStart = range.upperBound
            let tail = text[range.upperBound...].prefix(10)
            guard tail.includes("预算数"), let (word, direction) = words.first(where: { tail.hasPrefix($0.0) || tail.hasPrefix("与预算数" + $0.0) }) else { continue }
            let offset = text.distance(from: text.startIndex, to: range.lowerBound)
            guard let budget = budgets.last(where: { $0.0.start < offset && offset - $0.0.start < 120 }) else { continue }
            guard let actual = mentions.first(where: { $0.kind == .amount && $0.start > budget.0.start && $0.start < offset }) else { continue }
            let difference = actual.value - budget.1.wanDecimal
            let real = difference > 0 ? 1 : (difference < 0 ? -1 : 0)
            let nearlyEqual = difference.magnitude <= budget.1.wanDecimal * Decimal(string: "0.01")!
            let consistent = real == direction || (direction == 0 && (word.includes("持平") ? nearlyEqual : real == 0))
            guard !consistent else { continue }
            let expected = real > 0 ? "决算数大于预算数" : (real < 0 ? "决算数小于预算数" : "决算数等于预算数")
            add("N-COMPARE", passage: passage, at: offset, stated: "决算数" + word + "预算数", expected: expected,
                values: ["budget": budget.0.text + " 万元", "actual": actual.text + " 万元", "excerpt": Self.excerpt(characters, around: offset)])
        }
    }

    static let genericSubjects = ["支出决算", "决算数", "决算", "执行数", "支出", "金额"]

    /// The words a sentence opens with, before its first figure, without "年初预算为".
    static func opening(_ characters: [Character], sentenceStart: Int, before offset: Int) -> String {
        var end = sentenceStart
        while end < offset, !(characters[end].isASCII && characters[end].isNumber && end > sentenceStart + 2), !"，,".contains(characters[end]) { end += 1 }
        var text = String(characters[sentenceStart..<end]).filter { !$0.isWhitespace }
        for suffix in ["年初预算数为", "年初预算为", "预算数为", "预算为", "为"] where text.hasSuffix(suffix) {
            text.removeLast(suffix.count)
            break
        }
        return text
    }

    /// The item a generic figure belongs to: the numbered entry it stands in ("1、一般公共服务支出(类)。"),
    /// else the opening words of its sentence.
    static func itemTopic(_ characters: [Character], before offset: Int, sentenceStart: Int) -> String {
        // The entry label ends at the start of this sentence (or stands inside it).
        var index = offset - 1
        var previousSentence = sentenceStart - 1
        while previousSentence > 0, !"。；;".contains(characters[previousSentence - 1]) { previousSentence -= 1 }
        let limit = max(0, min(previousSentence, offset - 120))
        while index > limit {
            if characters[index] == "、", index > 0, characters[index - 1].isNumber {
                var end = index + 1
                while end < offset, !"。，,：:".contains(characters[end]) { end += 1 }
                let label = String(characters[(index + 1)..<end])
                if (label.includes("类") || label.includes("款") || label.includes("项")) && end + 3 >= sentenceStart { return label }
                break
            }
            index -= 1
        }
        var end = sentenceStart
        while end < offset, !(characters[end].isASCII && characters[end].isNumber && end > sentenceStart + 4), !"，,".contains(characters[end]) { end += 1 }
        return String(characters[sentenceStart..<end]).filter { !$0.isWhitespace }
    }

    /// An amount stated earlier in the passage for what a share's denominator names
    /// ("占授予中小企业合同金额的" → the amount stated for 授予中小企业合同金额).
    static func namedAmount(_ text: String, in subjects: [(String, Mention)], excluding: Mention?) -> Mention? {
        var name = text.filter { !$0.isWhitespace }
        while name.hasSuffix("的") { name.removeLast() }
        name = wholeStem(name)
        guard name.count >= 4 else { return nil }
        return subjects.last { subject, mention in
            let subject = wholeStem(subject)
            return mention != excluding && subject.count >= 4 && (subject.hasSuffix(name) || name.hasSuffix(subject))
        }?.1
    }

    /// A name without the words that only say it is a whole ("政府采购支出总额" names what "政府采购支出" states).
    static func wholeStem(_ name: String) -> String {
        var stem = name
        for suffix in ["总额", "总计", "合计", "总数", "为"] where stem.hasSuffix(suffix) && stem.count > suffix.count + 2 {
            stem.removeLast(suffix.count)
            break
        }
        return stem
    }

    static func mentionsThree(_ characters: [Character], _ from: Int, _ to: Int) -> Bool {
        String(characters[from..<to]).includes("三公")
    }

    /// The denominator a share names: 本年收入, 本年支出, a total stated before, a table total.
    func denominator(_ text: String, whole: (Mention, Quantity?)?, general: Bool) -> (Decimal, String)? {
        let compact = text.filter { !$0.isWhitespace }
        if compact.includes("本年收入") { return table(.t1).map { ($0.amount(.line(27), column: 1).wanDecimal, "本年收入合计") } }
        if compact.includes("本年支出") || compact.includes("支出合计") { return table(.t1).map { ($0.amount(.line(57), column: 2).wanDecimal, "本年支出合计") } }
        if compact.includes("项目支出总额") || compact.includes("项目支出") {
            return table(.t5).map { ($0.amount(.total, column: 3).wanDecimal, "一般公共预算财政拨款项目支出") }
        }
        if let whole { return (whole.0.value, "\(whole.0.text) 万元") }
        return nil
    }

    mutating func checkShare(_ passage: Passage, _ characters: [Character], _ mention: Mention, part: (Mention, Quantity?)?,
                             whole: (Mention, Quantity?)?, denominator text: String, general: Bool) {
        guard let part, let (base, baseName) = denominator(text, whole: (whole?.0.start == part.0.start ? nil : whole), general: general), base > 0 else { return }
        let numerator = part.0.value
        let exact = numerator / base * 100
        let expected = exact.roundedHalfUp(mention.decimals)
        guard expected != mention.value.roundedHalfUp(mention.decimals) else { return }
        // Within what the rounding of the printed amounts allows?
        let wholeMention = whole.flatMap { $0.0.start == part.0.start ? nil : $0.0 }
        let baseSlack = wholeMention.map { $0.value == base ? Self.slack(decimals: $0.decimals) : Self.slack(of: base) } ?? Self.slack(of: base)
        let verdict = Self.judgeRate(mention, numerator: numerator, numeratorSlack: Self.slack(decimals: part.0.decimals),
                                     denominator: base, denominatorSlack: max(baseSlack, Self.slack(decimals: 2)))
        let truncated = Self.truncation(mention, exact: exact)
        guard case .some(let severity) = Self.severity(verdict, truncated: truncated != nil) else { return }
        add("N-SHARE", passage: passage, at: mention.start, stated: mention.text + "%", expected: expected.text(mention.decimals) + "%",
            values: ["part": part.0.text + " 万元", "whole": baseName, "excerpt": Self.excerpt(characters, around: mention.start)],
            severity: severity, note: truncated ?? (verdict == .slip ? Self.slipNote : nil))
    }

    mutating func checkExecution(_ passage: Passage, _ characters: [Character], _ mention: Mention, actual: (Mention, Quantity?)?,
                                 budget: Money?, sentenceStart: Int, threeItems: Bool) {
        guard let actual else { return }
        var budgetValue = budget?.wanDecimal
        var budgetSource = budget.map { "年初预算 \($0.description) 万元" }
        if budgetValue == nil, let t7 = table(.t7) {
            // 三公 items: the budget is 表7's 预算数 of the same item.
            let subject = Self.subject(characters, before: actual.0.start, after: sentenceStart)
            let phrase = String(characters[sentenceStart..<actual.0.start])
            let column: Int?
            if phrase.includes("因公出国") { column = 2 } else if phrase.includes("公务用车购置及运行") { column = 3 } else if phrase.includes("公务用车运行") {
                column = 5
            } else if phrase.includes("公务用车购置") { column = 4 } else if phrase.includes("公务接待") { column = 6 } else if phrase.includes("三公") || subject.includes("三公") {
                column = 1
            } else { column = nil }
            if let column, threeItems || phrase.includes("三公") || phrase.includes("公务") {
                budgetValue = t7.amount(StandardLayout.singleRow, column: column).wanDecimal
                budgetSource = "表7 预算数第\(column)栏 \(t7.amount(StandardLayout.singleRow, column: column).description) 万元"
            }
        }
        guard let budgetValue, let budgetSource else { return }
        if budgetValue == 0 {
            guard actual.0.value != 0 else { return }
            // A completion rate of no budget is undefined: a defect of form, worth a warning, never an error.
            add("N-EXECUTION", passage: passage, at: mention.start, stated: mention.text + "%", expected: "无预算，不应有完成率",
                values: ["actual": actual.0.text + " 万元", "budget": budgetSource, "excerpt": Self.excerpt(characters, around: mention.start)],
                severity: .warning)
            return
        }
        let exact = actual.0.value / budgetValue * 100
        let expected = exact.roundedHalfUp(mention.decimals)
        guard expected != mention.value.roundedHalfUp(mention.decimals) else { return }
        let verdict = Self.judgeRate(mention, numerator: actual.0.value, numeratorSlack: Self.slack(decimals: actual.0.decimals),
                                     denominator: budgetValue, denominatorSlack: Self.slack(of: budgetValue))
        let truncated = Self.truncation(mention, exact: exact)
        guard case .some(let severity) = Self.severity(verdict, truncated: truncated != nil) else { return }
        add("N-EXECUTION", passage: passage, at: mention.start, stated: mention.text + "%", expected: expected.text(mention.decimals) + "%",
            values: ["actual": actual.0.text + " 万元", "budget": budgetSource, "excerpt": Self.excerpt(characters, around: mention.start)],
            severity: severity, note: truncated ?? (verdict == .slip ? Self.slipNote : nil))
    }

    /// "比上年增加/减少 D 万元，增长/下降 R%" and "比年初预算减少 D 万元".
    mutating func checkChange(_ passage: Passage, _ characters: [Character], _ change: Mention, subject: String, topic: String,
                              base: (Mention, Quantity?)?, following: Mention?, general: Bool, threeItems: Bool) {
        let sentenceStart = (characters[..<change.start].lastIndex { "。；;".contains($0) }).map { $0 + 1 } ?? 0
        let phrase = String(characters[sentenceStart..<change.start])
        let decreasing = subject.hasSuffix("减少") || subject.hasSuffix("下降") || subject.hasSuffix("少") || subject.hasSuffix("节约")
        // The current figure: the table figure of what the clause names, else the amount stated just before.
        var named = Self.topic(topic)
        if named.isEmpty, base == nil { named = Self.topic(phrase) }
        var current = named.isEmpty ? nil
            : quantity(named: named, general: general, threeItems: threeItems || phrase.includes("三公"))?.value.wanDecimal
        if current == nil { current = base?.0.value }
        if phrase.includes("年初预算") || phrase.includes("预算数") {
            // Against the budget: the difference is budget − actual for the same item of 表7.
            guard let t7 = table(.t7), let current else { return }
            let column: Int?
            if phrase.includes("公务用车运行") { column = 5 } else if phrase.includes("公务用车购置及运行") { column = 3 } else if phrase.includes("公务接待") {
                column = 6
            } else if phrase.includes("因公出国") { column = 2 } else if phrase.includes("三公") { column = 1 } else { column = nil }
            guard let column else { return }
            let budget = t7.amount(StandardLayout.singleRow, column: column).wanDecimal
            let expected = decreasing ? budget - current : current - budget
            guard expected.roundedHalfUp(change.decimals) != change.value.roundedHalfUp(change.decimals) else { return }
            add("N-BUDGET-DIFF", passage: passage, at: change.start, stated: change.text, expected: expected.text(max(2, change.decimals)),
                values: ["budget": "表7 预算数第\(column)栏 \(Money(wan: budget).description) 万元", "actual": "\(current.text(2)) 万元",
                         "excerpt": Self.excerpt(characters, around: change.start)])
            return
        }
        guard let current, let following, following.kind == .percent,
              String(characters[change.end..<following.start]).count < 12 else { return }
        let between = String(characters[change.end..<following.start])
        let growthWord = between.includes("增长") || between.includes("上升") || between.includes("增加")
        let declineWord = between.includes("下降") || between.includes("减少") || between.includes("降低")
        if (decreasing && growthWord) || (!decreasing && declineWord) {
            add("N-YOY-DIRECTION", passage: passage, at: following.start, stated: between.filter { !$0.isWhitespace }, expected: decreasing ? "下降" : "增长",
                values: ["excerpt": Self.excerpt(characters, around: following.start)])
        }
        let prior = decreasing ? current + change.value : current - change.value
        if prior == 0 {
            add("N-YOY-ZERO", passage: passage, at: following.start, stated: following.text + "%", expected: "上年为零，无增长率",
                values: ["excerpt": Self.excerpt(characters, around: following.start)])
            return
        }
        guard prior > 0 else { return }
        let exact = change.value / prior * 100
        let expected = exact.roundedHalfUp(following.decimals)
        guard expected != following.value.roundedHalfUp(following.decimals) else { return }
        // The prior year is current − change: known within the two figures' slacks together.
        let currentSlack = base.map { $0.0.value == current ? Self.slack(decimals: $0.0.decimals) : Self.slack(of: current) } ?? Self.slack(of: current)
        let changeSlack = Self.slack(decimals: change.decimals)
        let verdict = Self.judgeRate(following, numerator: change.value, numeratorSlack: changeSlack, denominator: prior,
                                     denominatorSlack: max(currentSlack, Self.slack(decimals: 2)) + changeSlack)
        let truncated = Self.truncation(following, exact: exact)
        guard case .some(let severity) = Self.severity(verdict, truncated: truncated != nil) else { return }
        add("N-YOY", passage: passage, at: following.start, stated: following.text + "%", expected: expected.text(following.decimals) + "%",
            values: ["change": change.text + " 万元", "prior": "\(prior.text(2)) 万元", "current": "\(current.text(2)) 万元",
                     "excerpt": Self.excerpt(characters, around: following.start)],
            severity: severity, note: truncated ?? (verdict == .slip ? Self.slipNote : nil))
    }

    /// What a change clause is about: "与2020年度相比，收、支总计各减少" → "收、支总计".
    static func topic(_ text: String) -> String {
        var clause = Substring(text)
        if let stop = clause.lastIndex(where: { ",，：:".contains($0) }) { clause = clause[clause.index(after: stop)...] }
        var result = String(clause).filter { !$0.isWhitespace }
        // Drop the comparison ("比2020年度", "与上年相比") and the verb.
        for marker in ["比", "较", "与"] {
            if let range = result.range(of: marker) {
                let tail = result[range.upperBound...]
                if let end = tail.range(of: "年度") ?? tail.range(of: "上年") ?? tail.range(of: "年") {
                    var after = tail[end.upperBound...]
                    if after.hasPrefix("相比") { after = after.dropFirst(2) }
                    result = String(result[..<range.lowerBound]) + after
                }
            }
        }
        for verb in ["增加", "减少", "下降", "增长", "节约", "少", "多"] where result.hasSuffix(verb) { result.removeLast(verb.count); break }
        for filler in ["各", "支出决算数", "支出决算", "决算数", "决算"] where result.hasSuffix(filler) { result.removeLast(filler.count) }
        return result
    }

    /// "自评得分 99.95 分" in the prose against the department form's stated total.
    mutating func checkStatedScores(_ scanned: [(Passage, [Character], [Mention])]) {
        guard let form = disclosure.performance.department, let stated = form.statedTotal else { return }
        for (passage, characters, _) in scanned {
            let text = String(characters)
            var searchStart = text.startIndex
            while let range = text.range(of: "自评得分", range: searchStart..<text.endIndex) {
                searchStart = range.upperBound
                let tail = text[range.upperBound...].drop { $0 == " " || $0 == "为" || $0 == ":" || $0 == "：" }
                let digits = tail.prefix { ($0.isASCII && $0.isNumber) || $0 == "." }
                guard !digits.isEmpty, tail.dropFirst(digits.count).first == "分", let value = ScoreText.parse(String(digits)) else { continue }
                let before = text[text.index(range.lowerBound, offsetBy: -min(30, text.distance(from: text.startIndex, to: range.lowerBound)))..<range.lowerBound]
                guard before.includes("整体") || before.includes("部门") else { continue }
                if value != stated {
                    let offset = text.distance(from: text.startIndex, to: range.lowerBound)
                    add("N-SCORE", passage: passage, at: offset, stated: String(digits), expected: stated.compact(2),
                        values: ["excerpt": Self.excerpt(characters, around: offset)])
                }
            }
        }
    }

    // MARK: Counts and projects stated twice

    /// Counts of projects stated in different places must agree (and agree with the forms printed).
    mutating func checkCounts(_ scanned: [(Passage, [Character], [Mention])]) {
        var counts: [(Int, Passage, Int)] = []
        for (passage, characters, mentions) in scanned {
            for mention in mentions where mention.kind == .count {
                let after = String(characters[mention.end..<min(characters.count, mention.end + 6)])
                let before = String(characters[max(0, mention.start - 4)..<mention.start])
                guard after.hasPrefix("项目") || after.hasPrefix("一级项目") || (before.hasSuffix("项目") && !before.hasSuffix("的项目") && characters[mention.end - 1] == "个") else { continue }
                counts.append((NSDecimalNumber(decimal: mention.value).intValue, passage, mention.start))
            }
        }
        guard let first = counts.first else { return }
        for (count, passage, offset) in counts.dropFirst() where count != first.0 {
            add("N-COUNT", passage: passage, at: offset, stated: String(count), expected: String(first.0),
                values: ["first": "第\(first.1.line(at: first.2))行", "excerpt": Self.excerpt(Array(passage.text), around: offset)])
        }
    }

    /// A project's amount in the list of project spending and in the performance summary must agree.
    mutating func checkProjects(_ scanned: [(Passage, [Character], [Mention])]) {
        struct Statement { var name: String; var amount: Mention; var passage: Passage }
        var statements: [Statement] = []
        for (passage, characters, mentions) in scanned {
            for mention in mentions where mention.kind == .amount {
                // "（1）调查研究工作经费 13 万元" or "…项目…执行数为 13 万元".
                let before = String(characters[max(0, mention.start - 60)..<mention.start])
                var name: String?
                if let open = before.range(of: "）", options: .backwards) ?? before.range(of: ")", options: .backwards),
                   before[..<open.lowerBound].hasSuffix(where: { $0.isNumber }) {
                    let candidate = String(before[open.upperBound...]).filter { !$0.isWhitespace }
                    if candidate.count >= 2, candidate.count <= 24, !candidate.includes("，") { name = candidate }
                }
                if let range = before.range(of: "执行数为", options: .backwards), before[range.upperBound...].allSatisfy(\.isWhitespace) {
                    let numbered = before.indices.filter { before[$0] == "、" && $0 > before.startIndex && before[before.index(before: $0)].isNumber }
                    if let start = numbered.last.map({ before.index(after: $0) }) {
                        var candidate = String(before[start...])
                        for cut in ["项目绩效自评", "绩效自评", "：项目"] { if let r = candidate.range(of: cut) { candidate = String(candidate[..<r.lowerBound]) } }
                        candidate = candidate.filter { !$0.isWhitespace }
                        if candidate.count >= 2, candidate.count <= 24 { name = candidate }
                    }
                }
                if let name { statements.append(Statement(name: name, amount: mention, passage: passage)) }
            }
        }
        func key(_ text: String) -> String {
            var result = text
            for word in ["经费", "工作", "专项", "项目", "区政府", "年", "精准", "开发"] { result = result.replacingOccurrences(of: word, with: "") }
            return result.filter { !($0.isASCII && $0.isNumber) }
        }
        let keys = statements.map { key($0.name) }
        for (index, statement) in statements.enumerated() {
            let b = keys[index]
            guard !b.isEmpty, let earlierIndex = statements.indices.prefix(index).first(where: { other in
                let a = keys[other]
                return !a.isEmpty && (a == b || a.contains(b) || b.contains(a)) && statements[other].passage != statement.passage
            }) else { continue }
            let earlier = statements[earlierIndex]
            guard earlier.amount.value.roundedHalfUp(2) != statement.amount.value.roundedHalfUp(2) else { continue }
            add("N-PROJECT", passage: statement.passage, at: statement.amount.start, stated: statement.amount.text,
                expected: earlier.amount.text,
                values: ["project": statement.name, "other": earlier.name, "where": "第\(earlier.passage.line(at: earlier.amount.start))行"])
        }
    }

    // MARK: The text itself

    mutating func checkText() {
        let year = disclosure.year
        let markers: Set<String> = ["XX", "xx", "××", "**", "○○"]
        let doubled: Set<String> = ["。。", "，，", "；；", "、、", "：：", "，。", "。，", ",,", "::", ";;", ":：", "：:"]
        let punctuation: Set<Unicode.Scalar> = ["。", "，", "；", "、", "：", ",", ":", ";"]
        let markerScalars: Set<Unicode.Scalar> = ["X", "x", "×", "*", "○"]
        let measures: Set<Unicode.Scalar> = ["家", "人", "个", "次", "项", "辆", "台", "件", "批"]
        let after: Set<Unicode.Scalar> = ["，", "。", "、", "；", ",", ";", "."]
        func isCJK(_ scalar: Unicode.Scalar) -> Bool { (0x4E00...0x9FFF).contains(scalar.value) }
        for line in report.text.lines {
            let scalars = Array(line.text.unicodeScalars)
            guard !scalars.isEmpty else { continue }
            let compact = scalars.filter { $0 != " " && $0 != "\u{3000}" && $0 != "\t" }
            guard !compact.isEmpty else { continue }
            var excerptCache: String?
            func excerpt() -> String {
                if let excerptCache { return excerptCache }
                var view = String.UnicodeScalarView()
                view.append(contentsOf: compact.prefix(40))
                excerptCache = String(view)
                return excerptCache!
            }
            var index = 0
            while index + 1 < compact.count {
                let a = compact[index], b = compact[index + 1]
                if markerScalars.contains(a), a == b, markers.contains(String(a) + String(b)),
                   (index > 0 && isCJK(compact[index - 1])) || (index + 2 < compact.count && isCJK(compact[index + 2])) {
                    add("X-PLACEHOLDER", passage: nil, at: 0, line: line.number, stated: String(a) + String(b), expected: nil, values: ["excerpt": excerpt()])
                    index += 2
                    continue
                }
                if punctuation.contains(a), punctuation.contains(b), doubled.contains(String(a) + String(b)) {
                    add("X-PUNCT", passage: nil, at: 0, line: line.number, stated: String(a) + String(b), expected: String(a), values: ["excerpt": excerpt()])
                }
                index += 1
            }
            // A blank where a number should be, in prose: "工作人员  家，".
            if scalars.contains(where: { $0 == "，" || $0 == "," || $0 == "。" }) {
                var position = 0
                while position < scalars.count {
                    guard scalars[position] == " " else { position += 1; continue }
                    var end = position
                    while end < scalars.count, scalars[end] == " " { end += 1 }
                    if end - position >= 2, position > 0, end < scalars.count, isCJK(scalars[position - 1]), measures.contains(scalars[end]),
                       end + 1 >= scalars.count || after.contains(scalars[end + 1]) {
                        var view = String.UnicodeScalarView()
                        view.append(contentsOf: scalars[max(0, position - 6)...min(scalars.count - 1, end)])
                        add("X-PLACEHOLDER", passage: nil, at: 0, line: line.number, stated: String(view), expected: nil, values: ["excerpt": excerpt()])
                    }
                    position = end
                }
            }
            // Years: headings and 截至 dates name the report's year; comparisons name the year before.
            guard year > 0, compact.contains("年") else { continue }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: compact)
            let text = String(view)
            let heading = ReportReader.isPartHeading(text) || text.includes("部门决算")
            for (found, comparison) in Self.years(in: text) {
                let wrong: Bool
                let expectedYear: Int
                if comparison { wrong = found != year - 1; expectedYear = year - 1 } else if heading || text.includes("截至\(found)年12月31日") {
                    wrong = found != year
                    expectedYear = year
                } else { continue }
                if wrong {
                    add("X-YEAR", passage: nil, at: 0, line: line.number, stated: "\(found)年", expected: "\(expectedYear)年", values: ["excerpt": excerpt()])
                }
            }
        }
    }

    /// Years written "2021年", and whether each is the year compared with ("与2020年度相比").
    static func years(in text: String) -> [(Int, Bool)] {
        var result: [(Int, Bool)] = []
        let characters = Array(text)
        var index = 0
        while index + 4 < characters.count {
            let digits = characters[index..<(index + 4)]
            if digits.allSatisfy({ $0.isASCII && $0.isNumber }), characters[index + 4] == "年",
               index == 0 || !(characters[index - 1].isASCII && characters[index - 1].isNumber),
               let year = Int(String(digits)), (2000...2100).contains(year) {
                let before = String(characters[max(0, index - 1)..<index])
                result.append((year, before == "与" || before == "比" || before == "较"))
                index += 5
            } else {
                index += 1
            }
        }
        return result
    }
}

/// CJK test shared with the readers.
func Tokenizer_isCJK(_ character: Character) -> Bool {
    character.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }
}

extension Substring {
    func hasSuffix(where predicate: (Character) -> Bool) -> Bool { last.map(predicate) ?? false }
}
