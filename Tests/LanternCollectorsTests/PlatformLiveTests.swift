@testable import LanternCollectors
import LanternMetrics
import Testing

/// timex reads the live kernel clock: the shape and units are checked, and the sync
/// status logic on made-up readings.
@Suite struct TimexTests {
    static let families: Set<String> = [
        "node_timex_sync_status", "node_timex_offset_seconds", "node_timex_frequency_adjustment_ratio",
        "node_timex_maxerror_seconds", "node_timex_estimated_error_seconds", "node_timex_status", "node_timex_loop_time_constant",
        "node_timex_tick_seconds", "node_timex_pps_frequency_hertz", "node_timex_pps_jitter_seconds", "node_timex_pps_shift_seconds",
        "node_timex_pps_stability_hertz", "node_timex_pps_jitter_total", "node_timex_pps_calibration_total",
        "node_timex_pps_error_total", "node_timex_pps_stability_exceeded_total", "node_timex_tai_offset_seconds",
    ]

    @Test func liveShape() throws {
        let sink = try scrape("timex", flags: try defaultFlags())
        #expect(Set(sink.families.map(\.name)) == Self.families)
        let samples = Exposition.collected(from: sink).samples
        let value = { (name: String) in samples.first { $0.name == name }?.value }
        #expect([0, 1].contains(value("node_timex_sync_status")))
        // The kernel tick is 1/USER_HZ .. 1/1000 s on every configuration.
        let tick = try #require(value("node_timex_tick_seconds"))
        #expect(tick > 0.0009 && tick < 0.011)
        #expect(sink.families.first { $0.name == "node_timex_pps_jitter_total" }?.type == .counter)
    }

    func reading(state: Int32, status: Int) -> TimexCollector.Reading {
        TimexCollector.Reading(
            clockState: state, status: status, offset: 1500, frequency: 65536, maxError: 2_000_000, estimatedError: 500,
            constant: 2, tick: 10000, ppsFrequency: 0, jitter: 3000, shift: 4, stability: 0, jitterCount: 1, calibrationCount: 2,
            errorCount: 3, stabilityCount: 4, tai: 37)
    }

    func samples(_ reading: TimexCollector.Reading) -> [String: Double] {
        let sink = MetricSink()
        TimexCollector.add(reading, to: sink)
        return Dictionary(uniqueKeysWithValues: Exposition.collected(from: sink).samples.map { ($0.name, $0.value) })
    }

    @Test func syncStatusAndUnits() {
        // TIME_ERROR (5) means unsynchronized; any other clock state is synchronized.
        #expect(samples(reading(state: 5, status: 0x40))["node_timex_sync_status"] == 0)
        #expect(samples(reading(state: 0, status: 0))["node_timex_sync_status"] == 1)
        #expect(samples(reading(state: 1, status: 0))["node_timex_sync_status"] == 1)
        // Microsecond offsets, unless STA_NANO (0x2000) is set.
        let micro = samples(reading(state: 0, status: 0))
        #expect(micro["node_timex_offset_seconds"] == 0.0015)
        #expect(micro["node_timex_pps_jitter_seconds"] == 0.003)
        let nano = samples(reading(state: 0, status: 0x2000))
        #expect(nano["node_timex_offset_seconds"] == 0.0000015)
        #expect(micro["node_timex_frequency_adjustment_ratio"] == 1 + 65536 / (1_000_000.0 * 65536.0))
        #expect(micro["node_timex_maxerror_seconds"] == 2)
        #expect(micro["node_timex_tick_seconds"] == 0.01)
        #expect(micro["node_timex_tai_offset_seconds"] == 37)
    }
}

/// SELinux is not enabled on the test hosts: node_exporter then says so with
/// node_selinux_enabled 0. The enabled path runs on a scratch selinuxfs.
@Suite struct SELinuxTests {
    @Test func liveHostWithoutSELinux() throws {
        try #require(SELinuxCollector.liveMountPoint() == nil, "this host has SELinux")
        let samples = Exposition.collected(from: try scrape("selinux", flags: try defaultFlags())).samples
        #expect(samples == [Sample(name: "node_selinux_enabled", labels: "", value: 0)])
    }

    @Test func enabledHost() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("selinuxfs/enforce", "1\n")
        try scratch.write("label", "system_u:system_r:node_exporter_t:s0\0")
        try scratch.write("config", "# comment\nSELINUX=permissive\nSELINUXTYPE=targeted\n")
        try scratch.write("sys/fs/selinux/avc/cache_stats", "lookups hits misses allocations reclaims frees\n10 8 2 2 0 1\n5 4 1 1 0 0\n")
        try scratch.write("sys/fs/selinux/avc/hash_stats", "entries: 503\nbuckets used: 433/512\nlongest chain: 4\n")
        try scratch.write("sys/fs/selinux/avc/cache_threshold", "512\n")
        let root = scratch.path
        let host = SELinuxCollector.Host(mountPoint: { root + "/selinuxfs" }, processLabelPath: root + "/label", configPath: root + "/config")
        let sink = MetricSink()
        try SELinuxCollector(paths: HostPaths(sysfs: root + "/sys"), host: host).collect(into: sink)
        let values = Dictionary(uniqueKeysWithValues: Exposition.collected(from: sink).samples.map { ($0.name, $0.value) })
        #expect(values == [
            "node_selinux_enabled": 1, "node_selinux_config_mode": 0, "node_selinux_current_mode": 1,
            "node_selinux_avc_lookups_total": 15, "node_selinux_avc_hits_total": 12, "node_selinux_avc_misses_total": 3,
            "node_selinux_avc_allocations_total": 3, "node_selinux_avc_reclaims_total": 0, "node_selinux_avc_frees_total": 1,
            "node_selinux_avc_hash_entries": 503, "node_selinux_avc_hash_buckets_used": 433,
            "node_selinux_avc_hash_buckets_available": 512, "node_selinux_avc_hash_longest_chain": 4, "node_selinux_avc_threshold": 512,
        ])
        #expect(sink.families.first { $0.name == "node_selinux_avc_hits_total" }?.type == .counter)
    }

    @Test func kernelLabelMeansDisabled() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("label", "kernel\0")
        let root = scratch.path
        let host = SELinuxCollector.Host(mountPoint: { root }, processLabelPath: root + "/label", configPath: root + "/config")
        let sink = MetricSink()
        try SELinuxCollector(paths: HostPaths(sysfs: root + "/sys"), host: host).collect(into: sink)
        #expect(Exposition.collected(from: sink).samples == [Sample(name: "node_selinux_enabled", labels: "", value: 0)])
    }

    @Test func malformedAVCFiles() {
        #expect(throws: KernelParseError.self) { _ = try SELinuxFiles.parseCacheStats("header\n1 2 3\n") }
        #expect(throws: KernelParseError.self) { _ = try SELinuxFiles.parseCacheStats("header\n1 2 3 4 5 x\n") }
        #expect(throws: KernelParseError.self) { _ = try SELinuxFiles.parseCacheStats("header\n1 2 3 4 5 99999999999\n") }
        #expect(throws: KernelParseError.self) { _ = try SELinuxFiles.parseHashStats("entries 5\n") }
        #expect(throws: KernelParseError.self) { _ = try SELinuxFiles.parseHashStats("buckets used: 4\n") }
        #expect(throws: KernelParseError.self) { _ = try SELinuxFiles.parseHashStats("entries: -1\n") }
        #expect(SELinuxFiles.parseConfigMode("SELINUX=enforcing\n") == 1)
        #expect(SELinuxFiles.parseConfigMode("SELINUX=disabled\n") == -1)
        #expect(SELinuxFiles.parseConfigMode("") == -1)
    }
}
