import Testing
@testable import LanternMetrics

/// Families rebuilt by hand from node_exporter's e2e fixtures, encoded, and compared
/// byte for byte with the blocks of `e2e-output.txt`.
struct ExpositionE2ETests {
    /// The HELP, TYPE and sample lines of one family in e2e-output.txt.
    private func expectedBlock(_ name: String, in lines: [String]) -> String? {
        guard let start = lines.firstIndex(where: { $0.hasPrefix("# HELP \(name) ") }) else { return nil }
        var end = start + 2
        while end < lines.count, !lines[end].hasPrefix("#"), !lines[end].isEmpty { end += 1 }
        return lines[start..<end].joined(separator: "\n") + "\n"
    }

    private static func gauge(_ name: String, _ help: String, _ value: Double, type: MetricType = .gauge) -> MetricFamily {
        MetricFamily(name: name, help: help, type: type, metrics: [Metric(labels: [], value: .scalar(value))])
    }

    /// The fixtures hold milliseconds; node_exporter multiplies by 0.001, which is
    /// where digits like 0.10400000000000001 come from.
    private static func diskIOTime() -> MetricFamily {
        let descriptor = MetricDescriptor(
            name: "node_disk_io_time_weighted_seconds_total", help: "The weighted # of seconds spent doing I/Os.",
            type: .counter, labels: ["device"])
        let milliseconds: [(String, Double)] = [
            ("vda", 2_077_872_228), ("sda", 82_621_804), ("sdb", 67_070), ("sdc", 17_070), ("sr0", 0),
            ("dm-0", 1_206_301_256), ("dm-1", 84), ("dm-2", 129_416), ("dm-3", 104), ("dm-4", 44), ("dm-5", 105_632),
            ("mmcblk0", 156), ("mmcblk0p1", 24), ("mmcblk0p2", 68), ("nvme0n1", 1_032_546),
        ]
        var family = MetricFamily(name: descriptor.name, help: descriptor.help, type: .counter)
        for (device, value) in milliseconds {
            family.metrics.append(Metric(labels: descriptor.labels([device]) ?? [], value: .scalar(value * 0.001)))
        }
        family.sortMetrics()
        return family
    }

    private static func cpuInfo() -> MetricFamily {
        // Label names in the collector's order, not sorted: the descriptor sorts them.
        let descriptor = MetricDescriptor(
            name: "node_cpu_info", help: "CPU information from /proc/cpuinfo.", type: .gauge,
            labels: ["package", "core", "cpu", "vendor", "family", "model", "model_name", "microcode", "stepping", "cachesize"])
        var family = MetricFamily(name: descriptor.name, help: descriptor.help, type: .gauge)
        for (core, cpu) in [(3, 7), (0, 0), (1, 1), (2, 2), (3, 3), (0, 4), (1, 5), (2, 6)] {
            let labels = descriptor.labels([
                "0", String(core), String(cpu), "GenuineIntel", "6", "142", "Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz",
                "0xb4", "10", "8192 KB",
            ]) ?? []
            family.metrics.append(Metric(labels: labels, value: .scalar(1)))
        }
        family.sortMetrics()
        return family
    }

    static let families: [MetricFamily] = [
        MetricFamily(
            name: "node_bcache_btree_read_average_duration_seconds", help: "Average btree read duration.", type: .gauge,
            metrics: [Metric(labels: [Label("uuid", "deaddd54-c735-46d5-868e-f331c5fd7c74")], value: .scalar(1305e-9))]),
        MetricFamily(
            name: "node_bcache_dirty_target_bytes",
            help: "Current dirty data target threshold for this backing device in bytes.", type: .gauge,
            metrics: [Metric(
                labels: [Label("backing_device", "bdev0"), Label("uuid", "deaddd54-c735-46d5-868e-f331c5fd7c74")],
                value: .scalar(21_894_266_880))]),
        MetricFamily(
            name: "node_bonding_slaves", help: "Number of configured slaves per bonding interface.", type: .gauge,
            metrics: [
                Metric(labels: [Label("master", "bond0")], value: .scalar(0)),
                Metric(labels: [Label("master", "dmz")], value: .scalar(2)),
                Metric(labels: [Label("master", "int")], value: .scalar(2)),
            ]),
        gauge("node_boot_time_seconds", "Node boot time, in unixtime.", 1_418_183_276),
        cpuInfo(),
        diskIOTime(),
        gauge("node_entropy_available_bits", "Bits of available entropy.", 1337),
        gauge("node_load1", "1m load average.", 0.21),
        gauge("node_memory_MemTotal_bytes", "Memory information field MemTotal_bytes.", 3_742_148 * 1024),
        MetricFamily(
            name: "node_schedstat_running_seconds_total", help: "Number of seconds CPU spent running a process.",
            type: .counter,
            metrics: [
                Metric(labels: [Label("cpu", "0")], value: .scalar(2_045_936_778_163_039 / 1e9)),
                Metric(labels: [Label("cpu", "1")], value: .scalar(1_904_686_152_592_476 / 1e9)),
            ]),
        gauge("node_sockstat_TCP_mem_bytes", "Number of TCP sockets in state mem_bytes.", 4096),
        gauge("node_textfile_scrape_error", "1 if there was an error opening or reading a file, 0 otherwise", 0),
        gauge("node_zfs_abd_linear_data_size", "kstat.zfs.misc.abdstats.linear_data_size", 223_232, type: .untyped),
        MetricFamily(
            name: "testmetric1_1", help: "Metric read from collector/fixtures/textfile/two_metric_files/metrics1.prom",
            type: .untyped, metrics: [Metric(labels: [Label("foo", "bar")], value: .scalar(10))]),
    ]

    @Test(arguments: families.map(\.name))
    func familyMatchesNodeExporterBytes(_ name: String) throws {
        let lines = try #require(ExpositionFixtures.e2eOutputLines, "e2e-output.txt not found from \(#filePath)")
        let family = try #require(Self.families.first { $0.name == name })
        let expected = try #require(expectedBlock(name, in: lines), "\(name) not in e2e-output.txt")
        #expect(TextEncoder.encode([family]).text == expected)
    }

    @Test func concatenatedFamiliesMatchToo() throws {
        let lines = try #require(ExpositionFixtures.e2eOutputLines)
        let blocks = Self.families.compactMap { expectedBlock($0.name, in: lines) }
        #expect(blocks.count == Self.families.count)
        let expected = blocks.joined()
        #expect(TextEncoder.encode(Self.families).text == expected)
    }
}
