import Foundation
import LanternTestSupport

/// A real `lantern-exporter` process listening on a loopback port chosen by the kernel.
final class Exporter: @unchecked Sendable {
    let process: RunningProcess
    let port: Int

    private static let listening = "msg=\"Listening on\""

    /// Starts the exporter with `arguments` plus `--web.listen-address=127.0.0.1:0`
    /// and waits until it listens.
    init(_ arguments: [String], workingDirectory: URL? = nil) throws {
        process = try RunningProcess(TestPaths.exporterBinary, Self.withListenAddress(arguments), workingDirectory: workingDirectory)
        _ = process.waitForLog(containing: Self.listening)
        port = try Self.port(of: process)
    }

    /// As `init(_:)`, without holding a thread while it starts; with `unprivileged`, as the
    /// user and group 65534 (nobody, nogroup) without supplementary groups, as a packaged
    /// exporter runs.
    init(_ arguments: [String], unprivileged: Bool) async throws {
        let command = [TestPaths.exporterBinary.path] + Self.withListenAddress(arguments)
        let process = unprivileged
            ? try RunningProcess(URL(fileURLWithPath: "/usr/bin/setpriv"), ["--reuid=65534", "--regid=65534", "--clear-groups", "--"] + command)
            : try RunningProcess(TestPaths.exporterBinary, Array(command.dropFirst()))
        _ = await TestSupport.waitFor(seconds: 30) { process.log.contains(Self.listening) || !process.process.isRunning ? true : nil }
        self.process = process
        port = try Self.port(of: process)
    }

    private static func withListenAddress(_ arguments: [String]) -> [String] {
        arguments + ["--web.listen-address=127.0.0.1:0", "--log.level=debug"]
    }

    /// The port the exporter logged it listens on; stops it and throws when it did not start.
    private static func port(of process: RunningProcess) throws -> Int {
        guard let port = port(in: process.log) else {
            process.terminate()
            throw HTTPClient.Failure(description: "exporter did not start:\n\(process.log)")
        }
        return port
    }

    /// The exporter reading node_exporter's fixture tree, as in its e2e test.
    static func onFixtures(_ extra: [String]) throws -> Exporter {
        let fixtures = TestPaths.nodeExporterFixtures.path
        return try Exporter([
            "--path.procfs=\(fixtures)/proc", "--path.sysfs=\(fixtures)/sys",
            "--path.rootfs=\(fixtures)", "--path.udev.data=\(fixtures)/udev/data",
        ] + extra)
    }

    func get(_ target: String = "/metrics", headers: [(String, String)] = []) throws -> HTTPReply {
        try HTTPClient.get(port: port, target, headers: headers)
    }

    private static func port(in log: String) -> Int? {
        for line in log.split(separator: "\n") where line.contains("msg=\"Listening on\"") {
            guard let range = line.range(of: "address=") else { continue }
            let address = line[range.upperBound...].split(separator: " ").first ?? ""
            if let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) {
                return port
            }
        }
        return nil
    }

    deinit { process.terminate() }
}

extension String {
    /// The sample and comment lines of one family in a text exposition.
    func familyLines(_ name: String) -> [String] {
        split(separator: "\n").map(String.init).filter { line in
            line == "# HELP \(name)" || line.hasPrefix("# HELP \(name) ") || line.hasPrefix("# TYPE \(name) ")
                || line.hasPrefix("\(name){") || line.hasPrefix("\(name) ")
        }
    }

    /// Family names in order of their TYPE lines.
    var familyNames: [String] {
        split(separator: "\n").compactMap { line in
            line.hasPrefix("# TYPE ") ? line.split(separator: " ")[2].description : nil
        }
    }
}
