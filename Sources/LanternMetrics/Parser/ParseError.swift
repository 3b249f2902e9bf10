/// A syntax or structure error in exposition text, at a 1-based line and byte column.
/// The message follows the wording of Go's `expfmt.TextParser` (prometheus/common)
/// where Go has one, so users recognise it.
public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}

/// Which exposition format a parser reads.
public enum ExpositionFormat: Sendable, Hashable {
    /// Prometheus text format 0.0.4 (`text/plain; version=0.0.4`).
    case prometheusText
    /// OpenMetrics 1.0.0 (`application/openmetrics-text; version=1.0.0`).
    case openMetrics
}

/// A metric type as declared by a `# TYPE` line. Wider than `MetricType`, because
/// OpenMetrics knows gauge histograms and calls untyped metrics `unknown`.
public enum DeclaredType: String, Sendable, Hashable {
    case counter
    case gauge
    case histogram
    case gaugeHistogram = "gaugehistogram"
    case summary
    case untyped
    case unknown
    case info
    case stateset

    /// The model type a family of this declared type becomes.
    public var metricType: MetricType {
        switch self {
        case .counter: .counter
        case .gauge: .gauge
        case .histogram, .gaugeHistogram: .histogram
        case .summary: .summary
        case .untyped, .unknown: .untyped
        case .info: .info
        case .stateset: .stateset
        }
    }
}
