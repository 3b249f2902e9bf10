import LanternMetrics
import LanternPromQL

/// The WAL record payloads Lantern writes (Prometheus' tsdb/record encoding): series
/// records (type 1) binding a reference to labels, and sample records (type 2) with
/// reference and timestamp as signed varint deltas to the record's first sample.
/// Public for readers that follow the WAL from outside the database (remote write).
public enum WALRecord: Equatable, Sendable {
    public struct Sample: Equatable, Sendable {
        public var reference: UInt64
        public var timestamp: Int64
        public var value: Double

        public static func == (lhs: Sample, rhs: Sample) -> Bool {
            lhs.reference == rhs.reference && lhs.timestamp == rhs.timestamp && lhs.value.bitPattern == rhs.value.bitPattern
        }

        /// The order in which a samples record compresses best: by timestamp, then by the
        /// value's bits (then reference, for a total order). Equal values and values sharing
        /// their leading bytes end up side by side, where snappy finds them: a scrape's
        /// record shrinks by ~4% (measured on the bench targets' WAL: 7.60 -> 7.30 bytes per
        /// sample). Reading does not depend on the order across series, and a series' own
        /// samples (strictly increasing timestamps within a commit) keep theirs.
        static func precedesForCompression(_ lhs: Sample, _ rhs: Sample) -> Bool {
            if lhs.timestamp != rhs.timestamp { return lhs.timestamp < rhs.timestamp }
            if lhs.value.bitPattern != rhs.value.bitPattern { return lhs.value.bitPattern < rhs.value.bitPattern }
            return lhs.reference < rhs.reference
        }
    }

    case series([(reference: UInt64, labels: Labels)])
    case samples([Sample])
    /// Record types Lantern does not use (tombstones, exemplars, ...), skipped on replay.
    case other(UInt8)

    public static func == (lhs: WALRecord, rhs: WALRecord) -> Bool {
        switch (lhs, rhs) {
        case (.series(let left), .series(let right)):
            left.count == right.count && zip(left, right).allSatisfy { $0.reference == $1.reference && $0.labels == $1.labels }
        case (.samples(let left), .samples(let right)): left == right
        case (.other(let left), .other(let right)): left == right
        default: false
        }
    }

    func encoded() -> [UInt8] {
        var out = ByteEncoder()
        switch self {
        case .series(let series):
            out.putByte(1)
            for entry in series {
                out.putBE64(entry.reference)
                out.putUvarint(UInt64(entry.labels.pairs.count))
                for label in entry.labels.pairs {
                    out.putUvarintString(label.name)
                    out.putUvarintString(label.value)
                }
            }
        case .samples(let samples):
            out.putByte(2)
            guard let first = samples.first else { break }
            out.putBE64(first.reference)
            out.putBE64(UInt64(bitPattern: first.timestamp))
            for sample in samples {
                out.putVarint(Int64(bitPattern: sample.reference &- first.reference))
                out.putVarint(sample.timestamp &- first.timestamp)
                out.putBE64(sample.value.bitPattern)
            }
        case .other(let type):
            out.putByte(type)
        }
        return out.bytes
    }

    init(decoding bytes: UnsafeRawBufferPointer) throws {
        var decoder = ByteDecoder(bytes)
        let type = try decoder.byte()
        switch type {
        case 1:
            var series: [(reference: UInt64, labels: Labels)] = []
            while decoder.remaining > 0 {
                let reference = try decoder.be64()
                var pairs: [Label] = []
                for _ in 0..<Int(try decoder.uvarint()) {
                    pairs.append(Label(try decoder.uvarintString(), try decoder.uvarintString()))
                }
                series.append((reference, Labels(pairs)))
            }
            self = .series(series)
        case 2:
            var samples: [Sample] = []
            if decoder.remaining > 0 {
                let baseReference = try decoder.be64()
                let baseTimestamp = Int64(bitPattern: try decoder.be64())
                while decoder.remaining > 0 {
                    let reference = baseReference &+ UInt64(bitPattern: try decoder.varint())
                    let timestamp = baseTimestamp &+ (try decoder.varint())
                    samples.append(Sample(reference: reference, timestamp: timestamp, value: Double(bitPattern: try decoder.be64())))
                }
            }
            self = .samples(samples)
        case 0:
            throw FormatError("WAL record of type 0")
        default:
            self = .other(type)
        }
    }
}
