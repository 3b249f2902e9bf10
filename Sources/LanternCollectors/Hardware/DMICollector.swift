import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `dmi` collector: one info metric labelled with the DMI identification
/// attributes the firmware provides.
public struct DMICollector: Collector {
    /// Label name and the `class/dmi/id` file it comes from, in node_exporter's order.
    static let labels: [(label: String, file: String)] = [
        ("bios_date", "bios_date"), ("bios_release", "bios_release"), ("bios_vendor", "bios_vendor"),
        ("bios_version", "bios_version"), ("board_asset_tag", "board_asset_tag"), ("board_name", "board_name"),
        ("board_serial", "board_serial"), ("board_vendor", "board_vendor"), ("board_version", "board_version"),
        ("chassis_asset_tag", "chassis_asset_tag"), ("chassis_serial", "chassis_serial"), ("chassis_vendor", "chassis_vendor"),
        ("chassis_version", "chassis_version"), ("product_family", "product_family"), ("product_name", "product_name"),
        ("product_serial", "product_serial"), ("product_sku", "product_sku"), ("product_uuid", "product_uuid"),
        ("product_version", "product_version"), ("system_vendor", "sys_vendor"),
    ]
    static let help = "A metric with a constant '1' value labeled by "
        + labels.map(\.label).joined(separator: ", ") + " if provided by DMI."

    private let paths: HostPaths
    private let logger: Logger

    public init(paths: HostPaths, logger: Logger) {
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        guard let attributes = try SysfsDMI.read(directory: paths.sys("class/dmi/id")) else {
            logger.debug("Platform does not support Desktop Management Interface (DMI) information")
            return
        }
        // Only the attributes the firmware provides become labels (empty ones included).
        let present = Self.labels.compactMap { entry in attributes[entry.file].map { (entry.label, $0) } }
        let descriptor = MetricDescriptor(name: "node_dmi_info", help: Self.help, type: .gauge, labels: present.map(\.0))
        sink.add(descriptor, 1, labelValues: present.map(\.1))
    }
}
