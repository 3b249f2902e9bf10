import Glibc
import LanternMetrics

/// node_exporter's `time` collector: the system clock, the local time zone, and the
/// kernel's clocksources.
public struct TimeCollector: Collector {
    static let now = MetricDescriptor(name: "node_time_seconds", help: "System time in seconds since epoch (1970).", type: .gauge)
    static let zoneOffset = MetricDescriptor(
        name: "node_time_zone_offset_seconds", help: "System time zone offset in seconds.", type: .gauge, labels: ["time_zone"])
    static let clocksourceAvailable = MetricDescriptor(
        name: "node_time_clocksource_available_info",
        help: "Available clocksources read from '/sys/devices/system/clocksource'.", type: .gauge, labels: ["device", "clocksource"])
    static let clocksourceCurrent = MetricDescriptor(
        name: "node_time_clocksource_current_info",
        help: "Current clocksource read from '/sys/devices/system/clocksource'.", type: .gauge, labels: ["device", "clocksource"])

    private let paths: HostPaths

    public init(paths: HostPaths) {
        self.paths = paths
    }

    public func collect(into sink: MetricSink) throws {
        var clock = timespec()
        clock_gettime(CLOCK_REALTIME, &clock)
        // As Go computes it: nanoseconds since the epoch as one integer, then divided.
        let nanoseconds = Int64(clock.tv_sec) &* 1_000_000_000 &+ Int64(clock.tv_nsec)
        sink.add(Self.now, Double(nanoseconds) / 1e9)

        var seconds = clock.tv_sec
        var local = tm()
        if localtime_r(&seconds, &local) != nil {
            let zone = local.tm_zone.map { String(cString: $0) } ?? ""
            sink.add(Self.zoneOffset, Double(local.tm_gmtoff), zone)
        }

        let sources: [ClockSource]
        do {
            sources = try ClockSource.readAll(directory: paths.sys("devices/system/clocksource"))
        } catch {
            throw CollectorError("couldn't get clocksources: \(error)")
        }
        // The device label is the position in the listing, as node_exporter numbers them.
        for (index, source) in sources.enumerated() {
            let device = String(index)
            // By name, the exposition's order for one device: nothing left to sort.
            for available in source.available.sorted(by: { $0.utf8Precedes($1) }) {
                sink.add(Self.clocksourceAvailable, 1, device, available)
            }
            sink.add(Self.clocksourceCurrent, 1, device, source.current)
        }
    }
}
