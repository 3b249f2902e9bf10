import Glibc

/// NETLINK_SOCK_DIAG (inet_diag): the kernel's table of TCP sockets of one address
/// family, one `struct inet_diag_msg` per socket, as `ss` and node_exporter read it.
struct InetDiagSocket: Equatable {
    /// The kernel's TCP state number (TCP_ESTABLISHED = 1 ... TCP_CLOSING = 11).
    var state: UInt8
    /// Bytes received and not read yet (for a listener: connections waiting for accept).
    var receiveQueue: UInt32
    /// Bytes sent and not acknowledged yet (for a listener: its backlog limit).
    var sendQueue: UInt32
    /// idiag_sport and idiag_dport, in host order: which socket this is.
    var sourcePort: UInt16
    var destinationPort: UInt16

    static let socketDiagByFamily: UInt16 = 20
    /// `struct inet_diag_req_v2`: family, protocol, ext, pad, states, inet_diag_sockid.
    static let requestSize = 56
    /// Offsets of idiag_state, idiag_rqueue and idiag_wqueue in `struct inet_diag_msg`.
    static let stateOffset = 1
    static let sourcePortOffset = 4
    static let destinationPortOffset = 6
    static let receiveQueueOffset = 56
    static let sendQueueOffset = 60
    /// Every TCP state bit (TCPF_ALL).
    static let allStates: UInt32 = 0xfff
    /// Ask for INET_DIAG_INFO too, as node_exporter does (the answer ignores it).
    static let infoExtension: UInt8 = 1 << (2 - 1)

    /// Every TCP socket of `family` (AF_INET or AF_INET6) in this network namespace.
    static func dumpTCP(family: Int32) throws(NetlinkError) -> [InetDiagSocket] {
        try NetlinkSocket.dump(protocol: NetlinkSocket.socketDiagnostics, type: socketDiagByFamily, body: request(family: family))
            .compactMap(parse)
    }

    static func request(family: Int32) -> [UInt8] {
        var body = [UInt8(truncatingIfNeeded: family), UInt8(IPPROTO_TCP), infoExtension, 0]
        body.appendNative(allStates)
        body += [UInt8](repeating: 0, count: requestSize - body.count)
        return body
    }

    /// One SOCK_DIAG_BY_FAMILY answer; nil for another type or a body too short to hold
    /// the queue sizes.
    static func parse(_ message: NetlinkMessage) -> InetDiagSocket? {
        let body = message.payload
        guard message.type == socketDiagByFamily, body.count > stateOffset,
              let receiveQueue = body.nativeUInt32(at: receiveQueueOffset),
              let sendQueue = body.nativeUInt32(at: sendQueueOffset),
              let sourcePort = body.bigEndianUInt16(at: sourcePortOffset),
              let destinationPort = body.bigEndianUInt16(at: destinationPortOffset) else { return nil }
        return InetDiagSocket(
            state: body[body.startIndex + stateOffset], receiveQueue: receiveQueue, sendQueue: sendQueue,
            sourcePort: sourcePort, destinationPort: destinationPort)
    }
}
