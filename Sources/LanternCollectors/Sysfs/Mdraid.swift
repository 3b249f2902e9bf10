import LanternSupport

/// One md array of /sys/block/md*/md, read as prometheus/procfs's `Mdraids` does.
public struct Mdraid: Sendable, Equatable {
    public struct Component: Sendable, Equatable {
        public var device: String
        /// Comma-separated flags such as `in_sync`, `faulty`, `spare`.
        public var state: String
    }

    public var device: String
    public var level: String
    public var arrayState: String
    public var metadataVersion: String
    /// Devices in a fully functional array (`raid_disks`).
    public var disks: UInt64
    public var uuid: String
    public var components: [Component]
    /// raid0, 4, 5, 6 and 10 only.
    public var chunkSize: UInt64 = 0
    /// raid1, 4, 5, 6 and 10 only.
    public var degradedDisks: UInt64 = 0
    public var syncAction: String = ""
    /// Completed fraction of the running sync (`sync_completed` is `done / total` or `none`).
    public var syncCompleted: Double = 0

    /// Every array below `<sysfs>/block`; any unreadable attribute fails the whole read, as in procfs.
    public static func readAll(sysfs blockDirectory: String) throws(KernelFileError) -> [Mdraid] {
        var arrays: [Mdraid] = []
        for name in (try KernelFile.entriesIfPresent(of: blockDirectory) ?? []) where name.hasPrefix("md") {
            let path = blockDirectory + "/" + name + "/md"
            guard KernelFile.isDirectory(path) else { continue }
            arrays.append(try read(device: name, at: path))
        }
        return arrays
    }

    static func read(device: String, at path: String) throws(KernelFileError) -> Mdraid {
        var components: [Component] = []
        for entry in try KernelFile.entries(of: path) where entry.hasPrefix("dev-") {
            components.append(Component(device: String(entry.dropFirst(4)), state: try KernelFile.attribute(path + "/" + entry + "/state")))
        }
        var array = Mdraid(
            device: device, level: try KernelFile.attribute(path + "/level"), arrayState: try KernelFile.attribute(path + "/array_state"),
            metadataVersion: try KernelFile.attribute(path + "/metadata_version"), disks: try KernelFile.readUInt(path + "/raid_disks"),
            uuid: try KernelFile.attribute(path + "/uuid"), components: components)
        if ["raid0", "raid4", "raid5", "raid6", "raid10"].contains(array.level) {
            array.chunkSize = try KernelFile.readUInt(path + "/chunk_size")
        }
        if ["raid1", "raid4", "raid5", "raid6", "raid10"].contains(array.level) {
            array.degradedDisks = try KernelFile.readUInt(path + "/degraded")
            array.syncAction = try KernelFile.attribute(path + "/sync_action")
            let completed = try KernelFile.attribute(path + "/sync_completed")
            if completed != "none" {
                array.syncCompleted = try KernelFile.parse(completed, from: path + "/sync_completed", with: parseFraction)
            }
        }
        return array
    }

    /// `<done> / <total>` sectors.
    static func parseFraction(_ text: String) throws(KernelParseError) -> Double {
        let parts = text.split(separator: "/").map { trimmed($0) }
        guard parts.count == 2, let done = UInt64(parts[0]), let total = UInt64(parts[1]) else {
            throw KernelParseError("invalid sync_completed \"\(text)\": want \"<done> / <total>\"")
        }
        return Double(done) / Double(total)
    }
}
