import LanternCollectors
import LanternFlags
import LanternWeb

/// The exporter's command line: node_exporter's flags, with the same names and
/// defaults, plus every collector's switch and options from the collector table.
enum ExporterFlags {
    static let collectorTimeout = Flag(
        "collector.timeout",
        help: "Time a collector may take before it is reported as failed (node_scrape_collector_success 0) and left out of the scrape; the scrape is answered regardless. A scraper's X-Prometheus-Scrape-Timeout-Seconds shortens it.",
        kind: .duration, default: "10s")
    static let procfs = Flag("path.procfs", help: "procfs mountpoint.", default: "/proc")
    static let sysfs = Flag("path.sysfs", help: "sysfs mountpoint.", default: "/sys")
    static let rootfs = Flag("path.rootfs", help: "rootfs mountpoint.", default: "/")
    static let udevData = Flag("path.udev.data", help: "udev data path.", default: "/run/udev/data")
    static let telemetryPath = Flag("web.telemetry-path", help: "Path under which to expose metrics.", default: "/metrics")
    static let disableExporterMetrics = Flag(
        "web.disable-exporter-metrics",
        help: "Exclude metrics about the exporter itself (promhttp_*, process_*).", kind: .bool, default: "false")
    static let maxRequests = Flag(
        "web.max-requests", help: "Maximum number of parallel scrape requests. Use 0 to disable.", kind: .int, default: "40")
    static let listenAddress = Flag(
        "web.listen-address",
        help: "Addresses on which to expose metrics and web interface. Repeatable for multiple addresses. Examples: `:9100` or `[::1]:9100` for http.",
        default: ":9100", repeatable: true)

    static func flagSet() -> FlagSet {
        var flags = FlagSet(programName: "lantern-exporter")
        flags.add(contentsOf: CollectorTable.allFlags)
        flags.add(contentsOf: [collectorTimeout, procfs, sysfs, rootfs, udevData, telemetryPath, disableExporterMetrics, maxRequests, listenAddress])
        flags.add(contentsOf: WebFlags.flags)
        flags.add(contentsOf: LogFlags.flags)
        flags.addVersionFlag()
        return flags
    }
}
