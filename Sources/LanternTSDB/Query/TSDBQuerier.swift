import LanternPromQL
import LanternSupport

extension TSDB: Queryable {
    /// A reader over `[mint, maxt]` (inclusive) of the head and the blocks overlapping it.
    public func querier(mint: Int64, maxt: Int64) throws -> any Querier {
        let blocks = state.withLock { state in state.blocks.filter { $0.overlaps(mint, maxt) } }
        return TSDBQuerier(database: self, blocks: blocks, minTime: mint, maxTime: maxt)
    }
}

/// Selects series from the head and the blocks, merges series present in several of
/// them, and streams their samples chunk by chunk.
struct TSDBQuerier: Querier {
    let database: TSDB
    let blocks: [Block]
    let minTime: Int64
    let maxTime: Int64

    func select(_ matchers: [LabelMatcher], hints: SelectHints) throws -> any SeriesSet {
        let start = max(minTime, hints.start), end = min(maxTime, hints.end)
        let headSelection = database.state.withLock { state in state.head.select(matchers, minTime: start, maxTime: end) }
        // Each source sorted by labels, then merged: a series in several of them gets the
        // chunks of all in time order (the head's first, then the blocks' in their order,
        // among chunks starting at once).
        var merged = headSelection.inLabelOrder().map { series in
            SelectedChunks(labels: series.labels, chunks: series.chunks.map { chunk in
                ChunkSource(minTime: chunk.minTime, maxTime: chunk.maxTime, location: .head(chunk.bytes))
            })
        }
        for block in blocks where block.overlaps(start, end) {
            var fromBlock: [SelectedChunks] = []
            for series in try blockSeries(block, matchers) {
                var chunks: [ChunkSource] = []
                for chunk in series.chunks where chunk.maxTime >= start && chunk.minTime <= end {
                    chunks.append(ChunkSource(minTime: chunk.minTime, maxTime: chunk.maxTime, location: .block(block, reference: chunk.reference)))
                }
                if !chunks.isEmpty { fromBlock.append(SelectedChunks(labels: series.labels, chunks: chunks)) }
            }
            // A block's series ids follow its series' label order (the index format's rule);
            // a block written otherwise is sorted here rather than merged wrongly.
            if !zip(fromBlock, fromBlock.dropFirst()).allSatisfy({ $0.labels < $1.labels }) {
                fromBlock.sort { $0.labels < $1.labels }
            }
            merged = SelectedChunks.merge(merged, fromBlock)
        }
        let database = self.database
        let selected = merged.map { series in
            TSDBSeries(labels: series.labels, chunks: series.chunks, minTime: start, maxTime: end,
                       reportCorruption: { database.reportCorruptChunk($0) })
        }
        return TSDBSeriesSet(remaining: selected[...])
    }

    /// Series of `block` matching `matchers`, in the index's order (sorted by labels).
    /// Matchers that reject the empty value were answered exactly by the postings; only
    /// the others are checked against each series' labels.
    private func blockSeries(_ block: Block, _ matchers: [LabelMatcher]) throws -> [IndexedSeries] {
        let unanswered = matchers.filter(\.matchesEmpty)
        return try block.index.candidateIDs(matchers).compactMap { id in
            let series = try block.index.series(id)
            return series.labels.matches(unanswered) ? series : nil
        }
    }

    private func matchingLabels(_ matchers: [LabelMatcher]) throws -> [Labels] {
        var result = database.state.withLock { state in state.head.matchingLabels(matchers) }
        for block in blocks { result += try blockSeries(block, matchers).map(\.labels) }
        return result
    }

    func labelNames(matching matchers: [LabelMatcher]) throws -> [String] {
        var names = Set<String>()
        if matchers.isEmpty {
            names.formUnion(database.state.withLock { state in state.head.labelNames })
            for block in blocks { names.formUnion(block.index.labelNames) }
        } else {
            for labels in try matchingLabels(matchers) { names.formUnion(labels.pairs.map(\.name)) }
        }
        return names.sorted { $0.utf8Precedes($1) }
    }

    func labelValues(_ name: String, matching matchers: [LabelMatcher]) throws -> [String] {
        var values = Set<String>()
        if matchers.isEmpty {
            values.formUnion(database.state.withLock { state in state.head.labelValues(name) })
            for block in blocks { values.formUnion(block.index.labelValues(name)) }
        } else {
            for labels in try matchingLabels(matchers) { if let value = labels[name] { values.insert(value) } }
        }
        return values.sorted { $0.utf8Precedes($1) }
    }

    func close() {}
}

/// A selected series' chunks from the head and the blocks, before reading.
private struct SelectedChunks {
    let labels: Labels
    var chunks: [ChunkSource]

    /// Merges two lists sorted by labels into one; equal label sets become one entry
    /// with the chunks of both (`mergedInTimeOrder`).
    static func merge(_ earlier: [SelectedChunks], _ later: [SelectedChunks]) -> [SelectedChunks] {
        if earlier.isEmpty { return later }
        if later.isEmpty { return earlier }
        var result: [SelectedChunks] = []
        result.reserveCapacity(max(earlier.count, later.count))
        var left = 0, right = 0
        while left < earlier.count, right < later.count {
            let a = earlier[left], b = later[right]
            if a.labels == b.labels {
                result.append(SelectedChunks(labels: a.labels, chunks: mergedInTimeOrder(a.chunks, b.chunks)))
                left += 1
                right += 1
            } else if a.labels < b.labels {
                result.append(a)
                left += 1
            } else {
                result.append(b)
                right += 1
            }
        }
        result += earlier[left...]
        result += later[right...]
        return result
    }

    /// Two chunk lists, each in time order, merged by first timestamp, `earlier`'s first
    /// among equal ones: the order a stable sort of both gives, so the sample iterator
    /// does not sort (appended, a block's chunks followed the newer head's: every series
    /// in both was sorted again).
    static func mergedInTimeOrder(_ earlier: [ChunkSource], _ later: [ChunkSource]) -> [ChunkSource] {
        var result: [ChunkSource] = []
        result.reserveCapacity(earlier.count + later.count)
        var left = earlier[...], right = later[...]
        while let a = left.first, let b = right.first {
            if b.minTime < a.minTime {
                result.append(b)
                right.removeFirst()
            } else {
                result.append(a)
                left.removeFirst()
            }
        }
        result += left
        result += right
        return result
    }
}

private struct TSDBSeriesSet: SeriesSet {
    var remaining: ArraySlice<TSDBSeries>

    mutating func next() throws -> (any StoredSeries)? { remaining.popFirst() }
}

private struct TSDBSeries: StoredSeries {
    let labels: Labels
    let chunks: [ChunkSource]
    let minTime: Int64
    let maxTime: Int64
    let reportCorruption: (Error) -> Void

    func makeSampleIterator() -> any SampleIterator {
        ChunkSampleIterator(chunks: chunks, minTime: minTime, maxTime: maxTime, reportCorruption: reportCorruption)
    }
}
