/// /proc/net/xfrm_stat: `XfrmInError 1` lines, by counter name.
public enum XfrmStat {
    public static func parse(_ text: String) throws(KernelParseError) -> [String: UInt64] {
        var counters: [String: UInt64] = [:]
        for line in lines(text) {
            let parts = fields(line)
            if parts.isEmpty { continue }
            guard parts.count == 2 else { throw KernelParseError("couldn't parse xfrm_stat line \"\(trimmed(line))\"") }
            counters[String(parts[0])] = try parseUInt(parts[1], field: String(parts[0]))
        }
        return counters
    }
}
