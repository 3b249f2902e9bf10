import LanternMetrics
import LanternSupport

/// node_exporter's `ksmd` collector: the kernel samepage merging daemon's files in
/// /sys/kernel/mm/ksm.
public struct KsmdCollector: Collector {
    /// File and metric: full_scans is a counter, the sleep time is converted from
    /// milliseconds to seconds.
    static let files: [(file: String, descriptor: MetricDescriptor, isMilliseconds: Bool)] = [
        "full_scans", "merge_across_nodes", "pages_shared", "pages_sharing", "pages_to_scan", "pages_unshared", "pages_volatile",
        "run", "sleep_millisecs",
    ].map { file in
        let help = "ksmd '\(file)' file."
        switch file {
        case "full_scans": return (file, MetricDescriptor(name: "node_ksmd_full_scans_total", help: help, type: .counter), false)
        case "sleep_millisecs": return (file, MetricDescriptor(name: "node_ksmd_sleep_seconds", help: help, type: .gauge), true)
        default: return (file, MetricDescriptor(name: "node_ksmd_" + file, help: help, type: .gauge), false)
        }
    }

    private let paths: HostPaths

    public init(paths: HostPaths) { self.paths = paths }

    public func collect(into sink: MetricSink) throws {
        for entry in Self.files {
            let value = try KernelFile.readUInt(paths.sys("kernel/mm/ksm/" + entry.file))
            sink.add(entry.descriptor, entry.isMilliseconds ? Double(value) / 1000 : Double(value))
        }
    }
}
