import Glibc
import LanternSupport

/// One bcachefs filesystem of /sys/fs/bcachefs/<uuid>, read as prometheus/procfs does.
/// Missing files read as empty; malformed numbers fail the read.
public struct BcachefsStats: Sendable, Equatable {
    public struct Device: Sendable, Equatable {
        public var label: String
        public var state: String
        public var bucketSizeBytes: UInt64
        public var buckets: UInt64
        public var durability: UInt64
        /// Operation (`read`, `write`) to data type (`btree`, `user`...) to bytes.
        public var ioDone: [String: [String: UInt64]]
        /// Error type to count since filesystem creation.
        public var ioErrors: [String: UInt64]
    }

    public struct Compression: Sendable, Equatable {
        public var compressedBytes: UInt64
        public var uncompressedBytes: UInt64
    }

    public struct BtreeWrite: Sendable, Equatable {
        public var count: UInt64
        public var averageSizeBytes: UInt64
    }

    public var uuid: String
    public var btreeCacheSizeBytes: UInt64 = 0
    /// By algorithm.
    public var compression: [String: Compression] = [:]
    /// Error type to count.
    public var errors: [String: UInt64] = [:]
    /// Counter name to its value since filesystem creation.
    public var counters: [String: UInt64] = [:]
    /// By btree write type.
    public var btreeWrites: [String: BtreeWrite] = [:]
    /// Device index (the `dev-<n>` suffix) to its statistics.
    public var devices: [String: Device] = [:]


    /// Every filesystem below `<sysfs>/fs/bcachefs`; nil when that directory does not exist.
    public static func readAll(directory: String) throws(KernelFileError) -> [BcachefsStats]? {
        guard let names = try KernelFile.entriesIfPresent(of: directory) else { return nil }
        var filesystems: [BcachefsStats] = []
        for name in names where KernelFile.isRealDirectory(directory + "/" + name) {
            filesystems.append(try read(directory + "/" + name, uuid: name))
        }
        return filesystems
    }

    static func read(_ path: String, uuid: String) throws(KernelFileError) -> BcachefsStats {
        var stats = BcachefsStats(uuid: uuid)
        if let size = try optionalText(path + "/btree_cache_size"), !size.isEmpty {
            stats.btreeCacheSizeBytes = try KernelFile.parse(size, from: path + "/btree_cache_size", with: humanBytes)
        }
        if let text = try optionalText(path + "/compression_stats") {
            stats.compression = try KernelFile.parse(text, from: path + "/compression_stats", with: parseCompressionStats)
        }
        if let text = try optionalText(path + "/errors") {
            stats.errors = try KernelFile.parse(text, from: path + "/errors", with: parseErrors)
        }
        for name in (try KernelFile.entriesIfPresent(of: path + "/counters")) ?? [] where !KernelFile.isRealDirectory(path + "/counters/" + name) {
            let counterPath = path + "/counters/" + name
            guard let text = try optionalText(counterPath) else { continue }
            stats.counters[name] = try KernelFile.parse(text, from: counterPath, with: parseCounter)
        }
        if let text = try optionalText(path + "/btree_write_stats") {
            stats.btreeWrites = try KernelFile.parse(text, from: path + "/btree_write_stats", with: parseBtreeWriteStats)
        }
        for entry in try KernelFile.entries(of: path) where entry.hasPrefix("dev-") && KernelFile.isRealDirectory(path + "/" + entry) {
            stats.devices[String(entry.dropFirst(4))] = try readDevice(path + "/" + entry)
        }
        return stats
    }

    private static func readDevice(_ path: String) throws(KernelFileError) -> Device {
        var device = Device(
            label: (try? KernelFile.attribute(path + "/label")) ?? "", state: (try? KernelFile.attribute(path + "/state")) ?? "",
            bucketSizeBytes: 0, buckets: try optionalUInt(path + "/nbuckets"), durability: try optionalUInt(path + "/durability"),
            ioDone: [:], ioErrors: [:])
        if let bucketSize = try? KernelFile.attribute(path + "/bucket_size"), !bucketSize.isEmpty {
            device.bucketSizeBytes = try KernelFile.parse(bucketSize, from: path + "/bucket_size", with: humanBytes)
        }
        if let text = try optionalText(path + "/io_done") {
            device.ioDone = try KernelFile.parse(text, from: path + "/io_done", with: parseIODone)
        }
        if let text = try optionalText(path + "/io_errors") {
            device.ioErrors = try KernelFile.parse(text, from: path + "/io_errors", with: parseIOErrors)
        }
        return device
    }

    /// A size such as `2.05G`, `62.5k` or `720` (binary units k to E, either case).
    static func humanBytes(_ text: String) throws(KernelParseError) -> UInt64 {
        var number = trimmed(text[...])
        guard let last = number.last else { throw KernelParseError("empty size") }
        let exponents: [Character: Double] = ["k": 10, "m": 20, "g": 30, "t": 40, "p": 50, "e": 60]
        var multiplier = 1.0
        if let exponent = exponents[Character(last.lowercased())] {
            multiplier = pow(2, exponent)
            number = trimmed(number.dropLast())
        }
        let value = try parseDouble(number, field: "size") * multiplier
        guard value.isFinite, value >= 0 else { throw KernelParseError("invalid size \"\(text)\"") }
        return value >= 0x1p64 ? UInt64.max : UInt64(value)
    }

    /// A header line, then `<algorithm>[:] <compressed> <uncompressed> [<average extent>]`.
    static func parseCompressionStats(_ text: String) throws(KernelParseError) -> [String: Compression] {
        var result: [String: Compression] = [:]
        for line in lines(text).dropFirst() {
            let parts = fields(line)
            guard parts.count >= 3 else { continue }
            let name = parts[0].hasSuffix(":") ? parts[0].dropLast() : parts[0]
            let compressed = try humanBytes(String(parts[1])), uncompressed = try humanBytes(String(parts[2]))
            if parts.count >= 4 { _ = try humanBytes(String(parts[3])) }
            result[String(name)] = Compression(compressedBytes: compressed, uncompressedBytes: uncompressed)
        }
        return result
    }

    /// `<error type> <count> [<last time>]`.
    static func parseErrors(_ text: String) throws(KernelParseError) -> [String: UInt64] {
        var result: [String: UInt64] = [:]
        for line in lines(text) {
            let parts = fields(line)
            guard parts.count >= 2 else { continue }
            result[String(parts[0])] = try parseUInt(parts[1], field: "error count")
            if parts.count >= 3 { _ = try parseUInt(parts[2], field: "error time") }
        }
        return result
    }

    /// A counter file: `since mount: N` and `since filesystem creation: N`; the latter is exposed.
    static func parseCounter(_ text: String) throws(KernelParseError) -> UInt64 {
        var sinceCreation: UInt64?
        var sawMount = false
        for line in lines(text) {
            if line.hasPrefix("since mount:") {
                _ = try humanBytes(String(line.dropFirst("since mount:".count)))
                sawMount = true
            } else if line.hasPrefix("since filesystem creation:") {
                sinceCreation = try humanBytes(String(line.dropFirst("since filesystem creation:".count)))
            }
        }
        guard sinceCreation != nil || sawMount else { throw KernelParseError("counter file format not recognized") }
        return sinceCreation ?? 0
    }

    /// A header line, then `<type>: <count> <average size>`.
    static func parseBtreeWriteStats(_ text: String) throws(KernelParseError) -> [String: BtreeWrite] {
        var result: [String: BtreeWrite] = [:]
        for line in lines(text).dropFirst() {
            let parts = fields(line)
            guard parts.count >= 3 else { continue }
            let name = parts[0].hasSuffix(":") ? parts[0].dropLast() : parts[0]
            result[String(name)] = BtreeWrite(count: try parseUInt(parts[1], field: "btree write count"), averageSizeBytes: try humanBytes(String(parts[2])))
        }
        return result
    }

    /// `read:` and `write:` sections of `<data type> : <bytes>` lines.
    static func parseIODone(_ text: String) throws(KernelParseError) -> [String: [String: UInt64]] {
        var result: [String: [String: UInt64]] = [:]
        var operation: String?
        for rawLine in lines(text) {
            let line = trimmed(rawLine)
            if line == "read:" || line == "write:" {
                let name = String(line.dropLast())
                operation = name
                result[name, default: [:]] = result[name] ?? [:]
                continue
            }
            guard let operation, let colon = line.firstIndex(of: ":") else { continue }
            let type = String(trimmed(line[..<colon]))
            result[operation, default: [:]][type] = try parseUInt(trimmed(line[line.index(after: colon)...]), field: "io_done \(type)")
        }
        return result
    }

    /// The `IO errors since filesystem creation` section of `<type>: <count>` lines.
    static func parseIOErrors(_ text: String) throws(KernelParseError) -> [String: UInt64] {
        var result: [String: UInt64] = [:]
        var inCreationSection = false
        for line in lines(text) {
            if line.hasPrefix("IO errors since filesystem creation") {
                inCreationSection = true
                continue
            }
            if line.hasPrefix("IO errors since ") { break }
            let content = trimmed(line)
            guard inCreationSection, let colon = content.firstIndex(of: ":") else { continue }
            let type = String(trimmed(content[..<colon]))
            result[type] = try parseUInt(trimmed(content[content.index(after: colon)...]), field: "io_errors \(type)")
        }
        return result
    }

    /// The content of a file, or nil when it does not exist.
    private static func optionalText(_ path: String) throws(KernelFileError) -> String? {
        do {
            return try KernelFile.read(path)
        } catch where error.isNotFound {
            return nil
        } catch {
            throw error
        }
    }

    /// An unsigned number, 0 when the file does not exist.
    private static func optionalUInt(_ path: String) throws(KernelFileError) -> UInt64 {
        guard let text = try optionalText(path) else { return 0 }
        return try KernelFile.parse(text, from: path) { (text) throws(KernelParseError) in try parseUInt(trimmed(text[...]), field: "value") }
    }

}
