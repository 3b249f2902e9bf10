import LanternLog
import LanternPromQL

/// `lantern-server promql-test FILE...`: runs Prometheus promqltest scripts through the
/// conformance runner; per file its failures and counts, then the totals as the last line.
/// Exit status 0 when nothing failed, 1 when a case failed, 2 for bad usage or an unreadable file.
enum PromQLTest {
    static func run(_ files: [String]) -> Int32 {
        guard !files.isEmpty else {
            writeToStandardError(Array("usage: lantern-server promql-test <test-files>...\n".utf8))
            return 2
        }
        let runner = ConformanceRunner()
        var total = ConformanceRunner.Report()
        for file in files {
            let report: ConformanceRunner.Report
            do {
                report = try runner.run(file: file)
            } catch {
                writeToStandardError(Array("lantern-server promql-test: cannot read \(error)\n".utf8))
                return 2
            }
            report.failures.forEach { print("  FAIL \(file) \($0)") }
            print("\(file): \(report.summary)")
            total.add(report)
        }
        print(total.summary)
        return total.failed == 0 ? 0 : 1
    }
}
