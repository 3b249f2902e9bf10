@testable import LanternCollectors
import LanternMetrics
import LanternSupport
import Testing

@Suite struct DRBDParserTests {
    @Test func parsesTheFixture() throws {
        let devices = try DRBDDevice.parse(try Fixtures.read("proc/drbd"))
        let device = try #require(devices.first)
        #expect(devices.count == 1)
        #expect(device.name == "drbd1")
        #expect(device.connectionState == "Connected")
        #expect(device.numbers.first == .init(key: "ns", value: 17324442))
        #expect(device.pairs == [.init(key: "ro", local: "Primary", remote: "Primary"), .init(key: "ds", local: "UpToDate", remote: "UpToDate")])
    }

    @Test func valuesBeforeTheFirstDeviceBelongToUnknown() throws {
        let devices = try DRBDDevice.parse("ns:1 0: cs:StandAlone\n")
        #expect(devices.map(\.name) == ["unknown", "drbd0"])
    }

    @Test(arguments: [("ns:many", "DRBD ns"), ("ro:Primary", "want local/remote")])
    func rejectsMalformedValues(text: String, problem: String) {
        #expect { try DRBDDevice.parse(" 1: " + text + "\n") } throws: { error in
            ((error as? KernelParseError)?.reason ?? "").contains(problem)
        }
    }
}

@Suite struct DRBDCollectorTests {
    static func isFamily(_ name: String) -> Bool { name.hasPrefix("node_drbd_") }

    @Test func matchesE2EOutput() throws {
        try expectE2EParity("drbd", families: Self.isFamily)
    }

    @Test func offByDefault() {
        #expect(CollectorTable.definition(named: "drbd")?.enabledByDefault == false)
    }

    @Test func absentDRBDIsNoData() throws {
        let scratch = try ScratchDirectory()
        #expect(try scrape("drbd", paths: HostPaths(procfs: scratch.path)).families.isEmpty)
    }

    @Test func disconnectedSecondaryReadsZero() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("drbd", " 0: cs:WFConnection ro:Secondary/Unknown ds:UpToDate/DUnknown\n")
        let sink = try scrape("drbd", paths: HostPaths(procfs: scratch.path))
        let values = Exposition.collected(from: sink).samples.map { "\($0.name){\($0.labels)} \($0.value)" }
        #expect(values.contains("node_drbd_connected{device=\"drbd0\"} 0.0"))
        #expect(values.contains("node_drbd_node_role_is_primary{device=\"drbd0\",node=\"local\"} 0.0"))
        #expect(values.contains("node_drbd_disk_state_is_up_to_date{device=\"drbd0\",node=\"local\"} 1.0"))
    }

    @Test func malformedFileFailsTheCollector() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("drbd", " 0: ns:x\n")
        #expect(throws: CollectorError.self) { try scrape("drbd", paths: HostPaths(procfs: scratch.path)) }
    }
}
