import LanternSupport

/// A device-mapper multipath map of /sys/block/dm-*, read as prometheus/procfs's
/// `DMMultipathDevices` does: maps whose `dm/uuid` starts with `mpath-`.
public struct DMMultipathDevice: Sendable, Equatable {
    public struct Path: Sendable, Equatable {
        /// The underlying block device (`sdi`).
        public var device: String
        /// Its `device/state` (`running`, `offline`, `live`...).
        public var state: String
    }

    /// The map name (`mpathA`).
    public var name: String
    /// The kernel block device name (`dm-5`).
    public var sysfsName: String
    public var uuid: String
    public var suspended: Bool
    public var sizeBytes: UInt64
    public var paths: [Path]

    /// Every multipath map below `<sysfs>/block`.
    public static func readAll(sysfs: String) throws(KernelFileError) -> [DMMultipathDevice] {
        let block = sysfs + "/block"
        var devices: [DMMultipathDevice] = []
        for entry in try KernelFile.entries(of: block) where entry.hasPrefix("dm-") {
            let directory = block + "/" + entry
            // No dm/uuid: not a device-mapper device.
            guard let uuid = try KernelFile.optionalAttribute(directory + "/dm/uuid"), uuid.hasPrefix("mpath-") else { continue }
            var paths: [Path] = []
            for slave in (try KernelFile.entriesIfPresent(of: directory + "/slaves")) ?? [] {
                paths.append(Path(device: slave, state: try KernelFile.attribute(block + "/" + slave + "/device/state")))
            }
            devices.append(DMMultipathDevice(
                name: try KernelFile.attribute(directory + "/dm/name"), sysfsName: entry, uuid: uuid,
                suspended: try KernelFile.readUInt(directory + "/dm/suspended") == 1,
                // The kernel counts 512-byte sectors.
                sizeBytes: (try KernelFile.readUInt(directory + "/size")) &* 512, paths: paths))
        }
        return devices
    }
}
