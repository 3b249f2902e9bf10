import LanternFlags
import LanternMetrics
import LanternSupport

/// node_exporter's `arp` collector: IPv4 neighbour entries per device, from rtnetlink
/// (RTM_GETNEIGH) or, with `--no-collector.arp.netlink`, /proc/net/arp.
public struct ARPCollector: Collector {
    public struct Options: Sendable {
        public var deviceInclude = ""
        public var deviceExclude = ""
        public var netlink = true
        public init() {}
    }

    static let entries = MetricDescriptor(name: "node_arp_entries", help: "ARP entries by device", type: .gauge, labels: ["device"])
    static let states = MetricDescriptor(name: "node_arp_states", help: "ARP states by device", type: .gauge, labels: ["device", "state"])

    private let paths: HostPaths
    private let options: Options
    private let filter: DeviceFilter

    public init(paths: HostPaths, options: Options) throws {
        self.paths = paths
        self.options = options
        filter = try DeviceFilter(exclude: options.deviceExclude, include: options.deviceInclude)
    }

    public func collect(into sink: MetricSink) throws {
        var entries: [String: Int] = [:]
        var states: [String: [String: Int]] = [:]
        if options.netlink {
            // Devices are named one index at a time (as node_exporter's `net.InterfaceByIndex`)
            // on the dump's own socket: the table usually names one or two, where an
            // RTM_GETLINK dump would render every link's statistics.
            try NetlinkSocket.withKept(protocol: NetlinkSocket.route) { socket throws(NetlinkError) in
                var names: [Int32: String] = [:]
                for neighbor in try RouteNeighbor.dumpIPv4(on: socket) {
                    // A neighbour of a device that just went away counts under "", as before.
                    let device = names[neighbor.interfaceIndex] ?? socket.interfaceName(ofIndex: neighbor.interfaceIndex) ?? ""
                    names[neighbor.interfaceIndex] = device
                    // NOARP entries are not in /proc/net/arp; they only count as a state.
                    if neighbor.state & RouteNeighbor.stateNoARP == 0 { entries[device, default: 0] += 1 }
                    states[device, default: [:]][RouteNeighbor.stateNames[neighbor.state] ?? "", default: 0] += 1
                }
            }
        } else {
            for device in try KernelFile.parse(paths.proc("net/arp"), with: ProcNetARP.devices) {
                entries[device, default: 0] += 1
            }
        }
        // In exposition order (by device, then state), so the registry has nothing to sort.
        for device in entries.keys.sorted(by: { $0.utf8Precedes($1) }) where !filter.ignores(device) {
            sink.add(Self.entries, Double(entries[device]!), device)
        }
        for device in states.keys.sorted(by: { $0.utf8Precedes($1) }) where !filter.ignores(device) {
            let counts = states[device]!
            for state in counts.keys.sorted(by: { $0.utf8Precedes($1) }) {
                sink.add(Self.states, Double(counts[state]!), device, state)
            }
        }
    }
}

enum ARPFlags {
    static let deviceInclude = Flag(
        "collector.arp.device-include", help: "Regexp of arp devices to include (mutually exclusive to device-exclude).")
    static let deviceExclude = Flag(
        "collector.arp.device-exclude", help: "Regexp of arp devices to exclude (mutually exclusive to device-include).")
    static let netlink = Flag(
        "collector.arp.netlink", help: "Use netlink to gather stats instead of /proc/net/arp.", kind: .bool, default: "true")
    static let all = [deviceInclude, deviceExclude, netlink]

    static func options(from flags: ParsedFlags) -> ARPCollector.Options {
        var options = ARPCollector.Options()
        options.deviceInclude = flags.string(deviceInclude.name)
        options.deviceExclude = flags.string(deviceExclude.name)
        options.netlink = flags.bool(netlink.name)
        return options
    }
}
