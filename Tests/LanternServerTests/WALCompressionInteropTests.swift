import Foundation
import LanternTestSupport
import Testing

/// Snappy-compressed WALs between lantern-server and Debian's Prometheus 2.42, both ways:
/// one writes (scraping itself every second, blocks of 2 h so everything stays in the
/// head and the WAL, or of 5 s to checkpoint it) and is killed with SIGKILL; the other,
/// started on a copy of its data directory, serves the same series and samples.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus")))
struct WALCompressionInteropTests {
    /// Bit 3 of a WAL fragment's type byte: the record is snappy-compressed.
    static let snappyFlag: UInt8 = 0x08

    /// The type byte of each WAL segment's first fragment (a series record, which
    /// compresses well), by segment name.
    static func firstFragmentTypes(_ wal: String) throws -> [String: UInt8] {
        var types: [String: UInt8] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: wal) where name.count == 8 && name.allSatisfy(\.isNumber) {
            types[name] = try FileHandle(forReadingFrom: URL(fileURLWithPath: wal + "/" + name)).readToEnd()?.first
        }
        return types
    }

    /// A configuration scraping `target` every second, or nothing.
    static func config(_ directory: URL, name: String, scraping target: String?) throws -> String {
        let path = directory.appendingPathComponent(name).path
        let jobs = target.map { "\n  - job_name: self\n    static_configs: [{targets: ['\($0)']}]" } ?? " []"
        try "global:\n  scrape_interval: 1s\nscrape_configs:\(jobs)\n".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func startLantern(_ directory: URL, data: String, port: Int, config: String, log: String, extra: [String] = []) throws -> Process {
        try TestSupport.start(TestSupport.server, [
            "--config.file=\(config)", "--storage.tsdb.path=\(data)", "--web.listen-address=127.0.0.1:\(port)",
        ] + extra, log: directory.appendingPathComponent(log))
    }

    static func startPrometheus(_ directory: URL, data: String, port: Int, config: String, log: String) throws -> Process {
        try TestSupport.start("/usr/bin/prometheus", [
            "--config.file=\(config)", "--storage.tsdb.path=\(data)", "--web.listen-address=127.0.0.1:\(port)",
        ], log: directory.appendingPathComponent(log))
    }

    /// Waits until the server on `port` has `count` samples of its `up` series.
    static func waitForScrapes(port: Int, count: Int) async -> Bool {
        await TestSupport.waitFor(seconds: 60) { () -> Bool? in
            let value = (TestSupport.vector(port: port, "count_over_time(up[1h])")?.first?["value"] as? [Any])?.last as? String
            return (value.flatMap(Double.init) ?? 0) >= Double(count) ? true : nil
        } == true
    }

    /// Every raw sample up to `time` (ms) as the server on `port` serves it, once it answers.
    static func samples(port: Int, at time: Int64) async -> [String: SideBySideTests.Samples]? {
        await TestSupport.waitFor(seconds: 60) { SideBySideTests.rawSamples(port: port, seconds: 3600, at: time) }
    }

    /// Kills `process` with SIGKILL (nothing flushed, nothing closed) and waits for it.
    static func killHard(_ process: Process) async {
        kill(process.processIdentifier, SIGKILL)
        _ = await TestSupport.waitFor(seconds: 20) { process.isRunning ? nil : true }
    }

    /// Starts a server (`start(data, port)`) on a copy of `data` at `copy` and expects it to
    /// serve exactly `expected` up to `time`; stops it again.
    static func expectCopyServes(
        _ expected: [String: SideBySideTests.Samples], of data: String, as copy: String, at time: Int64, _ who: String,
        start: (String, Int) throws -> Process
    ) async throws {
        try FileManager.default.copyItem(atPath: data, toPath: copy)
        let port = TestSupport.freePort()
        let server = try start(copy, port)
        defer { TestSupport.stop(server) }
        expectSame(await samples(port: port, at: time), expected, who)
    }

    static func expectSame(_ served: [String: SideBySideTests.Samples]?, _ expected: [String: SideBySideTests.Samples], _ who: String) {
        guard let served else {
            Issue.record("\(who) did not answer")
            return
        }
        #expect(Set(served.keys) == Set(expected.keys), "\(who): series differ: \(Set(served.keys).symmetricDifference(Set(expected.keys)))")
        for (labels, samples) in expected {
            let theirs = served[labels] ?? []
            #expect(theirs.map(\.timestamp) == samples.map(\.timestamp), "\(who) \(labels): timestamps differ")
            #expect(theirs.map(\.value.bitPattern) == samples.map(\.value.bitPattern), "\(who) \(labels): values differ")
        }
    }

    /// Lantern writes segment 0 with `--no-storage.tsdb.wal-compression`, is restarted with
    /// compression on (its default) and killed. Prometheus, and Lantern with compression
    /// off, each started on a copy, serve every sample the killed server served.
    @Test func prometheusAndLanternReadLanternsMixedWAL() async throws {
        let directory = try TestSupport.temporaryDirectory("wal-compression-lantern")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data").path
        let port = TestSupport.freePort()
        let scraping = try Self.config(directory, name: "scraping.yml", scraping: "127.0.0.1:\(port)")

        let plain = try Self.startLantern(directory, data: data, port: port, config: scraping, log: "plain.log", extra: ["--no-storage.tsdb.wal-compression"])
        let plainScraped = await Self.waitForScrapes(port: port, count: 3)
        TestSupport.stop(plain)
        try #require(plainScraped, "the uncompressed run never scraped")
        let compressed = try Self.startLantern(directory, data: data, port: port, config: scraping, log: "compressed.log")
        let compressedScraped = await Self.waitForScrapes(port: port, count: 8)
        // A few seconds back: every sample up to then is committed (and in the WAL).
        let time = Int64(Date().timeIntervalSince1970 * 1000) - 3000
        let expected = await Self.samples(port: port, at: time)
        await Self.killHard(compressed)
        try #require(compressedScraped, "the compressed run never scraped")
        let expectedSamples = try #require(expected)
        #expect(expectedSamples.count > 20)

        let types = try Self.firstFragmentTypes(data + "/wal")
        #expect(types["00000000"].map { $0 & Self.snappyFlag == 0 } == true, "\(types)")
        #expect(types["00000001"].map { $0 & Self.snappyFlag != 0 } == true, "\(types)")

        let idle = try Self.config(directory, name: "idle.yml", scraping: nil)
        try await Self.expectCopyServes(expectedSamples, of: data, as: directory.appendingPathComponent("prometheus-copy").path, at: time, "Prometheus") {
            try Self.startPrometheus(directory, data: $0, port: $1, config: idle, log: "prometheus.log")
        }
        try await Self.expectCopyServes(expectedSamples, of: data, as: directory.appendingPathComponent("lantern-copy").path, at: time, "Lantern") {
            try Self.startLantern(directory, data: $0, port: $1, config: idle, log: "replay.log", extra: ["--no-storage.tsdb.wal-compression"])
        }
        let replayLog = try String(contentsOf: directory.appendingPathComponent("replay.log"), encoding: .utf8)
        #expect(!replayLog.contains("WAL truncated"), "\(replayLog)")
    }

    /// Lantern with blocks of 5 s cuts its head and checkpoints its WAL while it scrapes (its
    /// first segment, with every series record, is then gone: the checkpoint holds them), and
    /// is killed. Prometheus, started on a copy, serves every sample Lantern served: it read
    /// the checkpoint (written in batches, its samples records in compression order).
    @Test func prometheusReadsLanternsCheckpoint() async throws {
        let directory = try TestSupport.temporaryDirectory("wal-checkpoint-lantern")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data").path
        let port = TestSupport.freePort()
        let scraping = try Self.config(directory, name: "scraping.yml", scraping: "127.0.0.1:\(port)")
        let lantern = try Self.startLantern(directory, data: data, port: port, config: scraping, log: "lantern.log", extra: [
            "--storage.tsdb.min-block-duration=5s", "--storage.tsdb.max-block-duration=5s",
        ])
        let checkpointed = await TestSupport.waitFor(seconds: 90) { () -> Bool? in
            let names = (try? FileManager.default.contentsOfDirectory(atPath: data + "/wal")) ?? []
            let segments = names.filter { $0.count == 8 && $0.allSatisfy(\.isNumber) }
            return names.contains { $0.hasPrefix("checkpoint.") && !$0.hasSuffix(".tmp") } && !segments.contains("00000000") ? true : nil
        } == true
        let scraped = await Self.waitForScrapes(port: port, count: 15)
        let time = Int64(Date().timeIntervalSince1970 * 1000) - 3000
        let expected = await Self.samples(port: port, at: time)
        await Self.killHard(lantern)
        try #require(checkpointed, "Lantern wrote no checkpoint")
        try #require(scraped, "Lantern never scraped itself")
        let expectedSamples = try #require(expected)
        #expect(expectedSamples.count > 20)

        let idle = try Self.config(directory, name: "idle.yml", scraping: nil)
        try await Self.expectCopyServes(expectedSamples, of: data, as: directory.appendingPathComponent("prometheus-copy").path, at: time, "Prometheus") {
            try Self.startPrometheus(directory, data: $0, port: $1, config: idle, log: "prometheus.log")
        }
    }

    /// Prometheus writes its WAL compressed (its default) and is killed; Lantern, started
    /// on a copy, serves every sample Prometheus served.
    @Test func lanternReplaysPrometheusCompressedWAL() async throws {
        let directory = try TestSupport.temporaryDirectory("wal-compression-prometheus")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data").path
        let port = TestSupport.freePort()
        let scraping = try Self.config(directory, name: "scraping.yml", scraping: "127.0.0.1:\(port)")
        let prometheus = try Self.startPrometheus(directory, data: data, port: port, config: scraping, log: "prometheus.log")
        let scraped = await Self.waitForScrapes(port: port, count: 6)
        let time = Int64(Date().timeIntervalSince1970 * 1000) - 3000
        let expected = await Self.samples(port: port, at: time)
        await Self.killHard(prometheus)
        try #require(scraped, "Prometheus never scraped itself")
        let expectedSamples = try #require(expected)
        #expect(expectedSamples.count > 50)
        let types = try Self.firstFragmentTypes(data + "/wal")
        #expect(types["00000000"].map { $0 & Self.snappyFlag != 0 } == true, "Prometheus did not compress: \(types)")

        let idle = try Self.config(directory, name: "idle.yml", scraping: nil)
        try await Self.expectCopyServes(expectedSamples, of: data, as: directory.appendingPathComponent("lantern-copy").path, at: time, "Lantern") {
            try Self.startLantern(directory, data: $0, port: $1, config: idle, log: "lantern.log")
        }
        let log = try String(contentsOf: directory.appendingPathComponent("lantern.log"), encoding: .utf8)
        #expect(!log.contains("WAL truncated"), "\(log)")
    }
}
