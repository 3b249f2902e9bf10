@testable import LanternCollectors
import LanternMetrics
import LanternSupport
import Testing

@Suite struct XFSStatsParserTests {
    @Test func parsesTheFixture() throws {
        let stats = try XFSStats.parse(try Fixtures.read("sys/fs/xfs/sda1/stats/stats"))
        #expect(stats.sections["extent_alloc"] == [1, 872, 0, 0])
        #expect(stats.sections["xpc"] == [3571712, 3568056, 0])
        #expect(stats.value("rw", 0) == 28)
        #expect(stats.value("nope", 3) == 0)
    }

    @Test func olderVnodeLinesLackTheFreeCount() throws {
        #expect(try XFSStats.parse("vnodes 1 2 3 4 5 6 7\n").value("vnodes", 6) == 7)
    }

    @Test(arguments: [
        ("extent_alloc 1 2 3", "extent_alloc stats: 3"),
        ("vnodes 1 2 3 4 5 6", "vnodes stats: 6"),
        ("rw 1 x", "not an unsigned integer"),
        ("push_ail 4294967296", "out of 32-bit range"),
        ("xpc 1 2", "xpc stats: 2"),
    ])
    func rejectsMalformedLines(line: String, problem: String) {
        #expect { try XFSStats.parse(line + "\n") } throws: { error in
            ((error as? KernelParseError)?.reason ?? "").contains(problem)
        }
    }

    @Test func extendedPrecisionCountersAre64Bit() throws {
        #expect(try XFSStats.parse("xpc 4294967296 0 0\n").value("xpc", 0) == 4294967296)
    }
}

@Suite struct XFSCollectorTests {
    static func isFamily(_ name: String) -> Bool { name.hasPrefix("node_xfs_") }

    @Test func matchesE2EOutput() throws {
        try expectE2EParity("xfs", families: Self.isFamily)
    }

    @Test func noXFSIsNoData() throws {
        let scratch = try ScratchDirectory()
        #expect(try scrape("xfs", paths: HostPaths(sysfs: scratch.path)).families.isEmpty)
        // The xfs module's global counters: /sys/fs/xfs/stats/stats is a file, so the
        // glob fs/xfs/*/stats/stats does not match it (it failed the collector before).
        try scratch.write("fs/xfs/stats/stats", "extent_alloc 1 2 3 4\n")
        #expect(try scrape("xfs", paths: HostPaths(sysfs: scratch.path)).families.isEmpty)
    }

    @Test func malformedStatsFailTheCollector() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("fs/xfs/sdb1/stats/stats", "rw 1\n")
        #expect(throws: CollectorError.self) { try scrape("xfs", paths: HostPaths(sysfs: scratch.path)) }
    }
}
