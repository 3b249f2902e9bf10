import Glibc
import LanternSupport

/// One entry of `class/power_supply`: its numeric and text attributes by file name.
public struct PowerSupply: Sendable, Hashable {
    public var name: String
    public var numbers: [String: Int64] = [:]
    public var texts: [String: String] = [:]

    public init(name: String) { self.name = name }
}

/// Reads `class/power_supply` as procfs `PowerSupplyClass` does: only the attributes
/// procfs knows, numbers parsed like Go's `ParseInt(text, 0, 64)`.
public enum SysfsPowerSupply {
    public static let numericAttributes: Set<String> = [
        "authentic", "calibrate", "capacity", "capacity_alert_max", "capacity_alert_min", "charge_avg",
        "charge_control_limit", "charge_control_limit_max", "charge_counter", "charge_empty", "charge_empty_design",
        "charge_full", "charge_full_design", "charge_now", "charge_term_current", "constant_charge_current",
        "constant_charge_current_max", "constant_charge_voltage", "constant_charge_voltage_max", "current_avg",
        "current_boot", "current_max", "current_now", "cycle_count", "energy_avg", "energy_empty", "energy_empty_design",
        "energy_full", "energy_full_design", "energy_now", "input_current_limit", "online", "power_avg", "power_now",
        "precharge_current", "present", "temp", "temp_alert_max", "temp_alert_min", "temp_ambient", "temp_ambient_max",
        "temp_ambient_min", "temp_max", "temp_min", "time_to_empty_avg", "time_to_empty_now", "time_to_full_avg",
        "time_to_full_now", "voltage_avg", "voltage_boot", "voltage_max", "voltage_max_design", "voltage_min",
        "voltage_min_design", "voltage_now", "voltage_ocv",
    ]
    public static let textAttributes: Set<String> = [
        "capacity_level", "charge_type", "health", "manufacturer", "model_name", "scope", "serial_number", "status",
        "technology", "type", "usb_type",
    ]

    /// Every supply of `classPowerSupply`; a supply whose attribute cannot be read or
    /// parsed fails the whole read (as in procfs), except attributes the driver does not
    /// support right now (ENODATA, EINVAL, EOPNOTSUPP, ENXIO).
    public static func read(classPowerSupply directory: String) throws(KernelFileError) -> [PowerSupply] {
        try read(classPowerSupply: directory, names: try KernelFile.entries(of: directory))
    }

    /// `read` of the supplies `names`, listed from `directory` already.
    static func read(classPowerSupply directory: String, names: [String]) throws(KernelFileError) -> [PowerSupply] {
        var supplies: [PowerSupply] = []
        for name in names {
            supplies.append(try readSupply(directory + "/" + name, name: name))
        }
        return supplies
    }

    static func readSupply(_ directory: String, name: String) throws(KernelFileError) -> PowerSupply {
        var supply = PowerSupply(name: name)
        for file in try KernelFile.entries(of: directory) {
            let isNumber = numericAttributes.contains(file)
            guard isNumber || textAttributes.contains(file) else { continue }
            let path = directory + "/" + file
            guard let value = try supportedAttribute(path) else { continue }
            if isNumber {
                supply.numbers[file] = try KernelFile.parse(value, from: path) { (text) throws(KernelParseError) in
                    try parseGoInt64(text[...], field: file)
                }
            } else {
                supply.texts[file] = value
            }
        }
        return supply
    }

    private static func supportedAttribute(_ path: String) throws(KernelFileError) -> String? {
        do {
            return try KernelFile.attribute(path)
        } catch where error.isUnsupportedAttribute {
            return nil
        }
    }
}

extension SysfsPowerSupply {
    /// nil when the class directory does not exist (no power supplies on this system).
    public static func readIfPresent(classPowerSupply directory: String) throws(KernelFileError) -> [PowerSupply]? {
        // Told by the listing's own open (ENOENT, ENOTDIR), not by a stat(2) before it.
        let names: [String]
        do {
            names = try KernelFile.entries(of: directory)
        } catch where error.isNotFound || error.errno == ENOTDIR {
            return nil
        } catch {
            // Spelled out: a typed catch that is not exhaustive crashes Swift 6.3's SIL passes.
            throw error
        }
        return try read(classPowerSupply: directory, names: names)
    }
}
