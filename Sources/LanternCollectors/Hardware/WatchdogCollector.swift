import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `watchdog` collector: the attributes of each `class/watchdog` device.
public struct WatchdogCollector: Collector {
    /// Numeric attribute and the family exposing it.
    static let numericFamilies: [(attribute: String, descriptor: MetricDescriptor)] = [
        ("bootstatus", "bootstatus"), ("fw_version", "fw_version"), ("nowayout", "nowayout"), ("timeleft", "timeleft_seconds"),
        ("timeout", "timeout_seconds"), ("pretimeout", "pretimeout_seconds"), ("access_cs0", "access_cs0"),
    ].map { attribute, family in
        (attribute, MetricDescriptor(
            name: "node_watchdog_" + family, help: "Value of /sys/class/watchdog/<watchdog>/\(attribute)", type: .gauge,
            labels: ["name"]))
    }
    static let info = MetricDescriptor(
        name: "node_watchdog_info", help: "Info of /sys/class/watchdog/<watchdog>", type: .gauge,
        labels: ["name", "options", "identity", "state", "status", "pretimeout_governor"])

    private let paths: HostPaths
    private let logger: Logger

    public init(paths: HostPaths, logger: Logger) {
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        do {
            for device in try SysfsWatchdog.devices(classWatchdog: paths.sys("class/watchdog")) {
                for entry in Self.numericFamilies {
                    if let value = device.numbers[entry.attribute] {
                        sink.add(entry.descriptor, Double(value), device.name)
                    }
                }
                let texts = SysfsWatchdog.textAttributes.map { device.texts[$0] ?? "" }
                sink.add(Self.info, 1, labelValues: [device.name] + texts)
            }
        } catch where error.meansNoData {
            let reason = "\(error)"
            logger.debug("Could not read watchdog stats", metadata: ["err": .string(reason)])
        } catch {
            // Spelled out: a typed catch that is not exhaustive crashes Swift 6.3's SIL passes.
            throw error
        }
    }
}
