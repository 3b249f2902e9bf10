import LanternMetrics
import LanternSupport

/// node_exporter's `cpu_vulnerabilities` collector: the state of each CPU vulnerability
/// the kernel reports.
public struct CPUVulnerabilitiesCollector: Collector {
    static let info = MetricDescriptor(
        name: "node_cpu_vulnerabilities_info",
        help: "Details of each CPU vulnerability reported by sysfs. The value of the series is an int encoded state of the vulnerability. The same state is stored as a string in the label",
        type: .gauge, labels: ["codename", "state", "mitigation"])

    private let paths: HostPaths

    public init(paths: HostPaths) {
        self.paths = paths
    }

    public func collect(into sink: MetricSink) throws {
        for vulnerability in try SysfsCPUVulnerabilities.read(directory: paths.sys("devices/system/cpu/vulnerabilities")) {
            sink.add(Self.info, 1, vulnerability.codename, vulnerability.state, vulnerability.mitigation)
        }
    }
}
