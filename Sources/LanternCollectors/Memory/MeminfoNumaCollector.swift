import LanternMetrics
import LanternSupport

/// node_exporter's `meminfo_numa` collector: each NUMA node's meminfo (gauges) and
/// numastat (counters) from /sys/devices/system/node/node*/.
public struct MeminfoNumaCollector: Collector {
    private let paths: HostPaths

    public init(paths: HostPaths) { self.paths = paths }

    public func collect(into sink: MetricSink) throws {
        let directory = paths.sys("devices/system/node")
        do {
            for name in KernelFile.numberedEntries(of: directory, prefix: "node") {
                let node = directory + "/" + name
                for entry in try KernelFile.parse(node + "/meminfo", with: NodeMeminfo.parseMeminfo) {
                    add(entry, type: .gauge, into: sink)
                }
                let number = String(name.dropFirst("node".count).prefix { $0.isASCII && $0.isNumber })
                for entry in try KernelFile.parse(node + "/numastat", with: { (text) throws(KernelParseError) in
                    try NodeMeminfo.parseNumastat(text, node: number)
                }) {
                    add(NodeMeminfo.Entry(name: entry.name + "_total", node: entry.node, value: entry.value), type: .counter, into: sink)
                }
            }
        } catch {
            throw CollectorError("couldn't get NUMA meminfo: \(error)")
        }
    }

    private func add(_ entry: NodeMeminfo.Entry, type: MetricType, into sink: MetricSink) {
        let descriptor = MetricDescriptor(
            name: "node_memory_numa_" + entry.name, help: "Memory information field \(entry.name).", type: type, labels: ["node"])
        sink.add(descriptor, entry.value, entry.node)
    }
}
