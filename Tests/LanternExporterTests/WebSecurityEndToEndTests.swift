import Foundation
import LanternTestSupport
import Testing

/// `--web.config.file` on the real binary, with real certificates made by openssl.
@Suite("lantern-exporter web security", .serialized)
struct WebSecurityEndToEndTests {
    /// bcrypt (cost 4, to keep tests fast) of "s3cret".
    static let aliceHash = "$2y$04$DiKTKzHsW9BabfsAgnAJc.xY27Ts/D98KoET3R0hAts8maoykQpLm"
    static let collectors = ["--collector.disable-defaults", "--collector.loadavg"]

    private func exporter(_ fixtures: TLSFixtures, config: String, extra: [String] = []) throws -> Exporter {
        let file = try fixtures.writeConfig("web.yml", config)
        return try Exporter.onFixtures(Self.collectors + ["--web.config.file=\(file)"] + extra)
    }

    private func tlsConfig(_ fixtures: TLSFixtures, _ more: String = "") -> String {
        "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n" + more
    }

    @Test func tlsIsLoggedAndPlainHTTPIsRefused() throws {
        let fixtures = try TLSFixtures()
        let exporter = try exporter(fixtures, config: tlsConfig(fixtures))
        #expect(exporter.process.waitForLog(containing: "msg=\"TLS is enabled.\"", seconds: 5))
        let plain = try HTTPClient.get(port: exporter.port, "/metrics")
        #expect(plain.status == 400)
        #expect(plain.text == "Client sent an HTTP request to an HTTPS server.\n")
        let secure = try TLSClient.get(port: exporter.port, caFile: fixtures.caFile)
        #expect(secure.reply?.status == 200, "\(secure.failure)")
        #expect(secure.reply?.text.contains("node_load1 ") == true)
    }

    @Test func wrongPasswordsAndUnknownUsersGet401WithAChallenge() throws {
        let fixtures = try TLSFixtures()
        let exporter = try exporter(fixtures, config: tlsConfig(fixtures) + "basic_auth_users:\n  alice: \(Self.aliceHash)\n")
        for user in [nil, "alice:wrong", "mallory:s3cret", "alice:"] {
            let reply = try #require(try TLSClient.get(port: exporter.port, caFile: fixtures.caFile, user: user).reply)
            #expect(reply.status == 401, "user \(user ?? "none")")
            #expect(reply.header("WWW-Authenticate") == "Basic")
            #expect(reply.text == "Unauthorized\n")
        }
        for _ in 0..<2 {  // the second answer comes from the cache
            let reply = try TLSClient.get(port: exporter.port, caFile: fixtures.caFile, user: "alice:s3cret").reply
            #expect(reply?.status == 200)
        }
    }

    @Test func mutualTLSAcceptsOnlyCertificatesFromTheClientCA() throws {
        let fixtures = try TLSFixtures()
        let exporter = try exporter(fixtures, config: tlsConfig(
            fixtures, "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n"))
        let trusted = try TLSClient.get(port: exporter.port, caFile: fixtures.caFile, certificate: (fixtures.clientCert, fixtures.clientKey))
        #expect(trusted.reply?.status == 200, "\(trusted.failure)")
        let stranger = try TLSClient.get(port: exporter.port, caFile: fixtures.caFile, certificate: (fixtures.strangerCert, fixtures.strangerKey))
        #expect(stranger.reply == nil)
        let anonymous = try TLSClient.get(port: exporter.port, caFile: fixtures.caFile)
        #expect(anonymous.reply == nil)
    }

    @Test func requireAnyClientCertTakesAnyCertificateButNotNone() throws {
        let fixtures = try TLSFixtures()
        let exporter = try exporter(fixtures, config: tlsConfig(fixtures, "  client_auth_type: RequireAnyClientCert\n"))
        let stranger = try TLSClient.get(port: exporter.port, caFile: fixtures.caFile, certificate: (fixtures.strangerCert, fixtures.strangerKey))
        #expect(stranger.reply?.status == 200, "\(stranger.failure)")
        #expect(try TLSClient.get(port: exporter.port, caFile: fixtures.caFile).reply == nil)
    }

    @Test func clientAllowedSANsNarrowTheTrustedCertificates() throws {
        let fixtures = try TLSFixtures()
        try fixtures.issue(name: "other", commonName: "other", san: "DNS:other.example.org")
        let exporter = try exporter(fixtures, config: tlsConfig(
            fixtures, "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n  client_allowed_sans: [prometheus.example.org]\n"))
        let allowed = try TLSClient.get(port: exporter.port, caFile: fixtures.caFile, certificate: (fixtures.clientCert, fixtures.clientKey))
        #expect(allowed.reply?.status == 200, "\(allowed.failure)")
        let other = try TLSClient.get(port: exporter.port, caFile: fixtures.caFile, certificate: ("\(fixtures.path)/other.crt", "\(fixtures.path)/other.key"))
        #expect(other.reply == nil)
    }

    @Test func tls12IsTheMinimumAndMinVersionRaisesIt() throws {
        let fixtures = try TLSFixtures()
        let exporter = try exporter(fixtures, config: tlsConfig(fixtures))
        // SECLEVEL=0 lets OpenSSL 3 really offer TLS 1.1, so the refusal is the server's.
        let old = try TLSClient.handshake(port: exporter.port, caFile: fixtures.caFile, ["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"])
        #expect(!old.succeeded, "\(old.output)")
        #expect(try TLSClient.handshake(port: exporter.port, caFile: fixtures.caFile, ["-tls1_2"]).succeeded)

        let strict = try self.exporter(fixtures, config: tlsConfig(fixtures, "  min_version: TLS13\n"))
        #expect(!(try TLSClient.handshake(port: strict.port, caFile: fixtures.caFile, ["-tls1_2"]).succeeded))
        #expect(try TLSClient.handshake(port: strict.port, caFile: fixtures.caFile, ["-tls1_3"]).succeeded)
    }

    @Test func configuredSecurityHeadersAreOnEveryResponse() throws {
        let fixtures = try TLSFixtures()
        let exporter = try exporter(fixtures, config: tlsConfig(fixtures) + """
        http_server_config:
          headers:
            X-Frame-Options: deny
            X-Content-Type-Options: nosniff
            Strict-Transport-Security: max-age=31536000; includeSubDomains
            Content-Security-Policy: default-src 'self'
        basic_auth_users:
          alice: \(Self.aliceHash)
        """)
        for user in ["alice:s3cret", "alice:wrong"] {
            let reply = try #require(try TLSClient.get(port: exporter.port, caFile: fixtures.caFile, user: user).reply)
            #expect(reply.header("X-Frame-Options") == "deny")
            #expect(reply.header("X-Content-Type-Options") == "nosniff")
            #expect(reply.header("Strict-Transport-Security") == "max-age=31536000; includeSubDomains")
            #expect(reply.header("Content-Security-Policy") == "default-src 'self'")
        }
    }

    @Test func aRotatedCertificateServesTheNextConnectionAndABrokenOneIsIgnored() throws {
        let fixtures = try TLSFixtures()
        let exporter = try exporter(fixtures, config: tlsConfig(fixtures))
        let before = try TLSClient.handshake(port: exporter.port, caFile: fixtures.caFile, [])
        #expect(before.output.contains("server-1"), "\(before.output)")

        // Rotate as certificate tools do: new files renamed over the old ones.
        try fixtures.issue(name: "next", commonName: "server-2", san: "IP:127.0.0.1")
        for (from, to) in [("next.key", "server.key"), ("next.crt", "server.crt")] {
            #expect(rename("\(fixtures.path)/\(from)", "\(fixtures.path)/\(to)") == 0)
        }
        let after = try TLSClient.handshake(port: exporter.port, caFile: fixtures.caFile, [])
        #expect(after.output.contains("server-2"), "\(after.output)")

        try "not a certificate\n".write(toFile: fixtures.serverCert, atomically: true, encoding: .utf8)
        let kept = try TLSClient.handshake(port: exporter.port, caFile: fixtures.caFile, [])
        #expect(kept.succeeded && kept.output.contains("server-2"), "\(kept.output)")
        #expect(exporter.process.waitForLog(containing: "Unable to reload web config, keeping the last good one", seconds: 5))
    }

    @Test func aRateLimitOfTwoPerSecondAnswers429PastTheBurst() throws {
        let fixtures = try TLSFixtures()
        let file = try fixtures.writeConfig("web.yml", "rate_limit:\n  interval: 500ms\n  burst: 2\n")
        let exporter = try Exporter.onFixtures(Self.collectors + ["--web.config.file=\(file)"])
        let statuses = try (0..<4).map { _ in try exporter.get().status }
        #expect(statuses == [200, 200, 429, 429])
        let refused = try exporter.get()
        #expect(refused.text == "Too Many Requests\n")
        Thread.sleep(forTimeInterval: 0.6)
        #expect(try exporter.get().status == 200)
    }

    @Test(arguments: [
        ("tls_server_config:\n  cert_file: server.crt\n  key_file: missing.key\n", "failed to read key_file"),
        ("basic_auth_users:\n  alice: $2y$10$tooShort\n", "crypto/bcrypt: hashedSecret too short to be a bcrypted password"),
        ("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth: x\n", "line 4: field client_auth not found in type web.TLSConfig"),
    ])
    func anInvalidFileRefusesToStartWithOneLine(config: String, reason: String) throws {
        let fixtures = try TLSFixtures()
        let file = try fixtures.writeConfig("web.yml", config)
        let process = try RunningProcess(TestPaths.exporterBinary, Self.collectors + ["--web.config.file=\(file)", "--web.listen-address=127.0.0.1:0"])
        #expect(process.waitForExit() == 1)
        // The output pipe may still be draining after the exit.
        let deadline = Date().addingTimeInterval(5)
        while !process.log.contains("level=ERROR") && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let errors = process.log.split(separator: "\n").filter { $0.contains("level=ERROR") }
        #expect(errors.count == 1 && errors.first?.contains(reason) == true, "\(process.log)")
        #expect(!process.log.contains("Listening on"))
    }
}
