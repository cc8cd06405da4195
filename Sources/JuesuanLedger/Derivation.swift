import JuesuanCore
import JuesuanImport

/// Derives a unit's nine tables and the figures Part 3 needs from its ledger.
///
/// Every amount stays in 分, so each printed formula of the nine tables holds exactly: a 类 is the sum
/// of its 款, a 合计 the sum of its 类, 表1 line 30 equals line 60, 表5 基本支出 equals 表6 人员经费 plus
/// 公用经费. Ledger rows that cannot be placed (a 类 outside 表1's 26 classes, an economic code whose
/// nature contradicts the posting, balances that do not close) are input errors with file and line.
public enum LedgerDerivation {
    /// The disclosure of `ledger`: the nine tables and the figures derivable from postings.
    public static func disclosure(_ ledger: Ledger, catalog: Catalog) throws(InputError) -> Disclosure {
        var work = Work(ledger: ledger, catalog: catalog)
        try work.post()
        return try work.disclosure()
    }

    /// `base` with the nine tables and the ledger's figures of `derived` in place: the unit's own
    /// facts (概况, 上年数, reasons, 名词解释, 重点工作, self-evaluation forms) are kept. Projects keep
    /// the purpose and results `base` wrote for them; the initial budget is kept when the ledger has none;
    /// a table the ledger leaves empty keeps the statement `base` printed for it.
    public static func merge(_ derived: Disclosure, onto base: Disclosure) -> Disclosure {
        var result = base
        result.tables = derived.tables
        for (id, table) in derived.tables where table.isEmpty {
            if let statement = base[id]?.emptyStatement { result.tables[id]?.emptyStatement = statement }
        }
        result.figures.projects = derived.figures.projects.map { project in
            var merged = project
            if let known = base.figures.projects.first(where: { $0.name.utf8.elementsEqual(project.name.utf8) }) {
                merged.purpose = known.purpose
                merged.results = known.results
            }
            return merged
        }
        result.figures.operatingCosts = derived.figures.operatingCosts
        result.figures.vehicleRunningDetails = derived.figures.vehicleRunningDetails
        if !derived.figures.initialBudget.isEmpty { result.figures.initialBudget = derived.figures.initialBudget }
        return result
    }

    /// Cells of one table keyed by row, checked for overflow.
    struct Cells {
        var rows: [RowKey: [Int: Int64]] = [:]
        var order: [RowKey] = []

        mutating func add(_ key: RowKey, _ column: Int, _ fen: Int64, at line: SourceLocation?) throws(InputError) {
            if rows[key] == nil { rows[key] = [:]; order.append(key) }
            let (sum, overflow) = rows[key]![column, default: 0].addingReportingOverflow(fen)
            guard !overflow else {
                throw InputError(file: line?.file ?? "账", line: line?.line, reason: "金额累计超出可表示的范围（\(key) 第\(column)栏）")
            }
            rows[key]![column] = sum
        }

        /// Amounts posted to each 项, rolled up to 款, 类 and 合计 by `rollUp()` (once per code rather
        /// than once per posting).
        var items: [FunctionCode: [Int64]] = [:]

        /// Adds `fen` to the 项 `code`; `rollUp()` later adds it to its 款, 类 and the 合计 row.
        mutating func addRolledUp(_ code: FunctionCode, _ column: Int, _ fen: Int64, at line: SourceLocation?) throws(InputError) {
            var values = items.removeValue(forKey: code) ?? Array(repeating: 0, count: 13)
            let (sum, overflow) = values[column].addingReportingOverflow(fen)
            guard !overflow else {
                throw InputError(file: line?.file ?? "账", line: line?.line, reason: "金额累计超出可表示的范围（\(code) 第\(column)栏）")
            }
            values[column] = sum
            items[code] = values
        }

        /// Adds every 项's amounts to its own row, its 款, its 类 and the 合计 row.
        mutating func rollUp() throws(InputError) {
            for (code, values) in items.sorted(by: { $0.key < $1.key }) {
                for column in 1..<values.count where values[column] != 0 {
                    try add(.total, column, values[column], at: nil)
                    var current: FunctionCode? = code
                    while let each = current {
                        try add(.function(each), column, values[column], at: nil)
                        current = each.parent
                    }
                }
            }
            items = [:]
        }

        func value(_ key: RowKey, _ column: Int) -> Int64 { rows[key]?[column] ?? 0 }
    }

    struct Work {
        let ledger: Ledger
        let catalog: Catalog
        var t1 = Cells(), t2 = Cells(), t3 = Cells(), t4 = Cells(), t5 = Cells(), t6 = Cells(), t7 = Cells(), t8 = Cells(), t9 = Cells()
        var income: [FundSource: Int64] = [:], spending: [FundSource: Int64] = [:], opening: [FundSource: Int64] = [:]
        var fundByCode: [FunctionCode: (opening: Int64, income: Int64, spending: Int64)] = [:]
        var projects: [(String, Int64)] = []
        var vehicleDetails: [(String, Int64)] = []

        init(ledger: Ledger, catalog: Catalog) {
            self.ledger = ledger
            self.catalog = catalog
        }

        func fail(_ line: SourceLocation?, _ reason: String, _ value: String? = nil) -> InputError {
            InputError(file: line?.file ?? ledger.file ?? ledger.unit, line: line?.line, value: value, reason: reason)
        }

        static func add(_ a: inout Int64, _ b: Int64) -> Bool {
            let (sum, overflow) = a.addingReportingOverflow(b)
            a = sum
            return !overflow
        }

        /// Class positions of the 项 seen so far (one dictionary lookup per posting).
        var positions: [FunctionCode: Int] = [:]

        mutating func classPosition(_ code: FunctionCode, _ line: SourceLocation?) throws(InputError) -> Int {
            if let known = positions[code] { return known }
            guard let position = catalog.position(of: code) else {
                throw fail(line, "功能分类 \(code) 所属的类 \(code.category) 不在表1 所列的支出功能分类之中", code.digits)
            }
            positions[code] = position
            return position
        }

        mutating func post() throws(InputError) {
            for posting in ledger.postings {
                let fen = posting.amount.fen, line = posting.line, code = posting.function
                let position = try classPosition(code, line)
                switch posting.kind {
                case .income:
                    guard Self.add(&income[posting.source, default: 0], fen) else { throw fail(line, "金额累计超出可表示的范围") }
                    try t1.add(.line(posting.source.incomeLine), 1, fen, at: line)
                    try t2.addRolledUp(code, 1, fen, at: line)
                    try t2.addRolledUp(code, posting.source.incomeColumn, fen, at: line)
                    if posting.source.isFiscal { try t4.add(.line(posting.source.incomeLine), 1, fen, at: line) }
                    if posting.source == .governmentFund {
                        try t8.addRolledUp(code, 2, fen, at: line)
                        guard Self.add(&fundByCode[code, default: (0, 0, 0)].income, fen) else { throw fail(line, "金额累计超出可表示的范围") }
                    }
                case .expenditure:
                    guard let nature = posting.nature else { throw fail(line, "支出缺少“性质”") }
                    guard Self.add(&spending[posting.source, default: 0], fen) else { throw fail(line, "金额累计超出可表示的范围") }
                    try t1.add(.line(30 + position), 2, fen, at: line)
                    try t3.addRolledUp(code, 1, fen, at: line)
                    try t3.addRolledUp(code, nature.expenditureColumn, fen, at: line)
                    if let column = posting.source.fiscalColumn {
                        try t4.add(.line(32 + position), 2, fen, at: line)
                        try t4.add(.line(32 + position), column, fen, at: line)
                    }
                    let basicOrProject = nature.isBasic ? 2 : 3
                    switch posting.source {
                    case .generalBudget:
                        try t5.addRolledUp(code, 1, fen, at: line)
                        try t5.addRolledUp(code, basicOrProject, fen, at: line)
                        if nature.isBasic { try postBasic(posting, nature: nature) }
                        if nature == .project, let name = posting.project {
                            if let index = projects.firstIndex(where: { $0.0.utf8.elementsEqual(name.utf8) }) { projects[index].1 = try fit(Int128(projects[index].1) + Int128(fen)) } else { projects.append((name, fen)) }
                        }
                        if let category = posting.threeCosts {
                            try t7.add(StandardLayout.singleRow, category.budgetColumn + 6, fen, at: line)
                            if category == .vehicleRunning {
                                let detail = posting.threeCostsDetail ?? "其他"
                                if let index = vehicleDetails.firstIndex(where: { $0.0.utf8.elementsEqual(detail.utf8) }) { vehicleDetails[index].1 = try fit(Int128(vehicleDetails[index].1) + Int128(fen)) } else { vehicleDetails.append((detail, fen)) }
                            }
                        }
                    case .governmentFund:
                        try t8.addRolledUp(code, 3, fen, at: line)
                        try t8.addRolledUp(code, 3 + (nature.isBasic ? 1 : 2), fen, at: line)
                        guard Self.add(&fundByCode[code, default: (0, 0, 0)].spending, fen) else { throw fail(line, "金额累计超出可表示的范围") }
                    case .stateCapital:
                        try t9.addRolledUp(code, 1, fen, at: line)
                        try t9.addRolledUp(code, basicOrProject, fen, at: line)
                    default:
                        break
                    }
                }
            }
            for balance in ledger.opening {
                guard Self.add(&opening[balance.source, default: 0], balance.amount.fen) else { throw fail(balance.line, "金额累计超出可表示的范围") }
                if balance.source == .governmentFund, let code = balance.function {
                    _ = try classPosition(code, balance.line)
                    try t8.addRolledUp(code, 1, balance.amount.fen, at: balance.line)
                    guard Self.add(&fundByCode[code, default: (0, 0, 0)].opening, balance.amount.fen) else { throw fail(balance.line, "金额累计超出可表示的范围") }
                }
            }
        }

        /// 表6: an 一般公共预算 基本支出 posting under its economic 款 and 类.
        mutating func postBasic(_ posting: Posting, nature: Nature) throws(InputError) {
            guard let economic = posting.economic else {
                throw fail(posting.line, "一般公共预算财政拨款的\(nature.rawValue)须填“经济分类”")
            }
            guard let class_ = economic.parent, let catalogNature = catalog.nature(of: economic) else {
                throw fail(posting.line, "经济分类 \(economic) 所属的类不在经济分类科目表中，无法判断是人员经费还是公用经费", economic.digits)
            }
            let expected: ExpenseNature = nature == .personnel ? .personnel : .publicUse
            guard catalogNature == expected else {
                throw fail(posting.line, "经济分类 \(economic)（\(catalog.economicNames[economic] ?? class_.digits)）属\(catalogNature.rawValue)，与本行的性质“\(nature.rawValue)”不符", economic.digits)
            }
            try t6.add(.economic(class_), 1, posting.amount.fen, at: posting.line)
            try t6.add(.economic(economic), 1, posting.amount.fen, at: posting.line)
            try t6.add(expected == .personnel ? StandardLayout.personnelTotal : StandardLayout.publicTotal, 1, posting.amount.fen, at: posting.line)
        }

        /// `value` as Int64 分, or an input error when a unit's totals leave the representable range.
        func fit(_ value: Int128) throws(InputError) -> Int64 {
            guard let fen = Int64(exactly: value) else { throw fail(nil, "单位“\(ledger.unit)”的金额累计超出可表示的范围") }
            return fen
        }

        /// Closing balance of each source: stated ones must equal opening + income − spending.
        mutating func closing() throws(InputError) -> [FundSource: Int64] {
            var result: [FundSource: Int64] = [:]
            for source in FundSource.allCases {
                let derived = try fit(Int128(opening[source, default: 0]) + Int128(income[source, default: 0]) - Int128(spending[source, default: 0]))
                let stated = ledger.closing.filter { $0.source == source }
                if let first = stated.first {
                    let total = try fit(stated.reduce(Int128(0)) { $0 + Int128($1.amount.fen) })
                    guard total == derived else {
                        throw fail(first.line, "\(source.rawValue)的年末结转和结余填为 \(Money(fen: total).formatted(unit: .yuan)) 元，而年初结转和结余 \(Money(fen: opening[source, default: 0]).formatted(unit: .yuan)) ＋ 本年收入 \(Money(fen: income[source, default: 0]).formatted(unit: .yuan)) － 本年支出 \(Money(fen: spending[source, default: 0]).formatted(unit: .yuan)) ＝ \(Money(fen: derived).formatted(unit: .yuan)) 元")
                    }
                }
                guard derived >= 0 else {
                    throw fail(ledger.postings.first { $0.source == source && $0.kind == .expenditure }?.line,
                               "单位“\(ledger.unit)”\(source.rawValue)的本年支出 \(Money(fen: spending[source, default: 0]).formatted(unit: .yuan)) 元超过年初结转和结余与本年收入之和 \(Money(fen: opening[source, default: 0] + income[source, default: 0]).formatted(unit: .yuan)) 元")
                }
                if derived != 0 { result[source] = derived }
            }
            // 表8 prints the 政府性基金 balance of each 项: stated ones must close too.
            let statedFund = ledger.closing.filter { $0.source == .governmentFund }
            var statedByCode: [FunctionCode: Int64] = [:]
            for balance in statedFund {
                if let code = balance.function {
                    statedByCode[code] = try fit(Int128(statedByCode[code, default: 0]) + Int128(balance.amount.fen))
                }
            }
            for (code, flows) in fundByCode.sorted(by: { $0.key < $1.key }) {
                let derived = try fit(Int128(flows.opening) + Int128(flows.income) - Int128(flows.spending))
                if !statedFund.isEmpty, statedByCode[code, default: 0] != derived {
                    let line = statedFund.first { $0.function == code }?.line ?? statedFund[0].line
                    throw fail(line, "政府性基金 \(code) 的年末结转和结余填为 \(Money(fen: statedByCode[code, default: 0]).formatted(unit: .yuan)) 元，而按年初、收入、支出算得 \(Money(fen: derived).formatted(unit: .yuan)) 元", code.digits)
                }
                guard derived >= 0 else {
                    throw fail(ledger.postings.first { $0.source == .governmentFund && $0.function == code && $0.kind == .expenditure }?.line,
                               "政府性基金 \(code) 的本年支出超过该科目年初结转和结余与本年收入之和", code.digits)
                }
                if derived != 0 {
                    var current: FunctionCode? = code
                    while let each = current { try t8.add(.function(each), 6, derived, at: nil); current = each.parent }
                    try t8.add(.total, 6, derived, at: nil)
                }
            }
            for code in statedByCode.keys where fundByCode[code] == nil && statedByCode[code] != 0 {
                throw fail(statedFund.first { $0.function == code }?.line, "政府性基金 \(code) 填了年末结转和结余，却没有年初结转、收入或支出", code.digits)
            }
            return result
        }

        mutating func disclosure() throws(InputError) -> Disclosure {
            for index in 0..<5 {
                switch index {
                case 0: try t2.rollUp()
                case 1: try t3.rollUp()
                case 2: try t5.rollUp()
                case 3: try t8.rollUp()
                default: try t9.rollUp()
                }
            }
            let closing = try closing()
            let fiscal = FundSource.allCases.filter(\.isFiscal)
            // 表1 totals.
            func total(_ values: [Int64]) throws(InputError) -> Int64 { try fit(values.reduce(Int128(0)) { $0 + Int128($1) }) }
            let incomeTotal = try total(FundSource.allCases.map { income[$0, default: 0] })
            let spendingTotal = try total(FundSource.allCases.map { spending[$0, default: 0] })
            let openingTotal = try total(FundSource.allCases.map { opening[$0, default: 0] })
            let closingTotal = try total(Array(closing.values))
            try t1.add(.line(27), 1, incomeTotal, at: nil)
            try t1.add(.line(29), 1, openingTotal, at: nil)
            try t1.add(.line(30), 1, try total([incomeTotal, openingTotal]), at: nil)
            try t1.add(.line(57), 2, spendingTotal, at: nil)
            try t1.add(.line(59), 2, closingTotal, at: nil)
            try t1.add(.line(60), 2, try total([spendingTotal, closingTotal]), at: nil)
            // 表4 totals.
            let fiscalIncome = try total(fiscal.map { income[$0, default: 0] })
            let fiscalOpening = try total(fiscal.map { opening[$0, default: 0] })
            try t4.add(.line(27), 1, fiscalIncome, at: nil)
            for source in fiscal { try t4.add(.line(28 + source.incomeLine), 1, opening[source, default: 0], at: nil) }
            try t4.add(.line(28), 1, fiscalOpening, at: nil)
            try t4.add(.line(32), 1, try total([fiscalIncome, fiscalOpening]), at: nil)
            for source in fiscal {
                let column = source.fiscalColumn!
                let spent = spending[source, default: 0], left = closing[source, default: 0]
                for (line, fen) in [(59, spent), (60, left), (64, try total([spent, left]))] {
                    try t4.add(.line(line), 2, fen, at: nil)
                    try t4.add(.line(line), column, fen, at: nil)
                }
            }
            // 表7 subtotals.
            for (budget, category) in ThreeCosts.allCases.map({ ($0, $0.budgetColumn) }) {
                try t7.add(StandardLayout.singleRow, category, ledger.threeCostsBudget[budget]?.fen ?? 0, at: nil)
            }
            for offset in [0, 6] {
                let row = StandardLayout.singleRow
                let vehicle = try total([t7.value(row, 4 + offset), t7.value(row, 5 + offset)])
                try t7.add(row, 3 + offset, vehicle, at: nil)
                try t7.add(row, 1 + offset, try total([t7.value(row, 2 + offset), vehicle, t7.value(row, 6 + offset)]), at: nil)
            }
            try t6.add(StandardLayout.personnelTotal, 1, 0, at: nil)
            try t6.add(StandardLayout.publicTotal, 1, 0, at: nil)

            var disclosure = Disclosure(unit: ledger.unit, year: ledger.year, source: ledger.file)
            disclosure.tables[.t1] = linesTable(.t1, t1, lines: 60)
            disclosure.tables[.t4] = linesTable(.t4, t4, lines: 64)
            for (id, cells) in [(TableID.t2, t2), (.t3, t3), (.t5, t5), (.t8, t8), (.t9, t9)] {
                disclosure.tables[id] = codeTable(id, cells)
            }
            disclosure.tables[.t6] = economicTable(t6)
            disclosure.tables[.t7] = table(.t7, [TableRow(key: StandardLayout.singleRow, label: "决算", cells: money(t7.rows[StandardLayout.singleRow] ?? [:]))])

            var figures = NarrativeFigures()
            figures.projects = projects.map { ProjectSpending(name: $0.0, amount: Money(fen: $0.1)) }
            figures.operatingCosts = NamedAmount(name: "机关运行经费", amount: Money(fen: t6.value(StandardLayout.publicTotal, 1)))
            figures.vehicleRunningDetails = vehicleDetails.map { NamedAmount(name: $0.0, amount: Money(fen: $0.1)) }
            if !ledger.initialBudget.isEmpty {
                for (code, amount) in ledger.initialBudget {
                    figures.initialBudget[code.digits] = NamedAmount(name: code.digits, amount: amount)
                }
                let sum = try total(ledger.initialBudget.map(\.1.fen))
                figures.initialBudget["合计"] = NamedAmount(name: "合计", amount: Money(fen: sum))
            }
            disclosure.figures = figures
            return disclosure
        }

        func money(_ cells: [Int: Int64]) -> [Int: Money] {
            cells.compactMapValues { $0 == 0 ? nil : Money(fen: $0) }
        }

        func table(_ id: TableID, _ rows: [TableRow]) -> Table {
            var table = Table(id: id, title: StandardLayout.title(id, year: ledger.year), department: ledger.unit,
                              columns: StandardLayout.columns(id), rows: rows, notes: StandardLayout.notes(id))
            if table.isEmpty, [.t7, .t8, .t9].contains(id) {
                let subject = switch id {
                case .t7: "一般公共预算财政拨款安排的“三公”经费"
                case .t8: "政府性基金预算财政拨款收入支出"
                default: "国有资本经营预算财政拨款支出"
                }
                table.emptyStatement = "\(ledger.year)年度\(ledger.unit)无\(subject)。"
            }
            return table
        }

        func linesTable(_ id: TableID, _ cells: Cells, lines: Int) -> Table {
            let rows = (1...lines).map { line in
                TableRow(key: .line(line), label: catalog.lineLabel(line, in: id), cells: money(cells.rows[.line(line)] ?? [:]))
            }
            return table(id, rows)
        }

        /// Rows in print order: 合计, then by 类 in 表1 order, each 类 followed by its 款 and 项.
        func codeTable(_ id: TableID, _ cells: Cells) -> Table {
            let codes = cells.order.compactMap { key -> FunctionCode? in
                if case .function(let code) = key, cells.rows[key]?.values.contains(where: { $0 != 0 }) == true { return code }
                return nil
            }
            let sorted = catalog.printOrder(codes)
            let rows = [TableRow(key: .total, label: "合计", cells: money(cells.rows[.total] ?? [:]))]
                + sorted.map { TableRow(key: .function($0), label: catalog.functionNames[$0] ?? $0.digits, cells: money(cells.rows[.function($0)] ?? [:])) }
            return table(id, rows)
        }

        /// 表6: 人员经费 类 (301, 303) with their 款, then 公用经费 类, then the two totals.
        func economicTable(_ cells: Cells) -> Table {
            let codes = cells.order.compactMap { key -> EconomicCode? in
                if case .economic(let code) = key { return code }
                return nil
            }
            let sorted = catalog.printOrder(codes)
            let rows = sorted.map { TableRow(key: .economic($0), label: catalog.economicNames[$0] ?? $0.digits, cells: money(cells.rows[.economic($0)] ?? [:])) }
                + [StandardLayout.personnelTotal, StandardLayout.publicTotal].map {
                    TableRow(key: $0, label: $0.description, cells: money(cells.rows[$0] ?? [:]))
                }
            return table(.t6, rows)
        }
    }
}
