import LanternPromQL
import LanternSupport

/// A chunk of a head series: immutable once cut, shared with queriers by copy-on-write.
struct HeadChunk: Sendable {
    var minTime: Int64
    var maxTime: Int64
    var bytes: [UInt8]
}

/// Why a sample was refused; the texts are Prometheus' error messages.
public enum AppendError: Error, Equatable, CustomStringConvertible, Sendable {
    case outOfOrderSample
    case duplicateSampleForTimestamp
    /// Older than what the head still accepts (its range was already written to a block).
    case outOfBounds
    case emptyLabelSet

    public var description: String {
        switch self {
        case .outOfOrderSample: "out of order sample"
        case .duplicateSampleForTimestamp: "duplicate sample for timestamp"
        case .outOfBounds: "out of bounds"
        case .emptyLabelSet: "empty labelset"
        }
    }
}

/// One series in the head: closed chunks plus the open one being appended to. Chunks
/// are cut at 120 samples and at multiples of the block range, so that writing a block
/// takes whole chunks and never splits one.
struct MemorySeries: Sendable {
    static let samplesPerChunk = 120

    let reference: UInt64
    /// Where the series' label set is in its table's `LabelSetStore`.
    var labelSetOffset: UInt32
    /// The low bits of the label set's hash: the table's buckets are placed by it.
    let labelsHash: UInt32
    /// Sized exactly and no array at all when empty: most series hold zero or one closed
    /// chunk (2-hour blocks cut a chunk every 120 samples, short blocks at their end), and a
    /// grown array's header and spare capacity cost more than the list's entries.
    private(set) var closedChunks: [HeadChunk] = []
    private var openChunkEnd: Int64 = .min
    // With the appender's narrow fields packed (46 bytes), the slot is 104 bytes.
    private(set) var openChunk: XORChunkAppender?
    /// The last sample ever appended, kept after truncation for the ordering checks.
    private(set) var lastSample: (timestamp: Int64, value: Double)?

    init(reference: UInt64, labelSetOffset: UInt32, labelsHash: UInt32) {
        self.reference = reference
        self.labelSetOffset = labelSetOffset
        self.labelsHash = labelsHash
    }

    /// Whether `(timestamp, value)` may follow; false for an exact duplicate (a no-op).
    func checkAppendable(_ timestamp: Int64, _ value: Double) throws -> Bool {
        guard let last = lastSample else { return true }
        try Self.check(timestamp, value, after: last)
        return timestamp > last.timestamp
    }

    /// Prometheus' ordering rules: older is out of order; the same timestamp is a no-op
    /// with the same value (bit for bit) and a duplicate with another one.
    static func check(_ timestamp: Int64, _ value: Double, after last: (timestamp: Int64, value: Double)) throws {
        if timestamp < last.timestamp { throw AppendError.outOfOrderSample }
        if timestamp == last.timestamp, value.bitPattern != last.value.bitPattern { throw AppendError.duplicateSampleForTimestamp }
    }

    mutating func append(_ timestamp: Int64, _ value: Double, chunkRange: Int64) {
        if openChunk == nil || openChunk!.sampleCount >= Self.samplesPerChunk || timestamp >= openChunkEnd {
            closeOpenChunk()
            openChunkEnd = (floorDivide(timestamp, chunkRange) + 1) * chunkRange
            openChunk = XORChunkAppender()
        }
        openChunk!.append(timestamp, value)
        lastSample = (timestamp, value)
    }

    private mutating func closeOpenChunk() {
        if let chunk = openChunk {
            // A copy sized to the chunk: the appender's buffer grew ahead of it, and a closed
            // chunk stays in memory until its block is written.
            let bytes = chunk.bytes.sizedToFit()
            var grown: [HeadChunk] = []
            grown.reserveCapacity(closedChunks.count + 1)
            grown += closedChunks
            grown.append(HeadChunk(minTime: chunk.firstTimestamp, maxTime: chunk.lastTimestamp, bytes: bytes))
            closedChunks = grown
        }
        openChunk = nil
    }

    /// Closed chunks and a copy of the open one, all overlapping `[minTime, maxTime]`.
    func chunks(overlapping minTime: Int64, _ maxTime: Int64) -> [HeadChunk] {
        var result = closedChunks.filter { $0.maxTime >= minTime && $0.minTime <= maxTime }
        if let open = openChunk, open.lastTimestamp >= minTime, open.firstTimestamp <= maxTime {
            result.append(HeadChunk(minTime: open.firstTimestamp, maxTime: open.lastTimestamp, bytes: open.bytes))
        }
        return result
    }

    /// The chunks lying wholly inside `range` (a block's), the open one as a copy. The
    /// closed list itself when that is all of it, as when a head block is cut: no array per
    /// series for the block writer.
    func chunks(within range: Range<Int64>) -> [HeadChunk] {
        func inside(_ minTime: Int64, _ maxTime: Int64) -> Bool { minTime >= range.lowerBound && maxTime < range.upperBound }
        let openInside = openChunk.map { inside($0.firstTimestamp, $0.lastTimestamp) } ?? false
        if !openInside, closedChunks.allSatisfy({ inside($0.minTime, $0.maxTime) }) { return closedChunks }
        var result = closedChunks.filter { inside($0.minTime, $0.maxTime) }
        if openInside, let open = openChunk { result.append(HeadChunk(minTime: open.firstTimestamp, maxTime: open.lastTimestamp, bytes: open.bytes)) }
        return result
    }

    /// Drops every chunk ending before `boundary` (already persisted in a block).
    mutating func truncate(before boundary: Int64) {
        // A new array, not `removeAll(where:)`, which would keep the old capacity.
        if closedChunks.contains(where: { $0.maxTime < boundary }) {
            closedChunks = closedChunks.filter { $0.maxTime >= boundary }
        }
        if let open = openChunk, open.lastTimestamp < boundary { openChunk = nil }
    }

    var minTime: Int64? { closedChunks.first?.minTime ?? openChunk?.firstTimestamp }
}

/// Division rounding toward negative infinity, for block-aligned boundaries before 1970.
func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    let quotient = value / divisor
    return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
}
