import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `conntrack` collector: netfilter connection tracking table size and
/// per-CPU statistics summed over the CPUs.
public struct ConntrackCollector: Collector {
    static let entries = gauge("entries", "Number of currently allocated flow entries for connection tracking.")
    static let limit = gauge("entries_limit", "Maximum size of connection tracking table.")
    /// Statistic column of /proc/net/stat/nf_conntrack and its descriptor.
    static let statistics: [(column: String, descriptor: MetricDescriptor)] = [
        ("found", gauge("stat_found", "Number of searched entries which were successful.")),
        ("invalid", gauge("stat_invalid", "Number of packets seen which can not be tracked.")),
        ("ignore", gauge("stat_ignore", "Number of packets seen which are already connected to a conntrack entry.")),
        ("insert", gauge("stat_insert", "Number of entries inserted into the list.")),
        ("insert_failed", gauge("stat_insert_failed", "Number of entries for which list insertion was attempted but failed.")),
        ("drop", gauge("stat_drop", "Number of packets dropped due to conntrack failure.")),
        ("early_drop", gauge(
            "stat_early_drop", "Number of dropped conntrack entries to make room for new ones, if maximum table size was reached.")),
        ("search_restart", gauge(
            "stat_search_restart", "Number of conntrack table lookups which had to be restarted due to hashtable resizes.")),
    ]

    static func gauge(_ name: String, _ help: String) -> MetricDescriptor {
        MetricDescriptor(name: "node_nf_conntrack_\(name)", help: help, type: .gauge)
    }

    private let paths: HostPaths
    private let logger: Logger

    public init(paths: HostPaths, logger: Logger) {
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        if case .failure(let error) = Result(catching: { () throws(KernelFileError) in try read(into: sink) }) {
            guard error.isNotFound else { throw error }
            logger.debug("conntrack probably not loaded", metadata: ["err": "\(error)"])
        }
    }

    private func read(into sink: MetricSink) throws(KernelFileError) {
        sink.add(Self.entries, Double(try KernelFile.readUInt(paths.proc("sys/net/netfilter/nf_conntrack_count"))))
        sink.add(Self.limit, Double(try KernelFile.readUInt(paths.proc("sys/net/netfilter/nf_conntrack_max"))))
        let totals = try KernelFile.parse(paths.proc("net/stat/nf_conntrack"), with: ConntrackStat.parse)
        for (column, descriptor) in Self.statistics {
            sink.add(descriptor, Double(totals[column] ?? 0))
        }
    }
}
