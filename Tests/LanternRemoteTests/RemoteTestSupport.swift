import Foundation
import LanternPromQL
import LanternTSDB
import LanternTestSupport
import Logging
import NIOPosix
@testable import LanternRemote

/// Processes, ports and HTTP for the remote write tests: a real Prometheus, the built
/// lantern-server (next to the test bundle) and a scripted stub receiver.
enum RemoteTestSupport {
    static let prometheus = "/usr/bin/prometheus"

    /// lantern-server (built next to the tests) with `config` as its configuration, storing
    /// in and logging to `directory/name…`.
    static func startLantern(directory: String, name: String, port: Int, config: String, flags: [String] = []) throws -> Process {
        try config.write(toFile: "\(directory)/\(name).yml", atomically: true, encoding: .utf8)
        return try TestSupport.start(TestSupport.server, [
            "--config.file=\(directory)/\(name).yml", "--storage.tsdb.path=\(directory)/\(name)-data",
            "--web.listen-address=127.0.0.1:\(port)",
        ] + flags, log: URL(fileURLWithPath: "\(directory)/\(name).log"))
    }

    /// How curl reaches a server: the scheme and the arguments it needs (CA, client
    /// certificate, credentials).
    struct CurlAccess {
        var scheme = "http"
        var arguments: [String] = []
        static let plain = CurlAccess()
    }

    /// Prometheus 2.42 with the remote write receiver, storing in `directory`.
    static func startPrometheus(
        port: Int, directory: String, config: String = "scrape_configs: []\n", extraFlags: [String] = [], access: CurlAccess = .plain
    ) throws -> Process {
        let configPath = directory + "/prometheus.yml"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let process = try TestSupport.start(prometheus, [
            "--config.file=\(configPath)", "--storage.tsdb.path=\(directory)/data",
            "--web.listen-address=127.0.0.1:\(port)", "--web.enable-remote-write-receiver",
        ] + extraFlags, log: URL(fileURLWithPath: directory + "/prometheus.log"))
        guard TestSupport.waitFor(seconds: 30, { ready(port: port, access: access) ? true : nil }) != nil else {
            TestSupport.stop(process)
            throw TestFailure("Prometheus did not become ready; see \(directory)/prometheus.log")
        }
        return process
    }

    static func ready(port: Int, access: CurlAccess = .plain) -> Bool {
        (try? TestSupport.run("/usr/bin/curl", ["-sf", "--max-time", "2"] + access.arguments + ["\(access.scheme)://127.0.0.1:\(port)/-/ready"]))?.status == 0
    }

    /// The (timestamp ms, value) pairs of each series a range-vector query returns, keyed
    /// by the series' labels as text.
    static func samples(port: Int, query: String, at time: Double, access: CurlAccess = .plain) -> [String: [(Int64, Double)]]? {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
        let url = "\(access.scheme)://127.0.0.1:\(port)/api/v1/query?query=\(encoded)&time=\(time)"
        guard let result = try? TestSupport.run("/usr/bin/curl", ["-sf", "--max-time", "60"] + access.arguments + [url]),
              result.status == 0,
              let reply = try? JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any],
              let data = reply["data"] as? [String: Any], let series = data["result"] as? [[String: Any]] else { return nil }
        var byLabels: [String: [(Int64, Double)]] = [:]
        for entry in series {
            let metric = (entry["metric"] as? [String: String]) ?? [:]
            let key = metric.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            byLabels[key] = ((entry["values"] as? [[Any]]) ?? []).map { pair in
                (Int64(((pair[0] as? NSNumber)?.doubleValue ?? 0) * 1000), Double(pair[1] as? String ?? "") ?? .nan)
            }
        }
        return byLabels
    }

    /// Appends `count` samples of `series` one second apart from `start`, one commit each.
    static func append(_ database: TSDB, series: [Labels], start: Int64, count: Int) throws {
        for step in 0..<count {
            let appender = database.appender()
            for (index, labels) in series.enumerated() {
                try appender.append(labels: labels, timestampMilliseconds: start + Int64(step) * 1000, value: Double(step * 10 + index))
            }
            try appender.commit()
        }
    }

    static func config(port: Int, path: String = "/api/v1/write") throws -> RemoteWriteConfig {
        var config = RemoteWriteConfig(endpoint: try RemoteEndpoint(url: "http://127.0.0.1:\(port)\(path)"))
        config.remoteTimeout = 5000
        config.queue.batchSendDeadline = 200
        config.queue.maxSamplesPerSend = 100
        config.queue.minBackoff = 50
        config.queue.maxBackoff = 500
        return config
    }

    static let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
}

/// Certificates made by the openssl CLI in a directory: a CA, a server certificate it
/// signed for 127.0.0.1 and localhost, and a client certificate it signed.
struct TestCertificates {
    let directory: String
    var caFile: String { directory + "/ca.crt" }
    var serverCertificate: String { directory + "/server.crt" }
    var serverKey: String { directory + "/server.key" }
    var clientCertificate: String { directory + "/client.crt" }
    var clientKey: String { directory + "/client.key" }

    init(in directory: String) throws {
        self.directory = directory
        try Self.openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
            "-keyout", directory + "/ca.key", "-out", directory + "/ca.crt", "-subj", "/CN=Lantern test CA",
        ])
        for (name, extensions) in [("server", "subjectAltName=IP:127.0.0.1,DNS:localhost"), ("client", "extendedKeyUsage=clientAuth")] {
            try extensions.write(toFile: "\(directory)/\(name).ext", atomically: true, encoding: .utf8)
            try Self.openssl([
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "\(directory)/\(name).key", "-out", "\(directory)/\(name).csr", "-subj", "/CN=lantern-\(name)",
            ])
            try Self.openssl([
                "x509", "-req", "-in", "\(directory)/\(name).csr", "-CA", directory + "/ca.crt", "-CAkey", directory + "/ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", "\(directory)/\(name).ext", "-out", "\(directory)/\(name).crt",
            ])
        }
    }

    private static func openssl(_ arguments: [String]) throws {
        let result = try TestSupport.run("/usr/bin/openssl", arguments)
        guard result.status == 0 else { throw TestFailure("openssl \(arguments.first ?? ""): \(result.output)") }
    }
}
