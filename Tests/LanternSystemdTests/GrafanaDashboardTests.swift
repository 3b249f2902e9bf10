import Foundation
import LanternTestSupport
import Testing

/// packaging/grafana/lantern-host.json against the real thing: lantern-exporter with the
/// systemd collector (on a sandboxed systemd with a failed and a restarting unit) and a
/// textfile, scraped by lantern-server and by Debian's Prometheus 2.42. Every query of the
/// dashboard must return data on lantern-server and the same series on Prometheus.
@Suite(.serialized, .enabled(if: SystemdSandbox.unavailableReason == nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus")))
struct GrafanaDashboardTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let dashboardPath = repository.appendingPathComponent("packaging/grafana/lantern-host.json").path
    static let products = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()

    /// Every `expr` of the dashboard's panels (rows included), and its variables' queries.
    static func dashboard() throws -> (queries: [String], variables: [String: String]) {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dashboardPath))) as? [String: Any])
        var queries: [String] = []
        func collect(_ panels: [[String: Any]]) {
            for panel in panels {
                for target in panel["targets"] as? [[String: Any]] ?? [] { if let expr = target["expr"] as? String { queries.append(expr) } }
                collect(panel["panels"] as? [[String: Any]] ?? [])
            }
        }
        collect(json["panels"] as? [[String: Any]] ?? [])
        var variables: [String: String] = [:]
        for variable in (json["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? [] {
            if let name = variable["name"] as? String, let definition = variable["definition"] as? String { variables[name] = definition }
        }
        return (queries, variables)
    }

    @Test func dashboardIsImportable() throws {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.dashboardPath))) as? [String: Any])
        let panels = try #require(json["panels"] as? [[String: Any]])
        let ids = panels.compactMap { $0["id"] as? Int }
        #expect(ids.count == panels.count && Set(ids).count == ids.count, "every panel needs a unique id")
        #expect(panels.allSatisfy { $0["gridPos"] is [String: Any] && $0["type"] is String })
        #expect(json["uid"] as? String == "lantern-host" && json["schemaVersion"] is Int)
        let (queries, variables) = try Self.dashboard()
        #expect(queries.count >= 20)
        #expect(Set(variables.keys) == ["job", "instance"])
        // Every query is scoped to the chosen host.
        for query in queries { #expect(query.contains("instance=\"$instance\""), "\(query)") }
    }

    @Test func everyQueryAnswersOnLanternAsOnPrometheus() throws {
        let sandbox = try TestUnits.bootSandbox()
        let busAddress = try sandbox.busAddress
        let scratch = try TemporaryDirectory("lantern-dashboard")
        try FileManager.default.createDirectory(atPath: scratch.path + "/textfile", withIntermediateDirectories: true)
        try "# HELP backup_last_success_seconds Last good backup.\n# TYPE backup_last_success_seconds gauge\nbackup_last_success_seconds 1.7e+09\n"
            .write(toFile: scratch.path + "/textfile/backup.prom", atomically: true, encoding: .utf8)

        let exporterPort = TestSupport.freePort()
        let exporter = try startDaemon(Self.products.appendingPathComponent("lantern-exporter").path, [
            "--web.listen-address=127.0.0.1:\(exporterPort)", "--collector.systemd", "--collector.systemd.enable-restarts-metrics",
            "--collector.textfile.directory=\(scratch.path)/textfile",
        ], environment: ["DBUS_SYSTEM_BUS_ADDRESS": busAddress])
        defer { Self.stop(exporter) }
        try scratch.write("config.yml", """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: node
                static_configs: [{targets: ['127.0.0.1:\(exporterPort)']}]

            """)
        let serverPort = TestSupport.freePort()
        let server = try startDaemon(Self.products.appendingPathComponent("lantern-server").path, [
            "--config.file=\(scratch.path)/config.yml", "--storage.tsdb.path=\(scratch.path)/lantern", "--web.listen-address=127.0.0.1:\(serverPort)",
        ])
        defer { Self.stop(server) }
        let prometheusPort = TestSupport.freePort()
        let prometheus = try startDaemon("/usr/bin/prometheus", [
            "--config.file=\(scratch.path)/config.yml", "--storage.tsdb.path=\(scratch.path)/prometheus", "--web.listen-address=127.0.0.1:\(prometheusPort)",
        ])
        defer { Self.stop(prometheus) }

        // Both have two scrapes of the exporter, so rates have data.
        for port in [serverPort, prometheusPort] {
            try sandbox.wait("a rate on port \(port)", seconds: 60) { !(Self.series(port: port, "rate(node_cpu_seconds_total[1m])") ?? []).isEmpty }
        }

        let (queries, variables) = try Self.dashboard()
        let substitutions = [("$__rate_interval", "1m"), ("$instance", "127.0.0.1:\(exporterPort)"), ("$job", "node")]
        for template in queries {
            let query = substitutions.reduce(template) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
            // The two servers scrape at their own moments: a few tries for the same answer.
            var ours: Set<[String: String]>? = nil, theirs: Set<[String: String]>? = nil
            for _ in 0..<10 {
                ours = Self.series(port: serverPort, query)
                theirs = Self.series(port: prometheusPort, query)
                if let ours, !ours.isEmpty, ours == theirs { break }
                Thread.sleep(forTimeInterval: 0.5)
            }
            #expect(!(ours ?? []).isEmpty, "lantern-server returned no data for \(query)")
            #expect(ours == theirs, "\(query): only on lantern-server \(ours?.subtracting(theirs ?? []) ?? []), only on Prometheus \(theirs?.subtracting(ours ?? []) ?? [])")
        }
        // The variables' label_values(metric{…}, label) as Grafana asks: /api/v1/label/<label>/values?match[]=…
        for (name, definition) in variables {
            let parts = try #require(definition.wholeMatch(of: #/label_values\((.+), (\w+)\)/#), "\(name): \(definition)")
            let selector = String(parts.1).replacingOccurrences(of: "$job", with: "node")
            let path = "/api/v1/label/\(parts.2)/values?match[]=" + (selector.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? selector)
            let ours = Self.get(port: serverPort, path)?["data"] as? [String], theirs = Self.get(port: prometheusPort, path)?["data"] as? [String]
            #expect(ours != nil && ours?.isEmpty == false && ours == theirs, "\(name): lantern \(ours ?? []), Prometheus \(theirs ?? [])")
        }
    }

    /// SIGKILL: a child spawned from a Swift-concurrency thread may have SIGTERM blocked.
    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    static func get(port: Int, _ path: String) -> [String: Any]? {
        guard let result = try? runCommand(["/usr/bin/curl", "-sfg", "--max-time", "10", "http://127.0.0.1:\(port)\(path)"]), result.status == 0 else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(result.output.utf8))) as? [String: Any]
    }

    /// The label sets of an instant query's result; nil when the query failed.
    static func series(port: Int, _ query: String) -> Set<[String: String]>? {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
        guard let reply = get(port: port, "/api/v1/query?query=\(encoded)"),
              let result = (reply["data"] as? [String: Any])?["result"] as? [[String: Any]] else { return nil }
        return Set(result.compactMap { $0["metric"] as? [String: String] })
    }
}
