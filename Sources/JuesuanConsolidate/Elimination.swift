import JuesuanCore

/// Elimination of transfers inside a consolidated group (内部往来抵销): what the group's units
/// received from their superior inside the group (上级补助收入) against what the superiors paid to
/// their subordinate units (对附属单位补助支出). Both are classified by the function code of the
/// spending, so they are matched code by code: at each 项 the smaller of the two is taken off
/// 表2 栏3, 表3 栏6, their totals and parents, and 表1's income line 4, expenditure class line,
/// 本年合计 and 总计 lines — so every table formula still holds after elimination.
public struct Elimination: Hashable, Sendable {
    /// The group's 上级补助收入 before elimination (表2 合计 栏3).
    public var received: Money
    /// The group's 对附属单位补助支出 before elimination (表3 合计 栏6).
    public var paid: Money
    /// What was eliminated, by 项 code, in code order.
    public var byCode: [(code: FunctionCode, amount: Money)]

    /// The total eliminated.
    public var total: Money { byCode.reduce(.zero) { $0 + $1.amount } }

    public static func == (lhs: Elimination, rhs: Elimination) -> Bool {
        lhs.received == rhs.received && lhs.paid == rhs.paid
            && lhs.byCode.map(\.code) == rhs.byCode.map(\.code) && lhs.byCode.map(\.amount) == rhs.byCode.map(\.amount)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(received)
        hasher.combine(paid)
        for item in byCode { hasher.combine(item.code); hasher.combine(item.amount) }
    }
}

extension Consolidation {
    static let receivedColumn = 3  // 表2 上级补助收入
    static let paidColumn = 6      // 表3 对附属单位补助支出

    /// Eliminates the group's internal transfers from a consolidated disclosure, in place.
    public static func eliminateInternalTransfers(_ disclosure: inout Disclosure, catalog: Catalog) -> Elimination {
        guard var t2 = disclosure[.t2], var t3 = disclosure[.t3] else {
            return Elimination(received: .zero, paid: .zero, byCode: [])
        }
        var result = Elimination(received: t2.amount(.total, column: receivedColumn), paid: t3.amount(.total, column: paidColumn), byCode: [])
        let codes = t2.rows.compactMap { row -> FunctionCode? in if case .function(let code) = row.key { code } else { nil } }
        let leaves = codes.filter { code in !codes.contains { $0 != code && $0.digits.hasPrefix(code.digits) } }
        for code in leaves.sorted() {
            let amount = min(t2.amount(.function(code), column: receivedColumn), t3.amount(.function(code), column: paidColumn))
            guard amount > .zero else { continue }
            result.byCode.append((code, amount))
            var ancestors: [RowKey] = [.total]
            var current: FunctionCode? = code
            while let each = current { ancestors.append(.function(each)); current = each.parent }
            for key in ancestors {
                subtract(amount, from: &t2, row: key, columns: [1, receivedColumn])
                subtract(amount, from: &t3, row: key, columns: [1, paidColumn])
            }
            if var t1 = disclosure[.t1] {
                for line in [4, 27, 30] { subtract(amount, from: &t1, row: .line(line), columns: [1]) }
                var classLines = [57, 60]
                if let position = catalog.position(of: code), let line = StandardLayout.classLine(position: position, in: .t1) {
                    classLines.append(line)
                }
                for line in classLines { subtract(amount, from: &t1, row: .line(line), columns: [2]) }
                disclosure.tables[.t1] = t1
            }
        }
        t2.rows.removeAll { $0.key != .total && $0.cells.isEmpty }
        t3.rows.removeAll { $0.key != .total && $0.cells.isEmpty }
        disclosure.tables[.t2] = t2
        disclosure.tables[.t3] = t3
        return result
    }

    /// Takes `amount` off the cells of `row`; a cell that comes to zero becomes blank, as printed.
    static func subtract(_ amount: Money, from table: inout Table, row key: RowKey, columns: [Int]) {
        guard let index = table.rows.firstIndex(where: { $0.key == key }) else { return }
        for column in columns {
            let value = table.rows[index][column: column] - amount
            table.rows[index].cells[column] = value == .zero ? nil : value
        }
    }
}
