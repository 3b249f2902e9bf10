/// One processor block of /proc/cpuinfo (x86 layout), with the fields node_exporter uses.
public struct CPUInfo: Sendable, Hashable {
    public var processor: UInt64
    public var vendorID = ""
    public var cpuFamily = ""
    public var model = ""
    public var modelName = ""
    public var stepping = ""
    public var microcode = ""
    public var megahertz = 0.0
    public var cacheSize = ""
    public var physicalID = ""
    public var coreID = ""
    public var flags: [String] = []
    public var bugs: [String] = []

    public init(processor: UInt64) { self.processor = processor }

    /// Parses the x86 layout: blocks of `key<TAB>: value` lines, each starting with
    /// `processor`. Other lines before the first `processor` make the file invalid.
    public static func parse(_ text: String) throws(KernelParseError) -> [CPUInfo] {
        var processors: [CPUInfo] = []
        for line in lines(text) where !trimmed(line).isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = trimmed(line[..<colon])
            // procfs splits on ": ", so the value keeps any further spaces.
            var value = line[line.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }

            if key == "processor" {
                processors.append(CPUInfo(processor: try parseUInt(trimmed(value), field: "processor")))
                continue
            }
            guard !processors.isEmpty else { throw KernelParseError("expected a processor line first, got \"\(line)\"") }
            let index = processors.count - 1
            switch key {
            case "vendor", "vendor_id": processors[index].vendorID = String(value)
            case "cpu family": processors[index].cpuFamily = String(value)
            case "model": processors[index].model = String(value)
            case "model name": processors[index].modelName = String(value)
            case "stepping": processors[index].stepping = String(value)
            case "microcode": processors[index].microcode = String(value)
            case "cpu MHz": processors[index].megahertz = try parseDouble(trimmed(value), field: "cpu MHz")
            case "cache size": processors[index].cacheSize = String(value)
            case "physical id": processors[index].physicalID = String(value)
            case "core id": processors[index].coreID = String(value)
            case "flags": processors[index].flags = fields(value).map(String.init)
            case "bugs": processors[index].bugs = fields(value).map(String.init)
            default: continue
            }
        }
        return processors
    }
}
