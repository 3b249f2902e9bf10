@testable import LanternCollectors
import LanternMetrics
import LanternSupport
import Testing

@Suite struct SCSITapeParserTests {
    @Test func readsOnlyDriveEntries() throws {
        let tapes = try SCSITape.readAll(classDirectory: Fixtures.paths.sys("class/scsi_tape"))
        #expect(tapes.map(\.name) == ["st0"])
        #expect((tapes[0].inFlight, tapes[0].ioNanoseconds, tapes[0].writeBytes) == (1, 9247011087720, 1496246784000))
    }

    @Test(arguments: [("st0", true), ("st12", true), ("nst0", false), ("st0a", false), ("st", false)])
    func recognizesDriveNames(name: String, isDrive: Bool) {
        #expect(SCSITape.isDriveName(name) == isDrive)
    }

    @Test func malformedCounterFailsTheRead() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("st1/stats/in_flight", "many\n")
        #expect(throws: KernelFileError.self) { try SCSITape.readAll(classDirectory: scratch.path) }
    }
}

@Suite struct TapestatsCollectorTests {
    static func isFamily(_ name: String) -> Bool { name.hasPrefix("node_tape_") }

    @Test func matchesE2EOutput() throws {
        try expectE2EParity("tapestats", families: Self.isFamily)
    }

    @Test func ignoredDevicesFlagDropsMatchingDrives() throws {
        let sink = try scrape("tapestats", flags: try e2eFlags(["collector.tapestats.ignored-devices": "st0"]))
        #expect(sink.families.isEmpty)
        let kept = try scrape("tapestats", flags: try e2eFlags(["collector.tapestats.ignored-devices": "^st1$"]))
        #expect(!kept.families.isEmpty)
    }

    @Test func invalidIgnoredDevicesPatternIsRejected() throws {
        let definition = try #require(CollectorTable.definition(named: "tapestats"))
        let flags = try defaultFlags(["collector.tapestats.ignored-devices": "("])
        #expect(throws: (any Error).self) {
            try definition.make(CollectorContext(paths: Fixtures.paths, flags: flags, logger: testLogger))
        }
    }

    @Test func noTapesIsNoData() throws {
        let scratch = try ScratchDirectory()
        #expect(try scrape("tapestats", paths: HostPaths(sysfs: scratch.path)).families.isEmpty)
    }
}

@Suite struct FibreChannelParserTests {
    @Test func readsTheFixture() throws {
        let hosts = try FibreChannelHost.readAll(classDirectory: Fixtures.paths.sys("class/fc_host"))
        #expect(hosts.map(\.name) == ["host0", "host1"])
        #expect(hosts[0].attributes["port_id"] == "000002")
        #expect(hosts[0].attributes["fabric_name"] == "0")
        #expect(hosts[0].counters["dumped_frames"] == UInt64.max)
        #expect(hosts[0].counters["loss_of_signal_count"] == 17)
        #expect(hosts[1].attributes == ["speed": "8 Gbit"])
    }

    @Test(arguments: [("0x13", UInt64(19)), ("19", 19), ("0xffffffffffffffff", UInt64.max), ("017", 15)])
    func parsesGoStyleNumbers(text: String, value: UInt64) throws {
        #expect(try FibreChannelHost.parseGoUInt64(text[...], field: "x") == value)
    }

    @Test(arguments: ["", "0x", "-1", "0xfffffffffffffffff", "twelve"])
    func rejectsMalformedNumbers(text: String) {
        #expect(throws: KernelParseError.self) { try FibreChannelHost.parseGoUInt64(text[...], field: "x") }
    }
}

@Suite struct FibreChannelCollectorTests {
    static func isFamily(_ name: String) -> Bool { name.hasPrefix("node_fibrechannel_") }

    @Test func matchesE2EOutput() throws {
        try expectE2EParity("fibrechannel", families: Self.isFamily)
    }

    @Test func noHostsIsNoData() throws {
        let scratch = try ScratchDirectory()
        #expect(try scrape("fibrechannel", paths: HostPaths(sysfs: scratch.path)).families.isEmpty)
    }

    @Test func malformedCounterFailsTheCollector() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("class/fc_host/host2/statistics/rx_frames", "0xzz\n")
        #expect(throws: CollectorError.self) { try scrape("fibrechannel", paths: HostPaths(sysfs: scratch.path)) }
    }
}
