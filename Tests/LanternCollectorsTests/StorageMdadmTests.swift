@testable import LanternCollectors
import LanternMetrics
import LanternSupport
import Testing

@Suite struct MDStatParserTests {
    @Test func parsesTheFixture() throws {
        let devices = try MDStat.parse(try Fixtures.read("proc/mdstat"))
        #expect(devices.count == 17)
        let byName = Dictionary(uniqueKeysWithValues: devices.map { ($0.name, $0) })
        let md6 = try #require(byName["md6"])
        #expect((md6.activityState, md6.disksActive, md6.disksTotal, md6.disksFailed, md6.disksSpare, md6.disksDown) == ("recovering", 1, 2, 1, 1, 1))
        #expect(md6.blocksSynced == 16775552)
        #expect(byName["md201"]?.activityState == "checking")
        #expect(byName["md11"]?.activityState == "resyncing")
        #expect(byName["md11"]?.blocksSynced == 0)
        #expect(byName["md120"]?.disksTotal == 2)
        #expect(byName["md219"]?.blocksSynced == 7932)
        #expect(byName["md7"]?.blocksSynced == 7813735424)
    }

    @Test func reshapingArraysHaveTheirOwnState() throws {
        let text = "md1 : active raid5 sda[0] sdb[1] sdc[2]\n      20 blocks [3/3] [UUU]\n      [>....]  reshape =  5.0% (1/20) finish=9.0min speed=100K/sec\n\n"
        let device = try #require(try MDStat.parse(text).first)
        #expect((device.activityState, device.blocksSynced) == ("reshaping", 1))
    }

    @Test(arguments: [
        ("md0 :\n      10 blocks\n\n\n", "not enough fields"),
        ("md0 : active raid1 sda[0]\n      10 blocks [2/2] [UU]\n", "too few lines"),
        ("md0 : active raid1 sda[0]\n      many blocks [2/2] [UU]\n\n\n", "unexpected statusLine"),
        ("md0 : active raid1 sda[0]\n      10 blocks [2/x] [UU]\n\n\n", "couldn't find all the substring matches"),
        ("md0 : active raid1 sda[0]\n      10 blocks [2/2] [UU]\n      resync = 5%\n\n", "error parsing sync line"),
        ("md0 : active raid1 sda[0]\n      10 blocks [2/2] [UU]\n      resync = (1/10) finish=1min\n\n", "matching percentage"),
        ("md0 : active raid1 sda[0]\n      10 blocks [2/2] [UU]\n      resync = 5% (1/10) speed=1K/sec\n\n", "matching finish time"),
    ])
    func rejectsMalformedInput(text: String, problem: String) {
        #expect { try MDStat.parse(text) } throws: { error in
            ((error as? KernelParseError)?.reason ?? "").contains(problem)
        }
    }
}

@Suite struct MdraidParserTests {
    @Test func readsTheFixture() throws {
        let arrays = try Mdraid.readAll(sysfs: Fixtures.paths.sys("block"))
        #expect(arrays.map(\.device) == ["md0", "md1", "md10", "md4", "md5", "md6"])
        let md6 = try #require(arrays.last)
        #expect((md6.level, md6.disks, md6.degradedDisks, md6.syncAction) == ("raid6", 4, 1, "recover"))
        #expect(md6.syncCompleted == 1569888.0 / 2093056.0)
        #expect(arrays[0].components.map(\.device) == ["sdg", "sdh"])
    }

    @Test func rejectsAMalformedSyncFraction() {
        #expect(throws: KernelParseError.self) { try Mdraid.parseFraction("12 of 13") }
    }

    @Test func missingAttributeFailsTheRead() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("block/md0/md/level", "raid1\n")
        #expect { try Mdraid.readAll(sysfs: scratch.path + "/block") } throws: { error in
            (error as? KernelFileError)?.isNotFound == true
        }
    }
}

@Suite struct MdadmCollectorTests {
    static func isFamily(_ name: String) -> Bool { name.hasPrefix("node_md_") }

    @Test func matchesE2EOutput() throws {
        try expectE2EParity("mdadm", families: Self.isFamily)
    }

    @Test func absentMdstatIsNoData() throws {
        let scratch = try ScratchDirectory()
        #expect(try scrape("mdadm", paths: HostPaths(procfs: scratch.path, sysfs: scratch.path)).families.isEmpty)
    }

    @Test func malformedMdstatFailsTheCollector() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("mdstat", "md0 : active\n")
        #expect(throws: CollectorError.self) { try scrape("mdadm", paths: HostPaths(procfs: scratch.path, sysfs: scratch.path)) }
    }

    @Test func malformedSysfsAttributeFailsTheCollector() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("proc/mdstat", "Personalities :\n")
        for (file, value) in [("level", "raid1"), ("array_state", "clean"), ("metadata_version", "1.2"), ("raid_disks", "two"), ("uuid", "x")] {
            try scratch.write("sys/block/md0/md/\(file)", value + "\n")
        }
        let paths = HostPaths(procfs: scratch.path + "/proc", sysfs: scratch.path + "/sys")
        #expect(throws: CollectorError.self) { try scrape("mdadm", paths: paths) }
    }
}
