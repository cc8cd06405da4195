import Foundation
import JuesuanCore

extension BudgetDataset {
    /// Reads `budget.json`; a clear Chinese message naming the file when it is not one.
    public static func read(_ url: URL, displayName: String? = nil) throws(InputError) -> BudgetDataset {
        let name = displayName ?? url.path
        guard let data = try? Data(contentsOf: url) else { throw InputError(file: name, reason: "无法读取文件") }
        return try read(data: data, displayName: name)
    }

    /// Reads `budget.json` from its bytes (an upload).
    public static func read(data: Data, displayName name: String) throws(InputError) -> BudgetDataset {
        do {
            let dataset = try JSONDecoder().decode(BudgetDataset.self, from: data)
            guard dataset.schema == schemaID else { throw InputError(file: name, reason: "schema 应为 \(schemaID)（现为“\(dataset.schema)”）") }
            guard BudgetLayout.shipped.contains(where: { $0.id == dataset.layout }) else {
                throw InputError(file: name, reason: "不认识的预算版式“\(dataset.layout)”（可用：\(BudgetLayout.shipped.map(\.id).joined(separator: "、"))）")
            }
            return dataset
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError(file: name, reason: "不是 juesuan 预算数据（budget.json）：\(String(describing: error).prefix(160))")
        }
    }
}
