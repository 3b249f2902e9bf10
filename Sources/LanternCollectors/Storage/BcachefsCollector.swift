import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `bcachefs` collector: filesystem, counter and device statistics from
/// /sys/fs/bcachefs.
public struct BcachefsCollector: Collector {
    private static func descriptor(_ name: String, _ help: String, _ type: MetricType = .gauge, labels: [String] = []) -> MetricDescriptor {
        MetricDescriptor(name: "node_bcachefs_" + name, help: help, type: type, labels: ["uuid"] + labels)
    }

    static let info = descriptor("info", "Filesystem information.")
    static let btreeCacheSize = descriptor("btree_cache_size_bytes", "Btree cache memory usage in bytes.")
    static let compressed = descriptor("compression_compressed_bytes", "Compressed size by algorithm.", labels: ["algorithm"])
    static let uncompressed = descriptor("compression_uncompressed_bytes", "Uncompressed size by algorithm.", labels: ["algorithm"])
    static let errors = descriptor("errors_total", "Error count by error type.", .counter, labels: ["error_type"])
    static let btreeWrites = descriptor("btree_writes_total", "Number of btree writes by type.", .counter, labels: ["type"])
    static let btreeWriteSize = descriptor("btree_write_average_size_bytes", "Average btree write size by type.", labels: ["type"])
    static let deviceInfo = descriptor("device_info", "Device information.", labels: ["device", "label", "state"])
    static let bucketSize = descriptor("device_bucket_size_bytes", "Bucket size in bytes.", labels: ["device"])
    static let buckets = descriptor("device_buckets", "Total number of buckets.", labels: ["device"])
    static let durability = descriptor("device_durability", "Device durability setting.", labels: ["device"])
    static let ioDone = descriptor(
        "device_io_done_bytes_total", "IO bytes by operation type and data type.", .counter, labels: ["device", "operation", "data_type"])
    static let ioErrors = descriptor("device_io_errors_total", "IO errors by error type.", .counter, labels: ["device", "type"])

    private let paths: HostPaths
    private let logger: Logger

    public init(paths: HostPaths, logger: Logger) {
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        let directory = paths.sys("fs/bcachefs")
        let found: [BcachefsStats]?
        do {
            found = try BcachefsStats.readAll(directory: directory)
        } catch {
            throw CollectorError("failed to retrieve bcachefs stats: \(error)")
        }
        guard let filesystems = found else {
            logger.debug("bcachefs sysfs path does not exist", metadata: ["path": "\(directory)"])
            return
        }
        for filesystem in filesystems {
            let uuid = filesystem.uuid
            sink.add(Self.info, 1, uuid)
            sink.add(Self.btreeCacheSize, Double(filesystem.btreeCacheSizeBytes), uuid)
            for (algorithm, sizes) in filesystem.compression {
                sink.add(Self.compressed, Double(sizes.compressedBytes), uuid, algorithm)
                sink.add(Self.uncompressed, Double(sizes.uncompressedBytes), uuid, algorithm)
            }
            for (type, count) in filesystem.errors { sink.add(Self.errors, Double(count), uuid, type) }
            for (name, value) in filesystem.counters {
                let descriptor = MetricDescriptor(
                    name: "node_bcachefs_" + sanitizedMetricName(name) + "_total",
                    help: "Bcachefs counter \(name) since filesystem creation.", type: .counter, labels: ["uuid"])
                sink.add(descriptor, Double(value), uuid)
            }
            for (type, writes) in filesystem.btreeWrites {
                sink.add(Self.btreeWrites, Double(writes.count), uuid, type)
                sink.add(Self.btreeWriteSize, Double(writes.averageSizeBytes), uuid, type)
            }
            for (index, device) in filesystem.devices {
                sink.add(Self.deviceInfo, 1, uuid, index, device.label, device.state)
                sink.add(Self.bucketSize, Double(device.bucketSizeBytes), uuid, index)
                sink.add(Self.buckets, Double(device.buckets), uuid, index)
                sink.add(Self.durability, Double(device.durability), uuid, index)
                for (operation, types) in device.ioDone {
                    for (type, bytes) in types { sink.add(Self.ioDone, Double(bytes), uuid, index, operation, type) }
                }
                for (type, count) in device.ioErrors { sink.add(Self.ioErrors, Double(count), uuid, index, type) }
            }
        }
    }
}
