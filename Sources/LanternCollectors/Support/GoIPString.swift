/// Go's `net.IP.String` and `net.IPNet.String`, for labels that must read as
/// node_exporter prints them (glibc's inet_ntop differs on IPv4-mapped and
/// IPv4-compatible IPv6 addresses).
enum GoIPString {
    /// Dotted quad for 4 bytes and for IPv4-mapped 16 bytes (::ffff:a.b.c.d), RFC 5952
    /// for other 16 bytes, "" for none, and Go's "?" plus hex for any other length.
    static func address(_ bytes: [UInt8]) -> String {
        if let ipv4 = ipv4(bytes) { return ipv4.map(String.init).joined(separator: ".") }
        guard bytes.count == 16 else {
            return bytes.isEmpty ? "<nil>" : "?" + bytes.map { hex($0, width: 2) }.joined()
        }
        let groups = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        // The longest run of at least two zero groups, the first one on a tie, becomes "::".
        var bestStart = -1, bestLength = 0, index = 0
        while index < groups.count {
            var end = index
            while end < groups.count && groups[end] == 0 { end += 1 }
            if end - index > bestLength && end - index >= 2 { (bestStart, bestLength) = (index, end - index) }
            index = end == index ? index + 1 : end
        }
        var text = ""
        index = 0
        while index < groups.count {
            if index == bestStart {
                text += "::"
                index += bestLength
                continue
            }
            if !text.isEmpty && !text.hasSuffix(":") { text += ":" }
            text += hex(groups[index], width: 1)
            index += 1
        }
        return text
    }

    /// `IPNet{IP: bytes, Mask: CIDRMask(prefixLength, bits)}.String()`: the masked network
    /// and its prefix length; "<nil>" where Go's IPNet has no valid network or mask.
    static func network(_ bytes: [UInt8], prefixLength: Int) -> String {
        let network = ipv4(bytes) ?? bytes
        guard network.count == 4 || network.count == 16, prefixLength >= 0, prefixLength <= network.count * 8 else { return "<nil>" }
        var masked = network
        for position in masked.indices {
            let bitsHere = min(8, max(0, prefixLength - position * 8))
            masked[position] &= bitsHere == 0 ? 0 : UInt8(truncatingIfNeeded: 0xff << (8 - bitsHere))
        }
        return address(masked) + "/" + String(prefixLength)
    }

    /// The four IPv4 bytes of a 4-byte or IPv4-mapped 16-byte address (Go's `To4`).
    private static func ipv4(_ bytes: [UInt8]) -> [UInt8]? {
        if bytes.count == 4 { return bytes }
        guard bytes.count == 16, bytes.prefix(10).allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff else { return nil }
        return Array(bytes.suffix(4))
    }

    private static func hex<Value: BinaryInteger>(_ value: Value, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
