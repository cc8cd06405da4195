import Foundation
import JuesuanCore

/// Realistic synthetic units for tests and benchmarks (`juesuan synth`): administrative units paid
/// by the treasury, public institutions with 事业收入 and 经营 activity, units with 政府性基金 or 国有资本
/// projects, of very different sizes and code mixes. Unit `i` of seed `s` is always the same ledger,
/// so units can be generated on any number of cores.
public struct Synthesizer: Sendable {
    /// The seed: the same seed gives the same units.
    public let seed: UInt64
    /// 决算年度 of every unit.
    public let year: Int
    let catalog: Catalog
    /// 项 codes whose 款 and 类 are in the catalogue and whose 类 is one of 表1's classes.
    let items: [FunctionCode]
    /// 行政运行 items: the main line of an administrative unit.
    let operations: [FunctionCode]

    /// Units drawn from the 项 of `catalog` whose 款 and 类 it also lists.
    public init(seed: UInt64, year: Int = 2021, catalog: Catalog) {
        self.seed = seed
        self.year = year
        self.catalog = catalog
        let items = catalog.functionNames.keys.filter { code in
            code.level == .item && code.parent.map(catalog.contains) == true && catalog.contains(code.category)
                && catalog.position(of: code) != nil
        }.sorted()
        self.items = items
        self.operations = items.filter { catalog.functionNames[$0] == "行政运行" }
    }

    static let places = ["江汉区", "江岸区", "硚口区", "汉阳区", "武昌区", "青山区", "洪山区", "东西湖区", "蔡甸区", "江夏区", "黄陂区", "新洲区"]
    static let departments = ["人民政府办公室", "发展和改革局", "教育局", "科学技术局", "民政局", "司法局", "财政局", "人力资源和社会保障局",
                              "自然资源和规划局", "生态环境局", "住房和城乡建设局", "交通运输局", "水务局", "农业农村局", "商务局",
                              "文化和旅游局", "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局",
                              "医疗保障局", "城市管理执法局", "档案馆", "图书馆", "疾病预防控制中心", "社会福利院", "职业技术学校", "融媒体中心"]
    static let projects = ["信息化建设", "办公用房维修改造", "专项业务经费", "课题研究", "宣传培训", "环境综合整治", "设备购置", "社区服务",
                           "安全生产检查", "档案数字化", "应急物资储备", "公共卫生服务", "文化惠民活动", "河湖治理", "智慧城市运维"]
    static let personnelCodes: [(String, Int)] = [("30101", 22), ("30102", 26), ("30103", 12), ("30107", 6), ("30108", 10), ("30109", 4),
                                                 ("30110", 6), ("30112", 1), ("30113", 9), ("30199", 2), ("30302", 6), ("30305", 1), ("30307", 2)]
    static let publicCodes: [(String, Int)] = [("30201", 20), ("30202", 4), ("30205", 3), ("30206", 6), ("30207", 5), ("30209", 8), ("30211", 8),
                                              ("30213", 6), ("30214", 3), ("30215", 2), ("30216", 4), ("30226", 6), ("30227", 5), ("30228", 5),
                                              ("30229", 4), ("30239", 8), ("30299", 5), ("31002", 4), ("31007", 3)]

    /// The name of unit `index`: unique within a run.
    public func name(_ index: Int) -> String {
        var random = SeededGenerator(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        let place = Self.places.randomElement(using: &random)!, department = Self.departments.randomElement(using: &random)!
        return "\(place)\(department)（合成\(index + 1)）"
    }

    /// The ledger of unit `index`.
    public func ledger(_ index: Int) -> Ledger {
        var random = SeededGenerator(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        let name = "\(Self.places.randomElement(using: &random)!)\(Self.departments.randomElement(using: &random)!)（合成\(index + 1)）"
        var ledger = Ledger(unit: name, year: year)
        // Kind and size: staff log-uniform from 3 to 3,000 (many small units, a few very large).
        let kindRoll = Int.random(in: 0..<100, using: &random)
        let institution = kindRoll >= 60
        let staff = Int(3 * pow(1000, Double.random(in: 0..<1, using: &random)))
        func fen(_ low: Int64, _ high: Int64) -> Int64 { Int64.random(in: low...max(low, high), using: &random) }
        func code(_ text: String) -> FunctionCode? { FunctionCode(text).flatMap { catalog.contains($0) ? $0 : nil } }
        let main = operations.randomElement(using: &random) ?? items.randomElement(using: &random)!
        let sameClass = items.filter { $0.category == main.category && $0 != main }
        let pension = code("2080505") ?? main, medical = code("2101101") ?? main, housing = code("2210201") ?? main
        let retired = code("2080501") ?? main

        var spending: [FundSource: [FunctionCode: Int64]] = [:]
        func spend(_ function: FunctionCode, _ economic: String?, _ source: FundSource, _ nature: Nature, _ amount: Int64,
                   project: String? = nil, tag: ThreeCosts? = nil, detail: String? = nil) {
            guard amount > 0 else { return }
            ledger.postings.append(Posting(kind: .expenditure, function: function, economic: economic.flatMap(EconomicCode.init),
                                           source: source, nature: nature, project: project, threeCosts: tag, threeCostsDetail: detail,
                                           amount: Money(fen: amount)))
            spending[source, default: [:]][function, default: 0] += amount
        }
        func basicSource() -> FundSource {
            guard institution else { return .generalBudget }
            let roll = Int.random(in: 0..<100, using: &random)
            return roll < 60 ? .generalBudget : roll < 85 ? .institutional : roll < 93 ? .superior : .other
        }
        // Personnel: quarterly postings of each pay code, pension, medical and housing under their own 项.
        let perPerson = fen(12_000_000, 22_000_000)  // 12–22 万元 a year per person, in 分
        let quarters = staff > 40 ? 4 : staff > 10 ? 2 : 1
        for (economic, share) in Self.personnelCodes where Int.random(in: 0..<100, using: &random) < 85 {
            let function: FunctionCode = switch economic {
            case "30108", "30109": pension
            case "30110", "30112": medical
            case "30113": housing
            case "30302", "30305": retired
            default: main
            }
            let total = Int64(staff) * perPerson * Int64(share) / 100
            for _ in 0..<quarters { spend(function, economic, basicSource(), .personnel, total / Int64(quarters) + fen(-5_000, 5_000)) }
        }
        // Public use: a few codes, one to four postings each.
        for (economic, share) in Self.publicCodes where Int.random(in: 0..<100, using: &random) < 55 {
            let total = Int64(staff) * fen(300_000, 900_000) * Int64(share) / 100
            let times = Int.random(in: 1...4, using: &random)
            for _ in 0..<times { spend(main, economic, basicSource(), .publicUse, total / Int64(times) + fen(0, 9_999)) }
        }
        // "三公": vehicles, reception, now and then travel abroad or a new car.
        if Int.random(in: 0..<100, using: &random) < 70 {
            for detail in ["燃料费", "维修费", "保险费"] {
                spend(main, "30231", .generalBudget, .publicUse, fen(200_000, 2_000_000) * Int64(1 + staff / 50), tag: .vehicleRunning, detail: detail)
            }
        }
        if Int.random(in: 0..<100, using: &random) < 50 { spend(main, "30217", .generalBudget, .publicUse, fen(20_000, 800_000), tag: .reception) }
        if Int.random(in: 0..<100, using: &random) < 5 { spend(main, "30212", .generalBudget, .publicUse, fen(2_000_000, 9_000_000), tag: .travelAbroad) }
        if Int.random(in: 0..<100, using: &random) < 4 { spend(main, "31013", .generalBudget, .publicUse, fen(15_000_000, 30_000_000), tag: .vehiclePurchase) }
        // Projects.
        let projectCount = Int.random(in: 0...(staff > 100 ? 8 : 4), using: &random)
        for number in 0..<projectCount {
            let project = "\(Self.projects.randomElement(using: &random)!)项目\(number + 1)"
            let function = (sameClass.isEmpty || Bool.random(using: &random) ? main : sameClass.randomElement(using: &random)!)
            let source: FundSource = institution && Int.random(in: 0..<100, using: &random) < 30 ? .institutional : .generalBudget
            for _ in 0..<Int.random(in: 1...5, using: &random) { spend(function, nil, source, .project, fen(500_000, 80_000_000), project: project) }
        }
        if Int.random(in: 0..<100, using: &random) < 10, let fund = items.filter({ $0.digits.hasPrefix("212") || $0.digits.hasPrefix("229") }).randomElement(using: &random) {
            for _ in 0..<Int.random(in: 1...3, using: &random) { spend(fund, nil, .governmentFund, .project, fen(1_000_000, 200_000_000), project: "政府性基金项目") }
            if Bool.random(using: &random) { ledger.opening.append(Balance(source: .governmentFund, function: fund, amount: Money(fen: fen(100_000, 20_000_000)))) }
        }
        if Int.random(in: 0..<100, using: &random) < 2, let capital = items.filter({ $0.digits.hasPrefix("223") }).randomElement(using: &random) ?? Optional(main) {
            spend(capital, nil, .stateCapital, .project, fen(1_000_000, 50_000_000), project: "国有资本经营预算项目")
        }
        if institution {
            if Int.random(in: 0..<100, using: &random) < 20 { spend(main, nil, .business, .business, fen(1_000_000, 50_000_000)) }
            if Int.random(in: 0..<100, using: &random) < 10 { spend(main, nil, .institutional, .subsidy, fen(1_000_000, 30_000_000)) }
            if Int.random(in: 0..<100, using: &random) < 8 { spend(main, nil, .institutional, .remittance, fen(100_000, 5_000_000)) }
        }
        // Income covers spending 项 by 项; some units keep a surplus, some carry one over.
        for source in FundSource.allCases {
            guard let byCode = spending[source] else { continue }
            let opening = ledger.opening.filter { $0.source == source }.reduce(Int64(0)) { $0 + $1.amount.fen }
            for (function, amount) in byCode.sorted(by: { $0.key < $1.key }) {
                let surplus = source == .generalBudget || Int.random(in: 0..<100, using: &random) < 60 ? 0 : amount * fen(0, 8) / 100
                let parts = amount > 50_000_000 ? 4 : amount > 5_000_000 ? 2 : 1
                let needed = max(0, amount + surplus - (source == .governmentFund && ledger.opening.contains { $0.function == function } ? opening : 0))
                for part in 0..<parts {
                    let each = part == parts - 1 ? needed - needed / Int64(parts) * Int64(parts - 1) : needed / Int64(parts)
                    if each > 0 { ledger.postings.append(Posting(kind: .income, function: function, source: source, amount: Money(fen: each))) }
                }
            }
            if source != .generalBudget && source != .governmentFund && Int.random(in: 0..<100, using: &random) < 25 {
                ledger.opening.append(Balance(source: source, amount: Money(fen: fen(100_000, 10_000_000))))
            }
        }
        // Budgets: "三公" and the initial 一般公共预算 budget by class, near what was spent.
        for posting in ledger.postings where posting.threeCosts != nil {
            ledger.threeCostsBudget[posting.threeCosts!, default: .zero] += Money(fen: posting.amount.fen * fen(100, 130) / 100 / 100 * 100)
        }
        var byClass: [FunctionCode: Int64] = [:]
        for (function, amount) in spending[.generalBudget] ?? [:] { byClass[function.category, default: 0] += amount }
        for (class_, amount) in byClass.sorted(by: { $0.key < $1.key }) {
            ledger.addInitialBudget(class_, Money(fen: amount * fen(95, 115) / 100 / 10_000 * 10_000))
        }
        // A ledger is kept in date order, not grouped: mix income and expenditure.
        ledger.postings.shuffle(using: &random)
        return ledger
    }
}
