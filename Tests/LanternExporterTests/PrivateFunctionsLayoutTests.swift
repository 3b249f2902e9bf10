import Foundation
import LanternTestSupport
import Testing

/// Sources/lantern-exporter/private-functions.ld, on a program small enough to build here:
/// Swift's symbol-less functions (here two closure-context destroyers) end up together in
/// `.text.private`, and the program still runs.
@Suite("Exporter private-function layout")
struct PrivateFunctionsLayoutTests {
    static let program = """
        final class Box { var values: [String]; init(_ values: [String]) { self.values = values } }
        @inline(never) func counter(_ box: Box, _ extra: [String]) -> () -> Int { { box.values.count + extra.count } }
        var closures: [() -> Int] = []
        for argument in CommandLine.arguments { closures.append(counter(Box([argument]), CommandLine.arguments)) }
        print(closures.map { $0() }.reduce(0, +))
        """

    @Test func symbolLessFunctionsAreGatheredAndTheProgramRuns() async throws {
        let directory = try TestSupport.temporaryDirectory("private-functions")
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("main.swift")
        try Self.program.write(to: source, atomically: true, encoding: .utf8)
        let script = TestSupport.packageRoot.appendingPathComponent("Sources/lantern-exporter/private-functions.ld").path
        let compile = ["swiftc", "-O", "-Xfrontend", "-function-sections", source.path]

        let object = directory.appendingPathComponent("main.o").path
        let compiled = try await TestSupport.runAwaiting("/usr/bin/env", compile + ["-c", "-o", object], timeoutSeconds: 600)
        #expect(compiled.status == 0, "\(compiled.output)")
        let objectSections = try Self.sectionNames(object)
        #expect(objectSections.filter { $0.hasPrefix(".text..L") }.count >= 2, "\(objectSections)")

        let program = directory.appendingPathComponent("program").path
        let linked = try await TestSupport.runAwaiting(
            "/usr/bin/env", compile + ["-use-ld=lld", "-Xlinker", "--script=\(script)", "-o", program], timeoutSeconds: 600)
        #expect(linked.status == 0, "\(linked.output)")
        let programSections = try Self.sectionNames(program)
        #expect(programSections.contains(".text.private"), "\(programSections)")
        #expect(programSections.contains(".text"))

        let ran = try TestSupport.run(program, ["a", "b"])
        #expect(ran.status == 0)
        #expect(ran.output == "12\n")
    }

    /// Section names from `readelf -SW`.
    static func sectionNames(_ path: String) throws -> [String] {
        let listed = try TestSupport.run("/usr/bin/env", ["readelf", "-SW", path])
        try #require(listed.status == 0, "\(listed.output)")
        return listed.output.split(separator: "\n").compactMap { line in
            guard let bracket = line.firstIndex(of: "]"), line.contains("[") else { return nil }
            return line[line.index(after: bracket)...].split(separator: " ").first.map(String.init)
        }
    }
}
