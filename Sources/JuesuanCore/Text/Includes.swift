extension StringProtocol {
    /// Whether this text contains `word`, by a byte scan of their UTF-8. Literal (no canonical
    /// equivalence: the readers NFKC-normalise first) and much cheaper than Foundation's
    /// `contains`, which goes through CFStringFind on every call.
    public func includes(_ word: String) -> Bool {
        let scan = { (haystack: UnsafeBufferPointer<UInt8>) -> Bool in
            var word = word
            return word.withUTF8 { needle in
                guard let first = needle.first else { return true }
                guard haystack.count >= needle.count else { return false }
                let last = haystack.count - needle.count
                var index = 0
                while index <= last {
                    if haystack[index] == first {
                        var offset = 1
                        while offset < needle.count && haystack[index + offset] == needle[offset] { offset += 1 }
                        if offset == needle.count { return true }
                    }
                    index += 1
                }
                return false
            }
        }
        if let found = utf8.withContiguousStorageIfAvailable(scan) { return found }
        return Array(utf8).withUnsafeBufferPointer(scan)
    }
}

/// CSV text.
public enum CSVText {
    /// `text` as a CSV field: quoted, with quotes doubled, when it holds a comma, a quote or a line break.
    public static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
