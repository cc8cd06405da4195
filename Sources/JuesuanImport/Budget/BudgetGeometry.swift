import Foundation
import JuesuanCore

/// Where a budget table's figures and header words stand on the PDF page (`pdftotext -bbox-layout`), in
/// points: exact where the text layout only approximates (a CJK character is one column of text but two of
/// width), and header words wrapped onto several lines put back together by the column they stand in.
struct BudgetGeometry {
    let words: [PageWord]
    private var byPage: [Int: [PageWord]] = [:]
    /// The y of the last row matched on each page: rows are matched in reading order.
    private var lastY: [Int: Double] = [:]

    init?(_ text: PublishedText) {
        guard !text.words.isEmpty else { return nil }
        words = text.words
        byPage = Dictionary(grouping: words, by: \.page)
    }

    /// The x centres of the figures of a text line (its numbers in order), from the words of its page.
    mutating func figures(page: Int?, numbers: [String]) -> (xs: [Double], y: Double)? {
        guard let page, let first = numbers.first, let onPage = byPage[page] else { return nil }
        let floor = lastY[page] ?? -1
        let starts = onPage.filter { $0.text == first && $0.yCenter > floor + 0.5 }.sorted { $0.yCenter < $1.yCenter }
        for start in starts.prefix(4) {
            let row = onPage.filter { abs($0.yCenter - start.yCenter) < 3 && BudgetReader.isNumber($0.text) }.sorted { $0.xMin < $1.xMin }
            guard let from = row.firstIndex(where: { $0 == start }) ?? row.firstIndex(where: { $0.text == first }) else { continue }
            // The row may hold figures of a left side before this line's first (a ledger); match from there.
            let candidates = Array(row[from...])
            guard candidates.count >= numbers.count, zip(candidates, numbers).allSatisfy({ $0.text == $1 }) else { continue }
            lastY[page] = start.yCenter
            return (candidates.prefix(numbers.count).map(\.xCenter), start.yCenter)
        }
        return nil
    }

    /// Forgets the order on a page (a new table starts).
    mutating func reset() { lastY = [:] }

    /// A header cell: the words of one column, bottom word first, joined top to bottom.
    struct Cell {
        var text: String
        var xMin: Double
        var xMax: Double
        var center: Double { (xMin + xMax) / 2 }
    }

    /// The header cells above `y` on `page` and below the line that names the unit (单位：) or 编制部门.
    func header(page: Int, above y: Double) -> [Cell] {
        guard let onPage = byPage[page] else { return [] }
        let above = onPage.filter { $0.yCenter < y - 2 }
        // The meta line (编制部门 … 单位：元) closest above; the header lies between it and the figures.
        let meta = above.filter { $0.text.contains("单位:") || $0.text.contains("单位：") || $0.text.hasPrefix("编制部门") || $0.text.hasPrefix("部门:") || $0.text.hasPrefix("部门：") }
            .map(\.yCenter).max()
        // Without a meta line (a continued page), the header is what stands within ~80 points above.
        let top = meta ?? (y - 80)
        let region = above.filter { $0.yCenter > top + 2 && !BudgetReader.isNumber($0.text) }
        var cells: [(cell: Cell, bottom: Double)] = []
        for word in region.sorted(by: { $0.yCenter > $1.yCenter }) {
            if let index = cells.firstIndex(where: { word.xCenter >= $0.cell.xMin - 2 && word.xCenter <= $0.cell.xMax + 2 }) {
                cells[index].cell.text = word.text + cells[index].cell.text
            } else {
                cells.append((Cell(text: word.text, xMin: word.xMin, xMax: word.xMax), word.yCenter))
            }
        }
        return cells.map(\.cell).sorted { $0.xMin < $1.xMin }
    }

    /// Column anchors (x centres, points) of `spec` from header cells: each column takes the shortest cell
    /// holding one of its keys; columns with the same keys ("小计") take such cells in order.
    static func anchors(_ cells: [Cell], spec: BudgetLayout.TableSpec) -> [Double?] {
        let keys = spec.keys ?? []
        var anchors: [Double?] = Array(repeating: nil, count: spec.columns.count)
        var groups: [[String]: [Int]] = [:]
        for (column, list) in keys.enumerated() where column < anchors.count { groups[list, default: []].append(column) }
        for (list, columns) in groups {
            let holding = cells.filter { cell in list.contains { cell.text.contains($0) } }
            guard !holding.isEmpty else { continue }
            if columns.count == 1 {
                anchors[columns[0]] = holding.min { $0.text.count < $1.text.count }?.center
            } else {
                // Shared words name their columns in order, the shortest cells first.
                let shortest = holding.sorted { $0.text.count < $1.text.count }.prefix(columns.count).sorted { $0.xMin < $1.xMin }
                if shortest.count == columns.count { for (column, cell) in zip(columns, shortest) { anchors[column] = cell.center } }
            }
        }
        return anchors
    }
}
