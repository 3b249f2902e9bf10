import Foundation
import LanternTestSupport
import Testing

/// `--web.config.file` on the real lantern-server, as lantern-exporter takes it: TLS from a
/// certificate made by the openssl CLI, bcrypt basic auth, checked with curl.
@Suite(.serialized) struct ServerWebConfigTests {
    /// bcrypt (cost 4, to keep tests fast) of "s3cret", as LanternExporterTests use.
    static let aliceHash = "$2y$04$DiKTKzHsW9BabfsAgnAJc.xY27Ts/D98KoET3R0hAts8maoykQpLm"

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A directory with a self-signed certificate for 127.0.0.1 (its own CA for curl) and a
    /// prometheus.yml scraping a port nobody listens on (so `up` exists, as 0).
    private static func fixtures() throws -> URL {
        let directory = try TestSupport.temporaryDirectory("server-web")
        let result = try TestSupport.run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", directory.appendingPathComponent("server.key").path,
            "-out", directory.appendingPathComponent("server.crt").path,
            "-days", "2", "-subj", "/CN=lantern-server test", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ])
        guard result.status == 0 else { throw Failure(description: "openssl: \(result.output)") }
        try """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: nobody
                static_configs: [{targets: ['127.0.0.1:\(TestSupport.freePort())']}]

            """.write(to: directory.appendingPathComponent("lantern.yml"), atomically: true, encoding: .utf8)
        return directory
    }

    private static func arguments(_ directory: URL, webConfig: URL, port: Int) -> [String] {
        [
            "--config.file=\(directory.appendingPathComponent("lantern.yml").path)",
            "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)", "--web.config.file=\(webConfig.path)",
        ]
    }

    /// curl's `-i` output split into status, lower-cased header names and body; nil when curl failed.
    private static func curl(_ arguments: [String]) throws -> (status: Int, headers: [String: String], body: String)? {
        let result = try TestSupport.run("/usr/bin/curl", ["-sS", "-i", "-g", "--max-time", "10"] + arguments)
        guard result.status == 0 else { return nil }
        let text = result.output.replacingOccurrences(of: "\r\n", with: "\n")
        let parts = text.components(separatedBy: "\n\n")
        let lines = parts[0].split(separator: "\n").map(String.init)
        guard let statusLine = lines.first, statusLine.split(separator: " ").count >= 2,
              let status = Int(statusLine.split(separator: " ")[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (status, headers, parts.dropFirst().joined(separator: "\n\n"))
    }

    @Test func tlsAndBasicAuthGuardTheAPI() throws {
        let directory = try Self.fixtures()
        defer { try? FileManager.default.removeItem(at: directory) }
        let webConfig = directory.appendingPathComponent("web.yml")
        try """
            tls_server_config:
              cert_file: server.crt
              key_file: server.key
            basic_auth_users:
              alice: \(Self.aliceHash)

            """.write(to: webConfig, atomically: true, encoding: .utf8)
        let port = TestSupport.freePort()
        let log = directory.appendingPathComponent("server.log")
        let server = try TestSupport.start(TestSupport.server, Self.arguments(directory, webConfig: webConfig, port: port), log: log)
        defer { if server.isRunning { server.terminate(); server.waitUntilExit() } }

        let https = "https://127.0.0.1:\(port)/api/v1/query?query=up"
        let caFile = ["--cacert", directory.appendingPathComponent("server.crt").path]
        let ready = TestSupport.waitFor(seconds: 30) { try? Self.curl(caFile + ["-u", "alice:s3cret", https]) }
        let serverLog = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let answer = try #require(ready, "server never answered over HTTPS: \(serverLog)")
        #expect(answer.status == 200, "\(answer)")
        #expect(answer.body.contains("\"status\":\"success\""), "\(answer.body)")
        #expect(serverLog.contains("msg=\"TLS is enabled.\""), "\(serverLog)")

        // Plain HTTP on the TLS port is refused, as Go's server does.
        let plain = try #require(try Self.curl(["http://127.0.0.1:\(port)/api/v1/query?query=up"]))
        #expect(plain.status == 400)
        #expect(plain.body == "Client sent an HTTP request to an HTTPS server.\n")

        for user in [nil, "alice:wrong", "mallory:s3cret"] {
            let reply = try #require(try Self.curl(caFile + (user.map { ["-u", $0] } ?? []) + [https]))
            #expect(reply.status == 401, "user \(user ?? "none")")
            #expect(reply.headers["www-authenticate"] == "Basic", "\(reply.headers)")
        }
    }

    @Test(arguments: [
        ("basic_auth_users:\n  alice: $2y$10$tooShort\n", "crypto/bcrypt: hashedSecret too short to be a bcrypted password"),
        ("tls_server_config:\n  cert_file: server.crt\n  key_file: missing.key\n", "failed to read key_file"),
    ])
    func anInvalidFileRefusesToStartWithOneLine(config: String, reason: String) throws {
        let directory = try Self.fixtures()
        defer { try? FileManager.default.removeItem(at: directory) }
        let webConfig = directory.appendingPathComponent("web.yml")
        try config.write(to: webConfig, atomically: true, encoding: .utf8)
        let log = directory.appendingPathComponent("server.log")
        let server = try TestSupport.start(
            TestSupport.server, Self.arguments(directory, webConfig: webConfig, port: TestSupport.freePort()), log: log)
        let exited = TestSupport.waitFor(seconds: 30) { server.isRunning ? nil : true }
        if server.isRunning { server.terminate() }
        server.waitUntilExit()
        #expect(exited == true)
        #expect(server.terminationStatus == 1)
        let output = try String(contentsOf: log, encoding: .utf8)
        let errors = output.split(separator: "\n").filter { $0.contains("level=ERROR") }
        #expect(errors.count == 1 && errors.first?.contains(reason) == true, "\(output)")
        #expect(!output.contains("Listening on"), "\(output)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("data").path), "the database was opened")
    }

    /// A SIGTERM sent while the server starts is neither fatal nor lost: it finishes starting
    /// and exits gracefully. It is held mid-start by its web config, a FIFO that the test
    /// writes only after sending the signal.
    @Test func sigtermDuringStartUpExitsGracefully() async throws {
        let directory = try TestSupport.temporaryDirectory("server-sigterm-start-up")
        defer { try? FileManager.default.removeItem(at: directory) }
        let webConfig = directory.appendingPathComponent("web-config.yml").path
        try #require(mkfifo(webConfig, 0o600) == 0)
        let config = directory.appendingPathComponent("lantern.yml")
        try "scrape_configs: []\n".write(to: config, atomically: true, encoding: .utf8)
        let process = try RunningProcess(URL(fileURLWithPath: TestSupport.server), [
            "--config.file=\(config.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(TestSupport.freePort())", "--web.config.file=\(webConfig)",
        ])
        defer { process.terminate() }
        let exitedCleanly = await process.signalMidStart(SIGTERM, after: "Starting lantern-server", holdingFIFO: webConfig)
        #expect(exitedCleanly, "\(process.log)")
        #expect(process.log.contains("Server is ready to receive web requests."), "\(process.log)")
        #expect(process.log.contains("msg=\"Received signal, exiting gracefully...\" signal=terminated"), "\(process.log)")
    }
}
