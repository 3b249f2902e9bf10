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
        var chunksByLabels: [Labels: [ChunkSource]] = [:]
        let headSeries = database.state.withLock { state in state.head.select(matchers, minTime: start, maxTime: end) }
        for series in headSeries {
            chunksByLabels[series.labels, default: []] += series.chunks.map { chunk in
                ChunkSource(minTime: chunk.minTime, maxTime: chunk.maxTime) { ChunkBytes(copying: chunk.bytes) }
            }
        }
        for block in blocks where block.overlaps(start, end) {
            for series in try blockSeries(block, matchers) {
                let chunks = series.chunks.filter { $0.maxTime >= start && $0.minTime <= end }
                guard !chunks.isEmpty else { continue }
                chunksByLabels[series.labels, default: []] += chunks.map { chunk in
                    ChunkSource(minTime: chunk.minTime, maxTime: chunk.maxTime) {
                        ChunkBytes(block: block, bytes: try block.chunks.chunk(chunk.reference))
                    }
                }
            }
        }
        let database = self.database
        let selected = chunksByLabels.keys.sorted().map { labels in
            TSDBSeries(labels: labels, chunks: chunksByLabels[labels]!, minTime: start, maxTime: end,
                       reportCorruption: { database.reportCorruptChunk($0) })
        }
        return TSDBSeriesSet(remaining: selected[...])
    }

    private func blockSeries(_ block: Block, _ matchers: [LabelMatcher]) throws -> [IndexedSeries] {
        try block.index.candidateIDs(matchers).compactMap { id in
            let series = try block.index.series(id)
            return series.labels.matches(matchers) ? series : nil
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
            database.state.withLock { state in
                for reference in state.head.allSeriesIDs() {
                    for label in state.head.seriesByReference[reference]!.labels.pairs { names.insert(label.name) }
                }
            }
            for block in blocks { names.formUnion(block.index.labelNames) }
        } else {
            for labels in try matchingLabels(matchers) { names.formUnion(labels.pairs.map(\.name)) }
        }
        return names.sorted { $0.utf8Precedes($1) }
    }

    func labelValues(_ name: String, matching matchers: [LabelMatcher]) throws -> [String] {
        var values = Set<String>()
        if matchers.isEmpty {
            database.state.withLock { state in
                for reference in state.head.seriesIDs(name, where: { _ in true }) {
                    if let value = state.head.seriesByReference[reference]?.labels[name] { values.insert(value) }
                }
            }
            for block in blocks { values.formUnion(block.index.labelValues(name)) }
        } else {
            for labels in try matchingLabels(matchers) { if let value = labels[name] { values.insert(value) } }
        }
        return values.sorted { $0.utf8Precedes($1) }
    }

    func close() {}
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
