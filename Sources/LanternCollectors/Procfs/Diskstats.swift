/// One line of /proc/diskstats (Documentation/admin-guide/iostats.rst): 14 fields before
/// Linux 4.18, 18 with the discard counters, 20 with the flush counters since 5.5.
public struct Diskstats: Sendable, Equatable {
    public var major: UInt32
    public var minor: UInt32
    public var device: String
    /// The counters after the device name, in file order (11, 15 or 17 of them).
    public var counters: [UInt64]

    /// Counter positions, as iostats.rst numbers them from 1.
    public enum Field: Int, Sendable {
        case readsCompleted, readsMerged, sectorsRead, readTicks, writesCompleted, writesMerged, sectorsWritten,
             writeTicks, inProgress, ioTicks, weightedIOTicks, discardsCompleted, discardsMerged, sectorsDiscarded,
             discardTicks, flushesCompleted, flushTicks
    }

    public subscript(field: Field) -> UInt64? {
        field.rawValue < counters.count ? counters[field.rawValue] : nil
    }

    public static func parse(_ text: String) throws(KernelParseError) -> [Diskstats] {
        var result: [Diskstats] = []
        for (index, line) in lines(text).enumerated() {
            let parts = fields(line)
            if parts.isEmpty { continue }
            // procfs scans up to 20 fields and keeps what it got: shorter lines expose fewer counters.
            guard parts.count >= 3 else { throw KernelParseError("line \(index + 1): too few fields in \"\(line)\"") }
            guard let major = UInt32(parts[0]), let minor = UInt32(parts[1]) else {
                throw KernelParseError("line \(index + 1): invalid device number \"\(parts[0]) \(parts[1])\"")
            }
            var counters: [UInt64] = []
            for (position, part) in parts.dropFirst(3).prefix(17).enumerated() {
                guard let value = UInt64(part) else {
                    throw KernelParseError("line \(index + 1): invalid counter \(position + 1) \"\(part)\" of \(parts[2])")
                }
                counters.append(value)
            }
            result.append(Diskstats(major: major, minor: minor, device: String(parts[2]), counters: counters))
        }
        return result
    }
}
