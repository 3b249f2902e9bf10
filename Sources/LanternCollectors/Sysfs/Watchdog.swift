import LanternSupport

/// One device of `class/watchdog`; nil fields are files the driver does not provide.
public struct WatchdogDevice: Sendable, Hashable {
    public var name: String
    public var numbers: [String: Int64] = [:]
    public var texts: [String: String] = [:]

    public init(name: String) { self.name = name }
}

/// Reads `class/watchdog` as procfs `WatchdogClass` does.
public enum SysfsWatchdog {
    public static let numericAttributes = ["bootstatus", "fw_version", "nowayout", "timeleft", "timeout", "pretimeout", "access_cs0"]
    public static let textAttributes = ["options", "identity", "state", "status", "pretimeout_governor"]

    /// Missing attributes are skipped; unreadable or non-integer ones are errors.
    public static func devices(classWatchdog directory: String) throws(KernelFileError) -> [WatchdogDevice] {
        var devices: [WatchdogDevice] = []
        for name in try KernelFile.entries(of: directory) {
            let path = directory + "/" + name
            var device = WatchdogDevice(name: name)
            for attribute in numericAttributes {
                guard let text = try KernelFile.optionalAttribute(path + "/" + attribute) else { continue }
                device.numbers[attribute] = try KernelFile.parse(text, from: path + "/" + attribute) { (text) throws(KernelParseError) in
                    try parseGoInt64(text[...], field: attribute)
                }
            }
            for attribute in textAttributes {
                device.texts[attribute] = try KernelFile.optionalAttribute(path + "/" + attribute)
            }
            devices.append(device)
        }
        return devices
    }
}
