import LanternFlags
import LanternMetrics
import LanternSupport

/// node_exporter's `bcache` collector: cache set, backing device and cache device
/// statistics from /sys/fs/bcache.
public struct BcacheCollector: Collector {
    public struct Options: Sendable {
        /// `--collector.bcache.priorityStats`: also read the expensive `priority_stats`.
        public var priorityStats = false
        public init(priorityStats: Bool = false) { self.priorityStats = priorityStats }
    }

    private static func descriptor(_ name: String, _ help: String, _ type: MetricType = .gauge, device: String? = nil) -> MetricDescriptor {
        MetricDescriptor(name: "node_bcache_" + name, help: help, type: type, labels: ["uuid"] + (device.map { [$0] } ?? []))
    }

    static let setGauges: [(MetricDescriptor, KeyPath<BcacheStats, UInt64> & Sendable)] = [
        (descriptor("average_key_size_sectors", "Average data per key in the btree (sectors)."), \.averageKeySize),
        (descriptor("btree_cache_size_bytes", "Amount of memory currently used by the btree cache."), \.btreeCacheSize),
        (descriptor(
            "cache_available_percent",
            "Percentage of cache device without dirty data, usable for writeback (may contain clean cached data)."), \.cacheAvailablePercent),
        (descriptor("congested", "Congestion."), \.congested),
        (descriptor("root_usage_percent", "Percentage of the root btree node in use (tree depth increases if too high)."), \.rootUsagePercent),
        (descriptor("tree_depth", "Depth of the btree."), \.treeDepth),
        (descriptor("active_journal_entries", "Number of journal entries that are newer than the index."), \.activeJournalEntries),
        (descriptor("btree_nodes", "Total nodes in the btree."), \.btreeNodes),
        (descriptor(
            "cache_read_races_total",
            "Counts instances where while data was being read from the cache, the bucket was reused and invalidated - i.e. where the pointer was stale after the read completed.",
            .counter), \.cacheReadRaces),
    ]
    static let btreeReadDuration = descriptor("btree_read_average_duration_seconds", "Average btree read duration.")

    static let dirtyData = descriptor(
        "dirty_data_bytes", "Amount of dirty data for this backing device in the cache.", device: "backing_device")
    static let writebackValues: [(MetricDescriptor, KeyPath<BcacheStats.WritebackRateDebug, Double> & Sendable)] = [
        (descriptor("dirty_target_bytes", "Current dirty data target threshold for this backing device in bytes.", device: "backing_device"), \.target),
        (descriptor("writeback_rate", "Current writeback rate for this backing device in bytes.", device: "backing_device"), \.rate),
        (descriptor(
            "writeback_rate_proportional_term", "Current result of proportional controller, part of writeback rate", device: "backing_device"),
         \.proportional),
        (descriptor("writeback_rate_integral_term", "Current result of integral controller, part of writeback rate", device: "backing_device"), \.integral),
        (descriptor("writeback_change", "Last writeback rate change step for this backing device.", device: "backing_device"), \.change),
    ]
    static let periodCounters: [(MetricDescriptor, KeyPath<BcacheStats.PeriodStats, UInt64> & Sendable)] = [
        (descriptor("bypassed_bytes_total", "Amount of IO (both reads and writes) that has bypassed the cache.", .counter, device: "backing_device"), \.bypassed),
        (descriptor("cache_hits_total", "Hits counted per individual IO as bcache sees them.", .counter, device: "backing_device"), \.cacheHits),
        (descriptor("cache_misses_total", "Misses counted per individual IO as bcache sees them.", .counter, device: "backing_device"), \.cacheMisses),
        (descriptor("cache_bypass_hits_total", "Hits for IO intended to skip the cache.", .counter, device: "backing_device"), \.cacheBypassHits),
        (descriptor("cache_bypass_misses_total", "Misses for IO intended to skip the cache.", .counter, device: "backing_device"), \.cacheBypassMisses),
        (descriptor(
            "cache_miss_collisions_total", "Instances where data insertion from cache miss raced with write (data already present).", .counter,
            device: "backing_device"), \.cacheMissCollisions),
    ]
    /// Exposed only when non-zero, as node_exporter does.
    static let readaheads = descriptor("cache_readaheads_total", "Count of times readahead occurred.", .counter, device: "backing_device")

    static let cacheValues: [(MetricDescriptor, KeyPath<BcacheStats.CacheDevice, UInt64> & Sendable)] = [
        (descriptor("io_errors", "Number of errors that have occurred, decayed by io_error_halflife.", device: "cache_device"), \.ioErrors),
        (descriptor(
            "metadata_written_bytes_total", "Sum of all non data writes (btree writes and all other metadata).", .counter, device: "cache_device"),
         \.metadataWritten),
        (descriptor("written_bytes_total", "Sum of all data that has been written to the cache.", .counter, device: "cache_device"), \.written),
    ]
    static let priorityValues: [(MetricDescriptor, KeyPath<BcacheStats.CacheDevice, UInt64> & Sendable)] = [
        (descriptor("priority_stats_unused_percent", "The percentage of the cache that doesn't contain any data.", device: "cache_device"), \.unusedPercent),
        (descriptor("priority_stats_metadata_percent", "Bcache's metadata overhead.", device: "cache_device"), \.metadataPercent),
    ]

    private let paths: HostPaths
    private let options: Options

    public init(paths: HostPaths, options: Options) {
        self.paths = paths
        self.options = options
    }

    public func collect(into sink: MetricSink) throws {
        let sets: [BcacheStats]
        do {
            sets = try BcacheStats.readAll(directory: paths.sys("fs/bcache"), priorityStats: options.priorityStats)
        } catch {
            throw CollectorError("failed to retrieve bcache stats: \(error)")
        }
        for set in sets {
            for (descriptor, value) in Self.setGauges { sink.add(descriptor, Double(set[keyPath: value]), set.uuid) }
            sink.add(Self.btreeReadDuration, Double(set.btreeReadAverageDuration) * 1e-9, set.uuid)
            for device in set.backingDevices {
                sink.add(Self.dirtyData, Double(device.dirtyData), set.uuid, device.name)
                for (descriptor, value) in Self.writebackValues { sink.add(descriptor, device.writeback[keyPath: value], set.uuid, device.name) }
                for (descriptor, value) in Self.periodCounters { sink.add(descriptor, Double(device.total[keyPath: value]), set.uuid, device.name) }
                if device.total.cacheReadaheads != 0 {
                    sink.add(Self.readaheads, Double(device.total.cacheReadaheads), set.uuid, device.name)
                }
            }
            for cache in set.caches {
                for (descriptor, value) in Self.cacheValues { sink.add(descriptor, Double(cache[keyPath: value]), set.uuid, cache.name) }
                if options.priorityStats {
                    for (descriptor, value) in Self.priorityValues { sink.add(descriptor, Double(cache[keyPath: value]), set.uuid, cache.name) }
                }
            }
        }
    }
}

enum BcacheFlags {
    static let priorityStats = Flag("collector.bcache.priorityStats", help: "Expose expensive priority stats.", kind: .bool, default: "false")
    static let all = [priorityStats]

    static func options(from flags: ParsedFlags) -> BcacheCollector.Options {
        BcacheCollector.Options(priorityStats: flags.bool(priorityStats.name))
    }
}
