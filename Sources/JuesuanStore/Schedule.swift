import Foundation
import HummingbirdBcrypt
import Juesuan
import JuesuanXLSX
import SQLKit

extension Cycle {
    public struct Task: Sendable, Codable, Equatable {
        public var year: Int
        /// 决算 or 预算 (a year may have one of each).
        public var kind: ReportKind = .finalAccounts
        public var layout: String
        public var catalogue: String
        /// The publication deadline, `YYYY-MM-DD`.
        public var deadline: String
        /// 单位负责人 must confirm (审核确认) a report before it can be submitted.
        public var signoff: Bool = true
    }

    /// The layouts a task of `kind` may use (id and Chinese name), the default first.
    public static func layouts(_ kind: ReportKind) -> [(id: String, name: String)] {
        switch kind {
        case .finalAccounts: TableLayout.all.map { ($0.id, $0.name) }
        case .budget: BudgetLayout.shipped.map { ($0.id, $0.name) }
        }
    }

    /// The start of day `text` (YYYY-MM-DD, a real date) in Beijing time (UTC+8, no daylight saving since
    /// 1991). Read by hand: it is asked on every inbox row, and a date formatter per call was slow.
    static func day(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = CivilTime.number(bytes, 0..<4), let month = CivilTime.number(bytes, 5..<7), let day = CivilTime.number(bytes, 8..<10),
              CivilTime.isReal(year: year, month: month, day: day) else { return nil }
        let days = CivilTime.days(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 - 8 * 3_600))
    }
}

extension Schedule {
    public func setTask(_ caller: Caller, year: Int, kind: ReportKind = .finalAccounts, layout: String?, deadline: String,
                        signoff: Bool? = nil) async throws -> Cycle.Task {
        try require(caller, .administer, "设置年度任务")
        guard caller.atRoot else {
            throw StoreError.forbidden("年度任务是整个辖区的设置，只有财政局（根节点）的管理员可以设立或修改。")
        }
        guard (2000...2100).contains(year) else { throw StoreError.invalid("年度“\(year)”不在 2000–2100 之间。") }
        let layouts = Cycle.layouts(kind)
        let layout = layout ?? layouts[0].id
        guard layouts.contains(where: { $0.id == layout }) else {
            throw StoreError.invalid("不认识的\(kind.documentName)版式“\(layout)”；可用：\(layouts.map { "\($0.id)（\($0.name)）" }.joined(separator: "、"))。")
        }
        guard Cycle.day(deadline) != nil else { throw StoreError.invalid("公开截止日期“\(deadline)”应写作 YYYY-MM-DD。") }
        let catalogue = catalogueVersion
        return try await backend.write { db in
            var task = Cycle.Task(year: year, kind: kind, layout: layout, catalogue: catalogue, deadline: deadline)
            let old = try await db.raw("SELECT layout, deadline, signoff FROM tasks WHERE year = \(bind: year) AND kind = \(bind: kind.rawValue)").first()
            task.signoff = try signoff ?? old.map { try $0.decode(column: "signoff", as: Int.self) != 0 } ?? true
            let target = kind == .budget ? "task:\(year):budget" : "task:\(year)"
            if let old {
                try await db.raw("""
                    UPDATE tasks SET layout = \(bind: layout), deadline = \(bind: deadline), catalogue = \(bind: task.catalogue),
                      signoff = \(bind: task.signoff ? 1 : 0) WHERE year = \(bind: year) AND kind = \(bind: kind.rawValue)
                    """).run()
                try await self.log(db, caller, action: "task-changed", org: nil, target: target,
                                   before: "\(try old.decode(column: "layout", as: String.self))｜\(try old.decode(column: "deadline", as: String.self))",
                                   after: "\(layout)｜\(deadline)")
            } else {
                try await db.raw("""
                    INSERT INTO tasks (year, kind, layout, catalogue, deadline, created_at, signoff)
                    VALUES (\(bind: year), \(bind: kind.rawValue), \(bind: layout), \(bind: task.catalogue), \(bind: deadline), \(bind: Clock.stamp()),
                            \(bind: task.signoff ? 1 : 0))
                    """).run()
                try await self.log(db, caller, action: "task-created", org: nil, target: target, after: "\(layout)｜\(deadline)")
            }
            return task
        }
    }

    /// Every task, newest year first (a year's 决算 before its 预算).
    public func tasks() async throws -> [Cycle.Task] {
        try await backend.read { db in
            try await db.raw("SELECT \(TaskRecord.columns()) FROM tasks ORDER BY year DESC, kind DESC").all().map { try TaskRecord($0).task }
        }
    }

    func task(_ db: any SQLDatabase, _ year: Int, _ kind: ReportKind = .finalAccounts) async throws -> Cycle.Task {
        guard let row = try await db.raw("""
            SELECT \(TaskRecord.columns()) FROM tasks WHERE year = \(bind: year) AND kind = \(bind: kind.rawValue)
            """).first() else {
            throw StoreError.notFound("\(year) 年度的\(kind.documentName)任务尚未设立。")
        }
        return try TaskRecord(row).task
    }
}
