import Foundation
import LanternTestSupport
import Testing

/// Scrape options (`sample_limit`, `honor_labels`, `honor_timestamps`) and the query API's
/// error answers, lantern-server next to Prometheus 2.42 with the same configuration and
/// the same static targets (files served by Python's http.server); and the no-config default.
@Suite(.serialized) struct ScrapeOptionsAndAPIErrorTests {
    /// Status code and body of a request (curl without `-f`, so errors come back too).
    private static func request(port: Int, _ path: String, form: [String] = []) throws -> (status: Int, body: [String: Any]) {
        let arguments = ["-s", "-g", "--max-time", "20", "-w", "\n%{http_code}"] + form.flatMap { ["--data-urlencode", $0] } + ["http://127.0.0.1:\(port)\(path)"]
        let result = try TestSupport.run("/usr/bin/curl", arguments)
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        let body = (try? JSONSerialization.jsonObject(with: Data(lines.dropLast().joined(separator: "\n").utf8))) as? [String: Any] ?? [:]
        return (Int(lines.last ?? "") ?? 0, body)
    }

    @Test func scrapeOptionsAndErrorsMatchPrometheus() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus"))
        let directory = try TestSupport.temporaryDirectory("scrape-options")
        defer { try? FileManager.default.removeItem(at: directory) }
        let served = directory.appendingPathComponent("served")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        let stamp = (Int64(Date().timeIntervalSince1970) - 10) * 1000
        try """
            # TYPE lantern_with_job gauge
            lantern_with_job{job="from-target",instance="elsewhere"} 1
            # TYPE lantern_stamped gauge
            lantern_stamped 7 \(stamp)

            """.write(to: served.appendingPathComponent("metrics"), atomically: true, encoding: .utf8)
        try (1...5).map { "lantern_limited{n=\"\($0)\"} \($0)" }.joined(separator: "\n").appending("\n")
            .write(to: served.appendingPathComponent("limited"), atomically: true, encoding: .utf8)
        let targetPort = TestSupport.freePort(), refusedPort = TestSupport.freePort()
        let unanswered = try UnansweredPort()
        let target = try TestSupport.start("/usr/bin/python3", ["-m", "http.server", "\(targetPort)", "--bind", "127.0.0.1", "--directory", served.path],
                                                 log: directory.appendingPathComponent("target.log"))
        defer { TestSupport.stop(target) }

        let config = directory.appendingPathComponent("prometheus.yml")
        try """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: limited
                metrics_path: /limited
                sample_limit: 2
                static_configs: [{targets: ['127.0.0.1:\(targetPort)']}]
              - job_name: honoring
                honor_labels: true
                static_configs: [{targets: ['127.0.0.1:\(targetPort)']}]
              - job_name: plain
                honor_timestamps: false
                static_configs: [{targets: ['127.0.0.1:\(targetPort)']}]
              - job_name: missing
                metrics_path: /nosuch
                static_configs: [{targets: ['127.0.0.1:\(targetPort)']}]
              - job_name: refused
                static_configs: [{targets: ['127.0.0.1:\(refusedPort)']}]
              - job_name: refused-by-name
                static_configs: [{targets: ['localhost:\(refusedPort)']}]
              - job_name: unresolvable
                static_configs: [{targets: ['nosuch.invalid:9100']}]
              - job_name: unanswered
                static_configs: [{targets: ['127.0.0.1:\(unanswered.port)']}]

            """.write(to: config, atomically: true, encoding: .utf8)
        let common = ["--config.file=\(config.path)", "--query.max-samples=20"]
        let serverPort = TestSupport.freePort(), prometheusPort = TestSupport.freePort()
        let server = try TestSupport.start(TestSupport.server, common + [
            "--storage.tsdb.path=\(directory.appendingPathComponent("lantern").path)", "--web.listen-address=127.0.0.1:\(serverPort)",
        ], log: directory.appendingPathComponent("server.log"))
        defer { TestSupport.stop(server) }
        let prometheus = try TestSupport.start("/usr/bin/prometheus", common + [
            "--storage.tsdb.path=\(directory.appendingPathComponent("prometheus").path)", "--web.listen-address=127.0.0.1:\(prometheusPort)",
        ], log: directory.appendingPathComponent("prometheus.log"))
        defer { TestSupport.stop(prometheus) }

        for port in [serverPort, prometheusPort] {
            let scraped = TestSupport.waitFor(seconds: 30) { TestSupport.vector(port: port, "up")?.count == 8 ? true : nil }
            try #require(scraped == true, "port \(port): not all eight jobs scraped")
        }
        Thread.sleep(forTimeInterval: 2)
        // Prometheus's words for what depends on this machine (its hosts file and resolver).
        let prometheusTargets = TestSupport.activeTargetsByJob(port: prometheusPort) ?? [:]
        let refusedByName = prometheusTargets["refused-by-name"]?["lastError"] as? String ?? ""
        let unresolvable = prometheusTargets["unresolvable"]?["lastError"] as? String ?? ""
        #expect(refusedByName.hasPrefix("Get \"http://localhost:\(refusedPort)/metrics\": dial tcp ") && refusedByName.hasSuffix(": connect: connection refused"), "\(refusedByName)")
        #expect(unresolvable.hasPrefix("Get \"http://nosuch.invalid:9100/metrics\": dial tcp: lookup nosuch.invalid on ") && unresolvable.hasSuffix(": no such host"),
                "this machine's DNS must answer NXDOMAIN for .invalid: \(unresolvable)")
        for port in [serverPort, prometheusPort] {
            let who = port == serverPort ? "lantern" : "prometheus"
            // sample_limit: the whole scrape fails, `up` is 0, the target says why.
            #expect(TestSupport.vector(port: port, "up{job=\"limited\"} == 0")?.count == 1, "\(who)")
            #expect(TestSupport.vector(port: port, "lantern_limited")?.isEmpty == true, "\(who)")
            let targets = TestSupport.activeTargetsByJob(port: port) ?? [:]
            let lastError = { (job: String) in targets[job]?["lastError"] as? String }
            #expect(lastError("limited") == "sample limit exceeded", "\(who)")
            // A failed request is worded as Go's http.Client words it: users and tools match on it.
            // Go prints the reason the server sent ("File not found" from Python); Lantern the
            // standard one for the code, as SwiftNIO keeps no other (docs/compatibility.md).
            #expect(lastError("missing") == "server returned HTTP status 404 " + (who == "lantern" ? "Not Found" : "File not found"), "\(who)")
            #expect(lastError("refused") == "Get \"http://127.0.0.1:\(refusedPort)/metrics\": dial tcp 127.0.0.1:\(refusedPort): connect: connection refused", "\(who)")
            // The address dialed, not the name, and the DNS server asked.
            #expect(lastError("refused-by-name") == refusedByName, "\(who)")
            #expect(lastError("unresolvable") == unresolvable, "\(who)")
            // Go says one or the other as two of its timers race; Lantern always the first.
            let unansweredURL = "Get \"http://127.0.0.1:\(unanswered.port)/metrics\": "
            let timedOut = [unansweredURL + "context deadline exceeded", unansweredURL + "dial tcp 127.0.0.1:\(unanswered.port): i/o timeout"]
            #expect(who == "lantern" ? lastError("unanswered") == timedOut[0] : timedOut.contains(lastError("unanswered") ?? ""), "\(who)")
            // honor_labels: the target's job and instance win; otherwise they become exported_*.
            let withJob = Set((TestSupport.vector(port: port, "lantern_with_job") ?? []).compactMap { $0["metric"] as? [String: String] })
            #expect(withJob == [
                ["__name__": "lantern_with_job", "job": "from-target", "instance": "elsewhere"],
                ["__name__": "lantern_with_job", "job": "plain", "instance": "127.0.0.1:\(targetPort)", "exported_job": "from-target", "exported_instance": "elsewhere"],
            ], "\(who)")
            // honor_timestamps: the exposed timestamp is kept, or replaced by the scrape's.
            let honored = (TestSupport.vector(port: port, "timestamp(lantern_stamped{job=\"honoring\"})")?.first?["value"] as? [Any])?.last as? String
            #expect(honored.flatMap(Double.init) == Double(stamp) / 1000, "\(who)")
            let replaced = (TestSupport.vector(port: port, "timestamp(lantern_stamped{job=\"plain\"})")?.first?["value"] as? [Any])?.last as? String
            #expect((replaced.flatMap(Double.init) ?? 0) > Double(stamp) / 1000 + 5, "\(who)")
        }

        // Errors: the same status code and errorType as Prometheus.
        let now = Int(Date().timeIntervalSince1970)
        for path in [
            "/api/v1/query?query=up%7B", "/api/v1/query?query=rate(up)", "/api/v1/query?query=nosuchfunction(up)",
            "/api/v1/query?query=count_over_time(%7B__name__%3D~%22.%2B%22%7D%5B1h%5D)",
            "/api/v1/query?query=up&time=yesterday", "/api/v1/query_range?query=up&start=\(now - 60)&end=\(now)",
            "/api/v1/query_range?query=up&start=\(now)&end=\(now - 60)&step=1", "/api/v1/query_range?query=up&start=0&end=\(now)&step=1",
            "/api/v1/series", "/api/v1/label/1bad/values", "/api/v1/query?query=up",
        ] {
            let ours = try Self.request(port: serverPort, path), theirs = try Self.request(port: prometheusPort, path)
            #expect(ours.status == theirs.status, "\(path): \(ours.body) vs \(theirs.body)")
            #expect(ours.body["errorType"] as? String == theirs.body["errorType"] as? String, "\(path)")
        }
        // A form POST answers as the GET does.
        let form = ["query=up", "start=\(now - 30)", "end=\(now)", "step=5"]
        let posted = try Self.request(port: serverPort, "/api/v1/query_range", form: form)
        let theirPost = try Self.request(port: prometheusPort, "/api/v1/query_range", form: form)
        #expect(posted.status == 200 && theirPost.status == 200)
        let results = { (body: [String: Any]) in ((body["data"] as? [String: Any])?["result"] as? [Any])?.count }
        #expect(results(posted.body) == 8 && results(posted.body) == results(theirPost.body))
    }

    /// No `--config.file` and no prometheus.yml in the working directory: localhost:9100
    /// every 15 s into ./data, as the README's run command relies on.
    @Test func withoutConfigScrapesLocalhost9100IntoData() throws {
        let directory = try TestSupport.temporaryDirectory("no-config")
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = TestSupport.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestSupport.server)
        process.arguments = ["--web.listen-address=127.0.0.1:\(port)"]
        process.currentDirectoryURL = directory
        let log = directory.appendingPathComponent("server.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        defer { TestSupport.stop(process) }
        let targets = TestSupport.waitFor(seconds: 20) { () -> [[String: Any]]? in
            (TestSupport.json(port: port, "/api/v1/targets")?["data"] as? [String: Any])?["activeTargets"] as? [[String: Any]]
        }
        let target = try #require(targets?.first)
        #expect(targets?.count == 1)
        #expect(target["scrapeUrl"] as? String == "http://localhost:9100/metrics")
        #expect(target["scrapeInterval"] as? String == "15s")
        #expect(target["labels"] as? [String: String] == ["instance": "localhost:9100", "job": "node"])
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("data/wal").path))
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(text.contains("No configuration file, scraping localhost:9100 every 15s"), "\(text)")
    }
}
