import Foundation
import LanternTestSupport
import Testing

/// lantern-server caps glibc at two malloc arenas (the main one and one more): with
/// glibc's default, each thread that allocates while another holds an arena may get one
/// of its own, and memory freed in one arena is not reused by another.
@Suite struct MallocArenaTests {
    @Test func aBusyServerKeepsOneArenaBesideTheMainOne() async throws {
        let directory = try TestSupport.temporaryDirectory("server-arenas")
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = TestSupport.freePort()
        // It scrapes itself every second while the queries below run.
        let server = try SelfScrapingServer.start(
            in: directory, data: directory.appendingPathComponent("data").path, port: port, log: "server.log")
        defer { TestSupport.stop(server) }
        let up = await TestSupport.waitFor(seconds: 20) { TestSupport.vector(port: port, "up")?.isEmpty == false ? true : nil }
        try #require(up == true, "lantern-server never answered up")

        // Queries from many threads at once, so that the server's threads allocate at once.
        let threads = (0..<24).map { _ in
            Thread {
                for _ in 0..<5 {
                    _ = TestSupport.json(port: port, "/api/v1/query_range?query=rate(prometheus_http_requests_total%5B5s%5D)&start=0&end=600&step=1")
                    _ = TestSupport.json(port: port, "/api/v1/query?query=up")
                }
            }
        }
        threads.forEach { $0.start() }
        while threads.contains(where: { !$0.isFinished }) { try await Task.sleep(nanoseconds: 100_000_000) }

        let heaps = try Self.arenaHeaps(of: server.processIdentifier)
        #expect(heaps <= 1, "\(heaps) malloc arena heaps beside the main arena")
    }

    /// The heaps of glibc's non-main arenas in `/proc/PID/maps`: each reserves 64 MiB
    /// (HEAP_MAX_SIZE on 64-bit) at a 64 MiB boundary, anonymous, its used part readable
    /// and writable and the rest `---p`. A small server's arena fits one heap.
    static func arenaHeaps(of pid: Int32) throws -> Int {
        struct Mapping { let start: UInt64, end: UInt64, writable: Bool, anonymous: Bool }
        let heapSize: UInt64 = 64 << 20
        let mappings = try String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8).split(separator: "\n").compactMap { line -> Mapping? in
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            let bounds = columns[0].split(separator: "-").compactMap { UInt64($0, radix: 16) }
            guard bounds.count == 2 else { return nil }
            return Mapping(start: bounds[0], end: bounds[1], writable: columns[1].hasPrefix("rw"), anonymous: columns.count < 6)
        }
        var heaps = 0
        for (index, mapping) in mappings.enumerated() where mapping.anonymous && mapping.writable && mapping.start % heapSize == 0 {
            var end = mapping.end
            for next in mappings[(index + 1)...] {
                guard next.start == end, next.anonymous, !next.writable else { break }
                end = next.end
            }
            if end - mapping.start == heapSize { heaps += 1 }
        }
        return heaps
    }
}
