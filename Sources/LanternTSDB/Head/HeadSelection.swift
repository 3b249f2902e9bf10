import LanternPromQL

/// Series the head selected for a query, with the head's label sets (by copy-on-write:
/// nothing is copied unless series are created meanwhile) to order them by outside the
/// database lock.
struct HeadSelection {
    typealias Series = (labelSetOffset: UInt32, labels: Labels, chunks: [HeadChunk])

    let labelSets: LabelSetStore
    let series: [Series]

    /// The series in `labels.Compare` order (bytes), compared as symbol positions, as the
    /// block writer orders them: integers instead of a string comparison per name and
    /// value (sorting by `Labels <` was ~6% of the dashboard queries' CPU).
    func inLabelOrder() -> [Series] {
        guard series.count > 1 else { return series }
        let positions = labelSets.indexSymbols(of: series.lazy.map(\.labelSetOffset)).positions
        let order = series.indices.sorted {
            labelSets.precedes(series[$0].labelSetOffset, series[$1].labelSetOffset, positions: positions)
        }
        return order.map { series[$0] }
    }
}
