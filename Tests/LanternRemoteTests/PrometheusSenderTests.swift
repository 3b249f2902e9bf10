import Foundation
import LanternPromQL
@testable import LanternRemote
import LanternScrape
import LanternTSDB
import LanternTestSupport
import Logging
import Testing

/// The sender against a real Prometheus 2.42 receiver: what Lantern's WAL holds arrives
/// unchanged, and an outage of the receiver (with a sender restart in it) loses nothing.
struct PrometheusSenderTests {
    @Test(.enabled(if: FileManager.default.fileExists(atPath: RemoteTestSupport.prometheus)), .timeLimit(.minutes(10)))
    func samplesArriveAndSurviveAnOutage() async throws {
        let directory = try TestSupport.temporaryDirectory("remote").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/prometheus", withIntermediateDirectories: true)
        let port = TestSupport.freePort()
        var prometheus = try RemoteTestSupport.startPrometheus(port: port, directory: directory + "/prometheus")
        defer { TestSupport.stop(prometheus) }

        let database = try TSDB(directory: directory + "/lantern")
        defer { try? database.close() }
        let series = [Labels(["__name__": "remote_test_a", "job": "lantern"]), Labels(["__name__": "remote_test_b", "job": "lantern", "x": "1"])]
        let start = (Int64(Date().timeIntervalSince1970) - 600) * 1000
        try RemoteTestSupport.append(database, series: series, start: start, count: 60)

        func makeQueue() throws -> RemoteWriteQueue {
            RemoteWriteQueue(
                config: try RemoteTestSupport.config(port: port), externalLabels: ["cluster": "test"],
                walDirectory: directory + "/lantern/wal", positionPath: directory + "/position",
                ingest: RemoteWriteQueue.Ingest.of(database),
                http: ScrapeHTTPClient(group: RemoteTestSupport.eventLoopGroup), logger: Logger(label: "test"))
        }
        /// Waits until Prometheus holds `count` samples per series, then checks every one.
        func expectArrived(_ count: Int) async throws {
            let query = "{job=\"lantern\",cluster=\"test\"}[15m]"
            let arrived = await TestSupport.waitFor(seconds: 30) { () -> [String: [(Int64, Double)]]? in
                guard let result = RemoteTestSupport.samples(port: port, query: query, at: Date().timeIntervalSince1970),
                      result.count == 2, result.values.allSatisfy({ $0.count >= count }) else { return nil }
                return result
            }
            let result = try #require(arrived, "Prometheus never held \(count) samples per series")
            for (index, labels) in series.enumerated() {
                let key = (labels.pairs.map { "\($0.name)=\($0.value)" } + ["cluster=test"]).sorted().joined(separator: ",")
                // Each `append` of 60 starts its values again from step 0.
                let expected = (0..<count).map { (start + Int64($0) * 1000, Double($0 % 60 * 10 + index)) }
                let got = try #require(result[key], "no \(key) in \(result.keys)")
                #expect(got.map(\.0) == expected.map(\.0) && got.map(\.1) == expected.map(\.1))
            }
        }

        /// The queue's count of sent samples once it reaches `count`: Prometheus may show a
        /// batch before the queue has read its answer.
        func sentOnceAtLeast(_ count: Int, by queue: RemoteWriteQueue) async -> Int? {
            await TestSupport.waitFor(seconds: 10) { queue.metrics.snapshot.samplesSent >= count ? queue.metrics.snapshot.samplesSent : nil }
        }

        let queue = try makeQueue()
        queue.start()
        try await expectArrived(60)
        #expect(await sentOnceAtLeast(120, by: queue) == 120)

        // Receiver down: more samples arrive in Lantern, the sender restarts in between.
        TestSupport.stop(prometheus)
        try RemoteTestSupport.append(database, series: series, start: start + 60_000, count: 60)
        try await Task.sleep(nanoseconds: 1_500_000_000)
        await queue.stop()
        let restarted = try makeQueue()
        restarted.start()
        try await Task.sleep(nanoseconds: 1_000_000_000)
        #expect(restarted.metrics.snapshot.samplesSent == 0)
        prometheus = try RemoteTestSupport.startPrometheus(port: port, directory: directory + "/prometheus")
        try await expectArrived(120)
        // Resumed from the saved position: only what Prometheus missed was sent again.
        #expect(await sentOnceAtLeast(120, by: restarted) == 120)
        await restarted.stop()
    }
}
