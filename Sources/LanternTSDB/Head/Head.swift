import LanternPromQL
import LanternSupport

/// The in-memory part of the database: series by reference and by label set (one
/// compact table), a postings index (label pair -> sorted references) for matcher
/// lookups, and the time span of the samples held. A value type mutated under the
/// database lock.
struct Head: Sendable {
    let chunkRange: Int64
    private(set) var seriesByReference = SeriesTable()
    private var postingsByName: [String: [UTF8Key: [UInt64]]] = [:]
    private(set) var nextReference: UInt64 = 1
    private(set) var minTime: Int64 = .max
    private(set) var maxTime: Int64 = .min
    /// Samples older than this were already written to a block and are refused.
    var minValidTime: Int64 = .min

    init(chunkRange: Int64) { self.chunkRange = chunkRange }

    var seriesCount: Int { seriesByReference.count }
    /// In-memory chunks, the open ones included (Prometheus' `prometheus_tsdb_head_chunks`).
    var chunkCount: Int { seriesByReference.values.reduce(0) { $0 + $1.closedChunks.count + ($1.openChunk == nil ? 0 : 1) } }
    var isEmpty: Bool { minTime > maxTime }

    /// Spanning more than 1.5 block ranges: the oldest range goes to a block (Prometheus'
    /// `compactable`).
    var isCompactable: Bool { !isEmpty && maxTime - minTime > chunkRange / 2 * 3 }

    func reference(of labels: Labels) -> UInt64? { seriesByReference.reference(of: labels) }

    /// The series' reference, creating the series (with `reference` when replaying the WAL).
    mutating func getOrCreate(_ labels: Labels, reference wanted: UInt64? = nil) -> (reference: UInt64, created: Bool) {
        if let existing = seriesByReference.reference(of: labels) { return (existing, false) }
        let reference = wanted ?? nextReference
        nextReference = max(nextReference, reference + 1)
        seriesByReference.insert(reference: reference, labels: labels)
        // In place: a copy of the list taken out and written back cost a copy of the whole
        // list per new series (quadratic in `job`'s and `instance`'s series).
        for label in labels.pairs { Self.insertSorted(reference, into: &postingsByName[label.name, default: [:]][UTF8Key(label.value), default: []]) }
        return (reference, true)
    }

    /// References only grow, except on WAL replay of older ids: lists stay sorted.
    private static func insertSorted(_ reference: UInt64, into list: inout [UInt64]) {
        if let last = list.last, last > reference {
            list.insert(reference, at: list.firstIndex { $0 > reference }!)
        } else {
            list.append(reference)
        }
    }

    func checkAppendable(_ reference: UInt64, _ timestamp: Int64, _ value: Double) throws -> Bool {
        guard timestamp >= minValidTime else { throw AppendError.outOfBounds }
        return try seriesByReference[reference]?.checkAppendable(timestamp, value) ?? true
    }

    /// Appends a sample already validated by `checkAppendable`.
    mutating func append(_ reference: UInt64, _ timestamp: Int64, _ value: Double) {
        guard seriesByReference.update(reference, { $0.append(timestamp, value, chunkRange: chunkRange) }) != nil else { return }
        minTime = min(minTime, timestamp)
        maxTime = max(maxTime, timestamp)
    }

    /// Drops data before `boundary` and the series left without samples.
    mutating func truncate(before boundary: Int64) {
        minValidTime = max(minValidTime, boundary)
        var removed = Set<UInt64>()
        var newMinTime = Int64.max
        seriesByReference.removeAll { series in
            series.truncate(before: boundary)
            if let seriesMin = series.minTime {
                newMinTime = min(newMinTime, seriesMin)
                return false
            }
            // Only series whose samples are all persisted go: a series created by an
            // appender that has not committed yet has no sample and must stay.
            guard series.lastSample != nil else { return false }
            removed.insert(series.reference)
            return true
        }
        minTime = newMinTime
        if newMinTime == .max { maxTime = .min }
        prunePostings(removing: removed)
    }

    /// Takes the removed series out of the postings and copies lists with spare capacity
    /// to their size: grown by doubling, a list keeps up to half of its buffer unused for
    /// as long as its series live, and a steady head's lists stopped growing long ago.
    /// One list at a time, taken out of its dictionary so that it is edited in place and
    /// never held twice.
    private mutating func prunePostings(removing removed: Set<UInt64>) {
        for name in Array(postingsByName.keys) {
            var byValue = postingsByName.removeValue(forKey: name)!
            for value in Array(byValue.keys) {
                var references = byValue.removeValue(forKey: value)!
                if !removed.isEmpty { references.removeAll { removed.contains($0) } }
                guard !references.isEmpty else { continue }
                let spare = references.capacity - references.count
                byValue[value] = spare > references.count / 8 + 2 ? references.sizedToFit() : references
            }
            if !byValue.isEmpty { postingsByName[name] = byValue }
        }
    }

    /// Series matching `matchers` with their chunks overlapping `[minTime, maxTime]`.
    func select(_ matchers: [LabelMatcher], minTime: Int64, maxTime: Int64) -> HeadSelection {
        let candidates = (try? candidateIDs(matchers)) ?? []
        let series = candidates.compactMap { reference -> HeadSelection.Series? in
            guard let series = seriesByReference[reference] else { return nil }
            let chunks = series.chunks(overlapping: minTime, maxTime)
            guard !chunks.isEmpty, let labels = seriesByReference.labels(of: reference), labels.matches(matchers) else { return nil }
            return (series.labelSetOffset, labels, chunks)
        }
        return HeadSelection(labelSets: seriesByReference.labelSetStore, series: series)
    }

    /// What writing the samples inside `range` to a block needs; see `HeadBlockContents`.
    func blockContents(_ range: Range<Int64>) -> HeadBlockContents {
        var series: [(labelSetOffset: UInt32, chunks: [HeadChunk])] = []
        for memorySeries in seriesByReference.values {
            let chunks = memorySeries.chunks(within: range)
            if !chunks.isEmpty { series.append((memorySeries.labelSetOffset, chunks)) }
        }
        return HeadBlockContents(labelSets: seriesByReference.labelSetStore, series: series)
    }

    func matchingLabels(_ matchers: [LabelMatcher]) -> [Labels] {
        ((try? candidateIDs(matchers)) ?? []).compactMap { seriesByReference.labels(of: $0) }.filter { $0.matches(matchers) }
    }

    /// Names of the labels of every series (the postings hold no name without series).
    var labelNames: [String] { Array(postingsByName.keys) }

    /// Values of label `name` across every series.
    func labelValues(_ name: String) -> [String] { postingsByName[name].map { $0.keys.map(\.string) } ?? [] }
}

extension Head: PostingsSource {
    func allSeriesIDs() -> [UInt64] { seriesByReference.keys }

    func seriesIDs(_ name: String, _ value: String) -> [UInt64] { postingsByName[name]?[UTF8Key(value)] ?? [] }

    func seriesIDs(_ name: String, where accepts: (String) -> Bool) -> [UInt64] {
        var union = Set<UInt64>()
        for (value, references) in postingsByName[name] ?? [:] where accepts(value.string) { union.formUnion(references) }
        return union.sorted()
    }
}
