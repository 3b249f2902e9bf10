/// /proc/net/rpc/nfs: the NFS client's RPC counters, read as prometheus/procfs does.
public struct NFSClientStats: Sendable, Equatable {
    /// `net`: packets in total, over UDP, over TCP, and TCP connections made.
    public var packets: UInt64 = 0
    public var udpPackets: UInt64 = 0
    public var tcpPackets: UInt64 = 0
    public var tcpConnections: UInt64 = 0
    /// `rpc`: calls, retransmissions, authentication refreshes.
    public var rpcCalls: UInt64 = 0
    public var retransmissions: UInt64 = 0
    public var authRefreshes: UInt64 = 0
    /// Calls per procedure for NFS versions 2, 3 and 4, in the order of the names below;
    /// zero for procedures the kernel does not report.
    public var version2: [UInt64] = Array(repeating: 0, count: NFSClientStats.version2Procedures.count)
    public var version3: [UInt64] = Array(repeating: 0, count: NFSClientStats.version3Procedures.count)
    public var version4: [UInt64] = Array(repeating: 0, count: NFSClientStats.version4Procedures.count)

    /// Procedure names as node_exporter labels them (procfs's struct field names), in file order.
    public static let version2Procedures = [
        "Null", "GetAttr", "SetAttr", "Root", "Lookup", "ReadLink", "Read", "WrCache", "Write", "Create", "Remove",
        "Rename", "Link", "SymLink", "MkDir", "RmDir", "ReadDir", "FsStat",
    ]
    public static let version3Procedures = [
        "Null", "GetAttr", "SetAttr", "Lookup", "Access", "ReadLink", "Read", "Write", "Create", "MkDir", "SymLink",
        "MkNod", "Remove", "RmDir", "Rename", "Link", "ReadDir", "ReadDirPlus", "FsStat", "FsInfo", "PathConf", "Commit",
    ]
    public static let version4Procedures = [
        "Null", "Read", "Write", "Commit", "Open", "OpenConfirm", "OpenNoattr", "OpenDowngrade", "Close", "Setattr",
        "FsInfo", "Renew", "SetClientID", "SetClientIDConfirm", "Lock", "Lockt", "Locku", "Access", "Getattr", "Lookup",
        "LookupRoot", "Remove", "Rename", "Link", "Symlink", "Create", "Pathconf", "StatFs", "ReadLink", "ReadDir",
        "ServerCaps", "DelegReturn", "GetACL", "SetACL", "FsLocations", "ReleaseLockowner", "Secinfo", "FsidPresent",
        "ExchangeID", "CreateSession", "DestroySession", "Sequence", "GetLeaseTime", "ReclaimComplete", "GetDeviceInfo",
        "LayoutGet", "LayoutCommit", "LayoutReturn", "SecinfoNoName", "TestStateID", "FreeStateID", "GetDeviceList",
        "BindConnToSession", "DestroyClientID", "Seek", "Allocate", "DeAllocate", "LayoutStats", "Clone",
    ]

    public init() {}

    public static func parse(_ text: String) throws(KernelParseError) -> NFSClientStats {
        var stats = NFSClientStats()
        for line in lines(text) {
            let parts = fields(line)
            if parts.isEmpty { continue }
            guard parts.count >= 2 else { throw KernelParseError("invalid NFS metric line \"\(line)\"") }
            let label = String(parts[0])
            var values: [UInt64] = []
            for part in parts.dropFirst() { values.append(try parseUInt(part, field: "\(label) value")) }
            switch label {
            case "net":
                guard values.count == 4 else { throw KernelParseError("invalid net line: \(values.count) values, want 4") }
                (stats.packets, stats.udpPackets, stats.tcpPackets, stats.tcpConnections) = (values[0], values[1], values[2], values[3])
            case "rpc":
                guard values.count == 3 else { throw KernelParseError("invalid rpc line: \(values.count) values, want 3") }
                (stats.rpcCalls, stats.retransmissions, stats.authRefreshes) = (values[0], values[1], values[2])
            case "proc2": stats.version2 = try procedureCounts(values, label: label, minimum: version2Procedures.count, names: version2Procedures)
            case "proc3": stats.version3 = try procedureCounts(values, label: label, minimum: version3Procedures.count, names: version3Procedures)
            // Older kernels report fewer NFSv4 procedures: the rest count as zero.
            case "proc4": stats.version4 = try procedureCounts(values, label: label, minimum: 0, names: version4Procedures)
            default: throw KernelParseError("unknown NFS metric line \"\(label)\"")
            }
        }
        return stats
    }

    /// A `procN <count> <value>...` line: the count must match the values that follow.
    private static func procedureCounts(_ values: [UInt64], label: String, minimum: Int, names: [String]) throws(KernelParseError) -> [UInt64] {
        let counts = values.dropFirst()
        guard let declared = values.first, declared == UInt64(counts.count), counts.count >= minimum else {
            throw KernelParseError("invalid \(label) line: \(values.first.map(String.init) ?? "no") values declared, \(counts.count) given")
        }
        var result = Array(counts.prefix(names.count))
        result += Array(repeating: 0, count: names.count - result.count)
        return result
    }
}
