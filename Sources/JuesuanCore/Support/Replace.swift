/// Every occurrence of each pattern replaced, in one pass over the UTF-8 bytes (patterns tried in order at
/// each place; a match is skipped over). Foundation's `replacingOccurrences` goes through NSString and was
/// a third of a review page's time on a large report.
public enum Replace {
    public static func all(_ text: String, _ pairs: [(String, String)]) -> String {
        let patterns = pairs.map { (Array($0.0.utf8), Array($0.1.utf8)) }.filter { !$0.0.isEmpty }
        guard !patterns.isEmpty else { return text }
        let firsts = Set(patterns.map { $0.0[0] })
        var bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 16)
        var index = 0
        let count = bytes.count
        outer: while index < count {
            let byte = bytes[index]
            if firsts.contains(byte) {
                for (pattern, replacement) in patterns where pattern[0] == byte && index + pattern.count <= count {
                    var same = true
                    for offset in 1..<max(1, pattern.count) where bytes[index + offset] != pattern[offset] {
                        same = false
                        break
                    }
                    if same {
                        out.append(contentsOf: replacement)
                        index += pattern.count
                        continue outer
                    }
                }
            }
            out.append(byte)
            index += 1
        }
        bytes = []
        return String(decoding: out, as: UTF8.self)
    }
}
