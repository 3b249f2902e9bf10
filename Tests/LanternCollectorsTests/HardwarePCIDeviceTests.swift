import Glibc
import LanternCollectors
import LanternFlags
import LanternMetrics
import LanternSupport
import Testing

/// A scratch sysfs tree with one PCI device: its attribute files under
/// `devices/pci0000:00/<location>` and the `bus/pci/devices/<location>` link to it.
final class PCIDeviceTree {
    let scratch: ScratchDirectory
    let location: String
    /// Made here rather than by the scratch directory, which writes files only.
    private var directories: [String] = []
    /// Links and files in `bus/pci/devices`.
    private var entries: [String] = []

    var paths: HostPaths { HostPaths(procfs: scratch.path + "/proc", sysfs: scratch.path, rootfs: scratch.path) }
    var devicesDirectory: String { scratch.path + "/bus/pci/devices" }

    /// The fixtures' NVMe controller, with `overrides` in place of its attributes
    /// (nil removes one).
    init(location: String = "0000:01:00.0", overrides: [String: String?] = [:]) throws {
        scratch = try ScratchDirectory()
        self.location = location
        var attributes: [String: String?] = [
            "class": "0x010802\n", "vendor": "0xc0a9\n", "device": "0x540a\n", "subsystem_vendor": "0xc0a9\n",
            "subsystem_device": "0x5021\n", "revision": "0x01\n", "numa_node": "-1\n",
            "max_link_speed": "16.0 GT/s PCIe\n", "max_link_width": "4\n", "current_link_speed": "8.0 GT/s PCIe\n",
            "current_link_width": "4\n", "sriov_numvfs": "4\n", "power_state": "D0\n",
        ]
        attributes.merge(overrides) { $1 }
        for (name, content) in attributes {
            if let content { try scratch.write("devices/pci0000:00/0000:00:02.1/\(location)/\(name)", content) }
        }
        for directory in ["bus", "bus/pci", "bus/pci/devices"] {
            let path = scratch.path + "/" + directory
            guard mkdir(path, 0o755) == 0 else { throw CollectorError("mkdir \(path) failed") }
            directories.append(path)
        }
        try link("../../../devices/pci0000:00/0000:00:02.1/\(location)", at: "bus/pci/devices/\(location)")
    }

    func link(_ target: String, at relative: String) throws {
        let path = scratch.path + "/" + relative
        guard symlink(target, path) == 0 else { throw CollectorError("symlink \(path) failed") }
        entries.append(path)
    }

    /// A regular file where a device link belongs.
    func writePlainEntry(_ name: String) throws {
        let path = devicesDirectory + "/" + name
        guard let file = fopen(path, "w") else { throw CollectorError("cannot write \(path)") }
        fclose(file)
        entries.append(path)
    }

    deinit {
        // Before the scratch directory removes its own entries.
        for entry in entries { unlink(entry) }
        for directory in directories.reversed() { rmdir(directory) }
    }
}

@Suite struct PCIDeviceParserTests {
    @Test func readsTheFixtureDevices() throws {
        let devices = try SysfsPCI.devices(in: Fixtures.paths.sys("bus/pci/devices"))
        #expect(devices.map(\.location.labelValues) == [["0000", "00", "02", "1"], ["0000", "01", "00", "0"], ["0000", "45", "00", "0"]])

        let bridge = try #require(devices.first)
        #expect(bridge.parentLocation == nil)
        #expect(bridge.classCode == 0x060400 && bridge.vendor == 0x1022 && bridge.subsystemDevice == 0x5095)
        #expect(bridge.maxLinkWidth == 8 && bridge.currentLinkSpeed == 8)

        let nic = try #require(devices.last)
        #expect(nic.parentLocation == PCIDeviceLocation(segment: 0, bus: 0x40, device: 1, function: 3))
        #expect(nic.numaNode == 0 && nic.revision == 1)
        #expect(nic.maxLinkSpeed == 5)
        #expect(nic.sriovOffset == 128 && nic.sriovStride == 4 && nic.sriovVFDevice == 1520 && nic.sriovTotalVFs == 7)
        #expect(nic.sriovDriversAutoprobe == true && nic.d3coldAllowed == true && nic.powerState == "D0")
    }

    @Test func linkTargetsNameDeviceAndParent() throws {
        let nested = try SysfsPCI.locations(fromLinkTarget: "../../../devices/pci0000:00/0000:00:02.1/0000:01:00.0")
        #expect(nested.device == PCIDeviceLocation(segment: 0, bus: 1, device: 0, function: 0))
        #expect(nested.parent == PCIDeviceLocation(segment: 0, bus: 0, device: 2, function: 1))
        // A trailing slash and `.` elements do not change the names, as with Go's filepath.
        let untidy = try SysfsPCI.locations(fromLinkTarget: "../devices/pci0000:00/./0000:00:1f.7/")
        #expect(untidy.device == PCIDeviceLocation(segment: 0, bus: 0, device: 0x1f, function: 7))
        #expect(untidy.parent == nil)
    }

    @Test(arguments: [
        ("../devices/pci0000:00/0000:00:02", "invalid PCI location \"0000:00:02\""),
        ("../devices/pci0000:00/0000:00:02.1.3", "invalid PCI location \"0000:00:02.1.3\""),
        ("../devices/pci0000:00/0000:zz:02.1", "bad bus \"zz\""),
        ("../devices/pci0000:00/0000:00:02.fffffffff", "bad function"),
        ("../devices/bridge/0000:00:02.1", "parent device: invalid PCI location \"bridge\""),
        ("0000:00:02.1", "parent device: invalid PCI location \".\""),
        ("", "invalid PCI location \".\""),
    ])
    func malformedLinkTargetsAreNamed(target: String, problem: String) {
        #expect {
            _ = try SysfsPCI.locations(fromLinkTarget: target)
        } throws: { error in
            "\(error)".contains(problem)
        }
    }

    @Test func linkSpeedAndWidth() throws {
        #expect(try SysfsPCI.parseLinkSpeed("2.5 GT/s PCIe") == 2.5)
        #expect(try SysfsPCI.parseLinkSpeed("16.0 GT/s PCIe") == 16)
        #expect(try SysfsPCI.parseLinkWidth("16") == 16)
        for (text, problem) in [
            ("8.0", "no unit"), ("8.0 GT/s", "unknown unit"), ("8.0 Gb/s PCIe", "unknown unit"),
            ("fast GT/s PCIe", "not a number"), (" GT/s PCIe", "not a number"),
        ] {
            #expect {
                _ = try SysfsPCI.parseLinkSpeed(text)
            } throws: { error in
                (error as? KernelParseError)?.reason.contains(problem) == true
            }
        }
        #expect(throws: KernelParseError.self) { _ = try SysfsPCI.parseLinkWidth("x4") }
        #expect(throws: KernelParseError.self) { _ = try SysfsPCI.parseLinkWidth("") }
    }

    @Test func unknownOrEmptyLinkValuesAreAbsent() throws {
        let tree = try PCIDeviceTree(overrides: ["max_link_speed": "Unknown\n", "current_link_speed": "\n", "max_link_width": nil])
        let device = try #require(try SysfsPCI.devices(in: tree.devicesDirectory).first)
        #expect(device.maxLinkSpeed == nil && device.currentLinkSpeed == nil && device.maxLinkWidth == nil)
        #expect(device.currentLinkWidth == 4)
    }

    @Test(arguments: [
        ("class", "zz", "class: invalid value \"zz\""),
        ("vendor", "0x1ffffffff", "vendor: invalid value"),
        ("numa_node", "", "numa_node: invalid value \"\""),
        ("current_link_speed", "8.0 GT/s USB", "current_link_speed: unknown unit"),
        ("max_link_width", "four", "max_link_width: invalid link width"),
        ("sriov_numvfs", "-1", "sriov_numvfs: invalid value \"-1\""),
        ("sriov_totalvfs", "4294967296", "sriov_totalvfs: invalid value \"4294967296\": out of range"),
        ("sriov_drivers_autoprobe", "yes", "sriov_drivers_autoprobe: invalid boolean"),
        ("d3cold_allowed", "true", "d3cold_allowed: invalid boolean"),
    ])
    func malformedAttributesNameTheFile(attribute: String, content: String, problem: String) throws {
        let tree = try PCIDeviceTree(overrides: [attribute: content + "\n"])
        #expect {
            _ = try SysfsPCI.devices(in: tree.devicesDirectory)
        } throws: { error in
            "\(error)".contains(problem)
        }
    }

    @Test func signedAndWrappingValuesFollowProcfs() throws {
        // procfs keeps the bits of a negative identity and of a negative MSI-X count.
        let tree = try PCIDeviceTree(overrides: ["subsystem_device": "-1\n", "sriov_vf_total_msix": "-1\n"])
        let device = try #require(try SysfsPCI.devices(in: tree.devicesDirectory).first)
        #expect(device.subsystemDevice == UInt32.max && device.sriovVFTotalMSIX == UInt64.max)
        #expect(try SysfsPCI.parseLocation("-1:00:00.0").labelValues == ["-001", "00", "00", "0"])
    }
}

@Suite struct PCIIDsParserTests {
    @Test func fixtureDatabase() throws {
        let ids = PCIIDs.parse(try Fixtures.read("pci.ids"))
        #expect(ids.vendors["17aa"] == "Lenovo")
        #expect(ids.devices["8086"]?["1521"] == "I350 Gigabit Network Connection")
        #expect(ids.subsystems["1022:1634"]?["17aa:5095"] == "T540-5095 Unified Wire Ethernet Controller")
        #expect(ids.classes == ["06": "Bridge device", "01": "Mass storage controller", "02": "Network controller"])
        #expect(ids.subclasses["0108"] == "Non-Volatile memory controller")
        #expect(ids.programmingInterfaces == ["010802": "NVM Express"])
    }

    @Test func lookupsFallBackToIDs() throws {
        let ids = PCIIDs.parse(try Fixtures.read("pci.ids"))
        #expect(ids.vendorName("0x1234") == "1234")
        #expect(ids.vendorName("0x8086") == "Intel Corporation")
        #expect(ids.deviceName(vendorID: "0x8086", deviceID: "0x1522") == "1522")
        #expect(ids.subsystemName(vendorID: "0x8086", deviceID: "0x1521", subsystemVendorID: "0x8086", subsystemDeviceID: "0x0001") == "0001")
        // Programming interface, then subclass, then base class.
        #expect(ids.className("0x010802") == "NVM Express")
        #expect(ids.className("0x010801") == "Non-Volatile memory controller")
        #expect(ids.className("0x010601") == "Mass storage controller")
        #expect(ids.className("0x0c0330") == "Unknown class (0c0330)")
    }

    @Test func malformedLinesAreSkipped() {
        let ids = PCIIDs.parse("""
            \t\tdead beef  subsystem before any vendor
            \t0001  device before any vendor
            1af4 one space only
            1af4  Red Hat, Inc.\r
            \t1000  Virtio network device
            \t\t1af4  subsystem id with one field
            \t\t\t1af4 0001  deeper subsystem line
            \t1001 no name
            C 0c  Serial bus controller
            \t03  USB controller
            \t\t30  XHCI
            \t\t\t99  too deep for a class
            C bad class line
            ffff  Illegal Vendor ID

            """)
        #expect(ids.vendors == ["1af4": "Red Hat, Inc.", "ffff": "Illegal Vendor ID"])
        #expect(ids.devices == ["1af4": ["1000": "Virtio network device"]])
        // The three-tab line is read as a subsystem of the last device, as node_exporter reads it.
        #expect(ids.subsystems == ["1af4:1000": ["1af4:0001": "deeper subsystem line"]])
        #expect(ids.className("0x0c0330") == "XHCI")
    }

    @Test func aLineTooLongForGoScannerEndsTheDatabase() {
        let ids = PCIIDs.parse("1af4  Red Hat, Inc.\n" + String(repeating: "x", count: 70_000) + "\n8086  Intel Corporation\n")
        #expect(ids.vendors == ["1af4": "Red Hat, Inc."])
    }
}

@Suite struct PCIDeviceCollectorTests {
    static func isPCIDeviceFamily(_ name: String) -> Bool { name.hasPrefix("node_pcidevice_") }

    @Test func matchesE2EOutput() throws {
        let expected = try Exposition.expected(families: Self.isPCIDeviceFamily)
        let sink = try scrape("pcidevice")
        let actual = Exposition.collected(from: sink)
        #expect(!expected.samples.isEmpty)
        #expect(sink.families.allSatisfy { Self.isPCIDeviceFamily($0.name) })
        #expect(actual.headers == expected.headers)
        #expect(actual.samples == expected.samples)
        for missing in Set(expected.samples).subtracting(actual.samples).sorted() { Issue.record("missing \(missing)") }
        for extra in Set(actual.samples).subtracting(expected.samples).sorted() { Issue.record("unexpected \(extra)") }
    }

    /// The encoded text, line for line, against e2e-output.txt's pcidevice lines.
    @Test func encodesTheSameLinesAsE2EOutput() throws {
        let expected = try Self.exposedLines(in: Fixtures.read("e2e-output.txt"))
        #expect(Self.encodedLines(try scrape("pcidevice")) == expected)
    }

    /// node_exporter's unit test for `--collector.pcidevice.names` with its test pci.ids.
    @Test func namesFromTheIDsFileMatchNodeExportersTestOutput() throws {
        let flags = try e2eFlags(["collector.pcidevice.names": "true", "collector.pcidevice.idsfile": Fixtures.root + "/pci.ids"])
        let expected = try Self.exposedLines(in: Fixtures.read("pcidevice-names-output.txt"))
        #expect(expected.count > 60)
        #expect(Self.encodedLines(try scrape("pcidevice", flags: flags)) == expected)
    }

    @Test func namesWithoutAnIDsFileFallBackToIDs() throws {
        let flags = try defaultFlags(["collector.pcidevice.names": "true", "collector.pcidevice.idsfile": "/nonexistent/pci.ids"])
        let info = Exposition.collected(from: try scrape("pcidevice", flags: flags)).samples.filter { $0.name == "node_pcidevice_info" }
        let bridge = try #require(info.first)
        #expect(bridge.labels.contains("class_name=\"Unknown class (060400)\""))
        #expect(bridge.labels.contains(",vendor_name=\"1022\"") && bridge.labels.contains("device_name=\"1634\""))
        #expect(bridge.labels.contains("subsystem_device_name=\"5095\"") && bridge.labels.contains("subsystem_vendor_name=\"17aa\""))
    }

    @Test func namesAreOffByDefault() throws {
        let flags = try defaultFlags()
        #expect(flags.bool("collector.pcidevice.names") == false)
        #expect(flags.string("collector.pcidevice.idsfile") == "")
        let info = Exposition.collected(from: try scrape("pcidevice", flags: flags)).samples.filter { $0.name == "node_pcidevice_info" }
        #expect(info.count == 3)
        #expect(info.allSatisfy { !$0.labels.contains("_name=") })
    }

    @Test func missingBusOrDeviceFileMeansNoData() throws {
        let empty = try ScratchDirectory()
        #expect(try scrape("pcidevice", paths: HostPaths(sysfs: empty.path)).families.isEmpty)
        // node_exporter reports no data for the whole scrape when a required file is gone.
        let tree = try PCIDeviceTree(overrides: ["revision": nil])
        #expect(try scrape("pcidevice", paths: tree.paths).families.isEmpty)
    }

    @Test func aDeviceEntryThatIsNotALinkFailsTheScrape() throws {
        let tree = try PCIDeviceTree()
        try tree.writePlainEntry("0000:02:00.0")
        let definition = try #require(CollectorTable.definition(named: "pcidevice"))
        let collector = try definition.make(CollectorContext(paths: tree.paths, flags: try defaultFlags(), logger: testLogger))
        #expect {
            try collector.collect(into: MetricSink())
        } throws: { error in
            "\(error)".contains("0000:02:00.0: readlink")
        }
    }

    @Test func absentAttributesUseNodeExportersPlaceholders() throws {
        let tree = try PCIDeviceTree(overrides: [
            "max_link_speed": nil, "current_link_width": "Unknown\n", "sriov_numvfs": nil, "power_state": nil, "numa_node": "1\n",
        ])
        let samples = Exposition.collected(from: try scrape("pcidevice", paths: tree.paths)).samples
        func value(_ name: String) -> Double? { samples.first { $0.name == "node_pcidevice_" + name }?.value }
        #expect(value("max_link_transfers_per_second") == -1)
        #expect(value("current_link_width") == -1)
        #expect(value("current_link_transfers_per_second") == 8e9)
        #expect(value("sriov_numvfs") == 0 && value("d3cold_allowed") == 0)
        #expect(value("numa_node") == 1)
        #expect(value("power_state") == nil)
        let info = try #require(samples.first { $0.name == "node_pcidevice_info" })
        #expect(info.labels.contains("parent_bus=\"00\",parent_device=\"02\",parent_function=\"1\",parent_segment=\"0000\""))
    }

    @Test func anUnlistedPowerStateZeroesEveryState() throws {
        let tree = try PCIDeviceTree(overrides: ["power_state": "D3cold\n"])
        let states = Exposition.collected(from: try scrape("pcidevice", paths: tree.paths)).samples
            .filter { $0.name == "node_pcidevice_power_state" }
        #expect(states.count == 7)
        #expect(states.filter { $0.value == 1 }.map(\.labels) == [
            "bus=\"01\",device=\"00\",function=\"0\",segment=\"0000\",state=\"D3cold\"",
        ])
        let odd = try PCIDeviceTree(overrides: ["power_state": "D4\n"])
        let oddStates = Exposition.collected(from: try scrape("pcidevice", paths: odd.paths)).samples
            .filter { $0.name == "node_pcidevice_power_state" }
        #expect(oddStates.count == 7 && oddStates.allSatisfy { $0.value == 0 })
    }

    // MARK: - Text comparison helpers

    /// HELP, TYPE and sample lines of node_pcidevice families, sorted.
    static func exposedLines(in text: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { line in
            line.hasPrefix("node_pcidevice_") || line.hasPrefix("# HELP node_pcidevice_") || line.hasPrefix("# TYPE node_pcidevice_")
        }.sorted()
    }

    static func encodedLines(_ sink: MetricSink) -> [String] {
        exposedLines(in: String(decoding: TextEncoder.encode(sink.families), as: UTF8.self))
    }
}
