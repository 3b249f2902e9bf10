import Foundation
import LanternTestSupport
import Testing

/// `--lantern.memory-release-interval`: the background scavenger returns freed heap to the
/// kernel while the server keeps scraping, cutting blocks and answering queries.
@Suite struct MemoryScavengerTests {
    @Test func scavengerRunsWhileTheServerKeepsServing() async throws {
        let directory = try TestSupport.temporaryDirectory("scavenger")
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = TestSupport.freePort()
        let server = try SelfScrapingServer.start(
            in: directory, data: directory.appendingPathComponent("data").path, port: port, log: "server.log",
            extra: ["--lantern.memory-release-interval=1s", "--log.level=debug"])
        defer { TestSupport.stop(server) }
        let log = directory.appendingPathComponent("server.log")
        func logText() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        // Several passes, with blocks cut (and maintenance's own trim) in between.
        let passes = await TestSupport.waitFor(seconds: 60) { () -> Bool? in
            let text = logText()
            return text.contains(#"msg="Released freed memory" component=scavenger passes=3"#) && text.contains("wrote block") ? true : nil
        }
        #expect(passes == true, "\(logText())")
        #expect(server.isRunning)
        let up = TestSupport.vector(port: port, "up")
        #expect(up?.count == 1 && (up?.first?["value"] as? [Any])?.last as? String == "1", "\(String(describing: up))")
        let metrics = TestSupport.json(port: port, "/api/v1/status/buildinfo")
        #expect(metrics?["status"] as? String == "success")
    }

    @Test func invalidIntervalIsRefusedWithTheFlagsName() async throws {
        let directory = try TestSupport.temporaryDirectory("scavenger-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await TestSupport.runAwaiting(
            TestSupport.server, ["--lantern.memory-release-interval=often", "--storage.tsdb.path=\(directory.path)/data"], timeoutSeconds: 60)
        #expect(result.status != 0)
        #expect(result.output.contains("lantern.memory-release-interval") && result.output.contains("often"), "\(result.output)")
    }
}
