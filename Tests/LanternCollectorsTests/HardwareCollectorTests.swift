import Glibc
import LanternCollectors
import LanternFlags
import LanternMetrics
import Testing

/// The hardware collectors against node_exporter's fixtures and the e2e flags, family by
/// family, with e2e-output.txt.
@Suite struct HardwareParityTests {
    /// Where node_exporter's e2e run (from its repository root) finds the sysfs fixtures:
    /// label values that are paths (rapl's `path`) start with it.
    static let e2eSysfs = "collector/fixtures/sys"

    /// The e2e-output.txt families each collector is compared on.
    static func isFamily(_ name: String, of collector: String) -> Bool {
        switch collector {
        // node_cpu_frequency_hertz of the fixtures comes from the cpu collector (cpuinfo).
        case "cpufreq": name.hasPrefix("node_cpu_scaling_") || name == "node_cpu_frequency_min_hertz" || name == "node_cpu_frequency_max_hertz"
        case "hwmon": name.hasPrefix("node_hwmon_")
        case "thermal_zone": name.hasPrefix("node_thermal_zone_") || name.hasPrefix("node_cooling_device_")
        case "powersupplyclass": name.hasPrefix("node_power_supply_")
        case "rapl": name.hasPrefix("node_rapl_")
        case "edac": name.hasPrefix("node_edac_")
        case "watchdog": name.hasPrefix("node_watchdog_")
        case "dmi": name.hasPrefix("node_dmi_")
        case "cpu_vulnerabilities": name.hasPrefix("node_cpu_vulnerabilities_")
        case "os": name.hasPrefix("node_os_")
        case "cgroups": name.hasPrefix("node_cgroups_")
        default: false
        }
    }

    static let collectors = [
        "cpufreq", "hwmon", "thermal_zone", "powersupplyclass", "rapl", "edac", "watchdog", "dmi", "cpu_vulnerabilities", "os",
        "cgroups",
    ]

    @Test(arguments: collectors)
    func matchesE2EOutput(collector: String) throws {
        let families = { (name: String) in Self.isFamily(name, of: collector) }
        let expected = try Exposition.expected(families: families)
        let sink = try scrape(collector)
        var actual = Exposition.collected(from: sink)
        // Path labels as the e2e run (from the repository root) sees them.
        for index in actual.samples.indices {
            actual.samples[index].labels = actual.samples[index].labels.replacing(
                Fixtures.paths.sysfs, with: Self.e2eSysfs)
        }
        actual.samples.sort()

        #expect(!expected.samples.isEmpty)
        #expect(sink.families.allSatisfy { families($0.name) }, "\(sink.families.map(\.name).filter { !families($0) })")
        #expect(actual.headers == expected.headers)
        for missing in Set(expected.samples).subtracting(actual.samples).sorted() { Issue.record("missing \(missing)") }
        for extra in Set(actual.samples).subtracting(expected.samples).sorted() { Issue.record("unexpected \(extra)") }
    }

    /// cgroups reads /proc/cgroups, which every Linux has: its absence is a failure.
    @Test(arguments: collectors.filter { $0 != "cgroups" })
    func absentHardwareIsNoDataNotAFailure(collector: String) throws {
        let scratch = try ScratchDirectory()
        // cpufreq needs the `offline` list every kernel has; everything else is absent.
        try scratch.write("sys/devices/system/cpu/offline", "\n")
        let sink = try scrape(collector, paths: HostPaths(procfs: scratch.path + "/proc", sysfs: scratch.path + "/sys", rootfs: scratch.path))
        #expect(sink.families.isEmpty)
    }

    @Test func emptyWatchdogDirectoryGivesAnEmptyInfoLine() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("sys/class/watchdog/watchdog0/timeout", "60\n")
        #expect(mkdir(scratch.path + "/sys/class/watchdog/watchdog1", 0o755) == 0)
        defer { rmdir(scratch.path + "/sys/class/watchdog/watchdog1") }
        let samples = Exposition.collected(from: try scrape("watchdog", paths: HostPaths(sysfs: scratch.path + "/sys"))).samples
        let emptyInfo = Sample(
            name: "node_watchdog_info",
            labels: "identity=\"\",name=\"watchdog1\",options=\"\",pretimeout_governor=\"\",state=\"\",status=\"\"", value: 1)
        #expect(samples.contains(emptyInfo))
        #expect(samples.contains(Sample(name: "node_watchdog_timeout_seconds", labels: "name=\"watchdog0\"", value: 60)))
    }

    @Test func cpuFrequencyFollowsTheCpufreqSwitch() throws {
        #expect(try e2eFlags().bool("collector.cpufreq"))
        let off = try scrape("cpu", flags: try e2eFlags(["collector.cpufreq": "false"]))
        #expect(!off.families.contains { $0.name == "node_cpu_frequency_hertz" })
        let on = try scrape("cpu", flags: try e2eFlags())
        #expect(on.families.contains { $0.name == "node_cpu_frequency_hertz" })
    }
}

/// Each include/exclude flag changes what is exposed.
@Suite struct HardwareFlagTests {
    func samples(_ collector: String, _ flags: [String: String]) throws -> [Sample] {
        Exposition.collected(from: try scrape(collector, paths: Fixtures.paths, flags: try defaultFlags(flags))).samples
    }

    /// The `<name>="<value>"` pairs of one label across samples.
    func labels(_ name: String, in samples: [Sample]) -> Set<String> {
        Set(samples.compactMap { sample in
            sample.labels.split(separator: ",").first { $0.hasPrefix(name + "=") }.map(String.init)
        })
    }

    func chips(_ samples: [Sample]) -> Set<String> { labels("chip", in: samples) }

    @Test func hwmonChipIncludeIsUnanchored() throws {
        let all = chips(try samples("hwmon", [:]))
        #expect(all.contains("chip=\"bogus\""))
        let included = chips(try samples("hwmon", ["collector.hwmon.chip-include": "coretemp"]))
        #expect(included == ["chip=\"platform_coretemp_0\"", "chip=\"platform_coretemp_1\""])
    }

    @Test func hwmonChipExclude() throws {
        let excluded = chips(try samples("hwmon", ["collector.hwmon.chip-exclude": "coretemp|ieee80211"]))
        #expect(!excluded.isEmpty)
        #expect(!excluded.contains { $0.contains("coretemp") || $0.contains("ieee80211") })
        #expect(excluded.contains("chip=\"nct6779\""))
    }

    @Test func hwmonSensorIncludeMatchesChipAndSensor() throws {
        let included = try samples("hwmon", ["collector.hwmon.sensor-include": "^platform_coretemp_0;temp1$"])
        let sensors = Set(included.filter { $0.name != "node_hwmon_chip_names" }.map(\.labels))
        #expect(sensors == ["chip=\"platform_coretemp_0\",sensor=\"temp1\"",
                            "chip=\"platform_coretemp_0\",label=\"Physical id 0\",sensor=\"temp1\""])
    }

    @Test func hwmonSensorExclude() throws {
        let all = try samples("hwmon", [:])
        let excluded = try samples("hwmon", ["collector.hwmon.sensor-exclude": ";temp"])
        #expect(all.contains { $0.labels.contains("sensor=\"temp1\"") })
        #expect(!excluded.contains { $0.labels.contains("sensor=\"temp") })
        #expect(excluded.contains { $0.name == "node_hwmon_fan_rpm" })
    }

    @Test func invalidHwmonPatternFailsConstruction() throws {
        let definition = try #require(CollectorTable.definition(named: "hwmon"))
        let context = CollectorContext(
            paths: Fixtures.paths, flags: try defaultFlags(["collector.hwmon.sensor-include": "(x"]), logger: testLogger)
        #expect(throws: CollectorError.self) { _ = try definition.make(context) }
    }

    @Test func ignoredPowerSupplies() throws {
        let all = labels("power_supply", in: try samples("powersupplyclass", [:]))
        #expect(all == ["power_supply=\"AC\"", "power_supply=\"BAT0\""])
        let ignored = try samples("powersupplyclass", ["collector.powersupply.ignored-supplies": "BAT"])
        #expect(!ignored.isEmpty)
        #expect(!ignored.contains { $0.labels.contains("BAT0") })
    }

    @Test func raplZoneLabel() throws {
        let labelled = try samples("rapl", ["collector.rapl.enable-zone-label": "true"])
        let sysfs = Fixtures.paths.sysfs
        #expect(labelled == [
            Sample(name: "node_rapl_joules_total", labels: "index=\"0\",path=\"\(sysfs)/class/powercap/intel-rapl:0\",rapl_zone=\"package\"",
                   value: 240422.366267),
            Sample(name: "node_rapl_joules_total", labels: "index=\"0\",path=\"\(sysfs)/class/powercap/intel-rapl:0:0\",rapl_zone=\"core\"",
                   value: 118821.284256),
        ].sorted())
    }
}
