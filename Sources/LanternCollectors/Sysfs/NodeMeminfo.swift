/// A NUMA node's memory counters: /sys/devices/system/node/nodeN/meminfo and numastat.
public enum NodeMeminfo {
    public struct Entry: Sendable, Hashable {
        /// node_exporter's name: `Active(anon)` becomes `Active_anon`.
        public var name: String
        public var node: String
        /// In bytes for `kB` lines.
        public var value: Double
    }

    /// `Node 0 MemTotal:       134182340 kB` lines.
    public static func parseMeminfo(_ text: String) throws(KernelParseError) -> [Entry] {
        var entries: [Entry] = []
        for line in lines(text) {
            let parts = fields(line)
            if parts.isEmpty { continue }
            guard parts.count == 4 || (parts.count == 5 && parts[4] == "kB") else {
                throw KernelParseError("invalid line in meminfo: \(trimmed(line))")
            }
            var value = try parseDouble(parts[3], field: "value of \(parts[2])")
            if parts.count == 5 { value *= 1024 }
            entries.append(Entry(name: metricName(parts[2]), node: String(parts[1]), value: value))
        }
        return entries
    }

    /// `numa_hit 193460335812` lines, for `node`.
    public static func parseNumastat(_ text: String, node: String) throws(KernelParseError) -> [Entry] {
        var entries: [Entry] = []
        for line in lines(text) {
            let parts = fields(line)
            if parts.isEmpty { continue }
            guard parts.count == 2 else { throw KernelParseError("line scan did not return 2 fields: \(trimmed(line))") }
            entries.append(Entry(name: String(parts[0]), node: node, value: try parseDouble(parts[1], field: String(parts[0]))))
        }
        return entries
    }

    /// `Active(anon):` -> `Active_anon`, as node_exporter rewrites `(x)` to `_x`.
    private static func metricName(_ key: Substring) -> String {
        var name = String(key.reversed().drop { $0 == ":" }.reversed())
        if let open = name.firstIndex(of: "("), let close = name.lastIndex(of: ")"), open < close {
            name = String(name[..<open]) + "_" + String(name[name.index(after: open)..<close]) + String(name[name.index(after: close)...])
        }
        return name
    }
}
