import Foundation
import LanternTestSupport
import Testing

/// Bad queries answered with the same status and the same JSON body as Prometheus 2.42,
/// whose messages Grafana and the web UI show to users (position included).
@Suite struct QueryErrorParityTests {
    static let badQueries = [
        "sum(rate(foo[1m])", "foo{", "rate(foo)", "foo +", "sum by (x) foo", "1 +* 2", "foo[5m", "foo[5m:",
        "foo offset", "foo offset 5x", "foo @", "foo[5m] @ bar", "sum(foo) by", "foo{a=}", "foo{=\"a\"}",
        "rate(foo[5m], 1)", "unknownfn(foo)", "\"str\" + 1", "foo and 1", "count_values(foo, bar)", "topk(foo, bar)",
        "foo offset -", "x[5m:1x]", "sum(x) by (a b)", "foo{a=\"b\" c=\"d\"}", "foo[5m] offset 1m offset 2m",
        "foo @ 1 @ 2", "rate(foo[5m] @ 1 @ 2)", "x[5m:1m] offset 1m offset 1m",
    ]

    // Not compared: `foo[` and `foo[:5m]`, where 2.42's lexer reports "missing unit character
    // in duration" before the parser sees the bracket; Lantern says what is wrong with the input.

    /// curl's HTTP status and body of an instant query.
    private static func query(port: Int, _ expression: String) throws -> (status: Int, body: String) {
        let result = try TestSupport.run("/usr/bin/curl", [
            "-s", "--max-time", "10", "-G", "--data-urlencode", "query=\(expression)", "-w", "\n%{http_code}",
            "http://127.0.0.1:\(port)/api/v1/query",
        ])
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    @Test func badQueriesAnswerAsPrometheus() throws {
        let directory = try TestSupport.temporaryDirectory("query-errors")
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("empty.yml")
        try "scrape_configs: []\n".write(to: config, atomically: true, encoding: .utf8)

        let ourPort = TestSupport.freePort(), theirPort = TestSupport.freePort()
        let ours = try TestSupport.start(TestSupport.server, [
            "--config.file=\(config.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("lantern").path)",
            "--web.listen-address=127.0.0.1:\(ourPort)",
        ], log: directory.appendingPathComponent("lantern.log"))
        defer { TestSupport.stop(ours) }
        let theirs = try TestSupport.start("/usr/bin/prometheus", [
            "--config.file=\(config.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("prometheus").path)",
            "--web.listen-address=127.0.0.1:\(theirPort)",
        ], log: directory.appendingPathComponent("prometheus.log"))
        defer { TestSupport.stop(theirs) }
        for port in [ourPort, theirPort] {
            try #require(TestSupport.waitFor(seconds: 30) { TestSupport.json(port: port, "/api/v1/status/buildinfo") } != nil,
                         "no answer on \(port); logs in \(directory.path)")
        }

        for expression in Self.badQueries {
            let mine = try Self.query(port: ourPort, expression)
            let reference = try Self.query(port: theirPort, expression)
            #expect(reference.status == 400, "Prometheus accepted \(expression)")
            #expect(mine.status == reference.status && mine.body == reference.body, "\(expression)\n lantern:    \(mine.body)\n prometheus: \(reference.body)")
        }
    }
}
