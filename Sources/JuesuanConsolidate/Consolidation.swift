import JuesuanCore

/// 汇总: sums the disclosures of many units into one — the nine tables cell by cell, the "三公"
/// and other narrative figures by key. Money stays in integer 分, so a consolidated cell is exactly
/// the sum of the units' cells.
///
/// Not consolidated (yet): the self-evaluation forms and the units' own prose (reasons, 名词解释,
/// 重点工作); the consolidated disclosure leaves them empty.
/// Why units could not be summed.
public struct ConsolidationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Where the sum left the range of Int64 分, in Chinese.
    public var place: String
    public init(place: String) { self.place = place }
    public var description: String { "\(place)：汇总金额超出可表示的范围（约 9.2 京分）" }
}

public enum Consolidation {
    /// The units' sum, named `name`: every row any unit prints, each cell the sum of the units' cells
    /// (a cell blank in every unit stays blank).
    /// With a `catalog`, function codes are ordered by 表1's class order; without one, classes come in
    /// the order the units first print them.
    public static func sum(_ units: [Disclosure], name: String, catalog: Catalog? = nil) throws(ConsolidationError) -> Disclosure {
        let year = units.first?.year ?? 0
        var result = Disclosure(unit: name, year: year)
        for id in TableID.allCases {
            let tables = units.compactMap { $0[id] }
            guard !tables.isEmpty else { continue }
            result.tables[id] = try sum(tables, id: id, department: name, year: year, catalog: catalog)
        }
        result.figures = try sum(units.map(\.figures))
        result.overview = Overview(composition: "本汇总由 \(units.count) 个单位的部门决算相加而成。",
                                   staffing: try sumCounts(units.map(\.overview.staffing), place: "人员"))
        return result
    }

    /// The sum of sums: `partials` are `sum`s of consecutive runs of units (in order), `units` how many units they
    /// hold in all. The same as `sum` of all the units at once — cells add; a row, a label, a class of codes and a
    /// named item is placed where it was first seen, and a run's sum keeps that order — so a 主管部门 of thousands of
    /// units re-sums only the run in which a version changed (`JuesuanConsolidateTests` compares both on seeded units).
    public static func combine(_ partials: [Disclosure], units: Int, name: String, catalog: Catalog? = nil) throws(ConsolidationError) -> Disclosure {
        var result = try sum(partials, name: name, catalog: catalog)
        result.overview.composition = "本汇总由 \(units) 个单位的部门决算相加而成。"
        return result
    }

    /// `a + b`, or an error naming `place` when it does not fit.
    static func add(_ a: Money, _ b: Money, _ place: @autoclosure () -> String) throws(ConsolidationError) -> Money {
        guard let sum = a.adding(b) else { throw ConsolidationError(place: place()) }
        return sum
    }

    static func sum(_ tables: [Table], id: TableID, department: String, year: Int, catalog: Catalog? = nil) throws(ConsolidationError) -> Table {
        var seen: [RowKey: Int] = [:]
        var labels: [RowKey: String] = [:]
        var cells: [RowKey: [Int: Money]] = [:]
        var classRank: [Substring: Int] = [:]
        var trailing: Set<RowKey> = []  // named rows first printed after the codes (表6 人员经费合计)
        for table in tables {
            for row in table.rows {
                if seen[row.key] == nil {
                    seen[row.key] = seen.count
                    if case .named = row.key, cells.keys.contains(where: { codeDigits($0) != nil }) { trailing.insert(row.key) }
                    labels[row.key] = row.label
                    if let digits = codeDigits(row.key), classRank[digits.prefix(3)] == nil {
                        classRank[digits.prefix(3)] = classRank.count
                    }
                }
                // Added in place (taking the row's sums out and putting them back copied them for every unit).
                try accumulate(&cells[row.key, default: [:]], row.cells, id: id, key: row.key)
            }
        }
        // Print order: named rows (合计 …) as first seen, then 行次 in order, then codes by class
        // (in the order the classes were first seen: 表6 prints 301, 303 before 302) and, within a
        // class, by digits, which puts every 款 and 项 under its parent; last, the named rows printed
        // after the codes.
        func sortKey(_ key: RowKey) -> (Int, Int, String) {
            switch key {
            case .named: return (trailing.contains(key) ? 3 : 0, seen[key] ?? 0, "")
            case .line(let number): return (1, number, "")
            case .function(let code):
                if let position = catalog?.position(of: code) { return (2, position, code.digits) }
                return (2, 100 + (classRank[code.digits.prefix(3)] ?? 0), code.digits)
            case .economic(let code):
                if let catalog, let classNumber = Int(code.digits.prefix(3)) {
                    // 表6: 人员经费 classes (301, 303) first, then the others, as `Catalog.printOrder`.
                    return (2, (catalog.nature(of: code) == .personnel ? 0 : 1000) + classNumber, code.digits)
                }
                return (2, classRank[code.digits.prefix(3)] ?? 0, code.digits)
            }
        }
        let order = seen.keys.sorted { sortKey($0) < sortKey($1) }
        let first = tables[0]
        let rows = order.map { TableRow(key: $0, label: labels[$0] ?? $0.description, cells: cells[$0] ?? [:]) }
        var table = Table(id: id, title: StandardLayout.title(id, year: year), department: department, unit: first.unit,
                          columns: first.columns, rows: rows, notes: first.notes)
        if table.isEmpty { table.emptyStatement = "\(year)年度\(department)无\(emptySubject(id))。" }
        return table
    }

    static func accumulate(_ sum: inout [Int: Money], _ cells: [Int: Money], id: TableID, key: RowKey) throws(ConsolidationError) {
        for (column, amount) in cells {
            sum[column] = try add(sum[column] ?? .zero, amount, "\(id) \(key) 第\(column)栏")
        }
    }

    static func codeDigits(_ key: RowKey) -> String? {
        switch key {
        case .function(let code): code.digits
        case .economic(let code): code.digits
        default: nil
        }
    }

    static func emptySubject(_ id: TableID) -> String {
        switch id {
        case .t8: "政府性基金预算财政拨款收入支出"
        case .t9: "国有资本经营预算财政拨款支出"
        case .t7: "“三公”经费支出"
        default: StandardLayout.titleStem(id)
        }
    }

    static func sum(_ figures: [NarrativeFigures]) throws(ConsolidationError) -> NarrativeFigures {
        var result = NarrativeFigures()
        for unit in figures {
            try add(unit.priorYear, to: &result.priorYear, place: "上年")
            try add(unit.initialBudget, to: &result.initialBudget, place: "年初预算")
            try add(unit.procurement, to: &result.procurement, place: "政府采购")
            for (key, count) in unit.officialCounts {
                let (total, overflow) = result.officialCounts[key, default: 0].addingReportingOverflow(count)
                guard !overflow else { throw ConsolidationError(place: "三公 \(key)") }
                result.officialCounts[key] = total
            }
            if let costs = unit.operatingCosts {
                result.operatingCosts = NamedAmount(name: costs.name, amount: try add(result.operatingCosts?.amount ?? .zero, costs.amount, "机关运行经费"))
            }
            for detail in unit.vehicleRunningDetails {
                if let index = result.vehicleRunningDetails.firstIndex(where: { $0.name == detail.name }) {
                    result.vehicleRunningDetails[index].amount = try add(result.vehicleRunningDetails[index].amount, detail.amount, "公务用车运行费 \(detail.name)")
                } else {
                    result.vehicleRunningDetails.append(NamedAmount(name: detail.name, amount: detail.amount))
                }
            }
        }
        result.assets = try sumCounts(figures.map(\.assets), place: "国有资产")
        return result
    }

    static func add(_ amounts: [String: NamedAmount], to total: inout [String: NamedAmount], place: String) throws(ConsolidationError) {
        for (key, value) in amounts {
            total[key] = NamedAmount(name: value.name, amount: try add(total[key]?.amount ?? .zero, value.amount, "\(place) \(key)"))
        }
    }

    static func sumCounts(_ lists: [[Headcount]], place: String) throws(ConsolidationError) -> [Headcount] {
        var result: [Headcount] = []
        for list in lists {
            for item in list {
                if let index = result.firstIndex(where: { $0.label == item.label }) {
                    let (total, overflow) = result[index].count.addingReportingOverflow(item.count)
                    guard !overflow else { throw ConsolidationError(place: "\(place) \(item.label)") }
                    result[index].count = total
                } else {
                    result.append(Headcount(label: item.label, count: item.count))
                }
            }
        }
        return result
    }
}
