import Foundation
import LanternTestSupport
import Testing

/// lantern-server and Debian's Prometheus 2.42 scrape the same lantern-exporter with the
/// same configuration for about a minute and a half (a textfile changes half-way: a value
/// steps, a series goes away, one appears). Then every series and every raw sample is
/// compared, and promtool reads Lantern's data directory (blocks cut every 10 s).
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus")))
struct SideBySideTests {
    /// Samples of one series, oldest first.
    typealias Samples = [(timestamp: Int64, value: Double)]

    static let textfileBefore = """
        # HELP lantern_e2e_requests_total Requests by code.
        # TYPE lantern_e2e_requests_total counter
        lantern_e2e_requests_total{code="200",path="/a b"} 1027
        lantern_e2e_requests_total{code="500",path="/a b"} 3
        # HELP lantern_e2e_temperature_celsius A gauge.
        # TYPE lantern_e2e_temperature_celsius gauge
        lantern_e2e_temperature_celsius{sensor="x"} -12.5
        # HELP lantern_e2e_latency_seconds A histogram.
        # TYPE lantern_e2e_latency_seconds histogram
        lantern_e2e_latency_seconds_bucket{le="0.1"} 4
        lantern_e2e_latency_seconds_bucket{le="1"} 9
        lantern_e2e_latency_seconds_bucket{le="+Inf"} 10
        lantern_e2e_latency_seconds_sum 4.75
        lantern_e2e_latency_seconds_count 10
        # HELP lantern_e2e_going_away A series removed half-way.
        # TYPE lantern_e2e_going_away gauge
        lantern_e2e_going_away 1e+21

        """

    static let textfileAfter = """
        # HELP lantern_e2e_requests_total Requests by code.
        # TYPE lantern_e2e_requests_total counter
        lantern_e2e_requests_total{code="200",path="/a b"} 2054
        lantern_e2e_requests_total{code="500",path="/a b"} 3
        # HELP lantern_e2e_temperature_celsius A gauge.
        # TYPE lantern_e2e_temperature_celsius gauge
        lantern_e2e_temperature_celsius{sensor="x"} 0.000125
        # HELP lantern_e2e_latency_seconds A histogram.
        # TYPE lantern_e2e_latency_seconds histogram
        lantern_e2e_latency_seconds_bucket{le="0.1"} 5
        lantern_e2e_latency_seconds_bucket{le="1"} 11
        lantern_e2e_latency_seconds_bucket{le="+Inf"} 12
        lantern_e2e_latency_seconds_sum 6.5
        lantern_e2e_latency_seconds_count 12
        # HELP lantern_e2e_arriving A series that appears half-way.
        # TYPE lantern_e2e_arriving gauge
        lantern_e2e_arriving 42

        """

    @Test func sameSeriesAndSamplesAsPrometheusAndPromtoolReadsTheData() async throws {
        let directory = try TestSupport.temporaryDirectory("side-by-side")
        defer { try? FileManager.default.removeItem(at: directory) }
        let textfiles = directory.appendingPathComponent("textfile")
        try FileManager.default.createDirectory(at: textfiles, withIntermediateDirectories: true)
        // The discovery directory exists from the start: Prometheus watches it (inotify) then.
        let discovery = directory.appendingPathComponent("sd")
        try FileManager.default.createDirectory(at: discovery, withIntermediateDirectories: true)
        let textfile = textfiles.appendingPathComponent("e2e.prom")
        try Self.textfileBefore.write(to: textfile, atomically: true, encoding: .utf8)

        // Collectors whose series set is fixed (no network interfaces or mounts that other
        // tests create and remove meanwhile) and whose values change slowly or monotonically.
        let exporterPort = TestSupport.freePort()
        let exporter = try TestSupport.start(TestSupport.exporter, [
            "--web.listen-address=127.0.0.1:\(exporterPort)", "--collector.disable-defaults", "--web.disable-exporter-metrics",
            "--collector.cpu", "--collector.loadavg", "--collector.time", "--collector.uname", "--collector.textfile",
            "--collector.textfile.directory=\(textfiles.path)",
        ], log: directory.appendingPathComponent("exporter.log"))
        defer { TestSupport.stop(exporter) }

        let config = directory.appendingPathComponent("prometheus.yml")
        try """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: node
                static_configs: [{targets: ['127.0.0.1:\(exporterPort)'], labels: {side: by-side}}]
                metric_relabel_configs:
                  - source_labels: [__name__]
                    regex: node_cpu_guest_seconds_total
                    action: drop
              - job_name: discovered
                file_sd_configs: [{files: ['\(directory.path)/sd/*.json']}]
                relabel_configs:
                  - {source_labels: [env], regex: e2e, action: keep}
                  - {source_labels: [__address__], target_label: address_copy}

            """.write(to: config, atomically: true, encoding: .utf8)
        let data = directory.appendingPathComponent("lantern-data").path
        let serverPort = TestSupport.freePort()
        // Before Lantern's first scrape: the raw samples compared with promtool's dump reach
        // back to here (Prometheus may take a while longer to come up under load).
        let launched = Int64(Date().timeIntervalSince1970 * 1000)
        let server = try TestSupport.start(TestSupport.server, [
            "--config.file=\(config.path)", "--storage.tsdb.path=\(data)", "--web.listen-address=127.0.0.1:\(serverPort)",
            "--storage.tsdb.min-block-duration=10s", "--storage.tsdb.max-block-duration=30s",
        ], log: directory.appendingPathComponent("server.log"))
        defer { TestSupport.stop(server) }
        let prometheusPort = TestSupport.freePort()
        let prometheus = try TestSupport.start("/usr/bin/prometheus", [
            "--config.file=\(config.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("prometheus-data").path)",
            "--web.listen-address=127.0.0.1:\(prometheusPort)",
        ], log: directory.appendingPathComponent("prometheus.log"))
        defer { TestSupport.stop(prometheus) }

        for port in [serverPort, prometheusPort] {
            let up = await TestSupport.waitFor(seconds: 30) { TestSupport.vector(port: port, "up == 1")?.isEmpty == false ? true : nil }
            try #require(up == true, "port \(port) never scraped the exporter")
        }
        let start = Int64(Date().timeIntervalSince1970 * 1000)
        try await Task.sleep(for: .seconds(40))
        try Self.textfileAfter.write(to: textfile, atomically: true, encoding: .utf8)
        // A discovery file appears: both start scraping the exporter under the second job.
        try #"[{"targets": ["127.0.0.1:\#(exporterPort)"], "labels": {"env": "e2e"}}, {"targets": ["127.0.0.1:1"], "labels": {"env": "other"}}]"#
            .write(to: discovery.appendingPathComponent("targets.json"), atomically: true, encoding: .utf8)
        try await Task.sleep(for: .seconds(40))
        let end = Int64(Date().timeIntervalSince1970 * 1000)

        // Every series, both ways.
        let seriesPath = "/api/v1/series?match[]=%7B__name__%3D~%22.%2B%22%7D&start=\(Double(start) / 1000)&end=\(Double(end) / 1000)"
        let ourSeries = try #require(Self.labelSets(TestSupport.json(port: serverPort, seriesPath)))
        let theirSeries = try #require(Self.labelSets(TestSupport.json(port: prometheusPort, seriesPath)))
        #expect(ourSeries.count > 30)
        #expect(ourSeries.subtracting(theirSeries).isEmpty, "only Lantern has \(ourSeries.subtracting(theirSeries))")
        #expect(theirSeries.subtracting(ourSeries).isEmpty, "only Prometheus has \(theirSeries.subtracting(ourSeries))")

        // Every raw sample of the window, both ways, paired by scrape round.
        let window = (end - start) / 1000
        let ours = try #require(Self.rawSamples(port: serverPort, seconds: window, at: end))
        let theirs = try #require(Self.rawSamples(port: prometheusPort, seconds: window, at: end))
        #expect(Set(ours.keys) == Set(theirs.keys))
        let ourIncomplete = Self.incompleteRounds(ours), theirIncomplete = Self.incompleteRounds(theirs)
        var compared = 0
        for (labels, ourSamples) in ours {
            guard let theirSamples = theirs[labels] else { continue }
            let ourSkipped = Self.skipped(labels, ourIncomplete), theirSkipped = Self.skipped(labels, theirIncomplete)
            // Over the span both have the series (discovery may notice the file a few seconds apart).
            let common = max(ourSamples.first?.timestamp ?? 0, theirSamples.first?.timestamp ?? 0)...min(ourSamples.last?.timestamp ?? 0, theirSamples.last?.timestamp ?? 0)
            // Rounds: those with a sample, and incomplete ones (where a collector's series may lack one).
            let ourRounds = Set(ourSamples.map(\.timestamp)).union(ourIncomplete[Self.job(of: labels)] ?? []).filter(common.contains)
            let theirRounds = Set(theirSamples.map(\.timestamp)).union(theirIncomplete[Self.job(of: labels)] ?? []).filter(common.contains)
            #expect(abs(ourRounds.count - theirRounds.count) <= 1, "\(labels): \(ourRounds.count) vs \(theirRounds.count) rounds; gaps: Lantern \(Self.gaps(ourSamples, in: common)), Prometheus \(Self.gaps(theirSamples, in: common))")
            compared += Self.compareRounds(labels, ourSamples.filter { !ourSkipped($0.timestamp) }, theirSamples, theirIncomplete[Self.job(of: labels)] ?? [], theirSkipped)
        }
        #expect(compared > 30 * Int(window) / 2, "only \(compared) samples compared")
        // The textfile's step is in both at the same rounds, exactly.
        let stepped = "{__name__=\"lantern_e2e_requests_total\",code=\"200\",instance=\"127.0.0.1:\(exporterPort)\",job=\"node\",path=\"/a b\",side=\"by-side\"}"
        #expect(Set(ours[stepped]?.map(\.value) ?? []) == [1027, 2054])
        let gone = ours.keys.first { $0.contains("lantern_e2e_going_away") }
        let arrived = ours.keys.first { $0.contains("lantern_e2e_arriving") }
        #expect(gone != nil && arrived != nil)
        #expect(ours.keys.contains { $0.contains("job=\"discovered\"") && $0.contains("address_copy=\"127.0.0.1:\(exporterPort)\"") })

        // The rest of the read API: the same JSON shapes (keys and value types).
        for path in [
            "/api/v1/status/buildinfo", "/api/v1/status/runtimeinfo", "/api/v1/status/tsdb", "/api/v1/status/config", "/api/v1/targets",
            "/api/v1/targets?state=dropped", "/api/v1/metadata?metric=lantern_e2e_requests_total", "/api/v1/labels", "/api/v1/label/job/values",
            "/api/v1/query?query=up", "/api/v1/query_range?query=up&start=\(start / 1000)&end=\(end / 1000)&step=5",
        ] {
            let ourShape = TestSupport.json(port: serverPort, path).map(TestSupport.shape)
            let theirShape = TestSupport.json(port: prometheusPort, path).map(TestSupport.shape)
            #expect(ourShape != nil && ourShape == theirShape, "\(path)")
        }
        let buildInfo = TestSupport.json(port: serverPort, "/api/v1/status/buildinfo")?["data"] as? [String: Any]
        #expect(buildInfo?["features"] == nil)
        #expect(ours[gone ?? ""]?.last.map { $0.timestamp < ours[arrived ?? ""]?.first?.timestamp ?? 0 } == true, "going_away was not ended")

        // promtool on Lantern's directory: blocks listed, analyzed, and dumped as the API serves them.
        let dumpEnd = try #require(Self.committedTime(port: serverPort))
        let everything = try #require(Self.rawSamples(port: serverPort, seconds: (dumpEnd - launched) / 1000 + 60, at: dumpEnd))
        TestSupport.stop(server)
        let list = try await TestSupport.runAwaiting("/usr/bin/promtool", ["tsdb", "list", data], timeoutSeconds: 120)
        #expect(list.status == 0, "\(list.output)")
        #expect(list.output.split(separator: "\n").count >= 3, "promtool tsdb list shows fewer than 2 blocks:\n\(list.output)")
        let analyze = try await TestSupport.runAwaiting("/usr/bin/promtool", ["tsdb", "analyze", data], timeoutSeconds: 120)
        #expect(analyze.status == 0, "\(analyze.output)")
        #expect(analyze.output.contains("Label pairs most involved in churning"), "\(analyze.output)")
        let dump = try await TestSupport.runAwaiting("/usr/bin/promtool", ["tsdb", "dump", "--max-time=\(dumpEnd)", data], timeoutSeconds: 120)
        #expect(dump.status == 0, "\(dump.output.suffix(2000))")
        let dumped = Self.parseDump(dump.output)
        #expect(Set(dumped.keys) == Set(everything.keys), "series differ: \(Set(dumped.keys).symmetricDifference(Set(everything.keys)))")
        for (labels, samples) in everything {
            let fromDump = dumped[labels] ?? []
            #expect(fromDump.map(\.timestamp) == samples.map(\.timestamp), "\(labels): timestamps differ")
            #expect(fromDump.map(\.value) == samples.map(\.value), "\(labels): values differ")
        }
    }

    /// Pairs each of Lantern's samples with Prometheus' rounds: it must have one less than
    /// 1.5 rounds away (its `incomplete` rounds count; a second may be missing, as its Go
    /// ticker drops a tick after a stall longer than a round), and the sample's value must
    /// lie within the values of those less than 2.5 rounds away (exactly theirs for a series
    /// that did not change), which holds for constant, stepping and monotonic series: a
    /// round's values are read up to a round after its timestamp (a late or a catch-up
    /// round, ScrapeSchedule.nextScrape), by either scraper. Their `skipped` samples are not
    /// compared with. Durations measured by each scraper differ by nature and are only
    /// paired, not compared. Returns the pairs checked.
    static func compareRounds(_ labels: String, _ ours: Samples, _ theirs: Samples, _ incomplete: Set<Int64>, _ skipped: (Int64) -> Bool) -> Int {
        let measured = labels.contains("duration_seconds")
        guard let theirFirst = theirs.first?.timestamp, let theirLast = theirs.last?.timestamp else { return 0 }
        var compared = 0
        for sample in ours where sample.timestamp - 2500 > theirFirst && sample.timestamp + 2500 < theirLast {
            let near = theirs.filter { abs($0.timestamp - sample.timestamp) < 1500 }
            let rounds = Set(near.map(\.timestamp)).union(incomplete.filter { abs($0 - sample.timestamp) < 1500 })
            #expect(!rounds.isEmpty, "\(labels): Prometheus has no round near \(sample.timestamp)")
            let nearby = theirs.filter { abs($0.timestamp - sample.timestamp) < 2500 && !skipped($0.timestamp) }.map(\.value)
            guard let low = nearby.min(), let high = nearby.max() else { continue }
            if !measured {
                #expect(sample.value >= low && sample.value <= high, "\(labels) at \(sample.timestamp): \(sample.value) outside [\(low), \(high)]")
            }
            compared += 1
        }
        return compared
    }

    /// By job, the rounds (timestamps) in which a scraper got some collector's samples
    /// not, or nothing: the exporter's deadline for a request (the scraper's 1 s timeout
    /// less a tenth, docs/compatibility.md) passed on a loaded machine and it answered
    /// `node_scrape_collector_success 0` for the collectors still running, or the scrape
    /// failed (`up` 0). Each scraper's requests meet that alone, at its own rounds.
    static func incompleteRounds(_ samples: [String: Samples]) -> [String: Set<Int64>] {
        var rounds: [String: Set<Int64>] = [:]
        for (labels, series) in samples
        where labels.hasPrefix("{__name__=\"node_scrape_collector_success\",") || labels.hasPrefix("{__name__=\"up\",") {
            for sample in series where sample.value == 0 { rounds[job(of: labels), default: []].insert(sample.timestamp) }
        }
        return rounds
    }

    /// Which samples of a series an incomplete round makes incomparable: its own (values of
    /// the collectors that did answer stay comparable, but which did is not known here), and
    /// for `scrape_series_added`, the next round's too, which counts the series that came back.
    static func skipped(_ labels: String, _ incomplete: [String: Set<Int64>]) -> (Int64) -> Bool {
        let rounds = incomplete[job(of: labels)] ?? []
        guard labels.hasPrefix("{__name__=\"scrape_series_added\",") else { return { rounds.contains($0) } }
        return { time in rounds.contains { time >= $0 && time - $0 < 1500 } }
    }

    /// The `job` label of a canonical label-set string.
    static func job(of labels: String) -> String {
        guard let start = labels.range(of: ",job=\"") else { return "" }
        return String(labels[start.upperBound...].prefix { $0 != "\"" })
    }

    /// Pairs of consecutive sample timestamps within `window` more than 1.5 rounds apart.
    static func gaps(_ samples: Samples, in window: ClosedRange<Int64>) -> [(Int64, Int64)] {
        let inside = samples.map(\.timestamp).filter(window.contains)
        return zip(inside, inside.dropFirst()).filter { $1 - $0 > 1500 }
    }

    /// `/api/v1/series` data as canonical label-set strings.
    static func labelSets(_ reply: [String: Any]?) -> Set<String>? {
        guard let data = reply?["data"] as? [[String: String]] else { return nil }
        return Set(data.map(canonical))
    }

    /// `{a="1",b="2"}`, names sorted, values Go-quoted: the key both the API and promtool's dump map to.
    static func canonical(_ labels: [String: String]) -> String {
        "{" + labels.keys.sorted().map { "\($0)=\(goQuote(labels[$0]!))" }.joined(separator: ",") + "}"
    }

    static func goQuote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    /// The time (ms) up to which every scrape loop of the server on `port` has committed
    /// its rounds: the oldest of the newest `up` samples. Each loop commits a round (to the
    /// WAL, then the head) before it starts the next, but a round in flight at a time taken
    /// from the clock commits after it, seconds later on a loaded machine: it would be in
    /// the data directory and not in what the server answered before.
    static func committedTime(port: Int) -> Int64? {
        let value = (TestSupport.vector(port: port, "min(timestamp(up))")?.first?["value"] as? [Any])?.last as? String
        return value.flatMap(Double.init).map { Int64(($0 * 1000).rounded()) }
    }

    /// Every raw sample of every series in the `seconds` before `time` (milliseconds).
    static func rawSamples(port: Int, seconds: Int64, at time: Int64) -> [String: Samples]? {
        let query = "{__name__=~\".+\"}[\(seconds)s]".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        guard let reply = TestSupport.json(port: port, "/api/v1/query?query=\(query)&time=\(Double(time) / 1000)"),
              let result = (reply["data"] as? [String: Any])?["result"] as? [[String: Any]] else { return nil }
        var samples: [String: Samples] = [:]
        for series in result {
            guard let metric = series["metric"] as? [String: String], let values = series["values"] as? [[Any]] else { return nil }
            samples[canonical(metric)] = values.compactMap { pair in
                guard let seconds = pair.first as? NSNumber, let text = pair.last as? String, let value = Double(text) else { return nil }
                return (Int64((seconds.doubleValue * 1000).rounded()), value)
            }
        }
        return samples
    }

    /// promtool's `{a="1", b="2"} value timestamp` lines, stale markers (NaN) left out as the API leaves them out.
    static func parseDump(_ output: String) -> [String: Samples] {
        var dumped: [String: Samples] = [:]
        for line in output.split(separator: "\n") {
            guard let close = line.lastIndex(of: "}") else { continue }
            let fields = line[line.index(after: close)...].split(separator: " ")
            guard fields.count == 2, let value = Double(fields[0]), !value.isNaN, let timestamp = Int64(fields[1]) else { continue }
            let key = String(line[...close]).replacingOccurrences(of: "\", ", with: "\",")
            dumped[key, default: []].append((timestamp, value))
        }
        return dumped.mapValues { $0.sorted { $0.timestamp < $1.timestamp } }
    }
}
