import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `nfs` collector: the NFS client's RPC statistics from /proc/net/rpc/nfs.
public struct NFSCollector: Collector {
    static let packets = MetricDescriptor(
        name: "node_nfs_packets_total", help: "Total NFSd network packets (sent+received) by protocol type.", type: .counter,
        labels: ["protocol"])
    static let connections = MetricDescriptor(
        name: "node_nfs_connections_total", help: "Total number of NFSd TCP connections.", type: .counter)
    static let rpcs = MetricDescriptor(name: "node_nfs_rpcs_total", help: "Total number of RPCs performed.", type: .counter)
    static let retransmissions = MetricDescriptor(
        name: "node_nfs_rpc_retransmissions_total", help: "Number of RPC transmissions performed.", type: .counter)
    static let authRefreshes = MetricDescriptor(
        name: "node_nfs_rpc_authentication_refreshes_total", help: "Number of RPC authentication refreshes performed.", type: .counter)
    static let requests = MetricDescriptor(
        name: "node_nfs_requests_total", help: "Number of NFS procedures invoked.", type: .counter, labels: ["proto", "method"])

    private let paths: HostPaths
    private let logger: Logger

    public init(paths: HostPaths, logger: Logger) {
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        let stats: NFSClientStats
        do {
            stats = try KernelFile.parse(paths.proc("net/rpc/nfs"), with: NFSClientStats.parse)
        } catch {
            // No NFS client module loaded: nothing to report.
            guard error.isNotFound else { throw CollectorError("failed to retrieve nfs stats: \(error)") }
            logger.debug("Not collecting NFS metrics", metadata: ["err": "\(error)"])
            return
        }
        sink.add(Self.packets, Double(stats.udpPackets), "udp")
        sink.add(Self.packets, Double(stats.tcpPackets), "tcp")
        sink.add(Self.connections, Double(stats.tcpConnections))
        sink.add(Self.rpcs, Double(stats.rpcCalls))
        sink.add(Self.retransmissions, Double(stats.retransmissions))
        sink.add(Self.authRefreshes, Double(stats.authRefreshes))
        for (version, names, counts) in [
            ("2", NFSClientStats.version2Procedures, stats.version2), ("3", NFSClientStats.version3Procedures, stats.version3),
            ("4", NFSClientStats.version4Procedures, stats.version4),
        ] {
            for (name, count) in zip(names, counts) { sink.add(Self.requests, Double(count), version, name) }
        }
    }
}
