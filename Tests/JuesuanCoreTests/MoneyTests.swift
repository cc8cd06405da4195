import Foundation
import Testing
@testable import JuesuanCore
import JuesuanTestSupport

@Suite("金额")
struct MoneyTests {
    @Test("读取报告所印的金额", arguments: [
        ("1,813.94", MoneyUnit.wan, Int64(1_813_940_000)),
        ("855.1", .wan, 855_100_000),
        ("0.15", .wan, 150_000),
        ("-12.30", .wan, -12_300_000),
        ("5343879.38", .yuan, 534_387_938),
        ("130000", .yuan, 13_000_000),
        ("1,234,567.89", .yuan, 123_456_789),
        (" 2,053.67 ", .wan, 2_053_670_000),
        ("0", .wan, 0),
    ])
    func parses(text: String, unit: MoneyUnit, fen: Int64) throws {
        #expect(try MoneyParser.parse(text, unit: unit).money == Money(fen: fen))
    }

    @Test("拒绝不是金额的文字", arguments: ["1,81,3.94", "12abc", "", "-", "1.", ".5", "1,0000.00", ",100", "1.2.3", "1 000", "12,34", "1,234,56", "１２", "1e5", "--1", "0x10"])
    func rejects(text: String) {
        #expect(throws: MoneyParseError.self) { try MoneyParser.parse(text, unit: .wan) }
    }

    @Test("错误原因")
    func reasons() {
        #expect(throws: MoneyParseError.misplacedSeparator) { try MoneyParser.parse("1,81,3.94", unit: .wan) }
        #expect(throws: MoneyParseError.invalidCharacter("a")) { try MoneyParser.parse("12abc", unit: .wan) }
        #expect(throws: MoneyParseError.tooPrecise(decimals: 3, allowed: 2)) { try MoneyParser.parse("1.234", unit: .yuan) }
    }

    @Test("上限 100 万亿元：以内照读，超出拒绝；相加溢出时 adding 返回 nil")
    func limit() throws {
        #expect(try MoneyParser.parse("10,000,000,000.00", unit: .wan).money.fen == MoneyParser.maximumFen)
        #expect(try MoneyParser.parse("100000000000000", unit: .yuan).money.fen == MoneyParser.maximumFen)
        #expect(throws: MoneyParseError.overflow) { try MoneyParser.parse("10,000,000,000.01", unit: .wan) }
        #expect(throws: MoneyParseError.overflow) { try MoneyParser.parse("99999999999999999999", unit: .yuan) }
        #expect(Money(fen: .max).adding(Money(fen: 1)) == nil)
        #expect(Money(fen: .min).subtracting(Money(fen: 1)) == nil)
        #expect(Money(fen: 5).adding(Money(fen: -7)) == Money(fen: -2))
    }

    @Test("按报告格式打印：千位分隔符、两位小数、四舍五入")
    func formats() {
        #expect(Money(fen: 1_813_940_000).description == "1,813.94")
        #expect(Money(fen: 855_100_000).description == "855.10")
        #expect(Money(fen: -12_300_000).description == "-12.30")
        #expect(Money(fen: 534_387_938).formatted(unit: .yuan, grouping: false) == "5343879.38")
        #expect(Money(fen: 534_387_938).formatted(unit: .wan) == "534.39")
        // Half-up, not half-even: 0.125 → 0.13, 0.135 → 0.14, −0.125 → −0.13.
        #expect(Money(fen: 125_000).formatted(unit: .wan, decimals: 2) == "0.13")
        #expect(Money(fen: 135_000).formatted(unit: .wan, decimals: 2) == "0.14")
        #expect(Money(fen: -125_000).formatted(unit: .wan, decimals: 2) == "-0.13")
        #expect(Money(fen: 4_999).formatted(unit: .wan) == "0.00")
        #expect(Money(fen: 5_000).formatted(unit: .wan) == "0.01")
        #expect(Money(fen: 5_000).formatted(unit: .wan, decimals: 1) == "0.0")
        #expect(Money(fen: 1_000_000_000_000).formatted(unit: .wan, decimals: 0) == "1,000,000")
    }

    @Test("万元与元换算")
    func units() {
        #expect(Money.wan(1) == Money.yuan(10_000))
        #expect(try! MoneyParser.parse("1,813.94", unit: .wan).money == MoneyParser.parse("18139400", unit: .yuan).money)
        #expect(Money(fen: 1_813_940_000).formatted(unit: .yuan) == "18,139,400.00")
    }

    @Test("性质：打印后再读回得到原数（元，两位小数）")
    func roundTripYuan() throws {
        var generator = SeededGenerator(seed: 2021)
        for _ in 0..<5_000 {
            let fen = Int64.random(in: -10_000_000_000_000...10_000_000_000_000, using: &generator)
            let money = Money(fen: fen)
            for grouping in [true, false] {
                let text = money.formatted(unit: .yuan, grouping: grouping)
                #expect(try MoneyParser.parse(text, unit: .yuan).money == money)
            }
        }
    }

    @Test("性质：万元按两位小数四舍五入，误差不超过 0.005 万元，且再次取整不变")
    func roundingLaws() throws {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<5_000 {
            let money = Money(fen: Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &generator))
            let rounded = money.rounded(to: .wan, decimals: 2)
            #expect((rounded - money).magnitude <= Money(fen: 5_000))
            #expect(rounded.rounded(to: .wan, decimals: 2) == rounded)
            #expect(try MoneyParser.parse(money.formatted(unit: .wan), unit: .wan).money == rounded)
        }
    }

    @Test("性质：加法结合、交换，减法为加法之逆；n 个四舍五入数之和与和的四舍五入相差不超过 n×0.005")
    func arithmeticLaws() {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<2_000 {
            let values = (0..<Int.random(in: 1...30, using: &generator)).map { _ in
                Money(fen: Int64.random(in: 0...10_000_000_000, using: &generator))
            }
            let a = values[0], b = values[values.count / 2], c = values[values.count - 1]
            #expect((a + b) + c == a + (b + c))
            #expect(a + b == b + a)
            #expect(a + b - b == a)
            let exactSum = values.reduce(.zero, +)
            let sumOfRounded = values.map { $0.rounded(to: .wan, decimals: 2) }.reduce(.zero, +)
            #expect((sumOfRounded - exactSum.rounded(to: .wan, decimals: 2)).magnitude <= Money(fen: 5_000 * Int64(values.count + 1)))
        }
    }

    @Test("分数的精确读取")
    func scores() {
        #expect(ScoreText.parse("99.65") == Decimal(string: "99.65"))
        #expect(ScoreText.parse("0.8") == Decimal(string: "0.8"))
        #expect(ScoreText.parse("20") == 20)
        #expect(ScoreText.parse("9a") == nil)
    }

    @Test("表格数据文件的快速读法与通用读法一致（1,000 个带种子的随机写法）")
    func plainFastPathAgrees() {
        var generator = SeededGenerator(seed: 20261202)
        let alphabet = Array("0123456789.-,万 ")
        for round in 0..<1_000 {
            let length = Int.random(in: 0...12, using: &generator)
            var text = String((0..<length).map { _ in alphabet[Int.random(in: 0..<(round % 3 == 0 ? alphabet.count : 11), using: &generator)] })
            if round % 5 == 0 { text = String(Int64.random(in: -99_999_999...99_999_999, using: &generator)) + "." + String(Int.random(in: 0...99, using: &generator)) }
            let bytes = Array(text.utf8)
            let fast = bytes.withUnsafeBufferPointer { MoneyParser.plainYuanFen($0, 0..<bytes.count) }
            let general = MoneyParser.parseOrNil(text, unit: .yuan)?.money.fen
            if let fast {
                #expect(general == fast, "“\(text)”：快速 \(fast)，通用 \(String(describing: general))")
            } else if let general, !text.contains(","), !text.contains(" "), !text.hasSuffix("."), text.split(separator: ".").last.map({ $0.count <= 2 }) ?? true {
                // Only the plain forms are the fast path's: anything it refuses has separators or spaces.
                #expect(text.hasPrefix("-") && general == 0 || text.hasPrefix("."), "快速读法拒绝了“\(text)”（通用读法为 \(general)）")
            }
        }
    }
}
