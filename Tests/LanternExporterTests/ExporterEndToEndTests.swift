import Foundation
import LanternTestSupport
import Testing

/// The real binary, on node_exporter's fixture tree, over real HTTP.
@Suite("lantern-exporter end to end", .serialized)
struct ExporterEndToEndTests {
    /// The collectors of the foundation, with the flags node_exporter's e2e test gives them.
    static let fixtureCollectorFlags = [
        "--collector.disable-defaults",
        "--collector.cpu", "--collector.meminfo", "--collector.loadavg", "--collector.stat", "--collector.time",
        "--collector.cpu.info",
        "--collector.cpu.info.bugs-include=^(cpu_meltdown|spectre_.*|mds)$",
        "--collector.cpu.info.flags-include=^(aes|avx.?|constant_tsc)$",
        "--collector.stat.softirq",
    ]

    @Test func fixtureFamiliesMatchNodeExporterByteForByte() throws {
        let exporter = try Exporter.onFixtures(Self.fixtureCollectorFlags)
        // The byte-for-byte comparison below is of a scrape after the exporter unmapped
        // the pages only start-up and its first scrape used (StartupPages): the code it
        // runs faults back in unchanged.
        #expect(exporter.process.waitForLog(containing: "msg=\"Released start-up pages\" after=start-up"))
        #expect(try exporter.get().status == 200)
        #expect(exporter.process.waitForLog(containing: "msg=\"Released start-up pages\" after=\"first scrape\""))
        let reply = try exporter.get()
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8; escaping=underscores")

        let expected = try String(contentsOf: TestPaths.nodeExporterFixtures.appendingPathComponent("e2e-output.txt"), encoding: .utf8)
        // node_exporter's e2e filter: these samples depend on the live host.
        let liveSamples = try Regex("^(node_scrape_collector_duration_seconds|node_time_(zone|seconds))")
        let ours = reply.text
        let compared = ours.familyNames.filter { $0.hasPrefix("node_") && $0 != "node_scrape_collector_success" }
        for name in ["node_cpu_seconds_total", "node_cpu_info", "node_memory_MemTotal_bytes", "node_load1",
                     "node_boot_time_seconds", "node_softirqs_total", "node_time_clocksource_current_info"] {
            #expect(compared.contains(name), "missing family \(name)")
        }
        for name in compared {
            let filter: (String) -> Bool = { !$0.hasPrefix("#") ? ($0.firstMatch(of: liveSamples) == nil) : true }
            #expect(ours.familyLines(name).filter(filter) == expected.familyLines(name).filter(filter), "family \(name) differs")
        }
        for collector in ["cpu", "loadavg", "meminfo", "stat", "time"] {
            #expect(ours.contains("node_scrape_collector_success{collector=\"\(collector)\"} 1\n"))
        }
        #expect(ours.familyNames == ours.familyNames.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    @Test func exporterSelfMetrics() throws {
        let exporter = try Exporter.onFixtures(["--collector.disable-defaults", "--collector.loadavg"])
        let text = try exporter.get().text
        for family in ["process_cpu_seconds_total", "process_resident_memory_bytes", "process_virtual_memory_bytes",
                       "process_virtual_memory_max_bytes", "process_open_fds", "process_max_fds",
                       "process_start_time_seconds", "lantern_exporter_build_info"] {
            #expect(text.familyNames.contains(family), "missing \(family)")
        }
        #expect(text.contains("promhttp_metric_handler_requests_in_flight 1\n"))
        #expect(text.contains("promhttp_metric_handler_requests_total{code=\"200\"} 0\n"))
        // The counter moves after the response, as in promhttp.
        #expect(try exporter.get().text.contains("promhttp_metric_handler_requests_total{code=\"200\"} 1\n"))

        let bare = try Exporter.onFixtures(["--collector.disable-defaults", "--collector.loadavg", "--web.disable-exporter-metrics"])
        let bareText = try bare.get().text
        #expect(!bareText.contains("process_"))
        #expect(!bareText.contains("promhttp_"))
        #expect(bareText.contains("lantern_exporter_build_info{"))
    }

    @Test func gzipWhenAcceptEncodingAllowsIt() throws {
        let exporter = try Exporter.onFixtures(["--collector.disable-defaults", "--collector.meminfo"])
        let plain = try exporter.get()
        #expect(plain.header("Content-Encoding") == nil)
        let compressed = try exporter.get(headers: [("Accept-Encoding", "gzip, deflate")])
        #expect(compressed.header("Content-Encoding") == "gzip")
        #expect(compressed.body.count < plain.body.count)
        let inflated = try gunzip(compressed.body)
        #expect(inflated.contains("node_memory_MemTotal_bytes 3.831959552e+09\n"))
        let refused = try exporter.get(headers: [("Accept-Encoding", "gzip;q=0, identity")])
        #expect(refused.header("Content-Encoding") == nil)
    }

    @Test func openMetricsWhenAcceptAsksForIt() throws {
        let exporter = try Exporter.onFixtures(["--collector.disable-defaults", "--collector.stat"])
        let reply = try exporter.get(headers: [("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")])
        #expect(reply.header("Content-Type") == "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores")
        #expect(reply.text.hasSuffix("# EOF\n"))
        #expect(reply.text.contains("# TYPE node_context_switches counter\n"))
        #expect(reply.text.contains("node_context_switches_total 3.8014093e+07\n"))
        let text = try exporter.get(headers: [("Accept", "text/plain;version=0.0.4")])
        #expect(text.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8; escaping=underscores")
    }

    @Test func collectAndExcludeFilters() throws {
        let exporter = try Exporter.onFixtures(["--collector.disable-defaults", "--collector.loadavg", "--collector.stat", "--collector.meminfo"])
        let only = try exporter.get("/metrics?collect[]=loadavg&collect%5B%5D=stat")
        #expect(only.status == 200)
        #expect(only.text.contains("node_scrape_collector_success{collector=\"loadavg\"} 1"))
        #expect(only.text.contains("node_scrape_collector_success{collector=\"stat\"} 1"))
        #expect(!only.text.contains("collector=\"meminfo\""))
        #expect(!only.text.contains("node_memory_"))

        let excluded = try exporter.get("/metrics?exclude[]=meminfo")
        #expect(excluded.text.contains("collector=\"loadavg\""))
        #expect(!excluded.text.contains("node_memory_"))

        let unknown = try exporter.get("/metrics?collect[]=nosuch")
        #expect(unknown.status == 400)
        #expect(unknown.text == "Couldn't create filtered metrics handler: couldn't create collector: missing collector: nosuch\n")

        let disabled = try exporter.get("/metrics?collect[]=cpu")
        #expect(disabled.status == 400)
        #expect(disabled.text == "Couldn't create filtered metrics handler: couldn't create collector: disabled collector: cpu\n")

        let combined = try exporter.get("/metrics?collect[]=stat&exclude[]=loadavg")
        #expect(combined.status == 400)
        #expect(combined.text == "Combined collect and exclude queries are not allowed.\n")
    }

    /// A procfs whose `loadavg` is a FIFO nobody writes: reading it blocks forever,
    /// like a file on a hung mount.
    private func procfsWithHungLoadavg() throws -> URL {
        let directory = try TestSupport.temporaryDirectory("hung-proc")
        let fixtures = TestPaths.nodeExporterFixtures.appendingPathComponent("proc")
        for file in ["stat", "meminfo"] {
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent(file), to: directory.appendingPathComponent(file))
        }
        #expect(mkfifo(directory.appendingPathComponent("loadavg").path, 0o600) == 0)
        return directory
    }

    @Test func hungCollectorTimesOutAndTheScrapeStillAnswers() throws {
        let proc = try procfsWithHungLoadavg()
        defer { try? FileManager.default.removeItem(at: proc) }
        let exporter = try Exporter([
            "--path.procfs=\(proc.path)", "--collector.disable-defaults",
            "--collector.loadavg", "--collector.stat", "--collector.meminfo", "--collector.timeout=1s",
        ])
        let first = try exporter.get()
        #expect(first.status == 200)
        #expect(first.text.contains("node_scrape_collector_success{collector=\"loadavg\"} 0\n"))
        #expect(first.text.contains("node_scrape_collector_success{collector=\"stat\"} 1\n"))
        #expect(first.text.contains("node_scrape_collector_success{collector=\"meminfo\"} 1\n"))
        #expect(first.text.contains("node_procs_running 2\n"))
        #expect(exporter.process.waitForLog(containing: "msg=\"collector timed out\"", seconds: 10))
        // The hung read still holds its thread; the next scrape skips the collector at once.
        let second = try exporter.get()
        #expect(second.text.contains("node_scrape_collector_success{collector=\"loadavg\"} 0\n"))
        #expect(exporter.process.waitForLog(containing: "has not returned", seconds: 10))
    }

    /// A scraper announcing a short timeout (scrape_timeout 0.5 s) still gets its collectors
    /// run: only part of the timeout is kept back for encoding and sending.
    @Test func shortAnnouncedScrapeTimeoutLeavesTheCollectorsTime() throws {
        let exporter = try Exporter.onFixtures(Self.fixtureCollectorFlags)
        let reply = try exporter.get(headers: [("X-Prometheus-Scrape-Timeout-Seconds", "0.5")])
        #expect(reply.status == 200)
        for collector in ["cpu", "meminfo", "loadavg", "stat", "time"] {
            #expect(reply.text.contains("node_scrape_collector_success{collector=\"\(collector)\"} 1\n"), "\(collector)")
        }
    }

    @Test func maxRequestsAnswers503WhileTheLimitIsReached() throws {
        let proc = try procfsWithHungLoadavg()
        defer { try? FileManager.default.removeItem(at: proc) }
        let exporter = try Exporter([
            "--path.procfs=\(proc.path)", "--collector.disable-defaults", "--collector.loadavg",
            "--collector.timeout=4s", "--web.max-requests=1",
        ])
        // The first scrape waits on the hung collector for its whole timeout...
        let slow = Thread.detachNewThreadAwaitable { try? exporter.get() }
        Thread.sleep(forTimeInterval: 1)
        // ...so concurrent ones are over the limit.
        let rejected = try (0..<5).map { _ in try exporter.get() }
        #expect(rejected.allSatisfy { $0.status == 503 })
        #expect(rejected.first?.text == "Limit of concurrent requests reached (1), try again later.\n")
        let first = slow.wait()
        #expect(first??.status == 200)
        let after = try exporter.get()
        #expect(after.text.contains("promhttp_metric_handler_requests_total{code=\"503\"} 5\n"))
    }

    @Test func landingPageAndNotFound() throws {
        let exporter = try Exporter.onFixtures(["--collector.disable-defaults", "--collector.loadavg"])
        let landing = try exporter.get("/")
        #expect(landing.status == 200)
        #expect(landing.header("Content-Type") == "text/html; charset=UTF-8")
        #expect(landing.text.contains("<a href=\"/metrics\">Metrics</a>"))
        let missing = try exporter.get("/nope")
        #expect(missing.status == 404)
        #expect(missing.text == "404 page not found\n")
    }

    @Test func customTelemetryPath() throws {
        let exporter = try Exporter.onFixtures(["--collector.disable-defaults", "--collector.loadavg", "--web.telemetry-path=/node"])
        #expect(try exporter.get("/node").text.contains("node_load1 0.21\n"))
        #expect(try exporter.get("/metrics").status == 404)
    }

    @Test func sigtermShutsDownCleanly() throws {
        let exporter = try Exporter.onFixtures(["--collector.disable-defaults", "--collector.loadavg"])
        kill(exporter.process.process.processIdentifier, SIGTERM)
        #expect(exporter.process.waitForExit(seconds: 10) == 0)
    }

    /// A SIGTERM sent while the exporter starts is neither fatal nor lost: the exporter
    /// finishes starting and shuts down cleanly. It is held mid-start by its web config,
    /// a FIFO that the test writes only after sending the signal.
    @Test func sigtermDuringStartUpShutsDownCleanly() async throws {
        let directory = try TestSupport.temporaryDirectory("exporter-sigterm-start-up")
        defer { try? FileManager.default.removeItem(at: directory) }
        let webConfig = directory.appendingPathComponent("web-config.yml").path
        try #require(mkfifo(webConfig, 0o600) == 0)
        let process = try RunningProcess(TestPaths.exporterBinary, [
            "--path.procfs=\(TestPaths.nodeExporterFixtures.path)/proc", "--collector.disable-defaults", "--collector.loadavg",
            "--web.listen-address=127.0.0.1:0", "--web.config.file=\(webConfig)",
        ])
        let exitedCleanly = await process.signalMidStart(SIGTERM, after: "Starting lantern-exporter", holdingFIFO: webConfig)
        #expect(exitedCleanly, "\(process.log)")
        #expect(process.log.contains("msg=\"Listening on\""), "\(process.log)")
        #expect(process.log.contains("msg=\"Received signal, shutting down\" signal=terminated"), "\(process.log)")
    }
}

/// Flag handling of the real binary.
@Suite("lantern-exporter flags")
struct ExporterFlagTests {
    private func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try TestSupport.run(TestPaths.exporterBinary.path, arguments)
    }

    @Test func unknownFlagExitsWithOneClearLine() throws {
        let result = try run(["--no-such-flag"])
        #expect(result.status == 1)
        #expect(result.output == "lantern-exporter: error: unknown long flag '--no-such-flag', try --help\n")
    }

    @Test func badValueNamesTheFlag() throws {
        let result = try run(["--web.max-requests=lots"])
        #expect(result.status == 1)
        #expect(result.output.contains("web.max-requests"))
        #expect(result.output.split(separator: "\n").count == 1)
        let format = try run(["--log.format=xml"])
        #expect(format.status == 1)
        #expect(format.output.contains("log.format"))
    }

    @Test func bindFailureIsOneClearError() throws {
        let holder = try Exporter.onFixtures(["--collector.disable-defaults", "--collector.loadavg"])
        let result = try run(["--web.listen-address=127.0.0.1:\(holder.port)", "--collector.disable-defaults"])
        #expect(result.status == 1)
        #expect(result.output.contains("127.0.0.1:\(holder.port)"))
        #expect(result.output.contains("level=ERROR"))
    }

    @Test func helpListsEveryFlagWithItsDefault() throws {
        let result = try run(["--help"])
        #expect(result.status == 0)
        for flag in ["--web.listen-address", "--web.telemetry-path", "--web.max-requests", "--[no-]web.disable-exporter-metrics",
                     "--[no-]collector.disable-defaults", "--path.procfs", "--path.sysfs", "--path.rootfs", "--path.udev.data",
                     "--log.level", "--log.format", "--collector.timeout", "--[no-]collector.cpu", "--[no-]collector.loadavg"] {
            #expect(result.output.contains(flag), "help lacks \(flag)")
        }
        #expect(result.output.contains("--web.listen-address=:9100 ..."))
        #expect(result.output.contains("\"/proc\""))
    }

    @Test func versionPrintsAndExits() throws {
        let result = try run(["--version"])
        #expect(result.status == 0)
        #expect(result.output.hasPrefix("lantern-exporter, version "))
    }
}

extension Thread {
    /// Runs `body` on a new thread; `wait()` returns its result.
    static func detachNewThreadAwaitable<T>(_ body: @escaping @Sendable () -> T) -> ThreadResult<T> {
        let result = ThreadResult<T>()
        Thread.detachNewThread { result.set(body()) }
        return result
    }
}

final class ThreadResult<T>: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: T?

    func set(_ newValue: T) {
        condition.lock()
        value = newValue
        condition.broadcast()
        condition.unlock()
    }

    func wait() -> T? {
        condition.lock()
        defer { condition.unlock() }
        while value == nil { condition.wait() }
        return value
    }
}

/// Inflates a gzip body with Debian's gzip.
func gunzip(_ data: Data) throws -> String {
    let result = try TestSupport.run("/bin/gzip", ["-dc"], input: data)
    return result.output
}
