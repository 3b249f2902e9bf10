@testable import LanternCollectors
import LanternMetrics
import LanternSupport
import Testing

@Suite struct NFSClientStatsParserTests {
    @Test func parsesTheFixture() throws {
        let stats = try NFSClientStats.parse(try Fixtures.read("proc/net/rpc/nfs"))
        #expect((stats.packets, stats.udpPackets, stats.tcpPackets, stats.tcpConnections) == (70, 70, 69, 45))
        #expect((stats.rpcCalls, stats.retransmissions, stats.authRefreshes) == (1218785755, 374636, 1218815394))
        #expect(stats.version3[1] == 1061909262)
        #expect(stats.version4.count == NFSClientStats.version4Procedures.count)
    }

    @Test func shortNFSv4LinesArePaddedWithZeros() throws {
        let stats = try NFSClientStats.parse("proc4 2 7 8\n")
        #expect(stats.version4.prefix(3) == [7, 8, 0])
    }

    @Test(arguments: [
        ("net 1 2 3", "net line"),
        ("rpc 1 2", "rpc line"),
        ("proc2 3 1 2 3", "proc2 line"),
        ("proc3 5 1 2", "proc3 line"),
        ("proc4 9 1", "proc4 line"),
        ("proc4 x", "not an unsigned integer"),
        ("nope 1 2", "unknown NFS metric line"),
        ("net", "invalid NFS metric line"),
    ])
    func rejectsMalformedLines(line: String, problem: String) {
        #expect { try NFSClientStats.parse(line + "\n") } throws: { error in
            ((error as? KernelParseError)?.reason ?? "").contains(problem)
        }
    }
}

@Suite struct NFSCollectorTests {
    static func isFamily(_ name: String) -> Bool { name.hasPrefix("node_nfs_") }

    @Test func matchesE2EOutput() throws {
        try expectE2EParity("nfs", families: Self.isFamily)
    }

    @Test func absentNFSClientIsNoData() throws {
        let scratch = try ScratchDirectory()
        #expect(try scrape("nfs", paths: HostPaths(procfs: scratch.path)).families.isEmpty)
    }

    @Test func malformedFileFailsTheCollector() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("net/rpc/nfs", "rpc 1\n")
        #expect(throws: CollectorError.self) { try scrape("nfs", paths: HostPaths(procfs: scratch.path)) }
    }
}
