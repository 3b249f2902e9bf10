@testable import LanternCollectors
import LanternMetrics
import LanternSupport
import Testing

@Suite struct DMMultipathParserTests {
    @Test func readsMultipathMapsOnly() throws {
        let devices = try DMMultipathDevice.readAll(sysfs: Fixtures.paths.sysfs)
        #expect(devices.map(\.sysfsName) == ["dm-5", "dm-6"])
        #expect(devices.map(\.name) == ["mpathA", "mpathB"])
        #expect(devices.map(\.paths.count) == [4, 2])
        #expect(devices.first?.sizeBytes == 53687091200)
        #expect(devices.first?.paths.last == .init(device: "sdl", state: "offline"))
    }

    @Test func malformedSuspendedFailsTheRead() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("block/dm-0/dm/uuid", "mpath-1\n")
        try scratch.write("block/dm-0/dm/name", "m\n")
        try scratch.write("block/dm-0/dm/suspended", "maybe\n")
        #expect(throws: KernelFileError.self) { try DMMultipathDevice.readAll(sysfs: scratch.path) }
    }
}

@Suite struct DMMultipathCollectorTests {
    static func isFamily(_ name: String) -> Bool { name.hasPrefix("node_dmmultipath_") }

    @Test func matchesE2EOutput() throws {
        try expectE2EParity("dmmultipath", families: Self.isFamily)
    }

    @Test func missingPathStateMeansNoData() throws {
        let scratch = try ScratchDirectory()
        for (file, value) in [("dm/uuid", "mpath-1"), ("dm/name", "m"), ("dm/suspended", "0"), ("size", "1"), ("slaves/sdz", "")] {
            try scratch.write("block/dm-0/\(file)", value + "\n")
        }
        #expect(try scrape("dmmultipath", paths: HostPaths(sysfs: scratch.path)).families.isEmpty)
    }

    @Test func malformedSizeFailsTheCollector() throws {
        let scratch = try ScratchDirectory()
        for (file, value) in [("dm/uuid", "mpath-1"), ("dm/name", "m"), ("dm/suspended", "0"), ("size", "big")] {
            try scratch.write("block/dm-0/\(file)", value + "\n")
        }
        #expect(throws: CollectorError.self) { try scrape("dmmultipath", paths: HostPaths(sysfs: scratch.path)) }
    }
}
