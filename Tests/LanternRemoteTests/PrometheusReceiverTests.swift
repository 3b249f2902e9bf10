import Foundation
@testable import LanternRemote
import LanternSnappy
import LanternTestSupport
import Testing

/// lantern-server as the receiver of a real Prometheus 2.42's remote write, and its
/// answers to bad requests over HTTP.
struct PrometheusReceiverTests {
    @Test(.enabled(if: FileManager.default.fileExists(atPath: RemoteTestSupport.prometheus)))
    func prometheusSamplesAreQueryableInLantern() throws {
        let directory = try TestSupport.temporaryDirectory("remote").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lanternPort = TestSupport.freePort(), prometheusPort = TestSupport.freePort()
        let lantern = try RemoteTestSupport.startLantern(
            directory: directory, name: "lantern", port: lanternPort, config: "scrape_configs: []\n", flags: ["--web.enable-remote-write-receiver"])
        defer { TestSupport.stop(lantern) }
        try FileManager.default.createDirectory(atPath: directory + "/prometheus", withIntermediateDirectories: true)
        let prometheus = try RemoteTestSupport.startPrometheus(port: prometheusPort, directory: directory + "/prometheus", config: """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: prom
                static_configs: [{targets: ["127.0.0.1:\(prometheusPort)"]}]
            remote_write:
              - url: http://127.0.0.1:\(lanternPort)/api/v1/write
                queue_config: {batch_send_deadline: 500ms}

            """)
        defer { TestSupport.stop(prometheus) }

        let query = "scrape_samples_scraped{job=\"prom\"}[2m]"
        let arrived = TestSupport.waitFor(seconds: 40) { () -> Bool? in
            (RemoteTestSupport.samples(port: lanternPort, query: query, at: Date().timeIntervalSince1970)?.values.first?.count ?? 0) >= 8 ? true : nil
        }
        #expect(arrived == true, "no samples arrived; see \(directory)/lantern.log")
        // Evaluated a few seconds back, so both have received everything up to then.
        let time = Date().timeIntervalSince1970 - 3
        for name in ["scrape_samples_scraped", "up", "prometheus_tsdb_head_series"] {
            let selector = "\(name){job=\"prom\"}[2m]"
            let inLantern = try #require(RemoteTestSupport.samples(port: lanternPort, query: selector, at: time))
            let inPrometheus = try #require(RemoteTestSupport.samples(port: prometheusPort, query: selector, at: time))
            #expect(Set(inLantern.keys) == Set(inPrometheus.keys) && !inLantern.isEmpty, "\(name)")
            for (key, samples) in inPrometheus {
                let lanternSamples = inLantern[key] ?? []
                #expect(lanternSamples.map(\.0) == samples.map(\.0) && lanternSamples.map(\.1) == samples.map(\.1), "\(key)")
            }
        }
    }

    /// Each bad request over HTTP: the right status and a message naming the problem,
    /// nothing of it stored (a good series ahead of the bad one included), and the server
    /// still answering and storing good requests afterwards.
    @Test func badRequestsOverHTTP() throws {
        let directory = try TestSupport.temporaryDirectory("remote").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func startServer(port: Int, receiver: Bool) throws -> Process {
            let process = try RemoteTestSupport.startLantern(
                directory: directory, name: "lantern-\(port)", port: port, config: "scrape_configs: []\n",
                flags: receiver ? ["--web.enable-remote-write-receiver"] : [])
            _ = TestSupport.waitFor(seconds: 20) { RemoteTestSupport.ready(port: port) ? true : nil }
            return process
        }
        /// Status and body of a POST of `body` to /api/v1/write.
        func post(_ port: Int, _ body: Data) throws -> (status: String, message: String) {
            let file = directory + "/body-\(UUID().uuidString)"
            try body.write(to: URL(fileURLWithPath: file))
            defer { try? FileManager.default.removeItem(atPath: file) }
            let output = try TestSupport.run("/usr/bin/curl", [
                "-s", "-w", "\n%{http_code}", "--max-time", "60", "-H", "Content-Encoding: snappy", "-H", "Content-Type: application/x-protobuf",
                "--data-binary", "@" + file, "http://127.0.0.1:\(port)/api/v1/write",
            ]).output
            let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
            return (String(lines.last ?? ""), lines.dropLast().joined(separator: "\n"))
        }
        let good = [(labels: [("__name__", "receiver_good"), ("job", "a")], samples: [(Int64(1_000), 1.0)])]

        let disabledPort = TestSupport.freePort()
        let disabled = try startServer(port: disabledPort, receiver: false)
        defer { TestSupport.stop(disabled) }
        #expect(try post(disabledPort, Data(try ReceiverTests.body(good))).status == "404")

        let port = TestSupport.freePort()
        let server = try startServer(port: port, receiver: true)
        defer { TestSupport.stop(server) }
        let bad: [(name: String, body: Data, status: String, message: String)] = [
            ("garbage", Data("garbage".utf8), "400", "snappy: corrupt input"),
            ("bad snappy", Data(Snappy.compress(Array(repeating: 7, count: 100)).dropLast(3)), "400", "snappy: corrupt input"),
            ("snappy of garbage", Data(Snappy.compress(Array("not a protobuf at all".utf8))), "400", "cannot decode WriteRequest"),
            ("unsorted labels", Data(try ReceiverTests.body(good + [([("job", "a"), ("__name__", "receiver_bad")], [(2_000, 1)])])), "400", "labels are not sorted"),
            ("no __name__", Data(try ReceiverTests.body(good + [([("job", "a")], [(2_000, 1)])])), "400", "no __name__"),
            ("100 MB", Data(count: 100 << 20), "413", "request body too large"),
        ]
        for request in bad {
            let (status, message) = try post(port, request.body)
            #expect(status == request.status, "\(request.name): \(status) \(message)")
            #expect(message.contains(request.message), "\(request.name): \(message)")
        }
        #expect(RemoteTestSupport.samples(port: port, query: "{job=\"a\"}[1h]", at: 3600)?.isEmpty == true)

        // Unaffected: the same good series alone is stored and queryable.
        #expect(try post(port, Data(try ReceiverTests.body(good))).status == "204")
        #expect(RemoteTestSupport.samples(port: port, query: "{job=\"a\"}[1h]", at: 3600)?["__name__=receiver_good,job=a"]?.map(\.1) == [1])
    }
}
