import Synchronization
import LanternSupport

/// A `Queryable` holding everything in memory: the conformance runner's store and a
/// reference for TSDB implementers. Thread-safe; queries see a snapshot.
public final class MemoryStorage: Queryable {
    private struct Contents {
        var samplesBySeries: [Labels: [Point]] = [:]
        /// Series by metric name, so name-equality selections skip unrelated series.
        var seriesByName: [String: Set<Labels>] = [:]
    }

    private let contents = Mutex(Contents())

    public init() {}

    /// Adds one sample; a sample at an existing timestamp replaces it.
    public func append(_ labels: Labels, _ point: Point) {
        contents.withLock { contents in
            if contents.samplesBySeries[labels] == nil {
                contents.seriesByName[labels.value(Labels.metricName), default: []].insert(labels)
            }
            // Mutating through the subscript keeps the array uniquely referenced (no copy).
            contents.samplesBySeries[labels, default: []].insertInTimeOrder(point)
        }
    }

    public func removeAll() {
        contents.withLock { $0 = Contents() }
    }

    public func querier(mint: Int64, maxt: Int64) throws -> any Querier {
        let snapshot = contents.withLock { $0 }
        return MemoryQuerier(samplesBySeries: snapshot.samplesBySeries, seriesByName: snapshot.seriesByName, mint: mint, maxt: maxt)
    }
}

private struct MemoryQuerier: Querier {
    let samplesBySeries: [Labels: [Point]]
    let seriesByName: [String: Set<Labels>]
    let mint: Int64
    let maxt: Int64

    private func matchingSeries(_ matchers: [LabelMatcher]) -> [Labels] {
        let candidates: any Sequence<Labels>
        if let nameMatcher = matchers.first(where: { $0.name == Labels.metricName && $0.kind == .equal }) {
            candidates = seriesByName[nameMatcher.value] ?? []
        } else {
            candidates = samplesBySeries.keys
        }
        return candidates.filter { $0.matches(matchers) }.sorted()
    }

    func select(_ matchers: [LabelMatcher], hints: SelectHints) throws -> any SeriesSet {
        let start = max(mint, hints.start), end = min(maxt, hints.end)
        let selected = matchingSeries(matchers).compactMap { labels -> MemorySeries? in
            let points = samplesBySeries[labels] ?? []
            let lower = points.partitionPoint { $0.timestamp < start }
            let upper = points.partitionPoint { $0.timestamp <= end }
            return lower < upper ? MemorySeries(labels: labels, points: points[lower..<upper]) : nil
        }
        return MemorySeriesSet(remaining: selected[...])
    }

    func labelNames(matching matchers: [LabelMatcher]) throws -> [String] {
        let series = matchers.isEmpty ? Array(samplesBySeries.keys) : matchingSeries(matchers)
        return Set(series.flatMap { $0.pairs.map(\.name) }).sorted { $0.utf8Precedes($1) }
    }

    func labelValues(_ name: String, matching matchers: [LabelMatcher]) throws -> [String] {
        let series = matchers.isEmpty ? Array(samplesBySeries.keys) : matchingSeries(matchers)
        return Set(series.compactMap { $0[name] }).sorted { $0.utf8Precedes($1) }
    }

    func close() {}
}

private struct MemorySeriesSet: SeriesSet {
    var remaining: ArraySlice<MemorySeries>

    mutating func next() throws -> (any StoredSeries)? { remaining.popFirst() }
}

private struct MemorySeries: StoredSeries {
    let labels: Labels
    let points: ArraySlice<Point>

    func makeSampleIterator() -> any SampleIterator { MemorySampleIterator(points: points, index: points.startIndex - 1) }
}

private struct MemorySampleIterator: SampleIterator {
    let points: ArraySlice<Point>
    var index: Int

    mutating func next() throws -> Bool {
        index += 1
        return index < points.endIndex
    }

    mutating func seek(to timestamp: Int64) throws -> Bool {
        index = max(index, points.startIndex)
        while index < points.endIndex, points[index].timestamp < timestamp { index += 1 }
        return index < points.endIndex
    }

    var current: Point { points[index] }
}

extension Array where Element == Point {
    mutating func insertInTimeOrder(_ point: Point) {
        guard let last, last.timestamp >= point.timestamp else {
            append(point)
            return
        }
        let index = partitionPoint { $0.timestamp < point.timestamp }
        if index < count, self[index].timestamp == point.timestamp {
            self[index] = point
        } else {
            insert(point, at: index)
        }
    }
}

extension Collection {
    /// Index of the first element for which `belongsBefore` is false, assuming all
    /// elements where it is true come first (binary search).
    func partitionPoint(_ belongsBefore: (Element) -> Bool) -> Index {
        var low = startIndex
        var count = self.count
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if belongsBefore(self[middle]) {
                low = index(after: middle)
                count -= half + 1
            } else {
                count = half
            }
        }
        return low
    }
}
