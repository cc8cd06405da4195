import Foundation
import JuesuanCore

/// Open data: one CSV row per table cell, and a `datapackage.json` describing the files in the
/// manner of the (Frictionless) Fiscal Data Package: fields, types, and a model of measures and
/// dimensions. Amounts are exact decimals in 万元, as printed.
public enum OpenData {
    static let header = ["table", "table_title", "row", "row_label", "column", "column_name", "amount", "unit"]

    /// Every non-blank cell of every table as CSV rows.
    public static func cells(_ disclosure: Disclosure) -> [[String]] {
        var rows: [[String]] = []
        for id in TableID.allCases {
            guard let table = disclosure[id] else { continue }
            for row in table.rows {
                for column in table.columns where row.cells[column.number] != nil {
                    let amount = row.cells[column.number]!.formatted(unit: .wan, decimals: 2, grouping: false)
                    rows.append([id.description, table.title, row.key.description, row.label.trimmingSpaces(), String(column.number),
                                 (column.groups + [column.name]).joined(separator: " "), amount, "万元"])
                }
            }
        }
        return rows
    }

    static func csv(_ rows: [[String]]) -> String {
        var out = ""
        out.reserveCapacity(rows.count * 96)
        for row in [header] + rows {
            for (index, text) in row.enumerated() {
                if index > 0 { out += "," }
                // Quote only fields holding a comma, a quote or a line break (a byte scan; these are ASCII).
                if text.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 }) {
                    out += "\""
                    for character in text { out += character == "\"" ? "\"\"" : String(character) }
                    out += "\""
                } else {
                    out += text
                }
            }
            out += "\n"
        }
        return out
    }

    /// The UTF-8 byte-order mark that starts every CSV file: Excel on Chinese Windows reads a CSV
    /// without it as GBK and shows garbled text.
    public static let byteOrderMark = Data([0xEF, 0xBB, 0xBF])

    /// Writes `data/cells.csv`, `data/table1.csv` … and `datapackage.json` into `directory`.
    public static func write(_ disclosure: Disclosure, to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
        for (path, data) in files(disclosure) {
            try AtomicFile.write(data, to: directory.appendingPathComponent(path))
        }
    }

    /// The open-data files by relative path: `data/cells.csv`, `data/table1.csv` … (UTF-8 with a
    /// byte-order mark) and `datapackage.json`.
    public static func files(_ disclosure: Disclosure) -> [(String, Data)] {
        var out: [(String, Data)] = []
        let all = cells(disclosure)
        out.append(("data/cells.csv", byteOrderMark + Data(csv(all).utf8)))
        var resources: [String] = [resource(name: "cells", path: "data/cells.csv", title: "九张表的全部单元格")]
        for id in TableID.allCases {
            let rows = all.filter { $0[0] == id.description }
            out.append(("data/table\(id.rawValue).csv", byteOrderMark + Data(csv(rows).utf8)))
            resources.append(resource(name: "table\(id.rawValue)", path: "data/table\(id.rawValue).csv",
                                      title: disclosure[id]?.title ?? StandardLayout.title(id, year: disclosure.year)))
        }
        let q = FindingsReport.quote
        let package = """
        {
          "name": "juesuan-\(disclosure.year)",
          "title": \(q("\(disclosure.unit) \(disclosure.year) 年度部门决算")),
          "profile": "fiscal-data-package",
          "countryCode": "CN",
          "fiscalPeriod": {"start": "\(disclosure.year)-01-01", "end": "\(disclosure.year)-12-31"},
          "created": \(q(ISO8601DateFormatter().string(from: Date()))),
          "resources": [
            \(resources.joined(separator: ",\n    "))
          ],
          "model": {
            "measures": {"amount": {"source": "amount", "currency": "CNY", "factor": 10000}},
            "dimensions": {
              "table": {"attributes": {"table": {"source": "table"}, "table_title": {"source": "table_title"}}, "primaryKey": ["table"]},
              "row": {"attributes": {"row": {"source": "row"}, "row_label": {"source": "row_label"}}, "primaryKey": ["row"], "dimensionType": "classification"},
              "column": {"attributes": {"column": {"source": "column"}, "column_name": {"source": "column_name"}}, "primaryKey": ["column"]}
            }
          }
        }

        """
        out.append(("datapackage.json", Data(package.utf8)))
        return out
    }

    static func resource(name: String, path: String, title: String) -> String {
        let fields = [("table", "string", "表"), ("table_title", "string", "表名"), ("row", "string", "行次、科目编码或行名"),
                      ("row_label", "string", "项目或科目名称"), ("column", "integer", "栏次"), ("column_name", "string", "栏名"),
                      ("amount", "number", "金额（万元）"), ("unit", "string", "单位")]
        let schema = fields.map { "{\"name\": \"\($0.0)\", \"type\": \"\($0.1)\", \"title\": \(FindingsReport.quote($0.2))}" }.joined(separator: ", ")
        return "{\"name\": \"\(name)\", \"path\": \"\(path)\", \"title\": \(FindingsReport.quote(title)), \"format\": \"csv\", \"encoding\": \"utf-8\", "
            + "\"schema\": {\"fields\": [\(schema)]}}"
    }
}
