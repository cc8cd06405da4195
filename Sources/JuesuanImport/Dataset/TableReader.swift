import Foundation
import JuesuanCore

/// Reads one table CSV of a dataset folder into a `Table`.
///
/// Formats (see docs/dataset.md): 表1 and 表4 by 行次; 表2, 表3, 表5, 表8, 表9 by 功能分类科目编码 with a
/// 合计 row; 表6 by 经济分类科目编码 with 人员经费合计 and 公用经费合计; 表7 one line per 栏次.
public enum TableReader {
    /// Reads `file` as table `id` of `department`'s `year` disclosure.
    public static func read(_ file: CSVFile, id: TableID, year: Int, department: String) throws(InputError) -> Table {
        let columns = StandardLayout.columns(id)
        var table = Table(id: id, title: StandardLayout.title(id, year: year), department: department,
                          columns: columns, rows: [], notes: StandardLayout.notes(id))
        switch StandardLayout.rowKind(id) {
        case .lines: table.rows = try readLines(file, id: id, columns: columns)
        case .functionCodes: table.rows = try readCodes(file, columns: columns, economic: false)
        case .economicCodes: table.rows = try readCodes(file, columns: columns, economic: true)
        case .single: table.rows = [try readSingle(file, columns: columns)]
        }
        return table
    }

    // MARK: Header mapping

    /// Maps header positions to 栏次 for amount columns; identifying columns are excluded.
    static func amountColumns(_ file: CSVFile, columns: [TableColumn], identifying: Set<Int>) throws(InputError) -> [(index: Int, number: Int)] {
        var mapped: [(Int, Int)] = []
        var used = Set<Int>()
        for (index, heading) in file.header.enumerated() where !identifying.contains(index) {
            let compact = heading.replacingOccurrences(of: " ", with: "")
            let match = columns.first { column in
                !used.contains(column.number) &&
                    (compact == column.name || compact == column.groups.joined() + column.name ||
                     compact == "栏\(column.number)" || compact == "\(column.number)")
            }
            guard let match else {
                let expected = columns.map { $0.name }.joined(separator: "、")
                throw InputError(file: file.name, line: 1, value: heading, reason: "表头中的这一列无法对应到表的栏次（应为：\(expected)，或写作“栏1”“栏2”…）")
            }
            used.insert(match.number)
            mapped.append((index, match.number))
        }
        return mapped
    }

    static func amount(_ text: String, file: CSVFile, line: Int, column: String) throws(InputError) -> Money? {
        guard !text.isEmpty else { return nil }
        do {
            return try MoneyParser.parse(text, unit: .wan).money
        } catch {
            throw InputError(file: file.name, line: line, value: text, reason: "“\(column)”栏的金额无法识别：\(error.description)")
        }
    }

    // MARK: Row kinds

    static func readLines(_ file: CSVFile, id: TableID, columns: [TableColumn]) throws(InputError) -> [TableRow] {
        guard let lineColumn = file.column("行次") else {
            throw InputError(file: file.name, line: 1, value: file.header.joined(separator: ","), reason: "表头缺少“行次”列")
        }
        let labelColumn = file.column("项目", "项目名称")
        let maxLine = id == .t1 ? 60 : 64
        // "决算数" means 栏1 on the income side and the first expenditure column on the other side.
        var identifying: Set<Int> = [lineColumn]
        if let labelColumn { identifying.insert(labelColumn) }
        let amountIndex = file.column("决算数")
        if let amountIndex { identifying.insert(amountIndex) }
        let others = try amountColumns(file, columns: columns.filter { $0.side == .expenditure }.dropFirst(amountIndex == nil ? 0 : 1).map { $0 },
                                       identifying: identifying)
        var seen: [Int: Int] = [:]
        var rows: [TableRow] = []
        for record in file.records {
            guard let number = Int(record[lineColumn]), (1...maxLine).contains(number) else {
                throw InputError(file: file.name, line: record.line, value: record[lineColumn], reason: "行次应为 1 到 \(maxLine) 的整数")
            }
            if let previous = seen[number] {
                throw InputError(file: file.name, line: record.line, value: record[lineColumn], reason: "行次重复（第 \(previous) 行已有此行次）")
            }
            seen[number] = record.line
            let side = StandardLayout.side(of: number, in: id)
            var cells: [Int: Money] = [:]
            if let amountIndex {
                let target = side == .income ? 1 : (columns.first { $0.side == .expenditure }?.number ?? 2)
                if let value = try amount(record[amountIndex], file: file, line: record.line, column: "决算数") {
                    cells[target] = value
                }
            }
            for (index, columnNumber) in others {
                guard let value = try amount(record[index], file: file, line: record.line, column: file.header[index]) else { continue }
                if side == .income {
                    throw InputError(file: file.name, line: record.line, value: record[index],
                                     reason: "收入方第 \(number) 行只有“决算数”一栏，不能填在“\(file.header[index])”栏")
                }
                cells[columnNumber] = value
            }
            let label = labelColumn.map { record[$0] } ?? ""
            rows.append(TableRow(key: .line(number), label: label, cells: cells,
                                 source: SourceLocation(file: file.name, line: record.line)))
        }
        return rows
    }

    static func readCodes(_ file: CSVFile, columns: [TableColumn], economic: Bool) throws(InputError) -> [TableRow] {
        guard let codeColumn = file.column("编码", "科目编码", "功能分类科目编码", "经济分类科目编码") else {
            throw InputError(file: file.name, line: 1, value: file.header.joined(separator: ","), reason: "表头缺少“编码”列")
        }
        guard let nameColumn = file.column("科目名称", "项目", "名称") else {
            throw InputError(file: file.name, line: 1, value: file.header.joined(separator: ","), reason: "表头缺少“科目名称”列")
        }
        let mapped = try amountColumns(file, columns: columns, identifying: [codeColumn, nameColumn])
        var seen: [RowKey: Int] = [:]
        var rows: [TableRow] = []
        for record in file.records {
            let codeText = record[codeColumn]
            let name = record[nameColumn]
            let key: RowKey
            if codeText.isEmpty {
                let compact = name.replacingOccurrences(of: " ", with: "")
                let allowed = economic ? ["人员经费合计", "公用经费合计"] : ["合计"]
                guard allowed.contains(compact) else {
                    throw InputError(file: file.name, line: record.line, value: name,
                                     reason: "缺少科目编码；只有\(allowed.map { "“\($0)”" }.joined(separator: "、"))行可以不填编码")
                }
                key = .named(compact)
            } else if economic {
                guard let code = EconomicCode(codeText) else {
                    throw InputError(file: file.name, line: record.line, value: codeText, reason: "经济分类科目编码应为 3 位（类）或 5 位（款）数字")
                }
                key = .economic(code)
            } else {
                guard let code = FunctionCode(codeText) else {
                    throw InputError(file: file.name, line: record.line, value: codeText,
                                     reason: "功能分类科目编码应为 3 位（类）、5 位（款）或 7 位（项）数字，如 201、20103、2010301 或“201 03 01”")
                }
                key = .function(code)
            }
            if let previous = seen[key] {
                throw InputError(file: file.name, line: record.line, value: codeText.isEmpty ? name : codeText,
                                 reason: "重复的行（第 \(previous) 行已有同一科目）")
            }
            seen[key] = record.line
            var cells: [Int: Money] = [:]
            for (index, number) in mapped {
                if let value = try amount(record[index], file: file, line: record.line, column: file.header[index]) {
                    cells[number] = value
                }
            }
            rows.append(TableRow(key: key, label: name, cells: cells, source: SourceLocation(file: file.name, line: record.line)))
        }
        return rows
    }

    static func readSingle(_ file: CSVFile, columns: [TableColumn]) throws(InputError) -> TableRow {
        guard let numberColumn = file.column("栏次"), let amountColumn = file.column("金额", "决算数", "数额") else {
            throw InputError(file: file.name, line: 1, value: file.header.joined(separator: ","), reason: "表头应为“栏次,项目,金额”")
        }
        var cells: [Int: Money] = [:]
        var sources: [Int: SourceLocation] = [:]
        var seen: [Int: Int] = [:]
        for record in file.records {
            guard let number = Int(record[numberColumn]), columns.contains(where: { $0.number == number }) else {
                throw InputError(file: file.name, line: record.line, value: record[numberColumn],
                                 reason: "栏次应为 1 到 \(columns.count) 的整数")
            }
            if let previous = seen[number] {
                throw InputError(file: file.name, line: record.line, value: record[numberColumn], reason: "栏次重复（第 \(previous) 行已有此栏次）")
            }
            seen[number] = record.line
            sources[number] = SourceLocation(file: file.name, line: record.line)
            if let value = try amount(record[amountColumn], file: file, line: record.line, column: "栏\(number)") {
                cells[number] = value
            }
        }
        return TableRow(key: StandardLayout.singleRow, label: "", cells: cells,
                        source: file.records.first.map { SourceLocation(file: file.name, line: $0.line) }, cellSources: sources)
    }
}
