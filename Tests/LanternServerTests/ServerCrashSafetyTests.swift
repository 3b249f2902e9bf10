import Foundation
import LanternTestSupport
import Testing

/// The real lantern-server's data directory damaged between runs (a torn WAL tail, a
/// flipped chunk byte) and its disk filled while it ingests: each time it keeps running,
/// says what it lost in its log and its `/metrics`, and serves the rest.
@Suite(.serialized) struct ServerCrashSafetyTests {
    /// One sample value of the server's own `/metrics`.
    private static func selfMetric(port: Int, _ name: String) -> Double? {
        guard let result = try? TestSupport.run("/usr/bin/curl", ["-sf", "--max-time", "10", "http://127.0.0.1:\(port)/metrics"]),
              result.status == 0 else { return nil }
        for line in result.output.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.split(separator: " ").last ?? "")
        }
        return nil
    }

    private static func count(port: Int, _ query: String) -> Double? {
        guard let value = (TestSupport.vector(port: port, query)?.first?["value"] as? [Any])?.last as? String else { return nil }
        return Double(value)
    }

    private static func blockDirectories(_ data: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: data)) ?? []).filter { $0.count == 26 && !$0.contains(".") }.sorted()
    }

    @Test func tornWALAndFlippedChunkByteAreReportedAndTheRestServed() throws {
        let directory = try TestSupport.temporaryDirectory("server-damage")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data").path
        let port = TestSupport.freePort()
        // Run, stop; again if the stop fell just after a WAL cut (2 s blocks cut it every
        // few seconds), which leaves the newest segment without records to tear.
        let wal = data + "/wal"
        var newestWithRecords: String?
        for attempt in 1...3 where newestWithRecords == nil {
            let runStart = Date().timeIntervalSince1970
            let first = try SelfScrapingServer.start(in: directory, data: data, port: port, log: "run\(attempt).log")
            // Blocks on disk, and this run has scraped a few times (so its WAL holds records).
            let ready = TestSupport.waitFor(seconds: 40) { () -> Bool? in
                Self.blockDirectories(data).count >= 2 && (Self.count(port: port, "count_over_time(up[1h])") ?? 0) >= 8
                    && (Self.count(port: port, "timestamp(up)") ?? 0) > runStart + 2 ? true : nil
            }
            TestSupport.stop(first)
            try #require(ready == true, "no two blocks were cut")
            let sizes = try FileManager.default.contentsOfDirectory(atPath: wal).filter { $0.allSatisfy(\.isNumber) }.sorted().map { name in
                (name, (try FileManager.default.attributesOfItem(atPath: wal + "/" + name)[.size] as? NSNumber)?.intValue ?? 0)
            }
            newestWithRecords = sizes.last { $0.1 > 64 }?.0
        }
        let segment = try #require(newestWithRecords, "no WAL segment with records after three runs")

        // Tear the last record of the newest non-empty WAL segment, flip a byte in the oldest block's first chunk.
        let segmentHandle = try #require(FileHandle(forUpdatingAtPath: wal + "/" + segment))
        let segmentSize = try segmentHandle.seekToEnd()
        try segmentHandle.truncate(atOffset: segmentSize - 5)
        try segmentHandle.close()
        let block = try #require(Self.blockDirectories(data).first)
        let chunkPath = data + "/" + block + "/chunks/000001"
        var chunkBytes = try Data(contentsOf: URL(fileURLWithPath: chunkPath))
        chunkBytes[40] ^= 0x01
        try chunkBytes.write(to: URL(fileURLWithPath: chunkPath))

        let server = try SelfScrapingServer.start(in: directory, data: data, port: port, log: "second.log")
        defer { TestSupport.stop(server) }
        let corruptions = TestSupport.waitFor(seconds: 20) { Self.selfMetric(port: port, "prometheus_tsdb_wal_corruptions_total") }
        #expect(corruptions == 1)
        let log = try String(contentsOf: directory.appendingPathComponent("second.log"), encoding: .utf8)
        let walLine = log.split(separator: "\n").first { $0.contains("WAL truncated at last good record") } ?? ""
        #expect(walLine.contains("\(wal)/\(segment) at offset ") && walLine.contains("bytes dropped, 0 later segment(s) removed"), "\(log)")

        // Reading every series meets the flipped chunk: skipped, counted, logged; everything else answers.
        let everySeries = TestSupport.waitFor(seconds: 20) { Self.count(port: port, "count(count_over_time({__name__=~\".+\"}[1h]))") }
        #expect((everySeries ?? 0) > 20, "the rest of the data is not served")
        #expect((Self.count(port: port, "count_over_time(up[1h])") ?? 0) >= 8)
        #expect(Self.selfMetric(port: port, "lantern_tsdb_corrupt_chunks_skipped_total") ?? 0 >= 1)
        let logAfterQuery = try String(contentsOf: directory.appendingPathComponent("second.log"), encoding: .utf8)
        #expect(logAfterQuery.contains("skipping corrupt chunk: "), "\(logAfterQuery)")
        // And it keeps ingesting.
        let before = Self.count(port: port, "count_over_time(up[1h])") ?? 0
        #expect(TestSupport.waitFor(seconds: 20) { (Self.count(port: port, "count_over_time(up[1h])") ?? 0) > before ? true : nil } == true)
    }

    /// A 4 MiB tmpfs filled to the last byte while the server ingests: failed WAL writes are
    /// counted and logged, the API keeps answering, and ingestion resumes once space is
    /// freed, leaving a WAL that replays without corruption. Needs root for the mount.
    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func fullDiskIsCountedAndIngestionResumes() throws {
        let directory = try TestSupport.temporaryDirectory("server-disk-full")
        let mountPoint = directory.appendingPathComponent("small").path
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mount = try TestSupport.run("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mountPoint])
        try #require(mount.status == 0, "\(mount.output)")
        defer {
            _ = try? TestSupport.run("/usr/bin/umount", [mountPoint])
            try? FileManager.default.removeItem(at: directory)
        }
        let data = mountPoint + "/data"
        let port = TestSupport.freePort()
        var server = try SelfScrapingServer.start(in: directory, data: data, port: port, log: "server.log")
        defer { TestSupport.stop(server) }
        try #require(TestSupport.waitFor(seconds: 20) { (Self.count(port: port, "count_over_time(up[1h])") ?? 0) >= 2 ? true : nil } == true)

        // Fill what is left.
        let filler = mountPoint + "/filler"
        _ = try TestSupport.run("/usr/bin/dd", ["if=/dev/zero", "of=\(filler)", "bs=4k"])
        let failures = TestSupport.waitFor(seconds: 30) { () -> Double? in
            guard let value = Self.selfMetric(port: port, "prometheus_tsdb_wal_writes_failed_total"), value > 0 else { return nil }
            return value
        }
        #expect(failures != nil, "no failed WAL write counted on a full disk")
        let log = try String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)
        #expect(log.contains("No space left on device"), "\(log)")
        #expect(TestSupport.json(port: port, "/api/v1/status/buildinfo") != nil, "the API stopped answering")

        // Space returns: new samples arrive again.
        try FileManager.default.removeItem(atPath: filler)
        let freedAt = Date().timeIntervalSince1970
        let resumed = TestSupport.waitFor(seconds: 30) { () -> Bool? in
            guard let sample = TestSupport.vector(port: port, "timestamp(up)")?.first,
                  let text = (sample["value"] as? [Any])?.last as? String, let stamp = Double(text) else { return nil }
            return stamp > freedAt ? true : nil
        }
        #expect(resumed == true, "ingestion did not resume after space returned")

        // The WAL written across the failures replays cleanly.
        let storedBefore = Self.count(port: port, "count_over_time(up[1h])") ?? 0
        TestSupport.stop(server)
        server = try SelfScrapingServer.start(in: directory, data: data, port: port, log: "restart.log")
        let corruptions = TestSupport.waitFor(seconds: 20) { Self.selfMetric(port: port, "prometheus_tsdb_wal_corruptions_total") }
        #expect(corruptions == 0)
        #expect((TestSupport.waitFor(seconds: 20) { Self.count(port: port, "count_over_time(up[1h])") } ?? 0) >= storedBefore)
    }
}
