import Foundation

/// Real certificates made with the openssl CLI for one test: a CA, a server certificate
/// for 127.0.0.1 signed by it, a client certificate signed by it, and a stranger's
/// self-signed client certificate. Removed with the directory when the test ends.
public final class TLSFixtures: @unchecked Sendable {
    public let directory: URL
    public var path: String { directory.path }
    public var caFile: String { "\(path)/ca.crt" }
    public var serverCert: String { "\(path)/server.crt" }
    public var serverKey: String { "\(path)/server.key" }
    public var clientCert: String { "\(path)/client.crt" }
    public var clientKey: String { "\(path)/client.key" }
    public var strangerCert: String { "\(path)/stranger.crt" }
    public var strangerKey: String { "\(path)/stranger.key" }

    public init() throws {
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
    public func issue(name: String, commonName: String, san: String) throws {
        let extensions = "\(path)/\(name).ext"
        try "subjectAltName=\(san)\n".write(toFile: extensions, atomically: true, encoding: .utf8)
        try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", "\(path)/\(name).key", "-out", "\(path)/\(name).csr", "-subj", "/CN=\(commonName)"])
        try openssl(["x509", "-req", "-in", "\(path)/\(name).csr", "-CA", caFile, "-CAkey", "\(path)/ca.key",
                     "-CAcreateserial", "-out", "\(path)/\(name).crt", "-days", "2", "-extfile", extensions])
    }

    /// A web config file in the fixture directory, named by the caller.
    public func writeConfig(_ name: String, _ text: String) throws -> String {
        let file = "\(path)/\(name)"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    private func openssl(_ arguments: [String]) throws {
        let result = try TestSupport.run("/usr/bin/openssl", arguments)
        guard result.status == 0 else { throw TestFailure("openssl \(arguments): \(result.output)") }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}
