@testable import LanternCollectors
import LanternFlags
import LanternMetrics
import Testing

@Suite struct NetworkIPVSTests {
    @Test func statsFromFixture() throws {
        let stats = try ProcIPVS.stats(try Fixtures.read("proc/net/ip_vs_stats"))
        #expect(stats == IPVSStats(connections: 23_765_872, incomingPackets: 3_811_989_221, outgoingPackets: 0,
                                   incomingBytes: 89_991_519_156_915, outgoingBytes: 0))
    }

    @Test func backendsFromFixture() throws {
        let backends = try ProcIPVS.backends(try Fixtures.read("proc/net/ip_vs"))
        #expect(backends.count == 10)
        #expect(backends.first == IPVSBackend(
            localAddress: "192.168.0.22", localPort: 3306, localMark: "", proto: "TCP", remoteAddress: "192.168.82.22",
            remotePort: 3306, activeConnections: 248, inactiveConnections: 2, weight: 100))
        #expect(backends.last?.localMark == "10001000")
        #expect(backends.last?.localAddress == "")
        #expect(backends.last?.localPort == 0)
    }

    @Test func ipv6AddressesPrintLikeGo() throws {
        let text = """
            TCP  [2620:0000:0000:0000:0000:0000:0000:0001]:0050 rr
              -> [0000:0000:0000:0000:0000:ffff:0a00:0001]:0050      Masq    1      2          3
            """
        let backends = try ProcIPVS.backends(text)
        #expect(backends.map(\.localAddress) == ["2620::1"])
        #expect(backends.map(\.remoteAddress) == ["10.0.0.1"])
        #expect(backends.map(\.remotePort) == [80])
    }

    @Test(arguments: [
        ("IP Virtual Server\nProt\n", "ip_vs_stats corrupt: too short"),
        ("a\nb\n 1 2 3\nc", "ip_vs_stats corrupt: unexpected number of fields"),
        ("a\nb\n 1 2 3 4 +5\n", "invalid outgoing bytes \"+5\": not a hexadecimal integer"),
        ("a\nb\n 1 2 3 4 11111111111111111\n", "invalid outgoing bytes \"11111111111111111\": not a hexadecimal integer"),
    ])
    func malformedStatsAreNamedErrors(text: String, reason: String) {
        #expect(throws: KernelParseError(reason)) { try ProcIPVS.stats(text) }
    }

    @Test(arguments: [
        ("TCP  C0A8001:0CEA wlc", "unexpected IP:Port: C0A8001:0CEA"),
        ("TCP  C0A8001G:0CEA wlc", "invalid IP:Port \"C0A8001G:0CEA\": not hexadecimal"),
        ("TCP  C0A80016:0CEA wlc\n  -> C0A85216:0CEA Tunnel x 1 2", "invalid weight \"x\": not an unsigned integer"),
        ("TCP  [2620:0000:0000:0000:0000:0000:0000:000g]:0050 rr", "invalid IPv6 address: 2620:0000:0000:0000:0000:0000:0000:000g"),
    ])
    func malformedBackendsAreNamedErrors(text: String, reason: String) {
        #expect(throws: KernelParseError(reason)) { try ProcIPVS.backends(text) }
    }

    @Test func shortAndUnknownLinesAreSkipped() throws {
        #expect(try ProcIPVS.backends("X\nSCTP 1\n  -> C0A85216:0CEA Tunnel 1\n\n").isEmpty)
    }

    /// node_exporter's ipvs_linux_test.go cases: the label flag selects what the sums are keyed by.
    @Test(arguments: [
        (nil, "ip_vs_result.txt"),
        ("local_address,local_port", "ip_vs_result_lbs_local_address_local_port.txt"),
        ("local_port", "ip_vs_result_lbs_local_port.txt"),
        ("", "ip_vs_result_lbs_none.txt"),
    ] as [(String?, String)])
    func backendLabelsFlag(labels: String?, expectedFile: String) throws {
        let flags = try defaultFlags(labels.map { ["collector.ipvs.backend-labels": $0] } ?? [:])
        let actual = encodedLines(try scrape("ipvs", flags: flags)).sorted()
        let expected = try Fixtures.read(expectedFile).split(separator: "\n").map(String.init).sorted()
        #expect(actual == expected)
    }

    @Test func unknownBackendLabelsAreRejected() throws {
        let definition = try #require(CollectorTable.definition(named: "ipvs"))
        let context = CollectorContext(
            paths: Fixtures.paths, flags: try defaultFlags(["collector.ipvs.backend-labels": "proto,zz,aa,,"]), logger: testLogger)
        #expect { _ = try definition.make(context) } throws: { "\($0)" == "unknown IPVS backend labels: \"aa, zz\"" }
    }

    @Test func missingIPVSIsNoDataNotAnError() throws {
        let scratch = try ScratchDirectory()
        let sink = try scrape("ipvs", paths: HostPaths(procfs: scratch.path), flags: defaultFlags())
        #expect(sink.families.isEmpty)
    }

    @Test func missingBackendFileFailsTheCollector() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("net/ip_vs_stats", try Fixtures.read("proc/net/ip_vs_stats"))
        let definition = try #require(CollectorTable.definition(named: "ipvs"))
        let collector = try definition.make(CollectorContext(paths: HostPaths(procfs: scratch.path), flags: defaultFlags(), logger: testLogger))
        #expect(throws: CollectorError.self) { try collector.collect(into: MetricSink()) }
    }
}
