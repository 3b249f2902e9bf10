import Glibc
import LanternMetrics
import LanternSupport

/// node_exporter's `tcpstat` collector: TCP sockets by state, and the bytes waiting in
/// their receive and send queues, from NETLINK_SOCK_DIAG dumps of IPv4 and (when the
/// host has IPv6, i.e. /proc/net/tcp6 exists) IPv6.
public struct TCPStatCollector: Collector {
    static let connectionStates = MetricDescriptor(
        name: "node_tcp_connection_states", help: "Number of connection states.", type: .gauge, labels: ["state"])

    /// node_exporter's state names by number. 12 and 13 are its own keys for the queue
    /// totals, not kernel states (the dump asks only for states 0-11).
    static let stateNames = [
        "unknown", "established", "syn_sent", "syn_recv", "fin_wait1", "fin_wait2", "time_wait", "close",
        "close_wait", "last_ack", "listen", "closing", "rx_queued_bytes", "tx_queued_bytes",
    ]

    private let paths: HostPaths
    private let dump: @Sendable (Int32) throws(NetlinkError) -> [InetDiagSocket]

    public init(paths: HostPaths) {
        self.init(paths: paths, dump: InetDiagSocket.dumpTCP)
    }

    init(paths: HostPaths, dump: @escaping @Sendable (Int32) throws(NetlinkError) -> [InetDiagSocket]) {
        self.paths = paths
        self.dump = dump
    }

    public func collect(into sink: MetricSink) throws {
        var sockets: [InetDiagSocket]
        do {
            sockets = try dump(AF_INET)
        } catch {
            throw CollectorError("couldn't get tcpstats: \(error)")
        }
        if access(paths.proc("net/tcp6"), F_OK) == 0 {
            do {
                sockets += try dump(AF_INET6)
            } catch {
                throw CollectorError("couldn't get tcp6stats: \(error)")
            }
        }
        for (name, value) in Self.totals(sockets).sorted(by: { $0.key < $1.key }) {
            sink.add(Self.connectionStates, value, name)
        }
    }

    /// Sockets per state name plus the queue totals; empty when there is no socket, as in
    /// node_exporter (which then exposes nothing).
    static func totals(_ sockets: [InetDiagSocket]) -> [String: Double] {
        var totals: [String: Double] = [:]
        for socket in sockets {
            totals["tx_queued_bytes", default: 0] += Double(socket.sendQueue)
            totals["rx_queued_bytes", default: 0] += Double(socket.receiveQueue)
            let state = Int(socket.state)
            totals[state < stateNames.count ? stateNames[state] : "unknown", default: 0] += 1
        }
        return totals
    }
}
