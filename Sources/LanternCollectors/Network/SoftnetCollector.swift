import LanternMetrics
import LanternSupport

/// node_exporter's `softnet` collector: per-CPU packet processing from /proc/net/softnet_stat.
public struct SoftnetCollector: Collector {
    static let processed = counter("processed_total", "Number of processed packets")
    static let dropped = counter("dropped_total", "Number of dropped packets")
    static let timesSqueezed = counter("times_squeezed_total", "Number of times processing packets ran out of quota")
    static let cpuCollision = counter(
        "cpu_collision_total", "Number of collision occur while obtaining device lock while transmitting")
    static let receivedRPS = counter("received_rps_total", "Number of times cpu woken up received_rps")
    static let flowLimitCount = counter("flow_limit_count_total", "Number of times flow limit has been reached")
    static let backlogLength = MetricDescriptor(
        name: "node_softnet_backlog_len", help: "Softnet backlog status", type: .gauge, labels: ["cpu"])

    static func counter(_ name: String, _ help: String) -> MetricDescriptor {
        MetricDescriptor(name: "node_softnet_\(name)", help: help, type: .counter, labels: ["cpu"])
    }

    private let paths: HostPaths

    public init(paths: HostPaths) { self.paths = paths }

    public func collect(into sink: MetricSink) throws {
        for cpu in try KernelFile.parse(paths.proc("net/softnet_stat"), with: SoftnetStat.parse) {
            let label = String(cpu.index)
            sink.add(Self.processed, Double(cpu.processed), label)
            sink.add(Self.dropped, Double(cpu.dropped), label)
            sink.add(Self.timesSqueezed, Double(cpu.timeSqueezed), label)
            sink.add(Self.cpuCollision, Double(cpu.cpuCollision), label)
            sink.add(Self.receivedRPS, Double(cpu.receivedRPS), label)
            sink.add(Self.flowLimitCount, Double(cpu.flowLimitCount), label)
            sink.add(Self.backlogLength, Double(cpu.backlogLength), label)
        }
    }
}
