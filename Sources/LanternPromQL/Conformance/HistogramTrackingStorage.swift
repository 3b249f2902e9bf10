import Synchronization

/// Wraps the runner's storage and remembers whether a query selected a series that
/// holds native histograms, so such cases are counted as skipped rather than judged.
final class HistogramTrackingStorage: Queryable {
    let floats = MemoryStorage()
    private let histogramSeries = Mutex<[Labels]>([])
    private let touched = Mutex(false)

    func addHistogramSeries(_ labels: Labels) {
        histogramSeries.withLock { $0.append(labels) }
    }

    func removeAll() {
        floats.removeAll()
        histogramSeries.withLock { $0.removeAll() }
    }

    /// Whether a histogram series was selected since the last call; resets the flag.
    func takeTouchedHistograms() -> Bool {
        touched.withLock { flag in
            defer { flag = false }
            return flag
        }
    }

    func querier(mint: Int64, maxt: Int64) throws -> any Querier {
        TrackingQuerier(inner: try floats.querier(mint: mint, maxt: maxt), storage: self)
    }

    fileprivate func noteSelection(_ matchers: [LabelMatcher]) {
        let hit = histogramSeries.withLock { series in series.contains { $0.matches(matchers) } }
        if hit { touched.withLock { $0 = true } }
    }
}

private struct TrackingQuerier: Querier {
    let inner: any Querier
    let storage: HistogramTrackingStorage

    func select(_ matchers: [LabelMatcher], hints: SelectHints) throws -> any SeriesSet {
        storage.noteSelection(matchers)
        return try inner.select(matchers, hints: hints)
    }

    func labelNames(matching matchers: [LabelMatcher]) throws -> [String] { try inner.labelNames(matching: matchers) }

    func labelValues(_ name: String, matching matchers: [LabelMatcher]) throws -> [String] {
        try inner.labelValues(name, matching: matchers)
    }

    func close() { inner.close() }
}
