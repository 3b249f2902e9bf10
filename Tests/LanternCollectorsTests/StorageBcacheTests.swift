@testable import LanternCollectors
import LanternMetrics
import LanternSupport
import Testing

@Suite struct BcacheParserTests {
    static let uuid = "deaddd54-c735-46d5-868e-f331c5fd7c74"

    @Test func readsTheFixture() throws {
        let sets = try BcacheStats.readAll(directory: Fixtures.paths.sys("fs/bcache"), priorityStats: true)
        let set = try #require(sets.first)
        #expect(set.uuid == Self.uuid)
        #expect((set.activeJournalEntries, set.btreeReadAverageDuration, set.cacheAvailablePercent) == (1, 1305, 100))
        let backing = try #require(set.backingDevices.first)
        #expect(backing.name == "bdev0")
        #expect(backing.total.cacheHits == 546)
        #expect(backing.writeback.rate == 1150976)
        #expect(set.caches.map(\.name) == ["cache0"])
        #expect((set.caches[0].metadataWritten, set.caches[0].unusedPercent) == (512, 99))
    }

    @Test func priorityStatsAreReadOnlyWhenAsked() throws {
        let set = try #require(try BcacheStats.readAll(directory: Fixtures.paths.sys("fs/bcache"), priorityStats: false).first)
        #expect(set.caches[0].unusedPercent == 0)
    }

    @Test(arguments: [
        ("546", 546.0), ("1.1M", 1150976.0), ("20.4G", 21894266880.0), ("427.5k", 437748.0), ("3Q", 0.0),
    ])
    func dehumanizesLikeProcfs(text: String, expected: Double) throws {
        #expect(try BcacheStats.dehumanize(text[...]).rounded(.towardZero) == expected)
    }

    @Test func negativeControllerTermsKeepTheirSign() throws {
        let debug = try BcacheStats.parseWritebackRateDebug("proportional: -13.2k\nchange: -1.0k/sec\n")
        #expect(debug.proportional == -13512)
        #expect(debug.change == -1024)
    }

    @Test(arguments: ["", "x.5k", "1.yM", "--3"])
    func rejectsMalformedNumbers(text: String) {
        #expect(throws: KernelParseError.self) { try BcacheStats.dehumanize(text[...]) }
    }

    @Test func rejectsMalformedPriorityStats() {
        #expect(throws: KernelParseError.self) { try BcacheStats.parsePriorityStats("Unused:\tmost%\n") }
    }

    @Test func rejectsMalformedWritebackDebug() {
        #expect(throws: KernelParseError.self) { try BcacheStats.parseWritebackRateDebug("rate: fast/sec\n") }
    }
}

@Suite struct BcacheCollectorTests {
    static func isFamily(_ name: String) -> Bool { name.hasPrefix("node_bcache_") }

    @Test func matchesE2EOutput() throws {
        try expectE2EParity("bcache", families: Self.isFamily)
    }

    @Test func priorityStatsFlagAddsThePriorityFamilies() throws {
        let without = try scrape("bcache", flags: try e2eFlags(["collector.bcache.priorityStats": "false"]))
        #expect(!without.families.contains { $0.name.hasPrefix("node_bcache_priority_stats_") })
        let with = try scrape("bcache", flags: try defaultFlags(["collector.bcache.priorityStats": "true"]))
        #expect(with.families.filter { $0.name.hasPrefix("node_bcache_priority_stats_") }.count == 2)
    }

    @Test func zeroReadaheadsAreNotExposed() throws {
        let scratch = try ScratchDirectory()
        let set = "fs/bcache/a-b/"
        for file in ["average_key_size", "btree_cache_size", "cache_available_percent", "congested", "root_usage_percent", "tree_depth",
                     "internal/active_journal_entries", "internal/btree_nodes", "internal/btree_read_average_duration_us",
                     "internal/cache_read_races", "bdev0/dirty_data"] {
            try scratch.write(set + file, "0\n")
        }
        for file in ["bypassed", "cache_hits", "cache_misses", "cache_bypass_hits", "cache_bypass_misses", "cache_miss_collisions", "cache_readaheads"] {
            try scratch.write(set + "bdev0/stats_total/" + file, "0\n")
        }
        try scratch.write(set + "bdev0/writeback_rate_debug", "rate: 1.0k/sec\n")
        let sink = try scrape("bcache", paths: HostPaths(sysfs: scratch.path))
        #expect(sink.families.contains { $0.name == "node_bcache_cache_hits_total" })
        #expect(!sink.families.contains { $0.name == "node_bcache_cache_readaheads_total" })
    }

    @Test func noBcacheIsNoData() throws {
        let scratch = try ScratchDirectory()
        #expect(try scrape("bcache", paths: HostPaths(sysfs: scratch.path)).families.isEmpty)
    }

    @Test func missingAttributeFailsTheCollector() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("fs/bcache/a-b/average_key_size", "0\n")
        #expect(throws: CollectorError.self) { try scrape("bcache", paths: HostPaths(sysfs: scratch.path)) }
    }
}
