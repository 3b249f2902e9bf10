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

    /// Whether each fragment of a WAL segment is snappy-compressed, in order: every
    /// fragment, not only the first, since whether a record is stored compressed depends
    /// on it (a tiny one, such as a failed scrape's five report samples, never is).
    static func compressionFlags(segment path: String) throws -> [Bool] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let pageSize = 32 * 1024, headerSize = 7
        var flags: [Bool] = []
        var offset = 0
        while offset + headerSize <= bytes.count {
            let pageEnd = (offset / pageSize + 1) * pageSize
            // Type 0: the rest of the page is padding.
            guard bytes[offset] != 0 else {
                offset = pageEnd
                continue
            }
            flags.append(bytes[offset] & snappyFlag != 0)
            offset += headerSize + (Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]))
            if pageEnd - offset < headerSize { offset = pageEnd }
        }
        return flags
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

    /// `SideBySideTests.committedTime` (the server scrapes only itself: every sample up to
    /// then is in the WAL) and every raw sample up to it, as the server on `port` serves them.
    static func committedSamples(port: Int) async -> (time: Int64, samples: [String: SideBySideTests.Samples]?) {
        guard let time = await TestSupport.waitFor(seconds: 60, { SideBySideTests.committedTime(port: port) }) else { return (0, nil) }
        return (time, await samples(port: port, at: time))
    }

    /// Every raw sample up to `time` (ms) as the server on `port` serves it, once it answers.
    static func samples(port: Int, at time: Int64) async -> [String: SideBySideTests.Samples]? {
        await TestSupport.waitFor(seconds: 60) { SideBySideTests.rawSamples(port: port, seconds: 3600, at: time) }
    }

    /// Kills `process` with SIGKILL (nothing flushed, nothing closed) and waits for it.
    /// It is stopped first (SIGSTOP lets a write(2) in progress finish; SIGKILL would end
    /// one between two pages), so the WAL ends at a record boundary, as after a crash
    /// between two appends: the tests expect no repair. A tail torn mid-record is
    /// WALCorruptionTests' subject.
    static func killHard(_ process: Process) async {
        let pid = process.processIdentifier
        kill(pid, SIGSTOP)
        _ = await TestSupport.waitFor(seconds: 20) { allThreadsStopped(pid) || !process.isRunning ? true : nil }
        kill(pid, SIGKILL)
        _ = await TestSupport.waitFor(seconds: 20) { process.isRunning ? nil : true }
    }

    /// Whether every thread of `pid` is in state T (stopped), by /proc/PID/task/*/stat.
    static func allThreadsStopped(_ pid: Int32) -> Bool {
        guard let threads = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task"), !threads.isEmpty else { return false }
        return threads.allSatisfy { thread in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/task/\(thread)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            return stat[stat.index(after: close)...].split(separator: " ").first == "T"
        }
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
        let (time, expected) = await Self.committedSamples(port: port)
        await Self.killHard(compressed)
        try #require(compressedScraped, "the compressed run never scraped")
        let expectedSamples = try #require(expected)
        #expect(expectedSamples.count > 20)

        let segments = try FileManager.default.contentsOfDirectory(atPath: data + "/wal").sorted()
        #expect(segments == ["00000000", "00000001"])
        let plainFlags = try Self.compressionFlags(segment: data + "/wal/00000000")
        let compressedFlags = try Self.compressionFlags(segment: data + "/wal/00000001")
        #expect(!plainFlags.isEmpty && !plainFlags.contains(true), "segment 0's fragments compressed: \(plainFlags)")
        #expect(compressedFlags.contains(true), "segment 1's fragments compressed: \(compressedFlags)")

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
        let (time, expected) = await Self.committedSamples(port: port)
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
        let (time, expected) = await Self.committedSamples(port: port)
        await Self.killHard(prometheus)
        try #require(scraped, "Prometheus never scraped itself")
        let expectedSamples = try #require(expected)
        #expect(expectedSamples.count > 50)
        let flags = try Self.compressionFlags(segment: data + "/wal/00000000")
        #expect(flags.contains(true), "Prometheus did not compress: \(flags)")

        let idle = try Self.config(directory, name: "idle.yml", scraping: nil)
        try await Self.expectCopyServes(expectedSamples, of: data, as: directory.appendingPathComponent("lantern-copy").path, at: time, "Lantern") {
            try Self.startLantern(directory, data: $0, port: $1, config: idle, log: "lantern.log")
        }
        let log = try String(contentsOf: directory.appendingPathComponent("lantern.log"), encoding: .utf8)
        #expect(!log.contains("WAL truncated"), "\(log)")
    }
}
