/// SELinux kernel files: `fs/selinux/avc/cache_stats`, `avc/hash_stats` and the
/// `SELINUX=` mode of `/etc/selinux/config`.
public enum SELinuxFiles {
    public static let cacheColumns = ["lookups", "hits", "misses", "allocations", "reclaims", "frees"]

    /// cache_stats: a header, then one line of six counters per CPU, summed by column.
    public static func parseCacheStats(_ text: String) throws(KernelParseError) -> [String: UInt64] {
        var totals = Dictionary(uniqueKeysWithValues: cacheColumns.map { ($0, UInt64(0)) })
        for line in lines(text).dropFirst() where !trimmed(line).isEmpty {
            let parts = fields(line)
            guard parts.count == cacheColumns.count else { throw KernelParseError("invalid AVC stat line: \(line)") }
            for (column, text) in zip(cacheColumns, parts) {
                let value = try parseGoInt64(text, field: column)
                guard value >= 0, value <= Int64(UInt32.max) else { throw KernelParseError("invalid \(column) \"\(text)\": out of range") }
                totals[column, default: 0] &+= UInt64(value)
            }
        }
        return totals
    }

    /// hash_stats: `entries: N`, `buckets used: U/A`, `longest chain: N`.
    public static func parseHashStats(_ text: String) throws(KernelParseError) -> [String: UInt64] {
        var values: [String: UInt64] = [:]
        for line in lines(text) where !line.isEmpty {
            let parts = line.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw KernelParseError("invalid AVC hash stat line: \(line)") }
            switch parts[0] {
            case "entries": values["entries"] = try number(parts[1], "entries")
            case "longest chain": values["longest_chain"] = try number(parts[1], "longest chain")
            case "buckets used":
                let buckets = parts[1].split(separator: "/", omittingEmptySubsequences: false)
                guard buckets.count == 2 else { throw KernelParseError("invalid buckets \"\(parts[1])\"") }
                values["buckets_used"] = try number(buckets[0], "buckets used")
                values["buckets_available"] = try number(buckets[1], "buckets available")
            default: continue
            }
        }
        return values
    }

    /// The configured mode: enforcing 1, permissive 0, anything else (disabled) -1.
    public static func parseConfigMode(_ text: String) -> Int {
        for line in lines(text) {
            let entry = trimmed(line)
            guard entry.hasPrefix("SELINUX=") else { continue }
            switch entry.dropFirst("SELINUX=".count).lowercased() {
            case "enforcing": return 1
            case "permissive": return 0
            default: return -1
            }
        }
        return -1
    }

    private static func number(_ text: Substring, _ field: String) throws(KernelParseError) -> UInt64 {
        let value = try parseGoInt64(trimmed(text), field: field)
        guard value >= 0, value <= Int64(UInt32.max) else { throw KernelParseError("invalid \(field) \"\(text)\": out of range") }
        return UInt64(value)
    }
}
