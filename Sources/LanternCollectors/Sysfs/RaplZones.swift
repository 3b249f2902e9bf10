import LanternSupport

/// A RAPL power zone of `class/powercap`.
public struct RaplZone: Sendable, Hashable {
    /// The `name` file without its `-N` index (`package-0` -> `package`).
    public var name: String
    /// The index from the name, else the count of earlier zones of the same name.
    public var index: Int
    /// The zone directory, as built from the sysfs path (not resolved).
    public var path: String
    public var maxMicrojoules: UInt64
}

/// Reads `class/powercap` as procfs `GetRaplZones` does.
public enum SysfsRapl {
    /// Entries without a readable `name` file (such as `intel-rapl` itself) are not zones.
    public static func zones(classPowercap directory: String) throws(KernelFileError) -> [RaplZone] {
        var zones: [RaplZone] = []
        var nameUsages: [String: Int] = [:]
        for entry in try KernelFile.entries(of: directory) {
            let path = directory + "/" + entry
            guard let rawName = try? KernelFile.attribute(path + "/name") else { continue }
            let (index, name) = indexAndName(rawName, usages: nameUsages)
            let maxMicrojoules = try KernelFile.readUInt(path + "/max_energy_range_uj")
            zones.append(RaplZone(name: name, index: index, path: path, maxMicrojoules: maxMicrojoules))
            nameUsages[name] = index &+ 1
        }
        return zones
    }

    /// `package-0` gives (0, "package"); a name without a numeric `-N` gives the count of
    /// earlier zones with that name.
    public static func indexAndName(_ name: String, usages: [String: Int]) -> (index: Int, name: String) {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 2, let index = Int(parts[1]) {
            return (index, String(parts[0]))
        }
        return (usages[name] ?? 0, name)
    }

    public static func energyMicrojoules(_ zone: RaplZone) throws(KernelFileError) -> UInt64 {
        try KernelFile.readUInt(zone.path + "/energy_uj")
    }
}
