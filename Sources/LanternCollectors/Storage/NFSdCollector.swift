import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `nfsd` collector: the NFS server's RPC statistics from /proc/net/rpc/nfsd.
public struct NFSdCollector: Collector {
    private static func descriptor(_ name: String, _ help: String, _ type: MetricType = .counter, labels: [String] = []) -> MetricDescriptor {
        MetricDescriptor(name: "node_nfsd_" + name, help: help, type: type, labels: labels)
    }

    static let replyCacheHits = descriptor("reply_cache_hits_total", "Total number of NFSd Reply Cache hits (client lost server response).")
    static let replyCacheMisses = descriptor(
        "reply_cache_misses_total", "Total number of NFSd Reply Cache an operation that requires caching (idempotent).")
    static let replyCacheNoCache = descriptor(
        "reply_cache_nocache_total", "Total number of NFSd Reply Cache non-idempotent operations (rename/delete/…).")
    static let staleFileHandles = descriptor("file_handles_stale_total", "Total number of NFSd stale file handles")
    static let bytesRead = descriptor("disk_bytes_read_total", "Total NFSd bytes read.")
    static let bytesWritten = descriptor("disk_bytes_written_total", "Total NFSd bytes written.")
    static let threads = descriptor("server_threads", "Total number of NFSd kernel threads that are running.", .gauge)
    static let readAheadSize = descriptor("read_ahead_cache_size_blocks", "How large the read ahead cache is in blocks.", .gauge)
    static let readAheadNotFound = descriptor("read_ahead_cache_not_found_total", "Total number of NFSd read ahead cache not found.")
    static let packets = descriptor(
        "packets_total", "Total NFSd network packets (sent+received) by protocol type.", labels: ["proto"])
    static let connections = descriptor("connections_total", "Total number of NFSd TCP connections.")
    static let rpcErrors = descriptor("rpc_errors_total", "Total number of NFSd RPC errors by error type.", labels: ["error"])
    static let rpcs = descriptor("server_rpcs_total", "Total number of NFSd RPCs.")
    static let requests = descriptor("requests_total", "Total number NFSd Requests by method and protocol.", labels: ["proto", "method"])

    private let paths: HostPaths
    private let logger: Logger

    public init(paths: HostPaths, logger: Logger) {
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        let stats: NFSServerStats
        do {
            stats = try KernelFile.parse(paths.proc("net/rpc/nfsd"), with: NFSServerStats.parse)
        } catch {
            // No NFS server module loaded: nothing to report.
            guard error.isNotFound else { throw CollectorError("failed to retrieve nfsd stats: \(error)") }
            logger.debug("Not collecting NFSd metrics", metadata: ["err": "\(error)"])
            return
        }
        sink.add(Self.replyCacheHits, Double(stats.replyCacheHits))
        sink.add(Self.replyCacheMisses, Double(stats.replyCacheMisses))
        sink.add(Self.replyCacheNoCache, Double(stats.replyCacheNoCache))
        sink.add(Self.staleFileHandles, Double(stats.staleFileHandles))
        sink.add(Self.bytesRead, Double(stats.bytesRead))
        sink.add(Self.bytesWritten, Double(stats.bytesWritten))
        sink.add(Self.threads, Double(stats.threads))
        sink.add(Self.readAheadSize, Double(stats.readAheadCacheSize))
        sink.add(Self.readAheadNotFound, Double(stats.readAheadCacheNotFound))
        sink.add(Self.packets, Double(stats.udpPackets), "udp")
        sink.add(Self.packets, Double(stats.tcpPackets), "tcp")
        sink.add(Self.connections, Double(stats.tcpConnections))
        sink.add(Self.rpcErrors, Double(stats.badFormat), "fmt")
        sink.add(Self.rpcErrors, Double(stats.badAuth), "auth")
        sink.add(Self.rpcErrors, Double(stats.badClient), "cInt")
        sink.add(Self.rpcs, Double(stats.rpcCalls))
        for (version, names, counts) in [
            ("2", NFSServerStats.version2Procedures, stats.version2), ("3", NFSServerStats.version3Procedures, stats.version3),
            ("4", NFSServerStats.version4Operations, stats.version4),
        ] {
            for (name, count) in zip(names, counts) where !NFSServerStats.unexposedVersion4Operations.contains(name) {
                sink.add(Self.requests, Double(count), version, name)
            }
        }
    }
}
