import LanternFlags
import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `pcidevice` collector: identity, link, SR-IOV and power attributes of
/// every device in `/sys/bus/pci/devices`, optionally with names from `pci.ids`.
public struct PCIDeviceCollector: Collector {
    public struct Options: Sendable {
        /// `--collector.pcidevice.names`: add vendor, device, subsystem and class names to the info series.
        public var names = false
        /// `--collector.pcidevice.idsfile`; empty tries the usual hwdata locations.
        public var idsFile = ""

        public init(names: Bool = false, idsFile: String = "") {
            self.names = names
            self.idsFile = idsFile
        }
    }

    /// Where distributions install `pci.ids`; absolute host paths, as node_exporter uses them (not below rootfs).
    static let defaultIDsFiles = ["/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids"]

    static let locationLabels = ["segment", "bus", "device", "function"]
    static let identityLabels = locationLabels + [
        "parent_segment", "parent_bus", "parent_device", "parent_function",
        "class_id", "vendor_id", "device_id", "subsystem_vendor_id", "subsystem_device_id", "revision",
    ]
    static let nameLabels = ["vendor_name", "device_name", "subsystem_vendor_name", "subsystem_device_name", "class_name"]
    static let infoHelp = "Non-numeric data from /sys/bus/pci/devices/<location>, value is always 1."
    static let info = MetricDescriptor(name: "node_pcidevice_info", help: infoHelp, type: .gauge, labels: identityLabels)
    static let infoWithNames = MetricDescriptor(
        name: "node_pcidevice_info", help: infoHelp, type: .gauge, labels: identityLabels + nameLabels)

    static let maxLinkTransfers = gauge("max_link_transfers_per_second", "Value of maximum link's transfers per second (T/s)")
    static let maxLinkWidth = gauge("max_link_width", "Value of maximum link's width (number of lanes)")
    static let currentLinkTransfers = gauge("current_link_transfers_per_second", "Value of current link's transfers per second (T/s)")
    static let currentLinkWidth = gauge("current_link_width", "Value of current link's width (number of lanes)")
    static let d3coldAllowed = gauge("d3cold_allowed", "Whether the PCIe device supports D3cold power state (0/1).")
    static let sriovDriversAutoprobe = gauge(
        "sriov_drivers_autoprobe", "Whether SR-IOV drivers autoprobe is enabled for the device (0/1).")
    static let sriovNumVFs = gauge("sriov_numvfs", "Number of Virtual Functions (VFs) currently enabled for SR-IOV.")
    static let sriovTotalVFs = gauge("sriov_totalvfs", "Total number of Virtual Functions (VFs) supported by the device.")
    static let sriovVFTotalMSIX = gauge("sriov_vf_total_msix", "Total number of MSI-X vectors for Virtual Functions.")
    static let numaNode = gauge("numa_node", "NUMA node number for the PCI device. -1 indicates unknown or not available.")
    static let powerState = MetricDescriptor(
        name: "node_pcidevice_power_state",
        help: "PCIe device power state, one of: D0, D1, D2, D3hot, D3cold, unknown or error.", type: .gauge,
        labels: locationLabels + ["state"])
    /// Every state gets a series; the current one is 1.
    static let powerStates = ["D0", "D1", "D2", "D3hot", "D3cold", "unknown", "error"]

    private static func gauge(_ name: String, _ help: String) -> MetricDescriptor {
        MetricDescriptor(name: "node_pcidevice_" + name, help: help, type: .gauge, labels: locationLabels)
    }

    private let paths: HostPaths
    private let logger: Logger
    /// Loaded once at start, as node_exporter does; nil when names are off.
    private let names: PCIIDs?

    public init(paths: HostPaths, options: Options, logger: Logger) {
        self.paths = paths
        self.logger = logger
        names = options.names ? Self.loadNames(idsFile: options.idsFile, logger: logger) : nil
    }

    public func collect(into sink: MetricSink) throws {
        guard let devices = try readDevices() else { return }
        for device in devices {
            let location = device.location.labelValues
            sink.add(names == nil ? Self.info : Self.infoWithNames, 1, labelValues: infoLabelValues(device))

            // Link speeds are in GT/s; absent link attributes are exposed as -1.
            sink.add(Self.maxLinkTransfers, device.maxLinkSpeed.map { $0 * 1e9 } ?? -1, labelValues: location)
            sink.add(Self.maxLinkWidth, device.maxLinkWidth ?? -1, labelValues: location)
            sink.add(Self.currentLinkTransfers, device.currentLinkSpeed.map { $0 * 1e9 } ?? -1, labelValues: location)
            sink.add(Self.currentLinkWidth, device.currentLinkWidth ?? -1, labelValues: location)
            // Absent SR-IOV and power attributes are exposed as 0.
            sink.add(Self.d3coldAllowed, device.d3coldAllowed == true ? 1 : 0, labelValues: location)
            sink.add(Self.sriovDriversAutoprobe, device.sriovDriversAutoprobe == true ? 1 : 0, labelValues: location)
            sink.add(Self.sriovNumVFs, Double(device.sriovNumVFs ?? 0), labelValues: location)
            sink.add(Self.sriovTotalVFs, Double(device.sriovTotalVFs ?? 0), labelValues: location)
            sink.add(Self.sriovVFTotalMSIX, Double(device.sriovVFTotalMSIX ?? 0), labelValues: location)

            if let current = device.powerState {
                for state in Self.powerStates {
                    sink.add(Self.powerState, state == current ? 1 : 0, labelValues: location + [state])
                }
            }
            if device.numaNode != -1 {
                sink.add(Self.numaNode, Double(device.numaNode), labelValues: location)
            }
        }
    }

    /// The devices, or nil when something is missing: node_exporter reports no data then,
    /// for an absent bus as for a device file that vanished.
    private func readDevices() throws -> [PCIDevice]? {
        do {
            return try SysfsPCI.devices(in: paths.sys("bus/pci/devices"))
        } catch where error.isNotFound {
            logger.debug("PCI device not found, skipping", metadata: ["err": .string("\(error)")])
            return nil
        } catch {
            // Spelled out: a typed catch that is not exhaustive crashes Swift 6.3's SIL passes.
            throw error
        }
    }

    private func infoLabelValues(_ device: PCIDevice) -> [String] {
        let classID = "0x" + goHex(Int64(device.classCode), width: 6)
        let vendorID = "0x" + goHex(Int64(device.vendor), width: 4)
        let deviceID = "0x" + goHex(Int64(device.device), width: 4)
        let subsystemVendorID = "0x" + goHex(Int64(device.subsystemVendor), width: 4)
        let subsystemDeviceID = "0x" + goHex(Int64(device.subsystemDevice), width: 4)
        var values = device.location.labelValues
        values += device.parentLocation?.labelValues ?? ["*", "*", "*", "*"]
        values += [classID, vendorID, deviceID, subsystemVendorID, subsystemDeviceID, "0x" + goHex(Int64(device.revision), width: 2)]
        if let names {
            values += [
                names.vendorName(vendorID),
                names.deviceName(vendorID: vendorID, deviceID: deviceID),
                names.vendorName(subsystemVendorID),
                names.subsystemName(
                    vendorID: vendorID, deviceID: deviceID, subsystemVendorID: subsystemVendorID, subsystemDeviceID: subsystemDeviceID),
                names.className(classID),
            ]
        }
        return values
    }

    /// The `--collector.pcidevice.idsfile` database, else the first default one that opens.
    /// A database that cannot be read leaves every name at its id (logged at debug).
    static func loadNames(idsFile: String, logger: Logger) -> PCIIDs {
        let candidates = idsFile.isEmpty ? defaultIDsFiles : [idsFile]
        var lastError = ""
        for path in candidates {
            do {
                let ids = PCIIDs.parse(try KernelFile.read(path))
                logger.debug("Loaded PCI device data", metadata: [
                    "file": .string(path), "vendors": .stringConvertible(ids.vendors.count),
                    "classes": .stringConvertible(ids.classes.count),
                ])
                return ids
            } catch {
                lastError = "\(error)"
            }
        }
        logger.debug("Failed to open PCI IDs file", metadata: ["err": .string(lastError)])
        return PCIIDs()
    }
}

enum PCIDeviceFlags {
    static let names = Flag(
        "collector.pcidevice.names", help: "Enable PCI device name resolution (requires pci.ids file).", kind: .bool, default: "false")
    static let idsFile = Flag("collector.pcidevice.idsfile", help: "Path to pci.ids file to use for PCI device identification.")
    static let all = [names, idsFile]

    static func options(from flags: ParsedFlags) -> PCIDeviceCollector.Options {
        PCIDeviceCollector.Options(names: flags.bool(names.name), idsFile: flags.string(idsFile.name))
    }
}
