import LanternSupport
/// Queueing disciplines (RTM_NEWQDISC answers to an RTM_GETQDISC dump), with the fields
/// of ema/qdisc's `QdiscInfo` that node_exporter exposes.
struct RouteQdisc: Equatable {
    var interfaceName: String
    var interfaceIndex: Int32 = 0
    /// 0 for a root qdisc (the kernel's TC_H_ROOT, 0xffffffff, is mapped to 0 as ema/qdisc does).
    var parent: UInt32 = 0
    var handle: UInt32 = 0
    var kind = ""
    var bytes: UInt64 = 0
    var packets: UInt32 = 0
    var drops: UInt32 = 0
    var requeues: UInt32 = 0
    var overlimits: UInt32 = 0
    var queueLength: UInt32 = 0
    var backlog: UInt32 = 0

    static let getQdisc: UInt16 = 38
    static let newQdisc: UInt16 = 36
    /// `struct tcmsg`: family, pads, ifindex, handle, parent, info.
    static let headerSize = 20
    static let attributeKind: UInt16 = 1
    static let attributeStats: UInt16 = 3
    static let attributeStats2: UInt16 = 7
    static let stats2Basic: UInt16 = 1
    static let stats2Queue: UInt16 = 3
    static let rootParent: UInt32 = 0xffff_ffff

    /// Every qdisc of the host, named after its interface (RTM_GETLINK).
    static func dump() throws(NetlinkError) -> [RouteQdisc] {
        let names = Dictionary(try RouteLink.dump().map { ($0.index, $0.name) }) { first, _ in first }
        var qdiscs: [RouteQdisc] = []
        for message in try NetlinkSocket.dump(protocol: NetlinkSocket.route, type: getQdisc, body: [UInt8](repeating: 0, count: headerSize)) {
            guard var qdisc = parse(message) else { continue }
            qdisc.interfaceName = names[qdisc.interfaceIndex] ?? ""
            qdiscs.append(qdisc)
        }
        return qdiscs
    }

    /// One RTM_NEWQDISC message, without its interface name; nil for other types or a body
    /// shorter than tcmsg. TCA_STATS2 and the legacy TCA_STATS are read in message order,
    /// the later one winning (requeues exist only in TCA_STATS2), as in ema/qdisc; a
    /// statistics block too short for its struct is ignored.
    static func parse(_ message: NetlinkMessage) -> RouteQdisc? {
        let body = message.payload
        guard message.type == newQdisc, body.count >= headerSize, let index = body.nativeUInt32(at: 4),
              let handle = body.nativeUInt32(at: 8), let parent = body.nativeUInt32(at: 12) else { return nil }
        var qdisc = RouteQdisc(interfaceName: "", interfaceIndex: Int32(bitPattern: index),
                               parent: parent == rootParent ? 0 : parent, handle: handle)
        for attribute in NetlinkAttribute.all(in: body.dropFirst(headerSize)) {
            switch attribute.type {
            case attributeKind:
                qdisc.kind = attribute.string
            case attributeStats2:
                for nested in NetlinkAttribute.all(in: attribute.value) {
                    let value = nested.value
                    if nested.type == stats2Basic, let bytes = value.nativeUInt64(at: 0), let packets = value.nativeUInt32(at: 8) {
                        qdisc.bytes = bytes
                        qdisc.packets = packets
                    } else if nested.type == stats2Queue, let overlimits = value.nativeUInt32(at: 16) {
                        qdisc.queueLength = value.nativeUInt32(at: 0) ?? 0
                        qdisc.backlog = value.nativeUInt32(at: 4) ?? 0
                        qdisc.drops = value.nativeUInt32(at: 8) ?? 0
                        qdisc.requeues = value.nativeUInt32(at: 12) ?? 0
                        qdisc.overlimits = overlimits
                    }
                }
            case attributeStats:
                // struct tc_stats: bytes, packets, drops, overlimits, bps, pps, qlen, backlog.
                let value = attribute.value
                guard let backlog = value.nativeUInt32(at: 32) else { continue }
                qdisc.bytes = value.nativeUInt64(at: 0) ?? 0
                qdisc.packets = value.nativeUInt32(at: 8) ?? 0
                qdisc.drops = value.nativeUInt32(at: 12) ?? 0
                qdisc.overlimits = value.nativeUInt32(at: 16) ?? 0
                qdisc.queueLength = value.nativeUInt32(at: 28) ?? 0
                qdisc.backlog = backlog
            default:
                break
            }
        }
        return qdisc
    }

    /// `results.json` of `--collector.qdisc.fixtures`: a JSON list of ema/qdisc `QdiscInfo`
    /// objects as Go's encoding/json reads them (field names matched ignoring case,
    /// absent fields zero, integers checked against their Go types).
    static func fixtures(_ text: String) throws(KernelParseError) -> [RouteQdisc] {
        var qdiscs: [RouteQdisc] = []
        for entry in try parseJSON(text).elements() {
            var qdisc = RouteQdisc(interfaceName: try entry.text("IfaceName"))
            qdisc.parent = UInt32(truncatingIfNeeded: try entry.unsigned("Parent", bits: 32))
            qdisc.handle = UInt32(truncatingIfNeeded: try entry.unsigned("Handle", bits: 32))
            qdisc.kind = try entry.text("Kind")
            qdisc.bytes = try entry.unsigned("Bytes")
            qdisc.packets = UInt32(truncatingIfNeeded: try entry.unsigned("Packets", bits: 32))
            qdisc.drops = UInt32(truncatingIfNeeded: try entry.unsigned("Drops", bits: 32))
            qdisc.requeues = UInt32(truncatingIfNeeded: try entry.unsigned("Requeues", bits: 32))
            qdisc.overlimits = UInt32(truncatingIfNeeded: try entry.unsigned("Overlimits", bits: 32))
            qdisc.queueLength = UInt32(truncatingIfNeeded: try entry.unsigned("Qlen", bits: 32))
            qdisc.backlog = UInt32(truncatingIfNeeded: try entry.unsigned("Backlog", bits: 32))
            qdiscs.append(qdisc)
        }
        return qdiscs
    }
}
