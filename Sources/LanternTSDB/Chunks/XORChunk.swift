/// Prometheus' float chunk (chunkenc/xor.go, encoding 1): a big-endian sample count,
/// then Gorilla compression: delta-of-delta timestamps in 1/14/17/20/64-bit buckets and
/// values XORed with their predecessor, reusing the previous leading/trailing zero window
/// when the new one fits inside it. Bit for bit what Prometheus writes, so chunks can be
/// copied between Lantern and Prometheus blocks unchanged.
struct XORChunkAppender: Sendable {
    // Eight-byte fields first, then the narrow ones packed behind the stream: every head
    // series holds an open appender inline, so its padding is paid per series.
    private(set) var firstTimestamp: Int64 = 0
    private(set) var lastTimestamp: Int64 = 0
    private(set) var lastValue: Double = 0
    private var lastDelta: Int64 = 0
    private var stream = BitWriter(bytes: [0, 0])
    /// The chunk header's count is 16 bits wide.
    private var storedSampleCount: UInt16 = 0
    private var leadingZeros: UInt8 = 0xFF
    private var trailingZeros: UInt8 = 0

    var sampleCount: Int { Int(storedSampleCount) }

    static let encoding: UInt8 = 1

    init() {}

    var bytes: [UInt8] { stream.bytes }

    mutating func append(_ timestamp: Int64, _ value: Double) {
        switch sampleCount {
        case 0:
            var varint: [UInt8] = []
            appendUvarint(zigZag(timestamp), to: &varint)
            for byte in varint { stream.writeBits(UInt64(byte), count: 8) }
            stream.writeBits(value.bitPattern, count: 64)
            firstTimestamp = timestamp
        case 1:
            let delta = timestamp - lastTimestamp
            var uvarint: [UInt8] = []
            appendUvarint(UInt64(bitPattern: delta), to: &uvarint)
            for byte in uvarint { stream.writeBits(UInt64(byte), count: 8) }
            writeValue(value)
            lastDelta = delta
        default:
            let delta = timestamp - lastTimestamp
            let deltaOfDelta = delta - lastDelta
            let pattern = UInt64(bitPattern: deltaOfDelta)
            // Bucket prefix and payload go out as one field (at most 24 bits, except the 64-bit bucket).
            if deltaOfDelta == 0 {
                stream.writeBits(0, count: 1)
            } else if fits(deltaOfDelta, bits: 14) {
                stream.writeBits(0b10 << 14 | pattern & 0x3FFF, count: 16)
            } else if fits(deltaOfDelta, bits: 17) {
                stream.writeBits(0b110 << 17 | pattern & 0x1FFFF, count: 20)
            } else if fits(deltaOfDelta, bits: 20) {
                stream.writeBits(0b1110 << 20 | pattern & 0xFFFFF, count: 24)
            } else {
                stream.writeBits(0b1111, count: 4)
                stream.writeBits(pattern, count: 64)
            }
            writeValue(value)
            lastDelta = delta
        }
        lastTimestamp = timestamp
        lastValue = value
        storedSampleCount += 1
        stream.bytes[0] = UInt8(truncatingIfNeeded: storedSampleCount >> 8)
        stream.bytes[1] = UInt8(truncatingIfNeeded: storedSampleCount)
    }

    /// Prometheus' bucket test: the range is asymmetric, one more positive value than negative.
    private func fits(_ value: Int64, bits: Int) -> Bool {
        -((1 << (bits - 1)) - 1) <= value && value <= 1 << (bits - 1)
    }

    private mutating func writeValue(_ value: Double) {
        let xor = value.bitPattern ^ lastValue.bitPattern
        if xor == 0 {
            stream.writeBits(0, count: 1)
            return
        }
        // Five bits hold the leading-zero count, so it is clamped to 31.
        let leading = UInt8(min(xor.leadingZeroBitCount, 31))
        let trailing = UInt8(xor.trailingZeroBitCount)
        // The significant bits are a field of their own: that last field of a sample decides
        // whether the chunk ends on an empty byte (see BitWriter.writeBits).
        if leadingZeros != 0xFF, leading >= leadingZeros, trailing >= trailingZeros {
            stream.writeBits(0b10, count: 2)
            stream.writeBits(xor >> UInt64(trailingZeros), count: 64 - Int(leadingZeros) - Int(trailingZeros))
            return
        }
        leadingZeros = leading
        trailingZeros = trailing
        // 64 significant bits do not fit in six bits; they are written as 0 and read back as 64.
        let significant = 64 - Int(leading) - Int(trailing)
        stream.writeBits(0b11 << 11 | UInt64(leading) << 6 | UInt64(significant & 63), count: 13)
        stream.writeBits(xor >> UInt64(trailing), count: significant)
    }
}

/// Decodes an XOR chunk sample by sample; the bytes are borrowed, so the owner (an
/// mmap'ed block or a retained array) must outlive the iterator.
struct XORChunkIterator {
    private var reader: BitReader
    let sampleCount: Int
    private var readCount = 0
    private(set) var timestamp: Int64 = 0
    private(set) var value: Double = 0
    private var delta: Int64 = 0
    private var leadingZeros: UInt8 = 0
    private var trailingZeros: UInt8 = 0

    init(_ chunk: UnsafeRawBufferPointer) throws {
        guard chunk.count >= 2 else { throw FormatError("XOR chunk shorter than its header") }
        sampleCount = Int(chunk[0]) << 8 | Int(chunk[1])
        reader = BitReader(chunk, byteOffset: 2)
    }

    /// Advances to the next sample; false at the end of the chunk.
    mutating func next() throws -> Bool {
        guard readCount < sampleCount else { return false }
        switch readCount {
        case 0:
            timestamp = try reader.readVarint()
            value = Double(bitPattern: try reader.readBits(64))
        case 1:
            delta = Int64(bitPattern: try reader.readUvarint())
            timestamp += delta
            try readValue()
        default:
            var prefix = 0
            for _ in 0..<4 {
                prefix <<= 1
                guard try reader.readBit() else { break }
                prefix |= 1
            }
            let width: Int
            switch prefix {
            case 0b0: width = 0
            case 0b10: width = 14
            case 0b110: width = 17
            case 0b1110: width = 20
            default: width = 64
            }
            var deltaOfDelta: Int64 = 0
            if width == 64 {
                deltaOfDelta = Int64(bitPattern: try reader.readBits(64))
            } else if width > 0 {
                var bits = try reader.readBits(width)
                // Sign extension matching the writer's asymmetric bucket range.
                if bits > 1 << UInt64(width - 1) { bits = bits &- (1 << UInt64(width)) }
                deltaOfDelta = Int64(bitPattern: bits)
            }
            delta += deltaOfDelta
            timestamp += delta
            try readValue()
        }
        readCount += 1
        return true
    }

    private mutating func readValue() throws {
        guard try reader.readBit() else { return }
        if try reader.readBit() {
            leadingZeros = UInt8(try reader.readBits(5))
            var significant = UInt8(try reader.readBits(6))
            if significant == 0 { significant = 64 }
            guard Int(leadingZeros) + Int(significant) <= 64 else { throw FormatError("XOR chunk value window exceeds 64 bits") }
            trailingZeros = 64 - leadingZeros - significant
        }
        let significant = 64 - Int(leadingZeros) - Int(trailingZeros)
        let bits = try reader.readBits(significant)
        value = Double(bitPattern: value.bitPattern ^ (bits << UInt64(trailingZeros)))
    }
}
