/// /proc/<pid>/mountstats: one `device ... mounted on ... with fstype ...` entry per mount,
/// followed for NFS mounts (`statvers=` given) by the client's statistics, read as
/// prometheus/procfs does.
public struct MountStatsEntry: Sendable, Equatable {
    public var device: String
    public var mountPoint: String
    public var fsType: String
    /// Present for NFS (v3 and v4) mounts that report statistics.
    public var nfs: NFSMountStats?
}

/// The statistics block of one NFS mount.
public struct NFSMountStats: Sendable, Equatable {
    /// One `xprt:` line: the RPC transport. UDP lines lack the connection fields, which
    /// stay zero, as do the fields statistics version 1.0 does not have.
    public struct Transport: Sendable, Equatable {
        public var protocolName: String
        public var port: UInt64 = 0
        public var bind: UInt64 = 0
        public var connect: UInt64 = 0
        public var connectIdleTime: UInt64 = 0
        public var idleTimeSeconds: UInt64 = 0
        public var sends: UInt64 = 0
        public var receives: UInt64 = 0
        public var badTransactionIDs: UInt64 = 0
        public var cumulativeActiveRequests: UInt64 = 0
        public var cumulativeBacklog: UInt64 = 0
        public var maximumRPCSlotsUsed: UInt64 = 0
        public var cumulativeSendingQueue: UInt64 = 0
        public var cumulativePendingQueue: UInt64 = 0
    }

    /// One line of the per-operation statistics.
    public struct Operation: Sendable, Equatable {
        public var name: String
        public var requests: UInt64
        public var transmissions: UInt64
        public var majorTimeouts: UInt64
        public var bytesSent: UInt64
        public var bytesReceived: UInt64
        public var queueMilliseconds: UInt64
        public var responseMilliseconds: UInt64
        public var requestMilliseconds: UInt64
        /// Only in newer kernels (a ninth number).
        public var errors: UInt64
    }

    public static let bytesCount = 8
    public static let eventsCount = 27

    public var statVersion: String
    public var ageSeconds: Double = 0
    /// `bytes:` in kernel order: read, write, direct read, direct write, read total,
    /// write total, read pages, write pages.
    public var bytes: [UInt64] = Array(repeating: 0, count: bytesCount)
    /// `events:` in kernel order (inode revalidate ... pNFS write).
    public var events: [UInt64] = Array(repeating: 0, count: eventsCount)
    public var transports: [Transport] = []
    public var operations: [Operation] = []
}

public enum MountStats {
    public static func parse(_ text: String) throws(KernelParseError) -> [MountStatsEntry] {
        var reader = LineReader(lines: lines(text))
        var mounts: [MountStatsEntry] = []
        while let line = reader.next() {
            let parts = fields(line)
            guard parts.first == "device" else { continue }
            var mount = try parseDevice(parts)
            if parts.count > 8 {
                guard mount.fsType == "nfs" || mount.fsType == "nfs4" else {
                    throw KernelParseError("cannot parse statistics of \(mount.fsType) mount \(mount.mountPoint)")
                }
                let version = parts[8].hasPrefix("statvers=") ? String(parts[8].dropFirst("statvers=".count)) : String(parts[8])
                mount.nfs = try parseNFS(&reader, statVersion: version)
            }
            mounts.append(mount)
        }
        return mounts
    }

    private struct LineReader {
        let lines: [Substring]
        var index = 0
        mutating func next() -> Substring? {
            guard index < lines.count else { return nil }
            defer { index += 1 }
            return lines[index]
        }
    }

    /// `device <device> mounted on <mount point> with fstype <type> [statvers=<v>]`.
    private static func parseDevice(_ parts: [Substring]) throws(KernelParseError) -> MountStatsEntry {
        guard parts.count >= 8, parts[0] == "device", parts[2] == "mounted", parts[3] == "on", parts[5] == "with", parts[6] == "fstype" else {
            throw KernelParseError("invalid device line \"\(parts.joined(separator: " "))\"")
        }
        return MountStatsEntry(device: String(parts[1]), mountPoint: String(parts[4]), fsType: String(parts[7]))
    }

    /// The NFS statistics block: keyed lines up to `per-op`, then one line per operation
    /// up to a blank line.
    private static func parseNFS(_ reader: inout LineReader, statVersion: String) throws(KernelParseError) -> NFSMountStats {
        var stats = NFSMountStats(statVersion: statVersion)
        while let line = reader.next() {
            let parts = fields(line)
            guard let key = parts.first else { break }
            if key == "per-op" { break }
            switch key {
            case "age:":
                guard parts.count >= 2, let age = Double(parts[1]), age.isFinite else {
                    throw KernelParseError("invalid NFS age line \"\(trimmed(line))\"")
                }
                stats.ageSeconds = age
            case "bytes:":
                stats.bytes = try numbers(parts.dropFirst(), count: NFSMountStats.bytesCount, what: "bytes")
            case "events:":
                stats.events = try numbers(parts.dropFirst(), count: NFSMountStats.eventsCount, what: "events")
            case "xprt:":
                guard parts.count >= 3 else { throw KernelParseError("not enough information for NFS transport stats: \"\(trimmed(line))\"") }
                stats.transports.append(try parseTransport(Array(parts.dropFirst()), statVersion: statVersion))
            default:
                continue
            }
        }
        while let line = reader.next() {
            let parts = fields(line)
            if parts.isEmpty { break }
            stats.operations.append(try parseOperation(parts))
        }
        return stats
    }

    private static func numbers(_ parts: ArraySlice<Substring>, count: Int, what: String) throws(KernelParseError) -> [UInt64] {
        guard parts.count == count else { throw KernelParseError("invalid NFS \(what) stats: \(parts.count) values, want \(count)") }
        var values: [UInt64] = []
        for part in parts { values.append(try parseUInt(part, field: "NFS \(what) value")) }
        return values
    }

    private static func parseOperation(_ parts: [Substring]) throws(KernelParseError) -> NFSMountStats.Operation {
        guard parts.count >= 9 else { throw KernelParseError("invalid NFS per-operation stats \"\(parts.joined(separator: " "))\"") }
        var values: [UInt64] = []
        for part in parts.dropFirst() { values.append(try parseUInt(part, field: "NFS per-operation value")) }
        let name = parts[0].hasSuffix(":") ? parts[0].dropLast() : parts[0]
        return NFSMountStats.Operation(
            name: String(name), requests: values[0], transmissions: values[1], majorTimeouts: values[2], bytesSent: values[3],
            bytesReceived: values[4], queueMilliseconds: values[5], responseMilliseconds: values[6], requestMilliseconds: values[7],
            errors: values.count > 8 ? values[8] : 0)
    }

    /// `xprt: <protocol> <numbers>`; how many numbers depends on protocol and statistics version.
    private static func parseTransport(_ parts: [Substring], statVersion: String) throws(KernelParseError) -> NFSMountStats.Transport {
        let protocolName = String(parts[0])
        let expected: [String: [String: Int]] = ["1.0": ["tcp": 10, "udp": 7], "1.1": ["tcp": 13, "udp": 10]]
        guard let lengths = expected[statVersion] else { throw KernelParseError("unrecognized NFS transport stats version \"\(statVersion)\"") }
        guard let length = lengths[protocolName] else {
            throw KernelParseError("invalid NFS protocol \"\(protocolName)\" in stats \(statVersion) statement")
        }
        guard parts.count - 1 == length else {
            throw KernelParseError("invalid NFS transport stats \(statVersion) statement: \(parts.count - 1) values, want \(length)")
        }
        var values: [UInt64] = []
        for part in parts.dropFirst() { values.append(try parseUInt(part, field: "NFS transport value")) }
        // UDP has no connection count, connect idle time or idle time (fields 3 to 5).
        if protocolName == "udp" { values.insert(contentsOf: [0, 0, 0], at: 2) }
        values += Array(repeating: 0, count: max(0, 13 - values.count))
        return NFSMountStats.Transport(
            protocolName: protocolName, port: values[0], bind: values[1], connect: values[2], connectIdleTime: values[3],
            idleTimeSeconds: values[4], sends: values[5], receives: values[6], badTransactionIDs: values[7],
            cumulativeActiveRequests: values[8], cumulativeBacklog: values[9], maximumRPCSlotsUsed: values[10],
            cumulativeSendingQueue: values[11], cumulativePendingQueue: values[12])
    }
}
