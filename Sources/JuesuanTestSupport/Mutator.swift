import Foundation
import JuesuanCore

/// A seeded mutator of text, for fuzzing the readers: byte flips, deletions, insertions of
/// meaningful pieces (digits, separators, table words), duplications and truncations.
public struct Mutator {
    public static let pieces: [[UInt8]] = ["\"", ",", "\n", "\r\n", "1,81,3.94", "-", ".", "合计", "201", "\u{3000}", "\0", ":",
                                           "- ", "{", "[", "'", "#", "\t", "99999999999999999999", "2010301", "..", "人员经费合计",
                                           "\u{FEFF}", "栏3", "万元", "%", "占", "比", "增加", "减少", "年初预算为", "（表3）",
                                           "收入支出决算总表", "\u{0C}", "第三部分", "决算数大于预算数", "。。", "XX", "2020年"].map { Array($0.utf8) }

    public var generator: SeededGenerator

    public init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    public mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...8, using: &generator) {
            guard !bytes.isEmpty else { bytes = Self.pieces.randomElement(using: &generator)!; continue }
            let index = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<7, using: &generator) {
            case 0: bytes[index] = UInt8.random(in: 0...255, using: &generator)
            case 1: bytes.remove(at: index)
            case 2: bytes.insert(contentsOf: Self.pieces.randomElement(using: &generator)!, at: index)
            case 3:
                let end = min(bytes.count, index + Int.random(in: 1...200, using: &generator))
                bytes.removeSubrange(index..<end)
            case 4:
                let end = min(bytes.count, index + Int.random(in: 1...200, using: &generator))
                bytes.insert(contentsOf: bytes[index..<end], at: Int.random(in: 0...bytes.count, using: &generator))
            case 5:
                // Replace a digit by another digit: figures that no longer add up.
                if let digit = bytes[index...].firstIndex(where: { $0 >= 48 && $0 <= 57 }) { bytes[digit] = UInt8.random(in: 48...57, using: &generator) }
            default: bytes = Array(bytes.prefix(index))
            }
        }
        return bytes
    }

    /// A random window of `source` of 1–`maximum` bytes.
    public mutating func window(_ source: [UInt8], maximum: Int) -> [UInt8] {
        guard source.count > 1 else { return source }
        let length = Int.random(in: 1...min(maximum, source.count), using: &generator)
        let start = Int.random(in: 0...(source.count - length), using: &generator)
        return Array(source[start..<(start + length)])
    }
}
