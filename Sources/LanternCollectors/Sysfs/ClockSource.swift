import LanternSupport

/// One clocksource device under `devices/system/clocksource`.
public struct ClockSource: Sendable, Hashable {
    /// The directory name, such as `clocksource0`.
    public var name: String
    public var available: [String]
    public var current: String

    public init(name: String, available: [String], current: String) {
        self.name = name
        self.available = available
        self.current = current
    }

    /// Every `clocksource[0-9]*` device below `directory`, in glob order. A missing
    /// directory gives none; an unreadable device file is an error.
    public static func readAll(directory: String) throws(KernelFileError) -> [ClockSource] {
        var sources: [ClockSource] = []
        for name in KernelFile.numberedEntries(of: directory, prefix: "clocksource") {
            let device = directory + "/" + name
            let available = try KernelFile.read(device + "/available_clocksource")
            let current = try KernelFile.read(device + "/current_clocksource")
            sources.append(ClockSource(
                name: name,
                available: fields(available[...]).map(String.init),
                current: String(trimmed(current[...]))))
        }
        return sources
    }
}
