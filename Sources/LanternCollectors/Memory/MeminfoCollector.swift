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

    private let paths: HostPaths

    public init(paths: HostPaths) {
        self.paths = paths
    }

    public func collect(into sink: MetricSink) throws {
        let entries = try KernelFile.parse(paths.proc("meminfo"), with: Meminfo.parse)
        // A key repeated in the file is exposed once, with its last value (procfs keeps the last).
        var values: [String: Double] = [:]
        for entry in entries {
            if Self.countKeys.contains(entry.key) {
                values[entry.key] = Double(entry.value)
            } else if Self.exposedKeys.contains(entry.key) {
                // procfs leaves the byte value at 0 when a kB field comes without its unit.
                values[entry.key] = entry.inKibibytes ? Double(entry.value &* 1024) : 0
            }
        }
        for (key, value) in values {
            if let descriptor = Self.descriptors[key] { sink.add(descriptor, value) }
        }
    }
}
