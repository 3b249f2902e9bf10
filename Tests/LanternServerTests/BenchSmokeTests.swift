import Foundation
import LanternTestSupport
import Testing

/// `bench/run --quick` against the binaries this build made (the harness's `--bin-dir`):
/// every section of the benchmark must run to its table. Never asserts a number: speed
/// is the harness's business, on a quiet machine, not CI's.
@Suite struct BenchSmokeTests {
    static let repository = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func quickRunPrintsEverySection() async throws {
        let results = try TestSupport.temporaryDirectory("bench-results")
        defer { try? FileManager.default.removeItem(at: results) }
        let run = try await TestSupport.runAwaiting("/usr/bin/python3", [
            Self.repository.appendingPathComponent("bench/run").path, "--quick", "--skip-build",
            "--bin-dir", TestSupport.productsDirectory.path, "--out", results.path,
        ], timeoutSeconds: 15 * 60)
        #expect(run.status == 0, "bench/run --quick failed:\n\(run.output)")
        for heading in [
            "## 1. Scrape cost", "## 2. Under load", "## 3. At scale: textfile collector",
            "## 4. Server ingest and storage", "## 5. Query speed", "## 6. Remote-write sender", "## Targets",
        ] {
            #expect(run.output.contains(heading), "no \"\(heading)\" in:\n\(run.output)")
        }
        // Rows only a working section prints (a failed one prints its error instead).
        for row in ["| samples ingested / s |", "| samples sent / s |", "| requests/s by instance:"] {
            #expect(run.output.contains(row), "no \"\(row)\" row in:\n\(run.output)")
        }
        #expect(!run.output.contains("- error:"), "a section failed:\n\(run.output)")
        let written = try FileManager.default.contentsOfDirectory(atPath: results.path)
        #expect(written.contains { $0.hasSuffix("-quick.md") } && written.contains { $0.hasSuffix("-quick.json") })
    }
}
