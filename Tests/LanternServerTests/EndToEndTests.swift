import Foundation
import LanternTestSupport
import Testing

/// lantern-exporter scraped by lantern-server at 1 s, next to Debian's Prometheus 2.42
/// scraping the same exporter: same answers, crash safety, promtool, staleness.
@Suite(.serialized) struct EndToEndTests {
    @Test func scrapeQueryCrashAndStaleness() async throws {
        let directory = try TestSupport.temporaryDirectory("server-e2e")
        defer { try? FileManager.default.removeItem(at: directory) }
        let exporterPort = TestSupport.freePort()
        let exporter = try TestSupport.start(
            TestSupport.exporter, ["--web.listen-address=127.0.0.1:\(exporterPort)"], log: directory.appendingPathComponent("exporter.log"))
        defer { if exporter.isRunning { exporter.terminate() } }
        let config = directory.appendingPathComponent("lantern.yml")
        try """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: node
                static_configs: [{targets: ['127.0.0.1:\(exporterPort)']}]

            """.write(to: config, atomically: true, encoding: .utf8)
        let data = directory.appendingPathComponent("data").path
        let serverPort = TestSupport.freePort()
        let serverArguments = [
            "--config.file=\(config.path)", "--storage.tsdb.path=\(data)", "--web.listen-address=127.0.0.1:\(serverPort)",
            "--storage.tsdb.min-block-duration=4s", "--storage.tsdb.max-block-duration=4s",
        ]
        var server = try TestSupport.start(TestSupport.server, serverArguments, log: directory.appendingPathComponent("server.log"))
        defer { if server.isRunning { server.terminate() } }

        var prometheus: Process?
        let prometheusPort = TestSupport.freePort()
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus") {
            prometheus = try TestSupport.start("/usr/bin/prometheus", [
                "--config.file=\(config.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("prom").path)",
                "--web.listen-address=127.0.0.1:\(prometheusPort)",
            ], log: directory.appendingPathComponent("prometheus.log"))
        }
        defer { if let prometheus, prometheus.isRunning { prometheus.terminate() } }

        // up == 1 through the API.
        let up = await TestSupport.waitFor(seconds: 20) { () -> [[String: Any]]? in
            guard let result = TestSupport.vector(port: serverPort, "up"), let first = result.first,
                  let value = first["value"] as? [Any], value.last as? String == "1" else { return nil }
            return result
        }
        let upResult = try #require(up, "lantern-server never reported up == 1")
        #expect((upResult[0]["metric"] as? [String: String]) == ["__name__": "up", "instance": "127.0.0.1:\(exporterPort)", "job": "node"])

        let rateQuery = "rate(node_cpu_seconds_total[5s])"
        let rate = await TestSupport.waitFor(seconds: 15) { () -> [[String: Any]]? in
            guard let result = TestSupport.vector(port: serverPort, rateQuery), !result.isEmpty else { return nil }
            return result
        }
        #expect(rate != nil, "rate(node_cpu_seconds_total[5s]) returned nothing")

        // The same queries against Prometheus 2.42: the same JSON shape and label sets.
        if prometheus != nil {
            for query in ["up", rateQuery] {
                let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let theirs = await TestSupport.waitFor(seconds: 20) { () -> [String: Any]? in
                    guard let reply = TestSupport.json(port: prometheusPort, "/api/v1/query?query=\(encoded)"),
                          let result = (reply["data"] as? [String: Any])?["result"] as? [Any], !result.isEmpty else { return nil }
                    return reply
                }
                let ours = TestSupport.json(port: serverPort, "/api/v1/query?query=\(encoded)")
                let theirReply = try #require(theirs, "Prometheus answered nothing for \(query)")
                let ourReply = try #require(ours)
                #expect(TestSupport.shape(ourReply) == TestSupport.shape(theirReply), "\(query)")
                let metrics = { (reply: [String: Any]) -> Set<[String: String]> in
                    Set(((reply["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []).compactMap { $0["metric"] as? [String: String] })
                }
                #expect(metrics(ourReply) == metrics(theirReply), "\(query)")
            }
        }

        // kill -9 mid-scrape, restart: what was committed is still there.
        let beforeCrash = try #require(TestSupport.json(port: serverPort, "/api/v1/query?query=count_over_time(up[1h])"))
        let countBefore = Double((((beforeCrash["data"] as? [String: Any])?["result"] as? [[String: Any]])?.first?["value"] as? [Any])?.last as? String ?? "") ?? 0
        #expect(countBefore >= 3)
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        server = try TestSupport.start(TestSupport.server, serverArguments, log: directory.appendingPathComponent("server2.log"))
        let countAfter = await TestSupport.waitFor(seconds: 20) { () -> Double? in
            guard let first = TestSupport.vector(port: serverPort, "count_over_time(up[1h])")?.first,
                  let value = (first["value"] as? [Any])?.last as? String else { return nil }
            return Double(value)
        }
        #expect((countAfter ?? 0) >= countBefore, "samples lost across kill -9")

        // promtool reads the data directory once blocks are cut.
        let listed = await TestSupport.waitFor(seconds: 30) { () -> String? in
            guard let result = try? TestSupport.run("/usr/bin/promtool", ["tsdb", "list", data]), result.status == 0,
                  result.output.split(separator: "\n").count >= 2 else { return nil }
            return result.output
        }
        #expect(listed != nil, "promtool tsdb list found no block")

        // Staleness: the exporter goes away, its series end at once (not after 5 minutes).
        exporter.terminate()
        exporter.waitUntilExit()
        let stale = await TestSupport.waitFor(seconds: 15) { () -> Bool? in
            TestSupport.vector(port: serverPort, "node_load1")?.isEmpty == true ? true : nil
        }
        #expect(stale == true, "node_load1 still answered after the exporter stopped")
        #expect(TestSupport.vector(port: serverPort, "up")?.first.flatMap { ($0["value"] as? [Any])?.last as? String } == "0")
    }
}
