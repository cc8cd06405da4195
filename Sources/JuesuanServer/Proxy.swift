import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed: addresses or
/// networks given to `juesuan serve --trust-proxy` (e.g. `127.0.0.1,10.0.0.0/8,::1`). Any other peer's
/// forwarding headers are ignored, and from a trusted peer the client is the right-most address
/// that is not itself a trusted proxy: entries further left were written by the client and prove
/// nothing.
public struct TrustedProxies: Sendable, Equatable {
    struct Network: Sendable, Equatable {
        var bytes: [UInt8]
        var prefix: Int
        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var left = prefix
            for (a, b) in zip(address, bytes) {
                if left <= 0 { return true }
                let mask: UInt8 = left >= 8 ? 0xFF : UInt8(truncatingIfNeeded: 0xFF << (8 - left))
                if a & mask != b & mask { return false }
                left -= 8
            }
            return true
        }
    }

    var networks: [Network] = []
    public init() {}

    public var isEmpty: Bool { networks.isEmpty }

    /// Parses a comma-separated list of addresses and CIDR networks; nil with the bad entry named.
    public init(parsing text: String) throws(ProxyListError) {
        for raw in text.split(separator: ",") {
            let entry = raw.trimmingCharacters(in: .whitespaces)
            guard !entry.isEmpty else { continue }
            let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
            guard let bytes = Self.bytes(parts[0]) else { throw ProxyListError(entry: entry) }
            var prefix = bytes.count * 8
            if parts.count == 2 {
                guard let value = Int(parts[1]), (0...bytes.count * 8).contains(value) else { throw ProxyListError(entry: entry) }
                prefix = value
            }
            networks.append(Network(bytes: bytes, prefix: prefix))
        }
    }

    /// The address as bytes (4 for IPv4, 16 for IPv6), or nil when it is not an address. An IPv4
    /// address mapped into IPv6 (`::ffff:a.b.c.d`) is its IPv4 address.
    static func bytes(_ text: String) -> [UInt8]? {
        guard text.utf8.count <= 64, !text.isEmpty else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            let all = withUnsafeBytes(of: &v6) { Array($0) }
            if all[0..<10].allSatisfy({ $0 == 0 }), all[10] == 0xFF, all[11] == 0xFF { return Array(all[12...]) }
            return all
        }
        return nil
    }

    public func trusts(_ address: String) -> Bool {
        guard let bytes = Self.bytes(address) else { return false }
        return networks.contains { $0.contains(bytes) }
    }

    /// The client's address: the peer itself unless it is a trusted proxy; then the right-most entry
    /// of `X-Forwarded-For` that is not a trusted proxy (a malformed entry ends the walk: the peer
    /// before it is taken).
    public func client(peer: String, forwardedFor: String?) -> String {
        guard trusts(peer), let forwardedFor else { return peer }
        var client = peer
        for entry in forwardedFor.split(separator: ",").reversed() {
            let address = entry.trimmingCharacters(in: .whitespaces)
            guard Self.bytes(address) != nil else { break }
            client = address
            if !trusts(address) { break }
        }
        return client
    }
}

public struct ProxyListError: Error, Sendable, CustomStringConvertible {
    public var entry: String
    public var description: String { "“\(entry)”不是 IP 地址或网段（如 127.0.0.1、10.0.0.0/8、::1）" }
}
