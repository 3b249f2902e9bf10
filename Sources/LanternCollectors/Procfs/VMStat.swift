/// /proc/vmstat: `name value` lines, in file order.
public enum VMStat {
    public static func parse(_ text: String) throws(KernelParseError) -> [(name: Substring, value: Double)] {
        var entries: [(name: Substring, value: Double)] = []
        for line in lines(text) {
            let parts = fields(line)
            if parts.isEmpty { continue }
            guard parts.count >= 2 else { throw KernelParseError("vmstat line \"\(line)\" has no value") }
            entries.append((parts[0], try parseDouble(parts[1], field: String(parts[0]))))
        }
        return entries
    }
}
