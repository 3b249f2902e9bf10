import LanternCollectors
import LanternFlags
import LanternMetrics
import Testing

/// Each collector against node_exporter's fixture tree with the e2e flags, compared
/// family by family (help, type, label sets, values) with e2e-output.txt.
@Suite struct CollectorParityTests {
    static let cpuFamilies: Set<String> = [
        "node_cpu_seconds_total", "node_cpu_guest_seconds_total", "node_cpu_info", "node_cpu_frequency_hertz",
        "node_cpu_flag_info", "node_cpu_bug_info", "node_cpu_core_throttles_total", "node_cpu_package_throttles_total",
        "node_cpu_isolated", "node_cpu_online",
    ]
    static let statFamilies: Set<String> = [
        "node_boot_time_seconds", "node_context_switches_total", "node_forks_total", "node_intr_total",
        "node_procs_blocked", "node_procs_running", "node_softirqs_total",
    ]

    /// The e2e-output.txt families each collector is compared on.
    static func isFamily(_ name: String, of collector: String) -> Bool {
        switch collector {
        case "cpu": cpuFamilies.contains(name)
        case "meminfo": name.hasPrefix("node_memory_") && !name.hasPrefix("node_memory_numa_")
        case "loadavg": ["node_load1", "node_load5", "node_load15"].contains(name)
        case "stat": statFamilies.contains(name)
        // node_time_seconds and the zone are live values, checked in LiveCollectorTests.
        case "time": name.hasPrefix("node_time_clocksource_")
        default: false
        }
    }

    @Test(arguments: ["cpu", "meminfo", "loadavg", "stat", "time"])
    func matchesE2EOutput(collector: String) throws {
        let families = { (name: String) in Self.isFamily(name, of: collector) }
        let expected = try Exposition.expected(families: families)
        var actual = Exposition.collected(from: try scrape(collector))
        actual.headers = actual.headers.filter { families($0.key) }
        actual.samples = actual.samples.filter { families($0.name) }

        #expect(!expected.samples.isEmpty)
        #expect(actual.headers == expected.headers)
        #expect(actual.samples == expected.samples)
        for missing in Set(expected.samples).subtracting(actual.samples).sorted() { Issue.record("missing \(missing)") }
        for extra in Set(actual.samples).subtracting(expected.samples).sorted() { Issue.record("unexpected \(extra)") }
    }

    @Test func cpuInfoOffExposesNoInfoFamilies() throws {
        let sink = try scrape("cpu", flags: defaultFlags())
        let names = Set(sink.families.map(\.name))
        #expect(names == ["node_cpu_seconds_total", "node_cpu_guest_seconds_total", "node_cpu_core_throttles_total",
                          "node_cpu_package_throttles_total", "node_cpu_isolated"])
    }

    @Test func includeFlagsTurnCPUInfoOnAndGuestCanBeDisabled() throws {
        let sink = try scrape("cpu", flags: defaultFlags(["collector.cpu.info.flags-include": "^avx", "collector.cpu.guest": "false"]))
        let names = Set(sink.families.map(\.name))
        #expect(names.contains("node_cpu_info"))
        #expect(!names.contains("node_cpu_guest_seconds_total"))
        #expect(!names.contains("node_cpu_bug_info"))
        let flags = Exposition.collected(from: sink).samples.filter { $0.name == "node_cpu_flag_info" }.map(\.labels)
        #expect(flags == ["flag=\"avx\"", "flag=\"avx2\""])
    }

    @Test func frequencyFollowsTheCpufreqCollector() throws {
        var flags = try e2eFlags()
        flags = ParsedFlags(values: flags.values.merging(["collector.cpufreq": ["false"]]) { $1 }, explicitlySet: flags.explicitlySet)
        let sink = try scrape("cpu", flags: flags)
        #expect(!sink.families.contains { $0.name == "node_cpu_frequency_hertz" })
    }

    @Test func unanchoredIncludePatternMatchesAnywhereLikeGo() throws {
        let filter = try IncludeFilter(pattern: "sse4")
        #expect(filter.matches("sse4_1"))
        #expect(filter.matches("xsse4"))
        #expect(try !IncludeFilter(pattern: "^sse4$").matches("sse4_1"))
    }

    @Test func invalidIncludePatternFailsConstruction() throws {
        let definition = try #require(CollectorTable.definition(named: "cpu"))
        let context = CollectorContext(paths: Fixtures.paths, flags: try e2eFlags(["collector.cpu.info.bugs-include": "(unclosed"]), logger: testLogger)
        #expect(throws: CollectorError.self) { _ = try definition.make(context) }
    }

    @Test func statWithoutSoftirqFlag() throws {
        let sink = try scrape("stat", flags: defaultFlags())
        #expect(!sink.families.contains { $0.name == "node_softirqs_total" })
        #expect(sink.families.count == 6)
    }

    @Test func missingProcFileFailsTheScrapeWithThePath() throws {
        let paths = HostPaths(procfs: "/nonexistent/lantern/proc", sysfs: "/nonexistent/lantern/sys")
        for name in ["cpu", "meminfo", "loadavg", "stat"] {
            #expect {
                _ = try scrape(name, paths: paths)
            } throws: { error in
                "\(error)".contains("/nonexistent/lantern/proc/")
            }
        }
    }
}

/// node_exporter keeps each CPU counter at its last value when the kernel reports a
/// lower one, and starts over when idle drops by 3 s or more (a hotplugged CPU).
@Suite struct CPUCounterGuardTests {
    func seconds(_ sink: MetricSink, mode: String) -> Double? {
        Exposition.collected(from: sink).samples
            .first { $0.name == "node_cpu_seconds_total" && $0.labels == "cpu=\"0\",mode=\"\(mode)\"" }?.value
    }

    @Test func countersNeverGoBackwards() throws {
        let scratch = try ScratchDirectory()
        let paths = HostPaths(procfs: scratch.path + "/proc", sysfs: scratch.path + "/sys")
        let collector = try CPUCollector(paths: paths, options: .init(), logger: testLogger)

        try scratch.write("proc/stat", "cpu0 1000 0 0 50000 0 0 0 0 0 0\ncpu1 1 1 1 1 1 1 1 1 1 1\n")
        let first = MetricSink()
        try collector.collect(into: first)
        #expect(seconds(first, mode: "user") == 10)

        // user went back a little, idle a little (under 3 s): both keep their last value.
        try scratch.write("proc/stat", "cpu0 900 0 0 49900 0 0 0 0 0 0\ncpu1 1 1 1 1 1 1 1 1 1 1\n")
        let second = MetricSink()
        try collector.collect(into: second)
        #expect(seconds(second, mode: "user") == 10)
        #expect(seconds(second, mode: "idle") == 500)

        // idle dropped by 400 s: a hotplug, so the new values are taken as they are.
        try scratch.write("proc/stat", "cpu0 5 0 0 10000 0 0 0 0 0 0\n")
        let third = MetricSink()
        try collector.collect(into: third)
        #expect(seconds(third, mode: "user") == 0.05)
        #expect(seconds(third, mode: "idle") == 100)
        // cpu1 went offline: it is no longer exposed.
        #expect(!Exposition.collected(from: third).samples.contains { $0.labels.hasPrefix("cpu=\"1\"") })
    }

    @Test func onlineIsExposedWhenTheKernelHasOnlineFiles() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("proc/stat", "cpu0 1 1 1 1 1 1 1 1 1 1\n")
        try scratch.write("sys/devices/system/cpu/cpu0/online", "1\n")
        try scratch.write("sys/devices/system/cpu/cpu1/online", "0\n")
        let paths = HostPaths(procfs: scratch.path + "/proc", sysfs: scratch.path + "/sys")
        let sink = MetricSink()
        try CPUCollector(paths: paths, options: .init(), logger: testLogger).collect(into: sink)
        let online = Exposition.collected(from: sink).samples.filter { $0.name == "node_cpu_online" }
        #expect(online == [Sample(name: "node_cpu_online", labels: "cpu=\"0\"", value: 1),
                           Sample(name: "node_cpu_online", labels: "cpu=\"1\"", value: 0)])
    }
}

/// uname and the clock read the live host: their shape is checked, not their values.
@Suite struct LiveCollectorTests {
    @Test func uname() throws {
        let families = try scrape("uname").families
        #expect(families.count == 1)
        let family = try #require(families.first)
        #expect(family.name == "node_uname_info")
        #expect(family.help == "Labeled system information as provided by the uname system call.")
        let labels = try #require(family.metrics.first?.labels)
        #expect(labels.map(\.name) == ["domainname", "machine", "nodename", "release", "sysname", "version"])
        #expect(labels.first { $0.name == "sysname" }?.value == "Linux")
        #expect(labels.allSatisfy { !$0.value.isEmpty })
    }

    @Test func timeAndZone() throws {
        let samples = Exposition.collected(from: try scrape("time")).samples
        let now = try #require(samples.first { $0.name == "node_time_seconds" })
        #expect(now.value > 1.7e9)
        let zone = try #require(samples.first { $0.name == "node_time_zone_offset_seconds" })
        #expect(zone.labels.hasPrefix("time_zone=\""))
        #expect(abs(zone.value) <= 14 * 3600)
    }
}

@Suite struct CollectorTableTests {
    @Test func namesDefaultsAndFlags() {
        let table = CollectorTable.definitions
        let names = table.map(\.name)
        #expect(names == names.sorted(), "the table is kept in alphabetical order")
        #expect(Set(names).count == names.count, "collector names are unique")
        for name in ["cpu", "loadavg", "meminfo", "stat", "time", "uname"] {
            #expect(CollectorTable.definition(named: name)?.enabledByDefault == true, "\(name) is on by default")
        }
        let flags = table.flatMap(\.flags)
        #expect(Set(flags.map(\.name)).count == flags.count, "flag names are unique")
        for definition in table {
            #expect(definition.flags.allSatisfy { $0.name.hasPrefix("collector.") }, "\(definition.name)'s flags")
        }
        #expect(flags.first { $0.name == "collector.cpu.guest" }?.defaultValue == "true")
        #expect(flags.first { $0.name == "collector.stat.softirq" }?.kind == .bool)
    }
}
