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
    private let descriptors = DescriptorCache()

    public init(paths: HostPaths, options: Options, logger: Logger) throws {
        guard options.deviceInclude.isEmpty || options.deviceExclude.isEmpty else {
            throw CollectorError("device-exclude & device-include are mutually exclusive")
        }
        self.paths = paths
        self.options = options
        self.logger = logger
        filter = try DeviceFilter(exclude: options.deviceExclude, include: options.deviceInclude)
    }

    public func collect(into sink: MetricSink) throws {
        let devices = options.netlink ? try netlinkCounters() : try procCounters()
        let aliases = options.labelIfAlias ? interfaceAliases() : [:]
        for (device, var counters) in devices {
            if !options.detailedMetrics { Self.useLegacyNames(&counters) }
            for (key, value) in counters {
                if options.labelIfAlias {
                    let descriptor = descriptors.descriptor(key) { Self.descriptor($0, labels: ["device", "ifalias"]) }
                    sink.add(descriptor, Double(value), device, aliases[device] ?? "")
                } else {
                    sink.add(descriptors.descriptor(key) { Self.descriptor($0, labels: ["device"]) }, Double(value), device)
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

    private func netlinkCounters() throws -> [String: [String: UInt64]] {
        var devices: [String: [String: UInt64]] = [:]
        for link in try RouteLink.dump() {
            if filter.ignores(link.name) {
                logger.debug("Ignoring device", metadata: ["device": "\(link.name)"])
                continue
            }
            guard let stats = link.statistics else {
                logger.debug("No netlink stats, skipping", metadata: ["device": "\(link.name)"])
                continue
            }
            devices[link.name] = Self.detailedCounters(stats)
        }
        return devices
    }

    /// The counters under node_exporter's detailed names, before any legacy renaming.
    static func detailedCounters(_ stats: LinkStatistics) -> [String: UInt64] {
        [
            "receive_packets": stats.receivePackets, "transmit_packets": stats.transmitPackets,
            "receive_bytes": stats.receiveBytes, "transmit_bytes": stats.transmitBytes,
            "receive_errors": stats.receiveErrors, "transmit_errors": stats.transmitErrors,
            "receive_dropped": stats.receiveDropped, "transmit_dropped": stats.transmitDropped,
            "multicast": stats.multicast, "collisions": stats.collisions,
            "receive_length_errors": stats.receiveLengthErrors, "receive_over_errors": stats.receiveOverErrors,
            "receive_crc_errors": stats.receiveCRCErrors, "receive_frame_errors": stats.receiveFrameErrors,
            "receive_fifo_errors": stats.receiveFIFOErrors, "receive_missed_errors": stats.receiveMissedErrors,
            "transmit_aborted_errors": stats.transmitAbortedErrors, "transmit_carrier_errors": stats.transmitCarrierErrors,
            "transmit_fifo_errors": stats.transmitFIFOErrors, "transmit_heartbeat_errors": stats.transmitHeartbeatErrors,
            "transmit_window_errors": stats.transmitWindowErrors,
            "receive_compressed": stats.receiveCompressed, "transmit_compressed": stats.transmitCompressed,
            "receive_nohandler": stats.receiveNoHandler,
        ]
    }

    private func procCounters() throws -> [String: [String: UInt64]] {
        var devices: [String: [String: UInt64]] = [:]
        for line in try KernelFile.parse(paths.proc("net/dev"), with: NetDev.parse) {
            if filter.ignores(line.name) {
                logger.debug("Ignoring device", metadata: ["device": "\(line.name)"])
                continue
            }
            devices[line.name] = Dictionary(zip(NetDev.columns, line.counters)) { $1 }
        }
        return devices
    }

    /// Folds the detailed counters into the /proc/net/dev names, the way the kernel
    /// sums them there (net/core/net-procfs.c).
    static func useLegacyNames(_ counters: inout [String: UInt64]) {
        func take(_ key: String) -> UInt64 { counters.removeValue(forKey: key) ?? 0 }
        func rename(_ key: String, to legacy: String, adding extra: [String] = []) {
            guard let value = counters.removeValue(forKey: key) else { return }
            counters[legacy] = extra.reduce(value) { $0 &+ take($1) }
        }
        rename("receive_errors", to: "receive_errs")
        rename("receive_dropped", to: "receive_drop", adding: ["receive_missed_errors"])
        rename("receive_fifo_errors", to: "receive_fifo")
        rename("receive_frame_errors", to: "receive_frame",
               adding: ["receive_length_errors", "receive_over_errors", "receive_crc_errors"])
        rename("multicast", to: "receive_multicast")
        rename("transmit_errors", to: "transmit_errs")
        rename("transmit_dropped", to: "transmit_drop")
        rename("transmit_fifo_errors", to: "transmit_fifo")
        rename("collisions", to: "transmit_colls")
        rename("transmit_carrier_errors", to: "transmit_carrier",
               adding: ["transmit_aborted_errors", "transmit_heartbeat_errors", "transmit_window_errors"])
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
