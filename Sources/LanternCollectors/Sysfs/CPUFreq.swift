import LanternSupport

/// One CPU's `devices/system/cpu/cpuN/cpufreq` attributes (frequencies in kHz); nil
/// when the kernel does not provide the file.
public struct CPUFreqStats: Sendable, Hashable {
    public var cpu: String
    public var cpuinfoCurrent: UInt64?
    public var cpuinfoMinimum: UInt64?
    public var cpuinfoMaximum: UInt64?
    public var scalingCurrent: UInt64?
    public var scalingMinimum: UInt64?
    public var scalingMaximum: UInt64?
    public var availableGovernors = ""
    public var governor = ""

    public init(cpu: String) { self.cpu = cpu }
}

/// Reads cpufreq attributes of every online CPU, as procfs `SystemCpufreq` does.
public enum SysfsCPUFreq {
    /// The frequency attributes read, with where each goes.
    static let frequencyFiles: [(file: String, field: WritableKeyPath<CPUFreqStats, UInt64?> & Sendable)] = [
        ("cpuinfo_cur_freq", \.cpuinfoCurrent), ("cpuinfo_min_freq", \.cpuinfoMinimum), ("cpuinfo_max_freq", \.cpuinfoMaximum),
        ("scaling_cur_freq", \.scalingCurrent), ("scaling_min_freq", \.scalingMinimum), ("scaling_max_freq", \.scalingMaximum),
    ]

    /// `sysfsCPU` is `devices/system/cpu`. CPUs listed in its `offline` file and CPUs
    /// without a `cpufreq` directory are skipped; a missing `offline` file is an error,
    /// as in procfs.
    public static func read(sysfsCPU: String) throws(KernelFileError) -> [CPUFreqStats] {
        let offline = Set(try KernelFile.parse(sysfsCPU + "/offline", with: SysfsCPU.parseCPUList).map(String.init))
        var result: [CPUFreqStats] = []
        for name in SysfsCPU.cpuDirectories(sysfsCPU: sysfsCPU) {
            let cpu = String(name.dropFirst(3))
            let directory = sysfsCPU + "/" + name + "/cpufreq"
            guard !offline.contains(cpu), KernelFile.isDirectory(directory) else { continue }
            result.append(try readCPU(cpu, directory: directory))
        }
        return result
    }

    static func readCPU(_ cpu: String, directory: String) throws(KernelFileError) -> CPUFreqStats {
        var stats = CPUFreqStats(cpu: cpu)
        for entry in frequencyFiles {
            let path = directory + "/" + entry.file
            do {
                stats[keyPath: entry.field] = try KernelFile.readUInt(path)
            } catch where error.isAbsentOrForbidden {
                // Absent or root-only (cpuinfo_cur_freq): not exposed, as in procfs.
            }
        }
        // procfs requires these two files; a CPU lacking them fails the read.
        stats.availableGovernors = try KernelFile.attribute(directory + "/scaling_available_governors")
        stats.governor = try KernelFile.attribute(directory + "/scaling_governor")
        return stats
    }
}
