import LanternMetrics
import LanternSupport

/// node_exporter's `softirqs` collector: per-CPU softirq counts of /proc/softirqs.
public struct SoftirqsCollector: Collector {
    static let functions = MetricDescriptor(
        name: "node_softirqs_functions_total", help: "Softirq counts per CPU.", type: .counter, labels: ["cpu", "type"])

    private let paths: HostPaths

    public init(paths: HostPaths) { self.paths = paths }

    public func collect(into sink: MetricSink) throws {
        for (vector, perCPU) in try KernelFile.parse(paths.proc("softirqs"), with: Softirqs.parse) {
            for (cpu, count) in perCPU.enumerated() {
                sink.add(Self.functions, Double(count), String(cpu), vector)
            }
        }
    }
}
