import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `drbd` collector: DRBD 8 device statistics from /proc/drbd.
public struct DRBDCollector: Collector {
    /// Per numeric key: its metric and the factor to bytes (DRBD counts some values in KiB).
    static let numbers: [String: (descriptor: MetricDescriptor, multiplier: Double)] = [
        "ns": (number("network_sent_bytes_total", "Total number of bytes sent via the network.", .counter), 1024),
        "nr": (number("network_received_bytes_total", "Total number of bytes received via the network.", .counter), 1),
        "dw": (number("disk_written_bytes_total", "Net data written on local hard disk; in bytes.", .counter), 1024),
        "dr": (number("disk_read_bytes_total", "Net data read from local hard disk; in bytes.", .counter), 1024),
        "al": (number("activitylog_writes_total", "Number of updates of the activity log area of the meta data.", .counter), 1),
        "bm": (number("bitmap_writes_total", "Number of updates of the bitmap area of the meta data.", .counter), 1),
        "lo": (number("local_pending", "Number of open requests to the local I/O sub-system.", .gauge), 1),
        "pe": (number("remote_pending", "Number of requests sent to the peer, but that have not yet been answered by the latter.", .gauge), 1),
        "ua": (number(
            "remote_unacknowledged",
            "Number of requests received by the peer via the network connection, but that have not yet been answered.", .gauge), 1),
        "ap": (number("application_pending", "Number of block I/O requests forwarded to DRBD, but not yet answered by DRBD.", .gauge), 1),
        "ep": (number("epochs", "Number of Epochs currently on the fly.", .gauge), 1),
        "oos": (number("out_of_sync_bytes", "Amount of data known to be out of sync; in bytes.", .gauge), 1024),
    ]
    /// Per pair key: its metric and the value that counts as 1.
    static let pairs: [String: (descriptor: MetricDescriptor, okay: String)] = [
        "ro": (MetricDescriptor(
            name: "node_drbd_node_role_is_primary", help: "Whether the role of the node is in the primary state.", type: .gauge,
            labels: ["device", "node"]), "Primary"),
        "ds": (MetricDescriptor(
            name: "node_drbd_disk_state_is_up_to_date", help: "Whether the disk of the node is up to date.", type: .gauge,
            labels: ["device", "node"]), "UpToDate"),
    ]
    static let connected = number("connected", "Whether DRBD is connected to the peer.", .gauge)

    private static func number(_ name: String, _ help: String, _ type: MetricType) -> MetricDescriptor {
        MetricDescriptor(name: "node_drbd_" + name, help: help, type: type, labels: ["device"])
    }

    private let paths: HostPaths
    private let logger: Logger

    public init(paths: HostPaths, logger: Logger) {
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        let devices: [DRBDDevice]
        do {
            devices = try KernelFile.parse(paths.proc("drbd"), with: DRBDDevice.parse)
        } catch {
            guard error.isNotFound else { throw CollectorError("\(error)") }
            logger.debug("stats file does not exist, skipping", metadata: ["file": "\(paths.proc("drbd"))"])
            return
        }
        for device in devices {
            for number in device.numbers {
                guard let metric = Self.numbers[number.key] else { continue }
                sink.add(metric.descriptor, number.value * metric.multiplier, device.name)
            }
            for pair in device.pairs {
                guard let metric = Self.pairs[pair.key] else { continue }
                sink.add(metric.descriptor, pair.local == metric.okay ? 1 : 0, device.name, "local")
                sink.add(metric.descriptor, pair.remote == metric.okay ? 1 : 0, device.name, "remote")
            }
            if let state = device.connectionState {
                sink.add(Self.connected, state == "Connected" ? 1 : 0, device.name)
            }
        }
    }
}
