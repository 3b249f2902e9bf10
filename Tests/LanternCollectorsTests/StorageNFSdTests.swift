@testable import LanternCollectors
import LanternMetrics
import LanternSupport
import Testing

@Suite struct NFSServerStatsParserTests {
    @Test func parsesTheFixture() throws {
        let stats = try NFSServerStats.parse(try Fixtures.read("proc/net/rpc/nfsd"))
        #expect((stats.replyCacheHits, stats.replyCacheMisses, stats.replyCacheNoCache) == (0, 6, 18622))
        #expect((stats.bytesRead, stats.bytesWritten, stats.threads) == (157286400, 72864, 8))
        #expect((stats.udpPackets, stats.tcpPackets, stats.tcpConnections) == (55, 917, 1))
        #expect((stats.rpcCalls, stats.badFormat, stats.badAuth, stats.badClient) == (18628, 1, 2, 0))
        #expect(stats.version2[3] == 4410)
        #expect(stats.version4[NFSServerStats.version4Operations.firstIndex(of: "PutFH") ?? -1] == 9609)
        #expect(stats.version4.last == 15)
    }

    @Test func oldKernelsWithout40OperationsCountZero() throws {
        let stats = try NFSServerStats.parse("proc4ops 39 " + Array(repeating: "1", count: 39).joined(separator: " ") + "\n")
        #expect(stats.version4[NFSServerStats.version4Operations.firstIndex(of: "RelLockOwner") ?? -1] == 0)
        #expect(stats.version4[0] == 1)
    }

    @Test(arguments: [
        ("rc 1 2", "rc line"),
        ("fh 1", "fh line"),
        ("io 1 2 3", "io line"),
        ("th 8", "th line"),
        ("ra 1 2", "ra line"),
        ("net 1 2 3", "net line"),
        ("rpc 1 2 3 4", "rpc line"),
        ("proc2 3 1 2 3", "proc2 line"),
        ("proc3 2 1", "proc3 line"),
        ("proc4 3 1 2 3", "want 2 values"),
        ("proc4ops 2 1 2", "proc4ops line"),
        ("net 1 2 x 4", "not an unsigned integer"),
        ("nope 1", "invalid NFSd metric line"),
        ("rc", "invalid NFSd metric line"),
    ])
    func rejectsMalformedLines(line: String, problem: String) {
        #expect { try NFSServerStats.parse(line + "\n") } throws: { error in
            ((error as? KernelParseError)?.reason ?? "").contains(problem)
        }
    }
}

@Suite struct NFSdCollectorTests {
    static func isFamily(_ name: String) -> Bool { name.hasPrefix("node_nfsd_") }

    @Test func matchesE2EOutput() throws {
        try expectE2EParity("nfsd", families: Self.isFamily)
    }

    @Test func absentNFSServerIsNoData() throws {
        let scratch = try ScratchDirectory()
        #expect(try scrape("nfsd", paths: HostPaths(procfs: scratch.path)).families.isEmpty)
    }

    @Test func malformedFileFailsTheCollector() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("net/rpc/nfsd", "rc 1\n")
        #expect(throws: CollectorError.self) { try scrape("nfsd", paths: HostPaths(procfs: scratch.path)) }
    }
}
