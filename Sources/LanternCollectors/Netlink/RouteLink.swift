/// rtnetlink link messages (RTM_NEWLINK answers to an RTM_GETLINK dump): interface
/// index, name, alias and counters.
struct RouteLink: Equatable {
    var index: Int32
    var name: String
    var alias: String?
    /// IFLA_STATS64, or IFLA_STATS widened when the kernel sent only the 32-bit set;
    /// nil when neither is there.
    var statistics: LinkStatistics?

    static let getLink: UInt16 = 18
    static let newLink: UInt16 = 16
    /// `struct ifinfomsg`: family, pad, type, index, flags, change.
    static let headerSize = 16
    static let attributeName: UInt16 = 3
    static let attributeStats: UInt16 = 7
    static let attributeAlias: UInt16 = 20
    static let attributeStats64: UInt16 = 23

    /// Every link of the host (of the network namespace the process is in).
    static func dump() throws(NetlinkError) -> [RouteLink] {
        let socket = try NetlinkSocket(protocol: NetlinkSocket.route)
        let messages = try socket.dump(type: getLink, body: [UInt8](repeating: 0, count: headerSize))
        return messages.compactMap(parse)
    }

    /// One RTM_NEWLINK message; nil for other types or a body shorter than ifinfomsg.
    static func parse(_ message: NetlinkMessage) -> RouteLink? {
        guard message.type == newLink, let index = message.payload.nativeUInt32(at: 4),
              message.payload.count >= headerSize else { return nil }
        var link = RouteLink(index: Int32(bitPattern: index), name: "", alias: nil, statistics: nil)
        var stats32: LinkStatistics?
        for attribute in NetlinkAttribute.all(in: message.payload.dropFirst(headerSize)) {
            switch attribute.type {
            case attributeName: link.name = attribute.string
            case attributeAlias: link.alias = attribute.string
            case attributeStats64: link.statistics = LinkStatistics(counters: attribute.value, width: 8)
            case attributeStats: stats32 = LinkStatistics(counters: attribute.value, width: 4)
            default: break
            }
        }
        if link.statistics == nil { link.statistics = stats32 }
        return link
    }
}

/// `struct rtnl_link_stats64` / `rtnl_link_stats`, in the kernel's field order.
struct LinkStatistics: Equatable {
    var receivePackets: UInt64 = 0
    var transmitPackets: UInt64 = 0
    var receiveBytes: UInt64 = 0
    var transmitBytes: UInt64 = 0
    var receiveErrors: UInt64 = 0
    var transmitErrors: UInt64 = 0
    var receiveDropped: UInt64 = 0
    var transmitDropped: UInt64 = 0
    var multicast: UInt64 = 0
    var collisions: UInt64 = 0
    var receiveLengthErrors: UInt64 = 0
    var receiveOverErrors: UInt64 = 0
    var receiveCRCErrors: UInt64 = 0
    var receiveFrameErrors: UInt64 = 0
    var receiveFIFOErrors: UInt64 = 0
    var receiveMissedErrors: UInt64 = 0
    var transmitAbortedErrors: UInt64 = 0
    var transmitCarrierErrors: UInt64 = 0
    var transmitFIFOErrors: UInt64 = 0
    var transmitHeartbeatErrors: UInt64 = 0
    var transmitWindowErrors: UInt64 = 0
    var receiveCompressed: UInt64 = 0
    var transmitCompressed: UInt64 = 0
    var receiveNoHandler: UInt64 = 0

    static let fields: [WritableKeyPath<LinkStatistics, UInt64> & Sendable] = [
        \.receivePackets, \.transmitPackets, \.receiveBytes, \.transmitBytes, \.receiveErrors, \.transmitErrors,
        \.receiveDropped, \.transmitDropped, \.multicast, \.collisions, \.receiveLengthErrors, \.receiveOverErrors,
        \.receiveCRCErrors, \.receiveFrameErrors, \.receiveFIFOErrors, \.receiveMissedErrors, \.transmitAbortedErrors,
        \.transmitCarrierErrors, \.transmitFIFOErrors, \.transmitHeartbeatErrors, \.transmitWindowErrors,
        \.receiveCompressed, \.transmitCompressed, \.receiveNoHandler,
    ]
    /// Kernels before 4.6 have no rx_nohandler; shorter attributes are not link statistics.
    static let minimumFieldCount = 23

    /// nil when the attribute is too short to hold the counters every kernel sends.
    /// Fields newer than this struct (rx_otherhost_dropped, ...) are ignored.
    init?(counters: ArraySlice<UInt8>, width: Int) {
        let available = counters.count / width
        guard available >= Self.minimumFieldCount else { return nil }
        for (position, field) in Self.fields.enumerated() where position < available {
            let offset = position * width
            let value = width == 8 ? counters.nativeUInt64(at: offset) : counters.nativeUInt32(at: offset).map(UInt64.init)
            self[keyPath: field] = value ?? 0
        }
    }

    init() {}
}
