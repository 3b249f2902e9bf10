import Foundation
import LanternTestSupport
import Testing

/// The web UI: its files served from `--web.ui-assets` and Debian's dygraphs, refusals of
/// paths outside them, a clear error when they are missing, and the pages in Debian's
/// headless Chromium (Tests/browser/webui_test.py) over lantern-server scraping a real
/// lantern-exporter and a target that is down, with an alert firing.
@Suite(.serialized) struct WebUITests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let assets = repository.appendingPathComponent("web").path
    static let dygraphs = "/usr/share/javascript/dygraphs"
    /// Screenshots, kept after the run: `.build/x86_64-unknown-linux-gnu/test-artifacts/web-ui`.
    static let artifacts = TestSupport.productsDirectory.deletingLastPathComponent().appendingPathComponent("test-artifacts/web-ui")

    /// A lantern-server on a free port with `configuration`; killed by `stop`.
    struct Server {
        let process: Process
        let port: Int
        let directory: URL

        init(_ name: String, configuration: String, files: [String: String] = [:], arguments: [String] = []) throws {
            directory = try TestSupport.temporaryDirectory(name)
            for (file, content) in files.merging(["lantern.yml": configuration], uniquingKeysWith: { $1 }) {
                try content.write(to: directory.appendingPathComponent(file), atomically: true, encoding: .utf8)
            }
            port = TestSupport.freePort()
            process = try TestSupport.start(TestSupport.server, [
                "--config.file=\(directory.appendingPathComponent("lantern.yml").path)", "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
                "--web.listen-address=127.0.0.1:\(port)",
            ] + arguments, log: directory.appendingPathComponent("server.log"))
            let serverPort = port
            _ = TestSupport.waitFor(seconds: 20) { TestSupport.json(port: serverPort, "/api/v1/status/buildinfo") }
        }

        /// Status, headers and body of a GET (`--path-as-is`: `..` reaches the server unfolded).
        func get(_ path: String) throws -> (status: Int, headers: String, body: String) {
            let result = try TestSupport.run("/usr/bin/curl", ["-s", "-i", "--path-as-is", "--max-time", "10", "http://127.0.0.1:\(port)\(path)"])
            let parts = result.output.components(separatedBy: "\r\n\r\n")
            let status = Int(parts[0].split(separator: " ").dropFirst().first ?? "") ?? 0
            return (status, parts[0], parts.dropFirst().joined(separator: "\r\n\r\n"))
        }

        /// SIGKILL: a child spawned from a Swift-concurrency thread may have SIGTERM blocked.
        func stop() {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            try? FileManager.default.removeItem(at: directory)
        }
    }

    @Test func pagesAndAssetsAreServedAndNothingElse() throws {
        let server = try Server("web-ui-files", configuration: "scrape_configs: []\n", arguments: ["--web.ui-assets=\(Self.assets)"])
        defer { server.stop() }

        let root = try server.get("/")
        #expect(root.status == 302 && root.headers.contains("Location: /graph"), "\(root.headers)")
        for (path, title) in [("/graph", "Graph"), ("/targets", "Targets"), ("/alerts", "Alerts"), ("/rules", "Rules"), ("/status", "Status")] {
            let page = try server.get(path)
            #expect(page.status == 200 && page.headers.contains("Content-Type: text/html; charset=utf-8"), "\(path): \(page.headers)")
            #expect(page.body.contains("<title>\(title) · Lantern</title>"), "\(path)")
            #expect(page.body.contains("<a href=\"\(path)\" aria-current=\"page\">"), "\(path): current page not marked")
            #expect(!page.body.contains("{{"), "\(path): a placeholder was left")
        }
        let script = try server.get("/static/graph.js")
        #expect(script.status == 200 && script.headers.contains("Content-Type: text/javascript"))
        #expect(script.body == (try String(contentsOfFile: Self.assets + "/static/graph.js", encoding: .utf8)))
        // Debian's dygraphs, served from where libjs-dygraphs installs it.
        let library = try server.get("/static/dygraphs/dygraph.min.js")
        #expect(try library.status == 200 && library.body == String(contentsOfFile: Self.dygraphs + "/dygraph.min.js", encoding: .utf8))

        for path in ["/static/../layout.html", "/static/../../../../etc/passwd", "/static/dygraphs/../../../etc/passwd", "/static/.hidden",
                     "/static/", "/static/dygraphs/", "/static/nothing.js", "/graph/extra"] {
            #expect(try server.get(path).status == 404, "\(path)")
        }
        // The layout fragment is not a page of its own.
        #expect(try server.get("/layout").status == 404)
    }

    @Test func missingAssetsSayWhichFlagToSetAndTheAPIStillAnswers() throws {
        let server = try Server("web-ui-missing", configuration: "scrape_configs: []\n", arguments: [
            "--web.ui-assets=/nonexistent/lantern-web", "--web.ui-dygraphs=/nonexistent/dygraphs",
        ])
        defer { server.stop() }
        let page = try server.get("/graph")
        #expect(page.status == 500)
        #expect(page.body == "web UI asset not found: /nonexistent/lantern-web/layout.html (set --web.ui-assets to the directory that holds it)\n")
        let library = try server.get("/static/dygraphs/dygraph.min.js")
        #expect(library.status == 500 && library.body.contains("set --web.ui-dygraphs"), "\(library.body)")
        #expect(TestSupport.json(port: server.port, "/api/v1/query?query=1%2B1")?["status"] as? String == "success")
    }

    @Test func pagesInHeadlessChromium() throws {
        let exporterDirectory = try TestSupport.temporaryDirectory("web-ui-exporter")
        defer { try? FileManager.default.removeItem(at: exporterDirectory) }
        let exporterPort = TestSupport.freePort(), downPort = TestSupport.freePort()
        let exporter = try TestSupport.start(
            TestSupport.exporter, ["--web.listen-address=127.0.0.1:\(exporterPort)"], log: exporterDirectory.appendingPathComponent("exporter.log"))
        defer { if exporter.isRunning { kill(exporter.processIdentifier, SIGKILL); exporter.waitUntilExit() } }
        let server = try Server("web-ui-browser", configuration: """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: [rules.yml]
            scrape_configs:
              - job_name: node
                static_configs: [{targets: ['127.0.0.1:\(exporterPort)']}]
              - job_name: offline
                static_configs: [{targets: ['127.0.0.1:\(downPort)']}]

            """, files: ["rules.yml": """
            groups:
              - name: web-ui
                rules:
                  - alert: ExporterScraped
                    expr: up{job="node"} == 1
                    labels: {severity: info}
                    annotations: {summary: "{{ $labels.instance }} answers"}
                  - alert: TargetDown
                    expr: up == 0
                    for: 1h
                  - record: instance:node_cpu:rate1m
                    expr: sum by (instance) (rate(node_cpu_seconds_total[1m]))

            """], arguments: ["--web.ui-assets=\(Self.assets)", "--storage.tsdb.min-block-duration=4s", "--storage.tsdb.max-block-duration=4s"])
        defer { server.stop() }

        let ready = TestSupport.waitFor(seconds: 60) { () -> Bool? in
            guard let rate = TestSupport.vector(port: server.port, "rate(node_cpu_seconds_total[1m])"), !rate.isEmpty,
                  let targets = TestSupport.json(port: server.port, "/api/v1/targets")?["data"] as? [String: Any],
                  let active = targets["activeTargets"] as? [[String: Any]],
                  active.contains(where: { ($0["scrapeUrl"] as? String ?? "").contains(":\(downPort)/") && !($0["lastError"] as? String ?? "").isEmpty }),
                  let alerts = (TestSupport.json(port: server.port, "/api/v1/alerts")?["data"] as? [String: Any])?["alerts"] as? [[String: Any]],
                  alerts.contains(where: { $0["state"] as? String == "firing" }),
                  let blocks = (TestSupport.json(port: server.port, "/api/v1/status/tsdb/blocks")?["data"] as? [String: Any])?["blocks"] as? [[String: Any]],
                  !blocks.isEmpty
            else { return nil }
            return true
        }
        #expect(ready == true, "no rate, down target, firing alert or block within 60 s")

        // The blocks the status page lists are the block directories on disk.
        let blocks = (TestSupport.json(port: server.port, "/api/v1/status/tsdb/blocks")?["data"] as? [String: Any])?["blocks"] as? [[String: Any]] ?? []
        let directories = try FileManager.default.contentsOfDirectory(atPath: server.directory.appendingPathComponent("data").path)
            .filter { $0.count == 26 && FileManager.default.fileExists(atPath: server.directory.appendingPathComponent("data/\($0)/meta.json").path) }
        #expect(Set(blocks.compactMap { $0["ulid"] as? String }).isSubset(of: Set(directories)) && !blocks.isEmpty, "\(blocks) vs \(directories)")
        #expect(blocks.allSatisfy { ($0["minTime"] as? Int ?? 0) < ($0["maxTime"] as? Int ?? 0) })

        try? FileManager.default.removeItem(at: Self.artifacts)
        let script = Self.repository.appendingPathComponent("Tests/browser/webui_test.py").path
        let result = try TestSupport.run("/usr/bin/python3", [
            script, "--server=http://127.0.0.1:\(server.port)", "--artifacts=\(Self.artifacts.path)",
            "--down-target=127.0.0.1:\(downPort)", "--alert=ExporterScraped",
        ])
        print(result.output)
        #expect(result.status == 0, "webui_test.py failed:\n\(result.output)")
        for name in ["graph", "graph-dark", "graph-table", "graph-completion", "graph-error", "targets", "targets-phone", "alerts", "rules", "status", "graph-phone"] {
            let png = FileManager.default.contents(atPath: Self.artifacts.appendingPathComponent("\(name).png").path) ?? Data()
            #expect(png.count > 10_000 && png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(name).png missing or empty")
        }
    }
}
