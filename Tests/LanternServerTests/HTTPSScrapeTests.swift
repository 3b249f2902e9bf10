import Foundation
import LanternTestSupport
import Testing

/// `scheme: https` with `tls_config`: lantern-server scrapes a lantern-exporter that serves
/// TLS through its `--web.config.file` and demands a client certificate, with certificates
/// made by the openssl CLI (TLSFixtures: a CA, the exporter's and a client's certificates
/// it signed, and a stranger's self-signed certificate trusted in its stead).
@Suite(.serialized) struct HTTPSScrapeTests {
    @Test func scrapesOverTLSWithClientCertificates() throws {
        let directory = try TestSupport.temporaryDirectory("https-scrape")
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificates = try TLSFixtures()
        // The exporter's certificate also names exporter.test, for `server_name`.
        try certificates.issue(name: "exporter", commonName: "exporter", san: "IP:127.0.0.1,DNS:exporter.test")
        let path = { (name: String) in directory.appendingPathComponent(name).path }

        let webConfig = directory.appendingPathComponent("exporter-web.yml")
        try """
            tls_server_config:
              cert_file: \(certificates.path)/exporter.crt
              key_file: \(certificates.path)/exporter.key
              client_auth_type: RequireAndVerifyClientCert
              client_ca_file: \(certificates.caFile)
              min_version: TLS13

            """.write(to: webConfig, atomically: true, encoding: .utf8)
        let exporterPort = TestSupport.freePort()
        let exporter = try TestSupport.start(
            TestSupport.exporter, ["--web.listen-address=127.0.0.1:\(exporterPort)", "--web.config.file=\(webConfig.path)"],
            log: directory.appendingPathComponent("exporter.log"))
        defer { TestSupport.stop(exporter) }

        let clientCertificate = "cert_file: \(certificates.clientCert), key_file: \(certificates.clientKey)"
        let jobs = [
            ("verified", "ca_file: \(certificates.caFile), \(clientCertificate), min_version: TLS12"),
            ("by-server-name", "ca_file: \(certificates.caFile), \(clientCertificate), server_name: exporter.test"),
            ("skip-verify", "insecure_skip_verify: true, \(clientCertificate)"),
            ("wrong-ca", "ca_file: \(certificates.strangerCert), \(clientCertificate)"),
            ("wrong-server-name", "ca_file: \(certificates.caFile), \(clientCertificate), server_name: elsewhere.test"),
            ("no-client-certificate", "ca_file: \(certificates.caFile)"),
            ("tls12-only", "ca_file: \(certificates.caFile), \(clientCertificate), max_version: TLS12"),
        ]
        let config = directory.appendingPathComponent("lantern.yml")
        try (["global:\n  scrape_interval: 1s\nscrape_configs:"] + jobs.map { job, tls in
            """
              - job_name: \(job)
                scheme: https
                tls_config: {\(tls)}
                static_configs: [{targets: ['127.0.0.1:\(exporterPort)']}]
            """
        }).joined(separator: "\n").appending("\n").write(to: config, atomically: true, encoding: .utf8)
        let check = try TestSupport.run(TestSupport.server, ["check", "config", config.path])
        #expect(check.status == 0, "\(check.output)")

        let serverPort = TestSupport.freePort()
        let server = try TestSupport.start(TestSupport.server, [
            "--config.file=\(config.path)", "--storage.tsdb.path=\(path("data"))", "--web.listen-address=127.0.0.1:\(serverPort)",
        ], log: directory.appendingPathComponent("server.log"))
        defer { TestSupport.stop(server) }

        // Every job has been scraped at least once: its target reports a last scrape.
        let targets = TestSupport.waitFor(seconds: 30) { () -> [String: [String: Any]]? in
            guard let reply = TestSupport.json(port: serverPort, "/api/v1/targets"),
                  let active = (reply["data"] as? [String: Any])?["activeTargets"] as? [[String: Any]] else { return nil }
            var byJob: [String: [String: Any]] = [:]
            for target in active where (target["health"] as? String) != "unknown" {
                byJob[(target["labels"] as? [String: String])?["job"] ?? ""] = target
            }
            return byJob.count == jobs.count ? byJob : nil
        }
        let byJob = try #require(targets, "not every https target was scraped")
        for job in ["verified", "by-server-name", "skip-verify"] {
            #expect(byJob[job]?["health"] as? String == "up", "\(job): \(byJob[job]?["lastError"] ?? "")")
            #expect(byJob[job]?["scrapeUrl"] as? String == "https://127.0.0.1:\(exporterPort)/metrics")
        }
        for job in ["wrong-ca", "wrong-server-name", "no-client-certificate", "tls12-only"] {
            #expect(byJob[job]?["health"] as? String == "down", "\(job)")
        }
        let lastError = { (job: String) in byJob[job]?["lastError"] as? String ?? "" }
        // Worded as Go's http.Client: the request, then what failed.
        let get = "Get \"https://127.0.0.1:\(exporterPort)/metrics\": "
        #expect(lastError("wrong-ca") == get + "TLS handshake with 127.0.0.1:\(exporterPort) failed: CERTIFICATE_VERIFY_FAILED")
        #expect(lastError("wrong-server-name") == get + "TLS certificate is valid for exporter.test, not elsewhere.test (server_name)")
        // TLS 1.3 rejects the missing certificate after the client's handshake: an alert, or a bare close.
        #expect(lastError("no-client-certificate").hasPrefix(get + "TLS connection to 127.0.0.1:\(exporterPort) failed: "), "\(lastError("no-client-certificate"))")
        for job in ["verified", "by-server-name", "skip-verify"] { #expect(lastError(job) == "", "\(job)") }
        // The exporter accepts TLS 1.3 only; a client capped at 1.2 finds no common version.
        #expect(lastError("tls12-only").hasPrefix(get + "TLS handshake with 127.0.0.1:\(exporterPort) failed: "), "\(lastError("tls12-only"))")

        // The samples arrive: up per job, and the exporter's own metrics through TLS.
        let up = TestSupport.waitFor(seconds: 15) { () -> [String: String]? in
            guard let result = TestSupport.vector(port: serverPort, "up"), result.count == jobs.count else { return nil }
            return Dictionary(uniqueKeysWithValues: result.map {
                (($0["metric"] as? [String: String])?["job"] ?? "", (($0["value"] as? [Any])?.last as? String) ?? "")
            })
        }
        #expect(up == [
            "verified": "1", "by-server-name": "1", "skip-verify": "1", "wrong-ca": "0", "wrong-server-name": "0", "no-client-certificate": "0",
            "tls12-only": "0",
        ])
        let load = TestSupport.vector(port: serverPort, "node_load1{job=\"verified\"}")
        #expect(load?.count == 1)
    }
}
