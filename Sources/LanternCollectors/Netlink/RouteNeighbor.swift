/// rtnetlink neighbour messages (RTM_NEWNEIGH answers to an RTM_GETNEIGH dump).
struct RouteNeighbor: Equatable {
    var interfaceIndex: Int32
    /// NUD_* bits of the entry.
    var state: UInt16

    static let getNeighbor: UInt16 = 30
    static let newNeighbor: UInt16 = 28
    /// `struct ndmsg`: family, pad, pad, ifindex, state, flags, type.
    static let headerSize = 12
    static let familyIPv4: UInt8 = 2

    static let stateNoARP: UInt16 = 0x40
    /// node_exporter's names of the NUD states; other values have an empty name.
    static let stateNames: [UInt16: String] = [
        0x01: "incomplete", 0x02: "reachable", 0x04: "stale", 0x08: "delay",
        0x10: "probe", 0x20: "failed", 0x40: "noarp", 0x80: "permanent",
    ]

    /// The IPv4 neighbour table, asked over `socket` (an rtnetlink one).
    static func dumpIPv4(on socket: NetlinkSocket) throws(NetlinkError) -> [RouteNeighbor] {
        var body = [UInt8](repeating: 0, count: headerSize)
        body[0] = familyIPv4
        return try socket.dump(type: getNeighbor, body: body).compactMap(parse)
    }

    /// One RTM_NEWNEIGH message; nil for other types or a body shorter than ndmsg.
    static func parse(_ message: NetlinkMessage) -> RouteNeighbor? {
        guard message.type == newNeighbor, message.payload.count >= headerSize,
              let index = message.payload.nativeUInt32(at: 4), let state = message.payload.nativeUInt16(at: 8) else { return nil }
        return RouteNeighbor(interfaceIndex: Int32(bitPattern: index), state: state)
    }
}
