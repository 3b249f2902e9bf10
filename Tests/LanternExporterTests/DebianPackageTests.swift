import Foundation
import LanternTestSupport
import Testing

/// The three Debian packages, built from this checkout by packaging/build-debs (release,
/// static Swift stdlib) and tested by packaging/test-debs: lintian, a fresh debootstrap
/// root, the units under a real systemd (../shared/tools/systemd-sandbox), hardening
/// that costs no collector, coexistence with prometheus-node-exporter, upgrade and purge.
/// Minutes, not seconds: the release build and debootstrap dominate (docs/packaging.md).
/// Needs root, like the systemd sandbox.
@Suite("Debian packages")
struct DebianPackageTests {
    @Test func buildTwiceIdenticallyThenInstallUpgradeAndPurge() async throws {
        let root = TestSupport.packageRoot
        let first = try TestSupport.temporaryDirectory("debs")
        let second = try TestSupport.temporaryDirectory("debs-again")
        defer {
            try? FileManager.default.removeItem(at: first)
            try? FileManager.default.removeItem(at: second)
        }

        let build = try await Self.run(root, "packaging/build-debs", ["LANTERN_DIST_DIR": first.path])
        try #require(build.status == 0, "packaging/build-debs failed:\n\(build.log)")
        let names = try FileManager.default.contentsOfDirectory(atPath: first.path).sorted()
        #expect(names.count == 3 && names.allSatisfy { $0.hasSuffix(".deb") }, "\(names)")
        #expect(names.contains { $0.hasPrefix("lantern-collectors_") && $0.hasSuffix("_all.deb") })
        #expect(names.filter { $0.hasSuffix("_amd64.deb") }.count == 2)

        // Reproducible: the same binary packaged again, later, gives the same bytes (one
        // package suffices, all three go through the same code; xz of all three costs minutes).
        let again = try await Self.run(root, "packaging/build-debs", ["LANTERN_DIST_DIR": second.path, "LANTERN_SKIP_SWIFT_BUILD": "1"],
                                 arguments: ["--only", "lantern-exporter"])
        try #require(again.status == 0, "second packaging failed:\n\(again.log)")
        let exporter = try #require(names.first { $0.hasPrefix("lantern-exporter_") })
        let firstBytes = FileManager.default.contents(atPath: first.appendingPathComponent(exporter).path)
        let secondBytes = FileManager.default.contents(atPath: second.appendingPathComponent(exporter).path)
        #expect(firstBytes != nil && firstBytes == secondBytes, "\(exporter) differs between two packagings of the same binary")

        let test = try await Self.run(root, "packaging/test-debs", ["LANTERN_DIST_DIR": first.path])
        let failed = test.log.split(separator: "\n").filter { $0.hasPrefix("FAIL ") }
        for line in failed { Issue.record("test-debs: \(line.dropFirst(5))") }
        #expect(test.status == 0 && test.log.contains("test-debs: 0 failure(s)"),
                "packaging/test-debs exited \(test.status):\n\(test.log)")
    }

    /// Runs a packaging script with extra environment to completion (at most 40 minutes)
    /// and returns its exit status and output, which it also leaves in .build-release/SCRIPT.log.
    static func run(_ root: URL, _ script: String, _ environment: [String: String], arguments: [String] = []) async throws -> (status: Int32, log: String) {
        let logFile = root.appendingPathComponent(".build-release/\((script as NSString).lastPathComponent).log")
        try FileManager.default.createDirectory(at: logFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        let result = try await TestSupport.runAwaiting(
            root.appendingPathComponent(script).path, arguments, workingDirectory: root,
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, log: logFile, timeoutSeconds: 40 * 60)
        return (result.status, result.status == -1 ? result.output + "\n(killed after 40 minutes)" : result.output)
    }
}
