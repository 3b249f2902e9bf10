@testable import LanternCollectors
import LanternMetrics
import LanternSupport
import Testing

@Suite struct NVMeParserTests {
    @Test func readsTheFixture() throws {
        let devices = try NVMeDevice.readAll(classDirectory: Fixtures.paths.sys("class/nvme"))
        let device = try #require(devices.first)
        #expect((device.name, device.model, device.controllerID, device.state) == ("nvme0", "Samsung SSD 970 PRO 512GB", "1997", "live"))
        #expect(device.namespaces == [.init(id: "1", anaState: "optimized", sizeBlocks: 3906250000, usedBlocks: 488281250, logicalBlockSize: 4096)])
    }

    @Test(arguments: [("nvme0n1", "1"), ("nvme12c3n45", "45"), ("nvme0", nil), ("nvme0n1p2", nil), ("power", nil), ("nvmexn1", nil)])
    func recognizesNamespaceEntries(entry: String, id: String?) {
        #expect(NVMeDevice.namespaceID(entry) == id)
    }

    @Test func namespacesWithoutSizesAreLeftOut() throws {
        let scratch = try ScratchDirectory()
        for file in ["firmware_rev", "model", "serial", "state", "cntlid"] { try scratch.write("nvme1/\(file)", "x\n") }
        try scratch.write("nvme1/nvme1n1/size", "many\n")
        let device = try #require(try NVMeDevice.readAll(classDirectory: scratch.path).first)
        #expect(device.namespaces.isEmpty)
    }
}

@Suite struct NVMeCollectorTests {
    static func isFamily(_ name: String) -> Bool { name.hasPrefix("node_nvme_") }

    @Test func matchesE2EOutput() throws {
        try expectE2EParity("nvme", families: Self.isFamily)
    }

    @Test func noNVMeIsNoData() throws {
        let scratch = try ScratchDirectory()
        #expect(try scrape("nvme", paths: HostPaths(sysfs: scratch.path)).families.isEmpty)
    }

    @Test func missingIdentityAttributeIsNoData() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("class/nvme/nvme1/model", "x\n")
        #expect(try scrape("nvme", paths: HostPaths(sysfs: scratch.path)).families.isEmpty)
    }

    @Test func unreadableIdentityFailsTheCollector() throws {
        let scratch = try ScratchDirectory()
        // A directory where an attribute should be: reading it fails with EISDIR.
        try scratch.write("class/nvme/nvme1/firmware_rev/x", "")
        #expect(throws: CollectorError.self) { try scrape("nvme", paths: HostPaths(sysfs: scratch.path)) }
    }
}
