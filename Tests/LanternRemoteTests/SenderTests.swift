import Foundation
import LanternPromQL
@testable import LanternRemote
import LanternScrape
import LanternTSDB
import LanternTestSupport
import Logging
import Testing

/// The sender against a stub receiver answering scripted statuses: what is retried,
/// what is dropped, and the headers it sends.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct SenderTests {
    /// Answers POSTs with the given statuses in turn (the last repeats; `429:3600` adds
    /// `Retry-After: 3600`), each after an optional delay in seconds (argv[3]), several at
    /// once, and logs one line per request: status, then the remote write headers.
    static let stub = """
        import http.server, signal, sys, threading, time
        # Spawned with SIGTERM blocked (inherited from the test's thread): let it stop us.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
        answers = [s.split(":", 1) for s in sys.argv[2].split(",")]
        delay = float(sys.argv[3]) if len(sys.argv) > 3 else 0
        count = 0
        lock = threading.Lock()
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                global count
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(delay)
                with lock:
                    answer = answers[min(count, len(answers) - 1)]
                    count += 1
                    h = self.headers
                    print(answer[0], h.get("Content-Encoding"), h.get("Content-Type"), h.get("X-Prometheus-Remote-Write-Version"), h.get("Authorization"), h.get("X-Extra"), flush=True)
                self.send_response(int(answer[0]))
                if len(answer) > 1:
                    self.send_header("Retry-After", answer[1])
                self.send_header("Content-Length", "0")
                self.end_headers()
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
        """

    /// Runs a queue (one shard unless `configure` says otherwise) over 15 samples, or
    /// `seriesCount × samplesPerSeries`, against the stub; returns the stub's request lines
    /// once `done` holds for the queue's metrics and the number of requests (or after 15 s).
    static func exchange(
        statuses: String, delay: Double = 0, seriesCount: Int = 3, samplesPerSeries: Int = 5, retryOnRateLimit: Bool = false,
        configure: (inout RemoteWriteConfig) -> Void = { _ in }, done: @escaping (QueueMetrics.Values, Int) -> Bool
    ) async throws -> (lines: [String], metrics: QueueMetrics.Values) {
        let directory = try TestSupport.temporaryDirectory("remote").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try stub.write(toFile: directory + "/stub.py", atomically: true, encoding: .utf8)
        let port = TestSupport.freePort()
        let receiver = try TestSupport.start("/usr/bin/python3", [directory + "/stub.py", "\(port)", statuses, "\(delay)"], log: URL(fileURLWithPath: directory + "/stub.log"))
        defer { TestSupport.stop(receiver) }
        _ = await TestSupport.waitFor(seconds: 10) {
            (try? TestSupport.run("/usr/bin/curl", ["-s", "--max-time", "1", "http://127.0.0.1:\(port)/"]))?.status == 7 ? nil : true
        }

        let database = try TSDB(directory: directory + "/db")
        defer { try? database.close() }
        let series = (0..<seriesCount).map { Labels(["__name__": "stub_test", "n": "\($0)"]) }
        try RemoteTestSupport.append(database, series: series, start: 1_000_000, count: samplesPerSeries)

        var config = try RemoteTestSupport.config(port: port)
        config.queue.maxShards = 1
        config.queue.retryOnRateLimit = retryOnRateLimit
        config.authorization = "Bearer token"
        config.headers = ["X-Extra": "yes"]
        configure(&config)
        let queue = RemoteWriteQueue(
            config: config, externalLabels: [:], walDirectory: directory + "/db/wal", positionPath: directory + "/position",
            ingest: RemoteWriteQueue.Ingest.of(database), http: ScrapeHTTPClient(group: RemoteTestSupport.eventLoopGroup),
            logger: Logger(label: "test"), shardUpdateSeconds: 1)
        queue.start()
        func requests() -> [String] {
            ((try? String(contentsOfFile: directory + "/stub.log", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        _ = await TestSupport.waitFor(seconds: 15) { done(queue.metrics.snapshot, requests().count) ? true : nil }
        // Time for a wrong retry to show.
        try await Task.sleep(nanoseconds: 500_000_000)
        await queue.stop()
        return (requests(), queue.metrics.snapshot)
    }

    @Test func retriesServerErrorsUntilDelivered() async throws {
        let (lines, metrics) = try await Self.exchange(statuses: "500,503,204") { metrics, _ in metrics.samplesSent == 15 }
        #expect(lines.map { $0.prefix(3) } == ["500", "503", "204"])
        #expect(metrics.samplesSent == 15 && metrics.samplesRetried == 30 && metrics.samplesFailed == 0)
        #expect(lines.last == "204 snappy application/x-protobuf 0.1.0 Bearer token yes")
        #expect(metrics.highestSentTimestamp == 1_004_000)
    }

    @Test func dropsBatchesRefusedWithClientErrors() async throws {
        let (lines, metrics) = try await Self.exchange(statuses: "400,204") { metrics, _ in metrics.samplesFailed == 15 }
        #expect(lines.map { $0.prefix(3) } == ["400"])
        #expect(metrics.samplesFailed == 15 && metrics.samplesSent == 0 && metrics.samplesRetried == 0)
    }

    @Test func rateLimitIsNotRetriedUnlessAsked() async throws {
        let (lines, metrics) = try await Self.exchange(statuses: "429,204") { metrics, _ in metrics.samplesFailed == 15 }
        #expect(lines.map { $0.prefix(3) } == ["429"] && metrics.samplesFailed == 15)
        let (retriedLines, retried) = try await Self.exchange(statuses: "429,204", retryOnRateLimit: true) { metrics, _ in metrics.samplesSent == 15 }
        #expect(retriedLines.map { $0.prefix(3) } == ["429", "204"] && retried.samplesFailed == 0)
    }

    @Test func honoursRetryAfter() async throws {
        // An hour's Retry-After: no second request, though min_backoff is 50 ms.
        for answer in ["429:3600", "503:3600"] {
            let (lines, metrics) = try await Self.exchange(statuses: answer + ",204", retryOnRateLimit: true) { _, requests in requests >= 1 }
            #expect(lines.map { $0.prefix(3) } == [Substring(answer.prefix(3))], "\(answer)")
            #expect(metrics.samplesSent == 0 && metrics.samplesFailed == 0, "\(answer)")
        }
        // A second's, and an unreadable one (ignored: the normal backoff): delivered.
        let (lines, metrics) = try await Self.exchange(statuses: "429:1,503:soon,204", retryOnRateLimit: true) { metrics, _ in
            metrics.samplesSent == 15
        }
        #expect(lines.map { $0.prefix(3) } == ["429", "503", "204"] && metrics.samplesRetried == 30)
        // Without retry_on_http_429 the header changes nothing: the batch is dropped.
        let (refused, refusedMetrics) = try await Self.exchange(statuses: "429:1,204") { metrics, _ in metrics.samplesFailed == 15 }
        #expect(refused.map { $0.prefix(3) } == ["429"] && refusedMetrics.samplesSent == 0)
    }

    /// A receiver taking 0.3 s per request and 3000 samples to catch up on, one shard at
    /// first: the queue reshards up (within max_shards), and everything arrives once.
    @Test func reshardsUpWhenSendingFallsBehind() async throws {
        var peak = 0
        let (_, metrics) = try await Self.exchange(
            statuses: "204", delay: 0.3, seriesCount: 30, samplesPerSeries: 100,
            configure: { config in
                config.queue.minShards = 1
                config.queue.maxShards = 6
                config.queue.maxSamplesPerSend = 50
                config.queue.capacity = 100
            }, done: { metrics, _ in
                peak = max(peak, metrics.shards)
                return metrics.samplesSent == 3000
            })
        #expect(metrics.samplesSent == 3000 && metrics.samplesFailed == 0 && metrics.samplesRetried == 0)
        #expect(peak > 1 && peak <= 6, "peak shards \(peak), desired at the end \(metrics.desiredShards)")
    }

    /// `write_relabel_configs` drops one of the three series: its samples count as
    /// dropped, never sent; while the slow receiver holds the request, the round's
    /// samples count as pending.
    @Test func droppedAndPendingSamplesAreCounted() async throws {
        var sawPending = false
        let (lines, metrics) = try await Self.exchange(
            statuses: "204", delay: 1,
            configure: { config in
                config.writeRelabelConfigs = [RelabelConfig(action: .drop, sourceLabels: ["n"], regex: try! AnchoredRegex("0"))]
            }, done: { metrics, _ in
                if metrics.samplesPending == 10 { sawPending = true }
                return metrics.samplesSent == 10
            })
        #expect(lines.count == 1)
        #expect(metrics.samplesSent == 10 && metrics.samplesDropped == 5 && metrics.samplesPending == 0)
        #expect(sawPending)
    }
}
