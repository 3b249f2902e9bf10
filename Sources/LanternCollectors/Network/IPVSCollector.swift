import LanternFlags
import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `ipvs` collector: IPVS totals from /proc/net/ip_vs_stats and, per
/// backend, connections and weight from /proc/net/ip_vs, summed over the series that
/// share the labels chosen with `--collector.ipvs.backend-labels`.
public struct IPVSCollector: Collector {
    public struct Options: Sendable {
        /// The labels to keep, in node_exporter's order (`IPVSFlags.options` validates them).
        public var backendLabels = IPVSFlags.allBackendLabels
        public init() {}
    }

    static let connections = MetricDescriptor(name: "node_ipvs_connections_total", help: "The total number of connections made.", type: .counter)
    static let incomingPackets = MetricDescriptor(name: "node_ipvs_incoming_packets_total", help: "The total number of incoming packets.", type: .counter)
    static let outgoingPackets = MetricDescriptor(name: "node_ipvs_outgoing_packets_total", help: "The total number of outgoing packets.", type: .counter)
    static let incomingBytes = MetricDescriptor(name: "node_ipvs_incoming_bytes_total", help: "The total amount of incoming data.", type: .counter)
    static let outgoingBytes = MetricDescriptor(name: "node_ipvs_outgoing_bytes_total", help: "The total amount of outgoing data.", type: .counter)

    private let paths: HostPaths
    private let labels: [String]
    private let logger: Logger
    private let active: MetricDescriptor
    private let inactive: MetricDescriptor
    private let weight: MetricDescriptor

    public init(paths: HostPaths, options: Options, logger: Logger) {
        self.paths = paths
        self.logger = logger
        labels = options.backendLabels
        active = MetricDescriptor(
            name: "node_ipvs_backend_connections_active", help: "The current active connections by local and remote address.",
            type: .gauge, labels: labels)
        inactive = MetricDescriptor(
            name: "node_ipvs_backend_connections_inactive", help: "The current inactive connections by local and remote address.",
            type: .gauge, labels: labels)
        weight = MetricDescriptor(
            name: "node_ipvs_backend_weight", help: "The current backend weight by local and remote address.", type: .gauge, labels: labels)
    }

    public func collect(into sink: MetricSink) throws {
        let stats: IPVSStats
        do {
            stats = try KernelFile.parse(paths.proc("net/ip_vs_stats"), with: ProcIPVS.stats)
        } catch {
            // IPVS not loaded: no metrics and no error, as node_exporter.
            guard error.isNotFound else { throw CollectorError("could not get IPVS stats: \(error)") }
            logger.debug("ipvs collector metrics are not available for this system")
            return
        }
        sink.add(Self.connections, Double(stats.connections))
        sink.add(Self.incomingPackets, Double(stats.incomingPackets))
        sink.add(Self.outgoingPackets, Double(stats.outgoingPackets))
        sink.add(Self.incomingBytes, Double(stats.incomingBytes))
        sink.add(Self.outgoingBytes, Double(stats.outgoingBytes))

        let backends: [IPVSBackend]
        do {
            backends = try KernelFile.parse(paths.proc("net/ip_vs"), with: ProcIPVS.backends)
        } catch {
            throw CollectorError("could not get backend status: \(error)")
        }
        var sums: [[String]: (active: UInt64, inactive: UInt64, weight: UInt64)] = [:]
        for backend in backends {
            let values = labels.map { Self.labelValue($0, of: backend) }
            var sum = sums[values] ?? (0, 0, 0)
            sum.active &+= backend.activeConnections
            sum.inactive &+= backend.inactiveConnections
            sum.weight &+= backend.weight
            sums[values] = sum
        }
        for (values, sum) in sums {
            sink.add(active, Double(sum.active), labelValues: values)
            sink.add(inactive, Double(sum.inactive), labelValues: values)
            sink.add(weight, Double(sum.weight), labelValues: values)
        }
    }

    static func labelValue(_ label: String, of backend: IPVSBackend) -> String {
        switch label {
        case "local_address": backend.localAddress
        case "local_port": String(backend.localPort)
        case "remote_address": backend.remoteAddress
        case "remote_port": String(backend.remotePort)
        case "proto": backend.proto
        case "local_mark": backend.localMark
        default: ""
        }
    }
}

enum IPVSFlags {
    static let allBackendLabels = ["local_address", "local_port", "remote_address", "remote_port", "proto", "local_mark"]

    static let backendLabels = Flag(
        "collector.ipvs.backend-labels", help: "Comma separated list for IPVS backend stats labels.",
        default: allBackendLabels.joined(separator: ","))
    static let all = [backendLabels]

    static func options(from flags: ParsedFlags) throws -> IPVSCollector.Options {
        var options = IPVSCollector.Options()
        options.backendLabels = try parseLabels(flags.string(backendLabels.name))
        return options
    }

    /// The known labels named in the comma-separated list, in node_exporter's order;
    /// empty items are ignored, unknown ones are an error listing them sorted.
    static func parseLabels(_ list: String) throws -> [String] {
        let requested = Set(list.split(separator: ",", omittingEmptySubsequences: true).map(String.init))
        let unknown = requested.subtracting(allBackendLabels).sorted { $0.utf8Precedes($1) }
        guard unknown.isEmpty else {
            throw CollectorError("unknown IPVS backend labels: \(goQuote(unknown.joined(separator: ", ")))")
        }
        return allBackendLabels.filter(requested.contains)
    }
}
