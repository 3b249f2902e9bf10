/// rtnetlink routes (RTM_NEWROUTE answers to an RTM_GETROUTE dump of every family and
/// table), with the fields jsimonetti/rtnetlink decodes for node_exporter.
struct Route: Equatable {
    struct NextHop: Equatable {
        var interfaceIndex: UInt32
        /// rtnh_hops: the weight minus one.
        var hops: UInt8
        var gateway: [UInt8]?
    }

    var family: UInt8
    var destinationLength: UInt8
    var protocolNumber: UInt8
    /// rtm_type: RTN_UNICAST (1), RTN_LOCAL (2), RTN_BROADCAST (3), ...
    var type: UInt8
    var destination: [UInt8]?
    /// RTA_PREFSRC, what `ip route` prints as "src".
    var preferredSource: [UInt8]?
    var gateway: [UInt8]?
    var outputInterface: UInt32 = 0
    var priority: UInt32 = 0
    var nextHops: [NextHop] = []

    static let getRoute: UInt16 = 26
    static let newRoute: UInt16 = 24
    static let unicast: UInt8 = 1
    /// `struct rtmsg`: family, dst_len, src_len, tos, table, protocol, scope, type, flags.
    static let headerSize = 12
    /// `struct rtnexthop`: len, flags, hops, ifindex.
    static let nextHopHeaderSize = 8
    static let attributeDestination: UInt16 = 1
    static let attributeOutputInterface: UInt16 = 4
    static let attributeGateway: UInt16 = 5
    static let attributePriority: UInt16 = 6
    static let attributePreferredSource: UInt16 = 7
    static let attributeMultipath: UInt16 = 9

    /// Every route of every table, IPv4 and IPv6 (an AF_UNSPEC dump).
    static func dump() throws(NetlinkError) -> [Route] {
        var routes: [Route] = []
        for message in try NetlinkSocket.dump(protocol: NetlinkSocket.route, type: getRoute, body: [UInt8](repeating: 0, count: headerSize)) {
            do {
                if let route = try parse(message) { routes.append(route) }
            } catch {
                throw NetlinkError("rtnetlink route: \(error.reason)")
            }
        }
        return routes
    }

    /// One RTM_NEWROUTE message; nil for other types. An address attribute that is neither
    /// 4 nor 16 bytes, a body shorter than rtmsg or a next hop overrunning its attribute
    /// is an error, as in rtnetlink (which then fails the whole dump).
    static func parse(_ message: NetlinkMessage) throws(KernelParseError) -> Route? {
        guard message.type == newRoute else { return nil }
        let body = message.payload
        guard body.count >= headerSize else { throw KernelParseError("route message of \(body.count) bytes is shorter than rtmsg") }
        let start = body.startIndex
        var route = Route(family: body[start], destinationLength: body[start + 1], protocolNumber: body[start + 5], type: body[start + 7])
        for attribute in NetlinkAttribute.all(in: body.dropFirst(headerSize)) {
            switch attribute.type {
            case attributeDestination: route.destination = try address(attribute, "destination")
            case attributePreferredSource: route.preferredSource = try address(attribute, "preferred source")
            case attributeGateway: route.gateway = try address(attribute, "gateway")
            case attributeOutputInterface: route.outputInterface = attribute.value.nativeUInt32(at: 0) ?? 0
            case attributePriority: route.priority = attribute.value.nativeUInt32(at: 0) ?? 0
            case attributeMultipath: route.nextHops = try nextHops(attribute.value)
            default: break
            }
        }
        return route
    }

    /// RTA_MULTIPATH: `struct rtnexthop` records, each followed by its own attributes.
    static func nextHops(_ bytes: ArraySlice<UInt8>) throws(KernelParseError) -> [NextHop] {
        var hops: [NextHop] = []
        var offset = 0
        while bytes.count - offset >= nextHopHeaderSize {
            let record = bytes.dropFirst(offset)
            guard let length = record.nativeUInt16(at: 0), let interfaceIndex = record.nativeUInt32(at: 4) else { break }
            guard Int(length) >= nextHopHeaderSize, Int(length) <= record.count else {
                throw KernelParseError("multipath next hop length \(length) does not fit the \(record.count) bytes left")
            }
            var hop = NextHop(interfaceIndex: interfaceIndex, hops: record[record.startIndex + 3], gateway: nil)
            for attribute in NetlinkAttribute.all(in: record.prefix(Int(length)).dropFirst(nextHopHeaderSize))
            where attribute.type == attributeGateway {
                hop.gateway = try address(attribute, "next hop gateway")
            }
            hops.append(hop)
            offset += aligned(Int(length))
        }
        return hops
    }

    private static func address(_ attribute: NetlinkAttribute, _ what: String) throws(KernelParseError) -> [UInt8] {
        guard attribute.value.count == 4 || attribute.value.count == 16 else {
            throw KernelParseError("route \(what) address of \(attribute.value.count) bytes")
        }
        return Array(attribute.value)
    }
}
