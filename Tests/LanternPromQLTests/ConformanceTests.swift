import Glibc
import LanternPromQL
import LanternSupport
import Testing

/// Prometheus's own PromQL scripts (`../shared/promql-tests`, or `$LANTERN_PROMQL_TESTS`).
/// Fails when fewer cases pass than the floor below, so regressions show up.
@Suite struct ConformanceTests {
    /// Raise this when the engine passes more cases.
    static let passedFloor = 807

    static var scriptDirectory: String {
        if let configured = getenv("LANTERN_PROMQL_TESTS") { return String(cString: configured) }
        // The test file lives in <repo>/Tests/LanternPromQLTests; resolve symlinked checkouts.
        let file = realpath(#filePath, nil).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        } ?? #filePath
        let repository = file.split(separator: "/", omittingEmptySubsequences: false).dropLast(3).joined(separator: "/")
        return repository + "/../shared/promql-tests"
    }

    /// Once as shipped, once with every range query of two or more steps split over a
    /// helper thread (the scripts' series are too few to split at the default).
    @Test(arguments: [false, true])
    func prometheusScripts(helperThread: Bool) throws {
        let directory = ConformanceTests.scriptDirectory
        let files = try KernelFile.entries(of: directory).filter { $0.hasSuffix(".test") }
        #expect(!files.isEmpty, "no .test scripts in \(directory)")
        var options = EngineOptions()
        if helperThread { options.helperThreadWork = 0 }
        let runner = ConformanceRunner(options: options)
        let verbose = getenv("LANTERN_PROMQL_VERBOSE") != nil
        var total = ConformanceRunner.Report()
        for file in files {
            let report = try runner.run(file: directory + "/" + file)
            print("promql conformance: \(file): \(report.summary) (\(report.skippedNativeHistograms) native histograms, \(report.skippedExperimental) experimental)")
            if verbose { report.failures.forEach { print("  FAIL \(file) \($0)") } }
            total.add(report)
        }
        print("promql conformance: total")
        print(total.summary)
        #expect(total.passed >= ConformanceTests.passedFloor, "conformance regressed: \(total.summary)")
    }
}
