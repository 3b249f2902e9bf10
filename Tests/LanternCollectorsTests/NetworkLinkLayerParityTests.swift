import LanternCollectors
import LanternFlags
import LanternMetrics
import Testing

/// ipvs, infiniband, qdisc and wifi against node_exporter's fixture tree with the e2e
/// flags: compared family by family with e2e-output.txt, then line by line as encoded.
@Suite struct NetworkLinkLayerParityTests {
    static let prefixes = ["ipvs": "node_ipvs_", "infiniband": "node_infiniband_", "qdisc": "node_qdisc_", "wifi": "node_wifi_"]

    @Test(arguments: ["ipvs", "infiniband", "qdisc", "wifi"])
    func matchesE2EOutput(collector: String) throws {
        let prefix = try #require(Self.prefixes[collector])
        let families = { (name: String) in name.hasPrefix(prefix) }
        let expected = try Exposition.expected(families: families)
        let sink = try scrape(collector, flags: e2eFlagsWithFixtureDirectories())
        let actual = Exposition.collected(from: sink)

        #expect(!expected.samples.isEmpty)
        #expect(actual.headers == expected.headers)
        for missing in Set(expected.samples).subtracting(actual.samples).sorted() { Issue.record("missing \(missing)") }
        for extra in Set(actual.samples).subtracting(expected.samples).sorted() { Issue.record("unexpected \(extra)") }

        // Byte-level check of the encoded lines (float format, escaping, label order).
        let expectedLines = Set(try Fixtures.read("e2e-output.txt").split(separator: "\n").map(String.init))
        for line in encodedLines(sink) where !expectedLines.contains(line) { Issue.record("line not in e2e-output.txt: \(line)") }
    }
}

/// The e2e flags with the relative `collector/fixtures/...` directories of the qdisc and
/// wifi fixture flags pointed at the test's fixture tree (node_exporter runs from its repo root).
func e2eFlagsWithFixtureDirectories(_ overrides: [String: String] = [:]) throws -> ParsedFlags {
    try e2eFlags(["collector.qdisc.fixtures": Fixtures.root + "/qdisc/", "collector.wifi.fixtures": Fixtures.root + "/wifi"]
        .merging(overrides) { $1 })
}

/// The text-format lines a sink encodes to, families and series in any order.
func encodedLines(_ sink: MetricSink) -> [String] {
    let bytes = TextEncoder.encode(sink.families)
    return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
}
