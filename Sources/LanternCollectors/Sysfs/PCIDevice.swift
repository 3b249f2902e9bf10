import Glibc
import LanternSupport

/// Where a PCI function sits: `segment:bus:device.function`, as in `0000:00:02.1`.
public struct PCIDeviceLocation: Sendable, Hashable {
    public var segment: Int32
    public var bus: Int32
    public var device: Int32
    public var function: Int32

    public init(segment: Int32, bus: Int32, device: Int32, function: Int32) {
        self.segment = segment
        self.bus = bus
        self.device = device
        self.function = function
    }

    /// Segment, bus, device and function in hexadecimal, zero-padded to 4, 2, 2 and 1
    /// digits: the label values node_exporter uses.
    public var labelValues: [String] {
        [goHex(Int64(segment), width: 4), goHex(Int64(bus), width: 2), goHex(Int64(device), width: 2), goHex(Int64(function), width: 1)]
    }
}

/// One device of `/sys/bus/pci/devices`, as prometheus/procfs reads it. Optional values
/// are attributes the device does not have (or that are empty or "Unknown").
public struct PCIDevice: Sendable, Equatable {
    public var location: PCIDeviceLocation
    /// nil when the device hangs directly off a host bridge (`pci0000:00`).
    public var parentLocation: PCIDeviceLocation?

    public var classCode: UInt32 = 0
    public var vendor: UInt32 = 0
    public var device: UInt32 = 0
    public var subsystemVendor: UInt32 = 0
    public var subsystemDevice: UInt32 = 0
    public var revision: UInt32 = 0
    /// -1 when the kernel does not know the node.
    public var numaNode: Int32 = -1

    /// In GT/s.
    public var maxLinkSpeed: Double?
    public var maxLinkWidth: Double?
    public var currentLinkSpeed: Double?
    public var currentLinkWidth: Double?

    public var sriovDriversAutoprobe: Bool?
    public var sriovNumVFs: UInt32?
    public var sriovOffset: UInt32?
    public var sriovStride: UInt32?
    public var sriovTotalVFs: UInt32?
    public var sriovVFDevice: UInt32?
    public var sriovVFTotalMSIX: UInt64?

    public var d3coldAllowed: Bool?
    /// The `power_state` text as the kernel writes it (D0, D1, D2, D3hot, D3cold, unknown, error).
    public var powerState: String?

    public init(location: PCIDeviceLocation, parentLocation: PCIDeviceLocation? = nil) {
        self.location = location
        self.parentLocation = parentLocation
    }
}

/// Reading of `/sys/bus/pci/devices` (prometheus/procfs `FS.PciDevices`).
public enum SysfsPCI {
    /// Every device below `devicesDirectory`, ordered by location. Each entry must be a
    /// link into the device tree; its target names the device and its parent. A missing
    /// directory or file comes out as a `KernelFileError` that `isNotFound`.
    public static func devices(in devicesDirectory: String) throws(KernelFileError) -> [PCIDevice] {
        // Keyed by location, as procfs's map is: two links to one device give one device.
        var byLocation: [PCIDeviceLocation: PCIDevice] = [:]
        for name in try KernelFile.entries(of: devicesDirectory) {
            let device = try readDevice(devicesDirectory + "/" + name)
            byLocation[device.location] = device
        }
        return byLocation.values.sorted { $0.location.labelValues.lexicographicallyPrecedes($1.location.labelValues) }
    }

    /// One device directory: the required identity files, then the optional link,
    /// SR-IOV and power attributes, in procfs's order (so the first problem is the same).
    static func readDevice(_ path: String) throws(KernelFileError) -> PCIDevice {
        let target = try linkTarget(path)
        let locations = try KernelFile.parse(target, from: path, with: locations(fromLinkTarget:))
        var device = PCIDevice(location: locations.device, parentLocation: locations.parent)

        device.classCode = try identity(path + "/class")
        device.vendor = try identity(path + "/vendor")
        device.device = try identity(path + "/device")
        device.subsystemVendor = try identity(path + "/subsystem_vendor")
        device.subsystemDevice = try identity(path + "/subsystem_device")
        device.revision = try identity(path + "/revision")
        device.numaNode = try KernelFile.parse(try KernelFile.attribute(path + "/numa_node"), from: path + "/numa_node", with: parseSignedIdentity)

        device.maxLinkSpeed = try optional(path + "/max_link_speed", linkAttribute(parseLinkSpeed))
        device.maxLinkWidth = try optional(path + "/max_link_width", linkAttribute(parseLinkWidth))
        device.currentLinkSpeed = try optional(path + "/current_link_speed", linkAttribute(parseLinkSpeed))
        device.currentLinkWidth = try optional(path + "/current_link_width", linkAttribute(parseLinkWidth))

        device.sriovDriversAutoprobe = try optional(path + "/sriov_drivers_autoprobe", nonEmpty(parseFlag))
        device.sriovNumVFs = try optional(path + "/sriov_numvfs", nonEmpty(parseUInt32))
        device.sriovOffset = try optional(path + "/sriov_offset", nonEmpty(parseUInt32))
        device.sriovStride = try optional(path + "/sriov_stride", nonEmpty(parseUInt32))
        device.sriovTotalVFs = try optional(path + "/sriov_totalvfs", nonEmpty(parseUInt32))
        device.sriovVFDevice = try optional(path + "/sriov_vf_device", nonEmpty(parseUInt32))
        device.sriovVFTotalMSIX = try optional(path + "/sriov_vf_total_msix", nonEmpty(parseVectorCount))

        device.d3coldAllowed = try optional(path + "/d3cold_allowed", nonEmpty(parseFlag))
        device.powerState = try optional(path + "/power_state", nonEmpty { (text) throws(KernelParseError) in text })
        return device
    }

    /// The device and parent locations from a link target such as
    /// `../../../devices/pci0000:00/0000:00:02.1/0000:01:00.0`. A parent named `pci…` is a
    /// host bridge, not a PCI function: no parent then.
    public static func locations(fromLinkTarget target: String) throws(KernelParseError) -> (device: PCIDeviceLocation, parent: PCIDeviceLocation?) {
        let (parentName, deviceName) = lastTwoComponents(of: target)
        let device = try parseLocation(deviceName)
        guard !parentName.hasPrefix("pci") else { return (device, nil) }
        do {
            return (device, try parseLocation(parentName))
        } catch {
            throw KernelParseError("parent device: \(error.reason)")
        }
    }

    /// `segment:bus:device.function`, each part hexadecimal (a sign is allowed, as Go's
    /// `strconv.ParseInt(part, 16, 32)` allows it).
    public static func parseLocation(_ text: Substring) throws(KernelParseError) -> PCIDeviceLocation {
        let colonParts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard colonParts.count == 3 else { throw KernelParseError("invalid PCI location \"\(text)\"") }
        let slotParts = colonParts[2].split(separator: ".", omittingEmptySubsequences: false)
        guard slotParts.count == 2 else { throw KernelParseError("invalid PCI location \"\(text)\"") }
        let parts = [colonParts[0], colonParts[1], slotParts[0], slotParts[1]]
        var numbers: [Int32] = []
        for (part, field) in zip(parts, ["segment", "bus", "device", "function"]) {
            guard let number = Int32(part, radix: 16) else {
                throw KernelParseError("invalid PCI location \"\(text)\": bad \(field) \"\(part)\"")
            }
            numbers.append(number)
        }
        return PCIDeviceLocation(segment: numbers[0], bus: numbers[1], device: numbers[2], function: numbers[3])
    }

    /// `max_link_speed`/`current_link_speed`, such as `8.0 GT/s PCIe`, in GT/s; nil for an
    /// empty value or one the kernel calls `Unknown…`.
    public static func parseLinkSpeed(_ text: String) throws(KernelParseError) -> Double? {
        guard let space = text.utf8.firstIndex(of: UInt8(ascii: " ")) else {
            throw KernelParseError("invalid link speed \"\(text)\": no unit")
        }
        guard text[text.utf8.index(after: space)...] == "GT/s PCIe" else {
            throw KernelParseError("unknown unit in link speed \"\(text)\"")
        }
        return try parseDouble(text[..<space], field: "link speed")
    }

    /// `max_link_width`/`current_link_width`: a decimal number of lanes.
    public static func parseLinkWidth(_ text: String) throws(KernelParseError) -> Double? {
        Double(try parseInt64(text[...], field: "link width"))
    }

    // MARK: - Attribute readers

    /// An identity file (`0x1022`): Go's `strconv.ParseInt(text, 0, 32)`, kept as its bits.
    private static func identity(_ path: String) throws(KernelFileError) -> UInt32 {
        let value = try KernelFile.parse(try KernelFile.attribute(path), from: path, with: parseSignedIdentity)
        return UInt32(bitPattern: value)
    }

    private static func parseSignedIdentity(_ text: String) throws(KernelParseError) -> Int32 {
        let value = try parseGoInt64(text[...], field: "value")
        guard let narrow = Int32(exactly: value) else { throw KernelParseError("invalid value \"\(text)\": out of range") }
        return narrow
    }

    /// An attribute that may be absent (nil); other read failures are errors.
    private static func optional<Value>(
        _ path: String, _ parse: (String) throws(KernelParseError) -> Value?
    ) throws(KernelFileError) -> Value? {
        guard let text = try KernelFile.optionalAttribute(path) else { return nil }
        return try KernelFile.parse(text, from: path, with: parse)
    }

    /// Link attributes hold nothing or `Unknown` when the link state is not known.
    private static func linkAttribute<Value>(
        _ parse: @escaping (String) throws(KernelParseError) -> Value?
    ) -> (String) throws(KernelParseError) -> Value? {
        { (text) throws(KernelParseError) in
            text.isEmpty || text.hasPrefix("Unknown") ? nil : try parse(text)
        }
    }

    /// SR-IOV and power attributes are skipped when empty.
    private static func nonEmpty<Value>(
        _ parse: @escaping (String) throws(KernelParseError) -> Value
    ) -> (String) throws(KernelParseError) -> Value? {
        { (text) throws(KernelParseError) in text.isEmpty ? nil : try parse(text) }
    }

    /// A 0/1 attribute read as a signed 32-bit decimal; anything but 0 is true.
    private static func parseFlag(_ text: String) throws(KernelParseError) -> Bool {
        guard let value = Int32(text) else { throw KernelParseError("invalid boolean \"\(text)\"") }
        return value != 0
    }

    private static func parseUInt32(_ text: String) throws(KernelParseError) -> UInt32 {
        guard let value = UInt32(exactly: try parseUInt(text[...], field: "value")) else {
            throw KernelParseError("invalid value \"\(text)\": out of range")
        }
        return value
    }

    /// procfs reads `sriov_vf_total_msix` as a signed 64-bit decimal and keeps its bits.
    private static func parseVectorCount(_ text: String) throws(KernelParseError) -> UInt64 {
        UInt64(bitPattern: try parseInt64(text[...], field: "value"))
    }

    private static func linkTarget(_ path: String) throws(KernelFileError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = buffer.withUnsafeMutableBufferPointer { pointer in
            pointer.baseAddress.map { readlink(path, $0, pointer.count - 1) } ?? -1
        }
        guard length >= 0 else {
            let code = errno
            let message = strerror(code).map { String(cString: $0) } ?? "errno \(code)"
            throw KernelFileError(path: path, reason: "readlink: \(message)", errno: code)
        }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The last path element and the one before it, as Go's `filepath.Base(p)` and
    /// `filepath.Base(filepath.Dir(p))` see them: empty and `.` elements ignored, `..`
    /// undoing the element before it.
    static func lastTwoComponents(of path: String) -> (parent: Substring, last: Substring) {
        var components = path.split(separator: "/")
        guard let last = components.popLast() else { return (path.hasPrefix("/") ? "/" : ".", path.hasPrefix("/") ? "/" : ".") }
        var cleaned: [Substring] = []
        for component in components where component != "." {
            if component == "..", let previous = cleaned.last, previous != ".." {
                cleaned.removeLast()
            } else if component != ".." || !path.hasPrefix("/") {
                cleaned.append(component)
            }
        }
        let parent = cleaned.last ?? (path.hasPrefix("/") ? "/" : ".")
        return (parent, last)
    }
}

/// Go's `%0<width>x` for a signed value: a minus sign counts towards the width.
func goHex(_ value: Int64, width: Int) -> String {
    let digits = String(value.magnitude, radix: 16)
    let sign = value < 0 ? "-" : ""
    let padding = max(0, width - sign.count - digits.count)
    return sign + String(repeating: "0", count: padding) + digits
}
