import LanternSupport

/// One Btrfs filesystem of /sys/fs/btrfs/<uuid>, read as prometheus/procfs does:
/// missing attributes read as zero, unparsable numbers as zero.
public struct BtrfsStats: Sendable, Equatable {
    /// Space of one block group type (data, metadata, system).
    public struct Allocation: Sendable, Equatable {
        public var reservedBytes: UInt64
        /// Per layout (`raid1`, `single`...): allocated and used bytes, and how many bytes of
        /// disk one byte of data takes.
        public var layouts: [String: Layout]
    }

    public struct Layout: Sendable, Equatable {
        public var totalBytes: UInt64
        public var usedBytes: UInt64
        public var ratio: Double
    }

    public var uuid: String
    public var label: String
    /// Device name to size in bytes.
    public var deviceSizes: [String: UInt64]
    public var globalReserveSize: UInt64
    /// Block group type (`data`, `metadata`, `system`) to its allocation.
    public var allocations: [String: Allocation]
    public var commits: UInt64 = 0
    public var lastCommitMilliseconds: UInt64 = 0
    public var maxCommitMilliseconds: UInt64 = 0
    public var totalCommitMilliseconds: UInt64 = 0

    /// The kernel reports device sizes in 512-byte sectors whatever the device's block size.
    static let sectorSize: UInt64 = 512
    public static let blockGroupTypes = ["data", "metadata", "system"]

    /// Every filesystem below `<sysfs>/fs/btrfs` (entries named like a UUID, with a `-`).
    public static func readAll(directory: String) throws(KernelFileError) -> [BtrfsStats] {
        var filesystems: [BtrfsStats] = []
        for name in (try KernelFile.entriesIfPresent(of: directory) ?? []) where name.contains("-") {
            filesystems.append(try read(directory + "/" + name))
        }
        return filesystems
    }

    static func read(_ path: String) throws(KernelFileError) -> BtrfsStats {
        var deviceSizes: [String: UInt64] = [:]
        for device in (try KernelFile.entriesIfPresent(of: path + "/devices")) ?? [] {
            deviceSizes[device] = sectorSize &* (try value(path + "/devices/" + device + "/size"))
        }
        var allocations: [String: Allocation] = [:]
        for type in blockGroupTypes {
            let directory = path + "/allocation/" + type
            var layouts: [String: Layout] = [:]
            for entry in try KernelFile.entries(of: directory) where KernelFile.isRealDirectory(directory + "/" + entry) {
                layouts[entry] = Layout(
                    totalBytes: try value(directory + "/" + entry + "/total_bytes"),
                    usedBytes: try value(directory + "/" + entry + "/used_bytes"),
                    ratio: ratio(layout: entry, devices: deviceSizes.count))
            }
            allocations[type] = Allocation(reservedBytes: try value(directory + "/bytes_reserved"), layouts: layouts)
        }
        let metadataUUID = try text(path + "/metadata_uuid")
        var stats = BtrfsStats(
            uuid: metadataUUID.isEmpty ? String(path.split(separator: "/").last ?? "") : metadataUUID,
            label: try text(path + "/label"), deviceSizes: deviceSizes,
            globalReserveSize: try value(path + "/allocation/global_rsv_size"), allocations: allocations)
        // commit_stats exists from Linux 6.0 on.
        if let commitStats = try KernelFile.optionalAttribute(path + "/commit_stats") {
            try KernelFile.parse(commitStats, from: path + "/commit_stats") { (text) throws(KernelParseError) in
                try stats.readCommitStats(text)
            }
        }
        return stats
    }

    /// `commits N`, `last_commit_ms N`, `max_commit_ms N`, `total_commit_ms N`.
    mutating func readCommitStats(_ text: String) throws(KernelParseError) {
        for line in lines(text) where !trimmed(line).isEmpty {
            let parts = fields(line)
            guard parts.count == 2 else { throw KernelParseError("invalid commit_stats line \"\(line)\"") }
            let number = try parseUInt(parts[1], field: String(parts[0]))
            switch parts[0] {
            case "commits": commits = number
            case "last_commit_ms": lastCommitMilliseconds = number
            case "max_commit_ms": maxCommitMilliseconds = number
            case "total_commit_ms": totalCommitMilliseconds = number
            default: continue
            }
        }
    }

    /// Disk bytes per data byte for a layout; for parity layouts it depends on the device count.
    static func ratio(layout: String, devices: Int) -> Double {
        switch layout {
        case "single", "raid0": return 1
        case "dup", "raid1", "raid10": return 2
        case "raid5": return Double(devices) / (Double(devices) - 1)
        case "raid6": return Double(devices) / (Double(devices) - 2)
        default: return 0
        }
    }

    /// A trimmed attribute, "" when absent.
    private static func text(_ path: String) throws(KernelFileError) -> String {
        try KernelFile.optionalAttribute(path) ?? ""
    }

    /// A numeric attribute; absent or not a number reads as 0, as in procfs.
    private static func value(_ path: String) throws(KernelFileError) -> UInt64 {
        UInt64(try text(path)) ?? 0
    }

}
