import Foundation
import JuesuanCore
import JuesuanImport

/// What should carry over from one of a department's documents to the next: the counts of its 机构设置
/// (内设机构, 下属事业单位, 派出机构, 行政/事业单位 …), and the 绩效目标 the budget set, which the same
/// year's final accounts report on (how many projects, how much money).
extension BudgetChain {
    /// A count of organisations a document states in its 机构设置 or 单位构成 part.
    struct StructureCount {
        var key: String
        var value: Int
        var line: Int
        var text: String
        /// The words near it that say the structure changed ("机构改革", "调整", "撤并" …), when any.
        var change: String?
    }

    /// The nouns counted, longest first (so "下属事业单位" is not taken as "事业单位").
    static let structureNouns = ["下属事业单位", "下属行政单位", "所属事业单位", "二级预算单位", "内设机构", "派出机构", "直属机构", "下属单位", "所属单位",
                                 "直属单位", "预算单位", "行政单位", "事业单位", "参公单位"]
    static let changeWords = ["机构改革", "改革", "调整", "撤并", "合并", "撤销", "新设", "新增", "新组建", "组建", "划转", "划入", "划出", "转隶", "更名",
                              "增设", "精简"]
    static let structureHeadings = ["机构设置", "单位构成", "机构情况", "所属单位情况"]

    /// Counts in the passages that follow a heading on 机构设置 / 单位构成 (that passage and the next three).
    static func structureCounts(_ passages: [Passage]) -> [StructureCount] {
        var result: [StructureCount] = []
        var window = -1
        for (index, passage) in passages.enumerated() {
            if structureHeadings.contains(where: { passage.text.includes($0) }) { window = index + 3 }
            guard index <= window else { continue }
            let characters = passage.characters.isEmpty ? Array(passage.text) : passage.characters
            for found in counts(characters) where !result.contains(where: { $0.key == found.key }) {
                // A reason belongs to the statement: the words just before it and the lines after it, not a plan for the year
                // further down that happens to speak of 改革.
                let nearby = String(characters[max(0, found.offset - 80)..<min(characters.count, found.offset + 200)])
                let change = changeWords.first { nearby.includes($0) }
                result.append(StructureCount(key: found.key, value: found.value, line: passage.line(at: found.offset),
                                             text: NarrativeChecks.excerpt(characters, around: found.offset), change: change))
            }
        }
        return result
    }

    /// "23 个内设机构", "下属0家预算单位", "行政单位1家", "内设机构 19 个": each noun with its count (spaces ignored).
    static func counts(_ characters: [Character]) -> [(key: String, value: Int, offset: Int)] {
        // The text without spaces, with each kept character's offset in the passage.
        var text: [Character] = []
        var offsets: [Int] = []
        for (offset, character) in characters.enumerated() where !character.isWhitespace {
            text.append(character)
            offsets.append(offset)
        }
        func noun(at index: Int) -> String? {
            structureNouns.first { word in
                let letters = Array(word)
                return index + letters.count <= text.count && Array(text[index..<index + letters.count]) == letters
            }
        }
        var result: [(key: String, value: Int, offset: Int)] = []
        var index = 0
        while index < text.count {
            guard text[index].isASCII, text[index].isNumber, index == 0 || !(text[index - 1].isNumber || text[index - 1] == "." || text[index - 1] == ",") else {
                index += 1
                continue
            }
            var end = index
            while end < text.count, text[end].isASCII, text[end].isNumber { end += 1 }
            defer { index = end }
            guard end - index <= 4, end < text.count, text[end] == "个" || text[end] == "家", let value = Int(String(text[index..<end])) else { continue }
            // "N 个内设机构" / "下属0家预算单位" (the noun after the measure word).
            if let word = noun(at: end + 1) {
                result.append((word, value, offsets[index]))
                continue
            }
            // "内设机构 19 个" / "行政单位1家" (the noun just before, after an optional 共/有/为).
            var start = index
            while start > 0, "共有为计".contains(text[start - 1]) { start -= 1 }
            if let word = structureNouns.first(where: { word in
                let letters = Array(word)
                return start >= letters.count && Array(text[start - letters.count..<start]) == letters
            }) {
                // "下属0家预算单位" was taken above; "单位1家" after "下属" is a count of the noun as printed.
                result.append((word, value, offsets[index]))
            }
        }
        return result
    }

    /// A statement of the projects with 绩效目标: how many, and the money they involve (万元).
    struct TargetStatement {
        var projects: Int
        var amount: Decimal
        var slack: Decimal
        var amountText: String
        var line: Int
    }

    /// "编报绩效目标的项目共4个，涉及项目预算资金598.46万元" (a budget), "编报绩效目标的2024年度项目4个，涉及预算金额598.42万元"
    /// (final accounts), "共 5 个项目实行绩效目标管理，涉及财政性资金合计 5,086 万元": the first such sentence of a document.
    static func targetStatement(_ passages: [Passage]) -> TargetStatement? {
        for passage in passages where passage.text.includes("绩效目标") {
            let characters = passage.characters.isEmpty ? Array(passage.text) : passage.characters
            var start = 0
            for end in characters.indices where "。；;：:".contains(characters[end]) || end == characters.count - 1 {
                defer { start = end + 1 }
                let sentence = Array(characters[start...end])
                let flat = String(sentence).filter { !$0.isWhitespace }
                guard flat.includes("绩效目标"), flat.includes("编报") || flat.includes("实行") || flat.includes("设置"), flat.includes("项目"),
                      flat.includes("涉及"), !flat.includes("自评"), !flat.includes("评价"), !flat.includes("跟踪"), !flat.includes("监控") else { continue }
                let mentions = MentionScanner.scan(sentence)
                guard let count = mentions.first(where: { $0.kind == .count && sentence[$0.end - 1] == "个" }),
                      let projects = Int(count.text),
                      let amount = mentions.first(where: { $0.kind == .amount && $0.start > count.end }) else { continue }
                return TargetStatement(projects: projects, amount: amount.value, slack: NarrativeChecks.slack(decimals: amount.decimals),
                                       amountText: amount.text, line: passage.line(at: start + amount.start))
            }
        }
        return nil
    }
}

extension BudgetChain {
    /// The same text as a reader would see it: widths folded, spaces gone, "≥" and ">=" one sign.
    static func normalized(_ text: String) -> String {
        text.precomposedStringWithCompatibilityMapping.filter { !$0.isWhitespace }
            .replacingOccurrences(of: "≥", with: ">=").replacingOccurrences(of: "≤", with: "<=")
    }

    /// A project's name for matching: normalized, without a closing "项目".
    static func projectKey(_ name: String) -> String {
        var key = normalized(name)
        if key.hasSuffix("项目"), key.count > 2 { key.removeLast(2) }
        return key
    }

    /// The 绩效自评 of final accounts against the 绩效目标 the same year's budget set: for each project in both, each of
    /// the budget's indicators (by its 三级指标 name) must be in the form with the same 年度指标值.
    static func indicatorLinks(_ report: PublishedReport, _ targets: [BudgetDataset.ProjectTarget])
        -> [(project: String, indicator: String, target: String, stated: String?, line: Int?)] {
        var result: [(project: String, indicator: String, target: String, stated: String?, line: Int?)] = []
        for target in targets {
            guard let form = report.disclosure.performance.projects.first(where: { projectKey($0.name) == projectKey(target.project) }) else { continue }
            for indicator in target.indicators where !indicator.name.isEmpty {
                let row = form.indicators.first { normalized($0.name) == normalized(indicator.name) }
                result.append((form.name, indicator.name, indicator.value, row?.target, row?.source?.line ?? form.line))
            }
        }
        return result
    }
}
