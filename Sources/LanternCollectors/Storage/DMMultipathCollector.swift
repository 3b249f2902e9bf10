import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `dmmultipath` collector: device-mapper multipath maps and the state of
/// their paths, from /sys/block/dm-*.
public struct DMMultipathCollector: Collector {
    private static func descriptor(_ name: String, _ help: String, labels: [String] = ["device", "sysfs_name"]) -> MetricDescriptor {
        MetricDescriptor(name: "node_dmmultipath_" + name, help: help, type: .gauge, labels: labels)
    }

    static let info = descriptor(
        "device_info", "Non-numeric information about a DM-multipath device.", labels: ["device", "sysfs_name", "uuid"])
    static let active = descriptor("device_active", "Whether the multipath device-mapper device is active (1) or suspended (0).")
    static let size = descriptor("device_size_bytes", "Size of the multipath device in bytes, read from /sys/block/<dm>/size.")
    static let paths = descriptor("device_paths", "Number of paths for a multipath device.")
    static let activePaths = descriptor(
        "device_paths_active", "Number of paths in active state (SCSI running or NVMe live) for a multipath device.")
    static let failedPaths = descriptor("device_paths_failed", "Number of paths not in active state for a multipath device.")
    static let pathState = descriptor(
        "path_state", "Reports the underlying device state for a multipath path, as read from /sys/block/<dev>/device/state.",
        labels: ["device", "path", "state"])

    private let paths: HostPaths
    private let logger: Logger

    public init(paths: HostPaths, logger: Logger) {
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        let devices: [DMMultipathDevice]
        do {
            devices = try DMMultipathDevice.readAll(sysfs: paths.sysfs)
        } catch {
            guard error.isAbsentOrForbidden else { throw CollectorError("failed to scan DM-multipath devices: \(error)") }
            logger.debug("Could not read DM-multipath devices", metadata: ["err": "\(error)"])
            return
        }
        for device in devices {
            let labels = [device.name, device.sysfsName]
            sink.add(Self.info, 1, device.name, device.sysfsName, device.uuid)
            sink.add(Self.active, device.suspended ? 0 : 1, labelValues: labels)
            sink.add(Self.size, Double(device.sizeBytes), labelValues: labels)
            // SCSI paths that work are `running`, NVMe ones `live`.
            let active = device.paths.filter { $0.state == "running" || $0.state == "live" }.count
            for path in device.paths { sink.add(Self.pathState, 1, device.name, path.device, path.state) }
            sink.add(Self.paths, Double(device.paths.count), labelValues: labels)
            sink.add(Self.activePaths, Double(active), labelValues: labels)
            sink.add(Self.failedPaths, Double(device.paths.count - active), labelValues: labels)
        }
    }
}
