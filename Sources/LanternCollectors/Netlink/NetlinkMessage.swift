/// Pure parsing of netlink datagrams: message headers (`struct nlmsghdr`) and the
/// type-length-value attributes (`struct rtattr` / `struct nlattr`, same layout) that
/// follow a family header. Every length comes from the kernel (or from a fixture) and is
/// checked against the bytes actually there: a truncated or lying length is an error or
/// the end of the walk, never a read out of bounds.

/// Netlink constants of the kernel ABI (linux/netlink.h, linux/rtnetlink.h); Glibc's
/// module map does not export these headers.
enum NetlinkConstants {
    static let headerSize = 16
    static let attributeHeaderSize = 4
    static let alignment = 4

    static let messageNoop: UInt16 = 1
    static let messageError: UInt16 = 2
    static let messageDone: UInt16 = 3

    static let flagRequest: UInt16 = 0x1
    static let flagMulti: UInt16 = 0x2
    static let flagDump: UInt16 = 0x300
    /// Nested attributes carry this bit in their type; it is not part of the type.
    static let nestedBit: UInt16 = 0x8000
    static let byteOrderBit: UInt16 = 0x4000
}

/// One netlink message: its header fields and the bytes after the header.
struct NetlinkMessage: Equatable {
    var type: UInt16
    var flags: UInt16
    var sequence: UInt32
    var portID: UInt32
    var payload: ArraySlice<UInt8>

    /// Splits a datagram into messages. A header whose length is smaller than the header
    /// or runs past the datagram is an error: the rest of the datagram cannot be trusted.
    static func split(_ datagram: ArraySlice<UInt8>) throws(KernelParseError) -> [NetlinkMessage] {
        var messages: [NetlinkMessage] = []
        var offset = datagram.startIndex
        while datagram.endIndex - offset >= NetlinkConstants.headerSize {
            let header = datagram[offset..<(offset + NetlinkConstants.headerSize)]
            guard let length = header.nativeUInt32(at: 0), let type = header.nativeUInt16(at: 4),
                  let flags = header.nativeUInt16(at: 6), let sequence = header.nativeUInt32(at: 8),
                  let portID = header.nativeUInt32(at: 12) else { break }
            guard length >= UInt32(NetlinkConstants.headerSize), UInt64(length) <= UInt64(datagram.endIndex - offset) else {
                throw KernelParseError("netlink message length \(length) does not fit the \(datagram.endIndex - offset) bytes left")
            }
            let end = offset + Int(length)
            messages.append(NetlinkMessage(
                type: type, flags: flags, sequence: sequence, portID: portID,
                payload: datagram[(offset + NetlinkConstants.headerSize)..<end]))
            offset = min(datagram.endIndex, end + aligned(Int(length)) - Int(length))
        }
        return messages
    }

    /// The errno of an NLMSG_ERROR message (0 is an acknowledgement), nil when truncated.
    var errorCode: Int32? {
        payload.nativeUInt32(at: 0).map { Int32(bitPattern: $0) }
    }
}

/// One attribute: its type (without the nested and byte-order bits) and its value.
struct NetlinkAttribute: Equatable {
    var type: UInt16
    var value: ArraySlice<UInt8>

    /// The attributes packed in `bytes`. The walk stops at the first attribute whose
    /// length is shorter than its header or longer than what is left, as the kernel's
    /// `nla_ok` does: what was read before it is kept.
    static func all(in bytes: ArraySlice<UInt8>) -> [NetlinkAttribute] {
        var attributes: [NetlinkAttribute] = []
        var offset = bytes.startIndex
        while bytes.endIndex - offset >= NetlinkConstants.attributeHeaderSize {
            let header = bytes[offset...]
            guard let length = header.nativeUInt16(at: 0), let rawType = header.nativeUInt16(at: 2) else { break }
            let size = Int(length)
            guard size >= NetlinkConstants.attributeHeaderSize, size <= bytes.endIndex - offset else { break }
            let type = rawType & ~(NetlinkConstants.nestedBit | NetlinkConstants.byteOrderBit)
            attributes.append(NetlinkAttribute(type: type, value: bytes[(offset + NetlinkConstants.attributeHeaderSize)..<(offset + size)]))
            offset = min(bytes.endIndex, offset + aligned(size))
        }
        return attributes
    }

    /// A NUL-terminated string value (interface names, aliases); bytes after the first NUL are ignored.
    var string: String {
        String(decoding: value.prefix { $0 != 0 }, as: UTF8.self)
    }
}

/// Rounds a length up to netlink's 4-byte alignment.
func aligned(_ length: Int) -> Int {
    (length + NetlinkConstants.alignment - 1) & ~(NetlinkConstants.alignment - 1)
}

extension ArraySlice<UInt8> {
    /// Fixed-size integers in host byte order (netlink's order) at an offset relative to
    /// the slice start; nil when the bytes are not all there.
    func nativeUInt16(at offset: Int) -> UInt16? { nativeInteger(at: offset) }
    func nativeUInt32(at offset: Int) -> UInt32? { nativeInteger(at: offset) }
    func nativeUInt64(at offset: Int) -> UInt64? { nativeInteger(at: offset) }

    private func nativeInteger<Value: FixedWidthInteger>(at offset: Int) -> Value? {
        let size = MemoryLayout<Value>.size
        guard offset >= 0, offset <= count - size else { return nil }
        return withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: Value.self) }
    }

    /// A big-endian 16-bit value (ports in inet_diag and ip_vs headers).
    func bigEndianUInt16(at offset: Int) -> UInt16? {
        nativeUInt16(at: offset).map { UInt16(bigEndian: $0) }
    }
}
