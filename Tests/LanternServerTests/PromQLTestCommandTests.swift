import Foundation
import LanternTestSupport
import Testing

/// `lantern-server promql-test FILE...` on Prometheus's own literals script and on a failing one.
@Suite struct PromQLTestCommandTests {
    /// `<repo>/../shared/promql-tests`, as LanternPromQLTests' ConformanceTests resolves it.
    static var scriptDirectory: String {
        let file = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        let repository = file.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repository.appendingPathComponent("../shared/promql-tests").standardizedFileURL.path
    }

    static func lastLine(_ output: String) -> String {
        output.split(separator: "\n").last.map(String.init) ?? ""
    }

    @Test func passingScript() throws {
        let script = PromQLTestCommandTests.scriptDirectory + "/literals.test"
        let result = try TestSupport.run(TestSupport.server, ["promql-test", script])
        #expect(result.status == 0, "\(result.output)")
        #expect(PromQLTestCommandTests.lastLine(result.output) == "25 passed, 0 failed, 0 skipped", "\(result.output)")
    }

    @Test func failingScript() throws {
        let directory = try TestSupport.temporaryDirectory("promql-test")
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("failing.test")
        try """
        load 5m
          metric{job="a"} 1 2 3

        eval instant at 10m metric
          metric{job="a"} 3

        eval instant at 10m metric
          metric{job="a"} 42

        """.write(to: script, atomically: true, encoding: .utf8)
        let result = try TestSupport.run(TestSupport.server, ["promql-test", script.path])
        #expect(result.status == 1, "\(result.output)")
        #expect(PromQLTestCommandTests.lastLine(result.output) == "1 passed, 1 failed, 0 skipped", "\(result.output)")
    }

    @Test func unreadableFile() throws {
        let result = try TestSupport.run(TestSupport.server, ["promql-test", "/nonexistent/lantern.test"])
        #expect(result.status == 2, "\(result.output)")
    }
}
