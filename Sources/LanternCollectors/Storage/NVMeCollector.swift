import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `nvme` collector: controller identity and namespace sizes from
/// /sys/class/nvme.
public struct NVMeCollector: Collector {
    static let info = MetricDescriptor(
        name: "node_nvme_info", help: "Non-numeric data from /sys/class/nvme/<device>, value is always 1.", type: .gauge,
        labels: ["device", "firmware_revision", "model", "serial", "state", "cntlid"])
    static let namespaceInfo = MetricDescriptor(
        name: "node_nvme_namespace_info", help: "Information about NVMe namespaces. Value is always 1", type: .gauge,
        labels: ["device", "nsid", "ana_state"])
    static let capacity = MetricDescriptor(
        name: "node_nvme_namespace_capacity_bytes",
        help: "Capacity of the NVMe namespace in bytes. Computed as namespace_size * namespace_logical_block_size", type: .gauge,
        labels: ["device", "nsid"])
    static let size = MetricDescriptor(
        name: "node_nvme_namespace_size_bytes",
        help: "Size of the NVMe namespace in bytes. Available in /sys/class/nvme/<device>/<namespace>/size", type: .gauge,
        labels: ["device", "nsid"])
    static let used = MetricDescriptor(
        name: "node_nvme_namespace_used_bytes",
        help: "Used space of the NVMe namespace in bytes. Available in /sys/class/nvme/<device>/<namespace>/nuse", type: .gauge,
        labels: ["device", "nsid"])
    static let blockSize = MetricDescriptor(
        name: "node_nvme_namespace_logical_block_size_bytes",
        help: "Logical block size of the NVMe namespace in bytes. Usually 4Kb. Available in /sys/class/nvme/<device>/<namespace>/queue/logical_block_size",
        type: .gauge, labels: ["device", "nsid"])

    private let paths: HostPaths
    private let logger: Logger

    public init(paths: HostPaths, logger: Logger) {
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        let devices: [NVMeDevice]
        do {
            devices = try NVMeDevice.readAll(classDirectory: paths.sys("class/nvme"))
        } catch {
            guard error.isNotFound else { throw CollectorError("error obtaining NVMe class info: \(error)") }
            logger.debug("nvme statistics not found, skipping")
            return
        }
        for device in devices {
            sink.add(Self.info, 1, device.name, device.firmwareRevision, device.model, device.serial, device.state, device.controllerID)
            for namespace in device.namespaces {
                let bytes = Double(namespace.sizeBlocks) * Double(namespace.logicalBlockSize)
                sink.add(Self.namespaceInfo, 1, device.name, namespace.id, namespace.anaState)
                sink.add(Self.capacity, bytes, device.name, namespace.id)
                sink.add(Self.size, bytes, device.name, namespace.id)
                sink.add(Self.used, Double(namespace.usedBlocks) * Double(namespace.logicalBlockSize), device.name, namespace.id)
                sink.add(Self.blockSize, Double(namespace.logicalBlockSize), device.name, namespace.id)
            }
        }
    }
}
