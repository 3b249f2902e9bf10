import LanternSupport

/// A constant `<namespace>_build_info{...} 1` family, as Prometheus' version
/// collector exposes it.
public struct BuildInfoCollector: Collector {
    let family: MetricFamily

    public init(name: String, help: String, labels: [Label]) {
        let sorted = labels.sorted { $0.name.utf8Precedes($1.name) }
        family = MetricFamily(name: name, help: help, type: .gauge, metrics: [Metric(labels: sorted, value: .scalar(1))])
    }

    public func collect(into sink: MetricSink) throws {
        sink.add(family: family)
    }
}
