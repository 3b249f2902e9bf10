import Glibc
import LanternPromQL
import Testing
@testable import LanternTSDB

@Suite struct CrashSafetyTests {
    /// The writer binary sits next to the test bundle in the build directory.
    private var writerPath: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let executable = String(decoding: buffer[0..<max(0, length)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(executable[..<executable.lastIndex(of: "/")!]) + "/lantern-tsdb-crashwriter"
    }

    /// kill -9 mid-write, several times over the same directory: every commit the
    /// writer reported survives, and the directory reopens without repair by hand.
    @Test func killedWriterLosesNoCommittedSample() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let seriesCount = 50
        var lastCommitted: Int64 = 0
        for round in 0..<3 {
            let child = try spawnWithOutput([writerPath, directory.path, "\(seriesCount)"])
            // Let it commit a few hundred batches, then kill it without warning.
            var output: [UInt8] = []
            readOutput(child.output, into: &output) { $0.filter { $0 == 10 }.count >= 300 }
            kill(child.pid, SIGKILL)
            readOutput(child.output, into: &output)
            close(child.output)
            var status: Int32 = 0
            waitpid(child.pid, &status, 0)
            let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
            let committed = lines.compactMap { Int64($0.split(separator: " ").last ?? "") }.max() ?? 0
            #expect(committed > lastCommitted)
            lastCommitted = committed

            let database = try TSDB(directory: directory.path, options: testOptions())
            let stored = try readAll(database)
            try database.close()
            #expect(stored.count == seriesCount)
            for points in stored.values {
                #expect((points.last?.timestamp ?? 0) >= committed, "round \(round): committed \(committed)")
            }
        }
    }

    /// A 256 KiB tmpfs runs full mid-stream (new series and samples): failed commits are
    /// counted and leave nothing behind; after space is freed, later commits (new series
    /// too) land, and the reopened WAL replays without a repair to exactly what committed.
    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func fullDiskLosesOnlyTheFailedCommits() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let mounted = "size=256k".withCString { mount("tmpfs", directory.path, "tmpfs", 0, $0) }
        try #require(mounted == 0, "mount: \(String(cString: strerror(errno)))")
        defer { umount2(directory.path, Int32(MNT_DETACH)) }
        let filler = directory.path + "/filler"
        try FileSystem.writeFile(filler, [UInt8](repeating: 1, count: 64 << 10))
        let database = try TSDB(directory: directory.path + "/db", options: testOptions())
        var committed: [Labels: [Point]] = [:]
        var failures = 0
        var round: Int64 = 0
        func commitRound() -> Bool {
            round += 1
            let appender = database.appender()
            var batch: [(Labels, Point)] = []
            do {
                // Two long-lived series, and a new one every round.
                for name in ["steady_a", "steady_b", "new_\(round)"] {
                    let series = labels(["__name__": name, "padding": String(repeating: "p", count: 200)])
                    try appender.append(labels: series, timestampMilliseconds: round * 1000, value: Double(round))
                    batch.append((series, Point(round * 1000, Double(round))))
                }
                try appender.commit()
            } catch {
                appender.rollback()
                failures += 1
                return false
            }
            for (series, point) in batch { committed[series, default: []].append(point) }
            return true
        }
        while round < 100_000 && commitRound() {}
        #expect(failures == 1 && round < 100_000, "the disk never filled")
        for _ in 0..<20 { _ = commitRound() }
        #expect(database.stats.walWriteFailures >= 2)
        try FileSystem.removeRecursively(filler)
        for _ in 0..<50 { #expect(commitRound(), "a commit failed after space returned") }
        try database.close()

        let log = LogLines()
        let reopened = try TSDB(directory: directory.path + "/db", options: testOptions(log: log))
        #expect(reopened.stats.walCorruptionsRepaired == 0, "\(log.all)")
        #expect(try readAll(reopened) == committed)
        try reopened.close()
    }
}
