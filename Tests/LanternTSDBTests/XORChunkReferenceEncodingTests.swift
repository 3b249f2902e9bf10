import LanternPromQL
import Testing
@testable import LanternTSDB

/// The appender writes whole bit fields at once; this checks its bytes against a plain
/// bit-at-a-time model of Prometheus' bstream and xor.go, kept here only, on samples that
/// reach every timestamp bucket, value window change and byte-alignment case.
@Suite struct XORChunkReferenceEncodingTests {
    /// Prometheus' bstream, one bit per call: writeByte always opens a new last byte.
    private struct ReferenceBitStream {
        var bytes: [UInt8] = [0, 0]
        var freeBits = 0

        mutating func writeBit(_ bit: Bool) {
            if freeBits == 0 {
                bytes.append(0)
                freeBits = 8
            }
            if bit { bytes[bytes.count - 1] |= 1 << (freeBits - 1) }
            freeBits -= 1
        }

        mutating func writeByte(_ byte: UInt8) {
            if freeBits == 0 {
                bytes.append(0)
                freeBits = 8
            }
            let start = bytes.count * 8 - freeBits
            bytes.append(0)
            for offset in 0..<8 where byte & (0x80 >> UInt8(offset)) != 0 {
                bytes[(start + offset) / 8] |= 0x80 >> UInt8((start + offset) % 8)
            }
        }

        mutating func writeBits(_ value: UInt64, _ count: Int) {
            var left = count
            while left >= 8 {
                writeByte(UInt8(truncatingIfNeeded: value >> UInt64(left - 8)))
                left -= 8
            }
            while left > 0 {
                writeBit(value >> UInt64(left - 1) & 1 == 1)
                left -= 1
            }
        }
    }

    /// xor.go's appender over the reference stream.
    private func referenceEncoding(_ samples: [(Int64, Double)]) -> [UInt8] {
        var stream = ReferenceBitStream()
        var lastTimestamp: Int64 = 0, lastDelta: Int64 = 0, lastValue = 0.0
        var leadingZeros = 0xFF, trailingZeros = 0
        func writeValue(_ value: Double) {
            let xor = value.bitPattern ^ lastValue.bitPattern
            guard xor != 0 else { return stream.writeBit(false) }
            stream.writeBit(true)
            let leading = min(xor.leadingZeroBitCount, 31), trailing = xor.trailingZeroBitCount
            if leadingZeros != 0xFF, leading >= leadingZeros, trailing >= trailingZeros {
                stream.writeBit(false)
                stream.writeBits(xor >> UInt64(trailingZeros), 64 - leadingZeros - trailingZeros)
                return
            }
            (leadingZeros, trailingZeros) = (leading, trailing)
            stream.writeBit(true)
            stream.writeBits(UInt64(leading), 5)
            stream.writeBits(UInt64(64 - leading - trailing), 6)
            stream.writeBits(xor >> UInt64(trailing), 64 - leading - trailing)
        }
        for (index, (timestamp, value)) in samples.enumerated() {
            if index == 0 {
                var varint: [UInt8] = []
                appendUvarint(zigZag(timestamp), to: &varint)
                varint.forEach { stream.writeByte($0) }
                stream.writeBits(value.bitPattern, 64)
            } else {
                let delta = timestamp - lastTimestamp
                if index == 1 {
                    var uvarint: [UInt8] = []
                    appendUvarint(UInt64(bitPattern: delta), to: &uvarint)
                    uvarint.forEach { stream.writeByte($0) }
                } else {
                    let deltaOfDelta = delta - lastDelta
                    let bucket = [14, 17, 20].first { -((1 << ($0 - 1)) - 1) <= deltaOfDelta && deltaOfDelta <= 1 << ($0 - 1) }
                    if deltaOfDelta == 0 {
                        stream.writeBit(false)
                    } else {
                        let prefix: (UInt64, Int) = switch bucket { case 14: (0b10, 2); case 17: (0b110, 3); case 20: (0b1110, 4); default: (0b1111, 4) }
                        stream.writeBits(prefix.0, prefix.1)
                        stream.writeBits(UInt64(bitPattern: deltaOfDelta), bucket ?? 64)
                    }
                }
                writeValue(value)
                lastDelta = delta
            }
            lastTimestamp = timestamp
            lastValue = value
        }
        stream.bytes[0] = UInt8(samples.count >> 8)
        stream.bytes[1] = UInt8(truncatingIfNeeded: samples.count)
        return stream.bytes
    }

    private func decode(_ bytes: [UInt8]) throws -> [(Int64, Double)] {
        try bytes.withUnsafeBytes { raw in
            var iterator = try XORChunkIterator(raw)
            var result: [(Int64, Double)] = []
            while try iterator.next() { result.append((iterator.timestamp, iterator.value)) }
            return result
        }
    }

    /// Appends `samples` one by one; after each, the bytes must equal the reference's for that
    /// prefix (every prefix length is a chunk that could be cut there) and decode back exactly.
    private func expectMatchesReference(_ samples: [(Int64, Double)]) throws {
        var appender = XORChunkAppender()
        for (count, (timestamp, value)) in samples.enumerated() {
            appender.append(timestamp, value)
            let prefix = Array(samples[...count])
            let expected = referenceEncoding(prefix)
            #expect(appender.bytes == expected, "after \(count + 1) samples")
            guard appender.bytes == expected else { return }
            let decoded = try decode(appender.bytes)
            #expect(decoded.map(\.0) == prefix.map(\.0))
            #expect(decoded.map(\.1.bitPattern) == prefix.map(\.1.bitPattern))
        }
    }

    private static let edgeValues: [Double] = [0, -0.0, 1, -1, .nan, StaleMarker.value, .infinity, -.infinity,
                                               .greatestFiniteMagnitude, .leastNonzeroMagnitude, 0.1, 42,
                                               Double(bitPattern: 1), Double(bitPattern: UInt64.max), Double(bitPattern: 1 << 63)]

    /// Deltas of delta on both edges of every bucket, both signs, and 64-bit jumps.
    private static let edgeDeltasOfDelta: [Int64] = [0, 1, -1, 8191, -8191, 8192, -8192, 8193, 65_535, -65_535, 65_536,
                                                     -65_536, 65_537, 524_287, -524_287, 524_288, -524_288, 524_289,
                                                     1 << 40, -(1 << 40)]

    @Test func edgeSamplesMatchBitByBitReference() throws {
        var samples: [(Int64, Double)] = [(1_700_000_000_000, 0)]
        var delta: Int64 = 15_000
        for (index, deltaOfDelta) in Self.edgeDeltasOfDelta.enumerated() {
            for value in Self.edgeValues + [Self.edgeValues[index % Self.edgeValues.count]] {
                delta += deltaOfDelta
                samples.append((samples[samples.count - 1].0 + delta, value))
            }
        }
        // Both varint ends of the first sample's timestamp: negative, and a 9-byte uvarint delta.
        try expectMatchesReference(Array(samples.prefix(90)))
        try expectMatchesReference([(-5, 1), (Int64.max / 2, 1), (Int64.max / 2 + 1, 2)])
        try expectMatchesReference(Array(samples.suffix(from: 90)))
    }

    @Test func randomSamplesMatchBitByBitReference() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<60 {
            var timestamp = Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &generator)
            var delta = Int64.random(in: 0...60_000, using: &generator)
            var value = Self.edgeValues.randomElement(using: &generator)!
            var samples: [(Int64, Double)] = []
            for _ in 0..<Int.random(in: 1...120, using: &generator) {
                samples.append((timestamp, value))
                delta += Self.edgeDeltasOfDelta.randomElement(using: &generator)! / Int64.random(in: 1...3, using: &generator)
                timestamp += delta
                switch Int.random(in: 0..<5, using: &generator) {
                case 0: break
                case 1: value += 1
                case 2: value = Self.edgeValues.randomElement(using: &generator)!
                case 3: value = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator))
                default: value = Double(Int.random(in: 0...1_000_000, using: &generator)) / 8
                }
            }
            try expectMatchesReference(samples)
        }
    }
}
