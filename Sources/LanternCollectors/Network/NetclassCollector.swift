import Glibc
import LanternFlags
import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `netclass` collector: interface properties from /sys/class/net.
public struct NetclassCollector: Collector {
    public struct Options: Sendable {
        /// `--collector.netclass.ignored-devices` (unanchored, like Go's MatchString).
        public var ignoredDevices = "^$"
        /// `--collector.netclass.ignore-invalid-speed`: no speed_bytes for a negative speed.
        public var ignoreInvalidSpeed = false
        public init() {}
    }

    static let up = MetricDescriptor(
        name: "node_network_up", help: "Value is 1 if operstate is 'up', 0 otherwise.", type: .gauge, labels: ["device"])
    static let info = MetricDescriptor(
        name: "node_network_info", help: "Non-numeric data from /sys/class/net/<iface>, value is always 1.", type: .gauge,
        labels: ["device", "address", "broadcast", "duplex", "operstate", "adminstate", "ifalias"])

    /// The integer properties: exposed name, sysfs attribute, type.
    static let properties: [(descriptor: MetricDescriptor, attribute: String)] = [
        ("address_assign_type", "addr_assign_type", MetricType.gauge), ("carrier", "carrier", .gauge),
        ("carrier_changes_total", "carrier_changes", .counter), ("carrier_up_changes_total", "carrier_up_count", .counter),
        ("carrier_down_changes_total", "carrier_down_count", .counter), ("device_id", "dev_id", .gauge),
        ("dormant", "dormant", .gauge), ("flags", "flags", .gauge), ("iface_id", "ifindex", .gauge),
        ("iface_link", "iflink", .gauge), ("iface_link_mode", "link_mode", .gauge), ("mtu_bytes", "mtu", .gauge),
        ("name_assign_type", "name_assign_type", .gauge), ("net_dev_group", "netdev_group", .gauge),
        ("transmit_queue_length", "tx_queue_len", .gauge), ("protocol_type", "type", .gauge),
    ].map { (property(name: $0.0, type: $0.2), $0.1) }
    static let speed = property(name: "speed_bytes", type: .gauge)
    /// Every attribute `expose` looks at: the only files of an interface read per scrape,
    /// at the positions `Position` names (`NetClassInterface.values`).
    static let attributes = ["operstate", "address", "broadcast", "duplex", "ifalias", "speed"] + properties.map(\.attribute)

    /// Where `expose` finds each attribute in `attributes`.
    enum Position {
        static let operstate = 0, address = 1, broadcast = 2, duplex = 3, ifalias = 4, speed = 5
        /// `properties[i]` is at `firstProperty + i`.
        static let firstProperty = 6
        static let flags = firstProperty + properties.firstIndex { $0.attribute == "flags" }!
    }

    static func property(name: String, type: MetricType) -> MetricDescriptor {
        MetricDescriptor(name: "node_network_\(name)", help: "Network device property: \(name)", type: type, labels: ["device"])
    }

    private let paths: HostPaths
    private let options: Options
    private let ignored: IncludeFilter
    private let logger: Logger

    public init(paths: HostPaths, options: Options, logger: Logger) throws {
        self.paths = paths
        self.options = options
        self.logger = logger
        ignored = try IncludeFilter(pattern: options.ignoredDevices)
    }

    public func collect(into sink: MetricSink) throws {
        let classDirectory = paths.sys("class/net")
        let names: [String]
        switch Result(catching: { () throws(KernelFileError) in try NetClass.interfaceCandidates(classDirectory: classDirectory) }) {
        case .success(let found):
            names = found
        case .failure(let error):
            guard error.isNotFound || error.errno == EACCES else { throw error }
            logger.debug("Could not read netclass file", metadata: ["err": "\(error)"])
            return
        }
        for name in names where !ignored.matches(name) {
            switch Result(catching: { () throws(KernelFileError) in try NetClass.readIfInterface(name, classDirectory: classDirectory, attributes: Self.attributes) }) {
            case .success(let interface):
                if let interface { expose(interface, into: sink) }
            case .failure(let error):
                // An interface that went away between listing and reading is simply not exposed.
                guard error.isNotFound else { throw error }
                logger.debug("Network interface vanished", metadata: ["device": "\(name)"])
            }
        }
    }

    private func expose(_ interface: NetClassInterface, into sink: MetricSink) {
        let device = interface.name
        let text = { (position: Int) in interface.values[position] ?? "" }
        let operstate = text(Position.operstate)
        sink.add(Self.up, operstate == "up" ? 1 : 0, device)
        let adminState = interface.integer(at: Position.flags).map { $0 & 1 == 1 ? "up" : "down" } ?? "unknown"
        sink.add(Self.info, 1, device, text(Position.address), text(Position.broadcast), text(Position.duplex), operstate,
                 adminState, text(Position.ifalias))
        for (offset, property) in Self.properties.enumerated() {
            if let value = interface.integer(at: Position.firstProperty + offset) { sink.add(property.descriptor, Double(value), device) }
        }
        // Some drivers report -1 when the speed is unknown.
        if let megabits = interface.integer(at: Position.speed), megabits >= 0 || !options.ignoreInvalidSpeed {
            let (bits, overflow) = megabits.multipliedReportingOverflow(by: 1_000_000)
            if !overflow { sink.add(Self.speed, Double(bits / 8), device) }
        }
    }
}

enum NetclassFlags {
    static let ignoredDevices = Flag(
        "collector.netclass.ignored-devices", help: "Regexp of net devices to ignore for netclass collector.", default: "^$")
    static let ignoreInvalidSpeed = Flag(
        "collector.netclass.ignore-invalid-speed",
        help: "Ignore devices where the speed is invalid. This will be the default behavior in 2.x.", kind: .bool, default: "false")
    static let all = [ignoredDevices, ignoreInvalidSpeed]

    static func options(from flags: ParsedFlags) -> NetclassCollector.Options {
        var options = NetclassCollector.Options()
        options.ignoredDevices = flags.string(ignoredDevices.name)
        options.ignoreInvalidSpeed = flags.bool(ignoreInvalidSpeed.name)
        return options
    }
}
