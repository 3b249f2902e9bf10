@testable import LanternCollectors
import LanternMetrics
import LanternSupport
import Testing

@Suite struct NetworkQdiscTests {
    @Test func fixtureResults() throws {
        let qdiscs = try RouteQdisc.fixtures(try Fixtures.read("qdisc/results.json"))
        #expect(qdiscs == [
            RouteQdisc(interfaceName: "wlan0", kind: "fq", bytes: 42, packets: 42, drops: 1, requeues: 1),
            RouteQdisc(interfaceName: "eth0", kind: "pfifo_fast", bytes: 83, packets: 83, requeues: 2),
        ])
    }

    @Test func fieldNamesMatchIgnoringCaseLikeGo() throws {
        let qdiscs = try RouteQdisc.fixtures(#"[{"ifacename": "x", "PARENT": 5, "kind": null, "Extra": [1, {"a": true}]}]"#)
        #expect(qdiscs == [RouteQdisc(interfaceName: "x", parent: 5)])
    }

    @Test(arguments: [
        ("", "invalid JSON at offset 0: unexpected end of input"),
        ("[{\"Bytes\": 1,}]", "invalid JSON at offset 13: expected a member name"),
        ("[{\"Packets\": 4294967296}]", "json: cannot unmarshal number 4294967296 into field Packets of type uint32"),
        ("[{\"Bytes\": -1}]", "json: cannot unmarshal number -1 into field Bytes of type uint64"),
        ("[{\"Bytes\": 1.5}]", "json: cannot unmarshal number 1.5 into field Bytes of type uint64"),
        ("[{\"Kind\": 3}]", "json: cannot unmarshal number into field Kind of type string"),
        ("{\"IfaceName\": \"x\"}", "json: cannot unmarshal object into a list"),
        ("[\"unterminated]", "invalid JSON at offset 15: unterminated string"),
        ("[01]", "invalid JSON at offset 3: leading zero in number"),
        ("[1] x", "invalid JSON at offset 4: unexpected data after the JSON value"),
        (String(repeating: "[", count: 100_000), "invalid JSON at offset 64: nested too deeply"),
    ])
    func malformedFixturesAreNamedErrors(text: String, reason: String) {
        #expect(throws: KernelParseError(reason)) { try RouteQdisc.fixtures(text) }
    }

    @Test func jsonStringEscapes() throws {
        #expect(try JSONValue.parse(#""a\"\\\/\n\u00e9\ud83d\ude00\ud800x""#) == .string("a\"\\/\né😀\u{FFFD}x"))
    }

    /// A synthetic RTM_NEWQDISC: root parent, kind, TCA_STATS2 then the legacy TCA_STATS.
    @Test func netlinkMessage() throws {
        var body = [UInt8](repeating: 0, count: RouteQdisc.headerSize)
        body.replaceSubrange(4..<8, with: withUnsafeBytes(of: UInt32(7)) { Array($0) })
        body.replaceSubrange(12..<16, with: withUnsafeBytes(of: UInt32.max) { Array($0) })
        body.appendAttribute(type: RouteQdisc.attributeKind, value: Array("fq_codel\0".utf8))
        var stats2: [UInt8] = []
        var basic: [UInt8] = []
        basic.appendNative(UInt64(1000)); basic.appendNative(UInt32(10)); basic.appendNative(UInt32(0))
        stats2.appendAttribute(type: RouteQdisc.stats2Basic, value: basic)
        var queue: [UInt8] = []
        for value: UInt32 in [1, 2, 3, 4, 5] { queue.appendNative(value) }
        stats2.appendAttribute(type: RouteQdisc.stats2Queue, value: queue)
        body.appendAttribute(type: RouteQdisc.attributeStats2 | NetlinkConstants.nestedBit, value: stats2)
        let message = NetlinkMessage(type: RouteQdisc.newQdisc, flags: 0, sequence: 1, portID: 0, payload: body[...])
        let qdisc = try #require(RouteQdisc.parse(message))
        #expect(qdisc == RouteQdisc(interfaceName: "", interfaceIndex: 7, parent: 0, kind: "fq_codel", bytes: 1000, packets: 10,
                                    drops: 3, requeues: 4, overlimits: 5, queueLength: 1, backlog: 2))

        // Truncated statistics are ignored, a truncated header is no qdisc.
        var short = Array(body[0..<RouteQdisc.headerSize])
        short.appendAttribute(type: RouteQdisc.attributeStats, value: [1, 2, 3])
        short.appendAttribute(type: RouteQdisc.attributeStats2, value: [8, 0, 1, 0, 9, 9, 9, 9])
        let partial = try #require(RouteQdisc.parse(NetlinkMessage(type: RouteQdisc.newQdisc, flags: 0, sequence: 1, portID: 0, payload: short[...])))
        #expect(partial.bytes == 0 && partial.interfaceIndex == 7)
        #expect(RouteQdisc.parse(NetlinkMessage(type: RouteQdisc.newQdisc, flags: 0, sequence: 1, portID: 0, payload: body[0..<19])) == nil)
    }

    @Test func deviceExcludeFlag() throws {
        let sink = try scrape("qdisc", flags: e2eFlagsWithFixtureDirectories(["collector.qdisc.device-include": "", "collector.qdisc.device-exclude": "^wlan"]))
        let devices = Set(Exposition.collected(from: sink).samples.map(\.labels))
        #expect(devices == ["device=\"eth0\",kind=\"pfifo_fast\""])
    }

    @Test func deprecatedIncludeFlagIsHonoured() throws {
        let sink = try scrape("qdisc", flags: e2eFlagsWithFixtureDirectories(["collector.qdisc.device-include": "", "collector.qdisk.device-include": "wlan"]))
        #expect(Set(Exposition.collected(from: sink).samples.map(\.labels)) == ["device=\"wlan0\",kind=\"fq\""])
    }

    @Test func includeAndExcludeAreExclusive() throws {
        let definition = try #require(CollectorTable.definition(named: "qdisc"))
        let flags = try e2eFlagsWithFixtureDirectories(["collector.qdisc.device-exclude": "x"])
        #expect(throws: CollectorError.self) { _ = try definition.make(CollectorContext(paths: Fixtures.paths, flags: flags, logger: testLogger)) }
    }

    @Test func missingFixtureFileFails() throws {
        let scratch = try ScratchDirectory()
        let definition = try #require(CollectorTable.definition(named: "qdisc"))
        let collector = try definition.make(CollectorContext(
            paths: Fixtures.paths, flags: try defaultFlags(["collector.qdisc.fixtures": scratch.path]), logger: testLogger))
        #expect(throws: KernelFileError.self) { try collector.collect(into: MetricSink()) }
    }

    /// The live rtnetlink path: lo always has a root qdisc (noqueue) on Linux.
    @Test func liveLoopbackHasARootQdisc() throws {
        let qdiscs = try RouteQdisc.dump()
        let loopback = try #require(qdiscs.first { $0.interfaceName == "lo" && $0.parent == 0 })
        #expect(!loopback.kind.isEmpty)
        let sink = try scrape("qdisc", paths: HostPaths(), flags: defaultFlags(["collector.qdisc.device-include": "^lo$"]))
        #expect(Exposition.collected(from: sink).samples.contains { $0.name == "node_qdisc_packets_total" && $0.labels.hasPrefix("device=\"lo\"") })
    }
}
