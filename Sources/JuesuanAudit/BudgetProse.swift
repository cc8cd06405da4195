import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanRules

/// The 编制说明 and 其他相关情况说明 of a budget against its tables and against themselves. General rules
/// over what was read: an amount is tied to what it names (a 功能分类 item by its 类/款/项 marks, a total
/// or a 三公 item by its words), a rate to the two figures of its sentence, a share to its whole.
extension BudgetRun {
    enum Verdict { case right, slip, wrong }

    /// A printed amount (万元) against a table figure: right when their rounding intervals meet, a slip when
    /// it is one last digit beyond, else wrong.
    static func judge(_ mention: Mention, _ figure: BudgetFigure) -> Verdict {
        let table = figure.amount.wanDecimal
        let tableSlack = Decimal(figure.slackFen) / Decimal(1_000_000)
        let half = NarrativeChecks.slack(decimals: mention.decimals)
        let difference = (mention.value - table).magnitude
        if difference <= half + tableSlack { return .right }
        if difference <= 3 * half + tableSlack { return .slip }
        return .wrong
    }

    static let alternatives: [String: [String]] = ["收入总计": ["本年收入合计"], "支出总计": ["本年支出合计"]]

    static let changeWords = ["增加", "减少", "增长", "下降", "降低", "上升", "减", "增", "多", "少", "节约", "持平", "一致", "相等", "小于", "大于"]
    static let priorWords = ["上年", "去年", "上一年", "比", "较", "相比", "同比", "执行数", "调整"]

    /// The named figure a clause's subject refers to, or nil when it names none clearly.
    func factName(_ subject: String) -> String? {
        let s = subject.filter { !$0.isWhitespace && $0 != "“" && $0 != "”" && $0 != "\"" }
        func has(_ word: String) -> Bool { s.includes(word) }
        if has("因公出国") { return "因公出国" }
        if has("购置及运行") { return "公务用车" }
        if has("用车运行") || has("车辆运行") { return "公务用车运行" }
        if has("用车购置") || has("车辆购置") { return "公务用车购置" }
        if has("公务接待") { return "公务接待" }
        if has("三公") { return has("会议") || has("培训") ? nil : "三公经费" }
        if has("机关运行经费") { return "机关运行经费" }
        if has("会议费") { return "会议费" }
        if has("培训费") { return "培训费" }
        if has("政府采购") || has("采购") {
            if has("货物") { return "政府采购货物" }
            if has("工程") { return "政府采购工程" }
            if has("服务") { return "政府采购服务" }
            return has("政府采购") ? "政府采购" : nil
        }
        if has("绩效") || has("项目经费") || has("结转") || has("其他资金") || has("专户") || has("经营") { return nil }
        if s.hasSuffix("人员经费") { return "人员经费" }
        if s.hasSuffix("公用经费") { return "公用经费" }
        if has("机动经费") { return "单位预留机动经费" }
        if has("基本支出") {
            if has("一般公共预算") { return "经济分类基本支出" }
            if has("财政拨款") { return "财政拨款基本支出" }
            return "基本支出"
        }
        if has("项目支出") { return has("一般公共预算") || has("财政拨款") ? nil : "项目支出" }
        if has("政府性基金") { return has("收入") ? nil : "政府性基金支出" }
        if has("国有资本经营") { return has("收入") ? nil : "国有资本经营支出" }
        if has("一般公共预算") { return has("收入") ? "财政拨款一般公共预算收入" : "一般公共预算支出" }
        if has("财政拨款") { return has("收入") && !has("支出") ? "财政拨款收入" : "财政拨款收入总计" }
        if has("事业收入") { return "事业收入" }
        if has("其他收入") { return "其他收入" }
        if has("收入") && (has("总计") || has("预算") || has("合计")) && !has("支出") { return "收入总计" }
        if has("支出") && (has("总计") || has("预算") || has("合计")) && !has("收入") { return "支出总计" }
        if has("收、支") || has("收入、支出") || has("收支") { return (has("总计") || has("预算")) ? "收入总计" : nil }
        return nil
    }

    /// The words of the clause before `offset` (back to the previous punctuation or figure).
    static func clause(_ characters: [Character], before offset: Int, floor: Int) -> String {
        var start = offset
        while start > floor, !"。；;，,：:".contains(characters[start - 1]) { start -= 1 }
        return String(characters[start..<offset]).filter { !$0.isWhitespace }
    }

    static func isChange(_ subject: String) -> Bool {
        changeWords.contains { subject.hasSuffix($0) } || subject.hasSuffix("增加了") || subject.hasSuffix("减少了")
    }

    mutating func checkProse() {
        var scopeSaid = false
        for passage in document.passages {
            let characters = passage.characters.isEmpty ? Array(passage.text) : passage.characters
            let mentions = MentionScanner.scan(characters)
            checkAmounts(passage, characters, mentions)
            checkRates(passage, characters, mentions)
            checkParts(passage, characters, mentions)
            checkVehicles(passage, characters, mentions)
            if document.scope == .unit && !scopeSaid { scopeSaid = checkScope(passage, characters) }
        }
        checkYears()
    }

    // MARK: Amounts

    /// The 功能分类 rows a 类/款/项 name stands for, in every code table of the document.
    func rows(named name: String, level: Int, parent: String?) -> [(BudgetTable, BudgetRow)] {
        var found: [(BudgetTable, BudgetRow)] = []
        let wanted = name.filter { !$0.isWhitespace }
        // The 一般公共预算 table first (what a 编制说明's items are about), then in the order printed.
        let ordered = document.tables.values.filter { $0.spec.shape == .functional }
            .sorted { ($0.spec.fund == "一般公共预算" ? 0 : 1, $0.titleLine) < ($1.spec.fund == "一般公共预算" ? 0 : 1, $1.titleLine) }
        for table in ordered {
            for row in table.rows where row.code.count == level && !row.cells.isEmpty {
                let label = row.label
                guard label == wanted || label == wanted + "支出" || label + "支出" == wanted || (level == 7 && wanted.hasSuffix(label) && label.count >= 4) else { continue }
                if let parent, level > 3 {
                    let parentCode = String(row.code.prefix(level - 2))
                    if let parentRow = table.rows.first(where: { $0.code == parentCode }), parentRow.label != parent, parentRow.label != parent + "支出",
                       parentRow.label + "支出" != parent {
                        continue
                    }
                }
                found.append((table, row))
            }
        }
        // A class (类) is also printed on the ledger of the 收支总表.
        if level == 3 {
            for table in document.tables.values.sorted(by: { $0.titleLine < $1.titleLine }) where table.spec.shape == .ledger {
                for item in table.items where item.side == .right && !item.figures.isEmpty && (item.name == wanted || item.name == wanted + "支出") {
                    found.append((table, BudgetRow(code: "", label: item.name, cells: [0: item.figures[0]], line: item.line)))
                }
            }
        }
        return found
    }

    static let marks: [(String, Int)] = [("（项）", 7), ("(项)", 7), ("（款）", 5), ("(款)", 5), ("（类）", 3), ("(类)", 3)]

    /// The 类/款/项 mark just before `offset` (with only a few words between) and its name.
    static func mark(_ text: String, _ characters: [Character], before offset: Int, floor: Int) -> (name: String, level: Int, parent: String?)? {
        let window = String(characters[max(floor, offset - 40)..<offset])
        var best: (Range<String.Index>, Int)?
        for (mark, level) in marks {
            if let range = window.range(of: mark, options: .backwards), range.lowerBound > (best?.0.lowerBound ?? window.startIndex) || best == nil {
                best = (range, level)
            }
        }
        guard let (range, level) = best else { return nil }
        let between = window[range.upperBound...].filter { !$0.isWhitespace }
        guard between.count <= 12, !between.contains(where: { "。；;，,".contains($0) }),
              !priorWords.contains(where: { between.includes($0) }), !changeWords.contains(where: { between.includes($0) }) else { return nil }
        // The name: back to punctuation, a quote or the previous mark.
        var nameEnd = range.lowerBound
        var start = nameEnd
        while start > window.startIndex {
            let previous = window[window.index(before: start)]
            if "“”\"、，,。；;：:）)".contains(previous) || previous.isNumber { break }
            start = window.index(before: start)
        }
        var name = String(window[start..<nameEnd]).filter { !$0.isWhitespace }
        if name.hasPrefix(".") || name.hasPrefix("．") { name.removeFirst() }
        // The parent: the name before this one, when it ends with the mark one level up.
        var parent: String?
        if level > 3, start > window.startIndex {
            let up = level == 7 ? ["（款）", "(款)"] : ["（类）", "(类)"]
            let head = String(window[..<start])
            for mark in up where head.hasSuffix(mark) {
                var parentName = String(head.dropLast(mark.count))
                if let cut = parentName.lastIndex(where: { "“”\"、，,。；;：:）)".contains($0) || $0.isNumber }) {
                    parentName = String(parentName[parentName.index(after: cut)...])
                }
                parent = parentName.filter { !$0.isWhitespace }
            }
        }
        nameEnd = range.lowerBound
        _ = nameEnd
        guard name.count >= 2 else { return nil }
        return (name, level, parent)
    }

    mutating func checkAmounts(_ passage: Passage, _ characters: [Character], _ mentions: [Mention]) {
        let text = String(characters)
        var lastSection: String?  // the 款 named by a heading ("检察（款）：") for the items that follow
        var previousEnd = 0
        for mention in mentions where mention.kind == .amount {
            defer { previousEnd = mention.end }
            let subject = Self.clause(characters, before: mention.start, floor: previousEnd)
            let sentence = Self.clause(characters, before: mention.start, floor: 0)
            if Self.isChange(subject) || Self.priorWords.contains(where: { subject.includes($0) }) { continue }
            let excerpt = NarrativeChecks.excerpt(characters, around: mention.start)
            if let mark = Self.mark(text, characters, before: mention.start, floor: previousEnd) {
                let parent = mark.parent ?? (mark.level == 7 ? lastSection : nil)
                let candidates = rows(named: mark.name, level: mark.level, parent: parent)
                guard !candidates.isEmpty else { continue }
                let verdicts = candidates.map { Self.judge(mention, $0.1.cells[0] ?? BudgetFigure(amount: .zero, decimals: 2, unit: $0.0.unit, line: $0.1.line)) }
                if verdicts.contains(.right) { continue }
                let (table, row) = candidates[0]
                let figure = row.cells[0]?.amount ?? .zero
                let slip = verdicts.contains(.slip)
                add("B-N-ITEM", line: passage.line(at: mention.start),
                    values: ["subject": mark.name + ["", "", "", "（类）", "", "（款）", "", "（项）"][mark.level],
                             "source": "“\(table.spec.name)”\(row.code.isEmpty ? "" : " " + row.code) \(row.label)\(BudgetLine.note(row.line))",
                             "excerpt": excerpt],
                    stated: mention.text, expected: figure.formatted(unit: .wan, decimals: max(2, mention.decimals)),
                    severity: slip ? .warning : nil, note: slip ? NarrativeChecks.slipNote : nil)
                continue
            }
            if subject.hasSuffix("（款）:") || subject.hasSuffix("（款）：") { continue }
            // A heading naming a 款 for the items below it.
            if let range = sentence.range(of: "（款）", options: .backwards) ?? sentence.range(of: "(款)", options: .backwards) {
                var name = String(sentence[..<range.lowerBound])
                if let cut = name.lastIndex(where: { "“”\"、，,。；;：:）)".contains($0) || $0.isNumber }) { name = String(name[name.index(after: cut)...]) }
                lastSection = name
            }
            guard let fact = factName(subject), let figure = document.fact(fact) else { continue }
            // A total may be said with or without last year's carry-over (收入总计 or 本年收入合计): either is right.
            let figures = [figure] + (Self.alternatives[fact] ?? []).compactMap { document.fact($0) }
            let verdicts = figures.map { Self.judge(mention, $0) }
            guard !verdicts.contains(.right) else { continue }
            let verdict: Verdict = verdicts.contains(.slip) ? .slip : .wrong
            add("B-N-AMOUNT", line: passage.line(at: mention.start),
                values: ["subject": subject.isEmpty ? fact : subject, "source": "表中的\(fact)\(BudgetLine.note(figure.line))", "excerpt": excerpt],
                stated: mention.text, expected: figure.amount.formatted(unit: .wan, decimals: max(2, mention.decimals)),
                severity: verdict == .slip ? .warning : nil, note: verdict == .slip ? NarrativeChecks.slipNote : nil)
        }
        // Item headings ("检察（款）: 2018 年预算支出合计 …") set the 款 for later items even without an amount.
        _ = lastSection
    }

    // MARK: Rates and shares

    mutating func checkRates(_ passage: Passage, _ characters: [Character], _ mentions: [Mention]) {
        var sentenceStart = 0
        var previousEnd = 0
        var current: Mention?  // the year's figure of the sentence
        var change: (Mention, Bool)?  // the change and whether it is an increase
        var whole: Mention?  // the figure a "其中" list is of
        var prior: Mention?  // last year's figure, when the sentence states it instead of the change
        for mention in mentions {
            let gap = String(characters[previousEnd..<mention.start])
            // The year's figure stands until another is stated ("…1,836.22 万元，主要用于……。与上年相比减少 184.96 万元").
            if gap.contains("。") { sentenceStart = previousEnd + (gap.lastIndex(of: "。").map { gap.distance(from: gap.startIndex, to: $0) } ?? 0); change = nil }
            if gap.contains("；") || gap.contains(";") || gap.contains("。") { change = nil; prior = nil }
            let subject = Self.clause(characters, before: mention.start, floor: previousEnd)
            let near = String(characters[max(sentenceStart, mention.start - 14)..<mention.start]).filter { !$0.isWhitespace }
            if gap.includes("其中"), let last = current { whole = last }
            defer { previousEnd = mention.end }
            switch mention.kind {
            case .amount:
                if Self.isChange(subject) {
                    let up = ["增加", "增长", "上升", "增", "多", "大于"].contains { subject.hasSuffix($0) }
                    let down = ["减少", "下降", "降低", "减", "少", "节约", "小于"].contains { subject.hasSuffix($0) }
                    change = (up || down) ? (mention, up) : nil
                } else if !Self.priorWords.contains(where: { subject.includes($0) }) {
                    current = mention
                } else if subject.includes("上年") || subject.includes("执行数") || subject.includes("\(document.year - 1)") {
                    // "比上年执行数 A 万元增长 x%": last year's figure stated, not the change.
                    prior = mention
                }
            case .percent:
                if let range = near.range(of: "占", options: .backwards) {
                    checkShare(passage, characters, mention, named: String(near[range.upperBound...]), part: current, whole: whole)
                    continue
                }
                guard ["增长", "下降", "降幅", "增幅", "减少", "增加", "降低", "上升", "减幅", "下降了", "增长了"].contains(where: { near.hasSuffix($0) }) else { continue }
                if change == nil, let last = prior, let base = current, base.start < last.start, last.value > 0 {
                    // Both years printed: the rate is (this year − last year) ÷ last year, the direction as said.
                    let down = ["下降", "降幅", "减少", "降低", "减幅", "下降了"].contains { near.hasSuffix($0) }
                    let difference = down ? last.value - base.value : base.value - last.value
                    guard difference >= 0 else { continue }
                    let lastSlack = NarrativeChecks.slack(decimals: last.decimals), baseSlack = NarrativeChecks.slack(decimals: base.decimals)
                    let verdict = NarrativeChecks.judgeRate(mention, numerator: difference, numeratorSlack: lastSlack + baseSlack, denominator: last.value,
                                                            denominatorSlack: lastSlack)
                    let exact = difference / last.value * 100
                    let truncated = NarrativeChecks.truncation(mention, exact: exact)
                    guard let severity = NarrativeChecks.severity(verdict, truncated: truncated != nil) else { continue }
                    add("B-N-RATE", line: passage.line(at: mention.start),
                        values: ["current": base.text + " 万元", "change": (down ? "减少 " : "增加 ") + difference.text(2) + " 万元", "prior": last.text + " 万元",
                                 "excerpt": NarrativeChecks.excerpt(characters, around: mention.start)],
                        stated: mention.text + "%", expected: exact.text(mention.decimals) + "%", severity: severity,
                        note: truncated ?? (verdict == .slip ? NarrativeChecks.slipNote : nil))
                    continue
                }
                guard let (delta, up) = change, let base = current, base.start < delta.start else { continue }
                let prior = up ? base.value - delta.value : base.value + delta.value
                guard prior > 0 else { continue }
                let deltaSlack = NarrativeChecks.slack(decimals: delta.decimals), baseSlack = NarrativeChecks.slack(decimals: base.decimals)
                let verdict = NarrativeChecks.judgeRate(mention, numerator: delta.value, numeratorSlack: deltaSlack, denominator: prior,
                                                        denominatorSlack: deltaSlack + baseSlack)
                let exact = delta.value / prior * 100
                let truncated = NarrativeChecks.truncation(mention, exact: exact)
                guard let severity = NarrativeChecks.severity(verdict, truncated: truncated != nil) else { continue }
                add("B-N-RATE", line: passage.line(at: mention.start),
                    values: ["current": base.text + " 万元", "change": (up ? "增加 " : "减少 ") + delta.text + " 万元", "prior": prior.text(2) + " 万元",
                             "excerpt": NarrativeChecks.excerpt(characters, around: mention.start)],
                    stated: mention.text + "%", expected: exact.text(mention.decimals) + "%", severity: severity,
                    note: truncated ?? (verdict == .slip ? NarrativeChecks.slipNote : nil))
            case .count:
                break
            }
        }
    }

    mutating func checkShare(_ passage: Passage, _ characters: [Character], _ mention: Mention, named: String, part: Mention?, whole: Mention?) {
        guard let part else { return }
        var wholeValue: Decimal?
        var wholeSlack = Decimal(0)
        var wholeText = ""
        let name = named.replacingOccurrences(of: "的", with: "")
        if name.count >= 2 {
            let fact = name.includes("本年支出") || name.includes("支出合计") || name.includes("支出总计") ? "支出总计"
                : name.includes("本年收入") || name.includes("收入合计") || name.includes("收入总计") ? "收入总计" : factName(name)
            if let fact, let figure = document.fact(fact) {
                wholeValue = figure.amount.wanDecimal
                wholeSlack = Decimal(figure.slackFen) / Decimal(1_000_000)
                wholeText = "\(fact) \(figure.amount.formatted(unit: .wan, decimals: 2)) 万元"
            } else { return }
        } else if let whole, whole.start < part.start {
            wholeValue = whole.value
            wholeSlack = NarrativeChecks.slack(decimals: whole.decimals)
            wholeText = whole.text + " 万元"
        }
        guard let wholeValue, wholeValue > 0 else { return }
        let verdict = NarrativeChecks.judgeRate(mention, numerator: part.value, numeratorSlack: NarrativeChecks.slack(decimals: part.decimals),
                                                denominator: wholeValue, denominatorSlack: wholeSlack)
        let exact = part.value / wholeValue * 100
        let truncated = NarrativeChecks.truncation(mention, exact: exact)
        guard let severity = NarrativeChecks.severity(verdict, truncated: truncated != nil) else { return }
        add("B-N-SHARE", line: passage.line(at: mention.start),
            values: ["part": part.text + " 万元", "whole": wholeText, "excerpt": NarrativeChecks.excerpt(characters, around: mention.start)],
            stated: mention.text + "%", expected: exact.text(mention.decimals) + "%", severity: severity,
            note: truncated ?? (verdict == .slip ? NarrativeChecks.slipNote : nil))
    }

    // MARK: Parts of a whole

    mutating func checkParts(_ passage: Passage, _ characters: [Character], _ mentions: [Mention]) {
        let text = String(characters)
        var search = text.startIndex
        while let found = text.range(of: "其中", range: search..<text.endIndex) {
            search = found.upperBound
            let offset = text.distance(from: text.startIndex, to: found.lowerBound)
            let amounts = mentions.filter { $0.kind == .amount }
            // The whole: the last amount before 其中 (not a change), close to it.
            guard let whole = amounts.last(where: { $0.end <= offset }), offset - whole.end <= 40 else { continue }
            let wholeSubject = Self.clause(characters, before: whole.start, floor: 0)
            if Self.isChange(wholeSubject) || Self.priorWords.contains(where: { wholeSubject.includes($0) }) { continue }
            // The parts: amounts after 其中 to the end of its sentence that are not changes or prior figures.
            let end = text[found.upperBound...].firstIndex(of: "。").map { text.distance(from: text.startIndex, to: $0) } ?? characters.count
            // A list in brackets ("（其中：…）") ends at its bracket.
            let bracketed = offset > 0 && "（(".contains(characters[offset - 1])
            let close = bracketed ? (characters[offset...].firstIndex { "）)".contains($0) } ?? end) : end
            var previousEnd = offset
            var parts: [Mention] = []
            var inClause = 0
            for mention in amounts where mention.start > offset && mention.start < min(end, close) {
                let between = String(characters[previousEnd..<mention.start])
                let subject = Self.clause(characters, before: mention.start, floor: previousEnd)
                // A list inside the list ("B 万元，其中人员经费 a …") or a new clause after a full one ends it.
                if !parts.isEmpty && between.includes("其中") { break }
                // A clause of several parts ("人员经费 a、公用经费 b；") closes a list within the list.
                if between.includes("；") || between.includes(";") {
                    if inClause >= 2 { break }
                    inClause = 0
                }
                previousEnd = mention.end
                if Self.isChange(subject) || Self.priorWords.contains(where: { subject.includes($0) }) { continue }
                parts.append(mention)
                inClause += 1
            }
            guard parts.count >= 2 else { continue }
            let sum = parts.reduce(Decimal(0)) { $0 + $1.value }
            let slack = parts.reduce(NarrativeChecks.slack(decimals: whole.decimals)) { $0 + NarrativeChecks.slack(decimals: $1.decimals) }
            let wholeSentenceStart = text[..<text.index(text.startIndex, offsetBy: whole.start)].lastIndex(of: "。")
                .map { text.distance(from: text.startIndex, to: $0) } ?? 0
            let wholeSentence = String(characters[wholeSentenceStart..<offset])
            // A complete list: as many amounts as the sentence says there are, or the parts of a known whole.
            var complete = false
            if let match = wholeSentence.firstMatch(of: /共\s*(\d+)\s*[个项]/), Int(match.1) == parts.count { complete = true }
            if let fact = factName(wholeSubject), ["政府采购", "三公经费", "公务用车"].contains(fact) { complete = true }
            let over = sum - whole.value > slack
            let differs = (sum - whole.value).magnitude > slack
            guard over || (complete && differs) else { continue }
            add("B-N-PARTS", line: passage.line(at: whole.start),
                values: ["subject": wholeSubject.isEmpty ? "总额" : wholeSubject, "whole": whole.text, "sum": sum.text(2),
                         "parts": parts.map(\.text).joined(separator: " + "), "excerpt": NarrativeChecks.excerpt(characters, around: whole.start)])
        }
        // 绩效目标: the money of the projects with targets is part of 项目支出.
        if text.includes("绩效目标"), let projects = document.fact("项目支出") {
            for mention in mentions where mention.kind == .amount {
                let before = String(characters[max(0, mention.start - 16)..<mention.start]).filter { !$0.isWhitespace }
                guard before.includes("涉及"), String(characters[max(0, mention.start - 80)..<mention.start]).includes("绩效目标") else { continue }
                let limit = projects.amount.wanDecimal + Decimal(projects.slackFen) / Decimal(1_000_000) + NarrativeChecks.slack(decimals: mention.decimals)
                if mention.value > limit {
                    add("B-N-PERFORMANCE", line: passage.line(at: mention.start),
                        values: ["excerpt": NarrativeChecks.excerpt(characters, around: mention.start)],
                        stated: mention.text, expected: projects.amount.formatted(unit: .wan, decimals: 2))
                }
                break
            }
        }
    }

    mutating func checkVehicles(_ passage: Passage, _ characters: [Character], _ mentions: [Mention]) {
        let counted = mentions.filter { $0.kind == .count }
        guard counted.count >= 4 else { return }
        var sentenceStart = 0
        for (index, character) in characters.enumerated() where character == "。" || index == characters.count - 1 {
            defer { sentenceStart = index + 1 }
            let counts = counted.filter { $0.start >= sentenceStart && $0.start <= index && $0.end >= 1
                && $0.end - 1 < characters.count && characters[$0.end - 1] == "辆" }
            guard counts.count >= 4 else { continue }
            let between = String(characters[counts[0].end..<counts[1].start])
            guard between.includes("其中") else { continue }
            let sum = counts.dropFirst().reduce(Decimal(0)) { $0 + $1.value }
            guard sum != counts[0].value else { continue }
            add("B-N-VEHICLES", line: passage.line(at: counts[0].start),
                values: ["excerpt": NarrativeChecks.excerpt(characters, around: counts[0].start)],
                stated: counts[0].text, expected: "\(sum)")
        }
    }

    // MARK: Scope and year

    mutating func checkScope(_ passage: Passage, _ characters: [Character]) -> Bool {
        let text = String(characters)
        var search = text.startIndex
        while let found = text.range(of: "部门预算", range: search..<text.endIndex) {
            search = found.upperBound
            let after = text[found.upperBound...].prefix(6)
            if after.hasPrefix("经济分类") || after.hasPrefix("支出经济分类") { continue }
            let offset = text.distance(from: text.startIndex, to: found.lowerBound)
            add("B-N-SCOPE", line: passage.line(at: offset), values: ["excerpt": NarrativeChecks.excerpt(characters, around: offset)], stated: "部门预算")
            return true
        }
        return false
    }

    mutating func checkYears() {
        let year = document.year
        guard year > 0 else { return }
        for table in document.tables.values.sorted(by: { $0.titleLine < $1.titleLine }) {
            let title = table.title.filter { !$0.isWhitespace }
            if let printed = BudgetReader.yearBefore年(title), printed != year {
                add("B-N-YEAR", line: table.titleLine, values: ["year": String(year), "other": String(printed), "excerpt": title], stated: title)
            }
        }
        for passage in document.passages {
            let head = String(passage.text.prefix(30)).filter { !$0.isWhitespace }
            if let match = head.firstMatch(of: /(20\d\d)年度?(部门|单位)?预算(编制|情况)?说明/), let printed = Int(match.1), printed != year {
                add("B-N-YEAR", line: passage.line(at: 0), values: ["year": String(year), "other": String(printed), "excerpt": String(match.0)],
                    stated: String(match.0))
            }
        }
    }
}
