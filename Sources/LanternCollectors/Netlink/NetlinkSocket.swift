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

/// A netlink socket opened for one dump request and closed afterwards, as
/// node_exporter dials a new rtnetlink connection on every scrape.
struct NetlinkSocket: ~Copyable {
    /// Netlink protocol numbers (linux/netlink.h).
    static let route: Int32 = 0
    static let socketDiagnostics: Int32 = 4
    static let generic: Int32 = 16

    /// Large enough for any single datagram the kernel sends to a dump (it sizes them to
    /// the reader's page, at most 32 KiB), so a datagram is never cut.
    private static let receiveBufferSize = 64 * 1024
    /// A kernel that does not answer within this time fails the scrape instead of hanging it.
    private static let receiveTimeoutSeconds = 5

    private let descriptor: Int32

    init(protocol netlinkProtocol: Int32) throws(NetlinkError) {
        descriptor = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), netlinkProtocol)
        guard descriptor >= 0 else { throw .systemCall("socket") }
        var timeout = timeval(tv_sec: Self.receiveTimeoutSeconds, tv_usec: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    /// Sends `type` with NLM_F_REQUEST|NLM_F_DUMP and `body` (the family header and any
    /// request attributes), and returns every message of the answer up to NLMSG_DONE.
    func dump(type: UInt16, body: [UInt8], extraFlags: UInt16 = 0) throws(NetlinkError) -> [NetlinkMessage] {
        let sequence = UInt32(truncatingIfNeeded: time(nil))
        let request = Self.request(type: type, flags: NetlinkConstants.flagRequest | NetlinkConstants.flagDump | extraFlags,
                                   sequence: sequence, body: body)
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
                    return messages
                case NetlinkConstants.messageError:
                    let code = message.errorCode ?? EPROTO
                    if code == 0 { continue }
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
