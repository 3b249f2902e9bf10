@testable import LanternCollectors
import LanternMetrics
import LanternSupport
import Testing

/// The shared fixture copy lost node_exporter's `sys/block/dm-*/slaves/<path>` entries
/// (empty directories; 442 of the 475 directories E2E.md counts are left), so these tests
/// read a scratch copy of the dm and path devices with those entries put back.
private func multipathTree() throws -> ScratchDirectory {
    let scratch = try ScratchDirectory()
    for device in ["dm-5", "dm-6", "dm-7"] {
        for file in ["size", "dm/name", "dm/suspended", "dm/uuid"] {
            try scratch.write("block/\(device)/\(file)", try Fixtures.read("sys/block/\(device)/\(file)"))
        }
    }
    for (device, slaves) in [("dm-5", ["sdi", "sdj", "sdk", "sdl"]), ("dm-6", ["sdm", "sdn"])] {
        for slave in slaves {
            try scratch.write("block/\(device)/slaves/\(slave)", "")
            try scratch.write("block/\(slave)/device/state", try Fixtures.read("sys/block/\(slave)/device/state"))
        }
    }
    return scratch
}

@Suite struct DMMultipathParserTests {
    @Test func readsMultipathMapsOnly() throws {
        let scratch = try multipathTree()
        let devices = try DMMultipathDevice.readAll(sysfs: scratch.path)
        #expect(devices.map(\.sysfsName) == ["dm-5", "dm-6"])
        #expect(devices[0].name == "mpathA")
        #expect(devices[0].sizeBytes == 53687091200)
        #expect(devices[0].paths.last == .init(device: "sdl", state: "offline"))
    }

    @Test func fixtureWithoutSlavesHasNoPaths() throws {
        let devices = try DMMultipathDevice.readAll(sysfs: Fixtures.paths.sysfs)
        #expect(devices.map(\.name) == ["mpathA", "mpathB"])
        #expect(devices.allSatisfy { $0.paths.isEmpty })
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
        let scratch = try multipathTree()
        let expected = try Exposition.expected(families: Self.isFamily)
        let actual = Exposition.collected(from: try scrape("dmmultipath", paths: HostPaths(sysfs: scratch.path)))
        #expect(actual.headers == expected.headers)
        #expect(actual.samples == expected.samples)
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
