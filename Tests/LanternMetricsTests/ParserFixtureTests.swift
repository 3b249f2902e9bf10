import Testing
@testable import LanternMetrics
import LanternSupport

@Suite struct ParserFixtureTests {
    @Test func e2eOutputParsesCompletely() throws {
        let bytes = try #require(SharedFixtures.read("fixtures/node_exporter/e2e-output.txt"))
        let parsed = try ExpositionParser.metricFamilies(in: bytes, format: .prometheusText)
        // Families without samples are dropped, as Go does: the e2e file keeps the
        // HELP/TYPE lines of series it filters out (go_*, process_*, ...).
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        let sampleNames = Set(lines.filter { !$0.hasPrefix("#") }.map { String($0.prefix { $0 != "{" && $0 != " " }) })
        let typedWithSamples = lines.filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
            .filter { sampleNames.contains(String($0)) }
        #expect(parsed.count == typedWithSamples.count)
        let byName = Dictionary(parsed.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byName["go_gc_duration_seconds"] == nil)

        let load1 = try #require(byName["node_load1"])
        #expect(load1.type == .gauge)
        #expect(load1.metrics.first?.value == .scalar(0.21))
        let memoryTotal = try #require(byName["node_memory_MemTotal_bytes"])
        #expect(memoryTotal.type == .gauge)
        #expect(memoryTotal.metrics.first?.value == .scalar(3.831959552e+09))
        for family in parsed {
            for metric in family.metrics {
                #expect(metric.labels.map(\.name) == metric.labels.map(\.name).sorted { $0.utf8Precedes($1) })
            }
        }
    }

    @Test func streamingReadsEverySampleLineOfE2EOutput() throws {
        let bytes = try #require(SharedFixtures.read("fixtures/node_exporter/e2e-output.txt"))
        var parser = ExpositionParser(bytes: bytes, format: .prometheusText)
        var samples = 0
        while let entry = try parser.next() {
            if case .sample = entry { samples += 1 }
        }
        let sampleLines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(samples == sampleLines.count)
    }

    /// All `.prom` inputs of node_exporter's textfile tests are valid exposition text:
    /// the fixtures with `node_textfile_scrape_error 1` fail later (a client-side
    /// timestamp, conflicting help across files), not in the parser.
    @Test(arguments: SharedFixtures.list("fixtures/node_exporter/textfile"))
    func textfileInputsParse(directory: String) throws {
        for file in SharedFixtures.list("fixtures/node_exporter/textfile/" + directory) where file.hasSuffix(".prom") {
            let bytes = try #require(SharedFixtures.read("fixtures/node_exporter/textfile/\(directory)/\(file)"))
            #expect(throws: Never.self) { try ExpositionParser.metricFamilies(in: bytes, format: .prometheusText) }
        }
    }

    @Test func clientSideTimestampIsKept() throws {
        let bytes = try #require(SharedFixtures.read("fixtures/node_exporter/textfile/client_side_timestamp/metrics.prom"))
        let parsed = try ExpositionParser.metricFamilies(in: bytes, format: .prometheusText)
        #expect(parsed.first?.metrics.first?.timestampMilliseconds == 1_441_205_977_284)
        #expect(parsed.last?.metrics.first?.timestampMilliseconds == nil)
    }

    @Test func histogramFixtureIsReconstructed() throws {
        let bytes = try #require(SharedFixtures.read("fixtures/node_exporter/textfile/histogram_extra_dimension/metrics.prom"))
        let parsed = try ExpositionParser.metricFamilies(in: bytes, format: .prometheusText)
        #expect(parsed.count == 1)
        let family = try #require(parsed.first)
        #expect(family.type == .histogram)
        #expect(family.metrics.map(\.labels) == [[Label("foo", "bar")], [Label("foo", "baz")]])
        guard case .histogram(let histogram) = family.metrics[0].value else { Issue.record("not a histogram"); return }
        #expect(histogram.buckets.count == 11)
        #expect(histogram.buckets[7] == .init(upperBound: 1.6384e+06, cumulativeCount: 1_691_850))
        #expect(histogram.buckets.last?.upperBound == .infinity)
        #expect(histogram.count == 1_691_853)
        #expect(histogram.sum == 6.71393432189e+11)
    }

    /// The `handler="foo"` quantile makes its own series, with count and sum 0, as in the expected output.
    @Test func summaryWithExtraDimensionMatchesGo() throws {
        let bytes = try #require(SharedFixtures.read("fixtures/node_exporter/textfile/summary_extra_dimension/metrics.prom"))
        let family = try #require(try ExpositionParser.metricFamilies(in: bytes, format: .prometheusText).first)
        #expect(family.metrics.count == 3)
        let odd = try #require(family.metrics.first { $0.labels.contains(Label("handler", "foo")) })
        #expect(odd.labels == [Label("handler", "foo"), Label("rule_type", "alerting")])
        #expect(odd.value == .summary(SummaryValue(quantiles: [.init(quantile: 0.5, value: 0.000571464)], count: 0, sum: 0)))
        let alerting = try #require(family.metrics.first { $0.labels == [Label("rule_type", "alerting")] })
        #expect(alerting.value == .summary(SummaryValue(
            quantiles: [.init(quantile: 0.9, value: 0.001765451), .init(quantile: 0.99, value: 0.018672076)],
            count: 185_209, sum: 214.85081044700146)))
    }
}
