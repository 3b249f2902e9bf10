import Foundation
import LanternTestSupport
import Testing

/// Debian's real Prometheus 2.42 and promtool against the real exporter.
@Suite("Prometheus integration", .serialized)
struct PrometheusIntegrationTests {
    static let prometheus = "/usr/bin/prometheus"
    static let promtool = "/usr/bin/promtool"

    /// Lint findings promtool reports, as a set of lines.
    private func lintFindings(_ exposition: String) throws -> (status: Int32, findings: Set<String>) {
        let result = try TestSupport.run(Self.promtool, ["check", "metrics"], input: Data(exposition.utf8))
        return (result.status, Set(result.output.split(separator: "\n").map(String.init)))
    }

    @Test func promtoolParsesTheOutputAndFindsNothingNodeExporterDoesNotHaveToo() throws {
        let exporter = try Exporter.onFixtures(ExporterEndToEndTests.fixtureCollectorFlags)
        let ours = try lintFindings(try exporter.get().text)
        // 0: clean; 3: lint findings only. 1 would be a parse failure.
        #expect(ours.status == 0 || ours.status == 3, "promtool: \(ours.findings)")
        let reference = try String(contentsOf: TestPaths.nodeExporterFixtures.appendingPathComponent("e2e-output.txt"), encoding: .utf8)
        let theirs = try lintFindings(reference)
        let extra = ours.findings.subtracting(theirs.findings)
        #expect(extra.isEmpty, "findings node_exporter does not have: \(extra.sorted())")
    }

    @Test func prometheusScrapesTheExporter() throws {
        let exporter = try Exporter.onFixtures(ExporterEndToEndTests.fixtureCollectorFlags)
        let directory = try TestSupport.temporaryDirectory("prometheus")
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("prometheus.yml")
        try """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
        scrape_configs:
          - job_name: lantern
            static_configs:
              - targets: ['127.0.0.1:\(exporter.port)']
        """.write(to: config, atomically: true, encoding: .utf8)
        let port = TestSupport.freePort()
        let prometheus = try RunningProcess(URL(fileURLWithPath: Self.prometheus), [
            "--config.file=\(config.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)",
        ])
        defer { prometheus.terminate() }
        #expect(prometheus.waitForLog(containing: "Server is ready to receive web requests."), "\(prometheus.log)")

        let up = try PrometheusQuery.wait(port: port, "up{job=\"lantern\"}") { $0 == "1" }
        #expect(up == "1", "Prometheus log:\n\(prometheus.log)")
        #expect(try PrometheusQuery.wait(port: port, "node_load1{job=\"lantern\"}") { $0 != nil } == "0.21")
        #expect(try PrometheusQuery.wait(port: port, "count(node_cpu_seconds_total{job=\"lantern\"})") { $0 != nil } == "64")
        #expect(try PrometheusQuery.wait(port: port, "min(node_scrape_collector_success{job=\"lantern\"})") { $0 != nil } == "1")
        // Prometheus asks for OpenMetrics first: the exporter answered it and Prometheus parsed it.
        #expect(try PrometheusQuery.wait(port: port, "scrape_samples_scraped{job=\"lantern\"} > 100") { $0 != nil } != nil)
    }
}
