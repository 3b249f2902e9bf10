import LanternSupport

/// A thermal zone of `class/thermal/thermal_zoneN`.
public struct ThermalZone: Sendable, Hashable {
    /// The N of `thermal_zoneN`.
    public var name: String
    public var type: String
    public var policy: String
    /// Millidegrees Celsius.
    public var temperature: Int64
}

/// A cooling device of `class/thermal/cooling_deviceN`.
public struct CoolingDevice: Sendable, Hashable {
    /// The N of `cooling_deviceN`.
    public var name: String
    public var type: String
    public var maxState: Int64
    /// May be -1 (intel_powerclamp).
    public var currentState: Int64
}

/// Reads `class/thermal` as procfs `ClassThermalZoneStats` / `ClassCoolingDeviceStats` do.
public enum SysfsThermal {
    /// Zones whose `type`, `policy` or `temp` cannot be read are skipped (procfs skips
    /// zones on any file error); a `temp` that is not an integer is an error.
    public static func zones(classThermal directory: String) throws(KernelFileError) -> [ThermalZone] {
        try zones(classThermal: directory, entries: listing(directory))
    }

    /// `zones` among the `entries` of `directory`, listed already.
    static func zones(classThermal directory: String, entries: [String]) throws(KernelFileError) -> [ThermalZone] {
        var zones: [ThermalZone] = []
        for entry in KernelFile.numbered(entries, prefix: "thermal_zone") {
            let zone = directory + "/" + entry
            guard let type = try? KernelFile.attribute(zone + "/type"),
                  let policy = try? KernelFile.attribute(zone + "/policy"),
                  let temperature = try? KernelFile.attribute(zone + "/temp") else { continue }
            let milliCelsius = try KernelFile.parse(temperature, from: zone + "/temp") { (text) throws(KernelParseError) in
                try parseInt64(text[...], field: "temp")
            }
            zones.append(ThermalZone(name: String(entry.dropFirst("thermal_zone".count)), type: type, policy: policy,
                                     temperature: milliCelsius))
        }
        return zones
    }

    /// Devices whose attributes are unavailable (ENODATA) are skipped; other read or
    /// parse failures are errors, as in procfs.
    public static func coolingDevices(classThermal directory: String) throws(KernelFileError) -> [CoolingDevice] {
        try coolingDevices(classThermal: directory, entries: listing(directory))
    }

    /// `coolingDevices` among the `entries` of `directory`, listed already.
    static func coolingDevices(classThermal directory: String, entries: [String]) throws(KernelFileError) -> [CoolingDevice] {
        var devices: [CoolingDevice] = []
        for entry in KernelFile.numbered(entries, prefix: "cooling_device") {
            if let device = try coolingDevice(directory + "/" + entry, name: String(entry.dropFirst("cooling_device".count))) {
                devices.append(device)
            }
        }
        return devices
    }

    /// The entries of `class/thermal`, listed once for zones and cooling devices; none when
    /// it cannot be listed (as `numberedEntries`).
    static func listing(_ directory: String) -> [String] {
        (try? KernelFile.entries(of: directory)) ?? []
    }

    /// nil when an attribute has no data (ENODATA).
    static func coolingDevice(_ path: String, name: String) throws(KernelFileError) -> CoolingDevice? {
        do {
            return CoolingDevice(
                name: name, type: try KernelFile.attribute(path + "/type"), maxState: try readInt64(path + "/max_state"),
                currentState: try readInt64(path + "/cur_state"))
        } catch where error.isNoData {
            return nil
        }
    }

    static func readInt64(_ path: String) throws(KernelFileError) -> Int64 {
        try KernelFile.parse(path) { (text) throws(KernelParseError) in try parseInt64(trimmed(text[...]), field: "value") }
    }
}

/// A signed decimal, like Go's `strconv.ParseInt(text, 10, 64)`.
func parseInt64(_ text: Substring, field: String) throws(KernelParseError) -> Int64 {
    guard let value = Int64(text) else { throw KernelParseError("invalid \(field) \"\(text)\": not an integer") }
    return value
}
