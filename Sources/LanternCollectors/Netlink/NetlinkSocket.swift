import Glibc
import Synchronization

/// A netlink request failed: the socket, the kernel's answer, or what it contained.
struct NetlinkError: Error, CustomStringConvertible {
    let description: String
    /// The errno behind the failure, when there is one (EPERM, ENOENT, EOPNOTSUPP, ...).
    let errno: Int32?

    init(_ description: String, errno: Int32? = nil) {
        self.description = description
        self.errno = errno
    }

    static func systemCall(_ call: String) -> NetlinkError {
        let code = Glibc.errno
        let message = strerror(code).map { String(cString: $0) } ?? "errno \(code)"
        return NetlinkError("netlink \(call): \(message)", errno: code)
    }
}

/// A netlink socket. Sockets are kept open between dumps (`withKept`): opening one,
/// setting its timeout and closing it were three system calls per dump, each scrape.
/// node_exporter dials a new rtnetlink connection every scrape; the answers are the same.
// @unchecked: one thread at a time uses a socket (taken out of the kept list first).
final class NetlinkSocket: @unchecked Sendable {
    /// Netlink protocol numbers (linux/netlink.h).
    static let route: Int32 = 0
    static let socketDiagnostics: Int32 = 4
    static let generic: Int32 = 16

    /// Large enough for any single datagram the kernel sends to a dump (it sizes them to
    /// the reader's page, at most 32 KiB), so a datagram is never cut.
    private static let receiveBufferSize = 64 * 1024
    /// A kernel that does not answer within this time fails the scrape instead of hanging it.
    private static let receiveTimeoutSeconds = 5
    /// Sequence numbers, one per request of the process: a message left from an earlier
    /// request on a kept socket never passes for an answer to the current one.
    private static let sequences = Atomic<UInt32>(UInt32(truncatingIfNeeded: time(nil)))

    let netlinkProtocol: Int32
    private let descriptor: Int32
    /// False from a request until its answer has been read to the end: only then can the
    /// socket carry another request.
    private var isClean = true

    init(protocol netlinkProtocol: Int32) throws(NetlinkError) {
        self.netlinkProtocol = netlinkProtocol
        descriptor = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), netlinkProtocol)
        guard descriptor >= 0 else { throw .systemCall("socket") }
        var timeout = timeval(tv_sec: Self.receiveTimeoutSeconds, tv_usec: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    /// Runs `body` with a socket of `netlinkProtocol`: a kept one when there is one, else
    /// a new one, kept afterwards when its last answer was read to the end.
    static func withKept<Result>(
        protocol netlinkProtocol: Int32, _ body: (NetlinkSocket) throws(NetlinkError) -> Result
    ) throws(NetlinkError) -> Result {
        let socket: NetlinkSocket
        if let kept = KeptNetlinkSockets.take(protocol: netlinkProtocol) {
            socket = kept
        } else {
            socket = try NetlinkSocket(protocol: netlinkProtocol)
        }
        defer { if socket.isClean { KeptNetlinkSockets.give(socket) } }
        return try body(socket)
    }

    /// One dump on a kept socket of `netlinkProtocol` (see `dump(type:body:)`).
    static func dump(protocol netlinkProtocol: Int32, type: UInt16, body: [UInt8]) throws(NetlinkError) -> [NetlinkMessage] {
        try withKept(protocol: netlinkProtocol) { socket throws(NetlinkError) in try socket.dump(type: type, body: body) }
    }

    /// Sends `type` with NLM_F_REQUEST|NLM_F_DUMP and `body` (the family header and any
    /// request attributes), and returns every message of the answer up to NLMSG_DONE.
    func dump(type: UInt16, body: [UInt8]) throws(NetlinkError) -> [NetlinkMessage] {
        let sequence = Self.sequences.add(1, ordering: .relaxed).newValue
        let request = Self.request(type: type, flags: NetlinkConstants.flagRequest | NetlinkConstants.flagDump,
                                   sequence: sequence, body: body)
        isClean = false
        let sent = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
        guard sent == request.count else { throw .systemCall("send") }

        var messages: [NetlinkMessage] = []
        let buffer = ReceiveBuffers.take(byteCount: Self.receiveBufferSize)
        defer { ReceiveBuffers.give(buffer) }
        while true {
            let received = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if received < 0 {
                if Glibc.errno == EINTR { continue }
                throw .systemCall("recv")
            }
            guard received > 0 else { throw NetlinkError("netlink: the kernel closed the dump without NLMSG_DONE") }
            // The messages keep slices of the datagram: copy just what arrived.
            let datagram = Array(UnsafeRawBufferPointer(rebasing: buffer[..<received]))
            let batch: [NetlinkMessage]
            do {
                batch = try NetlinkMessage.split(datagram[...])
            } catch {
                throw NetlinkError("netlink: \(error.reason)")
            }
            for message in batch where message.sequence == sequence {
                switch message.type {
                case NetlinkConstants.messageDone:
                    isClean = true
                    return messages
                case NetlinkConstants.messageError:
                    let code = message.errorCode ?? EPROTO
                    if code == 0 { continue }
                    // The kernel's refusal ends its answer: nothing more comes for it.
                    isClean = true
                    let reason = strerror(-code).map { String(cString: $0) } ?? "errno \(-code)"
                    throw NetlinkError("netlink request \(type): \(reason)", errno: -code)
                case NetlinkConstants.messageNoop:
                    continue
                default:
                    messages.append(message)
                }
            }
        }
    }

    /// The name of the network device with interface index `index` (SIOCGIFNAME, which any
    /// socket answers: no socket of its own per device, as `if_indextoname` opens); nil
    /// when no device has it (it went away).
    func interfaceName(ofIndex index: Int32) -> String? {
        guard index > 0 else { return nil }
        var request = ifreq()
        request.ifr_ifru.ifru_ivalue = index
        guard ioctl(descriptor, UInt(SIOCGIFNAME), &request) == 0 else { return nil }
        return withUnsafeBytes(of: request.ifr_ifrn.ifrn_name) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// A request datagram: the 16-byte header followed by `body`, padded to 4 bytes.
    static func request(type: UInt16, flags: UInt16, sequence: UInt32, body: [UInt8]) -> [UInt8] {
        let length = NetlinkConstants.headerSize + body.count
        var bytes: [UInt8] = []
        bytes.reserveCapacity(aligned(length))
        bytes.appendNative(UInt32(length))
        bytes.appendNative(type)
        bytes.appendNative(flags)
        bytes.appendNative(sequence)
        bytes.appendNative(UInt32(0))
        bytes += body
        bytes += [UInt8](repeating: 0, count: aligned(length) - length)
        return bytes
    }
}

extension Array<UInt8> {
    /// Appends an integer in host byte order, as netlink headers and attributes are laid out.
    mutating func appendNative<Value: FixedWidthInteger>(_ value: Value) {
        Swift.withUnsafeBytes(of: value) { append(contentsOf: $0) }
    }

    /// Appends one attribute (header, value, padding).
    mutating func appendAttribute(type: UInt16, value: [UInt8]) {
        appendNative(UInt16(NetlinkConstants.attributeHeaderSize + value.count))
        appendNative(type)
        append(contentsOf: value)
        append(contentsOf: [UInt8](repeating: 0, count: aligned(value.count) - value.count))
    }
}

/// Receive buffers kept between dumps. A fresh 64 KiB heap buffer per dump went back to
/// the kernel when freed (glibc trims the heap top) and was faulted in again on the next
/// scrape; a kept one stays mapped. Left uninitialized: recv writes what is read. At most
/// `spareLimit` are kept: one per dump running at once, which is one or two.
private enum ReceiveBuffers {
    /// A kept buffer; only one dump uses it at a time (taken out of the list first).
    private struct Spare: @unchecked Sendable {
        let buffer: UnsafeMutableRawBufferPointer
    }

    private static let spareLimit = 4
    private static let spares = Mutex<[Spare]>([])

    static func take(byteCount: Int) -> UnsafeMutableRawBufferPointer {
        spares.withLock { $0.popLast() }?.buffer ?? .allocate(byteCount: byteCount, alignment: 8)
    }

    static func give(_ buffer: UnsafeMutableRawBufferPointer) {
        let spare = Spare(buffer: buffer)
        let kept = spares.withLock { spares in
            guard spares.count < spareLimit else { return false }
            spares.append(spare)
            return true
        }
        if !kept { buffer.deallocate() }
    }
}

/// Netlink sockets between dumps. At most `limit` are kept: one per protocol and dump
/// running at once, which is a few; the rest are closed.
private enum KeptNetlinkSockets {
    private static let limit = 8
    private static let idle = Mutex<[NetlinkSocket]>([])

    static func take(protocol netlinkProtocol: Int32) -> NetlinkSocket? {
        idle.withLock { sockets in
            sockets.firstIndex { $0.netlinkProtocol == netlinkProtocol }.map { sockets.remove(at: $0) }
        }
    }

    static func give(_ socket: NetlinkSocket) {
        idle.withLock { sockets in
            if sockets.count < limit { sockets.append(socket) }
        }
    }
}
