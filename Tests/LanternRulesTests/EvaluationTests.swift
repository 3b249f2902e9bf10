import Foundation
import LanternPromQL
import LanternTSDB
import Synchronization
import Testing
@testable import LanternRules

/// Rule evaluation over a temporary TSDB, the clock driven by the test: evaluation times
/// are passed in, as the group loop passes its aligned times.
@Suite struct EvaluationTests {
    final class Recorder: AlertSink {
        let sent = Mutex<[NotifiedAlert]>([])
        func send(_ alerts: [NotifiedAlert]) { sent.withLock { $0.append(contentsOf: alerts) } }
    }

    struct Fixture {
        let directory: String
        let database: TSDB
        let context: RuleEvaluationContext

        init() throws {
            directory = NSTemporaryDirectory() + "lantern-rules-\(UUID().uuidString)"
            database = try TSDB(directory: directory)
            context = RuleEvaluationContext(engine: Engine(), database: database, externalURL: "http://lantern:9090")
        }

        func write(_ labels: [String: String], _ points: [(Int64, Double)]) throws {
            let appender = database.appender()
            for (time, value) in points { try appender.append(labels: Labels(labels), timestampMilliseconds: time, value: value) }
            try appender.commit()
        }

        func value(_ query: String, at time: Int64) throws -> [Sample] {
            guard case .vector(let samples) = try context.engine.instantQuery(query, at: time, storage: database).value else { return [] }
            return samples
        }

        func group(_ yaml: String, restored: Bool = true) throws -> RuleGroup {
            let file = try RuleFileParser.parse(yaml, path: "rules.yml").get()
            return try RuleGroup(spec: file.groups[0], file: "rules.yml", defaultInterval: 60_000, restored: restored)
        }

        func close() {
            try? database.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    static let alertRule = """
        groups:
          - name: g
            interval: 1m
            rules:
              - alert: High
                expr: load > 1
                for: 2m
                labels: {severity: page}
                annotations: {summary: "load {{ $value }} on {{ $labels.host }}"}
        """

    @Test func pendingFiringResolved() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        let minute: Int64 = 60_000
        try fixture.write(["__name__": "load", "host": "a"], (0...4).map { (Int64($0) * minute, 2) } + [(5 * minute, 0)])
        let group = try fixture.group(Self.alertRule)
        let recorder = Recorder()
        let delivery = AlertDelivery(sink: recorder, resendDelay: minute, externalURL: "http://lantern:9090")
        let rule = group.alertingRules[0]
        var states: [Alert.State] = []
        for step in 0...5 {
            group.evaluate(at: Int64(step) * minute, context: fixture.context, delivery: delivery, metrics: nil)
            states.append(rule.alerts.first?.state ?? .inactive)
        }
        #expect(states == [.pending, .pending, .firing, .firing, .firing, .inactive])
        #expect(rule.alerts[0].annotations["summary"] == "load 2 on a")
        #expect(try fixture.value("ALERTS", at: 2 * minute).map { $0.labels["alertstate"] } == ["firing"])
        #expect(try fixture.value("ALERTS_FOR_STATE", at: 4 * minute).map(\.value) == [0])
        // Staleness: the resolved alert's ALERTS series ends at the resolution.
        #expect(try fixture.value("ALERTS", at: 5 * minute).isEmpty)
        let sent = recorder.sent.withLock { $0 }
        // Fired at 2m, resent at 4m (resend delay passed), resolved at 5m.
        #expect(sent.map(\.endsAt) == [2 * minute + 4 * minute, 4 * minute + 4 * minute, 5 * minute])
        #expect(sent[0].labels["alertname"] == "High" && sent[0].startsAt == 2 * minute)
        #expect(sent[0].generatorURL == "http://lantern:9090/graph?g0.expr=load+%3E+1&g0.tab=1")
    }

    @Test func keepFiringFor() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        let minute: Int64 = 60_000
        try fixture.write(["__name__": "load", "host": "a"], [(0, 2), (minute, 0)])
        let group = try fixture.group("""
            groups:
              - name: g
                rules:
                  - alert: High
                    expr: load > 1
                    keep_firing_for: 2m
            """)
        let rule = group.alertingRules[0]
        var states: [Alert.State] = []
        for step in 0...4 {
            group.evaluate(at: Int64(step) * minute, context: fixture.context, delivery: nil, metrics: nil)
            states.append(rule.alerts.first?.state ?? .inactive)
        }
        // Condition gone at 1m; still firing at 1m and 2m, resolved once 2m have passed.
        #expect(states == [.firing, .firing, .firing, .inactive, .inactive])
    }

    @Test func recordingRuleAndStaleness() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        let minute: Int64 = 60_000
        try fixture.write(["__name__": "up", "job": "a"], [(0, 1), (minute, 1)])
        try fixture.write(["__name__": "up", "job": "b"], [(0, 1)])
        let group = try fixture.group("""
            groups:
              - name: g
                rules:
                  - record: job:up
                    expr: up
                    labels: {source: rule}
            """)
        let metrics = RuleMetrics()
        group.evaluate(at: 0, context: fixture.context, delivery: nil, metrics: metrics)
        #expect(try fixture.value("job:up", at: 0).map { $0.labels["job"]! } == ["a", "b"])
        #expect(try fixture.value("job:up", at: 0).allSatisfy { $0.labels["source"] == "rule" })
        // b's input is stale-free but older than the lookback only later; drop it by hiding b.
        try fixture.write(["__name__": "up", "job": "b"], [(minute - 1, StaleMarker.value)])
        group.evaluate(at: minute, context: fixture.context, delivery: nil, metrics: metrics)
        #expect(try fixture.value("job:up", at: minute).map { $0.labels["job"]! } == ["a"])
        #expect(group.statuses[0].health == .ok)
    }

    @Test func restoreAfterRestart() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        let minute: Int64 = 60_000
        try fixture.write(["__name__": "load", "host": "a"], (0...20).map { (Int64($0) * minute, 2) })
        let slow = """
            groups:
              - name: g
                rules:
                  - alert: High
                    expr: load > 1
                    for: 15m
            """
        let before = try fixture.group(slow)
        for step in 0...5 { before.evaluate(at: Int64(step) * minute, context: fixture.context, delivery: nil, metrics: nil) }
        // "Restart" 2 minutes later: a new group, not yet restored, evaluates twice, then restores.
        let after = try fixture.group(slow, restored: false)
        after.evaluate(at: 7 * minute, context: fixture.context, delivery: nil, metrics: nil)
        after.evaluate(at: 8 * minute, context: fixture.context, delivery: nil, metrics: nil)
        let rule = after.alertingRules[0]
        #expect(rule.alerts[0].activeAt == 7 * minute)
        ForStateRestore(outageTolerance: 3_600_000, gracePeriod: 600_000).restore(rule, at: 8 * minute, context: fixture.context)
        // Pending since 0, down at 5m, back at 8m: active-at moves by the 3m outage.
        #expect(rule.alerts[0].activeAt == 3 * minute)
        after.evaluate(at: 17 * minute, context: fixture.context, delivery: nil, metrics: nil)
        #expect(rule.alerts[0].state == .pending)
        after.evaluate(at: 18 * minute, context: fixture.context, delivery: nil, metrics: nil)
        #expect(rule.alerts[0].state == .firing)
    }

    @Test func evaluationTimestampIsAlignedAndStable() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        let group = try fixture.group(Self.alertRule)
        let first = group.evaluationTimestamp(atOrBefore: 1_700_000_000_000)
        #expect(first <= 1_700_000_000_000 && first > 1_700_000_000_000 - 60_000)
        #expect(group.evaluationTimestamp(atOrBefore: first + 59_999) == first)
        // Times are whole milliseconds below Prometheus' nanosecond grid: one more reaches the next slot.
        #expect(group.evaluationTimestamp(atOrBefore: first + 60_001) == first + 60_000)
    }

    @Test func alertJSONShape() {
        let alert = NotifiedAlert(labels: Labels(["alertname": "A"]), annotations: ["s": "x"], startsAt: 1_700_000_000_500, endsAt: 1_700_000_240_000, generatorURL: "u")
        #expect(AlertJSON.encode([alert]) == #"[{"labels":{"alertname":"A"},"annotations":{"s":"x"},"startsAt":"2023-11-14T22:13:20.5Z","endsAt":"2023-11-14T22:17:20Z","generatorURL":"u"}]"#)
    }
}
