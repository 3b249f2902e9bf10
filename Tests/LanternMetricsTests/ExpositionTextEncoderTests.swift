import Testing
@testable import LanternMetrics

struct ExpositionTextEncoderTests {
    private func text(_ families: [MetricFamily], _ escaping: NameEscaping = .underscores) -> String {
        TextEncoder.encode(families, nameEscaping: escaping).text
    }

    @Test func scalarsWithLabelsEscapingAndTimestamps() {
        let family = MetricFamily(
            name: "node_test_info", help: "Help with \\ backslash,\nnewline and \"quotes\".", type: .gauge,
            metrics: [
                Metric(labels: [], value: .scalar(1)),
                Metric(labels: [Label("a", "x\\y"), Label("b", "line\nbreak \"q\"")], value: .scalar(-0.0)),
                Metric(labels: [Label("a", "z")], value: .scalar(1.5e-7), timestampMilliseconds: -1_700_000_000_123),
            ])
        #expect(text([family]) == """
            # HELP node_test_info Help with \\\\ backslash,\\nnewline and "quotes".
            # TYPE node_test_info gauge
            node_test_info 1
            node_test_info{a="x\\\\y",b="line\\nbreak \\"q\\""} 0
            node_test_info{a="z"} 1.5e-07 -1700000000123

            """)
    }

    /// Label names rendered once per family (from its first series) and series whose
    /// names differ from those, written label by label.
    @Test func seriesWithTheFirstSeriesLabelNamesOrOthers() {
        let family = MetricFamily(name: "t", help: "", type: .gauge, metrics: [
            Metric(labels: [Label("a", "1"), Label("b", "q\"")], value: .scalar(1)),
            Metric(labels: [Label("a", "2"), Label("b", "")], value: .scalar(2)),
            Metric(labels: [Label("a", "3")], value: .scalar(3)),
            Metric(labels: [Label("b", "4"), Label("c-d", "5")], value: .scalar(4)),
            Metric(labels: [], value: .scalar(5)),
        ])
        let histogram = MetricFamily(name: "h.x", help: "", type: .histogram, metrics: [
            Metric(labels: [Label("a", "1")], value: .histogram(HistogramValue(buckets: [.init(upperBound: 1, cumulativeCount: 1)], count: 1, sum: 2))),
        ])
        #expect(text([family, histogram]) == """
            # HELP t \n# TYPE t gauge
            t{a="1",b="q\\""} 1
            t{a="2",b=""} 2
            t{a="3"} 3
            t{b="4",c_d="5"} 4
            t 5
            # HELP h_x \n# TYPE h_x histogram
            h_x_bucket{a="1",le="1"} 1
            h_x_bucket{a="1",le="+Inf"} 1
            h_x_sum{a="1"} 2
            h_x_count{a="1"} 1

            """)
        #expect(text([histogram], .allowUTF8) == """
            # HELP "h.x" \n# TYPE "h.x" histogram
            {"h.x_bucket",a="1",le="1"} 1
            {"h.x_bucket",a="1",le="+Inf"} 1
            {"h.x_sum",a="1"} 2
            {"h.x_count",a="1"} 1

            """)
    }

    @Test func typeNamesAndEmptyHelp() {
        let types: [(MetricType, String)] = [
            (.counter, "counter"), (.gauge, "gauge"), (.untyped, "untyped"), (.info, "gauge"), (.stateset, "gauge"),
        ]
        for (type, keyword) in types {
            let family = MetricFamily(name: "m", help: "", type: type, metrics: [Metric(labels: [], value: .scalar(3))])
            #expect(text([family]) == "# HELP m \n# TYPE m \(keyword)\nm 3\n")
        }
    }

    @Test func familyWithoutSeriesIsSkipped() {
        #expect(text([MetricFamily(name: "empty", help: "h", type: .gauge)]).isEmpty)
    }

    @Test func histogramAddsInfBucketAfterOwnLabels() {
        let histogram = HistogramValue(
            buckets: [.init(upperBound: 0.005, cumulativeCount: 1), .init(upperBound: 1, cumulativeCount: 3),
                      .init(upperBound: 1e6, cumulativeCount: 4)],
            count: 10_000_000, sum: 1234.5)
        let family = MetricFamily(
            name: "req_seconds", help: "Request time.", type: .histogram,
            metrics: [Metric(labels: [Label("code", "200"), Label("z", "last")], value: .histogram(histogram))])
        // Go writes counts through float64: 10000000 becomes 1e+07.
        #expect(text([family]) == """
            # HELP req_seconds Request time.
            # TYPE req_seconds histogram
            req_seconds_bucket{code="200",z="last",le="0.005"} 1
            req_seconds_bucket{code="200",z="last",le="1"} 3
            req_seconds_bucket{code="200",z="last",le="1e+06"} 4
            req_seconds_bucket{code="200",z="last",le="+Inf"} 1e+07
            req_seconds_sum{code="200",z="last"} 1234.5
            req_seconds_count{code="200",z="last"} 1e+07

            """)
    }

    @Test func histogramKeepsExistingInfBucket() {
        let histogram = HistogramValue(
            buckets: [.init(upperBound: 1, cumulativeCount: 1), .init(upperBound: .infinity, cumulativeCount: 2)],
            count: 2, sum: 0)
        let family = MetricFamily(name: "h", help: "", type: .histogram, metrics: [Metric(labels: [], value: .histogram(histogram))])
        #expect(text([family]) == """
            # HELP h \n# TYPE h histogram
            h_bucket{le="1"} 1
            h_bucket{le="+Inf"} 2
            h_sum 0
            h_count 2

            """)
    }

    @Test func summaryPutsQuantileLast() {
        let summary = SummaryValue(
            quantiles: [.init(quantile: 0.5, value: 4773), .init(quantile: 0.99, value: .nan)], count: 2693, sum: 1.7560473e+07)
        let family = MetricFamily(
            name: "rpc_duration_seconds", help: "RPC duration.", type: .summary,
            metrics: [Metric(labels: [Label("service", "a")], value: .summary(summary), timestampMilliseconds: 5)])
        #expect(text([family]) == """
            # HELP rpc_duration_seconds RPC duration.
            # TYPE rpc_duration_seconds summary
            rpc_duration_seconds{service="a",quantile="0.5"} 4773 5
            rpc_duration_seconds{service="a",quantile="0.99"} NaN 5
            rpc_duration_seconds_sum{service="a"} 1.7560473e+07 5
            rpc_duration_seconds_count{service="a"} 2693 5

            """)
    }

    @Test func familiesAndSeriesKeepTheGivenOrder() {
        var family = MetricFamily(name: "b", help: "", type: .gauge, metrics: [
            Metric(labels: [Label("x", "2")], value: .scalar(2)),
            Metric(labels: [Label("x", "10")], value: .scalar(10)),
            Metric(labels: [], value: .scalar(0)),
        ])
        family.sortMetrics()
        let first = MetricFamily(name: "a", help: "", type: .gauge, metrics: [Metric(labels: [], value: .scalar(1))])
        #expect(text([first, family]) == """
            # HELP a \n# TYPE a gauge
            a 1
            # HELP b \n# TYPE b gauge
            b 0
            b{x="10"} 10
            b{x="2"} 2

            """)
    }

    @Test func nonLegacyNamesAreEscapedOrQuoted() {
        let family = MetricFamily(
            name: "my.metric", help: "h", type: .counter,
            metrics: [Metric(labels: [Label("lä bel", "v")], value: .scalar(1))])
        #expect(text([family], .underscores) == """
            # HELP my_metric h
            # TYPE my_metric counter
            my_metric{l__bel="v"} 1

            """)
        #expect(text([family], .allowUTF8) == """
            # HELP "my.metric" h
            # TYPE "my.metric" counter
            {"my.metric","lä bel"="v"} 1

            """)
    }

    @Test func underscoreEscapingKeepsColonsAndLeadingDigitRule() {
        var buffer: [UInt8] = []
        NameEscaping.appendUnderscoreEscaped("0a:b-c€", to: &buffer)
        #expect(buffer.text == "_a:b_c_")
        #expect(NameEscaping.isLegacyName("a:b_9"))
        #expect(!NameEscaping.isLegacyName("9a"))
        #expect(!NameEscaping.isLegacyName(""))
    }

    @Test func contentType() {
        #expect(TextEncoder.contentType == "text/plain; version=0.0.4; charset=utf-8; escaping=underscores")
    }
}
