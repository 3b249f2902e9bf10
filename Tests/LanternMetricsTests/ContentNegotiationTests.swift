import Testing
@testable import LanternMetrics

struct ContentNegotiationTests {
    static let text = "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"
    static let openMetrics100 = "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores"
    static let openMetrics001 = "application/openmetrics-text; version=0.0.1; charset=utf-8; escaping=underscores"

    /// (Accept header, expected Content-Type with OpenMetrics enabled)
    static let table: [(String?, String)] = [
        (nil, text),
        ("", text),
        ("*/*", text),
        ("text/plain", text),
        ("text/plain;version=0.0.4", text),
        ("text/plain;version=1.0.0", text),
        ("application/openmetrics-text", openMetrics001),
        ("application/openmetrics-text; version=0.0.1", openMetrics001),
        ("application/openmetrics-text;version=1.0.0", openMetrics100),
        ("application/openmetrics-text;version=2.0.0", text),
        // Prometheus 2.x scrape header: OpenMetrics preferred by q-value.
        ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
         openMetrics100),
        ("text/plain;version=0.0.4;q=0.5,application/openmetrics-text;version=1.0.0;q=0.9", openMetrics100),
        ("application/openmetrics-text;version=1.0.0;q=0.2,text/plain;q=0.3", text),
        // Protobuf is not implemented: the next clause wins.
        ("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3",
         text),
        ("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited", text),
        // Prometheus 3 asks for UTF-8 names; the escaping parameter is echoed.
        ("application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,text/plain;version=0.0.4;q=0.4",
         "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=allow-utf-8"),
        ("text/plain;version=0.0.4;escaping=allow-utf-8", "text/plain; version=0.0.4; charset=utf-8; escaping=allow-utf-8"),
        ("text/plain;escaping=dots", text),
        // goautoneg puts a concrete type before */* whatever the q-values.
        ("*/*;q=1,application/openmetrics-text;q=0.1", openMetrics001),
        // An unparsable q counts as 0 but the clause is still a candidate.
        ("application/openmetrics-text;version=1.0.0;q=x", openMetrics100),
        ("garbage", text),
    ]

    @Test func negotiationTable() {
        for (accept, expected) in Self.table {
            let negotiated = ContentNegotiation.negotiate(accept: accept, openMetricsEnabled: true)
            #expect(negotiated.contentType == expected, "Accept: \(accept ?? "(none)")")
        }
    }

    @Test func openMetricsDisabledAlwaysGivesText() {
        for (accept, _) in Self.table {
            #expect(ContentNegotiation.negotiate(accept: accept, openMetricsEnabled: false).format == .prometheusText)
        }
        let accept = "application/openmetrics-text;version=1.0.0"
        #expect(ContentNegotiation.negotiate(accept: accept, openMetricsEnabled: false).format == .prometheusText)
        #expect(ContentNegotiation.negotiate(accept: accept, openMetricsEnabled: true).format == .openMetrics)
    }

    @Test func negotiatedFormatEncodes() {
        let families = [MetricFamily(name: "up", help: "", type: .gauge, metrics: [Metric(labels: [], value: .scalar(1))])]
        let text = NegotiatedFormat(format: .prometheusText), openMetrics = NegotiatedFormat(format: .openMetrics)
        #expect(text.encode(families).text == "# HELP up \n# TYPE up gauge\nup 1\n")
        #expect(openMetrics.encode(families).text == "# HELP up \n# TYPE up gauge\nup 1.0\n# EOF\n")
        #expect(text.contentType == TextEncoder.contentType)
        #expect(openMetrics.contentType == OpenMetricsEncoder.contentType)
    }

    @Test func gzipAcceptance() {
        let table: [(String?, Bool)] = [
            (nil, false), ("", false), ("gzip", true), ("GZIP", true), ("deflate, gzip;q=1.0, *;q=0.5", true),
            ("gzip;q=0", false), ("gzip; q=0.0", false), ("identity", false), ("*", true), ("*;q=0", false),
            ("gzip;q=0, *", false), ("br, x-gzip", true), ("gzip;q=0.001", true),
        ]
        for (header, expected) in table {
            #expect(ContentNegotiation.acceptsGzip(header) == expected, "Accept-Encoding: \(header ?? "(none)")")
        }
    }
}
