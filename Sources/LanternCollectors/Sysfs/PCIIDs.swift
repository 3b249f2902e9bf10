/// Names from a `pci.ids` database (hwdata), read the way node_exporter's pcidevice
/// collector reads it: vendors with their devices and subsystems, and classes with their
/// subclasses and programming interfaces. Lines it does not recognise are skipped, so
/// parsing never fails.
public struct PCIIDs: Sendable, Equatable {
    /// Vendor id (`8086`) to name.
    public var vendors: [String: String] = [:]
    /// Vendor id to device id to name.
    public var devices: [String: [String: String]] = [:]
    /// `vendor:device` to `subvendor:subdevice` to name.
    public var subsystems: [String: [String: String]] = [:]
    /// Base class (`02`) to name.
    public var classes: [String: String] = [:]
    /// Base class and subclass (`0200`) to name.
    public var subclasses: [String: String] = [:]
    /// Base class, subclass and programming interface (`010802`) to name.
    public var programmingInterfaces: [String: String] = [:]

    public init() {}

    /// Go's `bufio.Scanner` gives up on a line this long; node_exporter then keeps what it read so far.
    static let maximumLineLength = 64 * 1024

    public static func parse(_ text: String) -> PCIIDs {
        var ids = PCIIDs()
        var vendor = "", device = "", baseClass = "", subclass = ""
        // Set by a `C` line, cleared by a vendor line: tab-indented lines belong to a class.
        var inClass = false

        for rawLine in lines(text) {
            guard rawLine.utf8.count < maximumLineLength else { break }
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.isEmpty || line.hasPrefix("#") { continue }
            let depth = line.hasPrefix("\t\t\t") ? 3 : line.hasPrefix("\t\t") ? 2 : line.hasPrefix("\t") ? 1 : 0

            if line.hasPrefix("C ") {
                if let entry = idAndName(line.dropFirst()) {
                    ids.classes[entry.id] = entry.name
                    baseClass = entry.id
                    inClass = true
                }
            } else if depth == 1 && inClass {
                if let entry = idAndName(line.dropFirst()), !baseClass.isEmpty {
                    subclass = baseClass + entry.id
                    ids.subclasses[subclass] = entry.name
                }
            } else if depth == 2 && inClass {
                if let entry = idAndName(line.dropFirst(2)), !subclass.isEmpty {
                    ids.programmingInterfaces[subclass + entry.id] = entry.name
                }
            } else if depth == 0 {
                if let entry = idAndName(line) {
                    vendor = entry.id
                    ids.vendors[entry.id] = entry.name
                    device = ""
                    inClass = false
                }
            } else if depth == 1 {
                if let entry = idAndName(line.dropFirst()), !vendor.isEmpty {
                    device = entry.id
                    ids.devices[vendor, default: [:]][entry.id] = entry.name
                }
            } else if let entry = idAndName(line.dropFirst(2)), !vendor.isEmpty, !device.isEmpty {
                // Subsystem lines (`\t\tsubvendor subdevice  name`); a third tab is tolerated.
                let parts = fields(entry.id[...])
                if parts.count == 2 {
                    ids.subsystems[vendor + ":" + device, default: [:]][parts[0] + ":" + parts[1]] = entry.name
                }
            }
        }
        return ids
    }

    // MARK: - Lookups, with ids as the collector labels them (`0x8086`, `0x020000`)

    /// The vendor's name, else its id without `0x`.
    public func vendorName(_ vendorID: String) -> String {
        let vendor = normalized(vendorID)
        return vendors[vendor] ?? vendor
    }

    /// The device's name, else its id without `0x`.
    public func deviceName(vendorID: String, deviceID: String) -> String {
        let device = normalized(deviceID)
        return devices[normalized(vendorID)]?[device] ?? device
    }

    /// The subsystem's name, else the subsystem device id without `0x`. Unlike the other
    /// lookups node_exporter does not lowercase these ids (the labels are lowercase anyway).
    public func subsystemName(vendorID: String, deviceID: String, subsystemVendorID: String, subsystemDeviceID: String) -> String {
        let key = withoutHexPrefix(vendorID) + ":" + withoutHexPrefix(deviceID)
        let subsystemKey = withoutHexPrefix(subsystemVendorID) + ":" + withoutHexPrefix(subsystemDeviceID)
        return subsystems[key]?[subsystemKey] ?? withoutHexPrefix(subsystemDeviceID)
    }

    /// The most specific name: programming interface, subclass, then base class.
    public func className(_ classID: String) -> String {
        let code = normalized(classID)
        for (length, names) in [(6, programmingInterfaces), (4, subclasses), (2, classes)] where code.count >= length {
            if let name = names[String(code.prefix(length))] { return name }
        }
        return "Unknown class (" + code + ")"
    }

    /// `id  name` with two spaces between; both trimmed. nil when there are no two spaces.
    private static func idAndName(_ line: Substring) -> (id: String, name: String)? {
        guard let separator = line.firstRange(of: "  ") else { return nil }
        return (String(trimmed(line[..<separator.lowerBound])), String(trimmed(line[separator.upperBound...])))
    }

    private func withoutHexPrefix(_ id: String) -> String {
        id.hasPrefix("0x") ? String(id.dropFirst(2)) : id
    }

    private func normalized(_ id: String) -> String {
        withoutHexPrefix(id).lowercased()
    }
}
