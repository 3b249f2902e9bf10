import LanternPromQL
import Testing
@testable import LanternTSDB

@Suite struct XORChunkTests {
    private func roundTrip(_ samples: [(Int64, Double)]) throws {
        var appender = XORChunkAppender()
        for (timestamp, value) in samples { appender.append(timestamp, value) }
        let decoded: [(Int64, Double)] = try appender.bytes.withUnsafeBytes { bytes in
            var iterator = try XORChunkIterator(bytes)
            var result: [(Int64, Double)] = []
            while try iterator.next() { result.append((iterator.timestamp, iterator.value)) }
            return result
        }
        #expect(decoded.count == samples.count)
        for (got, want) in zip(decoded, samples) {
            #expect(got.0 == want.0)
            #expect(got.1.bitPattern == want.1.bitPattern, "value \(want.1) at \(want.0)")
        }
    }

    /// An open head chunk's buffer stays within a quarter (or 16 bytes) of what it holds,
    /// plus one field and malloc's rounding, whatever the values: it is not doubled nor
    /// reserved for the whole chunk.
    @Test func bufferGrowsByAQuarter() throws {
        var appender = XORChunkAppender()
        var generator = SystemRandomNumberGenerator()
        for index in 0..<120 {
            appender.append(Int64(index) * 2000, Double(bitPattern: generator.next() >> 2))
            let bytes = appender.bytes
            #expect(bytes.capacity - bytes.count <= max(16, bytes.count / 4) + 9 + 16, "\(bytes.count) bytes in \(bytes.capacity)")
        }
        #expect(appender.bytes.count > 500)
    }

    @Test func edgeValues() throws {
        let values: [Double] = [0, -0.0, 1, -1, .nan, StaleMarker.value, .infinity, -.infinity, .greatestFiniteMagnitude,
                                .leastNonzeroMagnitude, -.greatestFiniteMagnitude, 1e-300, 0.1, 0.1, 0.1, 42, Double(bitPattern: 1),
                                Double(bitPattern: UInt64.max), Double(bitPattern: 1 << 63 | 1)]
        try roundTrip(values.enumerated().map { (Int64($0.offset) * 15_000, $0.element) })
    }

    @Test func timestampBuckets() throws {
        // Deltas of delta at every bucket edge, negative ones, and a 64-bit jump.
        let deltas: [Int64] = [15_000, 15_000, 15_001, 15_000 + 8192, 15_000 - 8191, 15_000 + 8193, 65_536 + 15_000,
                               15_000 - 65_535, 524_288, 1, 1 << 40, 1, 0, 0, 7]
        var timestamp: Int64 = -1_000_000
        var samples: [(Int64, Double)] = [(timestamp, 1)]
        for delta in deltas {
            timestamp += delta
            samples.append((timestamp, Double(timestamp)))
        }
        try roundTrip(samples)
    }

    @Test func randomSeries() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var timestamp = Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &generator)
            var value = Double.random(in: -1e6...1e6, using: &generator)
            var samples: [(Int64, Double)] = []
            for _ in 0..<Int.random(in: 1...120, using: &generator) {
                samples.append((timestamp, value))
                timestamp += Int64.random(in: 0...100_000, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: break
                case 1: value += 1
                case 2: value = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator))
                default: value = Double.random(in: -1e12...1e12, using: &generator)
                }
            }
            try roundTrip(samples)
        }
    }

    @Test func sampleCountHeaderAndCompactness() throws {
        var appender = XORChunkAppender()
        for index in 0..<120 { appender.append(Int64(index) * 15_000, 100) }
        #expect(appender.bytes[0] == 0 && appender.bytes[1] == 120)
        // Constant value, constant interval: 2 bits per sample after the first two.
        #expect(appender.bytes.count < 2 + 8 + 8 + 3 + 40)
    }

    @Test func truncatedChunkThrowsInsteadOfCrashing() throws {
        var appender = XORChunkAppender()
        for index in 0..<50 { appender.append(Int64(index) * 1000, Double(index) * 1.5) }
        let bytes = Array(appender.bytes.prefix(appender.bytes.count / 2))
        #expect(throws: FormatError.self) {
            try bytes.withUnsafeBytes { raw in
                var iterator = try XORChunkIterator(raw)
                while try iterator.next() {}
            }
        }
    }
}
