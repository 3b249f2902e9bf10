import Foundation
import LanternTestSupport

/// Real certificates made with the openssl CLI for one test: a CA, a server certificate
/// for 127.0.0.1 signed by it, a client certificate signed by it, and a stranger's
/// self-signed client certificate. Removed with the directory when the test ends.
final class TLSFixtures: @unchecked Sendable {
    let directory: URL
    var path: String { directory.path }
    var caFile: String { "\(path)/ca.crt" }
    var serverCert: String { "\(path)/server.crt" }
    var serverKey: String { "\(path)/server.key" }
    var clientCert: String { "\(path)/client.crt" }
    var clientKey: String { "\(path)/client.key" }
    var strangerCert: String { "\(path)/stranger.crt" }
    var strangerKey: String { "\(path)/stranger.key" }

    init() throws {
        directory = try TestSupport.temporaryDirectory("tls")
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", "\(path)/ca.key", "-out", caFile, "-days", "2", "-subj", "/CN=Lantern test CA"])
        try issue(name: "server", commonName: "server-1", san: "IP:127.0.0.1,DNS:localhost")
        try issue(name: "client", commonName: "prometheus", san: "DNS:prometheus.example.org")
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", strangerKey, "-out", strangerCert, "-days", "2", "-subj", "/CN=stranger",
                     "-addext", "subjectAltName=DNS:prometheus.example.org"])
    }

    /// A key and a certificate signed by the CA, written as `<name>.key` and `<name>.crt`.
    func issue(name: String, commonName: String, san: String) throws {
        let extensions = "\(path)/\(name).ext"
        try "subjectAltName=\(san)\n".write(toFile: extensions, atomically: true, encoding: .utf8)
        try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", "\(path)/\(name).key", "-out", "\(path)/\(name).csr", "-subj", "/CN=\(commonName)"])
        try openssl(["x509", "-req", "-in", "\(path)/\(name).csr", "-CA", caFile, "-CAkey", "\(path)/ca.key",
                     "-CAcreateserial", "-out", "\(path)/\(name).crt", "-days", "2", "-extfile", extensions])
    }

    /// A web config file in the fixture directory, named by the caller.
    func writeConfig(_ name: String, _ text: String) throws -> String {
        let file = "\(path)/\(name)"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    private func openssl(_ arguments: [String]) throws {
        let result = try TestSupport.run("/usr/bin/openssl", arguments)
        guard result.status == 0 else { throw HTTPClient.Failure(description: "openssl \(arguments): \(result.output)") }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

/// HTTPS requests through the curl CLI, and raw handshakes through `openssl s_client`.
enum TLSClient {
    /// nil when the connection or handshake failed (curl's message is in `failure`).
    static func get(port: Int, _ target: String = "/metrics", caFile: String, user: String? = nil,
                    certificate: (cert: String, key: String)? = nil) throws -> (reply: HTTPReply?, failure: String) {
        var arguments = ["-sS", "-i", "--max-time", "20", "--cacert", caFile]
        if let user { arguments += ["-u", user] }
        if let certificate { arguments += ["--cert", certificate.cert, "--key", certificate.key] }
        arguments.append("https://127.0.0.1:\(port)\(target)")
        let result = try TestSupport.run("/usr/bin/curl", arguments)
        guard result.status == 0 else { return (nil, result.output) }
        return (try HTTPClient.parse(Data(result.output.utf8)), "")
    }

    /// Runs a bare handshake; returns whether it succeeded and what openssl printed.
    static func handshake(port: Int, caFile: String, _ options: [String]) throws -> (succeeded: Bool, output: String) {
        let result = try TestSupport.run("/usr/bin/openssl", [
            "s_client", "-connect", "127.0.0.1:\(port)", "-CAfile", caFile, "-verify_return_error", "-brief",
        ] + options, input: Data())
        return (result.status == 0 && result.output.contains("CONNECTION ESTABLISHED"), result.output)
    }
}
