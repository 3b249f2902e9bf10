import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `udp_queues` collector: bytes queued on UDP sockets, summed over
/// /proc/net/udp (v4) and /proc/net/udp6 (v6).
public struct UDPQueuesCollector: Collector {
    static let queues = MetricDescriptor(
        name: "node_udp_queues", help: "Number of allocated memory in the kernel for UDP datagrams in bytes.", type: .gauge,
        labels: ["queue", "ip"])

    private let paths: HostPaths
    private let logger: Logger

    public init(paths: HostPaths, logger: Logger) {
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        // node_exporter stops at the first missing file: no v6 numbers without v4.
        for (file, ip) in [("net/udp", "v4"), ("net/udp6", "v6")] {
            let totals: UDPQueueTotals
            do {
                totals = try KernelFile.parse(paths.proc(file), with: UDPQueueTotals.parse)
            } catch where error.isNotFound {
                logger.debug("not collecting ip\(ip) based metrics")
                return
            } catch {
                throw CollectorError("couldn't get udp queued bytes: \(error)")
            }
            // rx before tx: the exposition's order (labels ip, then queue).
            sink.add(Self.queues, Double(totals.receive), "rx", ip)
            sink.add(Self.queues, Double(totals.transmit), "tx", ip)
        }
    }
}
