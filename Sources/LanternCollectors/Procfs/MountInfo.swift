/// One line of /proc/<pid>/mountinfo (proc(5)), as prometheus/procfs reads it:
/// `id parent major:minor root mountpoint options [optional...] - fstype source superoptions`.
public struct MountInfo: Sendable, Equatable {
    public var mountID: Int
    public var parentID: Int
    public var major: Int
    public var minor: Int
    public var root: String
    /// As the kernel writes it (spaces and tabs octal-escaped).
    public var mountPoint: String
    /// Per-mount options (`rw,nosuid,relatime`).
    public var options: [String]
    public var fsType: String
    public var source: String
    /// Per-superblock options.
    public var superOptions: [String]

    /// Mounted read-only, per mount or per superblock (an `ro` option in either list).
    public var isReadOnly: Bool {
        options.contains("ro") || superOptions.contains("ro")
    }

    /// Parses the whole file; any malformed line fails it, as procfs does.
    public static func parse(_ text: String) throws(KernelParseError) -> [MountInfo] {
        var mounts: [MountInfo] = []
        for (index, line) in lines(text).enumerated() where !line.isEmpty {
            do {
                mounts.append(try parseLine(line))
            } catch {
                throw KernelParseError("line \(index + 1): \(error.reason)")
            }
        }
        return mounts
    }

    static func parseLine(_ line: Substring) throws(KernelParseError) -> MountInfo {
        // Fields are separated by single spaces (names are escaped), so split exactly on them.
        let parts = split(line, at: UInt8(ascii: " "))
        // Ten fields at least: six before the optional ones, the separator, three after.
        guard parts.count >= 10 else { throw KernelParseError("too few fields in mount line \"\(line)\"") }
        guard parts[parts.count - 4] == "-" else {
            throw KernelParseError("no \"-\" separator before the last three fields in \"\(line)\"")
        }
        guard let mountID = Int(parts[0]) else { throw KernelParseError("invalid mount ID \"\(parts[0])\"") }
        guard let parentID = Int(parts[1]) else { throw KernelParseError("invalid parent ID \"\(parts[1])\"") }
        let device = split(parts[2], at: UInt8(ascii: ":"))
        guard device.count == 2, let major = Int(device[0]), let minor = Int(device[1]) else {
            throw KernelParseError("malformed major:minor \"\(parts[2])\"")
        }
        return MountInfo(
            mountID: mountID, parentID: parentID, major: major, minor: minor,
            root: String(parts[3]), mountPoint: String(parts[4]),
            options: split(parts[5], at: UInt8(ascii: ","), omittingEmpty: true).map(String.init),
            fsType: String(parts[parts.count - 3]), source: String(parts[parts.count - 2]),
            superOptions: split(parts[parts.count - 1], at: UInt8(ascii: ","), omittingEmpty: true).map(String.init))
    }
}
