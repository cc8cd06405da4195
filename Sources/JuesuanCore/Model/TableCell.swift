/// One cell of one of the nine tables: the table, the row (行次, code or name) and the 栏次.
public struct TableCell: Hashable, Sendable, Codable {
    public var table: TableID
    public var row: RowKey
    public var column: Int

    public init(table: TableID, row: RowKey, column: Int) {
        self.table = table
        self.row = row
        self.column = column
    }
}
