/// One line of /proc/meminfo, such as `Active(anon):  2020004 kB`.
public struct MeminfoEntry: Sendable, Hashable {
    /// The key without its colon: `Active(anon)`.
    public var key: String
    public var value: UInt64
    /// True when the line has a unit (always `kB`).
    public var inKibibytes: Bool

    public init(key: String, value: UInt64, inKibibytes: Bool) {
        self.key = key
        self.value = value
        self.inKibibytes = inKibibytes
    }
}

public enum Meminfo {
    /// The entries of /proc/meminfo in file order. Any line whose value is not an
    /// unsigned integer fails the whole file, as in procfs.
    public static func parse(_ text: String) throws(KernelParseError) -> [MeminfoEntry] {
        var entries: [MeminfoEntry] = []
        for line in lines(text) {
            let parts = fields(line)
            // Some CentOS 6 kernels print empty lines.
            if parts.isEmpty { continue }
            guard parts.count == 2 || parts.count == 3, parts[0].hasSuffix(":") else {
                throw KernelParseError("malformed line \"\(line)\"")
            }
            entries.append(MeminfoEntry(
                key: String(parts[0].dropLast()),
                value: try parseUInt(parts[1], field: String(parts[0].dropLast())),
                inKibibytes: parts.count == 3))
        }
        return entries
    }
}
