import Testing
@testable import LanternMetrics

@Suite struct ParserTextFormatTests {
    @Test func samplesAreGroupedIntoFamilies() throws {
        let parsed = try families("""
            # HELP requests_total Requests \\"served\\"\\nso far.
            # TYPE requests_total counter
            requests_total{path="/b",code="200"} 3
            requests_total { code = "500" , path = "/a\\"x\\\\" , } 1 1441205977284
            untyped_metric -Inf
            # a free comment
            other{} NaN

            """)
        #expect(parsed.map(\.name) == ["requests_total", "untyped_metric", "other"])
        let requests = parsed[0]
        #expect(requests.help == "Requests \"served\"\nso far.")
        #expect(requests.type == .counter)
        #expect(requests.metrics == [
            Metric(labels: [Label("code", "200"), Label("path", "/b")], value: .scalar(3)),
            Metric(labels: [Label("code", "500"), Label("path", "/a\"x\\")], value: .scalar(1), timestampMilliseconds: 1_441_205_977_284),
        ])
        #expect(parsed[1].type == .untyped)
        #expect(parsed[1].metrics.first?.value == .scalar(-.infinity))
        guard case .scalar(let nan) = parsed[2].metrics.first?.value else { Issue.record("no value"); return }
        #expect(nan.isNaN)
    }

    @Test(arguments: [
        ("1", 1.0), ("-3e3", -3000), ("+Inf", .infinity), ("Inf", .infinity), ("-inf", -.infinity),
        ("infinity", .infinity), (".5", 0.5), ("5.", 5), ("1.7976931348623157e308", .greatestFiniteMagnitude),
        ("0.1", 0.1), ("123456789012345678901234567890", 123456789012345678901234567890.0),
        ("4.9e-324", .leastNonzeroMagnitude), ("1e-400", 0), ("00012", 12), ("6.71393432189e+11", 6.71393432189e+11),
    ])
    func goFloatSyntaxIsAccepted(text: String, expected: Double) throws {
        let value = try families("m \(text)\n").first?.metrics.first?.value
        #expect(value == .scalar(expected))
    }

    @Test(arguments: ["", "e5", "1e", "1.2.3", "--1", "+NaN", "nan1", "0x10", "1,5", "１"])
    func invalidFloatsAreRejected(text: String) {
        #expect(parseError("m \(text)\n")?.message.hasPrefix("expected float as value") == true)
    }

    @Test func incompleteCommentsAreIgnoredLikeGo() throws {
        let parsed = try families("#\n# HELP\n# HELP only_name\n# TYPE t\n#   \nm 1\n")
        #expect(parsed.map(\.name) == ["m"])
        #expect(parsed[0].help == "")
    }

    @Test func histogramPartsFoldIntoOneValue() throws {
        let parsed = try families("""
            # TYPE h histogram
            h_bucket{x="1",le="0.5"} 2
            h_bucket{le="+Inf",x="1"} 5
            h_sum{x="1"} 7.5
            h_count{x="1"} 5
            # HELP h_sum describes h, as Go resolves it
            # TYPE h_other gauge
            h_other 1

            """)
        #expect(parsed.count == 2)
        #expect(parsed[0].help == "describes h, as Go resolves it")
        #expect(parsed[0].metrics == [Metric(labels: [Label("x", "1")], value: .histogram(HistogramValue(
            buckets: [.init(upperBound: 0.5, cumulativeCount: 2), .init(upperBound: .infinity, cumulativeCount: 5)],
            count: 5, sum: 7.5)))])
    }

    @Test func negativeOrHugeCountsDoNotTrap() throws {
        let parsed = try families("# TYPE h histogram\nh_count -1\nh_bucket{le=\"1\"} 1e30\n# TYPE s summary\ns_count NaN\n")
        #expect(parsed[0].metrics[0].value == .histogram(HistogramValue(
            buckets: [.init(upperBound: 1, cumulativeCount: .max)], count: 0, sum: 0)))
        #expect(parsed[1].metrics[0].value == .summary(SummaryValue(quantiles: [], count: 0, sum: 0)))
    }

    @Test func streamingGivesRawSeriesAndLabels() throws {
        var parser = ExpositionParser(bytes: Array("# TYPE m gauge\nm{b=\"2\",a=\"x\\ny\"} 4 -5\n".utf8), format: .prometheusText)
        #expect(try parser.next() == .type(metricName: "m", type: .gauge))
        guard case .sample(let sample) = try parser.next() else { Issue.record("no sample"); return }
        #expect(parser.string(sample.nameRange) == "m")
        #expect(parser.string(sample.seriesRange) == "m{b=\"2\",a=\"x\\ny\"}")
        #expect(sample.value == 4)
        #expect(sample.timestampMilliseconds == -5)
        #expect(parser.labelCount == 2)
        #expect(parser.labels() == [Label("a", "x\ny"), Label("b", "2")])
        #expect(parser.entryLine == 2)
        #expect(try parser.next() == nil)
    }

    @Test func unsafeBufferInitializerReadsTheSameBytes() throws {
        let bytes = Array("m 1\n".utf8)
        var parser = bytes.withUnsafeBufferPointer { ExpositionParser(bytes: $0, format: .prometheusText) }
        guard case .sample(let sample) = try parser.next() else { Issue.record("no sample"); return }
        #expect(sample.value == 1)
    }
}

@Suite struct ParserOpenMetricsTests {
    @Test func counterTotalAndCreatedFoldIntoOneSeries() throws {
        let parsed = try families("""
            # TYPE requests counter
            # UNIT requests
            # HELP requests Requests.
            requests_total{code="200"} 10 1520879607.789
            requests_created{code="200"} 1520430000.123
            # EOF

            """, .openMetrics)
        #expect(parsed == [MetricFamily(name: "requests", help: "Requests.", type: .counter, unit: "", metrics: [
            Metric(labels: [Label("code", "200")], value: .scalar(10), timestampMilliseconds: 1_520_879_607_789, created: 1_520_430_000.123),
        ])])
    }

    @Test func unknownTypeAndUntypedSamplesBecomeUntyped() throws {
        let parsed = try families("# TYPE u unknown\nu 1\nloose 2\n# EOF", .openMetrics)
        #expect(parsed.map(\.type) == [.untyped, .untyped])
    }

    @Test func exemplarsAreValidatedAndSkipped() throws {
        let input = """
            # TYPE h histogram
            h_bucket{le="1"} 1 # {trace_id="abc"} 0.5 1520879607.7
            h_bucket{le="+Inf"} 2 1520879607 # {} 3
            h_count 2
            h_sum 3.5
            h_created 1520430000
            # EOF

            """
        var parser = ExpositionParser(bytes: Array(input.utf8), format: .openMetrics)
        var exemplars = 0
        while let entry = try parser.next() {
            if case .sample(let sample) = entry, sample.hasExemplar { exemplars += 1 }
        }
        #expect(exemplars == 2)
        let parsed = try families(input, .openMetrics)
        #expect(parsed[0].metrics == [Metric(labels: [], value: .histogram(HistogramValue(
            buckets: [.init(upperBound: 1, cumulativeCount: 1), .init(upperBound: .infinity, cumulativeCount: 2)],
            count: 2, sum: 3.5)), timestampMilliseconds: 1_520_879_607_000, created: 1_520_430_000)])
    }

    @Test func gaugeHistogramInfoAndStateset() throws {
        let parsed = try families("""
            # TYPE g gaugehistogram
            g_bucket{le="+Inf"} 3
            g_gcount 3
            g_gsum 1
            # TYPE build info
            build_info{version="1"} 1
            # TYPE state stateset
            state{state="a"} 1
            state{state="b"} 0
            # EOF

            """, .openMetrics)
        #expect(parsed.map(\.type) == [.histogram, .info, .stateset])
        #expect(parsed[1].metrics == [Metric(labels: [Label("version", "1")], value: .scalar(1))])
        #expect(parsed[2].metrics.count == 2)
    }

    @Test func eofEndsTheStream() throws {
        var parser = ExpositionParser(bytes: Array("# EOF\n".utf8), format: .openMetrics)
        #expect(try parser.next() == .endOfInput)
        #expect(try parser.next() == nil)
    }
}
