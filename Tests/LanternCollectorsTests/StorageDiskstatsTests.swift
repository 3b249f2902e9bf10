@testable import LanternCollectors
import LanternFlags
import LanternMetrics
import LanternSupport
import Testing

@Suite struct DiskstatsParserTests {
    @Test func parsesTheFixture() throws {
        let disks = try Diskstats.parse(try Fixtures.read("proc/diskstats"))
        #expect(disks.count == 51)
        let sda = try #require(disks.first { $0.device == "sda" })
        #expect(sda.major == 8 && sda.minor == 0)
        #expect(sda.counters.count == 11 || sda.counters.count == 15 || sda.counters.count == 17)
        #expect(Set(disks.map(\.counters.count)) == [11, 15, 17])
        #expect(sda[.flushTicks] == nil || sda.counters.count == 17)
    }

    @Test func shortLinesKeepWhatTheyHave() throws {
        let disks = try Diskstats.parse("8 1 sda1 5 6 7 8\n")
        #expect(disks == [Diskstats(major: 8, minor: 1, device: "sda1", counters: [5, 6, 7, 8])])
        #expect(disks[0][.writesCompleted] == nil)
    }

    @Test(arguments: [
        ("8 0", "too few fields"),
        ("x 0 sda 1 2 3 4 5 6 7 8 9 10 11", "device number"),
        ("8 0 sda 1 2 3 -4 5 6 7 8 9 10 11", "counter 4"),
        ("8 0 sda 1 2 3 4 5 6 7 8 9 10 99999999999999999999999", "counter 11"),
    ])
    func rejectsMalformedLines(line: String, problem: String) {
        #expect { try Diskstats.parse(line + "\n") } throws: { error in
            ((error as? KernelParseError)?.reason ?? "").contains(problem)
        }
    }

    @Test func udevPropertiesAreTheELines() {
        let properties = UdevProperties.parse("S:disk/by-id/x\nE:ID_MODEL=A=B\nE:BROKEN\nE:ID_FS_VERSION=LVM2 001\nI:123\n")
        #expect(properties == ["ID_MODEL": "A=B", "ID_FS_VERSION": "LVM2 001"])
    }
}

@Suite struct DiskstatsCollectorTests {
    static func isFamily(_ name: String) -> Bool { name.hasPrefix("node_disk_") }

    @Test func matchesE2EOutput() throws {
        try expectE2EParity("diskstats", families: Self.isFamily)
    }

    func devices(_ flags: [String: String]) throws -> Set<String> {
        let samples = Exposition.collected(from: try scrape("diskstats", flags: try defaultFlags(flags))).samples
        return Set(samples.filter { $0.name == "node_disk_info" }.compactMap { sample in
            sample.labels.split(separator: ",").first { $0.hasPrefix("device=") }.map { String($0.dropFirst(8).dropLast()) }
        })
    }

    @Test func deviceExcludeReplacesTheDefault() throws {
        let all = try devices([:])
        #expect(!all.contains("ram0") && !all.contains("sda1") && all.contains("sda"))
        let excluded = try devices(["collector.diskstats.device-exclude": "^(sd|dm-)"])
        #expect(excluded.contains("ram0") && excluded.contains("vda"))
        #expect(!excluded.contains { $0.hasPrefix("sd") || $0.hasPrefix("dm-") })
    }

    @Test func deviceIncludeClearsTheDefaultExclude() throws {
        // sda1..sda4 are partitions the default exclude pattern hides.
        #expect(try devices(["collector.diskstats.device-include": "^sda[0-9]*$"]) == ["sda", "sda1", "sda2", "sda3", "sda4"])
    }

    @Test func deprecatedIgnoredDevicesStillWorks() throws {
        #expect(try devices(["collector.diskstats.ignored-devices": "^(?!sda$)"]) == ["sda"])
    }

    @Test func excludeAndIncludeTogetherFailConstruction() throws {
        let definition = try #require(CollectorTable.definition(named: "diskstats"))
        #expect(throws: (any Error).self) {
            _ = try definition.make(CollectorContext(paths: Fixtures.paths, flags: try defaultFlags([
                "collector.diskstats.device-exclude": "^a", "collector.diskstats.device-include": "^b",
            ]), logger: testLogger))
        }
    }

    @Test func withoutUdevDataOnlyTheCountersAndBareInfo() throws {
        var paths = Fixtures.paths
        paths.udevData = "/nonexistent"
        let samples = Exposition.collected(from: try scrape("diskstats", paths: paths)).samples
        #expect(!samples.contains { $0.name == "node_disk_filesystem_info" || $0.name.hasPrefix("node_disk_ata_") })
        #expect(samples.contains {
            $0.name == "node_disk_info"
                && $0.labels == "device=\"sda\",major=\"8\",minor=\"0\",model=\"\",path=\"\",revision=\"\",rotational=\"1\",serial=\"\",wwn=\"\""
        })
    }
}
