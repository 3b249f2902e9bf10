/// The type of a metric family, as in the Prometheus data model.
public enum MetricType: String, Sendable, Hashable {
    case counter
    case gauge
    case histogram
    case summary
    case untyped
    /// OpenMetrics only; written as a gauge in the text format 0.0.4.
    case info
    /// OpenMetrics only; written as a gauge in the text format 0.0.4.
    case stateset
}
