import Foundation
import LanternTestSupport
import Testing

/// Debian's Prometheus 2.42 and lantern-server evaluating the same rules over scrapes of
/// one lantern-exporter, both notifying one real Alertmanager (Debian's, clustering off).
/// The test drives the exporter's textfile and compares what Alertmanager holds.
@Suite(.serialized) struct LiveAlertingTests {
    static let rules = RuleUnitTestParityTests.testdata

    /// A test's temporary directory and every process it starts; `tearDown` stops them
    /// (bounded) and removes the directory.
    final class Scene {
        let directory: URL
        private var all: [Process] = []

        init(_ name: String) throws {
            LiveAlertingTests.unblockTermination()
            directory = try TestSupport.temporaryDirectory(name)
        }

        func tearDown() {
            all.forEach { TestSupport.stop($0) }
            try? FileManager.default.removeItem(at: directory)
        }

        func start(_ executable: String, _ arguments: [String], log: URL) throws -> Process {
            let process = try TestSupport.start(executable, arguments, log: log)
            all.append(process)
            return process
        }
    }

    /// Lets SIGTERM through to the children: they inherit this thread's mask, and Swift
    /// concurrency threads block SIGTERM.
    static func unblockTermination() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    static func writeValues(_ values: [String: Double], to directory: URL) throws {
        let text = values.keys.sorted().map { "lantern_test_value{service=\"\($0)\"} \(values[$0]!)\n" }.joined()
        try text.write(to: directory.appendingPathComponent("test.prom"), atomically: true, encoding: .utf8)
    }

    static func startExporter(_ processes: Scene, directory: URL) throws -> (port: Int, textfiles: URL) {
        let textfiles = directory.appendingPathComponent("textfile")
        try FileManager.default.createDirectory(at: textfiles, withIntermediateDirectories: true)
        let port = TestSupport.freePort()
        _ = try processes.start(TestSupport.exporter, [
            "--web.listen-address=127.0.0.1:\(port)", "--collector.disable-defaults", "--collector.textfile",
            "--collector.textfile.directory=\(textfiles.path)",
        ], log: directory.appendingPathComponent("exporter.log"))
        return (port, textfiles)
    }

    static func startAlertmanager(_ processes: Scene, directory: URL, port: Int, extraArguments: [String] = [], access: AlertmanagerAccess = AlertmanagerAccess()) throws -> Process {
        let config = directory.appendingPathComponent("alertmanager.yml")
        if !FileManager.default.fileExists(atPath: config.path) {
            try "route: {receiver: 'null', group_wait: 1s}\nreceivers: [{name: 'null'}]\n".write(to: config, atomically: true, encoding: .utf8)
        }
        let process = try processes.start("/usr/bin/prometheus-alertmanager", [
            "--config.file=\(config.path)", "--storage.path=\(directory.appendingPathComponent("am-data").path)",
            "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=",
        ] + extraArguments, log: directory.appendingPathComponent("alertmanager-\(UUID().uuidString.prefix(8)).log"))
        _ = TestSupport.waitFor(seconds: 20) { alertmanagerAlerts(port: port, access: access) }
        return process
    }

    /// A `prometheus.yml` both servers read, but for the `source` external label that
    /// tells their alerts apart in Alertmanager; `alertmanagerOptions` are further keys of
    /// the Alertmanager entry (`path_prefix: /am`).
    static func writeConfig(_ directory: URL, source: String, rules: String, exporterPort: Int, alertmanagerPort: Int?, alertmanagerOptions: [String] = []) throws -> URL {
        let alerting = alertmanagerPort.map { port in
            "alerting:\n  alertmanagers:\n    - static_configs: [{targets: ['127.0.0.1:\(port)']}]\n" + alertmanagerOptions.map { "      \($0)\n" }.joined()
        } ?? ""
        let config = directory.appendingPathComponent("\(source).yml")
        try """
            global: {scrape_interval: 1s, evaluation_interval: 1s, external_labels: {source: \(source)}}
            rule_files: ['\(Self.rules.appendingPathComponent(rules).path)']
            \(alerting)scrape_configs:
              - job_name: node
                static_configs: [{targets: ['127.0.0.1:\(exporterPort)']}]

            """.write(to: config, atomically: true, encoding: .utf8)
        return config
    }

    /// How the test reaches Alertmanager's API: its route prefix, basic auth user, and
    /// over TLS the CA and client certificate.
    struct AlertmanagerAccess {
        var prefix = ""
        var credentials: String?
        var tls: TLSFixtures?
    }

    static func alertmanagerAlerts(port: Int, access: AlertmanagerAccess = AlertmanagerAccess()) -> [[String: Any]]? {
        let tls = access.tls.map { ["--cacert", $0.caFile, "--cert", $0.clientCert, "--key", $0.clientKey] } ?? []
        let scheme = access.tls == nil ? "http" : "https"
        let arguments = ["-sf", "--max-time", "5"] + (access.credentials.map { ["-u", $0] } ?? []) + tls + ["\(scheme)://127.0.0.1:\(port)\(access.prefix)/api/v2/alerts"]
        guard let result = try? TestSupport.run("/usr/bin/curl", arguments), result.status == 0 else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(result.output.utf8))) as? [[String: Any]]
    }

    /// Alertmanager's alerts of one source, as label sets without `source`.
    static func labelSets(_ alerts: [[String: Any]], source: String) -> Set<[String: String]> {
        Set(alerts.compactMap { $0["labels"] as? [String: String] }.filter { $0["source"] == source }.map { $0.filter { $0.key != "source" } })
    }

    /// Waits until both sources' alerts in Alertmanager satisfy `condition`; returns them.
    static func waitForAlertmanager(port: Int, seconds: Double = 30, _ condition: (Set<[String: String]>, Set<[String: String]>) -> Bool) -> (Set<[String: String]>, Set<[String: String]>)? {
        TestSupport.waitFor(seconds: seconds) { () -> (Set<[String: String]>, Set<[String: String]>)? in
            guard let alerts = alertmanagerAlerts(port: port) else { return nil }
            let sets = (labelSets(alerts, source: "prometheus"), labelSets(alerts, source: "lantern"))
            return condition(sets.0, sets.1) ? sets : nil
        }
    }

    /// Sample timestamps (seconds) and values of a range selector through the query API.
    static func samples(port: Int, _ selector: String) -> [[String: String]: [(Double, String)]] {
        let encoded = selector.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? selector
        guard let reply = TestSupport.json(port: port, "/api/v1/query?query=\(encoded)"),
              let data = reply["data"] as? [String: Any], let result = data["result"] as? [[String: Any]] else { return [:] }
        var series: [[String: String]: [(Double, String)]] = [:]
        for entry in result {
            let metric = entry["metric"] as? [String: String] ?? [:]
            series[metric] = (entry["values"] as? [[Any]] ?? []).compactMap { pair in
                guard let time = pair.first as? Double, let value = pair.last as? String else { return nil }
                return (time, value)
            }
        }
        return series
    }

    /// In which evaluation rounds ValueHigh{service="a"} was pending and firing, numbered
    /// from the round the recording rule first exceeded the threshold (1 s apart), and
    /// whether it stopped firing in the round the recording rule dropped back.
    struct Rounds: Equatable {
        var pending: [Int]
        var firstFiring: Int?
        var resolvedWhenValueDropped: Bool
    }

    /// What the server did, and what Prometheus' rules make of the rounds it evaluated:
    /// pending until `for` (3 s) has passed, firing from the first round after it. A round
    /// a loaded machine skipped is simply absent from both.
    static func rounds(port: Int) -> (observed: Rounds, expected: Rounds) {
        let recorded = samples(port: port, "service:test_value:max{service=\"a\"}[3m]").values.first ?? []
        let alerts = samples(port: port, "ALERTS{alertname=\"ValueHigh\",service=\"a\"}[3m]")
        let pending = alerts.first { $0.key["alertstate"] == "pending" }?.value.map(\.0) ?? []
        let firing = alerts.first { $0.key["alertstate"] == "firing" }?.value.map(\.0) ?? []
        let none = Rounds(pending: [], firstFiring: nil, resolvedWhenValueDropped: false)
        guard let high = recorded.firstIndex(where: { Double($0.1)! > 5 }),
              let low = recorded[high...].firstIndex(where: { Double($0.1)! <= 5 }) else { return (none, Rounds(pending: [0, 1, 2], firstFiring: 3, resolvedWhenValueDropped: true)) }
        let round = { (time: Double) in Int((time - recorded[high].0).rounded()) }
        let evaluated = recorded[high..<low].map { round($0.0) }
        let lowRound = round(recorded[low].0)
        let observed = Rounds(
            pending: pending.map(round), firstFiring: firing.first.map(round),
            resolvedWhenValueDropped: firing.last.map { round($0) == evaluated.last } ?? false && !firing.map(round).contains { $0 >= lowRound })
        return (observed, Rounds(pending: evaluated.filter { $0 < 3 }, firstFiring: evaluated.first { $0 >= 3 }, resolvedWhenValueDropped: true))
    }

    @Test(.timeLimit(.minutes(5)))
    func sameAlertsAsPrometheusThroughAlertmanager() throws {
        let processes = try Scene("live-alerting")
        defer { processes.tearDown() }
        let directory = processes.directory
        let (exporterPort, textfiles) = try Self.startExporter(processes, directory: directory)
        try Self.writeValues(["a": 1], to: textfiles)
        let alertmanagerPort = TestSupport.freePort()
        var alertmanager = try Self.startAlertmanager(processes, directory: directory, port: alertmanagerPort)

        let prometheusPort = TestSupport.freePort(), lanternPort = TestSupport.freePort()
        let prometheusConfig = try Self.writeConfig(directory, source: "prometheus", rules: "live-rules.yml", exporterPort: exporterPort, alertmanagerPort: alertmanagerPort)
        let lanternConfig = try Self.writeConfig(directory, source: "lantern", rules: "live-rules.yml", exporterPort: exporterPort, alertmanagerPort: alertmanagerPort)
        // A short resend delay, so the outage below ends in seconds after Alertmanager is back.
        _ = try processes.start("/usr/bin/prometheus", [
            "--config.file=\(prometheusConfig.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("prometheus-data").path)",
            "--web.listen-address=127.0.0.1:\(prometheusPort)", "--rules.alert.resend-delay=2s",
        ], log: directory.appendingPathComponent("prometheus.log"))
        _ = try processes.start(TestSupport.server, [
            "--config.file=\(lanternConfig.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("lantern-data").path)",
            "--web.listen-address=127.0.0.1:\(lanternPort)", "--rules.alert.resend-delay=2s",
        ], log: directory.appendingPathComponent("lantern.log"))

        // Nothing of service "db": both report it absent, with the same labels.
        let absent: Set<[String: String]> = [["alertname": "ServiceAbsent", "service": "db", "severity": "info"]]
        let baseline = Self.waitForAlertmanager(port: alertmanagerPort) { $0 == absent && $1 == absent }
        #expect(baseline != nil, "Alertmanager never held ServiceAbsent from both: \(Self.alertmanagerAlerts(port: alertmanagerPort) ?? [])")

        // Over the threshold: pending for `for`, then firing in both.
        try Self.writeValues(["a": 10], to: textfiles)
        let high = absent.union([["alertname": "ValueHigh", "service": "a", "severity": "page"]])
        let firing = Self.waitForAlertmanager(port: alertmanagerPort) { $0 == high && $1 == high }
        #expect(firing != nil, "Alertmanager never held ValueHigh from both: \(Self.alertmanagerAlerts(port: alertmanagerPort) ?? [])")
        let annotations = (Self.alertmanagerAlerts(port: alertmanagerPort) ?? [])
            .filter { ($0["labels"] as? [String: String])?["alertname"] == "ValueHigh" }.compactMap { $0["annotations"] as? [String: String] }
        #expect(annotations.count == 2 && Set(annotations) == [["summary": "a at 10"]])

        // The rule and alert APIs have Prometheus' JSON shape, rule by rule.
        let prometheusRules = try #require(Self.rulesList(port: prometheusPort)), lanternRules = try #require(Self.rulesList(port: lanternPort))
        #expect(prometheusRules.count == 3 && lanternRules.count == 3)
        for (prometheusRule, lanternRule) in zip(prometheusRules, lanternRules) {
            #expect(TestSupport.shape(lanternRule) == TestSupport.shape(prometheusRule))
        }
        let alertsShape = { (port: Int) in TestSupport.json(port: port, "/api/v1/alerts").map(TestSupport.shape) }
        #expect(alertsShape(lanternPort) != nil && alertsShape(lanternPort) == alertsShape(prometheusPort))
        let managers = { (port: Int) in TestSupport.json(port: port, "/api/v1/alertmanagers") as NSDictionary? }
        #expect(managers(lanternPort) != nil && managers(lanternPort) == managers(prometheusPort))

        // Back under: resolved in both, gone from Alertmanager.
        try Self.writeValues(["a": 1], to: textfiles)
        let resolved = Self.waitForAlertmanager(port: alertmanagerPort) { $0 == absent && $1 == absent }
        #expect(resolved != nil, "ValueHigh never resolved in both: \(Self.alertmanagerAlerts(port: alertmanagerPort) ?? [])")

        // The same evaluation rounds, counted from the round the recorded value crossed the
        // threshold: pending for the 3 s of `for`, firing after, resolved in the round it dropped.
        let prometheusRounds = Self.rounds(port: prometheusPort), lanternRounds = Self.rounds(port: lanternPort)
        #expect(prometheusRounds.observed == prometheusRounds.expected)
        #expect(lanternRounds.observed == lanternRounds.expected)

        // Alertmanager down for a minute while two alerts start firing: after its restart the
        // resend brings every one back, from both servers.
        TestSupport.stop(alertmanager)
        try Self.writeValues(["a": 10, "b": 20], to: textfiles)
        Thread.sleep(forTimeInterval: 60)
        let errors = TestSupport.waitFor(seconds: 10) { Self.notificationErrors(port: lanternPort) }
        #expect((errors ?? 0) > 0, "lantern-server never reported failed sends while Alertmanager was down")
        alertmanager = try Self.startAlertmanager(processes, directory: directory, port: alertmanagerPort)
        let both = high.union([["alertname": "ValueHigh", "service": "b", "severity": "page"]])
        let restored = Self.waitForAlertmanager(port: alertmanagerPort) { $0 == both && $1 == both }
        #expect(restored != nil, "after the outage Alertmanager holds \(Self.alertmanagerAlerts(port: alertmanagerPort) ?? [])")
        _ = alertmanager
    }

    static func rulesList(port: Int) -> [[String: Any]]? {
        guard let reply = TestSupport.json(port: port, "/api/v1/rules"), let data = reply["data"] as? [String: Any],
              let groups = data["groups"] as? [[String: Any]], let group = groups.first else { return nil }
        return group["rules"] as? [[String: Any]]
    }

    /// lantern-server stopped and started again while an alert is pending: the alert's
    /// `for` continues from the saved `ALERTS_FOR_STATE` (shifted by the downtime, as
    /// Prometheus does) instead of starting again at the restart.
    @Test(.timeLimit(.minutes(3)))
    func pendingForSurvivesRestart() throws {
        let processes = try Scene("rules-restart")
        defer { processes.tearDown() }
        let directory = processes.directory
        let (exporterPort, textfiles) = try Self.startExporter(processes, directory: directory)
        try Self.writeValues(["a": 10], to: textfiles)
        let config = try Self.writeConfig(directory, source: "lantern", rules: "restart-rules.yml", exporterPort: exporterPort, alertmanagerPort: nil)
        let port = TestSupport.freePort()
        let arguments = [
            "--config.file=\(config.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)", "--rules.alert.for-grace-period=1s",
        ]
        let first = try processes.start(TestSupport.server, arguments, log: directory.appendingPathComponent("first.log"))
        let pendingSince = { () -> (state: String, activeAt: Date)? in
            guard let reply = TestSupport.json(port: port, "/api/v1/alerts"), let data = reply["data"] as? [String: Any],
                  let alert = (data["alerts"] as? [[String: Any]])?.first, let state = alert["state"] as? String,
                  let text = alert["activeAt"] as? String, let activeAt = Self.parseTime(text) else { return nil }
            return (state, activeAt)
        }
        let before = try #require(TestSupport.waitFor(seconds: 20) { pendingSince() }, "no pending alert before the restart")
        #expect(before.state == "pending")
        Thread.sleep(forTimeInterval: 3)
        TestSupport.stop(first, grace: 10)
        let restartedAt = Date()
        _ = try processes.start(TestSupport.server, arguments, log: directory.appendingPathComponent("second.log"))
        let after = TestSupport.waitFor(seconds: 30) { () -> (state: String, activeAt: Date)? in
            guard let current = pendingSince(), current.activeAt < restartedAt else { return nil }
            return current
        }
        let restored = try #require(after, "after the restart the alert's activeAt never went back before the restart")
        #expect(restored.state == "pending")
        #expect(restored.activeAt > before.activeAt, "the downtime does not count towards `for`")
    }

    /// `path_prefix` and `basic_auth` (a `password_file`) against an Alertmanager behind a
    /// route prefix that demands bcrypt basic auth: alerts arrive; a wrong password after
    /// a reload is refused, and counted as a failed send.
    @Test(.timeLimit(.minutes(2)))
    func notifiesThroughPathPrefixAndBasicAuth() throws {
        let processes = try Scene("rules-am-auth")
        defer { processes.tearDown() }
        let directory = processes.directory
        let hash = try TestSupport.run("/usr/bin/python3", [
            "-W", "ignore", "-c", "import crypt; print(crypt.crypt('secret', crypt.mksalt(crypt.METHOD_BLOWFISH)), end='')",
        ]).output
        let webConfig = directory.appendingPathComponent("am-web.yml")
        try "basic_auth_users:\n  lantern: '\(hash)'\n".write(to: webConfig, atomically: true, encoding: .utf8)
        let access = AlertmanagerAccess(prefix: "/am", credentials: "lantern:secret")
        let alertmanagerPort = TestSupport.freePort()
        _ = try Self.startAlertmanager(
            processes, directory: directory, port: alertmanagerPort, extraArguments: ["--web.route-prefix=/am", "--web.config.file=\(webConfig.path)"],
            access: access)
        let password = directory.appendingPathComponent("password")
        try "secret".write(to: password, atomically: true, encoding: .utf8)
        let config = try Self.writeConfig(
            directory, source: "lantern", rules: "always-rules.yml", exporterPort: TestSupport.freePort(), alertmanagerPort: alertmanagerPort,
            alertmanagerOptions: ["path_prefix: /am", "basic_auth: {username: lantern, password_file: '\(password.path)'}"])
        let port = TestSupport.freePort()
        let server = try processes.start(TestSupport.server, [
            "--config.file=\(config.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)", "--rules.alert.resend-delay=1s",
        ], log: directory.appendingPathComponent("lantern.log"))
        let delivered = TestSupport.waitFor(seconds: 30) { () -> Bool? in
            Self.labelSets(Self.alertmanagerAlerts(port: alertmanagerPort, access: access) ?? [], source: "lantern")
                == [["alertname": "AlwaysFiring", "severity": "none"]] ? true : nil
        }
        #expect(delivered == true, "Alertmanager behind /am with basic auth never got the alert")

        let before = try #require(Self.notificationErrors(port: port))
        try "wrong".write(to: password, atomically: true, encoding: .utf8)
        kill(server.processIdentifier, SIGHUP)
        let refused = TestSupport.waitFor(seconds: 20) { Self.notificationErrors(port: port).flatMap { $0 > before ? true : nil } }
        #expect(refused == true, "a refused password was never counted")
    }

    /// `scheme: https` with a `tls_config` (its CA, the client certificate Alertmanager
    /// demands) against Alertmanager serving TLS through `--web.config.file`: alerts
    /// arrive; after a reload that trusts another CA, the handshake fails and each send is
    /// counted as failed, with the reason in the log.
    @Test(.timeLimit(.minutes(2)))
    func notifiesOverTLSWithAClientCertificate() throws {
        let processes = try Scene("rules-am-tls")
        defer { processes.tearDown() }
        let directory = processes.directory
        let certificates = try TLSFixtures()
        let webConfig = try certificates.writeConfig("am-web.yml", """
            tls_server_config:
              cert_file: \(certificates.serverCert)
              key_file: \(certificates.serverKey)
              client_auth_type: RequireAndVerifyClientCert
              client_ca_file: \(certificates.caFile)

            """)
        let access = AlertmanagerAccess(tls: certificates)
        let alertmanagerPort = TestSupport.freePort()
        _ = try Self.startAlertmanager(processes, directory: directory, port: alertmanagerPort, extraArguments: ["--web.config.file=\(webConfig)"], access: access)
        let tlsConfig = { (caFile: String) in
            "tls_config: {ca_file: '\(caFile)', cert_file: '\(certificates.clientCert)', key_file: '\(certificates.clientKey)'}"
        }
        let writeConfig = { (caFile: String) in
            try Self.writeConfig(
                directory, source: "lantern", rules: "always-rules.yml", exporterPort: TestSupport.freePort(), alertmanagerPort: alertmanagerPort,
                alertmanagerOptions: ["scheme: https", tlsConfig(caFile)])
        }
        let config = try writeConfig(certificates.caFile)
        let port = TestSupport.freePort()
        let log = directory.appendingPathComponent("lantern.log")
        let server = try processes.start(TestSupport.server, [
            "--config.file=\(config.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)", "--rules.alert.resend-delay=1s",
        ], log: log)
        let delivered = TestSupport.waitFor(seconds: 30) { () -> Bool? in
            Self.labelSets(Self.alertmanagerAlerts(port: alertmanagerPort, access: access) ?? [], source: "lantern")
                == [["alertname": "AlwaysFiring", "severity": "none"]] ? true : nil
        }
        #expect(delivered == true, "Alertmanager over TLS never got the alert: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        let alertmanagers = TestSupport.json(port: port, "/api/v1/alertmanagers")?["data"] as? [String: Any]
        let active = (alertmanagers?["activeAlertmanagers"] as? [[String: Any]])?.compactMap { $0["url"] as? String }
        #expect(active == ["https://127.0.0.1:\(alertmanagerPort)/api/v2/alerts"])

        let before = try #require(Self.notificationErrors(port: port))
        _ = try writeConfig(certificates.strangerCert)
        kill(server.processIdentifier, SIGHUP)
        let refused = TestSupport.waitFor(seconds: 20) { Self.notificationErrors(port: port).flatMap { $0 > before ? true : nil } }
        #expect(refused == true, "a send to an Alertmanager whose certificate is not trusted was never counted as failed")
        let logged = TestSupport.waitFor(seconds: 10) { () -> Bool? in
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            return text.contains("Error sending alert") && text.contains("CERTIFICATE_VERIFY_FAILED") ? true : nil
        }
        #expect(logged == true, "the failed handshake is not in the log")
    }

    /// `lantern_notifications_errors_total` of the (one) Alertmanager, from `/metrics`.
    static func notificationErrors(port: Int) -> Double? {
        guard let text = try? TestSupport.run("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(port)/metrics"]).output,
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("lantern_notifications_errors_total{") }) else { return nil }
        return Double(line.split(separator: " ").last ?? "")
    }

    static func parseTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}
