import Foundation
import LanternTestSupport
import Testing

/// lantern-server remote-writing over HTTPS to Debian's Prometheus 2.42 serving TLS with
/// client certificates required and basic auth (`--web.config.file`), certificates made
/// by the openssl CLI: the right `tls_config` and `basic_auth` deliver; a missing CA, a
/// wrong `server_name` or no client certificate fail the handshake and are retried; a
/// wrong password is refused (401) and dropped.
struct TLSSenderTests {
    /// bcrypt (cost 4) of "s3cret".
    static let aliceHash = "$2y$04$DiKTKzHsW9BabfsAgnAJc.xY27Ts/D98KoET3R0hAts8maoykQpLm"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: RemoteTestSupport.prometheus)), .timeLimit(.minutes(10)))
    func httpsWithClientCertificatesAndBasicAuth() async throws {
        let directory = try TestSupport.temporaryDirectory("remote").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certificates = try TestCertificates(in: directory)
        try """
            tls_server_config:
              cert_file: \(certificates.serverCertificate)
              key_file: \(certificates.serverKey)
              client_auth_type: RequireAndVerifyClientCert
              client_ca_file: \(certificates.caFile)
            basic_auth_users:
              alice: \(Self.aliceHash)

            """.write(toFile: directory + "/web.yml", atomically: true, encoding: .utf8)
        let access = RemoteTestSupport.CurlAccess(scheme: "https", arguments: [
            "--cacert", certificates.caFile, "--cert", certificates.clientCertificate, "--key", certificates.clientKey, "-u", "alice:s3cret",
        ])
        try FileManager.default.createDirectory(atPath: directory + "/prometheus", withIntermediateDirectories: true)
        let prometheusPort = TestSupport.freePort()
        let prometheus = try RemoteTestSupport.startPrometheus(
            port: prometheusPort, directory: directory + "/prometheus", extraFlags: ["--web.config.file=\(directory)/web.yml"], access: access)
        defer { TestSupport.stop(prometheus) }

        let clientCertificate = "cert_file: \(certificates.clientCertificate), key_file: \(certificates.clientKey)"
        let cases: [(name: String, tls: String, password: String)] = [
            ("good", "{ca_file: \(certificates.caFile), \(clientCertificate)}", "s3cret"),
            ("no CA", "{\(clientCertificate)}", "s3cret"),
            ("wrong server_name", "{ca_file: \(certificates.caFile), server_name: wrong.example, \(clientCertificate)}", "s3cret"),
            ("no client certificate", "{ca_file: \(certificates.caFile)}", "s3cret"),
            ("wrong password", "{ca_file: \(certificates.caFile), \(clientCertificate)}", "wrong"),
        ]
        var servers: [(name: String, port: Int, process: Process)] = []
        defer { servers.forEach { TestSupport.stop($0.process) } }
        for (index, entry) in cases.enumerated() {
            let port = TestSupport.freePort()
            let process = try RemoteTestSupport.startLantern(directory: directory, name: "lantern-\(index)", port: port, config: """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: lantern
                    static_configs: [{targets: ['127.0.0.1:\(port)']}]
                remote_write:
                  - url: https://127.0.0.1:\(prometheusPort)/api/v1/write
                    name: tls
                    tls_config: \(entry.tls)
                    basic_auth: {username: alice, password: \(entry.password)}
                    queue_config: {batch_send_deadline: 500ms, min_backoff: 100ms, max_backoff: 500ms}

                """)
            servers.append((entry.name, port, process))
        }

        func metric(_ name: String, _ port: Int) -> Double? { try? RemoteWriteEndToEndTests.metric(name, port: port, queue: "tls") }
        let good = servers[0]
        let arrived = await TestSupport.waitFor(seconds: 40) { () -> Bool? in
            let query = "up{instance=\"127.0.0.1:\(good.port)\"}[1m]"
            guard (RemoteTestSupport.samples(port: prometheusPort, query: query, at: Date().timeIntervalSince1970, access: access)?.values.first?.count ?? 0) >= 3,
                  servers[1...3].allSatisfy({ (metric("prometheus_remote_storage_samples_retried_total", $0.port) ?? 0) > 0 }),
                  (metric("prometheus_remote_storage_samples_failed_total", servers[4].port) ?? 0) > 0 else { return nil }
            return true
        }
        #expect(arrived == true, "see \(directory)")
        #expect((metric("prometheus_remote_storage_samples_total", good.port) ?? 0) > 0)
        for server in servers.dropFirst() {
            #expect(metric("prometheus_remote_storage_samples_total", server.port) == 0, "\(server.name)")
            let query = "up{instance=\"127.0.0.1:\(server.port)\"}[5m]"
            #expect(RemoteTestSupport.samples(port: prometheusPort, query: query, at: Date().timeIntervalSince1970, access: access)?.isEmpty == true, "\(server.name)")
        }
        // A refused password is not worth retrying.
        #expect(metric("prometheus_remote_storage_samples_retried_total", servers[4].port) == 0)
        // Every metric docs/remote-write.md lists, for the queue, with its URL.
        for name in [
            "samples_total", "samples_failed_total", "samples_retried_total", "samples_dropped_total", "samples_pending",
            "queue_highest_sent_timestamp_seconds", "shards", "shards_desired", "shards_min", "shards_max",
        ] {
            #expect(metric("prometheus_remote_storage_" + name, good.port) != nil, "\(name)")
        }
        let highest = try #require(metric("prometheus_remote_storage_queue_highest_sent_timestamp_seconds", good.port))
        #expect(abs(highest - Date().timeIntervalSince1970) < 600)
    }
}
