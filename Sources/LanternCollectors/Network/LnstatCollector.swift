import LanternMetrics
import LanternSupport

/// node_exporter's `lnstat` collector: the per-CPU network cache counters of every file
/// in /proc/net/stat/, as `node_lnstat_<column>_total{subsystem=<file>,cpu}`.
public struct LnstatCollector: Collector {
    private let paths: HostPaths

    public init(paths: HostPaths) { self.paths = paths }

    public func collect(into sink: MetricSink) throws {
        let directory = paths.proc("net/stat")
        // A missing directory gives no files, as node_exporter's glob does.
        for name in (try? KernelFile.entries(of: directory)) ?? [] {
            let file: LinuxNetStatFile
            do {
                file = try KernelFile.parse(directory + "/" + name, with: LinuxNetStatFile.parse)
            } catch {
                throw CollectorError("lnstat error: \(error)")
            }
            for (columnIndex, column) in file.columns.enumerated() {
                let descriptor = MetricDescriptor(
                    name: "node_lnstat_\(column)_total", help: "linux network cache stats", type: .counter, labels: ["subsystem", "cpu"])
                for (cpu, values) in file.perCPU.enumerated() {
                    sink.add(descriptor, Double(values[columnIndex]), name, String(cpu))
                }
            }
        }
    }
}
