import LanternMetrics
import LanternSupport

/// node_exporter's `meminfo` collector: /proc/meminfo as `node_memory_*` gauges.
public struct MeminfoCollector: Collector {
    /// The keys node_exporter 1.12.1 exposes (the fields of procfs' `Meminfo`); other
    /// keys of newer kernels are left out as it leaves them out.
    static let exposedKeys: Set<String> = [
        "Active", "Active(anon)", "Active(file)", "AnonHugePages", "AnonPages", "Bounce", "Buffers", "Cached",
        "CmaFree", "CmaTotal", "CommitLimit", "Committed_AS", "DirectMap1G", "DirectMap2M", "DirectMap4k", "Dirty",
        "HardwareCorrupted", "Hugepagesize", "Inactive", "Inactive(anon)", "Inactive(file)", "KernelStack", "Mapped",
        "MemAvailable", "MemFree", "MemTotal", "Mlocked", "NFS_Unstable", "PageTables", "Percpu", "SReclaimable",
        "SUnreclaim", "Shmem", "ShmemHugePages", "ShmemPmdMapped", "Slab", "SwapCached", "SwapFree", "SwapTotal",
        "Unevictable", "VmallocChunk", "VmallocTotal", "VmallocUsed", "Writeback", "WritebackTmp", "Zswap", "Zswapped",
    ]
    /// Page counts, exposed as they are, without `_bytes`.
    static let countKeys: Set<String> = ["HugePages_Free", "HugePages_Rsvd", "HugePages_Surp", "HugePages_Total"]

    /// One descriptor per exposed key, built once. All are gauges: none of the names
    /// ends in `_total`, node_exporter's rule for counters.
    static let descriptors: [String: MetricDescriptor] = {
        var byKey: [String: MetricDescriptor] = [:]
        for key in exposedKeys { byKey[key] = descriptor(metricName(forKey: key) + "_bytes") }
        for key in countKeys { byKey[key] = descriptor(metricName(forKey: key)) }
        return byKey
    }()

    /// node_exporter's spelling of a meminfo key: `Active(anon)` -> `Active_anon`.
    static func metricName(forKey key: String) -> String {
        var name = ""
        for character in key {
            switch character {
            case "(": name.append("_")
            case ")": continue
            default: name.append(character)
            }
        }
        return name
    }

    private static func descriptor(_ field: String) -> MetricDescriptor {
        MetricDescriptor(name: "node_memory_" + field, help: "Memory information field \(field).", type: .gauge)
    }

    /// Where one line's value goes: its descriptor, and whether the value is in kB
    /// (exposed in bytes), a count, or a kB field without its unit (procfs leaves that 0).
    struct Target: Sendable {
        enum Scale: Sendable { case kibibytes, count, missingUnit }
        let descriptor: MetricDescriptor
        let scale: Scale
    }

    private let paths: HostPaths
    /// The last read's layout and each line's target (nil: not exposed).
    private let layouts = LayoutCache<[Target?]>()

    public init(paths: HostPaths) {
        self.paths = paths
    }

    public func collect(into sink: MetricSink) throws {
        let path = paths.proc("meminfo")
        let text = try KernelFile.read(path)
        let values: [UInt64], targets: [Target?]
        // Values of 2^53 and beyond are not exact as numbers: those go the general way.
        if let known = layouts.numbers(in: [text]), known.numbers.allSatisfy({ $0 >= 0 && $0 < 9_007_199_254_740_992 }) {
            values = known.numbers.map { UInt64($0) }
            targets = known.derived
        } else {
            let entries = try KernelFile.parse(text, from: path, with: Meminfo.parse)
            values = entries.map(\.value)
            targets = Self.targets(of: entries)
            layouts.remember([LineLayout(of: text, numberFields: .second)], targets)
        }
        for (target, value) in zip(targets, values) {
            guard let target else { continue }
            switch target.scale {
            case .kibibytes: sink.add(target.descriptor, Double(value &* 1024))
            case .count: sink.add(target.descriptor, Double(value))
            case .missingUnit: sink.add(target.descriptor, 0)
            }
        }
    }

    /// Each entry's target. A key repeated in the file is exposed once, with its last
    /// value (procfs keeps the last).
    static func targets(of entries: [MeminfoEntry]) -> [Target?] {
        var lastIndex: [String: Int] = [:]
        for (index, entry) in entries.enumerated() { lastIndex[entry.key] = index }
        return entries.enumerated().map { index, entry in
            guard lastIndex[entry.key] == index, let descriptor = descriptors[entry.key] else { return nil }
            if countKeys.contains(entry.key) { return Target(descriptor: descriptor, scale: .count) }
            return Target(descriptor: descriptor, scale: entry.inKibibytes ? .kibibytes : .missingUnit)
        }
    }
}
