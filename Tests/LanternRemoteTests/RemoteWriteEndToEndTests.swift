import Foundation
import LanternTestSupport
import Testing

/// The end-to-end case: lantern-server scrapes a real lantern-exporter every second
/// and remote-writes to Debian's Prometheus 2.42; Prometheus is stopped for two minutes and
/// started again. Afterwards every series Lantern holds is in Prometheus with exactly the
/// same samples, the outage included, compared through both HTTP APIs.
struct RemoteWriteEndToEndTests {
    static let outageSeconds = 120.0

    @Test(.enabled(if: FileManager.default.fileExists(atPath: RemoteTestSupport.prometheus)), .timeLimit(.minutes(10)))
    func outageGapIsFilledWithoutLossOrDuplicates() async throws {
        let directory = try TestSupport.temporaryDirectory("remote").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let exporterPort = TestSupport.freePort(), lanternPort = TestSupport.freePort(), prometheusPort = TestSupport.freePort()
        let exporter = try TestSupport.start(
            TestSupport.exporter, ["--web.listen-address=127.0.0.1:\(exporterPort)"], log: URL(fileURLWithPath: directory + "/exporter.log"))
        defer { TestSupport.stop(exporter) }
        try FileManager.default.createDirectory(atPath: directory + "/prometheus", withIntermediateDirectories: true)
        var prometheus = try RemoteTestSupport.startPrometheus(port: prometheusPort, directory: directory + "/prometheus")
        defer { TestSupport.stop(prometheus) }

        let lantern = try RemoteTestSupport.startLantern(directory: directory, name: "lantern", port: lanternPort, config: """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: node
                static_configs: [{targets: ['127.0.0.1:\(exporterPort)']}]
            remote_write:
              - url: http://127.0.0.1:\(prometheusPort)/api/v1/write
                name: e2e
                queue_config: {batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 2s}

            """)
        defer { TestSupport.stop(lantern) }
        let started = Date().timeIntervalSince1970

        // Flowing: Prometheus holds `up` from Lantern's scrapes.
        let flowing = await TestSupport.waitFor(seconds: 40) { () -> Bool? in
            (RemoteTestSupport.samples(port: prometheusPort, query: "up{job=\"node\"}[1m]", at: Date().timeIntervalSince1970)?.values.first?.count ?? 0) >= 5 ? true : nil
        }
        try #require(flowing == true, "nothing reached Prometheus; see \(directory)/lantern.log")

        TestSupport.stop(prometheus)
        let outageStart = Date().timeIntervalSince1970
        try await Task.sleep(nanoseconds: UInt64(Self.outageSeconds * 1e9))
        prometheus = try RemoteTestSupport.startPrometheus(port: prometheusPort, directory: directory + "/prometheus")
        let outageEnd = Date().timeIntervalSince1970
        #expect(try Self.metric("prometheus_remote_storage_samples_retried_total", port: lanternPort) > 0)

        // Caught up: the queue has sent samples scraped after the restart.
        let caughtUp = await TestSupport.waitFor(seconds: 90) { () -> Double? in
            guard let highest = try? Self.metric("prometheus_remote_storage_queue_highest_sent_timestamp_seconds", port: lanternPort),
                  highest > outageEnd + 2 else { return nil }
            return highest
        }
        let highestSent = try #require(caughtUp, "the queue never caught up; see \(directory)/lantern.log")

        // Everything up to a moment both hold, from before the outage to after it.
        let end = (highestSent - 2).rounded(.down)
        let selector = "{job=\"node\"}[\(Int(end - started) + 5)s]"
        let inLantern = try #require(RemoteTestSupport.samples(port: lanternPort, query: selector, at: end))
        let inPrometheus = try #require(RemoteTestSupport.samples(port: prometheusPort, query: selector, at: end))
        #expect(inLantern.count > 100, "Lantern holds only \(inLantern.count) series")
        #expect(Set(inLantern.keys).subtracting(inPrometheus.keys).isEmpty, "missing in Prometheus: \(Set(inLantern.keys).subtracting(inPrometheus.keys).prefix(5))")
        var differing: [String] = []
        for (series, samples) in inLantern where !Self.same(samples, inPrometheus[series] ?? []) { differing.append(series) }
        #expect(differing.isEmpty, "\(differing.count) series differ, e.g. \(differing.prefix(3))")
        // The outage itself is there: `up` has a sample for each of its seconds.
        let up = try #require(inPrometheus.first { $0.key.hasPrefix("__name__=up,") }?.value)
        let duringOutage = up.filter { Double($0.0) / 1000 > outageStart + 1 && Double($0.0) / 1000 < outageEnd - 1 }
        #expect(duringOutage.count >= Int(outageEnd - outageStart) - 5, "\(duringOutage.count) samples of up during the outage")
        #expect(try Self.metric("prometheus_remote_storage_samples_failed_total", port: lanternPort) == 0)
        #expect(try Self.metric("prometheus_remote_storage_samples_total", port: lanternPort) > 0)
    }

    /// Same timestamps and values, NaN equal to NaN.
    static func same(_ left: [(Int64, Double)], _ right: [(Int64, Double)]) -> Bool {
        left.count == right.count && zip(left, right).allSatisfy { $0.0 == $1.0 && ($0.1 == $1.1 || ($0.1.isNaN && $1.1.isNaN)) }
    }

    /// The value of a queue's metric in lantern-server's own /metrics.
    static func metric(_ name: String, port: Int, queue: String = "e2e") throws -> Double {
        let text = try TestSupport.run("/usr/bin/curl", ["-sf", "--max-time", "5", "http://127.0.0.1:\(port)/metrics"]).output
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + "{") && $0.contains("remote_name=\"\(queue)\"") }),
              let value = line.split(separator: " ").last.flatMap({ Double($0) }) else {
            throw TestFailure("no \(name) in lantern-server's /metrics")
        }
        return value
    }
}
