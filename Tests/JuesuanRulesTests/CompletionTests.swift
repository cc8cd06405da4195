import JuesuanCore
import JuesuanImport
import JuesuanRules
import JuesuanTestSupport
import Testing

/// The cells a form computes by itself, from the rules (the formulas) and the code hierarchy.
@Suite("填报：由公式计算的格")
struct CompletionTests {
    @Test("the formulas of the rule catalogue: 表1 第27/30/57/60行, 表2 第1栏, 表4 第2栏, 表8 第6栏 — never a cross-table rule")
    func definitions() {
        var disclosure = Fixtures.consistent
        let computed = Completion.complete(&disclosure, rules: Fixtures.rules, catalog: Fixtures.catalog)
        for (table, row, column) in [(TableID.t1, RowKey.line(27), 1), (.t1, .line(30), 1), (.t1, .line(57), 2), (.t1, .line(60), 2),
                                     (.t4, .line(27), 1), (.t4, .line(32), 1), (.t4, .line(59), 3), (.t4, .line(40), 2)] {
            #expect(computed.contains(.init(table: table, row: row, column: column)), "\(table) \(row) \(column)")
        }
        // Typed cells stay typed: income sources, class lines of 表1 (they must agree with 表3, which is a check).
        for (table, row, column) in [(TableID.t1, RowKey.line(1), 1), (.t1, .line(31), 2), (.t1, .line(28), 1), (.t4, .line(1), 1)] {
            #expect(!computed.contains(.init(table: table, row: row, column: column)), "\(table) \(row) \(column)")
        }
        let code = FunctionCode("2010301")!
        #expect(computed.contains(.init(table: .t2, row: .function(code), column: 1)))
        #expect(!computed.contains(.init(table: .t2, row: .function(code), column: 2)))
        #expect(computed.contains(.init(table: .t2, row: .function(FunctionCode("20103")!), column: 2)), "款 = sum of its 项")
        #expect(computed.contains(.init(table: .t2, row: Completion.totalRow, column: 2)))
    }

    @Test("the example's typed cells alone give back every printed total, to the 分")
    func totalsFromParts() throws {
        let example = Fixtures.consistent
        var typed = example
        let computed = Completion.complete(&typed, rules: Fixtures.rules, catalog: Fixtures.catalog)
        // Blank every computed cell, and drop the 类/款 and 合计 rows: they must come back by themselves.
        for id in TableID.allCases {
            guard var table = typed[id] else { continue }
            let parents = Set(table.rows.compactMap { row -> String? in
                switch row.key {
                case .function(let code): code.parent?.digits
                case .economic(let code): code.parent?.digits
                default: nil
                }
            })
            table.rows = table.rows.compactMap { row in
                var row = row
                if case .function(let code) = row.key, parents.contains(code.digits) { return nil }
                if case .economic(let code) = row.key, parents.contains(code.digits) { return nil }
                if row.key == StandardLayout.personnelTotal || row.key == StandardLayout.publicTotal { return nil }
                if row.key == Completion.totalRow, Completion.codeTables.contains(id) { return nil }
                for column in row.cells.keys where computed.contains(.init(table: id, row: row.key, column: column)) { row.cells[column] = nil }
                return row
            }
            typed.tables[id] = table
        }
        var completed = typed
        Completion.complete(&completed, rules: Fixtures.rules, catalog: Fixtures.catalog)
        var compared = 0
        for id in TableID.allCases {
            let expected = try #require(example[id]), actual = try #require(completed[id])
            for row in expected.rows {
                let got = actual.row(row.key)
                #expect(got != nil, "\(id) 缺少行 \(row.key)")
                for (column, value) in row.cells {
                    #expect(got?.cells[column] == value, "\(id) \(row.key) 第\(column)栏：\(got?.cells[column]?.description ?? "空") ≠ \(value)")
                    compared += 1
                }
            }
        }
        #expect(compared > 150)
        #expect(Fixtures.checker.check(completed).filter { $0.severity == .error }.isEmpty)
    }

    @Test("a typo in a part moves the totals with it: the checks then see the typed cell against the other tables")
    func typoMovesTotals() {
        var disclosure = Fixtures.consistent
        var table = disclosure[.t1]!
        let index = table.rows.firstIndex { $0.key == .line(1) }!
        table.rows[index].cells[1] = Money(fen: 1_831_940_000)
        disclosure.tables[.t1] = table
        Completion.complete(&disclosure, rules: Fixtures.rules, catalog: Fixtures.catalog)
        #expect(disclosure[.t1]?.row(.line(27))?.cells[1] == Money(fen: 1_831_940_000))
        let rules = Set(Fixtures.checker.check(disclosure).filter { $0.severity == .error }.map(\.rule))
        #expect(!rules.contains("T1-R27"), "the total follows its parts")
        #expect(rules.contains("X-T4T1-1"))
    }
}
