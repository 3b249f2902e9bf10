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
        try NetlinkSocket.dump(protocol: NetlinkSocket.route, type: getLink, body: [UInt8](repeating: 0, count: headerSize))
            .compactMap(parse)
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

/// `struct rtnl_link_stats64` / `rtnl_link_stats`: the counters in the kernel's field
/// order, under node_exporter's detailed names.
struct LinkStatistics: Equatable {
    static let names = [
        "receive_packets", "transmit_packets", "receive_bytes", "transmit_bytes", "receive_errors", "transmit_errors",
        "receive_dropped", "transmit_dropped", "multicast", "collisions", "receive_length_errors", "receive_over_errors",
        "receive_crc_errors", "receive_frame_errors", "receive_fifo_errors", "receive_missed_errors",
        "transmit_aborted_errors", "transmit_carrier_errors", "transmit_fifo_errors", "transmit_heartbeat_errors",
        "transmit_window_errors", "receive_compressed", "transmit_compressed", "receive_nohandler",
    ]
    /// Kernels before 4.6 have no rx_nohandler; shorter attributes are not link statistics.
    static let minimumFieldCount = 23

    /// One value per name (a counter the kernel did not send is 0). An array rather than
    /// named fields: the netdev collector walks them by position every scrape.
    var counters: [UInt64]

    /// nil when the attribute is too short to hold the counters every kernel sends.
    /// Fields newer than this struct (rx_otherhost_dropped, ...) are ignored.
    init?(counters bytes: ArraySlice<UInt8>, width: Int) {
        let available = bytes.count / width
        guard available >= Self.minimumFieldCount else { return nil }
        counters = (0..<Self.names.count).map { position in
            guard position < available else { return 0 }
            let offset = position * width
            return (width == 8 ? bytes.nativeUInt64(at: offset) : bytes.nativeUInt32(at: offset).map(UInt64.init)) ?? 0
        }
    }

    init() {
        counters = Array(repeating: 0, count: Self.names.count)
    }

    /// The counter of that detailed name.
    subscript(name: String) -> UInt64? {
        Self.names.firstIndex(of: name).map { counters[$0] }
    }
}
