import Foundation
import JuesuanCore

/// Loads classification catalogues: the one shipped with juesuan and a user's fuller official list.
public enum CatalogLoader {
    /// The built-in catalogue: the 2021 function classes in 表1 order and every code seen in the seed
    /// and the corpus (`Sources/JuesuanImport/Catalog/*.csv`).
    public static func builtIn() throws(InputError) -> Catalog {
        var catalog = Catalog()
        let classes = try resource("function-classes-2021")
        for record in classes.records {
            guard let position = Int(record[0]), let code = FunctionCode(record[1]) else {
                throw InputError(file: classes.name, line: record.line, value: record[1], reason: "内置类级科目表有误")
            }
            catalog.classes.append(FunctionClass(position: position, code: code, name: record[2]))
        }
        try add(try resource("function-codes"), to: &catalog, defaultKind: .function)
        try add(try resource("economic-codes"), to: &catalog, defaultKind: .economic)
        return catalog
    }

    /// The built-in catalogue with the entries of `url` added (they win over the built-in names).
    ///
    /// The file is CSV with columns 编码, 名称 and optionally 分类 ("功能分类" or "经济分类",
    /// default 功能分类) and 经费类别 ("人员经费" or "公用经费" for economic 类 codes).
    public static func load(userFile url: URL?) throws(InputError) -> Catalog {
        var catalog = try builtIn()
        if let url {
            try add(try CSVFile(url: url, name: url.path), to: &catalog, defaultKind: .function)
        }
        return catalog
    }

    enum Kind { case function, economic }

    static func resource(_ name: String) throws(InputError) -> CSVFile {
        guard let url = Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Catalog") else {
            throw InputError(file: "\(name).csv", reason: "找不到内置科目表（安装不完整）")
        }
        return try CSVFile(url: url, name: "内置科目表/\(name).csv")
    }

    static func add(_ file: CSVFile, to catalog: inout Catalog, defaultKind: Kind) throws(InputError) {
        guard let codeColumn = file.column("编码", "科目编码", "code"),
              let nameColumn = file.column("名称", "科目名称", "name") else {
            throw InputError(file: file.name, line: 1, value: file.header.joined(separator: ","),
                             reason: "科目表缺少“编码”或“名称”列")
        }
        let kindColumn = file.column("分类", "kind")
        let natureColumn = file.column("经费类别", "nature")
        for record in file.records {
            let text = record[codeColumn]
            let name = record[nameColumn]
            var kind = defaultKind
            if let kindColumn {
                let label = record[kindColumn]
                if label.contains("经济") { kind = .economic } else if label.contains("功能") || label.isEmpty { kind = .function } else {
                    throw InputError(file: file.name, line: record.line, value: label, reason: "“分类”应为“功能分类”或“经济分类”")
                }
            }
            switch kind {
            case .function:
                guard let code = FunctionCode(text) else {
                    throw InputError(file: file.name, line: record.line, value: text, reason: "功能分类科目编码应为 3、5 或 7 位数字")
                }
                catalog.functionNames[code] = name
            case .economic:
                guard let code = EconomicCode(text) else {
                    throw InputError(file: file.name, line: record.line, value: text, reason: "经济分类科目编码应为 3 或 5 位数字")
                }
                catalog.economicNames[code] = name
                if let natureColumn, !record[natureColumn].isEmpty {
                    guard let nature = ExpenseNature(rawValue: record[natureColumn]) else {
                        throw InputError(file: file.name, line: record.line, value: record[natureColumn],
                                         reason: "“经费类别”应为“人员经费”或“公用经费”")
                    }
                    catalog.economicNature[code] = nature
                }
            }
        }
    }
}
