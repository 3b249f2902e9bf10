@testable import LanternCollectors
import LanternMetrics
import LanternSupport
import Testing

@Suite struct BtrfsParserTests {
    @Test func readsTheFixture() throws {
        let filesystems = try BtrfsStats.readAll(directory: Fixtures.paths.sys("fs/btrfs"))
        #expect(filesystems.map(\.uuid) == ["0abb23a9-579b-43e6-ad30-227ef47fcb9d", "7f07c59f-6136-449c-ab87-e1cf2328731b"])
        let first = filesystems[0]
        #expect(first.label == "fixture")
        #expect(first.deviceSizes == ["loop25": 10737418240, "loop26": 10737418240])
        #expect(first.allocations["data"]?.layouts["raid0"]?.usedBytes == 808189952)
        #expect((first.commits, first.maxCommitMilliseconds) == (258051, 51462))
        #expect(filesystems[1].commits == 0)
    }

    @Test func parityLayoutRatiosDependOnTheDeviceCount() {
        #expect(BtrfsStats.ratio(layout: "raid5", devices: 4) == 4.0 / 3.0)
        #expect(BtrfsStats.ratio(layout: "raid6", devices: 4) == 2)
        #expect(BtrfsStats.ratio(layout: "unknown", devices: 4) == 0)
    }

    @Test(arguments: [("commits", "invalid commit_stats line"), ("commits x", "not an unsigned integer"), ("a b c", "invalid commit_stats line")])
    func rejectsMalformedCommitStats(text: String, problem: String) {
        var stats = BtrfsStats(uuid: "u", label: "", deviceSizes: [:], globalReserveSize: 0, allocations: [:])
        #expect { try stats.readCommitStats(text + "\n") } throws: { error in
            ((error as? KernelParseError)?.reason ?? "").contains(problem)
        }
    }

    @Test func unparsableNumbersReadAsZero() throws {
        let scratch = try ScratchDirectory()
        for type in BtrfsStats.blockGroupTypes { try scratch.write("fs/btrfs/a-b/allocation/\(type)/bytes_reserved", "lots\n") }
        let filesystem = try #require(try BtrfsStats.readAll(directory: scratch.path + "/fs/btrfs").first)
        #expect(filesystem.allocations["data"]?.reservedBytes == 0)
        #expect(filesystem.uuid == "a-b")
    }
}

@Suite struct BtrfsCollectorTests {
    static func isFamily(_ name: String) -> Bool { name.hasPrefix("node_btrfs_") }

    @Test func matchesE2EOutput() throws {
        try expectE2EParity("btrfs", families: Self.isFamily)
    }

    @Test func noBtrfsIsNoData() throws {
        let scratch = try ScratchDirectory()
        #expect(try scrape("btrfs", paths: HostPaths(sysfs: scratch.path)).families.isEmpty)
    }

    @Test func missingAllocationDirectoryFailsTheCollector() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("fs/btrfs/a-b/label", "x\n")
        #expect(throws: CollectorError.self) { try scrape("btrfs", paths: HostPaths(sysfs: scratch.path)) }
    }

    @Test func malformedCommitStatsFailTheCollector() throws {
        let scratch = try ScratchDirectory()
        for type in BtrfsStats.blockGroupTypes { try scratch.write("fs/btrfs/a-b/allocation/\(type)/bytes_reserved", "0\n") }
        try scratch.write("fs/btrfs/a-b/commit_stats", "commits\n")
        #expect(throws: CollectorError.self) { try scrape("btrfs", paths: HostPaths(sysfs: scratch.path)) }
    }
}
