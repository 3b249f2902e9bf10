/// The scheduler counters of one CPU in /proc/schedstat.
public struct SchedstatCPU: Sendable, Hashable {
    public var cpu: String
    public var runningNanoseconds: UInt64
    public var waitingNanoseconds: UInt64
    public var timeslices: UInt64
}

/// /proc/schedstat: of each `cpuN` line with at least nine counters, the 7th to 9th
/// (time running, time waiting, timeslices). Other lines (version, timestamp, domains)
/// and cpu lines of another shape are skipped, as procfs' pattern does.
public enum Schedstat {
    public static func parse(_ text: String) throws(KernelParseError) -> [SchedstatCPU] {
        var cpus: [SchedstatCPU] = []
        for line in lines(text) {
            let parts = fields(line)
            guard parts.count >= 10, parts[0].hasPrefix("cpu"), isDigits(parts[0].dropFirst(3)),
                  parts[1...9].allSatisfy(isDigits) else { continue }
            cpus.append(SchedstatCPU(
                cpu: String(parts[0].dropFirst(3)),
                runningNanoseconds: try parseUInt(parts[7], field: "running time"),
                waitingNanoseconds: try parseUInt(parts[8], field: "waiting time"),
                timeslices: try parseUInt(parts[9], field: "timeslices")))
        }
        return cpus
    }

    private static func isDigits(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
