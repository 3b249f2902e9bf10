import LanternSupport

/// One hwmon chip of `class/hwmon`: its directory, the name parts node_exporter builds
/// its `chip` label from, and the raw sensor attributes.
public struct HwmonChip: Sendable, Hashable {
    public var directory: String
    /// The device-derived name (`platform_coretemp_0`), else the cleaned `name` file,
    /// else the cleaned directory name (`hwmon4`).
    public var baseName: String
    /// The cleaned `name` file (`coretemp`); nil when absent or empty.
    public var chipName: String?
    /// The last element of the chip's real directory (`hwmon0`).
    public var hwmonDirectoryName: String
    /// Attribute values by sensor (`temp1`) and property (`input`, `""` for `fan1`).
    public var sensors: [String: [String: String]]
}

/// The parts of a sensor attribute file name, `<type><number>_<property>`.
public struct HwmonSensorFile: Sendable, Hashable {
    public var type: String
    public var number: Int
    public var property: String
}

public enum SysfsHwmon {
    /// Sensor types node_exporter reads; other attribute files are ignored.
    public static let sensorTypes: Set<String> = [
        "vrm", "beep_enable", "update_interval", "in", "cpu", "fan", "pwm", "temp", "curr", "power", "energy",
        "humidity", "intrusion", "freq",
    ]

    /// Splits a file name like node_exporter's `^([^0-9]+)([0-9]*)?(_(.+))?$` with Go's
    /// leftmost-first preference: the longest type, then the longest number. Nil when
    /// the name does not match or the number overflows.
    public static func explode(_ fileName: String) -> HwmonSensorFile? {
        let characters = Array(fileName.unicodeScalars)
        let nonDigitPrefix = characters.firstIndex { isDigit($0) } ?? characters.count
        var typeEnd = nonDigitPrefix
        while typeEnd >= 1 {
            let digitEnd = characters[typeEnd...].firstIndex { !isDigit($0) } ?? characters.count
            var numberEnd = digitEnd
            while numberEnd >= typeEnd {
                let rest = characters[numberEnd...]
                if rest.isEmpty || (rest.first == "_" && rest.count > 1) {
                    let digits = String(String.UnicodeScalarView(characters[typeEnd..<numberEnd]))
                    var number = 0
                    if !digits.isEmpty {
                        guard let parsed = Int(digits) else { return nil }
                        number = parsed
                    }
                    return HwmonSensorFile(
                        type: String(String.UnicodeScalarView(characters[..<typeEnd])), number: number,
                        property: rest.isEmpty ? "" : String(String.UnicodeScalarView(rest.dropFirst())))
                }
                numberEnd -= 1
            }
            typeEnd -= 1
        }
        return nil
    }

    /// node_exporter's `cleanMetricName`: lower case, every character outside
    /// `[a-z0-9:_]` replaced by `_`, then `_` trimmed from both ends.
    public static func cleanName(_ name: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in name.lowercased().unicodeScalars {
            let allowed = (scalar >= "a" && scalar <= "z") || isDigit(scalar) || scalar == ":" || scalar == "_"
            result.append(allowed ? scalar : "_")
        }
        let text = String(result)
        guard let start = text.firstIndex(where: { $0 != "_" }), let end = text.lastIndex(where: { $0 != "_" }) else { return "" }
        return String(text[start...end])
    }

    /// Reads one chip directory (which may be a symlink to it) and its `device` directory.
    public static func readChip(directory: String) throws(KernelFileError) -> HwmonChip {
        var sensors: [String: [String: String]] = [:]
        try readSensors(in: directory, into: &sensors)
        if KernelFile.resolvedPath(directory + "/device") != nil {
            try readSensors(in: directory + "/device", into: &sensors)
        }
        let nameFile = (try? KernelFile.read(directory + "/name")).map(cleanName)
        let chipName = nameFile.flatMap { $0.isEmpty ? nil : $0 }
        guard let realDirectory = KernelFile.resolvedPath(directory) else {
            throw KernelFileError(path: directory, reason: "cannot resolve the chip directory")
        }
        let hwmonDirectoryName = cleanName(lastComponent(realDirectory))
        let baseName = deviceName(directory: directory) ?? chipName ?? hwmonDirectoryName
        if baseName.isEmpty {
            throw KernelFileError(path: directory, reason: "Could not derive a monitoring name for \(directory)")
        }
        return HwmonChip(directory: directory, baseName: baseName, chipName: chipName,
                         hwmonDirectoryName: hwmonDirectoryName, sensors: sensors)
    }

    /// `<type>_<name>` of the resolved `device` link (`platform_coretemp_0`), or the
    /// cleaned device name alone.
    static func deviceName(directory: String) -> String? {
        guard let device = KernelFile.resolvedPath(directory + "/device") else { return nil }
        let name = cleanName(lastComponent(device))
        let type = cleanName(lastComponent(parentPath(device)))
        if !type.isEmpty && !name.isEmpty { return type + "_" + name }
        return name.isEmpty ? nil : name
    }

    /// Attribute files of known sensor types; unreadable files are skipped, an unreadable
    /// directory is an error.
    static func readSensors(in directory: String, into sensors: inout [String: [String: String]]) throws(KernelFileError) {
        for fileName in try KernelFile.entries(of: directory) {
            guard let file = explode(fileName), sensorTypes.contains(file.type),
                  let raw = try? KernelFile.read(directory + "/" + fileName) else { continue }
            sensors[file.type + String(file.number), default: [:]][file.property] = trimmingNewlines(raw)
        }
    }

    /// Go's `strings.Trim(value, "\n")`: only line feeds go, a `\r` stays.
    private static func trimmingNewlines(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { $0 != "\n" }), let end = scalars.lastIndex(where: { $0 != "\n" }) else { return "" }
        return String(scalars[start...end])
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar >= "0" && scalar <= "9" }

    private static func lastComponent(_ path: String) -> String {
        String(path.split(separator: "/").last ?? "")
    }

    private static func parentPath(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }
}
