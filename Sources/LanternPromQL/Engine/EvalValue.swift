/// One element of an instant vector during evaluation.
struct VectorElement {
    var labels: Labels
    /// The sample's own time for selector results (read by `timestamp()`), else the step's.
    var timestamp: Int64
    var value: Double
    /// Prometheus's delayed name removal: the metric name goes at the end of evaluation.
    var dropsName = false
    /// The selected series the element comes from (`SelectedSeries.Stored.id`), kept while
    /// functions pass its labels on: aggregations look its group up by it.
    var seriesID: Int?

    /// The labels the series will have once evaluation ends.
    var finalLabels: Labels { dropsName ? labels.withoutMetricName : labels }
}

/// One series of a range vector during evaluation.
struct RangeElement {
    var labels: Labels
    /// A window into the selected samples (no copy per step); indices do not start at 0.
    var points: ArraySlice<Point>
    var dropsName = false
    var seriesID: Int?

    var finalLabels: Labels { dropsName ? labels.withoutMetricName : labels }
}

/// What evaluating an expression at one time produces.
enum EvalValue {
    case scalar(Double)
    case string(String)
    case vector([VectorElement])
    case matrix([RangeElement])
}
