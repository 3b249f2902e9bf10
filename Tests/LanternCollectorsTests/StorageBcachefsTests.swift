@testable import LanternCollectors
import LanternMetrics
import LanternSupport
import Testing

@Suite struct BcachefsParserTests {
    @Test func readsTheFixture() throws {
        let filesystem = try #require(try BcachefsStats.readAll(directory: Fixtures.paths.sys("fs/bcachefs"))?.first)
        #expect(filesystem.uuid == "deadbeef-1234-5678-9012-abcdefabcdef")
        #expect(filesystem.btreeCacheSizeBytes == 2201170739)
        #expect(filesystem.compression["lz4"] == .init(compressedBytes: 52505975193, uncompressedBytes: 76450417868))
        #expect(filesystem.errors["extent_io_opts_not_set"] == 11299659571772285102)
        #expect(filesystem.counters["bkey_pack_pos_fail"] != nil)
        #expect(filesystem.btreeWrites["cache_reclaim"] == .init(count: 14401, averageSizeBytes: 720))
        let device = try #require(filesystem.devices["4"])
        #expect((device.label, device.state, device.bucketSizeBytes) == ("disk-4", "[rw] ro evacuating spare", 2097152))
        #expect(device.ioDone["write"]?["sb"] == 645120)
        #expect(device.ioErrors == ["read": 197416, "write": 205, "checksum": 0])
    }

    @Test(arguments: [("720", UInt64(720)), ("62.5k", 64000), ("2.05G", 2201170739), ("1.5 M", 1572864)])
    func readsHumanSizes(text: String, bytes: UInt64) throws {
        #expect(try BcachefsStats.humanBytes(text) == bytes)
    }

    @Test(arguments: ["", "k", "lots", "-1k"])
    func rejectsMalformedSizes(text: String) {
        #expect(throws: KernelParseError.self) { try BcachefsStats.humanBytes(text) }
    }

    @Test func rejectsMalformedFiles() {
        #expect(throws: KernelParseError.self) { try BcachefsStats.parseCompressionStats("header\nlz4 1k many\n") }
        #expect(throws: KernelParseError.self) { try BcachefsStats.parseErrors("some_error x\n") }
        #expect(throws: KernelParseError.self) { try BcachefsStats.parseCounter("something else: 3\n") }
        #expect(throws: KernelParseError.self) { try BcachefsStats.parseBtreeWriteStats("header\ninitial: x 1k\n") }
        #expect(throws: KernelParseError.self) { try BcachefsStats.parseIODone("read:\nuser : lots\n") }
        #expect(throws: KernelParseError.self) { try BcachefsStats.parseIOErrors("IO errors since filesystem creation\n  read: x\n") }
    }

    @Test func ioErrorsStopAtTheSinceMountSection() throws {
        let text = "IO errors since filesystem creation\n  read: 3\nIO errors since 2 d ago\n  read: 1\n  write: 9\n"
        #expect(try BcachefsStats.parseIOErrors(text) == ["read": 3])
    }
}

@Suite struct BcachefsCollectorTests {
    static func isFamily(_ name: String) -> Bool { name.hasPrefix("node_bcachefs_") }

    @Test func matchesE2EOutput() throws {
        try expectE2EParity("bcachefs", families: Self.isFamily)
    }

    @Test func noBcachefsIsNoData() throws {
        let scratch = try ScratchDirectory()
        #expect(try scrape("bcachefs", paths: HostPaths(sysfs: scratch.path)).families.isEmpty)
    }

    @Test func malformedCounterFailsTheCollector() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("fs/bcachefs/a-b/counters/x", "nonsense\n")
        #expect(throws: CollectorError.self) { try scrape("bcachefs", paths: HostPaths(sysfs: scratch.path)) }
    }
}
