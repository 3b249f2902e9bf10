import LanternFlags
import LanternMetrics
import LanternSystemd
import Logging

/// node_exporter's `systemd` collector: unit states, the manager's state and version, and
/// per-type details of services, sockets and timers, read from systemd over D-Bus. Unlike
/// node_exporter it keeps one connection across scrapes, bounds every call by a timeout,
/// and pipelines the per-unit property reads instead of waiting for each answer.
public final class SystemdCollector: Collector {
    public struct Options: Sendable {
        /// `--collector.systemd.unit-include`, anchored as node_exporter anchors it.
        public var unitInclude = ".+"
        /// `--collector.systemd.unit-exclude`, anchored.
        public var unitExclude = ".+\\.(automount|device|mount|scope|slice)"
        /// `--collector.systemd.enable-task-metrics`
        public var taskMetrics = false
        /// `--collector.systemd.enable-restarts-metrics`
        public var restartMetrics = false
        /// `--collector.systemd.enable-start-time-metrics`
        public var startTimeMetrics = false
        /// `--collector.systemd.dbus-timeout` (Lantern): seconds per D-Bus call.
        public var timeout = 5.0
        /// The system bus (falling back to systemd's private socket as root), or
        /// `--collector.systemd.private`'s direct connection, or a bus given by tests.
        public var endpoint = BusEndpoint.system(fallbackToSystemdPrivate: true)

        public init() {}
    }

    static let unitState = MetricDescriptor(
        name: "node_systemd_unit_state", help: "Systemd unit", type: .gauge, labels: ["name", "state", "type"])
    static let unitStartTime = MetricDescriptor(
        name: "node_systemd_unit_start_time_seconds", help: "Start time of the unit since unix epoch in seconds.", type: .gauge,
        labels: ["name"])
    static let unitTasksCurrent = MetricDescriptor(
        name: "node_systemd_unit_tasks_current", help: "Current number of tasks per Systemd unit", type: .gauge, labels: ["name"])
    static let unitTasksMax = MetricDescriptor(
        name: "node_systemd_unit_tasks_max", help: "Maximum number of tasks per Systemd unit", type: .gauge, labels: ["name"])
    static let systemRunning = MetricDescriptor(
        name: "node_systemd_system_running", help: "Whether the system is operational (see 'systemctl is-system-running')",
        type: .gauge)
    static let units = MetricDescriptor(
        name: "node_systemd_units", help: "Summary of systemd unit states", type: .gauge, labels: ["state"])
    static let restarts = MetricDescriptor(
        name: "node_systemd_service_restart_total", help: "Service unit count of Restart triggers", type: .counter, labels: ["name"])
    static let timerLastTrigger = MetricDescriptor(
        name: "node_systemd_timer_last_trigger_seconds", help: "Seconds since epoch of last trigger.", type: .gauge, labels: ["name"])
    static let socketAccepted = MetricDescriptor(
        name: "node_systemd_socket_accepted_connections_total", help: "Total number of accepted socket connections", type: .counter,
        labels: ["name"])
    static let socketCurrent = MetricDescriptor(
        name: "node_systemd_socket_current_connections", help: "Current number of socket connections", type: .gauge, labels: ["name"])
    // A gauge despite the name, as in node_exporter.
    static let socketRefused = MetricDescriptor(
        name: "node_systemd_socket_refused_connections_total", help: "Total number of refused socket connections", type: .gauge,
        labels: ["name"])
    static let version = MetricDescriptor(
        name: "node_systemd_version", help: "Detected systemd version", type: .gauge, labels: ["version"])
    static let virtualization = MetricDescriptor(
        name: "node_systemd_virtualization_info", help: "Detected virtualization technology", type: .gauge,
        labels: ["virtualization_type"])

    /// The ActiveState values node_exporter reports, one series each.
    static let unitStates = ["active", "activating", "deactivating", "inactive", "failed"]
    /// First systemd with the manager's SystemState and the timers' LastTriggerUSec.
    static let minimumVersionForSystemState = 212.0

    private let options: Options
    private let include: IncludeFilter
    private let exclude: IncludeFilter
    private let logger: Logger
    private let bus: BusConnection

    public init(options: Options, logger: Logger) throws {
        self.options = options
        // Anchored to the whole unit name, as node_exporter compiles them.
        self.include = try IncludeFilter(pattern: "^(?:\(options.unitInclude))$")
        self.exclude = try IncludeFilter(pattern: "^(?:\(options.unitExclude))$")
        self.logger = logger
        self.bus = BusConnection(endpoint: options.endpoint, timeout: options.timeout, description: "lantern-systemd")
    }

    public func collect(into sink: MetricSink) throws {
        let snapshot: SystemdSnapshot
        do {
            snapshot = try bus.withSession { session throws(BusError) in try read(session) }
        } catch {
            throw CollectorError("couldn't read systemd over D-Bus: \(error)")
        }
        for problem in snapshot.skipped {
            logger.debug("couldn't read unit properties", metadata: ["unit": "\(problem.unit)", "err": "\(problem.error)"])
        }
        emit(snapshot, into: sink)
    }

    /// Everything one scrape needs, read while holding the bus.
    struct SystemdSnapshot: Sendable {
        var versionText = ""
        var version = 0.0
        var virtualization = "unknown"
        var systemState: String?
        var stateCounts: [String: Int] = [:]
        var units: [UnitDetails] = []
        var skipped: [(unit: String, error: BusError)] = []
    }

    struct UnitDetails: Sendable {
        var unit: Systemd1.Unit
        /// The unit-type interface's properties (Service, Socket, Timer, Mount), when read.
        var typeProperties: BusProperties?
        /// ActiveEnterTimestamp in microseconds, when read.
        var activeEnterTimestamp: UInt64?
    }

    private func read(_ session: BusSession) throws(BusError) -> SystemdSnapshot {
        var snapshot = SystemdSnapshot()
        let manager = try Systemd1.managerProperties(session)
        (snapshot.version, snapshot.versionText) = Self.parseVersion(manager.string("Version"))
        if let virtualization = manager.string("Virtualization") {
            // An empty answer means no virtualization detected: bare metal.
            snapshot.virtualization = virtualization.isEmpty ? "none" : virtualization
        }
        let hasSystemState = snapshot.version >= Self.minimumVersionForSystemState
        if hasSystemState {
            guard let state = manager.string("SystemState") else {
                throw BusError(name: "", message: "couldn't get system state: no SystemState property", errno: 0)
            }
            snapshot.systemState = state
        }

        let all = try Systemd1.listUnits(session)
        for state in Self.unitStates { snapshot.stateCounts[state] = 0 }
        for unit in all { snapshot.stateCounts[unit.activeState, default: 0] += 1 }

        let selected = all.filter { $0.loadState == "loaded" && include.matches($0.name) && !exclude.matches($0.name) }
        // Only the properties the metrics use, each with one Get, all pipelined: a GetAll
        // of a service returns some 200 properties, and a round trip per unit made the
        // collector's cost grow with the round trips rather than with the data.
        var requests: [PropertyRequest] = []
        var owners: [Int] = []
        for (index, unit) in selected.enumerated() {
            for request in propertyRequests(for: unit, timers: hasSystemState) {
                requests.append(request)
                owners.append(index)
            }
        }
        let results = try session.getProperties(requests, destination: Systemd1.destination)
        snapshot.units = selected.map { UnitDetails(unit: $0) }
        for ((request, owner), result) in zip(zip(requests, owners), results) {
            switch result {
            case .success(let value):
                if request.interface == Systemd1.unitInterface {
                    if case .uint64(let microseconds) = value { snapshot.units[owner].activeEnterTimestamp = microseconds }
                } else {
                    var properties = snapshot.units[owner].typeProperties ?? BusProperties()
                    properties.values[request.name] = value
                    snapshot.units[owner].typeProperties = properties
                }
            case .failure(let error) where !error.name.isEmpty && !error.isTimeout:
                // The unit vanished or lacks the property: node_exporter leaves its metric out.
                snapshot.skipped.append((selected[owner].name, error))
            case .failure(let error):
                // A hung systemd costs one timeout per scrape, not one per unit.
                throw error
            }
        }
        return snapshot
    }

    /// The Gets one unit's metrics need: its type interface's properties (per the flags),
    /// and the generic ActiveEnterTimestamp for start times.
    private func propertyRequests(for unit: Systemd1.Unit, timers: Bool) -> [PropertyRequest] {
        var requests: [PropertyRequest] = []
        if let type = Self.typeInterface(of: unit.name, timers: timers) {
            let interface = Systemd1.typeInterfacePrefix + type
            for name in typeProperties(type) {
                requests.append(PropertyRequest(path: unit.path, interface: interface, name: name))
            }
        }
        if options.startTimeMetrics && unit.activeState == "active" {
            requests.append(PropertyRequest(path: unit.path, interface: Systemd1.unitInterface, name: "ActiveEnterTimestamp"))
        }
        return requests
    }

    /// The properties of a unit-type interface that `emit` reads.
    private func typeProperties(_ type: String) -> [String] {
        switch type {
        case "Service":
            return ["Type"] + (options.restartMetrics ? ["NRestarts"] : []) + (options.taskMetrics ? ["TasksCurrent", "TasksMax"] : [])
        case "Mount": return ["Type"]
        case "Socket": return ["NAccepted", "NConnections", "NRefused"]
        case "Timer": return ["LastTriggerUSec"]
        default: return []
        }
    }

    /// The interface holding the unit's type-specific properties the metrics use.
    static func typeInterface(of name: String, timers: Bool) -> String? {
        if name.hasSuffix(".service") { return "Service" }
        if name.hasSuffix(".socket") { return "Socket" }
        if name.hasSuffix(".mount") { return "Mount" }
        if timers && name.hasSuffix(".timer") { return "Timer" }
        return nil
    }

    /// node_exporter's reading of the Version property: the first run of three or more
    /// digits with an optional fraction is the value (`252.39-1~deb12u2` is 252.39); the
    /// whole text is the label. Unparsable: 0 and an empty label.
    static func parseVersion(_ text: String?) -> (Double, String) {
        guard let text, let match = text.firstMatch(of: #/[0-9]{3,}(\.[0-9]+)?/#), let value = Double(match.output.0) else {
            return (0, "")
        }
        return (value, text)
    }

    private func emit(_ snapshot: SystemdSnapshot, into sink: MetricSink) {
        sink.add(Self.version, snapshot.version, snapshot.versionText)
        sink.add(Self.virtualization, 1, snapshot.virtualization)
        for (state, count) in snapshot.stateCounts {
            sink.add(Self.units, Double(count), state)
        }
        if let state = snapshot.systemState {
            sink.add(Self.systemRunning, state == "running" ? 1 : 0)
        }
        for details in snapshot.units {
            emit(details, into: sink)
        }
    }

    private func emit(_ details: UnitDetails, into sink: MetricSink) {
        let name = details.unit.name
        let properties = details.typeProperties
        let isService = name.hasSuffix(".service")
        // Services and mounts carry a Type (simple, oneshot, ... / the file system); others none.
        let type = (isService || name.hasSuffix(".mount")) ? properties?.string("Type") ?? "" : ""
        for state in Self.unitStates {
            sink.add(Self.unitState, state == details.unit.activeState ? 1 : 0, name, state, type)
        }
        if options.startTimeMetrics {
            if details.unit.activeState != "active" {
                sink.add(Self.unitStartTime, 0, name)
            } else if let microseconds = details.activeEnterTimestamp {
                sink.add(Self.unitStartTime, Double(microseconds) / 1e6, name)
            }
        }
        guard let properties else { return }
        if isService {
            if options.restartMetrics, let restarts = properties.uint32("NRestarts") {
                sink.add(Self.restarts, Double(restarts), name)
            }
            if options.taskMetrics {
                // UINT64_MAX means "not counted" / "no limit": node_exporter leaves the series out.
                if let current = properties.uint64("TasksCurrent"), current != .max {
                    sink.add(Self.unitTasksCurrent, Double(current), name)
                }
                if let maximum = properties.uint64("TasksMax"), maximum != .max {
                    sink.add(Self.unitTasksMax, Double(maximum), name)
                }
            }
        } else if name.hasSuffix(".socket") {
            guard let accepted = properties.uint32("NAccepted") else { return }
            sink.add(Self.socketAccepted, Double(accepted), name)
            guard let current = properties.uint32("NConnections") else { return }
            sink.add(Self.socketCurrent, Double(current), name)
            if let refused = properties.uint32("NRefused") {
                sink.add(Self.socketRefused, Double(refused), name)
            }
        } else if name.hasSuffix(".timer"), let lastTrigger = properties.uint64("LastTriggerUSec") {
            sink.add(Self.timerLastTrigger, Double(lastTrigger) / 1e6, name)
        }
    }
}

/// The systemd collector's flags: node_exporter's, plus the D-Bus timeout.
enum SystemdFlags {
    static let unitInclude = Flag(
        "collector.systemd.unit-include",
        help: "Regexp of systemd units to include. Units must both match include and not match exclude to be included.",
        default: ".+")
    static let unitExclude = Flag(
        "collector.systemd.unit-exclude",
        help: "Regexp of systemd units to exclude. Units must both match include and not match exclude to be included.",
        default: ".+\\.(automount|device|mount|scope|slice)")
    static let unitWhitelist = Flag(
        "collector.systemd.unit-whitelist", help: "DEPRECATED: Use --collector.systemd.unit-include", hidden: true)
    static let unitBlacklist = Flag(
        "collector.systemd.unit-blacklist", help: "DEPRECATED: Use collector.systemd.unit-exclude", hidden: true)
    static let privateConnection = Flag(
        "collector.systemd.private",
        help: "Establish a private, direct connection to systemd without dbus (Strongly discouraged since it requires root. For testing purposes only).",
        kind: .bool, default: "false", hidden: true)
    static let taskMetrics = Flag(
        "collector.systemd.enable-task-metrics", help: "Enables service unit tasks metrics unit_tasks_current and unit_tasks_max",
        kind: .bool, default: "false")
    static let restartMetrics = Flag(
        "collector.systemd.enable-restarts-metrics", help: "Enables service unit metric service_restart_total", kind: .bool,
        default: "false")
    static let startTimeMetrics = Flag(
        "collector.systemd.enable-start-time-metrics", help: "Enables service unit metric unit_start_time_seconds", kind: .bool,
        default: "false")
    static let timeout = Flag(
        "collector.systemd.dbus-timeout",
        help: "Timeout of each D-Bus call to systemd; a systemd that does not answer fails the collector after it.",
        kind: .duration, default: "5s")
    static let all = [
        unitInclude, unitWhitelist, unitExclude, unitBlacklist, privateConnection, taskMetrics, restartMetrics, startTimeMetrics,
        timeout,
    ]

    static func options(from flags: ParsedFlags, logger: Logger) throws -> SystemdCollector.Options {
        var options = SystemdCollector.Options()
        options.unitInclude = try replacingDeprecated(
            flags, current: unitInclude, deprecated: unitWhitelist, logger: logger)
        options.unitExclude = try replacingDeprecated(
            flags, current: unitExclude, deprecated: unitBlacklist, logger: logger)
        options.taskMetrics = flags.bool(taskMetrics.name)
        options.restartMetrics = flags.bool(restartMetrics.name)
        options.startTimeMetrics = flags.bool(startTimeMetrics.name)
        options.timeout = flags.duration(timeout.name)
        if flags.bool(privateConnection.name) { options.endpoint = .systemdPrivate }
        return options
    }

    /// node_exporter still honours the pre-1.0 whitelist/blacklist names when the new
    /// flag is not given, and refuses both at once.
    private static func replacingDeprecated(
        _ flags: ParsedFlags, current: Flag, deprecated: Flag, logger: Logger
    ) throws -> String {
        let old = flags.string(deprecated.name)
        guard !old.isEmpty else { return flags.string(current.name) }
        guard !flags.isSet(current.name) else {
            throw CollectorError("--\(deprecated.name) and --\(current.name) are mutually exclusive")
        }
        logger.warning("--\(deprecated.name) is DEPRECATED and will be removed in 2.0.0, use --\(current.name)")
        return old
    }
}
