import LanternFlags
import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `rapl` collector: energy counters of the RAPL zones in `class/powercap`.
public struct RaplCollector: Collector {
    public struct Options: Sendable {
        /// `--collector.rapl.enable-zone-label`: one node_rapl_joules_total family with a
        /// `rapl_zone` label instead of one family per zone name.
        public var zoneLabel = false
        public init(zoneLabel: Bool = false) { self.zoneLabel = zoneLabel }
    }

    static let joulesWithZone = MetricDescriptor(
        name: "node_rapl_joules_total", help: "Current RAPL value in joules", type: .counter, labels: ["index", "path", "rapl_zone"])

    private let paths: HostPaths
    private let options: Options
    private let logger: Logger

    public init(paths: HostPaths, options: Options, logger: Logger) {
        self.paths = paths
        self.options = options
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        do {
            try collectZones(into: sink)
        } catch where error.isAbsentOrForbidden {
            // node_exporter's ErrNoData: no powercap files, or energy_uj readable by root only.
            let reason = "\(error)"
            logger.debug("Platform doesn't have powercap files present or they are not readable", metadata: ["err": .string(reason)])
        } catch {
            // Spelled out: a typed catch that is not exhaustive crashes Swift 6.3's SIL passes.
            throw error
        }
    }

    private func collectZones(into sink: MetricSink) throws(KernelFileError) {
        for zone in try SysfsRapl.zones(classPowercap: paths.sys("class/powercap")) {
            let microjoules = try SysfsRapl.energyMicrojoules(zone)
            let joules = Double(microjoules) / 1_000_000
            let index = String(zone.index)
            if options.zoneLabel {
                sink.add(Self.joulesWithZone, joules, index, zone.path, zone.name)
            } else {
                let descriptor = MetricDescriptor(
                    name: "node_rapl_" + sanitizedMetricName(zone.name + "_joules_total"),
                    help: "Current RAPL \(zone.name) value in joules", type: .counter, labels: ["index", "path"])
                sink.add(descriptor, joules, index, zone.path)
            }
        }
    }
}

enum RaplFlags {
    static let zoneLabel = Flag(
        "collector.rapl.enable-zone-label", help: "Enables service unit metric unit_start_time_seconds", kind: .bool,
        default: "false")
}
