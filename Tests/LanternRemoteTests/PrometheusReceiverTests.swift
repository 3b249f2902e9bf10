import Foundation
import Testing

/// lantern-server as the receiver of a real Prometheus 2.42's remote write, and its
/// answers to bad requests over HTTP.
struct PrometheusReceiverTests {
    static var server: String { RemoteTestSupport.productsDirectory.appendingPathComponent("lantern-server").path }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: RemoteTestSupport.prometheus)))
    func prometheusSamplesAreQueryableInLantern() throws {
        let directory = try RemoteTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lanternPort = RemoteTestSupport.port(), prometheusPort = RemoteTestSupport.port()
        try "scrape_configs: []\n".write(toFile: directory + "/lantern.yml", atomically: true, encoding: .utf8)
        let lantern = try RemoteTestSupport.start(Self.server, [
            "--config.file=\(directory)/lantern.yml", "--storage.tsdb.path=\(directory)/lantern",
            "--web.listen-address=127.0.0.1:\(lanternPort)", "--web.enable-remote-write-receiver",
        ], log: directory + "/lantern.log")
        defer { RemoteTestSupport.stop(lantern) }
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
        defer { RemoteTestSupport.stop(prometheus) }

        let query = "scrape_samples_scraped{job=\"prom\"}[2m]"
        let arrived = RemoteTestSupport.waitFor(seconds: 40) { () -> Bool? in
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

    @Test func badRequestsOverHTTP() throws {
        let directory = try RemoteTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "scrape_configs: []\n".write(toFile: directory + "/lantern.yml", atomically: true, encoding: .utf8)
        func startServer(port: Int, receiver: Bool) throws -> Process {
            let process = try RemoteTestSupport.start(Self.server, [
                "--config.file=\(directory)/lantern.yml", "--storage.tsdb.path=\(directory)/lantern-\(port)",
                "--web.listen-address=127.0.0.1:\(port)",
            ] + (receiver ? ["--web.enable-remote-write-receiver"] : []), log: directory + "/lantern-\(port).log")
            _ = RemoteTestSupport.waitFor(seconds: 20) { RemoteTestSupport.ready(port: port) ? true : nil }
            return process
        }
        func post(_ port: Int, file: String) throws -> String {
            try RemoteTestSupport.run("/usr/bin/curl", [
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "60", "-H", "Content-Encoding: snappy",
                "--data-binary", "@" + file, "http://127.0.0.1:\(port)/api/v1/write",
            ]).output
        }
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: directory + "/garbage"))
        #expect(FileManager.default.createFile(atPath: directory + "/huge", contents: Data(count: 100 << 20)))

        let disabledPort = RemoteTestSupport.port()
        let disabled = try startServer(port: disabledPort, receiver: false)
        defer { RemoteTestSupport.stop(disabled) }
        #expect(try post(disabledPort, file: directory + "/garbage") == "404")

        let port = RemoteTestSupport.port()
        let server = try startServer(port: port, receiver: true)
        defer { RemoteTestSupport.stop(server) }
        #expect(try post(port, file: directory + "/garbage") == "400")
        #expect(try post(port, file: directory + "/huge") == "413")
        #expect(RemoteTestSupport.ready(port: port))
    }
}
