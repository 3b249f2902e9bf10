/// An XFS statistics file (/proc/fs/xfs/stat, or /sys/fs/xfs/<device>/stats/stats):
/// one line per section, a label and its counters, read as prometheus/procfs does.
public struct XFSStats: Sendable, Equatable {
    /// The counters of each section, by label (`extent_alloc`, `rw`, ...), in file order.
    public var sections: [String: [UInt64]] = [:]

    /// How many counters the sections procfs understands must have. `vnodes` lacks the
    /// free count on older kernels.
    static let counts: [String: Set<Int>] = [
        "extent_alloc": [4], "abt": [4], "blk_map": [7], "bmbt": [4], "dir": [4], "trans": [3], "ig": [7], "log": [5],
        "rw": [2], "attr": [4], "icluster": [3], "vnodes": [7, 8], "buf": [9], "xpc": [3],
    ]

    public init() {}

    public static func parse(_ text: String) throws(KernelParseError) -> XFSStats {
        var stats = XFSStats()
        for line in lines(text) {
            let parts = fields(line)
            guard parts.count >= 2 else { continue }
            let label = String(parts[0])
            var values: [UInt64] = []
            for part in parts.dropFirst() {
                let value = try parseUInt(part, field: "XFS \(label) value")
                // Only the extended precision counters are 64-bit.
                guard label == "xpc" || value <= UInt64(UInt32.max) else {
                    throw KernelParseError("invalid XFS \(label) value \"\(part)\": out of 32-bit range")
                }
                values.append(value)
            }
            if let allowed = counts[label], !allowed.contains(values.count) {
                throw KernelParseError("incorrect number of values for XFS \(label) stats: \(values.count)")
            }
            stats.sections[label] = values
        }
        return stats
    }

    /// A counter, or 0 when its section is absent (as procfs's zero-valued structs).
    public func value(_ section: String, _ index: Int) -> UInt64 {
        guard let values = sections[section], index < values.count else { return 0 }
        return values[index]
    }
}
