import Foundation
import JuesuanCore
@testable import JuesuanStore
import Testing

@Suite("store: hexadecimal of tokens and fingerprints")
struct HexTests {
    @Test("hex is the formatter's %02x for every byte and 500 seeded byte strings; a token hashes to its SHA-256")
    func hex() {
        #expect(Cycle.hex(Array(0...255)) == (0...255).map { String(format: "%02x", $0) }.joined())
        var seeded = SeededGenerator(seed: 20261205)
        for _ in 0..<500 {
            let bytes = (0..<Int(seeded.next() % 64)).map { _ in UInt8(truncatingIfNeeded: seeded.next()) }
            #expect(Cycle.hex(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        }
        #expect(Cycle.hashToken("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let token = Cycle.randomHex(32)
        #expect(token.count == 64 && token.allSatisfy(\.isHexDigit))
    }
}
