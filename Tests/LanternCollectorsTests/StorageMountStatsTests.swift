@testable import LanternCollectors
import LanternMetrics
import LanternSupport
import Testing

@Suite struct MountStatsParserTests {
    @Test func parsesTheFixture() throws {
        let mounts = try MountStats.parse(try Fixtures.read("proc/10/mountstats"))
        #expect(mounts.map(\.mountPoint) == ["/", "/sys", "/proc", "/", "/mnt/nfs/test", "/mnt/nfs/test-dupe", "/mnt/nfs/test-dupe"])
        #expect(mounts.prefix(4).allSatisfy { $0.nfs == nil })
        let nfs = try #require(mounts[4].nfs)
        #expect(nfs.statVersion == "1.1")
        #expect(nfs.ageSeconds == 13968)
        #expect(nfs.bytes == [1207640230, 0, 0, 0, 1210214218, 0, 295483, 0])
        #expect(nfs.events[1] == 226)
        #expect(nfs.transports.map(\.protocolName) == ["tcp"])
        #expect(nfs.transports[0].idleTimeSeconds == 11)
        #expect(nfs.operations.map(\.name) == ["NULL", "READ", "WRITE"])
        #expect(nfs.operations[1].requestMilliseconds == 79407)
    }

    @Test func udpTransportsLackTheConnectionFields() throws {
        let mounts = try MountStats.parse(try Fixtures.read("proc/10/mountstats"))
        let udp = try #require(mounts[6].nfs?.transports.first)
        #expect((udp.bind, udp.connect, udp.idleTimeSeconds, udp.sends, udp.maximumRPCSlotsUsed) == (0, 0, 0, 6428, 24))
    }

    @Test func version10TransportsLeaveTheNewFieldsZero() throws {
        let text = """
            device srv:/x mounted on /x with fstype nfs statvers=1.0
            \txprt:\ttcp 1 2 3 4 5 6 7 8 9 10
            \tper-op statistics
            \t        NULL: 0 0 0 0 0 0 0 0 7

            """
        let nfs = try #require(try MountStats.parse(text).first?.nfs)
        #expect(nfs.transports[0].cumulativeBacklog == 10)
        #expect(nfs.transports[0].cumulativePendingQueue == 0)
        #expect(nfs.operations[0].errors == 7)
    }

    @Test(arguments: [
        ("device x mounted at /x with fstype ext4", "invalid device line"),
        ("device x mounted on /x with", "invalid device line"),
        ("device x mounted on /x with fstype ext4 statvers=1.1", "cannot parse statistics of ext4"),
        ("device x mounted on /x with fstype nfs statvers=1.1\n\tage:\tsoon", "invalid NFS age"),
        ("device x mounted on /x with fstype nfs statvers=1.1\n\tbytes:\t1 2 3", "bytes stats: 3 values"),
        ("device x mounted on /x with fstype nfs statvers=1.1\n\tevents:\t1 2", "events stats: 2 values"),
        ("device x mounted on /x with fstype nfs statvers=1.1\n\tbytes:\t1 2 3 4 5 6 7 -8", "not an unsigned integer"),
        ("device x mounted on /x with fstype nfs statvers=1.1\n\txprt:\ttcp", "not enough information"),
        ("device x mounted on /x with fstype nfs statvers=1.1\n\txprt:\trdma 1 2", "invalid NFS protocol \"rdma\""),
        ("device x mounted on /x with fstype nfs statvers=1.1\n\txprt:\ttcp 1 2", "1.1 statement: 2 values, want 13"),
        ("device x mounted on /x with fstype nfs statvers=2.0\n\txprt:\ttcp 1 2", "unrecognized NFS transport stats version"),
        ("device x mounted on /x with fstype nfs statvers=1.1\nper-op statistics\n\tNULL: 1 2", "per-operation stats"),
        ("device x mounted on /x with fstype nfs statvers=1.1\nper-op statistics\n\tNULL: 1 2 3 4 5 6 7 x", "not an unsigned integer"),
    ])
    func rejectsMalformedInput(text: String, problem: String) {
        #expect { try MountStats.parse(text + "\n") } throws: { error in
            ((error as? KernelParseError)?.reason ?? "").contains(problem)
        }
    }
}

@Suite struct MountStatsCollectorTests {
    static func isFamily(_ name: String) -> Bool { name.hasPrefix("node_mountstats_") }

    @Test func matchesE2EOutput() throws {
        try expectE2EParity("mountstats", families: Self.isFamily)
    }

    @Test func offByDefault() throws {
        #expect(CollectorTable.definition(named: "mountstats")?.enabledByDefault == false)
    }

    @Test func missingMountstatsFailsTheCollector() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("self/mountinfo", "")
        #expect(throws: CollectorError.self) { try scrape("mountstats", paths: HostPaths(procfs: scratch.path)) }
    }

    @Test func malformedMountinfoFailsTheCollector() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("self/mountstats", "device a mounted on / with fstype ext4\n")
        try scratch.write("self/mountinfo", "garbage\n")
        #expect(throws: CollectorError.self) { try scrape("mountstats", paths: HostPaths(procfs: scratch.path)) }
    }

    @Test func hugeTimesAreReducedModulo2To53() throws {
        let sink = try scrape("mountstats")
        let family = try #require(sink.families.first { $0.name == "node_mountstats_nfs_operations_queue_time_seconds_total" })
        let access = try #require(family.metrics.first { $0.labels.contains(Label("operation", "ACCESS")) })
        #expect(access.value == .scalar(Double(UInt64(18446743919241604546) % 9_007_199_254_740_992) / 1000))
    }
}
