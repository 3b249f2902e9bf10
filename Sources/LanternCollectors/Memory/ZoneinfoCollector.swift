import LanternMetrics
import LanternSupport

/// node_exporter's `zoneinfo` collector: per-zone page counts and NUMA counters of
/// /proc/zoneinfo, `node_zoneinfo_<name>{node,zone}`.
public struct ZoneinfoCollector: Collector {
    /// Kernel field to metric, in node_exporter's names and help texts.
    static let metrics: [String: MetricDescriptor] = {
        let table: [(field: String, name: String, help: String, type: MetricType)] = [
            ("nr_free_pages", "nr_free_pages", "Total number of free pages in the zone", .gauge),
            ("min", "min_pages", "Zone watermark pages_min", .gauge),
            ("low", "low_pages", "Zone watermark pages_low", .gauge),
            ("high", "high_pages", "Zone watermark pages_high", .gauge),
            ("spanned", "spanned_pages", "Total pages spanned by the zone, including holes", .gauge),
            ("present", "present_pages", "Physical pages existing within the zone", .gauge),
            ("managed", "managed_pages", "Present pages managed by the buddy system", .gauge),
            ("nr_active_anon", "nr_active_anon_pages", "Number of anonymous pages recently more used", .gauge),
            ("nr_inactive_anon", "nr_inactive_anon_pages", "Number of anonymous pages recently less used", .gauge),
            ("nr_isolated_anon", "nr_isolated_anon_pages", "Temporary isolated pages from anon lru", .gauge),
            ("nr_anon_pages", "nr_anon_pages", "Number of anonymous pages currently used by the system", .gauge),
            ("nr_anon_transparent_hugepages", "nr_anon_transparent_hugepages",
             "Number of anonymous transparent huge pages currently used by the system", .gauge),
            ("nr_active_file", "nr_active_file_pages", "Number of active pages with file-backing", .gauge),
            ("nr_inactive_file", "nr_inactive_file_pages", "Number of inactive pages with file-backing", .gauge),
            ("nr_isolated_file", "nr_isolated_file_pages", "Temporary isolated pages from file lru", .gauge),
            ("nr_file_pages", "nr_file_pages", "Number of file pages", .gauge),
            ("nr_slab_reclaimable", "nr_slab_reclaimable_pages", "Number of reclaimable slab pages", .gauge),
            ("nr_slab_unreclaimable", "nr_slab_unreclaimable_pages", "Number of unreclaimable slab pages", .gauge),
            ("nr_kernel_stack", "nr_kernel_stacks", "Number of kernel stacks", .gauge),
            ("nr_mapped", "nr_mapped_pages", "Number of mapped pages", .gauge),
            ("nr_dirty", "nr_dirty_pages", "Number of dirty pages", .gauge),
            ("nr_writeback", "nr_writeback_pages", "Number of writeback pages", .gauge),
            ("nr_unevictable", "nr_unevictable_pages", "Number of unevictable pages", .gauge),
            ("nr_shmem", "nr_shmem_pages", "Number of shmem pages (included tmpfs/GEM pages)", .gauge),
            ("nr_dirtied", "nr_dirtied_total", "Page dirtyings since bootup", .counter),
            ("nr_written", "nr_written_total", "Page writings since bootup", .counter),
            ("numa_hit", "numa_hit_total", "Allocated in intended node", .counter),
            ("numa_miss", "numa_miss_total", "Allocated in non intended node", .counter),
            ("numa_foreign", "numa_foreign_total", "Was intended here, hit elsewhere", .counter),
            ("numa_interleave", "numa_interleave_total", "Interleaver preferred this zone", .counter),
            ("numa_local", "numa_local_total", "Allocation from local node", .counter),
            ("numa_other", "numa_other_total", "Allocation from other node", .counter),
        ]
        return Dictionary(uniqueKeysWithValues: table.map {
            ($0.field, MetricDescriptor(name: "node_zoneinfo_" + $0.name, help: $0.help, type: $0.type, labels: ["node", "zone"]))
        })
    }()

    private let paths: HostPaths

    public init(paths: HostPaths) { self.paths = paths }

    public func collect(into sink: MetricSink) throws {
        let zones: [Zone]
        do {
            zones = try KernelFile.parse(paths.proc("zoneinfo"), with: Zoneinfo.parse)
        } catch {
            throw CollectorError("couldn't get zoneinfo: \(error)")
        }
        for zone in zones {
            for (field, value) in zone.counters {
                guard let descriptor = Self.metrics[field] else { continue }
                sink.add(descriptor, Double(value), zone.node, zone.zone)
            }
            for (index, value) in zone.protection.enumerated() {
                let descriptor = MetricDescriptor(
                    name: "node_zoneinfo_protection_\(index)", help: "Protection array \(index). field", type: .gauge, labels: ["node", "zone"])
                sink.add(descriptor, Double(value), zone.node, zone.zone)
            }
        }
    }
}
