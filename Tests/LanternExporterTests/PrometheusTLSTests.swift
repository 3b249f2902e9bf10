import Foundation
import LanternTestSupport
import Testing

/// Debian's real Prometheus 2.42 scraping the exporter over HTTPS with basic auth.
@Suite("Prometheus over HTTPS", .serialized)
struct PrometheusTLSTests {
    @Test func prometheusScrapesOverHTTPSWithBasicAuth() throws {
        let fixtures = try TLSFixtures()
        let webConfig = try fixtures.writeConfig("web.yml", """
        tls_server_config:
          cert_file: server.crt
          key_file: server.key
        basic_auth_users:
          prometheus: \(WebSecurityEndToEndTests.aliceHash)
        """)
        let exporter = try Exporter.onFixtures(WebSecurityEndToEndTests.collectors + ["--web.config.file=\(webConfig)"])
        let prometheusConfig = try fixtures.writeConfig("prometheus.yml", """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
        scrape_configs:
          - job_name: lantern
            scheme: https
            tls_config:
              ca_file: \(fixtures.caFile)
            basic_auth:
              username: prometheus
              password: s3cret
            static_configs:
              - targets: ['127.0.0.1:\(exporter.port)']
        """)
        let port = TestSupport.freePort()
        let prometheus = try RunningProcess(URL(fileURLWithPath: PrometheusIntegrationTests.prometheus), [
            "--config.file=\(prometheusConfig)", "--storage.tsdb.path=\(fixtures.path)/data",
            "--web.listen-address=127.0.0.1:\(port)",
        ])
        defer { prometheus.terminate() }
        #expect(prometheus.waitForLog(containing: "Server is ready to receive web requests."), "\(prometheus.log)")
        let up = try PrometheusQuery.wait(port: port, "up{job=\"lantern\"}") { $0 == "1" }
        #expect(up == "1", "Prometheus log:\n\(prometheus.log)\nexporter log:\n\(exporter.process.log)")
        #expect(try PrometheusQuery.wait(port: port, "node_load1{job=\"lantern\"}") { $0 != nil } == "0.21")
    }
}
