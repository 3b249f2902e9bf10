/// Bit-level writer of Gorilla chunks: most significant bit first, the last byte
/// partially filled (`freeBitsInLastByte` of its low bits still unused).
struct BitWriter {
    var bytes: [UInt8]
    /// A byte, not an `Int`: the writer sits in every head series' slot (see MemorySeries).
    private(set) var freeBitsInLastByte: UInt8 = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// The low `count` bits of `value` (1...64), highest first, a byte at a time.
    /// Prometheus' bstream.writeBits emits whole bytes with writeByte, which always opens a
    /// new last byte: so when `count` is a multiple of 8 and the stream ends aligned, an
    /// empty byte is opened here too. It matters only when the chunk ends there (the next
    /// write would fill that byte anyway), and it decides the chunk's length.
    mutating func writeBits(_ value: UInt64, count: Int) {
        var pending = value &<< UInt64(64 - count)  // the field's bits at the top, zeros below
        var left = count
        // Grown by a quarter (at least 16 bytes), not doubled: an open head chunk is half
        // full on average, so a doubled buffer, or one reserved for the whole chunk, left
        // about half of every series' open chunk unused.
        let needed = bytes.count + left / 8 + 2
        if needed > bytes.capacity { bytes.reserveCapacity(max(needed, bytes.count + max(16, bytes.count / 4))) }
        var free = Int(freeBitsInLastByte)
        if free > 0 {
            bytes[bytes.count - 1] |= UInt8(truncatingIfNeeded: pending &>> UInt64(64 - free))
            let taken = min(free, left)
            pending &<<= UInt64(taken)
            left -= taken
            free -= taken
        }
        while left > 0 {
            bytes.append(UInt8(truncatingIfNeeded: pending &>> 56))
            pending &<<= 8
            let taken = min(8, left)
            left -= taken
            free = 8 - taken
        }
        if count & 7 == 0, free == 0 {
            bytes.append(0)
            free = 8
        }
        freeBitsInLastByte = UInt8(free)
    }
}

/// Bit-level reader over a chunk's bytes (borrowed: the chunk outlives the reader).
struct BitReader {
    let bytes: UnsafeRawBufferPointer
    private var bitOffset: Int

    init(_ bytes: UnsafeRawBufferPointer, byteOffset: Int) {
        self.bytes = bytes
        bitOffset = byteOffset * 8
    }

    mutating func readBit() throws -> Bool {
        guard bitOffset < bytes.count * 8 else { throw FormatError("chunk ends mid-sample") }
        defer { bitOffset += 1 }
        return bytes[bitOffset >> 3] & (0x80 >> UInt8(bitOffset & 7)) != 0
    }

    mutating func readBits(_ count: Int) throws -> UInt64 {
        guard bitOffset + count <= bytes.count * 8 else { throw FormatError("chunk ends mid-sample") }
        var result: UInt64 = 0
        var left = count
        while left > 0 {
            let bitInByte = bitOffset & 7
            let take = min(left, 8 - bitInByte)
            let byte = UInt64(bytes[bitOffset >> 3])
            let piece = (byte >> UInt64(8 - bitInByte - take)) & ((1 << UInt64(take)) - 1)
            result = result << UInt64(take) | piece
            bitOffset += take
            left -= take
        }
        return result
    }

    mutating func readByte() throws -> UInt8 { UInt8(try readBits(8)) }

    mutating func readUvarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while shift < 70 {
            let next = try readByte()
            result |= UInt64(next & 0x7F) << shift
            if next < 0x80 { return result }
            shift += 7
        }
        throw FormatError("varint overflows 64 bits in chunk")
    }

    mutating func readVarint() throws -> Int64 {
        let zigZagged = try readUvarint()
        return Int64(bitPattern: zigZagged >> 1) ^ -Int64(bitPattern: zigZagged & 1)
    }
}
