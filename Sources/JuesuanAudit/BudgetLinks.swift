import Foundation
import JuesuanCore
import JuesuanImport

/// One figure of final accounts beside the same year's budget: the 年初预算 the final accounts state, and what the
/// published budget printed for it.
public struct BudgetLink: Sendable, Codable, Hashable {
    /// What is compared ("一般公共预算财政拨款支出", "201 一般公共服务支出", "“三公”经费" …).
    public var subject: String
    /// The 年初预算 the final accounts state.
    public var finalAccounts: Money
    /// The budget's figure; nil when the budget does not print it.
    public var budget: Money?
    /// The budget's figure as printed, in 万元 ("2,993.92").
    public var budgetText: String?
    /// Equal within the rounding the budget's printed figure allows.
    public var consistent: Bool

    public init(subject: String, finalAccounts: Money, budget: Money?, budgetText: String?, consistent: Bool) {
        self.subject = subject
        self.finalAccounts = finalAccounts
        self.budget = budget
        self.budgetText = budgetText
        self.consistent = consistent
    }
}

/// Final accounts (as data) against the same year's budget (as data), item by item: the 一般公共预算财政拨款支出 total
/// and each 类, and the 三公 budget figures of 表7 — the places where a 决算 reports its 年初预算.
public enum BudgetLinks {
    public static func compare(_ disclosure: Disclosure, budget dataset: BudgetDataset) -> [BudgetLink] {
        guard let document = try? BudgetDocument(dataset: dataset) else { return [] }
        let known = BudgetChain.budgetFigures(.budget(document))
        var stated: [(key: String, subject: String, amount: Money)] = []
        if let total = disclosure.figures.initialBudget["合计"] {
            stated.append(("一般公共预算支出", "一般公共预算财政拨款支出", total.amount))
        }
        for (code, named) in disclosure.figures.initialBudget.sorted(by: { $0.key < $1.key }) where code.count == 3 && code.allSatisfy(\.isNumber) {
            // The 类's name as the report prints it (表5, else any code table), else as the budget does.
            let printed = [TableID.t5, .t3, .t2, .t9].lazy.compactMap { disclosure[$0] }.flatMap(\.rows).first { row in
                if case .function(let function) = row.key { return function.digits == code } else { return false }
            }?.label
            let label = printed ?? dataset.tables.values.lazy.flatMap(\.rows).first { $0.code == code }?.label ?? ""
            stated.append(("类:\(code)", "\(code) \(label)".trimmingCharacters(in: .whitespaces), named.amount))
        }
        if let t7 = disclosure[.t7] {
            let row = StandardLayout.singleRow
            for (key, subject, column) in [("三公经费", "“三公”经费", 1), ("因公出国", "因公出国（境）费", 2), ("公务用车", "公务用车购置及运行费", 3),
                                           ("公务用车购置", "公务用车购置费", 4), ("公务用车运行", "公务用车运行费", 5), ("公务接待", "公务接待费", 6)] {
                stated.append((key, subject, t7.amount(row, column: column)))
            }
        }
        return stated.map { entry in
            guard let figure = known[entry.key] else {
                return BudgetLink(subject: entry.subject, finalAccounts: entry.amount, budget: nil, budgetText: nil, consistent: true)
            }
            let budget = Money(fen: NSDecimalNumber(decimal: figure.value * 1_000_000).int64Value)
            let consistent = (entry.amount.wanDecimal - figure.value).magnitude <= figure.slack + Decimal(string: "0.005")!
            return BudgetLink(subject: entry.subject, finalAccounts: entry.amount, budget: budget, budgetText: figure.text, consistent: consistent)
        }
    }
}
