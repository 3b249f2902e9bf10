/// One zone of /proc/zoneinfo: the counters procfs knows, nil when the block lacks them
/// (per-node statistics appear only in a node's first zone).
public struct Zone: Sendable, Hashable {
    public var node: String
    public var zone: String
    /// By kernel field name (`nr_free_pages`, `min`, `numa_hit`, ...).
    public var counters: [String: Int64] = [:]
    public var protection: [Int64] = []
}

/// /proc/zoneinfo: blocks starting with `Node N, zone NAME`.
public enum Zoneinfo {
    /// The fields procfs reads; node_exporter exposes exactly these.
    public static let knownFields: Set<String> = [
        "nr_free_pages", "min", "low", "high", "spanned", "present", "managed",
        "nr_active_anon", "nr_inactive_anon", "nr_isolated_anon", "nr_anon_pages", "nr_anon_transparent_hugepages",
        "nr_active_file", "nr_inactive_file", "nr_isolated_file", "nr_file_pages",
        "nr_slab_reclaimable", "nr_slab_unreclaimable", "nr_kernel_stack", "nr_mapped", "nr_dirty",
        "nr_writeback", "nr_unevictable", "nr_shmem", "nr_dirtied", "nr_written",
        "numa_hit", "numa_miss", "numa_foreign", "numa_interleave", "numa_local", "numa_other",
    ]

    public static func parse(_ text: String) throws(KernelParseError) -> [Zone] {
        var zones: [Zone] = []
        for line in lines(text) {
            let parts = fields(line)
            if parts.first == "Node" {
                // `Node 0, zone      DMA`
                guard parts.count >= 4, parts[1].hasSuffix(","), parts[2] == "zone", Int(parts[1].dropLast()) != nil else {
                    throw KernelParseError("invalid zone header \"\(trimmed(line))\"")
                }
                zones.append(Zone(node: String(parts[1].dropLast()), zone: String(parts[3])))
                continue
            }
            guard parts.count >= 2, !zones.isEmpty else { continue }
            let key = String(parts[0])
            if key == "protection:" {
                // `protection: (0, 2039, 31932)`
                let list = line.drop { $0 != "(" }.dropFirst().prefix { $0 != ")" }
                var values: [Int64] = []
                for item in list.split(separator: ",") {
                    guard let value = Int64(trimmed(item)) else { throw KernelParseError("invalid protection value \"\(trimmed(item))\"") }
                    values.append(value)
                }
                zones[zones.count - 1].protection = values
            } else if knownFields.contains(key) {
                guard let value = Int64(parts[1]) else { throw KernelParseError("invalid \(key) \"\(parts[1])\": not an integer") }
                zones[zones.count - 1].counters[key] = value
            }
        }
        return zones
    }
}
