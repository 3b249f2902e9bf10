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
}
