import Glibc

/// The IPv4 and IPv6 addresses of the host's interfaces (getifaddrs), with node_exporter's
/// `node_network_address_info` labels: prefix length and Go's scope classification.
struct InterfaceAddress: Equatable {
    var device: String
    var address: String
    var prefixLength: Int
    var scope: String

    static func all() throws(NetlinkError) -> [InterfaceAddress] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { throw .systemCall("getifaddrs") }
        defer { freeifaddrs(list) }
        var result: [InterfaceAddress] = []
        var cursor = list
        while let entry = cursor?.pointee {
            cursor = entry.ifa_next
            guard let address = entry.ifa_addr, let mask = entry.ifa_netmask, let name = entry.ifa_name else { continue }
            let family = Int32(address.pointee.sa_family)
            let bytes: [UInt8]
            let maskBytes: [UInt8]
            switch family {
            case AF_INET:
                bytes = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { withUnsafeBytes(of: $0.pointee.sin_addr) { Array($0) } }
                maskBytes = mask.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { withUnsafeBytes(of: $0.pointee.sin_addr) { Array($0) } }
            case AF_INET6:
                bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) } }
                maskBytes = mask.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) } }
            default:
                continue
            }
            result.append(InterfaceAddress(
                device: String(cString: name), address: format(bytes, family: family),
                prefixLength: maskBytes.reduce(0) { $0 + $1.nonzeroBitCount }, scope: scope(of: bytes)))
        }
        return result
    }

    /// inet_ntop's text: dotted quad, or RFC 5952 IPv6 as Go's `IP.String` prints it.
    static func format(_ bytes: [UInt8], family: Int32) -> String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let ok = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &text, socklen_t(text.count)) } != nil
        return ok ? String(cString: text) : ""
    }

    /// Go's classification: loopback and link-local are "link-local", ff01::/16 is
    /// "interface-local", other unicast is "global", the rest (multicast, unspecified,
    /// broadcast) has no scope.
    static func scope(of bytes: [UInt8]) -> String {
        if bytes.count == 4 {
            if bytes[0] == 127 || (bytes[0] == 169 && bytes[1] == 254) || (bytes[0] == 224 && bytes[1] == 0 && bytes[2] == 0) {
                return "link-local"
            }
            let unspecified = bytes.allSatisfy { $0 == 0 }
            let broadcast = bytes.allSatisfy { $0 == 255 }
            let multicast = bytes[0] >= 224 && bytes[0] <= 239
            return unspecified || broadcast || multicast ? "" : "global"
        }
        guard bytes.count == 16 else { return "" }
        let loopback = bytes.dropLast().allSatisfy { $0 == 0 } && bytes[15] == 1
        let linkLocalUnicast = bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80
        let linkLocalMulticast = bytes[0] == 0xff && bytes[1] & 0x0f == 0x02
        if loopback || linkLocalUnicast || linkLocalMulticast { return "link-local" }
        if bytes[0] == 0xff && bytes[1] & 0x0f == 0x01 { return "interface-local" }
        let unspecified = bytes.allSatisfy { $0 == 0 }
        return unspecified || bytes[0] == 0xff ? "" : "global"
    }
}
