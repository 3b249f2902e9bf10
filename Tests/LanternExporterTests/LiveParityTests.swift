import Foundation
import LanternMetrics
import LanternTestSupport
import Testing

/// Debian's node_exporter (1.5.0, package prometheus-node-exporter) and lantern-exporter on
/// this host, with the same collectors: the ones enabled by default in 1.5.0 that Lantern
/// has. Every `node_*` family node_exporter exposes, Lantern exposes with the same series
/// (label names and values); stable values are equal; counters read by Lantern lie between
/// two node_exporter reads taken before and after it. Lantern may expose more (1.12.1
/// families and series that 1.5.0 lacks).
@Suite("live parity with Debian's node_exporter", .serialized)
struct LiveParityTests {
    static let nodeExporter = "/usr/bin/prometheus-node-exporter"

    /// node_* families of 1.5.0 that 1.12.1, and so Lantern, do not expose as they are.
    static let familiesNotInLantern: [String: String] = [
        "node_exporter_build_info": "Lantern is not node_exporter: it exposes lantern_exporter_build_info (docs/compatibility.md)",
    ].merging(["Balloon", "FileHugePages", "FilePmdMapped", "Hugetlb", "KReclaimable", "SecPageTables"].map {
        ("node_memory_\($0)_bytes",
         "1.5.0 exposed every /proc/meminfo key; 1.12.1 exposes only the fields of procfs's Meminfo struct, which lacks this one")
    }) { first, _ in first }

    /// Labels 1.12.1 added to 1.5.0's families; dropped from Lantern's series before comparing.
    static let labelsAddedSince150: [String: String] = [
        "rotational": "node_disk_info gained it after 1.5.0",
        "device_error": "node_filesystem_* gained it after 1.5.0 (the error of the mount, \"\" when none)",
        "adminstate": "node_network_info gained it after 1.5.0",
    ]

    /// Flags given to both exporters because their defaults differ: Debian patches 1.5.0's
    /// netdev exclude to `^lo$` and its mount-point exclude to add `run`, `mnt` and `media`,
    /// and 1.12.1 added zram to the diskstats exclude. `tmp` is excluded too: the hung-FUSE
    /// test of the same run mounts a file system there whose statfs blocks, and
    /// node_exporter 1.5.0 has no mount timeout.
    static let sharedFlags = [
        "--collector.netdev.device-exclude=^lo$",
        "--collector.filesystem.mount-points-exclude=^/(dev|proc|run|sys|mnt|media|tmp|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)",
        #"--collector.diskstats.device-exclude=^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$"#,
    ]

    /// Families whose values are the same on both reads and in both exporters.
    static let stableFamilies: Set<String> = [
        "node_boot_time_seconds", "node_memory_MemTotal_bytes", "node_memory_SwapTotal_bytes",
        "node_memory_HugePages_Total", "node_memory_Hugepagesize_bytes", "node_filesystem_size_bytes",
        "node_filesystem_files", "node_filesystem_readonly", "node_uname_info", "node_os_info",
    ]

    /// Series of one exposition: family -> series identity (sorted `name="value"` pairs) -> value.
    typealias Scrape = [String: (type: MetricType, series: [String: Double])]

    static func parse(_ text: String, dropping dropped: Set<String> = []) throws -> Scrape {
        var result: Scrape = [:]
        for family in try ExpositionParser.metricFamilies(in: Array(text.utf8), format: .prometheusText)
        where family.name.hasPrefix("node_") {
            var series: [String: Double] = [:]
            for metric in family.metrics {
                guard case .scalar(let value) = metric.value else { continue }
                let identity = metric.labels.filter { !dropped.contains($0.name) }.sorted { $0.name < $1.name }.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ",")
                series[identity] = value
            }
            result[family.name] = (family.type, series)
        }
        return result
    }

    /// Collectors a binary declares, with whether each is on by default, from its `--help`
    /// (kingpin wraps the help text, so it is read as one string).
    static func collectors(help: String) throws -> [String: Bool] {
        let pattern = try Regex(#"--(?:\[no-\])?collector\.([a-z_0-9]+)\s+Enable the [a-z_0-9]+ collector\s+\(default:\s+(enabled|disabled)\)"#)
        var result: [String: Bool] = [:]
        for match in help.matches(of: pattern) {
            if let name = match.output[1].substring, let state = match.output[2].substring {
                result[String(name)] = state == "enabled"
            }
        }
        return result
    }

    /// Distinct `cpu` label values of node_cpu_seconds_total.
    static func cpuCount(_ scrape: Scrape) -> Int {
        let identities = scrape["node_cpu_seconds_total"]?.series.keys.map { $0 } ?? []
        return Set(identities.compactMap { $0.split(separator: ",").first { $0.hasPrefix("cpu=") } }).count
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: nodeExporter), "needs prometheus-node-exporter (scripts/install-deps)"))
    func lanternMatchesDebianNodeExporter() throws {
        let theirs = try Self.collectors(help: TestSupport.run(Self.nodeExporter, ["--help"]).output)
        let ours = try Self.collectors(help: TestSupport.run(TestPaths.exporterBinary.path, ["--help"]).output)
        let compared = theirs.filter { $0.value && ours[$0.key] != nil }.keys.sorted()
        #expect(compared.count > 30, "1.5.0 defaults: \(theirs.filter(\.value).keys.sorted()), Lantern: \(ours.keys.sorted())")

        // Same collectors and the same (empty) textfile directory in both.
        let textfiles = try TestSupport.temporaryDirectory("live-parity")
        defer { try? FileManager.default.removeItem(at: textfiles) }
        let arguments = ["--collector.disable-defaults", "--collector.textfile.directory=\(textfiles.path)"]
            + compared.map { "--collector.\($0)" } + Self.sharedFlags

        let port = TestSupport.freePort()
        let nodeExporter = try RunningProcess(URL(fileURLWithPath: Self.nodeExporter),
                                              arguments + ["--web.listen-address=127.0.0.1:\(port)"])
        defer { nodeExporter.terminate() }
        #expect(nodeExporter.waitForLog(containing: "msg=\"Listening on\""), "\(nodeExporter.log)")
        let lantern = try Exporter(arguments)

        // Warm both up, then read node_exporter before and after Lantern.
        _ = try HTTPClient.get(port: port, "/metrics")
        _ = try lantern.get()
        let before = try Self.parse(HTTPClient.get(port: port, "/metrics").text)
        let during = try Self.parse(lantern.get().text, dropping: Set(Self.labelsAddedSince150.keys))
        let after = try Self.parse(HTTPClient.get(port: port, "/metrics").text)

        var seriesCompared = 0, stableCompared = 0, countersCompared = 0
        var allowed: [String] = []
        for name in Set(before.keys).union(after.keys).sorted() {
            if let reason = Self.familiesNotInLantern[name] {
                allowed.append("\(name): \(reason)")
                continue
            }
            guard let ourFamily = during[name] else {
                Issue.record("Lantern lacks \(name)")
                continue
            }
            let first = before[name]?.series ?? [:], last = after[name]?.series ?? [:]
            // Series present in both node_exporter reads must be in Lantern's; Lantern's
            // must be in one of them (a series may come or go between the reads).
            let steady = Set(first.keys).intersection(last.keys)
            let seen = Set(first.keys).union(last.keys)
            for identity in steady.subtracting(ourFamily.series.keys).sorted() {
                Issue.record("\(name){\(identity)} missing in Lantern")
            }
            for identity in Set(ourFamily.series.keys).subtracting(seen).sorted() {
                Issue.record("\(name){\(identity)} only in Lantern")
            }
            for identity in steady {
                guard let ours = ourFamily.series[identity], let low = first[identity], let high = last[identity] else { continue }
                seriesCompared += 1
                if Self.stableFamilies.contains(name) {
                    stableCompared += 1
                    #expect(ours == low && ours == high, "\(name){\(identity)}: node_exporter \(low), \(high); Lantern \(ours)")
                } else if before[name]?.type == .counter {
                    countersCompared += 1
                    let slack = max(abs(low), abs(high)) * 1e-12
                    #expect(min(low, high) - slack <= ours && ours <= max(low, high) + slack,
                            "\(name){\(identity)}: node_exporter \(low) then \(high); Lantern \(ours) in between")
                }
            }
        }
        #expect(Self.cpuCount(during) == Self.cpuCount(before) && Self.cpuCount(during) > 0, "CPU count")

        print("""
            live parity with node_exporter 1.5.0: \(compared.count) collectors (\(compared.joined(separator: " "))), \
            \(Set(before.keys).union(after.keys).count) node_* families, \(seriesCompared) series, \
            \(stableCompared) stable values equal, \(countersCompared) counters within drift; \
            Lantern adds \(Set(during.keys).subtracting(before.keys).subtracting(after.keys).count) families
            """)
        for line in allowed { print("live parity: allowed: \(line)") }
    }
}
