/// /proc/net/rpc/nfsd: the NFS server's RPC counters, read as prometheus/procfs does.
public struct NFSServerStats: Sendable, Equatable {
    /// `rc`: reply cache hits, misses, non-cacheable operations.
    public var replyCacheHits: UInt64 = 0
    public var replyCacheMisses: UInt64 = 0
    public var replyCacheNoCache: UInt64 = 0
    /// `fh`: stale file handles (the other four numbers are unused by the kernel).
    public var staleFileHandles: UInt64 = 0
    /// `io`: bytes read from and written to disk.
    public var bytesRead: UInt64 = 0
    public var bytesWritten: UInt64 = 0
    /// `th`: running threads (the histogram after the second number is not read).
    public var threads: UInt64 = 0
    /// `ra`: read-ahead cache size and "not found" count.
    public var readAheadCacheSize: UInt64 = 0
    public var readAheadCacheNotFound: UInt64 = 0
    /// `net`: UDP and TCP packets, TCP connections.
    public var udpPackets: UInt64 = 0
    public var tcpPackets: UInt64 = 0
    public var tcpConnections: UInt64 = 0
    /// `rpc`: calls and the bad ones by cause.
    public var rpcCalls: UInt64 = 0
    public var badFormat: UInt64 = 0
    public var badAuth: UInt64 = 0
    public var badClient: UInt64 = 0
    /// Calls per procedure (NFSv2, v3) or per operation (NFSv4), in the order of the names below.
    public var version2: [UInt64] = Array(repeating: 0, count: NFSServerStats.version2Procedures.count)
    public var version3: [UInt64] = Array(repeating: 0, count: NFSServerStats.version3Procedures.count)
    public var version4: [UInt64] = Array(repeating: 0, count: NFSServerStats.version4Operations.count)

    /// Labels as node_exporter names them; the kernel's `null` procedure is not exposed.
    public static let version2Procedures = [
        "GetAttr", "SetAttr", "Root", "Lookup", "ReadLink", "Read", "WrCache", "Write", "Create", "Remove", "Rename",
        "Link", "SymLink", "MkDir", "RmDir", "ReadDir", "FsStat",
    ]
    public static let version3Procedures = [
        "GetAttr", "SetAttr", "Lookup", "Access", "ReadLink", "Read", "Write", "Create", "MkDir", "SymLink", "MkNod",
        "Remove", "RmDir", "Rename", "Link", "ReadDir", "ReadDirPlus", "FsStat", "FsInfo", "PathConf", "Commit",
    ]
    /// `proc4ops` operations 3 to 40 in kernel order, then the `wdeleg_getattr` count.
    public static let version4Operations = [
        "Access", "Close", "Commit", "Create", "DelegPurge", "DelegReturn", "GetAttr", "GetFH", "Link", "Lock", "Lockt",
        "Locku", "Lookup", "LookupRoot", "Nverify", "Open", "OpenAttr", "OpenConfirm", "OpenDgrd", "PutFH", "PutPubFH",
        "PutRootFH", "Read", "ReadDir", "ReadLink", "Remove", "Rename", "Renew", "RestoreFH", "SaveFH", "SecInfo",
        "SetAttr", "SetClientID", "SetClientIDConfirm", "Verify", "Write", "RelLockOwner", "WdelegGetattr",
    ]
    /// Operations procfs reads but node_exporter does not expose.
    public static let unexposedVersion4Operations: Set<String> = ["PutPubFH", "PutRootFH"]

    public init() {}

    public static func parse(_ text: String) throws(KernelParseError) -> NFSServerStats {
        var stats = NFSServerStats()
        for line in lines(text) {
            let parts = fields(line)
            if parts.isEmpty { continue }
            guard parts.count >= 2 else { throw KernelParseError("invalid NFSd metric line \"\(line)\"") }
            let label = String(parts[0])
            // Only the thread count and a zero of `th` are integers; the histogram is not read.
            let numbers = label == "th" ? parts.dropFirst().prefix(2) : parts.dropFirst()
            var values: [UInt64] = []
            for part in numbers { values.append(try parseUInt(part, field: "\(label) value")) }
            switch label {
            case "rc":
                try expect(values, count: 3, label)
                (stats.replyCacheHits, stats.replyCacheMisses, stats.replyCacheNoCache) = (values[0], values[1], values[2])
            case "fh":
                try expect(values, count: 5, label)
                stats.staleFileHandles = values[0]
            case "io":
                try expect(values, count: 2, label)
                (stats.bytesRead, stats.bytesWritten) = (values[0], values[1])
            case "th":
                try expect(values, count: 2, label)
                stats.threads = values[0]
            case "ra":
                try expect(values, count: 12, label)
                (stats.readAheadCacheSize, stats.readAheadCacheNotFound) = (values[0], values[11])
            case "net":
                try expect(values, count: 4, label)
                (stats.udpPackets, stats.tcpPackets, stats.tcpConnections) = (values[1], values[2], values[3])
            case "rpc":
                try expect(values, count: 5, label)
                (stats.rpcCalls, stats.badFormat, stats.badAuth, stats.badClient) = (values[0], values[2], values[3], values[4])
            // After the count comes the `null` procedure, which is not exposed.
            case "proc2":
                stats.version2 = Array(try counted(values, minimum: 18, label).dropFirst(2).prefix(version2Procedures.count))
            case "proc3":
                stats.version3 = Array(try counted(values, minimum: 22, label).dropFirst(2).prefix(version3Procedures.count))
            case "proc4":
                guard try counted(values, minimum: 2, label).count == 3 else { throw KernelParseError("invalid proc4 line: want 2 values") }
            case "proc4ops":
                // After the count come operations 0 to 2, which are unused; kernels before 2.6
                // lack operation 40.
                let operations = try counted(values, minimum: 39, label).dropFirst(4)
                var counts = Array(operations.prefix(version4Operations.count - 1))
                counts += Array(repeating: 0, count: version4Operations.count - 1 - counts.count)
                stats.version4 = counts + [stats.version4.last ?? 0]
            case "wdeleg_getattr":
                stats.version4[version4Operations.count - 1] = values[0]
            default:
                throw KernelParseError("invalid NFSd metric line \"\(label)\"")
            }
        }
        return stats
    }

    private static func expect(_ values: [UInt64], count: Int, _ label: String) throws(KernelParseError) {
        guard values.count == count else { throw KernelParseError("invalid \(label) line: \(values.count) values, want \(count)") }
    }

    /// A `<count> <value>...` line: the count must match the values that follow and be at least `minimum`.
    private static func counted(_ values: [UInt64], minimum: Int, _ label: String) throws(KernelParseError) -> [UInt64] {
        guard let declared = values.first, declared == UInt64(values.count - 1), values.count - 1 >= minimum else {
            throw KernelParseError("invalid \(label) line: \(values.first.map(String.init) ?? "no") values declared, \(values.count - 1) given")
        }
        return values
    }
}
