import Glibc
import LanternFlags
import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `ethtool` collector: per network device (sysfs class/net) its link
/// modes (ETHTOOL_GSET), driver information and driver statistics (SIOCETHTOOL). A device
/// or command the driver does not support is skipped, never an error.
public struct EthtoolCollector: Collector {
    public struct Options: Sendable {
        public var deviceInclude = ""
        public var deviceExclude = ""
        public var metricsInclude = ".*"
        public init() {}
    }

    static let info = MetricDescriptor(
        name: "node_ethtool_info",
        help: "A metric with a constant '1' value labeled by bus_info, device, driver, expansion_rom_version, firmware_version, version.",
        type: .gauge, labels: ["bus_info", "device", "driver", "expansion_rom_version", "firmware_version", "version"])
    static let supportedPort = MetricDescriptor(
        name: "node_network_supported_port_info", help: "Type of ports or PHYs supported by network device", type: .gauge,
        labels: ["device", "type"])
    static let supportedSpeed = MetricDescriptor(
        name: "node_network_supported_speed_bytes", help: "Combination of speeds and features supported by network device",
        type: .gauge, labels: ["device", "duplex", "mode"])
    static let advertisedSpeed = MetricDescriptor(
        name: "node_network_advertised_speed_bytes", help: "Combination of speeds and features offered by network device",
        type: .gauge, labels: ["device", "duplex", "mode"])
    static let autonegotiate = device("autonegotiate", "If this port is using autonegotiate")
    static let supportedCapabilities = Capabilities(
        autonegotiate: device("autonegotiate_supported", "If this port device supports autonegotiate"),
        pause: device("pause_supported", "If this port device supports pause frames"),
        asymmetricPause: device("asymmetricpause_supported", "If this port device supports asymmetric pause frames"))
    static let advertisedCapabilities = Capabilities(
        autonegotiate: device("autonegotiate_advertised", "If this port device offers autonegotiate"),
        pause: device("pause_advertised", "If this port device offers pause capability"),
        asymmetricPause: device("asymmetricpause_advertised", "If this port device offers asymmetric pause capability"))

    /// Statistics node_exporter names itself; every other one becomes
    /// node_ethtool_<sanitized name> with help "Network interface <sanitized name>".
    static let knownStatistics: [String: (name: String, help: String)] = [
        "rx_bytes": ("node_ethtool_received_bytes_total", "Network interface bytes received"),
        "rx_dropped": ("node_ethtool_received_dropped_total", "Number of received frames dropped"),
        "rx_errors": ("node_ethtool_received_errors_total", "Number of received frames with errors"),
        "rx_packets": ("node_ethtool_received_packets_total", "Network interface packets received"),
        "tx_bytes": ("node_ethtool_transmitted_bytes_total", "Network interface bytes sent"),
        "tx_errors": ("node_ethtool_transmitted_errors_total", "Number of sent frames with errors"),
        "tx_packets": ("node_ethtool_transmitted_packets_total", "Network interface packets sent"),
    ]

    struct Capabilities {
        var autonegotiate: MetricDescriptor
        var pause: MetricDescriptor
        var asymmetricPause: MetricDescriptor
    }

    private let paths: HostPaths
    private let source: any EthtoolSource
    private let deviceFilter: DeviceFilter
    private let metricsFilter: IncludeFilter
    private let logger: Logger

    public init(paths: HostPaths, options: Options, logger: Logger) throws {
        try self.init(paths: paths, options: options, source: Ethtool(), logger: logger)
    }

    init(paths: HostPaths, options: Options, source: any EthtoolSource, logger: Logger) throws {
        self.paths = paths
        self.source = source
        self.logger = logger
        deviceFilter = try DeviceFilter(exclude: options.deviceExclude, include: options.deviceInclude)
        metricsFilter = try IncludeFilter(pattern: options.metricsInclude)
    }

    public func collect(into sink: MetricSink) throws {
        let devices: [String]
        do {
            devices = try NetClass.interfaceNames(classDirectory: paths.sys("class/net"))
        } catch {
            guard error.isNotFound || error.errno == EACCES || error.errno == EPERM else {
                throw CollectorError("could not get net class info: \(error)")
            }
            logger.debug("Could not read netclass file", metadata: ["err": "\(error)"])
            return
        }
        guard !devices.isEmpty else { throw CollectorError("no network devices found") }

        for device in devices where !deviceFilter.ignores(device) {
            do {
                let settings = try source.linkSettings(device)
                Self.addSpeeds(Self.supportedSpeed, device: device, modes: settings.supported, to: sink)
                Self.addPorts(device: device, modes: settings.supported, to: sink)
                Self.addCapabilities(Self.supportedCapabilities, device: device, modes: settings.supported, to: sink)
                Self.addSpeeds(Self.advertisedSpeed, device: device, modes: settings.advertising, to: sink)
                Self.addCapabilities(Self.advertisedCapabilities, device: device, modes: settings.advertising, to: sink)
                sink.add(Self.autonegotiate, Double(settings.autonegotiation), device)
            } catch {
                log(error, "ethtool link info error", device: device)
            }

            do {
                let driver = try source.driverInfo(device)
                sink.add(Self.info, 1, driver.busInfo, device, driver.driver, driver.expansionROMVersion, driver.firmwareVersion, driver.version)
            } catch {
                log(error, "ethtool driver info error", device: device)
            }

            let statistics: [String: UInt64]
            do {
                statistics = try source.statistics(device)
            } catch {
                log(error, "ethtool stats error", device: device)
                continue
            }
            for (name, statistic) in selectedStatistics(statistics, device: device) {
                let known = Self.knownStatistics[statistic.sanitized]
                let descriptor = MetricDescriptor(
                    name: known?.name ?? name, help: known?.help ?? "Network interface " + statistic.sanitized,
                    type: .untyped, labels: ["device"])
                sink.add(descriptor, Double(statistic.value), device)
            }
        }
    }

    /// The statistics the metrics pattern selects (matched on the sanitized name), keyed by
    /// metric name. Names that sanitize to the same metric name are all dropped, as in
    /// node_exporter (keeping one would depend on map order).
    func selectedStatistics(_ statistics: [String: UInt64], device: String) -> [(String, (sanitized: String, value: UInt64))] {
        var byMetricName: [String: (sanitized: String, value: UInt64)?] = [:]
        for (raw, value) in statistics {
            let sanitized = sanitizedMetricName(raw)
            guard metricsFilter.matches(sanitized) else { continue }
            let name = Self.metricName(sanitized)
            if byMetricName[name] != nil {
                logger.debug("dropping duplicate metric name", metadata: ["device": "\(device)", "metricFQName": "\(name)", "metric": "\(raw)"])
                byMetricName[name] = .some(nil)
            } else {
                byMetricName[name] = (sanitized, value)
            }
        }
        return byMetricName.compactMap { name, statistic in statistic.map { (name, $0) } }.sorted { $0.0 < $1.0 }
    }

    /// EOPNOTSUPP (the driver lacks the command) is expected and logged at debug; other
    /// failures at error level; neither fails the scrape.
    private func log(_ error: EthtoolError, _ message: Logger.Message, device: String) {
        var metadata: Logger.Metadata = ["err": "\(error)", "device": "\(device)"]
        if let code = error.errno { metadata["errno"] = "\(code)" }
        if error.errno == EOPNOTSUPP {
            logger.debug(message, metadata: metadata)
        } else {
            logger.error(message, metadata: metadata)
        }
    }

    /// node_ethtool_ + the sanitized name lowercased, leading underscores removed, and the
    /// words rx and tx spelled out.
    static func metricName(_ sanitized: String) -> String {
        var name = String(sanitized.lowercased().drop { $0 == "_" })
        name = name.replacing(#/(^|_)rx(_|$)/#) { match in match.1 + "received" + match.2 }
        name = name.replacing(#/(^|_)tx(_|$)/#) { match in match.1 + "transmitted" + match.2 }
        return "node_ethtool_" + name
    }

    /// Speed link modes node_exporter knows among the 32 legacy bits (ETHTOOL_LINK_MODE_*_BIT):
    /// bit, megabits per second, duplex, physical layer.
    static let speedModes: [(bit: Int, megabits: Int, duplex: String, layer: String)] = [
        (0, 10, "half", "T"), (1, 10, "full", "T"), (2, 100, "half", "T"), (3, 100, "full", "T"),
        (4, 1000, "half", "T"), (5, 1000, "full", "T"), (12, 10000, "full", "T"), (17, 1000, "full", "KX"),
        (18, 10000, "full", "KX4"), (19, 10000, "full", "KR"), (20, 10000, "full", "R_FEC"), (21, 20000, "full", "MLD2"),
        (22, 20000, "full", "KR2"), (23, 40000, "full", "KR4"), (24, 40000, "full", "CR4"), (25, 40000, "full", "SR4"),
        (26, 40000, "full", "LR4"), (27, 56000, "full", "KR4"), (28, 56000, "full", "CR4"), (29, 56000, "full", "SR4"),
        (30, 56000, "full", "LR4"), (31, 25000, "full", "CR"),
    ]
    static let portModes: [(bit: Int, type: String)] = [(7, "TP"), (8, "AUI"), (9, "MII"), (10, "FIBRE"), (11, "BNC"), (16, "Backplane")]
    static let autonegotiateBit = 6
    static let pauseBit = 13
    static let asymmetricPauseBit = 14

    /// In bytes per second, to match netclass's speeds.
    static func addSpeeds(_ descriptor: MetricDescriptor, device: String, modes: UInt32, to sink: MetricSink) {
        for mode in speedModes where modes & (1 << mode.bit) != 0 {
            sink.add(descriptor, Double(mode.megabits) * 1_000_000 / 8, device, mode.duplex, "\(mode.megabits)base\(mode.layer)")
        }
    }

    static func addPorts(device: String, modes: UInt32, to sink: MetricSink) {
        for port in portModes where modes & (1 << port.bit) != 0 {
            sink.add(supportedPort, 1, device, port.type)
        }
    }

    static func addCapabilities(_ descriptors: Capabilities, device: String, modes: UInt32, to sink: MetricSink) {
        func flag(_ bit: Int) -> Double { modes & (1 << bit) != 0 ? 1 : 0 }
        sink.add(descriptors.autonegotiate, flag(autonegotiateBit), device)
        sink.add(descriptors.pause, flag(pauseBit), device)
        sink.add(descriptors.asymmetricPause, flag(asymmetricPauseBit), device)
    }

    private static func device(_ name: String, _ help: String) -> MetricDescriptor {
        MetricDescriptor(name: "node_network_" + name, help: help, type: .gauge, labels: ["device"])
    }
}

enum EthtoolFlags {
    static let deviceInclude = Flag(
        "collector.ethtool.device-include", help: "Regexp of ethtool devices to include (mutually exclusive to device-exclude).")
    static let deviceExclude = Flag(
        "collector.ethtool.device-exclude", help: "Regexp of ethtool devices to exclude (mutually exclusive to device-include).")
    static let metricsInclude = Flag("collector.ethtool.metrics-include", help: "Regexp of ethtool stats to include.", default: ".*")
    static let all = [deviceInclude, deviceExclude, metricsInclude]

    static func options(from flags: ParsedFlags) -> EthtoolCollector.Options {
        var options = EthtoolCollector.Options()
        options.deviceInclude = flags.string(deviceInclude.name)
        options.deviceExclude = flags.string(deviceExclude.name)
        options.metricsInclude = flags.string(metricsInclude.name)
        return options
    }
}
