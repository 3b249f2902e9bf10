@testable import LanternCollectors
import LanternMetrics
import Testing

/// The remembered layout of vmstat, meminfo and the netstat files: numbers taken from
/// the bytes while the names stay the same, anything else back to the general parser.
@Suite struct LineLayoutTests {
    @Test func numbersOfTheSameLayoutAreReadInPlace() {
        let layout = LineLayout(of: "pgfault 10\nnr_x 5 extra\n\n", numberFields: .second)
        #expect(layout.numberCount == 2)
        #expect(layout.numbers(in: "pgfault 123456789012\n  nr_x\t-7 extra\n") == [123456789012, -7])
        // Other names, another field, a missing line, a value that is not a plain integer.
        #expect(layout.numbers(in: "pgfaults 1\nnr_x 5 extra\n") == nil)
        #expect(layout.numbers(in: "pgfault 1\nnr_x 5\n") == nil)
        #expect(layout.numbers(in: "pgfault 1\n") == nil)
        #expect(layout.numbers(in: "pgfault 1\nnr_x 5 extra\nnew 1\n") == nil)
        #expect(layout.numbers(in: "pgfault 1.5\nnr_x 5 extra\n") == nil)
        #expect(layout.numbers(in: "pgfault 1234567890123456789\nnr_x 5 extra\n") == nil)
        #expect(layout.numbers(in: "pgfault -\nnr_x 5 extra\n") == nil)
    }

    @Test func pairsKeepTheirHeadersAndValueCounts() {
        let layout = LineLayout(of: "Tcp: A B\nTcp: 1 2\nUdp: C\nUdp: 3\n", numberFields: .everySecondLine)
        #expect(layout.numbers(in: "Tcp: A B\nTcp: 4 5\n\nUdp: C\nUdp: 6\n") == [4, 5, 6])
        #expect(layout.numbers(in: "Tcp: A B\nTcp: 4 5 6\nUdp: C\nUdp: 6\n") == nil)
        #expect(layout.numbers(in: "Tcp: A B\nTcp: 4\nUdp: C\nUdp: 6 7\n") == nil)
        #expect(layout.numbers(in: "Tcp: A B\nIp: 4 5\nUdp: C\nUdp: 6\n") == nil)
        #expect(LineLayout(of: "", numberFields: .second).numbers(in: "") == [])
    }

    /// Each collector's second scrape, from the remembered layout, equals its first.
    @Test(arguments: ["vmstat", "meminfo", "netstat"])
    func secondScrapeEqualsTheFirst(collector name: String) throws {
        let definition = try #require(CollectorTable.definition(named: name))
        let collector = try definition.make(CollectorContext(paths: Fixtures.paths, flags: try e2eFlags(), logger: testLogger))
        var scrapes: [Exposition] = []
        for _ in 0..<3 {
            let sink = MetricSink()
            try collector.collect(into: sink)
            #expect(sink.problems.isEmpty)
            scrapes.append(Exposition.collected(from: sink))
        }
        #expect(!scrapes[0].samples.isEmpty)
        #expect(scrapes[1] == scrapes[0] && scrapes[2] == scrapes[0])
    }

    @Test func changedFilesAfterARememberedLayout() throws {
        let scratch = try ScratchDirectory()
        let paths = HostPaths(procfs: scratch.path + "/proc", sysfs: scratch.path + "/sys", rootfs: scratch.path)
        let context = CollectorContext(paths: paths, flags: try defaultFlags(), logger: testLogger)
        let netstat = try #require(CollectorTable.definition(named: "netstat")).make(context)
        let meminfo = try #require(CollectorTable.definition(named: "meminfo")).make(context)
        func values(_ collector: any Collector) throws -> [String: Double] {
            let sink = MetricSink()
            try collector.collect(into: sink)
            return Dictionary(uniqueKeysWithValues: Exposition.collected(from: sink).samples.map { ($0.name, $0.value) })
        }

        try scratch.write("proc/net/netstat", "TcpExt: ListenDrops\nTcpExt: 3\n")
        try scratch.write("proc/net/snmp", "Udp: InErrors NotExposed\nUdp: 4 5\n")
        #expect(try values(netstat) == ["node_netstat_TcpExt_ListenDrops": 3, "node_netstat_Udp_InErrors": 4])
        try scratch.write("proc/net/snmp", "Udp: InErrors NotExposed\nUdp: 40 5\n")
        #expect(try values(netstat)["node_netstat_Udp_InErrors"] == 40)
        // IPv6 appears; then a value that is not a number fails as it did without a layout.
        try scratch.write("proc/net/snmp6", "Udp6InErrors 7\nNoSix 1\n")
        #expect(try values(netstat)["node_netstat_Udp6_InErrors"] == 7)
        try scratch.write("proc/net/snmp", "Udp: InErrors NotExposed\nUdp: 4 x\n")
        #expect { _ = try values(netstat) } throws: { "\($0)".contains("invalid value x") }
        // A protocol in two files: the later file's pair counts.
        try scratch.write("proc/net/snmp", "TcpExt: ListenDrops\nTcpExt: 9\n")
        #expect(try values(netstat)["node_netstat_TcpExt_ListenDrops"] == 9)
        #expect(try values(netstat)["node_netstat_TcpExt_ListenDrops"] == 9)

        try scratch.write("proc/meminfo", "MemTotal: 2 kB\nHugePages_Total: 3\n")
        #expect(try values(meminfo) == ["node_memory_MemTotal_bytes": 2048, "node_memory_HugePages_Total": 3])
        #expect(try values(meminfo)["node_memory_MemTotal_bytes"] == 2048)
        // The unit goes missing: procfs leaves the byte value at 0.
        try scratch.write("proc/meminfo", "MemTotal: 2\nHugePages_Total: 3\n")
        #expect(try values(meminfo)["node_memory_MemTotal_bytes"] == 0)
        try scratch.write("proc/meminfo", "MemTotal: -2 kB\nHugePages_Total: 3\n")
        #expect { _ = try values(meminfo) } throws: { "\($0)".contains("MemTotal") }
    }
}
