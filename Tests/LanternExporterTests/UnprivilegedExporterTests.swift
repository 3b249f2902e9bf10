import Foundation
import LanternTestSupport
import Testing

/// The exporter as packages run it: an unprivileged user on the live host. Some bugs show
/// only there (a socket option refused to non-root once reset every connection), and a
/// collector that needs root must fail alone, saying why, while the rest is served.
@Suite("lantern-exporter as an unprivileged user", .serialized,
       .enabled(if: getuid() == 0, "switching to the user nobody needs root; this run is not root"))
struct UnprivilegedExporterTests {
    /// The default collectors and slabinfo, whose /proc/slabinfo only root may read.
    static let arguments = ["--collector.slabinfo"]

    /// Collectors whose success may depend on privileges on some host: slabinfo fails
    /// (error); rapl finds no data where the kernel lets only root read energy_uj (debug).
    static let needingRoot: Set<String> = ["slabinfo", "rapl"]

    @Test func servesEveryScrapeAndOnlyTheCollectorNeedingRootFails() async throws {
        let exporter = try await Exporter(Self.arguments, unprivileged: true)
        let directory = try TestSupport.temporaryDirectory("unprivileged")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = "http://127.0.0.1:\(exporter.port)/metrics"

        // Three scrapes over one kept-alive connection, then two on fresh connections.
        let bodies = (0..<5).map { directory.appendingPathComponent("scrape-\($0).txt").path }
        let report = ["-sS", "-w", "%{http_code} %{num_connects}\\n"]
        let kept = try await TestSupport.runAwaiting(
            "/usr/bin/curl", report + bodies[0..<3].flatMap { ["-o", $0, url] }, timeoutSeconds: 120)
        #expect(kept.status == 0 && kept.output == "200 1\n200 0\n200 0\n", "keep-alive: \(kept.output)\n\(exporter.process.log)")
        for body in bodies[3...] {
            let fresh = try await TestSupport.runAwaiting("/usr/bin/curl", report + ["-o", body, url], timeoutSeconds: 60)
            #expect(fresh.status == 0 && fresh.output == "200 1\n", "fresh connection: \(fresh.output)\n\(exporter.process.log)")
        }

        let reference = try await Self.collectorSuccess(ofRootRunOn: directory)
        #expect(reference["slabinfo"] == 1, "as root, slabinfo succeeds: \(reference)")
        for body in bodies {
            let text = try String(contentsOfFile: body, encoding: .utf8)
            // 0: clean; 3: lint findings only (node_exporter's names have some). 1: unparsable.
            let lint = try await TestSupport.runAwaiting("/bin/sh", ["-c", "exec /usr/bin/promtool check metrics < \(body)"], timeoutSeconds: 60)
            #expect(lint.status == 0 || lint.status == 3, "promtool: \(lint.output.prefix(2000))")
            for family in ["node_cpu_seconds_total", "node_memory_MemTotal_bytes", "node_load1", "node_network_receive_bytes_total",
                           "node_filesystem_avail_bytes", "node_boot_time_seconds", "process_resident_memory_bytes"] {
                #expect(text.familyNames.contains(family), "\(family) missing")
            }
            #expect(!text.contains("node_slabinfo_"))

            // Each collector fares as it does as root, but for those needing root.
            let success = Self.collectorSuccess(in: text)
            #expect(success["slabinfo"] == 0)
            #expect(Set(success.keys) == Set(reference.keys))
            let differing = Set(success.keys.filter { success[$0] != reference[$0] })
            #expect(differing.isSubset(of: Self.needingRoot), "without root, these also fail: \(differing.subtracting(Self.needingRoot).sorted())")
            for collector in differing {
                #expect(!Self.logLines(exporter, about: collector).isEmpty, "no log line says why \(collector) failed")
            }
        }
        // The failure, said once per scrape, with the reason. The log is read as the
        // exporter writes it: wait for the last scrape's line.
        let failures = { Self.logLines(exporter, about: "slabinfo").filter { $0.contains("msg=\"collector failed\"") } }
        let logged = await TestSupport.waitFor(seconds: 10) { failures().count >= 5 ? failures() : nil } ?? failures()
        #expect(logged.count == 5 && logged.allSatisfy {
            $0.contains("level=ERROR") && $0.contains("/proc/slabinfo") && $0.lowercased().contains("permission denied")
        }, "\(logged)")
    }

    /// The exporter's log lines about one collector (`name=` or `collector=` it).
    private static func logLines(_ exporter: Exporter, about collector: String) -> [Substring] {
        exporter.process.log.split(separator: "\n").filter { line in
            line.split(separator: " ").contains { $0 == "name=\(collector)" || $0 == "collector=\(collector)" }
        }
    }

    /// `node_scrape_collector_success` of one scrape of the exporter run as root with the
    /// same collectors on the same host: what the unprivileged run is held to.
    private static func collectorSuccess(ofRootRunOn directory: URL) async throws -> [String: Double] {
        let exporter = try await Exporter(arguments, unprivileged: false)
        let body = directory.appendingPathComponent("as-root.txt").path
        let scrape = try await TestSupport.runAwaiting(
            "/usr/bin/curl", ["-sS", "-o", body, "http://127.0.0.1:\(exporter.port)/metrics"], timeoutSeconds: 60)
        try #require(scrape.status == 0, "scrape as root: \(scrape.output)")
        return collectorSuccess(in: try String(contentsOfFile: body, encoding: .utf8))
    }

    private static func collectorSuccess(in exposition: String) -> [String: Double] {
        var success: [String: Double] = [:]
        for line in exposition.split(separator: "\n") where line.hasPrefix("node_scrape_collector_success{collector=\"") {
            let name = line.dropFirst("node_scrape_collector_success{collector=\"".count).prefix { $0 != "\"" }
            success[String(name)] = line.split(separator: " ").last.flatMap { Double($0) }
        }
        return success
    }
}
