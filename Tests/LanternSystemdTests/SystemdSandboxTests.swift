import Foundation
@testable import LanternCollectors
import LanternMetrics
import LanternSystemd
import Testing

/// Units in every state the collector reports, installed into a real systemd.
enum TestUnits {
    static let all: [String: String] = [
        "lantern-active.service": """
            [Service]
            ExecStart=/bin/sleep infinity
            """,
        "lantern-failed.service": """
            [Service]
            Type=oneshot
            ExecStart=/bin/false
            """,
        // Exits twice, then stays up: Restart=always restarts it, and NRestarts ends at 2.
        "lantern-restarting.service": """
            [Unit]
            StartLimitIntervalSec=0
            [Service]
            Restart=always
            RestartSec=100ms
            ExecStart=/bin/sh -c 'n=$(cat /run/lantern-restarts 2>/dev/null || echo 0); echo $((n+1)) > /run/lantern-restarts; [ "$n" -ge 2 ] && exec sleep infinity; exit 1'
            """,
        "lantern-tick.timer": """
            [Timer]
            OnActiveSec=1s
            AccuracySec=1ms
            """,
        "lantern-tick.service": """
            [Service]
            Type=oneshot
            ExecStart=/bin/true
            """,
        "lantern-echo.socket": """
            [Socket]
            ListenStream=/run/lantern-echo.sock
            Accept=yes
            """,
        "lantern-echo@.service": """
            [Service]
            ExecStart=/bin/sleep infinity
            StandardInput=socket
            """,
        // Connects to the socket and keeps the connection open.
        "lantern-client.service": """
            [Unit]
            After=lantern-echo.socket
            [Service]
            ExecStart=/usr/bin/python3 -c 'import socket, time; s = socket.socket(socket.AF_UNIX); s.connect("/run/lantern-echo.sock"); time.sleep(3600)'
            """,
        // An empty unit file is a masked unit.
        "lantern-masked.service": "",
    ]

    /// Boots a sandbox with `all` and waits until the timer fired, the restarts are
    /// over and the connection is made.
    static func bootSandbox() throws -> SystemdSandbox {
        let sandbox = try SystemdSandbox(units: all)
        try sandbox.wait("the timer to fire") {
            try !(sandbox.show("lantern-tick.timer", ["LastTriggerUSec"])["LastTriggerUSec"] ?? "").isEmpty
        }
        try sandbox.wait("the restarting service to settle") {
            let show = try sandbox.show("lantern-restarting.service", ["NRestarts", "ActiveState"])
            return show["NRestarts"] == "2" && show["ActiveState"] == "active"
        }
        try sandbox.wait("a connection to the socket") {
            try sandbox.show("lantern-echo.socket", ["NConnections"])["NConnections"] == "1"
        }
        return sandbox
    }
}

/// The systemd collector against a real systemd, checked against `systemctl show` and
/// against Debian's node_exporter reading the same systemd.
@Suite(.serialized, .enabled(if: SystemdSandbox.unavailableReason == nil, "\(SystemdSandbox.unavailableReason ?? "")"))
struct SystemdSandboxTests {
    static let allMetricFlags: SystemdCollector.Options = {
        var options = SystemdCollector.Options()
        options.taskMetrics = true
        options.restartMetrics = true
        options.startTimeMetrics = true
        return options
    }()

    static func scrape(_ address: String, _ options: SystemdCollector.Options = allMetricFlags) throws -> [Series: Double] {
        var options = options
        options.endpoint = .bus(address: address)
        let collector = try SystemdCollector(options: options, logger: testLogger)
        let sink = MetricSink()
        try collector.collect(into: sink)
        #expect(sink.problems.isEmpty, "\(sink.problems)")
        return series(of: sink)
    }

    static func value(_ scraped: [Series: Double], _ name: String, _ labels: String) -> Double? {
        scraped[Series(name: name, labels: labels)]
    }

    @Test func everyMetricMatchesSystemctlShow() throws {
        let sandbox = try TestUnits.bootSandbox()
        let scraped = try Self.scrape(try sandbox.busAddress)

        // Manager: version, system state, virtualization.
        let manager = try sandbox.show(nil, ["Version", "SystemState", "Virtualization"])
        let version = try #require(manager["Version"])
        let versionValue = try #require(Double(version.prefix { $0.isNumber || $0 == "." }))
        #expect(Self.value(scraped, "node_systemd_version", "version=\"\(version)\"") == versionValue)
        #expect(Self.value(scraped, "node_systemd_system_running", "") == (manager["SystemState"] == "running" ? 1 : 0))
        let virtualization = manager["Virtualization"].flatMap { $0.isEmpty ? nil : $0 } ?? "none"
        #expect(Self.value(scraped, "node_systemd_virtualization_info", "virtualization_type=\"\(virtualization)\"") == 1)

        // Summary over every unit systemd holds, loaded or not.
        let listing = try sandbox.exec("systemctl", "list-units", "--all", "--plain", "--no-legend", "--no-pager").output
        var counts: [String: Double] = ["active": 0, "activating": 0, "deactivating": 0, "inactive": 0, "failed": 0]
        for line in listing.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count > 2 { counts[String(fields[2]), default: 0] += 1 }
        }
        for (state, count) in counts {
            #expect(Self.value(scraped, "node_systemd_units", "state=\"\(state)\"") == count, "units{state=\(state)}")
        }

        // Every unit exposed: its state series, type label and per-type values.
        let names = Set(scraped.keys.filter { $0.name == "node_systemd_unit_state" }.compactMap { series -> String? in
            series.labels.split(separator: ",").first.map { String($0.dropFirst(6).dropLast()) }
        })
        for unit in ["lantern-active.service", "lantern-failed.service", "lantern-restarting.service", "lantern-tick.timer",
                     "lantern-echo.socket", "lantern-client.service"] {
            #expect(names.contains(unit), "\(unit) not exposed")
        }
        #expect(!names.contains("lantern-masked.service"), "masked units are not loaded: left out")
        #expect(!names.contains { $0.hasSuffix(".mount") || $0.hasSuffix(".slice") || $0.hasSuffix(".scope") }, "default exclude")

        for name in names {
            let show = try sandbox.show(name, [
                "ActiveState", "Type", "NRestarts", "TasksMax", "NAccepted", "NConnections", "NRefused",
                "LastTriggerUSec", "ActiveEnterTimestamp",
            ])
            let isService = name.hasSuffix(".service")
            let type = isService ? show["Type"] ?? "" : ""
            for state in SystemdCollector.unitStates {
                let labels = "name=\"\(name)\",state=\"\(state)\",type=\"\(type)\""
                #expect(Self.value(scraped, "node_systemd_unit_state", labels) == (show["ActiveState"] == state ? 1 : 0), "\(labels)")
            }
            let start = show["ActiveState"] == "active" ? epochSeconds(show["ActiveEnterTimestamp"] ?? "") : 0
            let scrapedStart = Self.value(scraped, "node_systemd_unit_start_time_seconds", "name=\"\(name)\"")
            #expect(scrapedStart.map { $0.rounded(.down) } == start, "start time of \(name)")
            let labels = "name=\"\(name)\""
            if isService {
                #expect(Self.value(scraped, "node_systemd_service_restart_total", labels) == show["NRestarts"].flatMap(Double.init))
                #expect(Self.value(scraped, "node_systemd_unit_tasks_max", labels) == show["TasksMax"].flatMap(Double.init))
            }
            if name.hasSuffix(".socket") {
                #expect(Self.value(scraped, "node_systemd_socket_accepted_connections_total", labels) == show["NAccepted"].flatMap(Double.init))
                #expect(Self.value(scraped, "node_systemd_socket_current_connections", labels) == show["NConnections"].flatMap(Double.init))
                #expect(Self.value(scraped, "node_systemd_socket_refused_connections_total", labels) == show["NRefused"].flatMap(Double.init))
            }
            if name.hasSuffix(".timer") {
                let fired = try #require(epochSeconds(show["LastTriggerUSec"] ?? ""))
                let scrapedFired = Self.value(scraped, "node_systemd_timer_last_trigger_seconds", labels)
                #expect(scrapedFired.map { $0.rounded(.down) } == fired, "last trigger of \(name)")
            }
        }
        try Self.expectTasksCurrentMatches(sandbox, busAddress: try sandbox.busAddress, services: names.filter { $0.hasSuffix(".service") })
        // The states the test units were made for.
        #expect(Self.value(scraped, "node_systemd_unit_state", "name=\"lantern-failed.service\",state=\"failed\",type=\"oneshot\"") == 1)
        #expect(Self.value(scraped, "node_systemd_service_restart_total", "name=\"lantern-restarting.service\"") == 2)
        #expect(Self.value(scraped, "node_systemd_socket_accepted_connections_total", "name=\"lantern-echo.socket\"") == 1)
        #expect(Self.value(scraped, "node_systemd_socket_current_connections", "name=\"lantern-echo.socket\"") == 1)
        #expect((Self.value(scraped, "node_systemd_timer_last_trigger_seconds", "name=\"lantern-tick.timer\"") ?? 0) > 0)
    }

    /// Every service's `node_systemd_unit_tasks_current` is `systemctl show`'s TasksCurrent.
    /// It counts the unit's processes at this instant, which move between a scrape and a
    /// `systemctl show` (a unit forking or reaping; under load the race once failed this
    /// test), unlike every other property compared, which holds still once the units have
    /// settled. So each round reads `systemctl show`, scrapes, and reads again: a unit whose
    /// count held still over the round must be scraped with exactly that count; one whose
    /// count moved is compared again next round. A wrong count fails; so does one that
    /// never holds still over five rounds.
    static func expectTasksCurrentMatches(_ sandbox: SystemdSandbox, busAddress: String, services: Set<String>) throws {
        var pending = services
        for _ in 0..<5 where !pending.isEmpty {
            let before = try sandbox.show(units: pending, "TasksCurrent")
            let scraped = try scrape(busAddress)
            let after = try sandbox.show(units: pending, "TasksCurrent")
            for unit in pending where before[unit] == after[unit] {
                #expect(value(scraped, "node_systemd_unit_tasks_current", "name=\"\(unit)\"") == before[unit].flatMap(Double.init), "TasksCurrent of \(unit)")
                pending.remove(unit)
            }
        }
        #expect(pending.isEmpty, "TasksCurrent never held still over a scrape: \(pending.sorted())")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus-node-exporter")))
    func matchesDebiansNodeExporter() throws {
        let sandbox = try TestUnits.bootSandbox()
        let address = try sandbox.busAddress
        // Debian patches the exclude default (adds .target): give both the upstream one.
        let exclude = SystemdCollector.Options().unitExclude
        let exposition = try scrapeDebianNodeExporter(busAddress: address, arguments: [
            "--collector.systemd", "--collector.systemd.enable-task-metrics", "--collector.systemd.enable-restarts-metrics",
            "--collector.systemd.enable-start-time-metrics", "--collector.systemd.unit-exclude=\(exclude)",
        ])
        #expect(exposition.contains("node_scrape_collector_success{collector=\"systemd\"} 1"))
        let theirs = series(ofExposition: exposition, prefix: "node_systemd_")
        let ours = try Self.scrape(address)
        // node_systemd_virtualization_info is newer than Debian's 1.5.0.
        let theirFamilies = Set(theirs.keys.map(\.name))
        let comparable = ours.filter { theirFamilies.contains($0.key.name) }
        #expect(Set(comparable.keys) == Set(theirs.keys), "only ours: \(Set(comparable.keys).subtracting(theirs.keys)), only theirs: \(Set(theirs.keys).subtracting(comparable.keys))")
        #expect(Set(ours.keys.map(\.name)).subtracting(theirFamilies) == ["node_systemd_virtualization_info"])
        for (key, theirValue) in theirs {
            guard let ourValue = ours[key] else { continue }
            // A unit's task count moves between the two scrapes (a timer's service starting);
            // its value is checked against systemctl in expectTasksCurrentMatches.
            if key.name == "node_systemd_unit_tasks_current" { continue }
            if key.name.hasSuffix("_seconds") {
                #expect(ourValue.rounded(.down) == theirValue.rounded(.down), "\(key): ours \(ourValue), theirs \(theirValue)")
            } else {
                #expect(ourValue == theirValue, "\(key): ours \(ourValue), theirs \(theirValue)")
            }
        }
    }

    @Test func flagsChooseWhatIsExposed() throws {
        let sandbox = try TestUnits.bootSandbox()
        let address = try sandbox.busAddress

        let plain = try Self.scrape(address, SystemdCollector.Options())
        let families = Set(plain.keys.map(\.name))
        #expect(!families.contains("node_systemd_service_restart_total"))
        #expect(!families.contains("node_systemd_unit_tasks_current"))
        #expect(!families.contains("node_systemd_unit_tasks_max"))
        #expect(!families.contains("node_systemd_unit_start_time_seconds"))
        #expect(families.contains("node_systemd_socket_accepted_connections_total"))

        var options = Self.allMetricFlags
        options.unitInclude = "lantern-.*"
        options.unitExclude = ".+\\.socket"
        let filtered = try Self.scrape(address, options)
        let names = Set(filtered.keys.filter { $0.name == "node_systemd_unit_state" }.map { $0.labels.split(separator: ",")[0] })
        #expect(names.allSatisfy { $0.hasPrefix("name=\"lantern-") })
        #expect(!names.contains("name=\"lantern-echo.socket\""))
        #expect(names.contains("name=\"lantern-tick.timer\""))
        #expect(!filtered.keys.contains { $0.name == "node_systemd_socket_accepted_connections_total" })
        // Anchored: "lantern" alone matches no whole unit name.
        options.unitInclude = "lantern"
        #expect(!(try Self.scrape(address, options)).keys.contains { $0.name == "node_systemd_unit_state" })
        // The summary counts every unit whatever the filters.
        #expect(filtered.keys.filter { $0.name == "node_systemd_units" }.count == 5)
    }

    @Test func aStoppedSystemdFailsTheScrapeAndARestartedOneWorksAgain() throws {
        let sandbox = try SystemdSandbox(units: ["lantern-active.service": TestUnits.all["lantern-active.service"]!])
        // A stable address across restarts (the sandbox's changes with its pid), as a
        // host's /run/dbus/system_bus_socket is.
        let links = try TemporaryDirectory("lantern-buslink")
        let link = links.path + "/system_bus_socket"
        func pointLink() throws {
            let target = try sandbox.busAddress.replacingOccurrences(of: "unix:path=", with: "")
            unlink(link)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        }
        try pointLink()
        var options = SystemdCollector.Options()
        options.endpoint = .bus(address: "unix:path=\(link)")
        options.timeout = 2
        let collector = try SystemdCollector(options: options, logger: testLogger)
        let registry = Registry(collectors: [NamedCollector(name: "systemd", collector: collector)], timeoutSeconds: 10)

        #expect(registry.gather().outcomes.first?.succeeded == true)
        sandbox.stop()
        let started = Date()
        let failed = try #require(registry.gather().outcomes.first)
        #expect(!failed.succeeded)
        if case .failed(let message) = failed.status {
            #expect(message.hasPrefix("couldn't read systemd over D-Bus"), "\(message)")
        }
        #expect(Date().timeIntervalSince(started) < 2, "a dead bus must not slow the scrape")
        try sandbox.start()
        try pointLink()
        let recovered = registry.gather()
        #expect(recovered.outcomes.first?.succeeded == true, "\(recovered.outcomes)")
        #expect(recovered.families.contains { $0.name == "node_systemd_unit_state" })
    }

    @Test func fiveHundredUnits() throws {
        var units: [String: String] = [:]
        for index in 0..<500 {
            units["lantern-bulk-\(index).service"] = """
                [Service]
                Type=oneshot
                RemainAfterExit=yes
                ExecStart=/bin/true
                """
        }
        let sandbox = try SystemdSandbox(units: units)
        try sandbox.wait("500 units to start", seconds: 120) {
            let listing = try sandbox.exec("systemctl", "list-units", "--plain", "--no-legend", "--state=active", "lantern-bulk-*").output
            return listing.split(separator: "\n").count == 500
        }
        let address = try sandbox.busAddress
        let started = Date()
        let scraped = try Self.scrape(address)
        let ours = Date().timeIntervalSince(started)
        let bulk = scraped.filter { $0.key.name == "node_systemd_unit_state" && $0.key.labels.hasPrefix("name=\"lantern-bulk-") }
        #expect(bulk.count == 500 * 5)
        #expect(bulk.values.reduce(0, +) == 500)
        #expect(scraped.keys.filter { $0.name == "node_systemd_service_restart_total" && $0.labels.hasPrefix("name=\"lantern-bulk-") }.count == 500)
        // Timing is the benchmark's business; printed for the record only.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus-node-exporter") else { return }
        let exporterStarted = Date()
        let exposition = try scrapeDebianNodeExporter(busAddress: address, arguments: [
            "--collector.systemd", "--collector.systemd.enable-task-metrics", "--collector.systemd.enable-restarts-metrics",
            "--collector.systemd.enable-start-time-metrics",
        ])
        let theirs = Date().timeIntervalSince(exporterStarted)
        let duration = exposition.split(separator: "\n").first { $0.hasPrefix("node_scrape_collector_duration_seconds{collector=\"systemd\"}") }
        print("500 units: lantern scrape \(ours) s (first, connecting); node_exporter 1.5.0 start+scrape \(theirs) s, \(duration ?? "")")
    }
}
