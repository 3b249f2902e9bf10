/// Appends the integer encodings Prometheus' TSDB files use: big-endian fixed width and
/// Go's `encoding/binary` varints (zig-zag for signed).
struct ByteEncoder {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    var count: Int { bytes.count }

    mutating func putByte(_ value: UInt8) { bytes.append(value) }

    mutating func putBE16(_ value: UInt16) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    mutating func putBE32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    mutating func putBE64(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    mutating func putUvarint(_ value: UInt64) { appendUvarint(value, to: &bytes) }

    mutating func putVarint(_ value: Int64) { putUvarint(zigZag(value)) }

    mutating func putUvarintString(_ string: String) {
        putUvarint(UInt64(string.utf8.count))
        bytes.append(contentsOf: string.utf8)
    }

    mutating func putBytes(_ other: some Sequence<UInt8>) { bytes.append(contentsOf: other) }

    /// Zero bytes up to the next multiple of `alignment`.
    mutating func pad(to alignment: Int) {
        let remainder = bytes.count % alignment
        if remainder != 0 { bytes.append(contentsOf: repeatElement(0, count: alignment - remainder)) }
    }

    /// Appends the CRC-32C of `bytes[start...]`.
    mutating func putChecksum(from start: Int) {
        putBE32(CRC32C.checksum(bytes[start...]))
    }
}

func zigZag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }

func appendUvarint(_ value: UInt64, to bytes: inout [UInt8]) {
    var rest = value
    while rest >= 0x80 {
        bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
        rest >>= 7
    }
    bytes.append(UInt8(rest))
}
