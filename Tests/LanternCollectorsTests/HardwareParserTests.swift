import Glibc
@testable import LanternCollectors
import LanternMetrics
import LanternSupport
import Testing

/// The sysfs readers behind the hardware collectors: fixture contents, and malformed
/// input that must give an error naming the file, never a crash.
@Suite struct HardwareParserTests {
    let sysfs = Fixtures.paths.sysfs

    func sysfsWith(_ files: [String: String]) throws -> ScratchDirectory {
        let scratch = try ScratchDirectory()
        for (path, content) in files { try scratch.write("sys/" + path, content) }
        return scratch
    }

    func expectFileError(_ path: String, _ body: () throws -> Void) {
        #expect { try body() } throws: { error in
            guard let error = error as? KernelFileError else { return false }
            return error.path.hasSuffix(path) && error.errno == nil
        }
    }

    // MARK: cpufreq

    @Test func cpufreqFixture() throws {
        let cpus = try SysfsCPUFreq.read(sysfsCPU: sysfs + "/devices/system/cpu")
        #expect(cpus.map(\.cpu) == ["0", "1", "2", "3"])
        let first = try #require(cpus.first)
        #expect(first.scalingCurrent == 1_699_981 && first.scalingMinimum == 800_000 && first.scalingMaximum == 3_700_000)
        #expect(first.cpuinfoCurrent == nil)
        #expect(first.governor == "powersave" && first.availableGovernors == "performance powersave")
    }

    @Test func cpufreqSkipsOfflineCPUs() throws {
        let scratch = try sysfsWith([
            "devices/system/cpu/offline": "1\n",
            "devices/system/cpu/cpu0/cpufreq/scaling_cur_freq": "1000\n",
            "devices/system/cpu/cpu0/cpufreq/scaling_governor": "performance\n",
            "devices/system/cpu/cpu0/cpufreq/scaling_available_governors": "performance\n",
            "devices/system/cpu/cpu1/cpufreq/scaling_cur_freq": "1000\n",
        ])
        let cpus = try SysfsCPUFreq.read(sysfsCPU: scratch.path + "/sys/devices/system/cpu")
        #expect(cpus.map(\.cpu) == ["0"])
    }

    @Test(arguments: ["abc", "-5", "99999999999999999999999"])
    func cpufreqMalformedFrequency(value: String) throws {
        let scratch = try sysfsWith([
            "devices/system/cpu/offline": "\n",
            "devices/system/cpu/cpu0/cpufreq/scaling_max_freq": value + "\n",
        ])
        expectFileError("cpu0/cpufreq/scaling_max_freq") { _ = try SysfsCPUFreq.read(sysfsCPU: scratch.path + "/sys/devices/system/cpu") }
    }

    @Test func cpufreqMalformedOfflineList() throws {
        let scratch = try sysfsWith(["devices/system/cpu/offline": "1-x\n"])
        expectFileError("devices/system/cpu/offline") { _ = try SysfsCPUFreq.read(sysfsCPU: scratch.path + "/sys/devices/system/cpu") }
    }

    // MARK: hwmon

    @Test func sensorFileNames() {
        #expect(SysfsHwmon.explode("temp1_input") == HwmonSensorFile(type: "temp", number: 1, property: "input"))
        #expect(SysfsHwmon.explode("pwm1") == HwmonSensorFile(type: "pwm", number: 1, property: ""))
        #expect(SysfsHwmon.explode("pwm1_auto_point2_temp") == HwmonSensorFile(type: "pwm", number: 1, property: "auto_point2_temp"))
        #expect(SysfsHwmon.explode("beep_enable") == HwmonSensorFile(type: "beep_enable", number: 0, property: ""))
        // Go's leftmost-first match gives up the longest type when the rest cannot match.
        #expect(SysfsHwmon.explode("foo_bar1x") == HwmonSensorFile(type: "foo", number: 0, property: "bar1x"))
        #expect(SysfsHwmon.explode("1abc") == nil)
        #expect(SysfsHwmon.explode("temp1_") == nil)
        #expect(SysfsHwmon.explode("") == nil)
        #expect(SysfsHwmon.explode("temp99999999999999999999999_input") == nil)
    }

    @Test func cleanNames() {
        #expect(SysfsHwmon.cleanName("Core 0\n") == "core_0")
        #expect(SysfsHwmon.cleanName("__a-b.c__") == "a_b_c")
        #expect(SysfsHwmon.cleanName("\u{1F600}") == "")
        #expect(SysfsHwmon.cleanName("") == "")
    }

    @Test func hwmonChipFixture() throws {
        let chip = try SysfsHwmon.readChip(directory: sysfs + "/class/hwmon/hwmon0")
        #expect(chip.baseName == "platform_coretemp_0")
        #expect(chip.chipName == "coretemp")
        #expect(chip.hwmonDirectoryName == "hwmon0")
        #expect(chip.sensors["temp1"]?["label"] == "Physical id 0")
        #expect(chip.sensors["temp1"]?["input"] == "55000")
        // Sensor files of the `device` directory count too (applesmc keeps its fans there).
        #expect(try SysfsHwmon.readChip(directory: sysfs + "/class/hwmon/hwmon2").sensors["fan1"]?["input"] != nil)
    }

    @Test func hwmonValuesThatAreNotNumbersAreSkipped() throws {
        let scratch = try sysfsWith([
            "class/hwmon/hwmon0/name": "weird\n",
            "class/hwmon/hwmon0/temp1_input": "not-a-number\n",
            "class/hwmon/hwmon0/temp2_input": "\u{0}\u{1}garbage",
            "class/hwmon/hwmon0/in0_input": "1500\n",
        ])
        let sink = try scrape("hwmon", paths: HostPaths(sysfs: scratch.path + "/sys"), flags: try defaultFlags())
        let samples = Exposition.collected(from: sink).samples
        #expect(samples.map(\.name).sorted() == ["node_hwmon_chip_names", "node_hwmon_in_volts"])
        #expect(samples.contains(Sample(name: "node_hwmon_in_volts", labels: "chip=\"weird\",sensor=\"in0\"", value: 1.5)))
    }

    @Test func hwmonChipsSharingADeviceAreToldApart() {
        func chip(_ directory: String, _ name: String?) -> HwmonChip {
            HwmonChip(directory: directory, baseName: "platform_x", chipName: name, hwmonDirectoryName: directory, sensors: [:])
        }
        #expect(HwmonCollector.chipLabels([chip("hwmon1", "a"), chip("hwmon2", "b")]) == ["platform_x_a", "platform_x_b"])
        #expect(HwmonCollector.chipLabels([chip("hwmon1", "a"), chip("hwmon2", "a")]) == ["platform_x_hwmon1", "platform_x_hwmon2"])
        #expect(HwmonCollector.chipLabels([chip("hwmon1", nil)]) == ["platform_x"])
    }

    // MARK: thermal

    @Test func thermalFixture() throws {
        let directory = sysfs + "/class/thermal"
        #expect(try SysfsThermal.zones(classThermal: directory)
            == [ThermalZone(name: "0", type: "cpu-thermal", policy: "step_wise", temperature: 12376)])
        #expect(try SysfsThermal.coolingDevices(classThermal: directory)
            == [CoolingDevice(name: "0", type: "Processor", maxState: 3, currentState: 0)])
    }

    @Test func thermalMalformedValues() throws {
        let zone = try sysfsWith(["class/thermal/thermal_zone0/type": "x\n", "class/thermal/thermal_zone0/policy": "p\n",
                                  "class/thermal/thermal_zone0/temp": "12.5\n"])
        expectFileError("thermal_zone0/temp") { _ = try SysfsThermal.zones(classThermal: zone.path + "/sys/class/thermal") }
        let device = try sysfsWith(["class/thermal/cooling_device0/type": "x\n", "class/thermal/cooling_device0/max_state": "3\n",
                                    "class/thermal/cooling_device0/cur_state": "three\n"])
        expectFileError("cooling_device0/cur_state") {
            _ = try SysfsThermal.coolingDevices(classThermal: device.path + "/sys/class/thermal")
        }
        // A zone without its policy is skipped, as procfs skips zones it cannot read.
        let partial = try sysfsWith(["class/thermal/thermal_zone0/type": "x\n", "class/thermal/thermal_zone0/temp": "1\n"])
        #expect(try SysfsThermal.zones(classThermal: partial.path + "/sys/class/thermal").isEmpty)
    }

    // MARK: power supply

    @Test func powerSupplyFixture() throws {
        let supplies = try SysfsPowerSupply.read(classPowerSupply: sysfs + "/class/power_supply")
        #expect(supplies.map(\.name) == ["AC", "BAT0"])
        let battery = supplies[1]
        #expect(battery.numbers["energy_now"] == 36_580_000)
        #expect(battery.texts["model_name"] == "LNV-45N1\u{FFFD}\u{FFFD}")
        // Attributes procfs does not know (charge_start_threshold) are not read.
        #expect(battery.numbers["charge_start_threshold"] == nil)
    }

    @Test func goIntegerSyntax() throws {
        #expect(try parseGoInt64("0x10", field: "v") == 16)
        #expect(try parseGoInt64("010", field: "v") == 8)
        #expect(try parseGoInt64("-0b11", field: "v") == -3)
        #expect(try parseGoInt64("0", field: "v") == 0)
        #expect(try parseGoInt64("-9223372036854775808", field: "v") == Int64.min)
        for bad in ["", "-", "0x", "08", "+-1", "1.5", "9223372036854775808", " 1"] {
            #expect(throws: KernelParseError.self) { _ = try parseGoInt64(bad[...], field: "v") }
        }
    }

    @Test func powerSupplyMalformedNumber() throws {
        let scratch = try sysfsWith(["class/power_supply/BAT0/capacity": "full\n"])
        expectFileError("BAT0/capacity") { _ = try SysfsPowerSupply.read(classPowerSupply: scratch.path + "/sys/class/power_supply") }
    }

    // MARK: rapl

    @Test func raplFixture() throws {
        let zones = try SysfsRapl.zones(classPowercap: sysfs + "/class/powercap")
        #expect(zones.map(\.name) == ["package", "core"])
        #expect(zones.map(\.index) == [0, 0])
        #expect(try zones.map(SysfsRapl.energyMicrojoules) == [240_422_366_267, 118_821_284_256])
    }

    @Test func raplIndexes() {
        #expect(SysfsRapl.indexAndName("package-1", usages: [:]) == (1, "package"))
        #expect(SysfsRapl.indexAndName("dram", usages: ["dram": 2]) == (2, "dram"))
        #expect(SysfsRapl.indexAndName("a-b-c", usages: [:]) == (0, "a-b-c"))
        #expect(SysfsRapl.indexAndName("psys-x", usages: [:]) == (0, "psys-x"))
    }

    @Test func raplMalformedRange() throws {
        let scratch = try sysfsWith(["class/powercap/intel-rapl:0/name": "package-0\n",
                                     "class/powercap/intel-rapl:0/max_energy_range_uj": "-1\n"])
        expectFileError("intel-rapl:0/max_energy_range_uj") { _ = try SysfsRapl.zones(classPowercap: scratch.path + "/sys/class/powercap") }
    }

    @Test func raplMetricNamesAreSanitized() {
        #expect(sanitizedMetricName("package_joules_total") == "package_joules_total")
        #expect(sanitizedMetricName("dram-x_joules_total") == "dram_x_joules_total")
        #expect(sanitizedMetricName("a__.-__b") == "a_b")
        #expect(sanitizedMetricName("__a") == "__a")
    }

    // MARK: edac

    @Test func edacFixture() throws {
        let controllers = try SysfsEDAC.controllers(edacMC: sysfs + "/devices/system/edac/mc")
        let controller = try #require(controllers.first)
        #expect(controller.number == "0" && controller.correctable == 1 && controller.uncorrectableNoInfo == 6)
        #expect(controller.csrows.map(\.number) == ["0", "1", "2"])
        #expect(controller.csrows[2].channels.map(\.uncorrectable) == [nil, nil])
        #expect(controller.csrows[0].channels[1].dimmLabel == "mc0_csrow0_channel1")
        #expect(SysfsEDAC.formatDimmLabel("#mc1csrow2channel3") == "mc1_csrow2_channel3")
    }

    @Test func edacMalformedAndMissingCounts() throws {
        let malformed = try sysfsWith(["devices/system/edac/mc/mc0/ce_count": "many\n"])
        expectFileError("mc0/ce_count") { _ = try SysfsEDAC.controllers(edacMC: malformed.path + "/sys/devices/system/edac/mc") }
        let missing = try sysfsWith(["devices/system/edac/mc/mc0/ce_count": "1\n"])
        #expect(throws: KernelFileError.self) { _ = try SysfsEDAC.controllers(edacMC: missing.path + "/sys/devices/system/edac/mc") }
    }

    // MARK: watchdog

    @Test func watchdogFixture() throws {
        let devices = try SysfsWatchdog.devices(classWatchdog: sysfs + "/class/watchdog")
        let device = try #require(devices.first)
        #expect(device.name == "watchdog0")
        #expect(device.numbers["timeleft"] == 300 && device.numbers["pretimeout"] == 120)
        #expect(device.texts["options"] == "0x8380" && device.texts["identity"] == "Software Watchdog")
    }

    @Test func watchdogMalformedNumber() throws {
        let scratch = try sysfsWith(["class/watchdog/watchdog0/timeout": "60s\n"])
        expectFileError("watchdog0/timeout") { _ = try SysfsWatchdog.devices(classWatchdog: scratch.path + "/sys/class/watchdog") }
    }

    // MARK: dmi, vulnerabilities, os-release, cgroups

    @Test func dmiFixture() throws {
        let dmi = try #require(try SysfsDMI.read(directory: sysfs + "/class/dmi/id"))
        #expect(dmi["bios_vendor"] == "Dell Inc.")
        #expect(dmi["chassis_asset_tag"] == "")
        #expect(dmi["modalias"] == nil && dmi["uevent"] == nil && dmi["board_asset_tag"] == nil)
        #expect(try SysfsDMI.read(directory: "/nonexistent/lantern/dmi") == nil)
    }

    @Test func vulnerabilityStates() throws {
        #expect(try SysfsCPUVulnerabilities.parse(codename: "a", "Not affected\n").state == "not affected")
        let vulnerable = try SysfsCPUVulnerabilities.parse(codename: "a", "Vulnerable: Safe RET, no microcode\n")
        #expect(vulnerable.state == "vulnerable" && vulnerable.mitigation == "Safe RET, no microcode")
        let mitigated = try SysfsCPUVulnerabilities.parse(codename: "a", "Mitigation: PTI\n")
        #expect(mitigated.state == "mitigation" && mitigated.mitigation == "PTI")
        #expect(try SysfsCPUVulnerabilities.parse(codename: "a", "Unknown: Dependent on hypervisor status").state == "unknown")
        #expect(throws: KernelParseError.self) { _ = try SysfsCPUVulnerabilities.parse(codename: "a", "Probably fine") }
        #expect(throws: KernelParseError.self) { _ = try SysfsCPUVulnerabilities.parse(codename: "a", "") }
    }

    @Test func osReleaseSyntax() throws {
        let release = try OSRelease.parse("""
            # comment
            NAME="Debian GNU/Linux"
            export ID=debian
            VERSION='12 (bookworm)'
            ESCAPED="a \\"quoted\\" word"
            EMPTY=
            """)
        #expect(release == ["NAME": "Debian GNU/Linux", "ID": "debian", "VERSION": "12 (bookworm)", "ESCAPED": "a \"quoted\" word", "EMPTY": ""])
        for bad in ["NO_EQUALS", "1KEY=x", "KEY=\"unterminated", "KEY=\"x\" trailing", "BAD-KEY=x"] {
            #expect(throws: KernelParseError.self) { _ = try OSRelease.parse(bad) }
        }
    }

    @Test func osVersionNumbers() {
        #expect(OSRelease.majorMinor("20.04") == 20.04)
        #expect(OSRelease.majorMinor("12") == 12)
        #expect(OSRelease.majorMinor("2023.1.2") == 2023.1)
        #expect(OSRelease.majorMinor("rolling") == 0)
        #expect(OSRelease.majorMinor("") == 0)
        #expect(OSRelease.unixTime(ofDate: "2025-06-30") == 1_751_241_600)
        #expect(OSRelease.unixTime(ofDate: "1970-01-01") == 0)
        #expect(OSRelease.unixTime(ofDate: "2024-02-30") == nil)
        #expect(OSRelease.unixTime(ofDate: "2024-2-3") == nil)
    }

    @Test func osSupportEndAndEtcFirst() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nSUPPORT_END=2028-06-30\n")
        try scratch.write("usr/lib/os-release", "ID=other\n")
        let samples = Exposition.collected(from: try scrape("os", paths: HostPaths(rootfs: scratch.path))).samples
        #expect(samples.contains(Sample(name: "node_os_support_end_timestamp_seconds", labels: "", value: 1_845_936_000)))
        #expect(samples.contains(Sample(name: "node_os_version", labels: "id=\"debian\",id_like=\"\",name=\"\"", value: 12)))
    }

    /// As node_exporter: the file is parsed again only when its path or modification
    /// time changes; a rewrite that keeps the time keeps the values read before.
    @Test func osReleaseIsReadAgainWhenItsTimeChanges() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n")
        let definition = try #require(CollectorTable.definition(named: "os"))
        let collector = try definition.make(CollectorContext(paths: HostPaths(rootfs: scratch.path), flags: try defaultFlags(), logger: testLogger))
        func version() throws -> Double? {
            let sink = MetricSink()
            try collector.collect(into: sink)
            return Exposition.collected(from: sink).samples.first { $0.name == "node_os_version" }?.value
        }
        let path = scratch.path + "/etc/os-release"
        var status = stat()
        #expect(try version() == 12 && stat(path, &status) == 0)
        try scratch.write("etc/os-release", "ID=debian\nVERSION_ID=\"13\"\n")
        var times = [status.st_atim, status.st_mtim]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        #expect(try version() == 12)
        times[1].tv_sec += 1
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        #expect(try version() == 13)
        // Gone from /etc: the next file is read.
        try scratch.write("usr/lib/os-release", "ID=other\nVERSION_ID=\"1.5\"\n")
        #expect(unlink(path) == 0)
        #expect(try version() == 1.5)
    }

    @Test func cgroupsFixtureAndMalformedLines() throws {
        let summaries = try KernelFile.parse(Fixtures.paths.proc("cgroups"), with: ProcCgroups.parse)
        #expect(summaries.first == CgroupSummary(subsystem: "cpuset", hierarchy: 5, cgroups: 47, enabled: 1))
        #expect(summaries.count == 12)
        for bad in ["cpu 1 2\n", "cpu 1 2 3 4\n", "cpu x 2 1\n", "cpu 1 -2 1\n", "cpu 1 99999999999 1\n"] {
            #expect(throws: KernelParseError.self) { _ = try ProcCgroups.parse(bad) }
        }
    }
}
