import Glibc
import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `sockstat` collector: socket counts of /proc/net/sockstat and
/// sockstat6 as `node_sockstat_<PROTOCOL>_<state>` gauges.
public struct SockstatCollector: Collector {
    static let socketsUsed = MetricDescriptor(name: "node_sockstat_sockets_used", help: "Number of IPv4 sockets in use.", type: .gauge)

    private let paths: HostPaths
    private let logger: Logger
    /// `mem` counts pages; node_exporter multiplies by the running host's page size.
    private let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
    /// Each protocol's descriptors, made once for the states its lines list.
    private let descriptors = FieldDescriptors()

    public init(paths: HostPaths, logger: Logger) {
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        // Either file is absent when IPv4 or IPv6 is disabled in the kernel.
        let files = [(name: "sockstat", family: "IPv4"), (name: "sockstat6", family: "IPv6")]
        var stats: [(isIPv6: Bool, stat: Sockstat)] = []
        for file in files {
            do {
                stats.append((file.name == "sockstat6", try KernelFile.parse(paths.proc("net/" + file.name), with: Sockstat.parse)))
            } catch where error.isNotFound {
                logger.debug("\(file.family) sockstat statistics not found, skipping")
            } catch {
                throw CollectorError("failed to get \(file.family) sockstat data: \(error)")
            }
        }
        for (isIPv6, stat) in stats {
            if !isIPv6, let used = stat.used {
                sink.add(Self.socketsUsed, Double(used))
            }
            for proto in stat.protocols {
                let states: [(String, Double?)] = [
                    ("inuse", Double(proto.inUse)), ("orphan", proto.orphan.map(Double.init)), ("tw", proto.timeWait.map(Double.init)),
                    ("alloc", proto.alloc.map(Double.init)), ("mem", proto.mem.map(Double.init)), ("memory", proto.memory.map(Double.init)),
                    ("mem_bytes", proto.mem.map { Double($0) * pageSize }),
                ]
                let present = states.compactMap { state, value in value.map { (state: Substring(state), value: $0) } }
                let found = descriptors.descriptors(list: proto.name, names: present.map(\.state)) { state in
                    MetricDescriptor(
                        name: "node_sockstat_\(proto.name)_\(state)", help: "Number of \(proto.name) sockets in state \(state).",
                        type: .gauge)
                }
                for (descriptor, state) in zip(found, present) {
                    if let descriptor { sink.add(descriptor, state.value) }
                }
            }
        }
    }
}
