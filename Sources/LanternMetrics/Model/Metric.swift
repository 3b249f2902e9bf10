import LanternSupport

/// A classic histogram: cumulative bucket counts by upper bound, plus count and sum.
public struct HistogramValue: Sendable, Hashable {
    public struct Bucket: Sendable, Hashable {
        public var upperBound: Double
        public var cumulativeCount: UInt64
        public init(upperBound: Double, cumulativeCount: UInt64) {
            self.upperBound = upperBound
            self.cumulativeCount = cumulativeCount
        }
    }
    /// Ascending by upper bound. A `+Inf` bucket is optional: encoders add it from `count`.
    public var buckets: [Bucket]
    public var count: UInt64
    public var sum: Double

    public init(buckets: [Bucket], count: UInt64, sum: Double) {
        self.buckets = buckets
        self.count = count
        self.sum = sum
    }
}

/// A summary: quantiles plus count and sum.
public struct SummaryValue: Sendable, Hashable {
    public struct Quantile: Sendable, Hashable {
        public var quantile: Double
        public var value: Double
        public init(quantile: Double, value: Double) {
            self.quantile = quantile
            self.value = value
        }
    }
    public var quantiles: [Quantile]
    public var count: UInt64
    public var sum: Double

    public init(quantiles: [Quantile], count: UInt64, sum: Double) {
        self.quantiles = quantiles
        self.count = count
        self.sum = sum
    }
}

/// The value of one series.
public enum MetricValue: Sendable, Hashable {
    /// Counter, gauge, untyped, info and stateset values.
    case scalar(Double)
    case histogram(HistogramValue)
    case summary(SummaryValue)
}

/// One series of a family: its labels (sorted by name), its value and an optional
/// timestamp in milliseconds since the epoch.
public struct Metric: Sendable, Hashable {
    public var labels: [Label]
    public var value: MetricValue
    public var timestampMilliseconds: Int64?
    /// Creation time in seconds since the epoch (OpenMetrics `_created`), where known.
    public var created: Double?

    public init(labels: [Label], value: MetricValue, timestampMilliseconds: Int64? = nil, created: Double? = nil) {
        self.labels = labels
        self.value = value
        self.timestampMilliseconds = timestampMilliseconds
        self.created = created
    }
}

/// A metric family: a name, its help text, its type, and its series.
public struct MetricFamily: Sendable, Hashable {
    public var name: String
    public var help: String
    public var type: MetricType
    /// OpenMetrics `# UNIT`; ignored by the text format 0.0.4.
    public var unit: String?
    public var metrics: [Metric]

    public init(name: String, help: String, type: MetricType, unit: String? = nil, metrics: [Metric] = []) {
        self.name = name
        self.help = help
        self.type = type
        self.unit = unit
        self.metrics = metrics
    }
}

extension MetricFamily {
    /// Orders the series the way client_golang does before encoding: label values
    /// compared in label order (labels are sorted by name within a series), fewer
    /// labels first when the label counts differ, then by timestamp with none last.
    public mutating func sortMetrics() {
        // Collectors mostly emit series in order already: check before sorting.
        var index = metrics.startIndex + 1
        while index < metrics.endIndex {
            if Metric.exposedBefore(metrics[index], metrics[index - 1]) {
                metrics.sort(by: Metric.exposedBefore)
                return
            }
            index += 1
        }
    }
}

extension MetricFamily {
    /// Whether each series sorts strictly after the one before: then the series are in
    /// exposition order and none repeats another (the usual case, checked in one pass
    /// without touching the array).
    var seriesStrictlyOrdered: Bool {
        var index = metrics.startIndex + 1
        while index < metrics.endIndex {
            if !Metric.exposedBefore(metrics[index - 1], metrics[index]) { return false }
            index += 1
        }
        return true
    }
}

extension Metric {
    @inlinable
    public static func exposedBefore(_ a: Metric, _ b: Metric) -> Bool {
        if a.labels.count != b.labels.count { return a.labels.count < b.labels.count }
        for index in a.labels.indices {
            let va = a.labels[index].value, vb = b.labels[index].value
            if va != vb { return va.utf8Precedes(vb) }
        }
        switch (a.timestampMilliseconds, b.timestampMilliseconds) {
        case let (ta?, tb?): return ta < tb
        case (.some, nil): return true
        default: return false
        }
    }
}
