import Foundation
import LanternPromQL
import LanternScrape
import LanternTSDB
import Logging
import Testing
@testable import LanternRemote

/// The sender against a stub receiver answering scripted statuses: what is retried,
/// what is dropped, and the headers it sends.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct SenderTests {
    /// Answers POSTs with the given statuses in turn (the last repeats) and logs one line
    /// per request: status, then the remote write headers.
    static let stub = """
        import http.server, signal, sys
        # Spawned with SIGTERM blocked (inherited from the test's thread): let it stop us.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
        statuses = [int(s) for s in sys.argv[2].split(",")]
        count = 0
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                global count
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = statuses[min(count, len(statuses) - 1)]
                count += 1
                h = self.headers
                print(status, h.get("Content-Encoding"), h.get("Content-Type"), h.get("X-Prometheus-Remote-Write-Version"), h.get("Authorization"), h.get("X-Extra"), flush=True)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
            def log_message(self, *args):
                pass
        http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
        """

    /// Runs a one-shard queue over 15 samples against the stub; returns the stub's request
    /// lines once `done` holds for the queue's metrics (or after 15 s).
    static func exchange(statuses: String, retryOnRateLimit: Bool = false, done: @escaping (QueueMetrics.Values) -> Bool) async throws -> (lines: [String], metrics: QueueMetrics.Values) {
        let directory = try RemoteTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try stub.write(toFile: directory + "/stub.py", atomically: true, encoding: .utf8)
        let port = RemoteTestSupport.port()
        let receiver = try RemoteTestSupport.start("/usr/bin/python3", [directory + "/stub.py", "\(port)", statuses], log: directory + "/stub.log")
        defer { RemoteTestSupport.stop(receiver) }
        _ = await RemoteTestSupport.waitFor(seconds: 10) {
            (try? RemoteTestSupport.run("/usr/bin/curl", ["-s", "--max-time", "1", "http://127.0.0.1:\(port)/"]))?.status == 7 ? nil : true
        }

        let database = try TSDB(directory: directory + "/db")
        defer { try? database.close() }
        let series = (0..<3).map { Labels(["__name__": "stub_test", "n": "\($0)"]) }
        try RemoteTestSupport.append(database, series: series, start: 1_000_000, count: 5)

        var config = try RemoteTestSupport.config(port: port)
        config.queue.maxShards = 1
        config.queue.retryOnRateLimit = retryOnRateLimit
        config.authorization = "Bearer token"
        config.headers = ["X-Extra": "yes"]
        let queue = RemoteWriteQueue(
            config: config, externalLabels: [:], walDirectory: directory + "/db/wal", positionPath: directory + "/position",
            http: ScrapeHTTPClient(group: RemoteTestSupport.eventLoopGroup), logger: Logger(label: "test"))
        queue.start()
        _ = await RemoteTestSupport.waitFor(seconds: 15) { done(queue.metrics.snapshot) ? true : nil }
        // Time for a wrong retry to show.
        try await Task.sleep(nanoseconds: 500_000_000)
        await queue.stop()
        let lines = try String(contentsOfFile: directory + "/stub.log", encoding: .utf8).split(separator: "\n").map(String.init)
        return (lines, queue.metrics.snapshot)
    }

    @Test func retriesServerErrorsUntilDelivered() async throws {
        let (lines, metrics) = try await Self.exchange(statuses: "500,503,204") { $0.samplesSent == 15 }
        #expect(lines.map { $0.prefix(3) } == ["500", "503", "204"])
        #expect(metrics.samplesSent == 15 && metrics.samplesRetried == 30 && metrics.samplesFailed == 0)
        #expect(lines.last == "204 snappy application/x-protobuf 0.1.0 Bearer token yes")
        #expect(metrics.highestSentTimestamp == 1_004_000)
    }

    @Test func dropsBatchesRefusedWithClientErrors() async throws {
        let (lines, metrics) = try await Self.exchange(statuses: "400,204") { $0.samplesFailed == 15 }
        #expect(lines.map { $0.prefix(3) } == ["400"])
        #expect(metrics.samplesFailed == 15 && metrics.samplesSent == 0 && metrics.samplesRetried == 0)
    }

    @Test func rateLimitIsNotRetriedUnlessAsked() async throws {
        let (lines, metrics) = try await Self.exchange(statuses: "429,204") { $0.samplesFailed == 15 }
        #expect(lines.map { $0.prefix(3) } == ["429"] && metrics.samplesFailed == 15)
        let (retriedLines, retried) = try await Self.exchange(statuses: "429,204", retryOnRateLimit: true) { $0.samplesSent == 15 }
        #expect(retriedLines.map { $0.prefix(3) } == ["429", "204"] && retried.samplesFailed == 0)
    }
}
