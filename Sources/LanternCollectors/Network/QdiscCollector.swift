import LanternFlags
import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `qdisc` collector: counters of every root queueing discipline, from
/// rtnetlink (RTM_GETQDISC) or, with `--collector.qdisc.fixtures`, from a results.json.
public struct QdiscCollector: Collector {
    public struct Options: Sendable {
        /// Directory holding results.json; empty reads the live host.
        public var fixtures = ""
        public var deviceInclude = ""
        public var deviceExclude = ""
        public init() {}
    }

    static let bytes = descriptor("bytes_total", "Number of bytes sent.", .counter)
    static let packets = descriptor("packets_total", "Number of packets sent.", .counter)
    static let drops = descriptor("drops_total", "Number of packets dropped.", .counter)
    static let requeues = descriptor("requeues_total", "Number of packets dequeued, not transmitted, and requeued.", .counter)
    static let overlimits = descriptor("overlimits_total", "Number of overlimit packets.", .counter)
    static let queueLength = descriptor("current_queue_length", "Number of packets currently in queue to be sent.", .gauge)
    static let backlog = descriptor("backlog", "Number of bytes currently in queue to be sent.", .gauge)

    private let options: Options
    private let filter: DeviceFilter

    public init(options: Options) throws {
        guard options.deviceInclude.isEmpty || options.deviceExclude.isEmpty else {
            throw CollectorError("collector.qdisc.device-include and collector.qdisc.device-exclude are mutaly exclusive")
        }
        self.options = options
        filter = try DeviceFilter(exclude: options.deviceExclude, include: options.deviceInclude)
    }

    public func collect(into sink: MetricSink) throws {
        let qdiscs: [RouteQdisc]
        if options.fixtures.isEmpty {
            qdiscs = try RouteQdisc.dump()
        } else {
            // filepath.Join: one separator whatever the flag ends with.
            let directory = options.fixtures.hasSuffix("/") ? String(options.fixtures.dropLast()) : options.fixtures
            qdiscs = try KernelFile.parse(directory + "/results.json", with: RouteQdisc.fixtures)
        }
        for qdisc in qdiscs where qdisc.parent == 0 && !filter.ignores(qdisc.interfaceName) {
            let labels = [qdisc.interfaceName, qdisc.kind]
            sink.add(Self.bytes, Double(qdisc.bytes), labelValues: labels)
            sink.add(Self.packets, Double(qdisc.packets), labelValues: labels)
            sink.add(Self.drops, Double(qdisc.drops), labelValues: labels)
            sink.add(Self.requeues, Double(qdisc.requeues), labelValues: labels)
            sink.add(Self.overlimits, Double(qdisc.overlimits), labelValues: labels)
            sink.add(Self.queueLength, Double(qdisc.queueLength), labelValues: labels)
            sink.add(Self.backlog, Double(qdisc.backlog), labelValues: labels)
        }
    }

    private static func descriptor(_ name: String, _ help: String, _ type: MetricType) -> MetricDescriptor {
        MetricDescriptor(name: "node_qdisc_" + name, help: help, type: type, labels: ["device", "kind"])
    }
}

enum QdiscFlags {
    static let fixtures = Flag("collector.qdisc.fixtures", help: "test fixtures to use for qdisc collector end-to-end testing", default: "")
    static let deviceInclude = Flag(
        "collector.qdisc.device-include", help: "Regexp of qdisc devices to include (mutually exclusive to device-exclude).")
    static let deviceExclude = Flag(
        "collector.qdisc.device-exclude", help: "Regexp of qdisc devices to exclude (mutually exclusive to device-include).")
    // The old misspelled names, still accepted (hidden) by node_exporter.
    static let oldDeviceInclude = Flag("collector.qdisk.device-include", help: "DEPRECATED: Use collector.qdisc.device-include", hidden: true)
    static let oldDeviceExclude = Flag("collector.qdisk.device-exclude", help: "DEPRECATED: Use collector.qdisc.device-exclude", hidden: true)
    static let all = [fixtures, deviceInclude, oldDeviceInclude, deviceExclude, oldDeviceExclude]

    static func options(from flags: ParsedFlags, logger: Logger) throws -> QdiscCollector.Options {
        var options = QdiscCollector.Options()
        options.fixtures = flags.string(fixtures.name)
        options.deviceInclude = try resolve(deviceInclude, deprecated: oldDeviceInclude, in: flags, logger: logger)
        options.deviceExclude = try resolve(deviceExclude, deprecated: oldDeviceExclude, in: flags, logger: logger)
        return options
    }

    /// The deprecated spelling is used (with a warning) when the new one is not set.
    private static func resolve(_ current: Flag, deprecated: Flag, in flags: ParsedFlags, logger: Logger) throws -> String {
        let old = flags.string(deprecated.name)
        guard !old.isEmpty else { return flags.string(current.name) }
        guard flags.string(current.name).isEmpty else {
            throw CollectorError("--\(deprecated.name) and --\(current.name) are mutually exclusive")
        }
        logger.warning("--\(deprecated.name) is DEPRECATED and will be removed in 2.0.0, use --\(current.name)")
        return old
    }
}
