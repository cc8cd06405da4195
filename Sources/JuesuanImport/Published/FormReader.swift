import Foundation
import JuesuanCore

/// Reads self-evaluation forms printed in a report (整体 and 项目), as far as their text allows:
/// header score, budget execution, overall goal score, and indicator rows with target, actual and
/// score. Indicator names wrapped over lines are joined; a value left blank stays blank.
enum FormReader {
    static let level1Words = ["产出指标", "效益指标", "满意度指标"]
    static let level2Words = ["数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标",
                              "可持续影响指标", "满意度指标"]

    static func read(_ lines: [TextLine], ranges: [Range<Int>], source: String) -> PerformanceForms {
        var forms = PerformanceForms()
        for range in ranges {
            let slice = Array(lines[range])
            guard let title = slice.first?.text.filter({ !$0.isWhitespace }) else { continue }
            if title.includes("整体") {
                if forms.department == nil, let form = department(slice, source: source) { forms.department = form }
            } else if let form = project(slice, source: source) {
                forms.projects.append(form)
            }
        }
        return forms
    }

    static func compact(_ line: TextLine) -> String { line.text.filter { !$0.isWhitespace } }

    static func statedTotal(_ lines: [TextLine]) -> Decimal? { statedTotalLine(lines).0 }

    /// The stated total and the line it is printed on (else the form's first line).
    static func statedTotalLine(_ lines: [TextLine]) -> (Decimal?, Int?) {
        for line in lines.prefix(4) {
            let text = compact(line)
            if let range = text.range(of: "自评得分:") ?? text.range(of: "自评得分：") {
                return (ScoreText.parse(String(text[range.upperBound...].prefix { ($0.isASCII && $0.isNumber) || $0 == "." })), line.number)
            }
        }
        return (nil, lines.first?.number)
    }

    /// The budget line: A, B, rate, score after the execution label.
    static func execution(_ lines: [TextLine], label: String, unit: MoneyUnit) -> BudgetExecution? {
        let stem = String(label.prefix(6))
        guard let start = lines.firstIndex(where: { Tokenizer.has($0.text, stem) }) else { return nil }
        for line in lines[start...].prefix(6) {
            let tokens = line.text.split(whereSeparator: { $0 == " " || $0 == "\u{3000}" }).map(String.init)
            guard let rateIndex = tokens.firstIndex(where: { $0.hasSuffix("%") }), rateIndex >= 2 else { continue }
            guard let budget = try? MoneyParser.parse(tokens[rateIndex - 2], unit: unit).money,
                  let executed = try? MoneyParser.parse(tokens[rateIndex - 1], unit: unit).money else { continue }
            let score = rateIndex + 1 < tokens.count ? ScoreText.parse(tokens[rateIndex + 1]) : nil
            var block = BudgetExecution(label: label, unit: unit, budget: budget, executed: executed, statedRate: tokens[rateIndex],
                                        statedScore: score, weight: 20)
            block.line = line.number
            return block
        }
        return nil
    }

    static func project(_ lines: [TextLine], source: String) -> ProjectForm? {
        guard let nameLine = lines.first(where: { Tokenizer.has($0.text, "项目名称") && compact($0).hasPrefix("项目名称") }) else { return nil }
        let name = String(compact(nameLine).dropFirst(4))
        guard !name.isEmpty, let execution = execution(lines, label: "年度财政资金", unit: .yuan) else { return nil }
        // The overall goal's score: a lone number between the goal heading and the indicator table.
        var goalScore: Decimal?
        if let goalStart = lines.firstIndex(where: { Tokenizer.has($0.text, "项目绩效总目标") }) {
            let end = lines[goalStart...].firstIndex { Tokenizer.has($0.text, "项目年度绩") || Tokenizer.has($0.text, "一级指标") } ?? lines.endIndex
            for line in lines[(goalStart + 1)..<end] {
                // A lone number, or a number closing a line of goal text.
                let tokens = line.text.split(whereSeparator: { $0 == " " || $0 == "\u{3000}" })
                guard let last = tokens.last, last.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                      tokens.count == 1 || tokens.dropLast().contains(where: { $0.unicodeScalars.contains { $0.value >= 0x4E00 } }),
                      let value = ScoreText.parse(String(last)), value <= 20 else { continue }
                goalScore = value
            }
        }
        return ProjectForm(name: name, supervisor: "", implementer: "", category: "", kind: "", filledOn: nil,
                           statedTotal: statedTotal(lines), execution: execution, goalPlanned: "", goalAchieved: "",
                           goalWeight: 20, goalStatedScore: goalScore, indicatorsWeight: 60, indicators: indicators(lines),
                           deviation: "", improvement: "", source: source, line: statedTotalLine(lines).1)
    }

    static func department(_ lines: [TextLine], source: String) -> DepartmentForm? {
        guard let execution = execution(lines, label: "部门整体支出总额", unit: .wan) else { return nil }
        var basic: Money?
        var project: Money?
        for line in lines.prefix(8) {
            let tokens = line.text.split(whereSeparator: { $0 == " " }).map(String.init)
            for (index, token) in tokens.enumerated() where index + 1 < tokens.count {
                if token.hasPrefix("基本支出总额") { basic = try? MoneyParser.parse(tokens[index + 1], unit: .wan).money }
                if token.hasPrefix("项目支出总额") { project = try? MoneyParser.parse(tokens[index + 1], unit: .wan).money }
            }
        }
        // Goals: "年度目标1：（10分）" starts each block of indicators.
        var goals: [AnnualGoal] = []
        var starts: [(Int, String, Decimal)] = []
        for (index, line) in lines.enumerated() where Tokenizer.has(line.text, "年度目标") {
            let text = compact(line)
            guard text.hasPrefix("年度目标"), let open = text.firstIndex(where: { $0 == "（" || $0 == "(" }) else { continue }
            let title = String(text[..<open]).trimmingCharacters(in: CharacterSet(charactersIn: ":："))
            let weightText = text[open...].dropFirst().prefix { ($0.isASCII && $0.isNumber) || $0 == "." }
            starts.append((index, title, ScoreText.parse(String(weightText)) ?? 10))
        }
        for (position, start) in starts.enumerated() {
            let end = position + 1 < starts.count ? starts[position + 1].0 : lines.count
            goals.append(AnnualGoal(title: start.1, weight: start.2, text: "", indicators: indicators(Array(lines[start.0..<end]))))
        }
        return DepartmentForm(unitName: "", filledOn: nil, statedTotal: statedTotal(lines), basicTotal: basic, projectTotal: project,
                              execution: execution, goals: goals, source: source, line: statedTotalLine(lines).1)
    }

    static func looksLikeValue(_ token: String) -> Bool {
        guard let first = token.first else { return false }
        return (first.isASCII && first.isNumber) || "≥≤<>＞＜".contains(first) || token.hasSuffix("%") || token.hasPrefix("千分之")
    }

    /// Indicator rows: "…指标N：name [target] [actual] score", names and values possibly wrapped.
    static func indicators(_ lines: [TextLine]) -> [IndicatorRow] {
        var rows: [IndicatorRow] = []
        var level1 = "", level2 = ""
        var index = 0
        while index < lines.count {
            let line = lines[index]
            var tokens = line.text.split(whereSeparator: { $0 == " " || $0 == "\u{3000}" }).map(String.init)
            for token in tokens {
                if let word = level1Words.first(where: { token == $0 }) { level1 = word }
                if let word = level2Words.first(where: { token == $0 }) { level2 = word }
            }
            guard Tokenizer.has(line.text, "指标"),
                  let nameIndex = tokens.firstIndex(where: { $0.hasPrefix("指标") && (Tokenizer.has($0, "：") || Tokenizer.has($0, ":")) }) else { index += 1; continue }
            var name = tokens[nameIndex]
            tokens = Array(tokens[(nameIndex + 1)...])
            var values: [String] = []
            // Name parts and values until a line ends in a score.
            func absorb(_ words: [String], nameAllowed: Bool) {
                var allowName = nameAllowed
                for word in words {
                    if allowName && !looksLikeValue(word) && values.isEmpty && !level2Words.contains(word) && !level1Words.contains(word) {
                        name += word
                        continue
                    }
                    allowName = false
                    if let last = values.last, (last.hasSuffix("≤") || last.hasSuffix("≥"))
                        || ((word.hasPrefix("≤") || word.hasPrefix("≥")) && last.hasSuffix("%") && (last.includes("≤") || last.includes("≥"))) {
                        values[values.count - 1] = last + word
                    } else {
                        values.append(word)
                    }
                }
            }
            absorb(tokens, nameAllowed: tokens.count >= 4)
            var next = index + 1
            while !(values.last.map { ScoreText.parse($0) != nil } ?? false), next < lines.count, next <= index + 6 {
                let words = lines[next].text.split(whereSeparator: { $0 == " " || $0 == "\u{3000}" }).map(String.init)
                if words.contains(where: { $0.hasPrefix("指标") && ($0.includes("：") || $0.includes(":")) }) { break }
                if words.count == 1 && !looksLikeValue(words[0]) && values.isEmpty {
                    name += words[0]
                } else {
                    absorb(words, nameAllowed: words.count >= 4)
                }
                next += 1
            }
            index = next
            guard let scoreText = values.last, let score = ScoreText.parse(scoreText) else { continue }
            let rest = Array(values.dropLast())
            let target = rest.first ?? ""
            let actual = rest.count >= 2 ? rest[1] : ""
            rows.append(IndicatorRow(level1: level1, level2: level2, name: Tokenizer.name(name).replacingOccurrences(of: ":", with: "："), target: target, actual: actual, weight: nil,
                                     statedScore: score, source: SourceLocation(file: "", line: line.number)))
        }
        return rows
    }
}
