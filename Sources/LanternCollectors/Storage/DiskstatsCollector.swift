import LanternFlags
import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `diskstats` collector: /proc/diskstats per block device, with udev's
/// database for `node_disk_info`, file system, device-mapper and ATA details.
public struct DiskstatsCollector: Collector {
    public struct Options: Sendable {
        public var deviceExclude: String
        public var deviceInclude: String
        public init(deviceExclude: String = DiskstatsFlags.defaultDeviceExclude, deviceInclude: String = "") {
            self.deviceExclude = deviceExclude
            self.deviceInclude = deviceInclude
        }
    }

    /// iostats.rst counts sectors of 512 bytes whatever the device's block size.
    static let sectorBytes = 512.0
    static let secondsPerTick = 0.001

    static let info = MetricDescriptor(
        name: "node_disk_info", help: "Info of /sys/block/<block_device>.", type: .gauge,
        labels: ["device", "major", "minor", "path", "wwn", "model", "serial", "revision", "rotational"])
    static let filesystemInfo = MetricDescriptor(
        name: "node_disk_filesystem_info", help: "Info about disk filesystem.", type: .gauge,
        labels: ["device", "type", "usage", "uuid", "version"])
    static let deviceMapperInfo = MetricDescriptor(
        name: "node_disk_device_mapper_info", help: "Info about disk device mapper.", type: .gauge,
        labels: ["device", "name", "uuid", "vg_name", "lv_name", "lv_layer"])
    /// udev property, and the family its value goes to when the disk is ATA.
    static let ataProperties: [(property: String, descriptor: MetricDescriptor)] = [
        ("ID_ATA_WRITE_CACHE", device("ata_write_cache", "ATA disk has a write cache.", .gauge)),
        ("ID_ATA_WRITE_CACHE_ENABLED", device("ata_write_cache_enabled", "ATA disk has its write cache enabled.", .gauge)),
        ("ID_ATA_ROTATION_RATE_RPM", device("ata_rotation_rate_rpm", "ATA disk rotation rate in RPMs (0 for SSDs).", .gauge)),
    ]
    /// Each /proc/diskstats counter with its family and unit scale, in file order.
    static let counters: [(field: Diskstats.Field, descriptor: MetricDescriptor, scale: Double)] = [
        (.readsCompleted, device("reads_completed_total", "The total number of reads completed successfully.", .counter), 1),
        (.readsMerged, device("reads_merged_total", "The total number of reads merged.", .counter), 1),
        (.sectorsRead, device("read_bytes_total", "The total number of bytes read successfully.", .counter), sectorBytes),
        (.readTicks, device("read_time_seconds_total", "The total number of seconds spent by all reads.", .counter), secondsPerTick),
        (.writesCompleted, device("writes_completed_total", "The total number of writes completed successfully.", .counter), 1),
        (.writesMerged, device("writes_merged_total", "The number of writes merged.", .counter), 1),
        (.sectorsWritten, device("written_bytes_total", "The total number of bytes written successfully.", .counter), sectorBytes),
        (.writeTicks, device("write_time_seconds_total", "This is the total number of seconds spent by all writes.", .counter), secondsPerTick),
        (.inProgress, device("io_now", "The number of I/Os currently in progress.", .gauge), 1),
        (.ioTicks, device("io_time_seconds_total", "Total seconds spent doing I/Os.", .counter), secondsPerTick),
        (.weightedIOTicks, device("io_time_weighted_seconds_total", "The weighted # of seconds spent doing I/Os.", .counter), secondsPerTick),
        (.discardsCompleted, device("discards_completed_total", "The total number of discards completed successfully.", .counter), 1),
        (.discardsMerged, device("discards_merged_total", "The total number of discards merged.", .counter), 1),
        // node_exporter exposes discarded sectors as sectors, not bytes.
        (.sectorsDiscarded, device("discarded_sectors_total", "The total number of sectors discarded successfully.", .counter), 1),
        (.discardTicks, device("discard_time_seconds_total", "This is the total number of seconds spent by all discards.", .counter), secondsPerTick),
        (.flushesCompleted, device("flush_requests_total", "The total number of flush requests completed successfully", .counter), 1),
        (.flushTicks, device("flush_requests_time_seconds_total", "This is the total number of seconds spent by all flush requests.", .counter), secondsPerTick),
    ]

    private static func device(_ name: String, _ help: String, _ type: MetricType) -> MetricDescriptor {
        MetricDescriptor(name: "node_disk_" + name, help: help, type: type, labels: ["device"])
    }

    private let paths: HostPaths
    private let filter: DeviceFilter
    private let logger: Logger

    public init(paths: HostPaths, options: Options, logger: Logger) throws {
        self.paths = paths
        self.logger = logger
        filter = try DeviceFilter(exclude: options.deviceExclude, include: options.deviceInclude)
        if !KernelFile.isDirectory(paths.udevData) {
            logger.error("Failed to open directory, disabling udev device properties", metadata: ["path": "\(paths.udevData)"])
        }
    }

    public func collect(into sink: MetricSink) throws {
        for stats in try KernelFile.parse(paths.proc("diskstats"), with: Diskstats.parse) where !filter.ignores(stats.device) {
            let device = stats.device
            let udev = udevProperties(stats)
            // The serial printed on the disk label, else udev's short serial, else the full one (virtio).
            let serial = [udev["SCSI_IDENT_SERIAL"], udev["ID_SERIAL_SHORT"], udev["ID_SERIAL"]].lazy
                .compactMap { $0 }.first { !$0.isEmpty } ?? ""
            sink.add(Self.info, 1, labelValues: [
                device, String(stats.major), String(stats.minor), udev["ID_PATH"] ?? "", udev["ID_WWN"] ?? "",
                udev["ID_MODEL"] ?? "", serial, udev["ID_REVISION"] ?? "", rotational(device),
            ])
            for counter in Self.counters {
                guard let value = stats[counter.field] else { break }
                sink.add(counter.descriptor, Double(value) * counter.scale, device)
            }
            if let type = udev["ID_FS_TYPE"], !type.isEmpty {
                sink.add(Self.filesystemInfo, 1, labelValues: [
                    device, type, udev["ID_FS_USAGE"] ?? "", udev["ID_FS_UUID"] ?? "", udev["ID_FS_VERSION"] ?? "",
                ])
            }
            if let name = udev["DM_NAME"], !name.isEmpty {
                sink.add(Self.deviceMapperInfo, 1, labelValues: [
                    device, name, udev["DM_UUID"] ?? "", udev["DM_VG_NAME"] ?? "", udev["DM_LV_NAME"] ?? "", udev["DM_LV_LAYER"] ?? "",
                ])
            }
            if let ata = udev["ID_ATA"], !ata.isEmpty {
                for (property, descriptor) in Self.ataProperties {
                    guard let text = udev[property] else {
                        logger.debug("Udev attribute does not exist", metadata: ["attribute": "\(property)"])
                        continue
                    }
                    guard let value = Double(text) else {
                        logger.error("Failed to parse ATA value", metadata: ["err": "invalid \(property) \"\(text)\""])
                        continue
                    }
                    sink.add(descriptor, value, device)
                }
            }
        }
    }

    private func udevProperties(_ stats: Diskstats) -> [String: String] {
        let path = paths.udevData + "/b\(stats.major):\(stats.minor)"
        do {
            return UdevProperties.parse(try KernelFile.read(path))
        } catch {
            logger.debug("Failed to parse udev info", metadata: ["err": "\(error)"])
            return [:]
        }
    }

    /// /sys/block/<device>/queue/rotational in base 2, as node_exporter formats it; "0"
    /// when the device has no queue directory (partitions).
    private func rotational(_ device: String) -> String {
        do {
            return String(try KernelFile.readUInt(paths.sys("block/\(device)/queue/rotational")), radix: 2)
        } catch {
            if !error.isNotFound {
                logger.debug("Failed to get block device queue stats", metadata: ["device": "\(device)", "err": "\(error)"])
            }
            return "0"
        }
    }
}

public enum DiskstatsFlags {
    public static let defaultDeviceExclude = "^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$"

    static let deviceExclude = Flag(
        "collector.diskstats.device-exclude",
        help: "Regexp of diskstats devices to exclude (mutually exclusive to device-include).", default: defaultDeviceExclude)
    static let oldDeviceExclude = Flag(
        "collector.diskstats.ignored-devices", help: "DEPRECATED: Use collector.diskstats.device-exclude", hidden: true)
    static let deviceInclude = Flag(
        "collector.diskstats.device-include", help: "Regexp of diskstats devices to include (mutually exclusive to device-exclude).")
    static let all = [deviceExclude, oldDeviceExclude, deviceInclude]

    static func options(from flags: ParsedFlags, logger: Logger) throws -> DiskstatsCollector.Options {
        let patterns = try excludeIncludePatterns(
            exclude: deviceExclude, deprecated: oldDeviceExclude, include: deviceInclude, flags: flags, logger: logger)
        return DiskstatsCollector.Options(deviceExclude: patterns.exclude, deviceInclude: patterns.include)
    }
}
