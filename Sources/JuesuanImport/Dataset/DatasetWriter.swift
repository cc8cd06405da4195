import Foundation
import JuesuanCore

/// Writes a disclosure as a dataset folder in the format `DatasetReader` reads (docs/dataset.md).
/// The folder is built aside and moved into place at the end, so nothing is left half-written.
public enum DatasetWriter {
    /// Writes `disclosure` to `folder`, which must not exist or be empty.
    public static func write(_ disclosure: Disclosure, to folder: URL) throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: folder.path) {
            let contents = (try? manager.contentsOfDirectory(atPath: folder.path)) ?? []
            guard contents.isEmpty else {
                throw InputError(file: folder.path, reason: "输出文件夹已存在且不为空；请换一个文件夹或先清空")
            }
            try manager.removeItem(at: folder)
        }
        let staging = folder.deletingLastPathComponent().appendingPathComponent(".\(folder.lastPathComponent).juesuan-\(UUID().uuidString)")
        try manager.createDirectory(at: staging.appendingPathComponent("tables"), withIntermediateDirectories: true)
        do {
            try Data(facts(disclosure).utf8).write(to: staging.appendingPathComponent(DatasetReader.factsFile))
            for id in TableID.allCases {
                let table = disclosure[id] ?? Table(id: id, title: "", department: disclosure.unit, columns: StandardLayout.columns(id), rows: [])
                try Data(csv(table).utf8).write(to: staging.appendingPathComponent(DatasetReader.tableFile(id)))
            }
            try manager.moveItem(at: staging, to: folder)
        } catch {
            try? manager.removeItem(at: staging)
            throw error
        }
    }

    static func quote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func facts(_ disclosure: Disclosure) -> String {
        var out = "# 由 juesuan import 从 \(disclosure.source ?? "公开文本") 读出。格式见 docs/dataset.md。\n\n"
        out += "单位:\n  名称: \(quote(disclosure.unit))\n  年度: \(disclosure.year)\n"
        let statements = TableID.allCases.compactMap { id in disclosure[id]?.emptyStatement.map { (id, $0) } }
        if !statements.isEmpty {
            out += "\n表说明:\n" + statements.map { "  \($0.0): \(quote($0.1))\n" }.joined()
        }
        let figures = disclosure.figures
        if let operating = figures.operatingCosts { out += "\n机关运行经费:\n  金额: \(quote(operating.amount.description))\n" }
        if !figures.initialBudget.isEmpty {
            out += "\n年初预算:\n" + figures.initialBudget.keys.sorted().map { "  \($0): \(quote(figures.initialBudget[$0]!.amount.description))\n" }.joined()
        }
        return out
    }

    /// One table as CSV in the dataset layout.
    public static func csv(_ table: Table) -> String {
        func field(_ text: String) -> String {
            text.contains(",") || text.contains("\"") || text.contains("\n") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        func amount(_ money: Money?) -> String { money.map { field($0.description) } ?? "" }
        var out = ""
        switch StandardLayout.rowKind(table.id) {
        case .lines:
            let expenditure = table.columns.filter { $0.side == .expenditure }
            out += (["行次", "项目", "决算数"] + expenditure.dropFirst().map(\.name)).joined(separator: ",") + "\n"
            for row in table.rows {
                guard case .line(let number) = row.key else { continue }
                let side = StandardLayout.side(of: number, in: table.id)
                var fields = [String(number), field(row.label), amount(row.cells[side == .income ? 1 : expenditure.first?.number ?? 2])]
                fields += expenditure.dropFirst().map { side == .income ? "" : amount(row.cells[$0.number]) }
                out += fields.joined(separator: ",") + "\n"
            }
        case .functionCodes, .economicCodes:
            let names = table.id == .t8 ? ["年初结转和结余", "本年收入", "本年支出小计", "本年支出基本支出", "本年支出项目支出", "年末结转和结余"]
                : table.columns.map(\.name)
            out += (["编码", "科目名称"] + names).joined(separator: ",") + "\n"
            for row in table.rows {
                let code: String
                switch row.key {
                case .function(let functionCode): code = functionCode.digits
                case .economic(let economicCode): code = economicCode.digits
                default: code = ""
                }
                let label = code.isEmpty ? row.key.description : row.label
                out += ([code, field(label)] + table.columns.map { amount(row.cells[$0.number]) }).joined(separator: ",") + "\n"
            }
        case .single:
            out += "栏次,项目,金额\n"
            let row = table.rows.first
            for column in table.columns {
                out += "\(column.number),\(field((column.groups + [column.name]).joined(separator: " "))),\(amount(row?.cells[column.number]))\n"
            }
        }
        return out
    }
}
