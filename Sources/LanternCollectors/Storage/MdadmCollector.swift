import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `mdadm` collector: md arrays from /proc/mdstat, and their member
/// counts from /sys/block/md*/md.
public struct MdadmCollector: Collector {
    static let disksRequired = MetricDescriptor(
        name: "node_md_disks_required", help: "Total number of disks of device.", type: .gauge, labels: ["device"])
    static let disks = MetricDescriptor(
        name: "node_md_disks", help: "Number of active/failed/spare disks of device.", type: .gauge, labels: ["device", "state"])
    static let state = MetricDescriptor(
        name: "node_md_state", help: "Indicates the state of md-device.", type: .gauge, labels: ["device", "state"])
    static let blocks = MetricDescriptor(name: "node_md_blocks", help: "Total number of blocks on device.", type: .gauge, labels: ["device"])
    static let blocksSynced = MetricDescriptor(
        name: "node_md_blocks_synced", help: "Number of blocks synced on device.", type: .gauge, labels: ["device"])
    static let raidDisks = MetricDescriptor(
        name: "node_md_raid_disks", help: "Number of raid disks on device.", type: .gauge, labels: ["device"])
    static let degraded = MetricDescriptor(
        name: "node_md_degraded", help: "Number of degraded disks on device.", type: .gauge, labels: ["device"])

    /// The `state` label values and the mdstat activity state each stands for.
    static let states = [
        ("active", "active"), ("inactive", "inactive"), ("recovering", "recovering"), ("resync", "resyncing"), ("check", "checking"),
    ]

    private let paths: HostPaths
    private let logger: Logger

    public init(paths: HostPaths, logger: Logger) {
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        let devices: [MDStat]
        do {
            devices = try KernelFile.parse(paths.proc("mdstat"), with: MDStat.parse)
        } catch {
            // No md driver loaded.
            guard error.isNotFound else { throw CollectorError("error parsing mdstatus: \(error)") }
            logger.debug("Not collecting mdstat, file does not exist", metadata: ["file": "\(paths.procfs)"])
            return
        }
        for device in devices {
            sink.add(Self.disksRequired, Double(device.disksTotal), device.name)
            sink.add(Self.disks, Double(device.disksActive), device.name, "active")
            sink.add(Self.disks, Double(device.disksFailed), device.name, "failed")
            sink.add(Self.disks, Double(device.disksSpare), device.name, "spare")
            for (label, activityState) in Self.states {
                sink.add(Self.state, device.activityState == activityState ? 1 : 0, device.name, label)
            }
            sink.add(Self.blocks, Double(device.blocksTotal), device.name)
            sink.add(Self.blocksSynced, Double(device.blocksSynced), device.name)
        }

        let arrays: [Mdraid]
        do {
            arrays = try Mdraid.readAll(sysfs: paths.sys("block"))
        } catch {
            guard error.isNotFound else { throw CollectorError("error parsing mdraids: \(error)") }
            logger.debug("Not collecting mdraids, file does not exist", metadata: ["file": "\(paths.sysfs)"])
            return
        }
        for array in arrays {
            sink.add(Self.raidDisks, Double(array.disks), array.device)
            sink.add(Self.degraded, Double(array.degradedDisks), array.device)
        }
    }
}
