import LanternMetrics
import LanternSupport

/// node_exporter's `cgroups` collector: cgroup v1 controllers from /proc/cgroups.
public struct CgroupsCollector: Collector {
    // node_exporter gives both families the same help text.
    static let cgroups = MetricDescriptor(
        name: "node_cgroups_cgroups", help: "Current cgroup number of the subsystem.", type: .gauge, labels: ["subsys_name"])
    static let enabled = MetricDescriptor(
        name: "node_cgroups_enabled", help: "Current cgroup number of the subsystem.", type: .gauge, labels: ["subsys_name"])

    private let paths: HostPaths

    public init(paths: HostPaths) {
        self.paths = paths
    }

    public func collect(into sink: MetricSink) throws {
        for summary in try KernelFile.parse(paths.proc("cgroups"), with: ProcCgroups.parse) {
            sink.add(Self.cgroups, Double(summary.cgroups), summary.subsystem)
            sink.add(Self.enabled, Double(summary.enabled), summary.subsystem)
        }
    }
}
