/// A line of /proc/cgroups: a cgroup v1 controller.
public struct CgroupSummary: Sendable, Hashable {
    public var subsystem: String
    public var hierarchy: UInt32
    public var cgroups: UInt32
    public var enabled: UInt32
}

public enum ProcCgroups {
    /// Lines starting with `#` are headers; every other non-empty line needs four fields.
    public static func parse(_ text: String) throws(KernelParseError) -> [CgroupSummary] {
        var summaries: [CgroupSummary] = []
        for line in lines(text) where !line.hasPrefix("#") {
            let parts = fields(line)
            guard !parts.isEmpty else { continue }
            guard parts.count == 4 else {
                throw KernelParseError("cgroup line \"\(line)\" has \(parts.count) fields, expected 4")
            }
            summaries.append(CgroupSummary(
                subsystem: String(parts[0]), hierarchy: try number(parts[1], "hierarchy"),
                cgroups: try number(parts[2], "num_cgroups"), enabled: try number(parts[3], "enabled")))
        }
        return summaries
    }

    private static func number(_ text: Substring, _ field: String) throws(KernelParseError) -> UInt32 {
        guard let value = UInt32(text) else { throw KernelParseError("invalid \(field) \"\(text)\": not an unsigned 32-bit integer") }
        return value
    }
}
