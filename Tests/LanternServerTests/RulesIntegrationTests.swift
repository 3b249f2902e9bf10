import Foundation
@testable import LanternServer
import LanternTestSupport
import Testing

/// Rules against the real anchors: Debian's promtool 2.42 on the same rule unit tests.
@Suite struct RuleUnitTestParityTests {
    static let testdata = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("rules-testdata")

    /// The failure lines, order-free: promtool interleaves standard output and error.
    static func lines(_ output: String) -> [String] {
        output.split(separator: "\n").map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.sorted()
    }

    @Test(arguments: ["host-rules.test.yml", "edge-rules.test.yml", "host-rules.wrong.test.yml"])
    func sameVerdictAsPromtool(file: String) throws {
        let path = Self.testdata.appendingPathComponent(file).path
        let lantern = try TestSupport.run(TestSupport.server, ["test", "rules", path])
        let promtool = try TestSupport.run("/usr/bin/promtool", ["test", "rules", path])
        #expect(lantern.status == promtool.status, "lantern-server \(lantern.output)\npromtool \(promtool.output)")
        #expect(lantern.status == (file.contains("wrong") ? 1 : 0))
        #expect(Self.lines(lantern.output) == Self.lines(promtool.output))
    }

    /// `check config` checks the rule files the configuration names, as promtool does.
    @Test func checkConfigChecksRuleFilesLikePromtool() throws {
        let directory = try TestSupport.temporaryDirectory("rules-check-config")
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("prometheus.yml")
        try "rule_files: ['\(Self.testdata.path)/*-rules.yml']\n".write(to: config, atomically: true, encoding: .utf8)
        let lantern = try TestSupport.run(TestSupport.server, ["check", "config", config.path])
        let promtool = try TestSupport.run("/usr/bin/promtool", ["check", "config", config.path])
        #expect(lantern.status == 0 && promtool.status == 0)
        #expect(lantern.output == promtool.output)
    }

    /// A file that does not exist, a test file with an unknown key, a rule file that
    /// does not parse: each fails with status 1 and says what is wrong.
    @Test func badInputFailsClearly() throws {
        let directory = try TestSupport.temporaryDirectory("rules-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let unknownKey = directory.appendingPathComponent("unknown.test.yml")
        try "rule_files: []\ntests:\n  - interval: 1m\n    input_serie: []\n".write(to: unknownKey, atomically: true, encoding: .utf8)
        let badRules = directory.appendingPathComponent("bad.yml")
        try "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up ==\n".write(to: badRules, atomically: true, encoding: .utf8)
        let badRulesTest = directory.appendingPathComponent("bad.test.yml")
        try "rule_files: [bad.yml]\ntests:\n  - interval: 1m\n    promql_expr_test: [{expr: up, eval_time: 0s}]\n".write(to: badRulesTest, atomically: true, encoding: .utf8)

        let missing = try TestSupport.run(TestSupport.server, ["test", "rules", directory.appendingPathComponent("none.yml").path])
        #expect(missing.status == 1 && missing.output.contains("no such file or directory"))
        let unknown = try TestSupport.run(TestSupport.server, ["test", "rules", unknownKey.path])
        #expect(unknown.status == 1 && unknown.output.contains("field input_serie not found in type main.testGroup"))
        let parse = try TestSupport.run(TestSupport.server, ["test", "rules", badRulesTest.path])
        #expect(parse.status == 1 && parse.output.contains("could not parse expression"))
        let promtoolParse = try TestSupport.run("/usr/bin/promtool", ["test", "rules", badRulesTest.path])
        #expect(promtoolParse.status == 1)
    }
}

/// The `alerting` section: the Alertmanager URLs it yields, and what Lantern refuses.
@Suite struct AlertingConfigTests {
    @Test func targetsFromStaticConfigs() throws {
        let config = try ConfigParser.parse("""
            alerting:
              alertmanagers:
                - static_configs: [{targets: ['am1:9093', 'am2:9093']}]
                  path_prefix: /prefix/
                  basic_auth: {username: u, password: p}
                  relabel_configs:
                    - {source_labels: [__address__], regex: 'am2:.*', action: drop}
                - static_configs: [{targets: ['old:9093']}]
                  api_version: v1
                  timeout: 3s
              alert_relabel_configs:
                - {action: labeldrop, regex: replica}
            """)
        #expect(config.alerting.targets.map(\.url) == ["http://am1:9093/prefix/api/v2/alerts", "http://old:9093/api/v1/alerts"])
        #expect(config.alerting.targets.first?.authorization == "Basic dTpw")
        #expect(config.alerting.targets.last?.timeout == 3000)
        #expect(config.alerting.relabelConfigs.count == 1)
    }

    /// What is wrong, or what Lantern does not do, is refused with the key path, line and reason.
    @Test(arguments: [
        ("alerting:\n  alertmanagers:\n    - scheme: ftp\n", "alerting.alertmanagers[0].scheme", "invalid scheme, must be http or https"),
        ("alerting:\n  alertmanagers:\n    - scheme: https\n      tls_config: {ca_file: /nonexistent/ca.pem}\n",
         "alerting.alertmanagers[0].tls_config.ca_file", "does not exist"),
        ("alerting:\n  alertmanagers:\n    - file_sd_configs: [{files: [a.json]}]\n", "alerting.alertmanagers[0].file_sd_configs", "not supported yet"),
        ("alerting:\n  alertmanagers:\n    - static_configs: [{targets: ['noport']}]\n", "alerting.alertmanagers[0].static_configs[0]", "missing port"),
    ])
    func refused(yaml: String, path: String, reason: String) {
        #expect {
            _ = try ConfigParser.parse(yaml)
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.path == path && "\(error)".contains(reason)
        }
    }
}

/// Rules follow the configuration: a reload swaps them, a bad rule file fails the reload
/// (HTTP 500, the message) and leaves the running rules alone, and refuses a start.
@Suite struct RulesReloadTests {
    @Test(.timeLimit(.minutes(2)))
    func reloadSwapsRulesAndKeepsThemOnError() throws {
        let scene = try LiveAlertingTests.Scene("rules-reload")
        defer { scene.tearDown() }
        let directory = scene.directory
        let rules = directory.appendingPathComponent("rules.yml")
        try "groups:\n  - name: first\n    rules:\n      - record: one\n        expr: vector(1)\n".write(to: rules, atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("lantern.yml")
        try "global: {evaluation_interval: 1s}\nrule_files: [rules.yml]\n".write(to: config, atomically: true, encoding: .utf8)
        let port = TestSupport.freePort()
        let arguments = ["--config.file=\(config.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)", "--web.listen-address=127.0.0.1:\(port)"]
        _ = try scene.start(TestSupport.server, arguments + ["--web.enable-lifecycle"], log: directory.appendingPathComponent("server.log"))
        let groupNames = { () -> [String]? in
            guard let reply = TestSupport.json(port: port, "/api/v1/rules"), let data = reply["data"] as? [String: Any],
                  let groups = data["groups"] as? [[String: Any]] else { return nil }
            return groups.compactMap { $0["name"] as? String }
        }
        #expect(TestSupport.waitFor(seconds: 20) { groupNames() } == ["first"])
        // `one` is written back into the TSDB every second.
        #expect(TestSupport.waitFor(seconds: 10) { TestSupport.vector(port: port, "one").flatMap { $0.isEmpty ? nil : $0 } } != nil)
        // Its evaluations are counted on /metrics under the group's key, `file;name`.
        let metrics = try TestSupport.run("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(port)/metrics"]).output
        let evaluations = metrics.split(separator: "\n").first { $0.hasPrefix("lantern_rule_evaluations_total{rule_group=\"\(rules.path);first\"}") }
        #expect(evaluations.flatMap { Double($0.split(separator: " ").last ?? "") }.map { $0 > 0 } == true, "\(metrics)")

        let reload = { () throws -> (status: Int32, output: String) in
            try TestSupport.run("/usr/bin/curl", ["-s", "-w", "\n%{http_code}", "-X", "POST", "http://127.0.0.1:\(port)/-/reload"])
        }
        try "groups:\n  - name: second\n    rules:\n      - alert: A\n        expr: up ==\n".write(to: rules, atomically: true, encoding: .utf8)
        let failed = try reload()
        #expect(failed.output.hasSuffix("\n500") && failed.output.contains("could not parse expression"), "\(failed.output)")
        #expect(groupNames() == ["first"])

        try "groups:\n  - name: second\n    rules:\n      - record: two\n        expr: vector(2)\n".write(to: rules, atomically: true, encoding: .utf8)
        let succeeded = try reload()
        #expect(succeeded.output.hasSuffix("\n200"), "\(succeeded.output)")
        #expect(groupNames() == ["second"])

        // A start with the bad file is refused with the reason.
        try "groups:\n  - name: third\n    rules:\n      - record: 'bad name'\n        expr: vector(1)\n".write(to: rules, atomically: true, encoding: .utf8)
        let refused = try TestSupport.run(TestSupport.server, [
            "--config.file=\(config.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("other-data").path)",
            "--web.listen-address=127.0.0.1:\(TestSupport.freePort())",
        ])
        #expect(refused.status == 1 && refused.output.contains("invalid recording rule name: bad name"), "\(refused.output)")
    }
}
