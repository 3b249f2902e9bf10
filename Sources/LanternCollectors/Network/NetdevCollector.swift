import LanternFlags
import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `netdev` collector: per-interface counters from rtnetlink
/// (RTM_GETLINK, IFLA_STATS64) or, with `--no-collector.netdev.netlink`, /proc/net/dev.
public struct NetdevCollector: Collector {
    public struct Options: Sendable {
        public var deviceInclude = ""
        public var deviceExclude = ""
        /// `--collector.netdev.address-info`: also expose node_network_address_info.
        public var addressInfo = false
        /// `--collector.netdev.enable-detailed-metrics`: the kernel's own counter names
        /// instead of the /proc/net/dev-compatible ones.
        public var detailedMetrics = false
        public var netlink = true
        /// `--collector.netdev.label-ifalias`: an `ifalias` label from sysfs.
        public var labelIfAlias = false
        public init() {}
    }

    static let addressInfo = MetricDescriptor(
        name: "node_network_address_info", help: "node network address by device", type: .gauge,
        labels: ["device", "address", "netmask", "scope"])

    private let paths: HostPaths
    private let options: Options
    private let filter: DeviceFilter
    private let logger: Logger
    /// What each exposed counter sums, decided once: the source's counter names do not
    /// change between scrapes (netlink's `LinkStatistics.names`, or `NetDev.columns`).
    private let exposed: [ExposedCounter]

    /// One `node_network_<name>_total` family: the positions of the source counters it adds up.
    struct ExposedCounter {
        let descriptor: MetricDescriptor
        let sources: [Int]
    }

    public init(paths: HostPaths, options: Options, logger: Logger) throws {
        guard options.deviceInclude.isEmpty || options.deviceExclude.isEmpty else {
            throw CollectorError("device-exclude & device-include are mutually exclusive")
        }
        self.paths = paths
        self.options = options
        self.logger = logger
        filter = try DeviceFilter(exclude: options.deviceExclude, include: options.deviceInclude)
        let labels = options.labelIfAlias ? ["device", "ifalias"] : ["device"]
        let names = options.netlink ? LinkStatistics.names : NetDev.columns
        exposed = Self.layout(of: names, legacy: !options.detailedMetrics).map { name, sources in
            ExposedCounter(descriptor: Self.descriptor(name, labels: labels), sources: sources)
        }
    }

    public func collect(into sink: MetricSink) throws {
        let devices = try (options.netlink ? netlinkCounters() : procCounters()).sorted { $0.name.utf8Precedes($1.name) }
        let aliases = options.labelIfAlias ? interfaceAliases() : [:]
        // Family by family, so that each family's series arrive together and in order.
        for counter in exposed {
            for device in devices {
                var value: UInt64 = 0
                for source in counter.sources { value &+= device.counters[source] }
                if options.labelIfAlias {
                    sink.add(counter.descriptor, Double(value), device.name, aliases[device.name] ?? "")
                } else {
                    sink.add(counter.descriptor, Double(value), device.name)
                }
            }
        }
        if options.addressInfo {
            for address in try InterfaceAddress.all() {
                sink.add(Self.addressInfo, 1, address.device, address.address, String(address.prefixLength), address.scope)
            }
        }
    }

    static func descriptor(_ key: String, labels: [String]) -> MetricDescriptor {
        MetricDescriptor(name: "node_network_\(key)_total", help: "Network device statistic \(key).", type: .counter, labels: labels)
    }

    private func netlinkCounters() throws -> [(name: String, counters: [UInt64])] {
        var devices: [(name: String, counters: [UInt64])] = []
        for link in try RouteLink.dump() {
            if filter.ignores(link.name) {
                logger.debug("Ignoring device", metadata: ["device": "\(link.name)"])
                continue
            }
            guard let stats = link.statistics else {
                logger.debug("No netlink stats, skipping", metadata: ["device": "\(link.name)"])
                continue
            }
            devices.append((link.name, stats.counters))
        }
        return devices
    }

    private func procCounters() throws -> [(name: String, counters: [UInt64])] {
        var devices: [(name: String, counters: [UInt64])] = []
        for line in try KernelFile.parse(paths.proc("net/dev"), with: NetDev.parse) {
            if filter.ignores(line.name) {
                logger.debug("Ignoring device", metadata: ["device": "\(line.name)"])
                continue
            }
            devices.append((line.name, line.counters))
        }
        return devices
    }

    /// How node_exporter folds the detailed counters into the /proc/net/dev names, the way
    /// the kernel sums them there (net/core/net-procfs.c): a legacy name, the counter it
    /// renames, and the counters added to it.
    static let legacyFolds: [(legacy: String, renamed: String, added: [String])] = [
        ("receive_errs", "receive_errors", []),
        ("receive_drop", "receive_dropped", ["receive_missed_errors"]),
        ("receive_fifo", "receive_fifo_errors", []),
        ("receive_frame", "receive_frame_errors", ["receive_length_errors", "receive_over_errors", "receive_crc_errors"]),
        ("receive_multicast", "multicast", []),
        ("transmit_errs", "transmit_errors", []),
        ("transmit_drop", "transmit_dropped", []),
        ("transmit_fifo", "transmit_fifo_errors", []),
        ("transmit_colls", "collisions", []),
        ("transmit_carrier", "transmit_carrier_errors",
         ["transmit_aborted_errors", "transmit_heartbeat_errors", "transmit_window_errors"]),
    ]

    /// The exposed names of a source's counters and the positions each one sums: each
    /// counter as itself, or with `legacy`, folded as node_exporter's `legacy()` folds its
    /// map (a fold applies when the counter it renames is there, takes the added ones it
    /// finds, and replaces any counter of the legacy name).
    static func layout(of names: [String], legacy: Bool) -> [(name: String, sources: [Int])] {
        var counters = names.indices.map { (name: names[$0], sources: [$0]) }
        guard legacy else { return counters }
        func take(_ name: String) -> [Int]? {
            guard let position = counters.firstIndex(where: { $0.name == name }) else { return nil }
            return counters.remove(at: position).sources
        }
        for fold in legacyFolds {
            guard var sources = take(fold.renamed) else { continue }
            for added in fold.added { sources += take(added) ?? [] }
            _ = take(fold.legacy)
            counters.append((fold.legacy, sources))
        }
        return counters
    }

    /// sysfs `ifalias` of every interface; an interface without one (or gone) gets "".
    private func interfaceAliases() -> [String: String] {
        var aliases: [String: String] = [:]
        for name in (try? KernelFile.entries(of: paths.sys("class/net"))) ?? [] {
            if let alias = try? KernelFile.read(paths.sys("class/net/\(name)/ifalias")) {
                aliases[name] = String(trimmed(alias[...]))
            }
        }
        return aliases
    }
}

enum NetdevFlags {
    static let deviceInclude = Flag(
        "collector.netdev.device-include", help: "Regexp of net devices to include (mutually exclusive to device-exclude).")
    static let deviceWhitelist = Flag(
        "collector.netdev.device-whitelist", help: "DEPRECATED: Use collector.netdev.device-include", hidden: true)
    static let deviceExclude = Flag(
        "collector.netdev.device-exclude", help: "Regexp of net devices to exclude (mutually exclusive to device-include).")
    static let deviceBlacklist = Flag(
        "collector.netdev.device-blacklist", help: "DEPRECATED: Use collector.netdev.device-exclude", hidden: true)
    static let addressInfo = Flag(
        "collector.netdev.address-info", help: "Collect address-info for every device", kind: .bool, default: "false")
    static let detailedMetrics = Flag(
        "collector.netdev.enable-detailed-metrics",
        help: "Use (incompatible) metric names that provide more detailed stats on Linux", kind: .bool, default: "false")
    static let netlink = Flag(
        "collector.netdev.netlink", help: "Use netlink to gather stats instead of /proc/net/dev.", kind: .bool, default: "true")
    static let labelIfAlias = Flag("collector.netdev.label-ifalias", help: "Add ifAlias label", kind: .bool, default: "false")
    static let all = [deviceInclude, deviceWhitelist, deviceExclude, deviceBlacklist, addressInfo, detailedMetrics, netlink, labelIfAlias]

    /// The deprecated whitelist/blacklist flags stand in for include/exclude when those are
    /// not given; giving both spellings is an error, as in node_exporter.
    static func options(from flags: ParsedFlags, logger: Logger) throws -> NetdevCollector.Options {
        var options = NetdevCollector.Options()
        options.deviceInclude = try replacing(deviceInclude, deprecated: deviceWhitelist, in: flags, logger: logger)
        options.deviceExclude = try replacing(deviceExclude, deprecated: deviceBlacklist, in: flags, logger: logger)
        options.addressInfo = flags.bool(addressInfo.name)
        options.detailedMetrics = flags.bool(detailedMetrics.name)
        options.netlink = flags.bool(netlink.name)
        options.labelIfAlias = flags.bool(labelIfAlias.name)
        return options
    }

    private static func replacing(_ current: Flag, deprecated: Flag, in flags: ParsedFlags, logger: Logger) throws -> String {
        let old = flags.string(deprecated.name)
        let new = flags.string(current.name)
        guard !old.isEmpty else { return new }
        guard new.isEmpty else {
            throw CollectorError("--\(deprecated.name) and --\(current.name) are mutually exclusive")
        }
        logger.warning("--\(deprecated.name) is DEPRECATED and will be removed in 2.0.0, use --\(current.name)")
        return old
    }
}
