import LanternSupport

/// Per-CPU sysfs attributes under `devices/system/cpu`.
public enum SysfsCPU {
    /// CPU directory names (`cpu0`, `cpu1`, ...) as the glob `cpu[0-9]*` lists them.
    public static func cpuDirectories(sysfsCPU path: String) -> [String] {
        KernelFile.numberedEntries(of: path, prefix: "cpu")
    }

    /// Parses a kernel CPU list such as `1,3-5,9` (the format of `isolated`, `online`).
    /// An empty list gives no CPUs.
    public static func parseCPUList(_ text: String) throws(KernelParseError) -> [UInt16] {
        let list = trimmed(text[...])
        guard !list.isEmpty else { return [] }
        var cpus: [UInt16] = []
        for item in list.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
            switch bounds.count {
            case 1:
                cpus.append(try parseCPUNumber(bounds[0]))
            case 2:
                let first = try parseCPUNumber(bounds[0]), last = try parseCPUNumber(bounds[1])
                // UInt16 bounds keep a hostile range to at most 65536 entries.
                if first <= last { cpus.append(contentsOf: first...last) }
            default:
                throw KernelParseError("invalid CPU range \"\(item)\"")
            }
        }
        return cpus
    }

    /// The content of a CPU's `online` file: `1` or `0`.
    public static func parseOnline(_ text: String) throws(KernelParseError) -> Bool {
        switch trimmed(text[...]) {
        case "1": return true
        case "0": return false
        case let other: throw KernelParseError("invalid online state \"\(other)\"")
        }
    }

    private static func parseCPUNumber(_ text: Substring) throws(KernelParseError) -> UInt16 {
        guard let number = UInt16(text) else { throw KernelParseError("invalid CPU number \"\(text)\"") }
        return number
    }
}
