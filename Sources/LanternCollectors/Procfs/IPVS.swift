import Glibc

/// `/proc/net/ip_vs_stats`: the totals since IPVS was loaded (hexadecimal in the file).
public struct IPVSStats: Sendable, Hashable {
    public var connections: UInt64
    public var incomingPackets: UInt64
    public var outgoingPackets: UInt64
    public var incomingBytes: UInt64
    public var outgoingBytes: UInt64
}

/// One virtual/real server pair of `/proc/net/ip_vs`.
public struct IPVSBackend: Sendable, Hashable {
    /// Empty for firewall-mark services, which have no address.
    public var localAddress: String
    public var localPort: UInt16
    /// Set for `FWM` services only.
    public var localMark: String
    public var proto: String
    public var remoteAddress: String
    public var remotePort: UInt16
    public var activeConnections: UInt64
    public var inactiveConnections: UInt64
    public var weight: UInt64
}

/// Parsers for the two IPVS files, as procfs's `parseIPVSStats` / `parseIPVSBackendStatus`.
public enum ProcIPVS {
    /// The third line holds the five totals.
    public static func stats(_ text: String) throws(KernelParseError) -> IPVSStats {
        let parts = text.split(separator: "\n", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4 else { throw KernelParseError("ip_vs_stats corrupt: too short") }
        let values = fields(parts[2])
        guard values.count == 5 else { throw KernelParseError("ip_vs_stats corrupt: unexpected number of fields") }
        let names = ["connections", "incoming packets", "outgoing packets", "incoming bytes", "outgoing bytes"]
        var numbers: [UInt64] = []
        for (value, name) in zip(values, names) {
            guard let number = hexadecimal(value) else { throw KernelParseError("invalid \(name) \"\(value)\": not a hexadecimal integer") }
            numbers.append(number)
        }
        return IPVSStats(connections: numbers[0], incomingPackets: numbers[1], outgoingPackets: numbers[2],
                         incomingBytes: numbers[3], outgoingBytes: numbers[4])
    }

    /// Service lines (`TCP`/`UDP` address:port, or `FWM` mark) followed by their `->` real servers.
    /// Header lines, unknown service types and short lines are skipped as procfs does.
    public static func backends(_ text: String) throws(KernelParseError) -> [IPVSBackend] {
        var result: [IPVSBackend] = []
        var proto = ""
        var localMark = ""
        var localAddress = ""
        var localPort: UInt16 = 0
        for line in lines(text) {
            let columns = fields(line)
            guard columns.count >= 2 else { continue }
            switch columns[0] {
            case "IP", "Prot":
                continue
            case _ where columns[1] == "RemoteAddress:Port":
                continue
            case "TCP", "UDP":
                proto = String(columns[0])
                localMark = ""
                (localAddress, localPort) = try addressAndPort(columns[1])
            case "FWM":
                proto = "FWM"
                localMark = String(columns[1])
                localAddress = ""
                localPort = 0
            case "->":
                guard columns.count >= 6 else { continue }
                let (remoteAddress, remotePort) = try addressAndPort(columns[1])
                result.append(IPVSBackend(
                    localAddress: localAddress, localPort: localPort, localMark: localMark, proto: proto,
                    remoteAddress: remoteAddress, remotePort: remotePort,
                    activeConnections: try parseUInt(columns[4], field: "active connections"),
                    inactiveConnections: try parseUInt(columns[5], field: "inactive connections"),
                    weight: try parseUInt(columns[3], field: "weight")))
            default:
                continue
            }
        }
        return result
    }

    /// `C0A80016:0CEA` (IPv4 in hex) or `[2620:0000:...:0001]:0050` (full IPv6), with the
    /// address printed as Go's `net.IP.String` does.
    static func addressAndPort(_ text: Substring) throws(KernelParseError) -> (String, UInt16) {
        let characters = Array(text.utf8)
        var bytes = [UInt8](repeating: 0, count: 16)
        let family: Int32
        switch characters.count {
        case 13:
            var value: [UInt8] = []
            for index in stride(from: 0, to: 8, by: 2) {
                guard let byte = hexadecimal(text.utf8.dropFirst(index).prefix(2)) else {
                    throw KernelParseError("invalid IP:Port \"\(text)\": not hexadecimal")
                }
                value.append(UInt8(truncatingIfNeeded: byte))
            }
            bytes = value
            family = AF_INET
        case 46:
            let address = String(decoding: characters[1..<40], as: UTF8.self)
            let parsed = bytes.withUnsafeMutableBytes { inet_pton(AF_INET6, address, $0.baseAddress) }
            guard parsed == 1 else { throw KernelParseError("invalid IPv6 address: \(address)") }
            family = AF_INET6
        default:
            throw KernelParseError("unexpected IP:Port: \(text)")
        }
        guard let port = hexadecimal(text.utf8.suffix(4)).map({ UInt16(truncatingIfNeeded: $0) }) else {
            throw KernelParseError("invalid IP:Port \"\(text)\": port is not hexadecimal")
        }
        return (goAddressString(bytes, family: family), port)
    }

    /// Digits only, as Go's `strconv.ParseUint(s, 16, 64)` and `hex.DecodeString` accept them
    /// (Swift's own parser would also take a leading `+`). At most 16 digits, so no overflow.
    static func hexadecimal<Digits: Collection<UInt8>>(_ digits: Digits) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 16 else { return nil }
        var value: UInt64 = 0
        for digit in digits {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | UInt64(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value << 4 | UInt64(digit - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = value << 4 | UInt64(digit - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }
        return value
    }

    static func hexadecimal(_ text: Substring) -> UInt64? { hexadecimal(text.utf8) }

    /// Go prints an IPv4-mapped IPv6 address as a dotted quad; inet_ntop would not.
    static func goAddressString(_ bytes: [UInt8], family: Int32) -> String {
        if family == AF_INET6, bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return InterfaceAddress.format(Array(bytes[12...]), family: AF_INET)
        }
        return InterfaceAddress.format(bytes, family: family)
    }
}
