import Foundation

/// Which peer addresses `deny_private_networks` refuses: loopback, private, link-local,
/// shared (CGNAT), unspecified, multicast and broadcast ranges, for IPv4 and IPv6 (IPv4-mapped
/// IPv6 addresses are judged as IPv4). A sorted table of prefixes, not branches.
enum AddressPolicy {
    /// IPv4 prefixes as (first address, prefix length).
    static let deniedIPv4: [(UInt32, Int)] = [
        (0x0000_0000, 8),  // 0.0.0.0/8 "this network"
        (0x0A00_0000, 8),  // 10.0.0.0/8 private
        (0x6440_0000, 10),  // 100.64.0.0/10 shared address space
        (0x7F00_0000, 8),  // 127.0.0.0/8 loopback
        (0xA9FE_0000, 16),  // 169.254.0.0/16 link-local
        (0xAC10_0000, 12),  // 172.16.0.0/12 private
        (0xC000_0000, 24),  // 192.0.0.0/24 IETF protocol assignments
        (0xC0A8_0000, 16),  // 192.168.0.0/16 private
        (0xC612_0000, 15),  // 198.18.0.0/15 benchmarking
        (0xE000_0000, 3),  // 224.0.0.0/3 multicast, reserved, broadcast
    ]

    /// True when an IPv4 address (4 bytes, network order) is in a denied range.
    static func isDenied(ipv4 bytes: [UInt8]) -> Bool {
        guard bytes.count == 4 else { return true }
        let address = bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return deniedIPv4.contains { base, length in
            let mask: UInt32 = length == 0 ? 0 : ~UInt32(0) << (32 - length)
            return address & mask == base
        }
    }

    /// True when an IPv6 address (16 bytes, network order) is in a denied range.
    static func isDenied(ipv6 bytes: [UInt8]) -> Bool {
        guard bytes.count == 16 else { return true }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return isDenied(ipv4: Array(bytes[12..<16]))  // ::ffff:a.b.c.d
        }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) { return true }  // :: and ::1
        if bytes[0] & 0xFE == 0xFC { return true }  // fc00::/7 unique local
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return true }  // fe80::/10 link-local
        if bytes[0] == 0xFF { return true }  // ff00::/8 multicast
        return false
    }

    /// Judges an address in text form (as `CURLINFO_PRIMARY_IP` gives it); nil if unparsable.
    static func isDenied(text: String) -> Bool? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return isDenied(ipv4: withUnsafeBytes(of: v4) { Array($0) })
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return isDenied(ipv6: withUnsafeBytes(of: v6) { Array($0) })
        }
        return nil
    }
}
