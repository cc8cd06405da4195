import Foundation
@testable import JuesuanStore
import Testing

@Suite("store: hexadecimal of tokens and fingerprints")
struct HexTests {
    @Test("hex is the formatter's %02x for every byte and 500 seeded byte strings; a token hashes to its SHA-256")
    func hex() {
        #expect(Cycle.hex(Array(0...255)) == (0...255).map { String(format: "%02x", $0) }.joined())
        var seeded = SplitMix(seed: 20261205)
        for _ in 0..<500 {
            let bytes = (0..<Int(seeded.next() % 64)).map { _ in UInt8(truncatingIfNeeded: seeded.next()) }
            #expect(Cycle.hex(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        }
        #expect(Cycle.hashToken("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let token = Cycle.randomHex(32)
        #expect(token.count == 64 && token.allSatisfy(\.isHexDigit))
    }

    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
