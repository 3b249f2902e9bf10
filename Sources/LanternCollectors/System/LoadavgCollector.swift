import LanternMetrics
import LanternSupport

/// node_exporter's `loadavg` collector: node_load1, node_load5 and node_load15.
public struct LoadavgCollector: Collector {
    static let load1 = MetricDescriptor(name: "node_load1", help: "1m load average.", type: .gauge)
    static let load5 = MetricDescriptor(name: "node_load5", help: "5m load average.", type: .gauge)
    static let load15 = MetricDescriptor(name: "node_load15", help: "15m load average.", type: .gauge)

    private let paths: HostPaths

    public init(paths: HostPaths) {
        self.paths = paths
    }

    public func collect(into sink: MetricSink) throws {
        let load = try KernelFile.parse(paths.proc("loadavg"), with: LoadAverage.parse)
        sink.add(Self.load1, load.load1)
        sink.add(Self.load5, load.load5)
        sink.add(Self.load15, load.load15)
    }
}
