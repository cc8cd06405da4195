import Foundation
import JuesuanCore
import JuesuanImport

/// Reads ledger CSV files (docs/ledger.md): one row per posting, balance or budget line, any number of
/// units per file. Every row is checked strictly; the first bad row stops the read with a Chinese
/// message naming the file, the line and the value.
public enum LedgerReader {
    /// The header names, in the order `LedgerWriter` writes them.
    public static let columns = ["单位", "年度", "类型", "功能分类", "经济分类", "资金来源", "性质", "项目", "三公", "金额"]
    /// Row types (类型) besides 收入 and 支出.
    public static let openingType = "年初结转", closingType = "年末结转", threeCostsBudgetType = "三公预算",
        initialBudgetType = "年初预算"
    static let types = ["收入", "支出", openingType, closingType, threeCostsBudgetType, initialBudgetType]

    /// The entry of `table` whose text is `text`, compared byte for byte (String's == normalises
    /// Chinese text first, which is slow for millions of postings).
    static func match<T>(_ text: String, _ table: [(String, T)]) -> T? {
        table.first { $0.0.utf8.elementsEqual(text.utf8) }?.1
    }
    static let typeTable = types.enumerated().map { ($1, $0) }
    static let sourceTable = FundSource.allCases.map { ($0.rawValue, $0) }
    static let natureTable = Nature.allCases.map { ($0.rawValue, $0) }
    static let threeCostsTable = ThreeCosts.allCases.map { ($0.rawValue, $0) }

    /// The units of the ledger at `url`, in order of first appearance.
    public static func read(_ url: URL, name: String? = nil) throws(InputError) -> [Ledger] {
        try read(CSVFile(url: url, name: name))
    }

    /// The units of ledger CSV `text`.
    public static func read(text: String, name: String) throws(InputError) -> [Ledger] {
        try read(CSVFile(text: text, name: name))
    }

    static func read(_ file: CSVFile) throws(InputError) -> [Ledger] {
        var index: [String: Int] = [:]
        for column in columns { if let found = file.column(column) { index[column] = found } }
        for required in ["单位", "年度", "类型", "金额"] where index[required] == nil {
            throw InputError(file: file.name, line: 1, reason: "表头缺少“\(required)”列；表头应为：\(columns.joined(separator: ","))")
        }
        if let unknown = file.header.first(where: { !$0.isEmpty && !columns.contains($0) }) {
            throw InputError(file: file.name, line: 1, value: unknown, reason: "表头有不认识的列；表头应为：\(columns.joined(separator: ","))")
        }
        let positions = columns.map { index[$0] }
        var ledgers: [Ledger] = []
        var position: [String: Int] = [:]
        for record in file.records {
            /// The field of column `number` (its place in `columns`), "" when the file has no such column.
            func field(_ number: Int) -> String { positions[number].map { record[$0] } ?? "" }
            func fail(_ reason: String, _ value: String? = nil) -> InputError {
                InputError(file: file.name, line: record.line, value: value, reason: reason)
            }
            let line = SourceLocation(file: file.name, line: record.line)
            if record.fields.count > file.header.count {
                throw fail("本行有 \(record.fields.count) 个字段，表头只有 \(file.header.count) 列；金额里的千位分隔符须加引号，如 \"1,813.94\"")
            }
            let unit = field(0 /* 单位 */)
            guard !unit.isEmpty else { throw fail("“单位”为空") }
            let yearText = field(1 /* 年度 */)
            guard yearText.utf8.count == 4, let year = Int(yearText), (2000...2100).contains(year) else {
                throw fail("“年度”应为四位年份，如 2021", yearText)
            }
            let at: Int
            if let last = ledgers.indices.last, ledgers[last].unit.utf8.elementsEqual(unit.utf8) {
                at = last
                guard ledgers[at].year == year else {
                    throw fail("单位“\(unit)”前面的行为 \(ledgers[at].year) 年度，本行为 \(year) 年度；一个单位只能有一个年度", yearText)
                }
            } else if let existing = position[unit] {
                at = existing
                guard ledgers[at].year == year else {
                    throw fail("单位“\(unit)”前面的行为 \(ledgers[at].year) 年度，本行为 \(year) 年度；一个单位只能有一个年度", yearText)
                }
            } else {
                at = ledgers.count
                position[unit] = at
                ledgers.append(Ledger(unit: unit, year: year, file: file.name))
            }
            let type = field(2 /* 类型 */)
            guard let typeIndex = match(type, typeTable) else { throw fail("“类型”应为 \(types.joined(separator: "、")) 之一", type) }
            let amountText = field(9 /* 金额 */)
            let amount: Money
            do { amount = try MoneyParser.parse(amountText, unit: .yuan).money } catch {
                throw fail("“金额”不是有效的金额（以元为单位，最多两位小数）：\(error)", amountText)
            }
            func source(required: Bool) throws(InputError) -> FundSource? {
                let text = field(5 /* 资金来源 */)
                if text.isEmpty {
                    if required { throw fail("“资金来源”为空；应为 \(FundSource.allCases.map(\.rawValue).joined(separator: "、")) 之一") }
                    return nil
                }
                guard let source = match(text, sourceTable) else {
                    throw fail("“资金来源”应为 \(FundSource.allCases.map(\.rawValue).joined(separator: "、")) 之一", text)
                }
                return source
            }
            func function(digits: Int, required: Bool) throws(InputError) -> FunctionCode? {
                let text = field(3 /* 功能分类 */)
                if text.isEmpty {
                    if required { throw fail("“功能分类”为空；应填 \(digits) 位科目编码") }
                    return nil
                }
                guard text.utf8.count == digits, let code = FunctionCode(text) else {
                    throw fail("“功能分类”应为 \(digits) 位科目编码（\(digits == 7 ? "项级，如 2010101" : "类级，如 201")）", text)
                }
                return code
            }
            func mustBeEmpty(_ numbers: Int...) throws(InputError) {
                for number in numbers where !field(number).isEmpty {
                    throw fail("类型为“\(type)”的行不填“\(columns[number])”", field(number))
                }
            }
            switch typeIndex {
            case 0:  // 收入
                try mustBeEmpty(4, 6, 7, 8)  // 经济分类, 性质, 项目, 三公
                ledgers[at].postings.append(Posting(kind: .income, function: try function(digits: 7, required: true)!,
                                                    source: try source(required: true)!, amount: amount, line: line))
            case 1:  // 支出
                let code = try function(digits: 7, required: true)!
                let source = try source(required: true)!
                let natureText = field(6 /* 性质 */)
                guard let nature = match(natureText, natureTable) else {
                    throw fail("“性质”应为 \(Nature.allCases.map(\.rawValue).joined(separator: "、")) 之一", natureText)
                }
                if source.isFiscal && !(nature.isBasic || nature == .project) {
                    throw fail("财政拨款（\(source.rawValue)）支出只能是人员经费、公用经费或项目支出", natureText)
                }
                let economicText = field(4 /* 经济分类 */)
                var economic: EconomicCode?
                if !economicText.isEmpty {
                    guard economicText.utf8.count == 5, let code = EconomicCode(economicText) else {
                        throw fail("“经济分类”应为 5 位款级编码，如 30101", economicText)
                    }
                    economic = code
                } else if source == .generalBudget && nature.isBasic {
                    throw fail("一般公共预算财政拨款的\(nature.rawValue)须填“经济分类”（5 位款级编码），表6 按它列示")
                }
                let project = field(7 /* 项目 */)
                if nature == .project && project.isEmpty { throw fail("项目支出须填“项目”名称") }
                var threeCosts: ThreeCosts?, detail: String?
                let tag = field(8 /* 三公 */)
                if !tag.isEmpty {
                    let parts = tag.split(separator: "/", maxSplits: 1).map { String($0).trimmingSpaces() }
                    guard let category = match(parts[0], threeCostsTable) else {
                        throw fail("“三公”应为 \(ThreeCosts.allCases.map(\.rawValue).joined(separator: "、")) 之一（公务用车运行费可写明细，如“公务用车运行费/燃料费”）", tag)
                    }
                    if parts.count > 1 {
                        guard category == .vehicleRunning, !parts[1].isEmpty else { throw fail("只有公务用车运行费可写明细，写法如“公务用车运行费/燃料费”", tag) }
                        detail = parts[1]
                    }
                    guard source == .generalBudget else {
                        throw fail("“三公”经费表只反映一般公共预算财政拨款；\(source.rawValue)的支出不应标“三公”", tag)
                    }
                    threeCosts = category
                }
                ledgers[at].postings.append(Posting(kind: .expenditure, function: code, economic: economic, source: source,
                                                    nature: nature, project: project.isEmpty ? nil : project,
                                                    threeCosts: threeCosts, threeCostsDetail: detail, amount: amount, line: line))
            case 2, 3:  // 年初结转, 年末结转
                try mustBeEmpty(4, 6, 7, 8)  // 经济分类, 性质, 项目, 三公
                let source = try source(required: true)!
                let code = try function(digits: 7, required: source == .governmentFund)
                let balance = Balance(source: source, function: code, amount: amount, line: line)
                if typeIndex == 2 { ledgers[at].opening.append(balance) } else { ledgers[at].closing.append(balance) }
            case 4:  // 三公预算
                try mustBeEmpty(3, 4, 6, 7)  // 功能分类, 经济分类, 性质, 项目
                let tag = field(8 /* 三公 */)
                guard let category = match(tag, threeCostsTable) else {
                    throw fail("三公预算行的“三公”应为 \(ThreeCosts.allCases.map(\.rawValue).joined(separator: "、")) 之一", tag)
                }
                if let source = try source(required: false), source != .generalBudget {
                    throw fail("“三公”预算只含一般公共预算财政拨款", source.rawValue)
                }
                guard let sum = ledgers[at].threeCostsBudget[category, default: .zero].adding(amount) else { throw fail("金额累计超出可表示的范围", amountText) }
                ledgers[at].threeCostsBudget[category] = sum
            default:  // 年初预算
                try mustBeEmpty(4, 6, 7, 8)  // 经济分类, 性质, 项目, 三公
                if let source = try source(required: false), source != .generalBudget {
                    throw fail("年初预算行只记一般公共预算财政拨款支出的年初预算", source.rawValue)
                }
                guard ledgers[at].addInitialBudget(try function(digits: 3, required: true)!, amount) else {
                    throw fail("金额累计超出可表示的范围", amountText)
                }
            }
        }
        guard !ledgers.isEmpty else { throw InputError(file: file.name, line: 2, reason: "没有数据行") }
        return ledgers
    }
}
