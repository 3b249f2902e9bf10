import LanternMetrics
import LanternSupport

/// node_exporter's `btrfs` collector: allocation, commit and device statistics of each
/// Btrfs filesystem from /sys/fs/btrfs.
public struct BtrfsCollector: Collector {
    static let info = MetricDescriptor(name: "node_btrfs_info", help: "Filesystem information", type: .gauge, labels: ["uuid", "label"])
    static let globalReserve = MetricDescriptor(
        name: "node_btrfs_global_rsv_size_bytes", help: "Size of global reserve.", type: .gauge, labels: ["uuid"])
    static let commits = MetricDescriptor(
        name: "node_btrfs_commits_total", help: "The total number of commits that have occurred.", type: .counter, labels: ["uuid"])
    static let lastCommit = MetricDescriptor(
        name: "node_btrfs_last_commit_seconds", help: "Duration of the most recent commit, in seconds.", type: .gauge, labels: ["uuid"])
    static let maxCommit = MetricDescriptor(
        name: "node_btrfs_max_commit_seconds", help: "Duration of the slowest commit, in seconds.", type: .gauge, labels: ["uuid"])
    static let commitTime = MetricDescriptor(
        name: "node_btrfs_commit_seconds_total", help: "Sum of the duration of all commits, in seconds.", type: .counter, labels: ["uuid"])
    static let reserved = MetricDescriptor(
        name: "node_btrfs_reserved_bytes", help: "Amount of space reserved for a data type", type: .gauge,
        labels: ["uuid", "block_group_type"])
    static let used = MetricDescriptor(
        name: "node_btrfs_used_bytes", help: "Amount of used space by a layout/data type", type: .gauge,
        labels: ["uuid", "block_group_type", "mode"])
    static let size = MetricDescriptor(
        name: "node_btrfs_size_bytes", help: "Amount of space allocated for a layout/data type", type: .gauge,
        labels: ["uuid", "block_group_type", "mode"])
    static let ratio = MetricDescriptor(
        name: "node_btrfs_allocation_ratio", help: "Data allocation ratio for a layout/data type", type: .gauge,
        labels: ["uuid", "block_group_type", "mode"])
    static let deviceSize = MetricDescriptor(
        name: "node_btrfs_device_size_bytes", help: "Size of a device that is part of the filesystem.", type: .gauge,
        labels: ["uuid", "device"])

    private let paths: HostPaths

    public init(paths: HostPaths) {
        self.paths = paths
    }

    public func collect(into sink: MetricSink) throws {
        let filesystems: [BtrfsStats]
        do {
            filesystems = try BtrfsStats.readAll(directory: paths.sys("fs/btrfs"))
        } catch {
            throw CollectorError("failed to retrieve Btrfs stats from procfs: \(error)")
        }
        for filesystem in filesystems {
            let uuid = filesystem.uuid
            sink.add(Self.info, 1, uuid, filesystem.label)
            sink.add(Self.globalReserve, Double(filesystem.globalReserveSize), uuid)
            sink.add(Self.commits, Double(filesystem.commits), uuid)
            sink.add(Self.lastCommit, Double(filesystem.lastCommitMilliseconds) / 1000, uuid)
            sink.add(Self.maxCommit, Double(filesystem.maxCommitMilliseconds) / 1000, uuid)
            sink.add(Self.commitTime, Double(filesystem.totalCommitMilliseconds) / 1000, uuid)
            for type in BtrfsStats.blockGroupTypes {
                guard let allocation = filesystem.allocations[type] else { continue }
                sink.add(Self.reserved, Double(allocation.reservedBytes), uuid, type)
                for (mode, layout) in allocation.layouts {
                    sink.add(Self.used, Double(layout.usedBytes), uuid, type, mode)
                    sink.add(Self.size, Double(layout.totalBytes), uuid, type, mode)
                    sink.add(Self.ratio, layout.ratio, uuid, type, mode)
                }
            }
            for (device, bytes) in filesystem.deviceSizes {
                sink.add(Self.deviceSize, Double(bytes), uuid, device)
            }
        }
    }
}
