import Foundation
import LanternTestSupport
import Testing

/// node_exporter's own end-to-end test, run against lantern-exporter: the exact argv of
/// `e2e-args-x86_64.txt`, from a folder where the fixtures are `collector/fixtures`,
/// filtered with node_exporter's skip regex and compared with `e2e-output.txt`.
@Suite("node_exporter e2e parity", .serialized)
struct NodeExporterE2ETests {
    /// E2E.md: these samples depend on the live host; their HELP/TYPE lines stay.
    static let skipPattern = "^(go_|node_exporter_build_info|node_scrape_collector_duration_seconds|process_|node_textfile_mtime_seconds|node_time_(zone|seconds)|node_network_(receive|transmit)_(bytes|packets)_total)"
    /// Families compared on neither side (docs/compatibility.md): go_* are Go runtime
    /// families Lantern does not have, and its build info is lantern_exporter_build_info.
    /// As a metric-name pattern (expo-diff `--ignore`), and for whole lines.
    static let leftOutNames = "^(go_.*|(node|lantern)_exporter_build_info)$"
    static let leftOutLines = "^(# (HELP|TYPE) )?(go_[^ {]*|(node|lantern)_exporter_build_info)[ {]"

    /// The argv, with the listen address on a kernel-chosen port; flags this build does
    /// not declare are returned apart (the test fails on them).
    private func argv(declared: Set<String>) throws -> (kept: [String], undeclared: [String]) {
        let lines = try String(contentsOf: TestPaths.nodeExporterFixtures.appendingPathComponent("e2e-args-x86_64.txt"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map(String.init)
        var kept: [String] = [], undeclared: [String] = []
        var index = 0
        while index < lines.count {
            let argument = lines[index]
            index += 1
            if argument == "--web.listen-address" {
                index += 1
                kept.append("--web.listen-address=127.0.0.1:0")
                continue
            }
            let name = String(argument.dropFirst(2).split(separator: "=", maxSplits: 1)[0])
            let bare = name.hasPrefix("no-") ? String(name.dropFirst(3)) : name
            if declared.contains(bare) { kept.append(argument) } else { undeclared.append(argument) }
        }
        return (kept, undeclared)
    }

    /// Flag names the binary declares, read from its `--help`.
    private func declaredFlags() throws -> Set<String> {
        let help = try TestSupport.run(TestPaths.exporterBinary.path, ["--help"]).output
        let names = help.split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: "--") else { return nil }
            var name = line[range.upperBound...].prefix { !$0.isWhitespace && $0 != "=" }
            if name.hasPrefix("[no-]") { name = name.dropFirst(5) }
            return String(name)
        }
        return Set(names)
    }

    @Test func outputMatchesNodeExporterE2E() throws {
        let workspace = try TestSupport.temporaryDirectory("e2e")
        defer { try? FileManager.default.removeItem(at: workspace) }
        try FileManager.default.createDirectory(at: workspace.appendingPathComponent("collector"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            at: workspace.appendingPathComponent("collector/fixtures"),
            withDestinationURL: TestPaths.nodeExporterFixtures.resolvingSymlinksInPath())

        let (arguments, undeclared) = try argv(declared: try declaredFlags())
        let process = try RunningProcess(TestPaths.exporterBinary, arguments, workingDirectory: workspace)
        defer { process.terminate() }
        #expect(process.waitForLog(containing: "msg=\"Listening on\""), "\(process.log)")
        let port = try #require(Int(process.log.split(separator: "\n").first { $0.contains("msg=\"Listening on\"") }?
            .split(separator: ":").last.map(String.init) ?? ""))
        let skip = try Regex(Self.skipPattern)
        let generated = try HTTPClient.get(port: port, "/metrics").text
            .split(separator: "\n", omittingEmptySubsequences: false)
            .filter { $0.firstMatch(of: skip) == nil }
            .joined(separator: "\n")
        let generatedFile = workspace.appendingPathComponent("generated")
        try generated.write(to: generatedFile, atomically: true, encoding: .utf8)

        let expectedFile = TestPaths.nodeExporterFixtures.appendingPathComponent("e2e-output.txt")
        let expected = try String(contentsOf: expectedFile, encoding: .utf8)
        let diff = try TestSupport.run(
            TestSupport.shared.appendingPathComponent("tools/expo-diff").path,
            [expectedFile.path, generatedFile.path, "--ignore", Self.leftOutNames, "--show", "40"])
        let score = diff.output.split(separator: "\n").last.map(String.init) ?? ""
        print("node_exporter e2e: \(score)")

        #expect(undeclared.isEmpty, "flags of the e2e argv lantern-exporter does not declare: \(undeclared)")
        #expect(diff.status == 0 && score.hasSuffix("extra 0, help/type differing 0"), "\(diff.output)")
        // Byte for byte, in node_exporter's order: every sample line and every HELP/TYPE line.
        let leftOut = try Regex(Self.leftOutLines)
        let lines = { (text: String) in text.split(separator: "\n").filter { $0.firstMatch(of: leftOut) == nil } }
        let (ours, theirs) = (lines(generated), lines(expected))
        #expect(ours == theirs, "first difference: \(zip(ours, theirs).first { $0 != $1 }.map { "\($0) vs \($1)" } ?? "line counts \(ours.count) vs \(theirs.count)")")
    }
}
