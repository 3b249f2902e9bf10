import Foundation
import LanternFlags
import LanternPromQL
import LanternRules
@testable import LanternServer
import LanternTSDB
import LanternTestSupport
import Logging
import NIOPosix
import Testing

/// `/api/v1/rules`, `/api/v1/alerts` and `/api/v1/alertmanagers` byte for byte in
/// Prometheus 2.42's key order and formats, over a group evaluated at a fixed time.
@Suite struct RulesEndpointsTests {
    static let time: Int64 = 1_700_000_000_000

    /// Wall-clock figures (evaluation durations and times) set to fixed values.
    static func masked(_ response: APIResponse) -> String {
        var text = String(decoding: response.body, as: UTF8.self)
        for (pattern, replacement) in [(#""evaluationTime":[0-9.e+-]+"#, #""evaluationTime":0"#), (#""lastEvaluation":"[^"]*""#, #""lastEvaluation":"T""#)] {
            text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return text
    }

    @Test func prometheusJSON() async throws {
        let directory = try TestSupport.temporaryDirectory("rules-endpoints")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try TSDB(directory: directory.appendingPathComponent("data").path)
        defer { try? database.close() }
        let appender = database.appender()
        try appender.append(labels: Labels(["__name__": "load", "host": "a"]), timestampMilliseconds: Self.time, value: 2)
        try appender.commit()
        let rules = directory.appendingPathComponent("rules.yml")
        // A day's interval: the manager's own timer does not evaluate during the test.
        try """
            groups:
              - name: g
                interval: 1d
                rules:
                  - record: job:load:max
                    expr: max(load)
                    labels: {team: a}
                  - alert: High
                    expr: load > 1
                    for: 2m
                    labels: {severity: page}
                    annotations: {summary: "load {{ $value }}"}
            """.write(to: rules, atomically: true, encoding: .utf8)
        guard case .run(let flags) = try ServerFlags.flagSet().parse([]) else { Issue.record("flags did not parse"); return }
        let services = try RuleServices(
            database: database, engine: Engine(), eventLoopGroup: MultiThreadedEventLoopGroup.singleton, flags: flags, listenPort: 9090,
            logger: Logger(label: "test"))
        var config = try ConfigParser.parse("rule_files: [rules.yml]\nalerting:\n  alertmanagers:\n    - static_configs: [{targets: ['am:9093']}]\n")
        config.global.evaluationInterval = 60_000
        try await services.apply(config, configPath: directory.appendingPathComponent("lantern.yml").path)
        let group = try #require(services.rules.groups.first)
        group.evaluate(at: Self.time, context: RuleEvaluationContext(engine: Engine(), database: database), delivery: nil, metrics: nil)
        let endpoints = RulesEndpoints(ruleServices: services)
        let get = { (uri: String) in APIRequest(method: "GET", uri: uri, body: [], contentType: nil) }

        let alert = #"{"labels":{"alertname":"High","host":"a","severity":"page"},"annotations":{"summary":"load 2"},"state":"pending","activeAt":"2023-11-14T22:13:20Z","value":"2e+00"}"#
        let recording = #"{"name":"job:load:max","query":"max(load)","labels":{"team":"a"},"health":"ok","evaluationTime":0,"lastEvaluation":"T","type":"recording"}"#
        let alerting = #"{"state":"pending","name":"High","query":"load \u003e 1","duration":120,"keepFiringFor":0,"labels":{"severity":"page"},"annotations":{"summary":"load {{ $value }}"},"alerts":["#
            + alert + #"],"health":"ok","evaluationTime":0,"lastEvaluation":"T","type":"alerting"}"#
        let groupJSON = { (rules: String) in
            #"{"status":"success","data":{"groups":[{"name":"g","file":""# + rules + #"}]}}"#
        }
        let file = directory.appendingPathComponent("rules.yml").path
        let tail = #"","rules":["#
        #expect(Self.masked(endpoints.rules(get("/api/v1/rules"))) == groupJSON(file + tail + recording + "," + alerting + #"],"interval":86400,"limit":0,"evaluationTime":0,"lastEvaluation":"T""#))
        #expect(Self.masked(endpoints.rules(get("/api/v1/rules?type=record"))) == groupJSON(file + tail + recording + #"],"interval":86400,"limit":0,"evaluationTime":0,"lastEvaluation":"T""#))
        #expect(endpoints.rules(get("/api/v1/rules?type=bogus")).status == 400)
        #expect(String(decoding: endpoints.alerts().body, as: UTF8.self) == #"{"status":"success","data":{"alerts":["# + alert + "]}}")
        #expect(String(decoding: endpoints.alertmanagers().body, as: UTF8.self)
            == #"{"status":"success","data":{"activeAlertmanagers":[{"url":"http://am:9093/api/v2/alerts"}],"droppedAlertmanagers":[]}}"#)
        await services.stop()
    }
}
