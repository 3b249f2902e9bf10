/// One protocol line of /proc/net/sockstat or sockstat6 (`TCP: inuse 4 orphan 0 ...`).
/// Counts the line lacks are nil; `inuse` is always exposed (0 when absent), as in procfs.
public struct SockstatProtocol: Sendable, Hashable {
    public var name: String
    public var inUse = 0
    public var orphan: Int?
    public var timeWait: Int?
    public var alloc: Int?
    /// In pages.
    public var mem: Int?
    public var memory: Int?

    public init(name: String) { self.name = name }
}

/// /proc/net/sockstat or /proc/net/sockstat6.
public struct Sockstat: Sendable, Hashable {
    /// `sockets: used N`; only sockstat (IPv4) has it.
    public var used: Int?
    public var protocols: [SockstatProtocol] = []

    public init() {}

    public static func parse(_ text: String) throws(KernelParseError) -> Sockstat {
        var stat = Sockstat()
        for line in lines(text) {
            let parts = fields(line)
            guard let label = parts.first else { continue }
            guard label.hasSuffix(":"), parts.count % 2 == 1 else {
                throw KernelParseError("malformed sockstat line \"\(line)\": expected \"<protocol>: key value ...\"")
            }
            let name = String(label.dropLast())
            var pairs: [(key: Substring, value: Int)] = []
            var index = 1
            while index + 1 < parts.count {
                guard let value = Int(parts[index + 1]) else {
                    throw KernelParseError("invalid \(name) \(parts[index]) \"\(parts[index + 1])\": not an integer")
                }
                pairs.append((parts[index], value))
                index += 2
            }
            if name == "sockets" {
                stat.used = pairs.first { $0.key == "used" }?.value
                continue
            }
            var proto = SockstatProtocol(name: name)
            for pair in pairs {
                switch pair.key {
                case "inuse": proto.inUse = pair.value
                case "orphan": proto.orphan = pair.value
                case "tw": proto.timeWait = pair.value
                case "alloc": proto.alloc = pair.value
                case "mem": proto.mem = pair.value
                case "memory": proto.memory = pair.value
                default: continue
                }
            }
            stat.protocols.append(proto)
        }
        return stat
    }
}
