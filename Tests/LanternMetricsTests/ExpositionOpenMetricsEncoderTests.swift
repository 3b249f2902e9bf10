import Testing
@testable import LanternMetrics

struct ExpositionOpenMetricsEncoderTests {
    private func openMetrics(_ families: [MetricFamily]) -> String {
        OpenMetricsEncoder.encode(families).text
    }

    @Test func counterDropsTotalOnDescriptorsAndWritesCreated() {
        let family = MetricFamily(
            name: "http_requests_total", help: "Requests with \"quotes\" and \\.", type: .counter,
            metrics: [
                Metric(labels: [Label("code", "200")], value: .scalar(1027), timestampMilliseconds: 1_395_066_363_000,
                       created: 1_395_066_000.5),
                Metric(labels: [Label("code", "400")], value: .scalar(0)),
            ])
        #expect(openMetrics([family]) == """
            # HELP http_requests Requests with \\"quotes\\" and \\\\.
            # TYPE http_requests counter
            http_requests_total{code="200"} 1027.0 1.395066363e+09
            http_requests_created{code="200"} 1.3950660005e+09
            http_requests_total{code="400"} 0.0
            # EOF

            """)
    }

    @Test func counterWithoutTotalIsUnknown() {
        let family = MetricFamily(name: "errors", help: "", type: .counter, metrics: [Metric(labels: [], value: .scalar(1))])
        #expect(openMetrics([family]) == "# HELP errors \n# TYPE errors unknown\nerrors 1.0\n# EOF\n")
    }

    @Test func unitIsWrittenAndSuffixedToTheName() {
        let counter = MetricFamily(
            name: "cpu_total", help: "CPU.", type: .counter, unit: "seconds",
            metrics: [Metric(labels: [], value: .scalar(2.5))])
        let gauge = MetricFamily(
            name: "temp_celsius", help: "T.", type: .gauge, unit: "celsius", metrics: [Metric(labels: [], value: .scalar(-1))])
        #expect(openMetrics([counter, gauge]) == """
            # HELP cpu_seconds CPU.
            # TYPE cpu_seconds counter
            # UNIT cpu_seconds seconds
            cpu_seconds_total 2.5
            # HELP temp_celsius T.
            # TYPE temp_celsius gauge
            # UNIT temp_celsius celsius
            temp_celsius -1.0
            # EOF

            """)
    }

    @Test func untypedInfoAndStateset() {
        let families = [
            MetricFamily(name: "build_info", help: "Build.", type: .info,
                         metrics: [Metric(labels: [Label("version", "1.0")], value: .scalar(1))]),
            MetricFamily(name: "feature", help: "", type: .stateset, metrics: [
                Metric(labels: [Label("feature", "a")], value: .scalar(1)),
                Metric(labels: [Label("feature", "b")], value: .scalar(0)),
            ]),
            MetricFamily(name: "thing", help: "", type: .untyped, metrics: [Metric(labels: [], value: .scalar(42))]),
        ]
        #expect(openMetrics(families) == """
            # HELP build Build.
            # TYPE build info
            build_info{version="1.0"} 1.0
            # HELP feature \n# TYPE feature stateset
            feature{feature="a"} 1.0
            feature{feature="b"} 0.0
            # HELP thing \n# TYPE thing unknown
            thing 42.0
            # EOF

            """)
    }

    @Test func histogramCountsAreIntegersAndBoundsOpenMetricsFloats() {
        let histogram = HistogramValue(
            buckets: [.init(upperBound: 0.5, cumulativeCount: 1), .init(upperBound: 1, cumulativeCount: 10_000_000)],
            count: 10_000_001, sum: 3)
        let family = MetricFamily(
            name: "lat", help: "", type: .histogram,
            metrics: [Metric(labels: [Label("a", "b")], value: .histogram(histogram), created: 10)])
        #expect(openMetrics([family]) == """
            # HELP lat \n# TYPE lat histogram
            lat_bucket{a="b",le="0.5"} 1
            lat_bucket{a="b",le="1.0"} 10000000
            lat_bucket{a="b",le="+Inf"} 10000001
            lat_sum{a="b"} 3.0
            lat_count{a="b"} 10000001
            lat_created{a="b"} 10.0
            # EOF

            """)
    }

    @Test func summary() {
        let summary = SummaryValue(quantiles: [.init(quantile: 0, value: 1), .init(quantile: 1, value: 2e6)], count: 3, sum: 0.25)
        let family = MetricFamily(name: "s", help: "", type: .summary, metrics: [Metric(labels: [], value: .summary(summary))])
        #expect(openMetrics([family]) == """
            # HELP s \n# TYPE s summary
            s{quantile="0.0"} 1.0
            s{quantile="1.0"} 2e+06
            s_sum 0.25
            s_count 3
            # EOF

            """)
    }

    @Test func emptyExpositionIsJustEOF() {
        #expect(openMetrics([]) == "# EOF\n")
        #expect(OpenMetricsEncoder.contentType == "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores")
    }
}
