import LanternSupport

/// One bcache cache set of /sys/fs/bcache/<uuid>, read as prometheus/procfs does (only
/// the attributes node_exporter exposes).
public struct BcacheStats: Sendable, Equatable {
    /// Counters of a `stats_total` directory.
    public struct PeriodStats: Sendable, Equatable {
        public var bypassed: UInt64 = 0
        public var cacheHits: UInt64 = 0
        public var cacheMisses: UInt64 = 0
        public var cacheBypassHits: UInt64 = 0
        public var cacheBypassMisses: UInt64 = 0
        public var cacheMissCollisions: UInt64 = 0
        public var cacheReadaheads: UInt64 = 0
    }

    /// `writeback_rate_debug` of a backing device; the controller terms may be negative.
    public struct WritebackRateDebug: Sendable, Equatable {
        public var rate: Double = 0
        public var dirty: Double = 0
        public var target: Double = 0
        public var proportional: Double = 0
        public var integral: Double = 0
        public var change: Double = 0
    }

    public struct BackingDevice: Sendable, Equatable {
        public var name: String
        public var dirtyData: UInt64
        public var writeback: WritebackRateDebug
        public var total: PeriodStats
    }

    public struct CacheDevice: Sendable, Equatable {
        public var name: String
        public var ioErrors: UInt64
        public var metadataWritten: UInt64
        public var written: UInt64
        /// From `priority_stats`, read only when asked for (the kernel walks every bucket).
        public var unusedPercent: UInt64 = 0
        public var metadataPercent: UInt64 = 0
    }

    public var uuid: String
    public var averageKeySize: UInt64 = 0
    public var btreeCacheSize: UInt64 = 0
    public var cacheAvailablePercent: UInt64 = 0
    public var congested: UInt64 = 0
    public var rootUsagePercent: UInt64 = 0
    public var treeDepth: UInt64 = 0
    public var activeJournalEntries: UInt64 = 0
    public var btreeNodes: UInt64 = 0
    /// The kernel file is in microseconds but procfs calls it nanoseconds; node_exporter
    /// scales it by 1e-9.
    public var btreeReadAverageDuration: UInt64 = 0
    public var cacheReadRaces: UInt64 = 0
    public var backingDevices: [BackingDevice] = []
    public var caches: [CacheDevice] = []

    /// Every cache set below `<sysfs>/fs/bcache` (entries named like a UUID, with a `-`).
    public static func readAll(directory: String, priorityStats: Bool) throws(KernelFileError) -> [BcacheStats] {
        var sets: [BcacheStats] = []
        for name in (try KernelFile.entriesIfPresent(of: directory) ?? []) where name.contains("-") {
            sets.append(try read(directory + "/" + name, uuid: name, priorityStats: priorityStats))
        }
        return sets
    }

    static func read(_ path: String, uuid: String, priorityStats: Bool) throws(KernelFileError) -> BcacheStats {
        var stats = BcacheStats(uuid: uuid)
        stats.averageKeySize = try value(path + "/average_key_size")
        stats.btreeCacheSize = try value(path + "/btree_cache_size")
        stats.cacheAvailablePercent = try value(path + "/cache_available_percent")
        stats.congested = try value(path + "/congested")
        stats.rootUsagePercent = try value(path + "/root_usage_percent")
        stats.treeDepth = try value(path + "/tree_depth")
        stats.activeJournalEntries = try value(path + "/internal/active_journal_entries")
        stats.btreeNodes = try value(path + "/internal/btree_nodes")
        stats.btreeReadAverageDuration = try value(path + "/internal/btree_read_average_duration_us")
        stats.cacheReadRaces = try value(path + "/internal/cache_read_races")

        for name in KernelFile.numberedEntries(of: path, prefix: "bdev") {
            let device = path + "/" + name
            let debugPath = device + "/writeback_rate_debug"
            stats.backingDevices.append(BackingDevice(
                name: name, dirtyData: try value(device + "/dirty_data"),
                writeback: try KernelFile.parse(debugPath, with: parseWritebackRateDebug),
                total: try periodStats(device + "/stats_total")))
        }
        for name in KernelFile.numberedEntries(of: path, prefix: "cache") {
            let device = path + "/" + name
            var cache = CacheDevice(
                name: name, ioErrors: try value(device + "/io_errors"), metadataWritten: try value(device + "/metadata_written"),
                written: try value(device + "/written"))
            if priorityStats {
                (cache.unusedPercent, cache.metadataPercent) = try KernelFile.parse(device + "/priority_stats", with: parsePriorityStats)
            }
            stats.caches.append(cache)
        }
        return stats
    }

    private static func periodStats(_ path: String) throws(KernelFileError) -> PeriodStats {
        PeriodStats(
            bypassed: try value(path + "/bypassed"), cacheHits: try value(path + "/cache_hits"),
            cacheMisses: try value(path + "/cache_misses"), cacheBypassHits: try value(path + "/cache_bypass_hits"),
            cacheBypassMisses: try value(path + "/cache_bypass_misses"),
            cacheMissCollisions: try value(path + "/cache_miss_collisions"), cacheReadaheads: try value(path + "/cache_readaheads"))
    }

    /// A file holding one possibly humanized number (`546`, `20.4G`).
    private static func value(_ path: String) throws(KernelFileError) -> UInt64 {
        try KernelFile.parse(path) { (text) throws(KernelParseError) in
            let body = text.hasSuffix("\n") ? text.dropLast() : text[...]
            return saturatingUInt64(try dehumanize(body))
        }
    }

    /// `Unused: 99%` and `Metadata: 0%` lines; the rest is ignored.
    static func parsePriorityStats(_ text: String) throws(KernelParseError) -> (unused: UInt64, metadata: UInt64) {
        var result: (unused: UInt64, metadata: UInt64) = (0, 0)
        for line in lines(text) {
            guard line.hasPrefix("Unused:") || line.hasPrefix("Metadata:"), let last = fields(line).last else { continue }
            let number = try parseUInt(last.hasSuffix("%") ? last.dropLast() : last, field: "priority_stats percentage")
            if line.hasPrefix("Unused:") { result.unused = number } else { result.metadata = number }
        }
        return result
    }

    /// `rate: 1.1M/sec`, `dirty: 20.4G`, `target: ...`, `proportional: ...`, `integral: ...`,
    /// `change: ...k/sec`; other lines (`next io`) are ignored.
    static func parseWritebackRateDebug(_ text: String) throws(KernelParseError) -> WritebackRateDebug {
        var debug = WritebackRateDebug()
        for line in lines(text) {
            let parts = fields(line)
            guard let key = parts.first, let last = parts.last, parts.count >= 2 else { continue }
            let number = last.hasSuffix("/sec") ? last.dropLast(4) : last
            switch key {
            case "rate:": debug.rate = try signedDehumanize(number)
            case "dirty:": debug.dirty = try signedDehumanize(number)
            case "target:": debug.target = try signedDehumanize(number)
            case "proportional:": debug.proportional = try signedDehumanize(number)
            case "integral:": debug.integral = try signedDehumanize(number)
            case "change:": debug.change = try signedDehumanize(number)
            default: continue
            }
        }
        return debug
    }

    private static func signedDehumanize(_ text: Substring) throws(KernelParseError) -> Double {
        let magnitude = try dehumanize(text.hasPrefix("-") ? text.dropFirst() : text).rounded(.towardZero)
        return text.hasPrefix("-") ? -magnitude : magnitude
    }

    /// The kernel's `bch_hprint` format: a number with an optional binary unit suffix
    /// (k, M, G, T, P, E, Z, Y); an unknown suffix gives 0, as in procfs.
    static func dehumanize(_ text: Substring) throws(KernelParseError) -> Double {
        guard let last = text.unicodeScalars.last else { throw KernelParseError("zero-length reply") }
        guard last.value > 57 else { return try parseDouble(text, field: "bcache value") }
        let units: [Unicode.Scalar: Double] = ["k": 0x1p10, "M": 0x1p20, "G": 0x1p30, "T": 0x1p40, "P": 0x1p50, "E": 0x1p60, "Z": 0x1p70, "Y": 0x1p80]
        let mantissa = try pseudoFloat(Substring(text.unicodeScalars.dropLast()))
        return mantissa * (units[last] ?? 0)
    }

    /// `bch_hprint` writes the fraction as a count of 1/1024ths scaled to 0...99 (so `.1`
    /// stands for 10/1024 and `.10` for 100/1024); procfs divides it by 10.24.
    static func pseudoFloat(_ text: Substring) throws(KernelParseError) -> Double {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let integer = try parseDouble(parts[0], field: "bcache value")
        guard parts.count > 1 else { return integer }
        return integer + (try parseDouble(parts[1], field: "bcache fraction")) / 10.24
    }

    /// Go's `uint64(float)` for the values that make sense; out-of-range values saturate.
    private static func saturatingUInt64(_ value: Double) -> UInt64 {
        guard value.isFinite, value > 0 else { return 0 }
        return value >= 0x1p64 ? UInt64.max : UInt64(value)
    }
}
