import Foundation
import JuesuanCore
import JuesuanImport
import JuesuanRules

/// Defects of language and form that a bureau's reviewer records (issue 24): brackets and quotes that
/// do not close, a sentence cut short, a year printed incompletely, a change that contradicts itself,
/// a 功能分类 class named as before its renaming. Warnings, each at its line; general rules over the
/// prose sections, nothing about a particular report.
extension NarrativeChecks {
    mutating func checkLanguage(_ scanned: [(Passage, [Character], [Mention])]) {
        for (passage, characters, _) in scanned where !characters.isEmpty {
            checkBrackets(passage, characters)
            checkCutShort(passage, characters)
            checkIncompleteYear(passage, characters)
            checkContradiction(passage, characters)
            checkRenamedClasses(passage, characters)
            checkRepeated(passage, characters)
            checkMissingFigure(passage, characters)
        }
        checkReceptionCounts(scanned)
        checkSameRate(scanned)
        checkSameCount(scanned)
        checkBlankPages()
        checkOutline()
    }

    /// A page with no text at all between the 目录 and the last page with text (a page left blank, or a
    /// table's bottom rule spilled onto a page of its own). PDF pages only; the trailing form feed is no page.
    mutating func checkBlankPages() {
        let lines = report.text.lines
        var withText = Set<Int>()
        for line in lines {
            guard let page = line.page else { continue }
            if !line.text.trimmingCharacters(in: .whitespaces).isEmpty { withText.insert(page) }
        }
        guard let last = withText.max(), withText.count >= 2 else { return }
        let contents = lines.first { line in
            let compact = line.text.filter { !$0.isWhitespace }
            return compact == "目录" || (compact.hasPrefix("目录") && compact.count <= 6)
        }?.page ?? 1
        // A blank page has no line of its own when its form feed follows the previous one directly.
        for page in (contents + 1)..<max(contents + 1, last) where !withText.contains(page) {
            let line = lines.first { ($0.page ?? 0) >= page }?.number
            add("X-BLANK-PAGE", passage: nil, at: 0, line: line, stated: "第 \(page) 页", expected: nil, values: ["page": String(page)])
            findings[findings.count - 1].page = page
        }
    }

    /// The parts (第一部分, 第二部分 …) in order with none left out. A 目录 that lists them before the body
    /// is a run of its own: the body is the last run that starts at 第一部分.
    mutating func checkOutline() {
        let numerals: [Character: Int] = ["一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10]
        var parts: [(number: Int, line: Int, text: String)] = []
        for line in report.text.lines {
            let compact = line.text.filter { !$0.isWhitespace }
            guard compact.hasPrefix("第"), compact.count <= 40, !compact.contains("…"), !compact.contains(".."),
                  let end = compact.firstIndex(of: "部"), compact[end...].hasPrefix("部分") else { continue }
            let digits = compact[compact.index(after: compact.startIndex)..<end]
            guard !digits.isEmpty, digits.count <= 2, digits.allSatisfy({ numerals[$0] != nil }) else { continue }
            let number = digits.count == 2 ? (digits.first == "十" ? 10 + numerals[digits.last!]! : numerals[digits.first!]! * 10) : numerals[digits.first!]!
            parts.append((number, line.number, String(compact.prefix(20))))
        }
        guard let start = parts.lastIndex(where: { $0.number == 1 }) else { return }
        var previous = 0
        for part in parts[start...] where part.number != previous {
            if part.number < previous {
                add("X-OUTLINE", passage: nil, at: 0, line: part.line, stated: part.text, expected: nil,
                    values: ["problem": "排在第\(Self.chinese(previous))部分之后，顺序不对"])
            } else if part.number > previous + 1 {
                let missing = ((previous + 1)..<part.number).map { "第\(Self.chinese($0))部分" }.joined(separator: "、")
                add("X-OUTLINE", passage: nil, at: 0, line: part.line, stated: part.text, expected: nil, values: ["problem": "之前缺了\(missing)"])
            }
            previous = max(previous, part.number)
        }
    }

    static func chinese(_ number: Int) -> String {
        let digits = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
        if number <= 10 { return digits[number] }
        return "十" + digits[number - 10]
    }

    static let rates = try! NSRegularExpression(pattern: "([\\p{Han}]{2,10}?)(满意度|满意率)[^0-9０-９。；;]{0,8}?([0-9０-９]+(?:[.．][0-9０-９]+)?)\\s*[%％]")
    /// Words that make a rate a target, a bound or another year's, not the year's own result.
    static let notAResult = ["目标", "预期", "预计", "计划", "不低于", "不少于", "以上", "≥", ">", "上年", "去年", "同比", "提高", "提升", "增长",
                             "下降", "较"]

    /// The same satisfaction rate (of the same people: the words before 满意度) stated with two different
    /// values in one document: both places named. Targets, bounds and other years are left aside.
    mutating func checkSameRate(_ scanned: [(Passage, [Character], [Mention])]) {
        var first: [String: (value: Decimal, text: String, passage: Passage, offset: Int, line: Int?)] = [:]
        var reported = Set<String>()
        for (passage, characters, _) in scanned {
            let text = String(characters)
            let ns = text as NSString
            for match in Self.rates.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                let whole = ns.substring(with: match.range)
                let after = match.range.location + match.range.length
                let tail = after < ns.length ? ns.substring(with: NSRange(location: after, length: min(3, ns.length - after))) : ""
                guard !Self.notAResult.contains(where: { whole.contains($0) || tail.hasPrefix($0) }) else { continue }
                // The subject: the last words before 满意度, without a leading verb or conjunction.
                var subject = ns.substring(with: match.range(at: 1))
                for cut in ["和", "及", "与", "、", "，", "的"] { if let range = subject.range(of: cut, options: .backwards) { subject = String(subject[range.upperBound...]) } }
                let number = ns.substring(with: match.range(at: 3)).applyingTransform(.fullwidthToHalfwidth, reverse: false) ?? ""
                // Its last four characters name whose satisfaction ("全年服务对象" and "服务对象" are the same people).
                subject = String(subject.suffix(4))
                guard subject.count >= 2, let value = Decimal(string: number.replacingOccurrences(of: "．", with: ".")) else { continue }
                let key = subject + ns.substring(with: match.range(at: 2))
                let offset = text.distance(from: text.startIndex, to: Range(match.range, in: text)!.lowerBound)
                let line = passage.line(at: offset)
                guard let seen = first[key] else {
                    first[key] = (value, whole, passage, offset, line)
                    continue
                }
                guard seen.value != value, !reported.contains(key) else { continue }
                reported.insert(key)
                add("X-SAME-RATE", passage: passage, at: offset, stated: number + "%", expected: "\(seen.value)%",
                    values: ["what": key, "other": seen.line.map { "第 \($0) 行" } ?? "前文", "excerpt": Self.excerpt(characters, around: offset)])
            }
        }
    }

    /// Words that announce a count or a sum ("共", "累计", "达到").
    static let countWords = ["共计", "合计", "累计", "总计", "一共", "总共", "共有", "共", "达到", "约"]
    /// Measure words and units that need a number before them; longer first.
    static let measureWords = ["人次", "批次", "万元", "家", "件", "次", "个", "项", "人", "场", "批", "台", "辆", "篇", "份", "户", "起", "条", "名", "所",
                               "期", "元"]
    /// What may follow a measure word that ends a clause.
    static let clauseEnds: Set<Character> = ["，", ",", "。", "；", ";", "、", "）", ")", "：", ":"]

    /// "全年共家，" "累计件。": a count announced, its measure word printed, the number between them left
    /// out (a blank left between them is X-PLACEHOLDER's, on the line as printed). Only where the measure
    /// word closes the clause, so that words such as 共产, 合计数, 约定 and 项目 are never read as counts.
    mutating func checkMissingFigure(_ passage: Passage, _ characters: [Character]) {
        func matches(_ word: String, at index: Int) -> Bool {
            var position = index
            for character in word {
                guard position < characters.count, characters[position] == character else { return false }
                position += 1
            }
            return true
        }
        var index = 0
        while index < characters.count {
            guard let word = Self.countWords.first(where: { matches($0, at: index) }) else { index += 1; continue }
            // 公共, 节约, 制约, 合约, 签约, 大约 is still a count word.
            if index > 0, (word == "共" && "公".contains(characters[index - 1])) || (word == "约" && "节制合签契".contains(characters[index - 1])) {
                index += word.count
                continue
            }
            var next = index + word.count
            while next < characters.count, characters[next] == " " { next += 1 }
            guard let measure = Self.measureWords.first(where: { matches($0, at: next) }) else { index += word.count; continue }
            let end = next + measure.count
            guard end == characters.count || Self.clauseEnds.contains(characters[end]) else { index += word.count; continue }
            let line = passage.line(at: index)
            if !findings.contains(where: { $0.rule == "X-PLACEHOLDER" && $0.line == line }) {
                add("X-NO-FIGURE", passage: passage, at: index, stated: String(characters[index..<end]), expected: nil,
                    values: ["excerpt": Self.excerpt(characters, around: index), "measure": measure])
            }
            index = end
        }
    }

    /// The measure words of counts, longer first; the words that join a count to its subject.
    static let countMeasures = ["人次", "批次", "家", "件", "项", "场", "篇", "份", "户", "起", "条", "名", "所", "个", "次", "人"].map(Array.init)
    static let countJoins = ["共计", "累计", "合计", "总计", "共有", "达到", "共", "达", "为", "约", "了", "计"].map(Array.init)
    static func isHan(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1 else { return false }
        return (0x4E00...0x9FFF).contains(scalar.value) || (0x3400...0x4DBF).contains(scalar.value)
    }
    static func isDigit(_ character: Character) -> Bool { ("0"..."9").contains(character) || ("０"..."９").contains(character) }

    /// The counts of a passage: (subject, number, measure word, offset of the subject, end of the measure word).
    static func counts(_ characters: [Character]) -> [(subject: String, value: Int, measure: String, start: Int, end: Int)] {
        var result: [(String, Int, String, Int, Int)] = []
        var index = 0
        while index < characters.count {
            guard isDigit(characters[index]), index == 0 || !(isDigit(characters[index - 1]) || characters[index - 1] == ".") else { index += 1; continue }
            var digitsEnd = index
            while digitsEnd < characters.count, isDigit(characters[digitsEnd]) { digitsEnd += 1 }
            defer { index = digitsEnd }
            guard digitsEnd >= characters.count || characters[digitsEnd] != "." && characters[digitsEnd] != "．" else { continue }
            var at = digitsEnd
            while at < characters.count, characters[at] == " " { at += 1 }
            guard let measure = countMeasures.first(where: { word in
                at + word.count <= characters.count && Array(characters[at..<(at + word.count)]) == word
            }) else { continue }
            let end = at + measure.count
            // "3个百分点" is no count of things; "2人1车" is two counts.
            if end < characters.count, isDigit(characters[end]) { continue }
            if end + 1 < characters.count, isHan(characters[end]), isDigit(characters[end + 1]) { continue }
            var before = index
            while before > 0, characters[before - 1] == " " { before -= 1 }
            var start = before
            while start > 0, before - start < 16, isHan(characters[start - 1]) { start -= 1 }
            var subject = Array(characters[start..<before])
            if let join = countJoins.first(where: { subject.count > $0.count && Array(subject.suffix($0.count)) == $0 }) {
                subject.removeLast(join.count)
            }
            guard subject.count >= 3 else { continue }
            let digits = String(characters[index..<digitsEnd]).applyingTransform(.fullwidthToHalfwidth, reverse: false) ?? ""
            guard let value = Int(digits) else { continue }
            result.append((String(subject), value, String(measure), start, end))
        }
        return result
    }

    /// Words near a count that make it another period's, a target, a bound, a part or an average.
    static let notTheCount = ["目标", "预期", "预计", "计划", "不低于", "不少于", "不超过", "以上", "以下", "以内", "左右", "≥", "≤", ">", "<", "上年", "去年",
                              "同比", "增加", "减少", "增长", "下降", "较", "比", "其中", "分别", "每", "平均", "人均", "第", "月", "日", "年度", "指标"]

    /// The same count (the same words before the same measure word: "受理信访件", "办理人大建议件") stated
    /// with two different numbers in two passages of one document: the 情况说明, the 重点工作 and the
    /// 绩效自评 each saying it once. Both places are named. Targets, bounds, changes, parts and other
    /// periods are left aside, and so is a subject of fewer than four characters (too general to be one
    /// quantity).
    mutating func checkSameCount(_ scanned: [(Passage, [Character], [Mention])]) {
        var first: [String: (value: Int, passage: Passage, line: Int)] = [:]
        var reported = Set<String>()
        let stops: Set<Character> = ["，", ",", "。", "；", ";", "：", ":", "、", "（", "("]
        for (passage, characters, _) in scanned {
            for count in Self.counts(characters) {
                // The clause the count stands in, up to the measure word and a little after it.
                var clauseStart = count.start
                while clauseStart > 0, !stops.contains(characters[clauseStart - 1]) { clauseStart -= 1 }
                let clause = String(characters[clauseStart..<min(characters.count, count.end + 3)])
                guard !Self.notTheCount.contains(where: { clause.contains($0) }) else { continue }
                var subject = count.subject
                for lead in ["全年", "本年", "今年", "当年", "本部门", "本单位", "我局", "我办", "我委", "全局", "共"] where subject.hasPrefix(lead) {
                    subject = String(subject.dropFirst(lead.count))
                }
                subject = String(subject.suffix(8))
                guard subject.count >= 4 else { continue }
                let key = subject + count.measure
                let line = passage.line(at: count.start)
                guard let seen = first[key] else {
                    first[key] = (count.value, passage, line)
                    continue
                }
                guard seen.value != count.value, seen.passage != passage, !reported.contains(key) else { continue }
                reported.insert(key)
                add("X-SAME-COUNT", passage: passage, at: count.start, stated: "\(count.value)", expected: "\(seen.value)",
                    values: ["what": key, "other": "第 \(seen.line) 行", "excerpt": Self.excerpt(characters, around: count.start)])
            }
        }
    }

    /// Two or more sentences printed again right after themselves (within a few lines) in one section:
    /// a paragraph repeated, as when a clipped text box was pasted again. The same sentence said of two
    /// items ("主要原因是……" for each) is not a repeat; nor is a text restated in another part.
    mutating func checkRepeated(_ passage: Passage, _ characters: [Character]) {
        var sentences: [(text: String, start: Int, end: Int)] = []
        var start = 0
        for (index, character) in characters.enumerated() where character == "。" || index == characters.count - 1 {
            let text = String(characters[start...index]).filter { !$0.isWhitespace }
            if text.count >= 10 { sentences.append((text, start, index + 1)) }
            start = index + 1
        }
        var reported = Set<Int>()
        for i in sentences.indices.dropLast() {
            let block = sentences[i].text + sentences[i + 1].text
            guard block.count >= 30 else { continue }
            for j in (i + 2)..<max(i + 2, sentences.count - 1) where !reported.contains(j) {
                guard sentences[j].start - sentences[i + 1].end <= 400 else { break }
                if sentences[j].text + sentences[j + 1].text == block {
                    reported.insert(j)
                    add("X-REPEAT", passage: passage, at: sentences[j].start, stated: String(block.prefix(40)), expected: nil,
                        values: ["excerpt": Self.excerpt(characters, around: sentences[j].start)])
                    break
                }
            }
        }
    }

    static let batches = try! NSRegularExpression(pattern: "[0-9０-９]+\\s*批")
    static let visits = try! NSRegularExpression(pattern: "[0-9０-９]+\\s*人次")

    /// 公务接待 spent (表7) with its 批次 and 人次 said for 外宾 (外事) only, and none for 国内: the outline asks
    /// for the 国内公务接待 counts too. A text that gives no counts at all is not judged here (whether the
    /// outline applies depends on the region's template).
    mutating func checkReceptionCounts(_ scanned: [(Passage, [Character], [Mention])]) {
        guard let t7 = table(.t7), t7.amount(StandardLayout.singleRow, column: 12) > .zero else { return }
        func counted(_ text: String) -> Bool {
            let range = NSRange(text.startIndex..., in: text)
            return Self.batches.firstMatch(in: text, range: range) != nil && Self.visits.firstMatch(in: text, range: range) != nil
        }
        var foreign: (Passage, [Character], Int)?
        var domestic = false
        for (passage, characters, _) in scanned {
            var start = 0
            for (index, character) in characters.enumerated() where "。；;，,".contains(character) || index == characters.count - 1 {
                let clause = String(characters[start...index])
                if clause.contains("接待"), counted(clause) {
                    if clause.contains("外宾") || clause.contains("外事") || clause.contains("境外") {
                        if foreign == nil { foreign = (passage, characters, start) }
                    } else {
                        domestic = true
                    }
                }
                start = index + 1
            }
        }
        guard let foreign, !domestic else { return }
        add("X-RECEPTION", passage: foreign.0, at: foreign.2, stated: nil, expected: nil,
            values: ["excerpt": Self.excerpt(foreign.1, around: foreign.2), "amount": t7.amount(StandardLayout.singleRow, column: 12).description,
                     "which": "国内公务接待"])
    }

    /// Opening and closing marks that must pair within a section. Half- and full-width parentheses
    /// are one pair (“（类)” is common and not a defect); straight ASCII quotes cannot tell opening from
    /// closing and are left alone.
    static let pairs: [(open: Set<Character>, close: Set<Character>, name: String)] = [
        (["“"], ["”"], "引号“”"),
        (["《"], ["》"], "书名号《》"),
        (["（", "("], ["）", ")"], "括号（）"),
        (["【"], ["】"], "方括号【】"),
    ]

    static let numerals: Set<Character> = Set("0123456789０１２３４５６７８９一二三四五六七八九十")

    mutating func checkBrackets(_ passage: Passage, _ characters: [Character]) {
        for pair in Self.pairs {
            var open: [Int] = []
            var stray: Int?
            for (index, character) in characters.enumerated() {
                if pair.open.contains(character) {
                    open.append(index)
                } else if pair.close.contains(character) {
                    if open.isEmpty {
                        // "1）", "（二）" written as "二）": an enumerator, not a bracket left open.
                        if index > 0, Self.numerals.contains(characters[index - 1]) { continue }
                        if stray == nil { stray = index }
                    } else {
                        open.removeLast()
                    }
                }
            }
            guard let at = stray ?? open.first else { continue }
            add("X-BRACKET", passage: passage, at: at, stated: String(characters[at]), expected: pair.name,
                values: ["excerpt": Self.excerpt(characters, around: at), "what": stray != nil ? "有收无开" : "有开无收"])
        }
    }

    /// Clause openers that need what follows them.
    static let openers = ["主要原因是", "主要原因为", "原因是", "原因为", "主要用于", "主要包括", "具体包括", "具体如下", "主要是"]

    /// "主要原因是。", "主要用于：" with nothing after: the sentence the reader was promised is missing.
    mutating func checkCutShort(_ passage: Passage, _ characters: [Character]) {
        let text = String(characters)
        for opener in Self.openers {
            var searchStart = text.startIndex
            while let range = text.range(of: opener, range: searchStart..<text.endIndex) {
                searchStart = range.upperBound
                // A longer opener that ends with this one was already judged ("主要原因是" holds "原因是").
                if Self.openers.contains(where: { $0 != opener && $0.hasSuffix(opener) && text[..<range.upperBound].hasSuffix($0) }) { continue }
                var next = range.upperBound
                while next < text.endIndex, " ：:，,".contains(text[next]) { next = text.index(after: next) }
                guard next == text.endIndex || "。；;".contains(text[next]) else { continue }
                let offset = text.distance(from: text.startIndex, to: range.lowerBound)
                add("X-CUT", passage: passage, at: offset, stated: String(text[range.lowerBound..<min(text.endIndex, text.index(after: next == text.endIndex ? text.index(before: next) : next))]),
                    expected: nil, values: ["excerpt": Self.excerpt(characters, around: offset)])
            }
        }
    }

    /// "202 年度" for 2021: the year printed with a digit missing.
    mutating func checkIncompleteYear(_ passage: Passage, _ characters: [Character]) {
        let year = disclosure.year
        guard year >= 1000 else { return }
        let stem = String(year / 10)
        var index = 0
        while index + stem.count < characters.count {
            defer { index += 1 }
            guard String(characters[index..<(index + stem.count)]) == stem else { continue }
            if index > 0, characters[index - 1].isNumber { continue }
            var next = index + stem.count
            if characters[next].isNumber { continue }
            while next < characters.count, characters[next] == " " { next += 1 }
            guard next < characters.count, characters[next] == "年" else { continue }
            add("X-YEAR-DIGITS", passage: passage, at: index, stated: stem + "年", expected: "\(year)年",
                values: ["excerpt": Self.excerpt(characters, around: index)])
        }
    }

    static let contradiction = try! NSRegularExpression(
        pattern: "(增加|减少|增长|下降)(为|至|到)?[^，,。；;]{0,14}[，,]?(与|和|同|较|比)上年度?(相比)?(基本)?持平")

    /// "减少为 0.00 万元，与上年持平": a change and no change said of the same thing in one breath.
    mutating func checkContradiction(_ passage: Passage, _ characters: [Character]) {
        let text = String(characters)
        let range = NSRange(text.startIndex..., in: text)
        for match in Self.contradiction.matches(in: text, range: range) {
            guard let found = Range(match.range, in: text) else { continue }
            let offset = text.distance(from: text.startIndex, to: found.lowerBound)
            add("X-CONTRADICT", passage: passage, at: offset, stated: String(text[found]), expected: nil,
                values: ["excerpt": Self.excerpt(characters, around: offset)])
        }
    }

    /// A 功能分类 class named as it was before its renaming while the document's own tables (or its year)
    /// use the new name.
    mutating func checkRenamedClasses(_ passage: Passage, _ characters: [Character]) {
        let text = String(characters)
        for renaming in RenamedClasses.all where text.contains(renaming.old) {
            let tablesUseNew = disclosure.tables.values.contains { table in table.rows.contains { $0.label.contains(renaming.new) } }
            guard tablesUseNew, disclosure.year >= renaming.since else { continue }
            guard let found = text.range(of: renaming.old) else { continue }
            let offset = text.distance(from: text.startIndex, to: found.lowerBound)
            add("X-OLD-NAME", passage: passage, at: offset, stated: renaming.old, expected: renaming.new,
                values: ["excerpt": Self.excerpt(characters, around: offset), "code": renaming.code, "since": String(renaming.since)])
        }
    }
}

/// 功能分类 classes renamed in the government revenue and expenditure classification, read from
/// `Catalog/renamed-classes.csv` (类编码, 原名称, 现名称, 起用年度).
enum RenamedClasses {
    struct Renaming: Sendable {
        var code: String
        var old: String
        var new: String
        var since: Int
    }

    static let all: [Renaming] = {
        guard let url = Bundle.module.url(forResource: "renamed-classes", withExtension: "csv", subdirectory: "Catalog"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(whereSeparator: \.isNewline).dropFirst().compactMap { line in
            let cells = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 4, let since = Int(cells[3]) else { return nil }
            return Renaming(code: cells[0], old: cells[1], new: cells[2], since: since)
        }
    }()
}
