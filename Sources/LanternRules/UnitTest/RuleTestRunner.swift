import Foundation
import LanternPromQL
import LanternScrape
import LanternSupport
import LanternTSDB

/// Runs one promtool rule unit test file as promtool does: per test group, the input
/// series loaded into a fresh database from time 0, every rule group evaluated at each
/// `evaluation_interval` up to the last `eval_time`, firing alerts compared at their
/// `eval_time` (the round at or just before it), expressions queried afterwards. Returns
/// promtool's failure messages, word for word; empty when everything passed.
struct RuleTestRunner {
    let path: String

    func run() -> [String] {
        guard let text = RuleFileLoader.readFile(path) else { return ["open \(path): no such file or directory"] }
        let file: RuleTestFile
        do { file = try RuleTestFile(yaml: text) } catch { return ["\(error)"] }
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : ""
        let ruleFiles = RuleFileLoader.expand(file.ruleFiles, relativeTo: directory)
        var order: [String: Int] = [:]
        for (index, name) in file.groupEvalOrder.enumerated() {
            guard order.updateValue(index, forKey: name) == nil else { return ["group name repeated in evaluation order: \(name)"] }
        }
        var failures: [String] = []
        for group in file.tests {
            failures += run(group, ruleFiles: ruleFiles, evaluationInterval: file.evaluationInterval, order: order)
        }
        return failures
    }

    private func run(_ test: RuleTestFile.TestGroup, ruleFiles: [String], evaluationInterval: Int64, order: [String: Int]) -> [String] {
        let directory = NSTemporaryDirectory() + "lantern-test-rules-\(UUID().uuidString)"
        let database: TSDB
        do { database = try TSDB(directory: directory) } catch { return ["\(error)"] }
        defer {
            try? database.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
        var engineOptions = EngineOptions()
        engineOptions.defaultSubqueryStep = evaluationInterval
        let context = RuleEvaluationContext(
            engine: Engine(options: engineOptions), database: database, externalLabels: test.externalLabels, externalURL: test.externalURL)
        let interval = test.interval ?? evaluationInterval
        do { try load(test.inputSeries, interval: interval, into: database) } catch { return ["\(error)"] }

        var groups: [RuleGroup] = []
        do {
            for path in ruleFiles {
                for spec in try RuleFileLoader.load(path: path).groups {
                    groups.append(try RuleGroup(spec: spec, file: path, defaultInterval: interval, restored: true))
                }
            }
        } catch { return ["\(error)"] }
        // A stable sort: groups group_eval_order does not name keep their file order, first.
        groups = groups.enumerated().sorted { (order[$0.element.name] ?? 0, $0.offset) < (order[$1.element.name] ?? 0, $1.offset) }.map(\.element)

        if let missing = test.alertTests.first(where: { $0.alertname.isEmpty }) {
            let inGroup = test.name.isEmpty ? "" : " (in TestGroup \(test.name))"
            return ["an item under alert_rule_test misses required attribute alertname at eval_time \(ModelDuration.format(missing.evalTime))\(inGroup)"]
        }
        let alertTimes = Set(test.alertTests.map(\.evalTime)).sorted()
        var nextAlertTime = 0
        var failures: [String] = []
        var time: Int64 = 0
        while time <= test.maxEvalTime {
            var evaluationErrors: [String] = []
            for group in groups {
                group.evaluate(at: time, context: context, delivery: nil, metrics: nil)
                for (rule, status) in zip(group.rules, group.statuses) where status.health == .err {
                    evaluationErrors.append("    rule: \(rule.spec.name), time: \(Self.goDuration(time)), err: \(status.lastError)")
                }
            }
            guard evaluationErrors.isEmpty else { return failures + evaluationErrors }
            while nextAlertTime < alertTimes.count && time <= alertTimes[nextAlertTime] && alertTimes[nextAlertTime] < time + evaluationInterval {
                let evalTime = alertTimes[nextAlertTime]
                for alertTest in test.alertTests where alertTest.evalTime == evalTime {
                    if let failure = check(alertTest, groups: groups, testName: test.name) { failures.append(failure) }
                }
                nextAlertTime += 1
            }
            time += evaluationInterval
        }
        for expressionTest in test.expressionTests {
            if let failure = check(expressionTest, context: context) { failures.append(failure) }
        }
        return failures
    }

    /// `input_series` as promtool's `load <interval>`: the i-th value at i × interval.
    private func load(_ series: [(series: String, values: String)], interval: Int64, into database: TSDB) throws {
        let appender = database.appender()
        for entry in series {
            let notation = try SeriesNotation(line: entry.series + " " + entry.values)
            for (index, value) in notation.values.enumerated() {
                let time = Int64(index) * interval
                switch value {
                case .number(let number): try appender.append(labels: notation.labels, timestampMilliseconds: time, value: number)
                case .stale: try appender.append(labels: notation.labels, timestampMilliseconds: time, value: StaleMarker.value)
                case .omitted: continue
                }
            }
        }
        try appender.commit()
    }

    private struct LabelledAlert: Comparable {
        var labels: Labels
        var annotations: Labels

        static func < (lhs: LabelledAlert, rhs: LabelledAlert) -> Bool {
            lhs.labels != rhs.labels ? lhs.labels < rhs.labels : lhs.annotations < rhs.annotations
        }

        static func list(_ alerts: [LabelledAlert]) -> String {
            guard !alerts.isEmpty else { return "[]" }
            let entries = alerts.enumerated().map { index, alert in
                "\(index):" + indent("\nLabels:\(alert.labels)\nAnnotations:\(alert.annotations)", "  ")
            }
            return "[\n" + entries.joined(separator: ",\n") + "\n]"
        }
    }

    /// The firing alerts of every rule named `alertname`, against the expected ones.
    private func check(_ test: RuleTestFile.AlertTest, groups: [RuleGroup], testName: String) -> String? {
        let got = groups.flatMap(\.alertingRules).filter { $0.spec.name == test.alertname }.flatMap(\.alerts)
            .filter { $0.state == .firing }.map { LabelledAlert(labels: $0.labels, annotations: Labels($0.annotations)) }.sorted()
        let expected = test.expected.map { expected in
            var labels = Labels(expected.labels)
            labels.set("alertname", test.alertname)
            return LabelledAlert(labels: labels, annotations: Labels(expected.annotations))
        }.sorted()
        guard got != expected else { return nil }
        let name = testName.isEmpty ? "" : "    name: \(testName),\n"
        return "\(name)    alertname: \(test.alertname), time: \(ModelDuration.format(test.evalTime)), \n"
            + "        exp:\(Self.indent(LabelledAlert.list(expected), "            ")), \n"
            + "        got:\(Self.indent(LabelledAlert.list(got), "            "))"
    }

    /// The expression's instant result at `eval_time` against the expected samples;
    /// values compared exactly, as promtool 2.42 does.
    private func check(_ test: RuleTestFile.ExpressionTest, context: RuleEvaluationContext) -> String? {
        let header = "    expr: \(goQuote(test.expression)), time: \(ModelDuration.format(test.evalTime))"
        let got: [Sample]
        do {
            got = try context.query(try context.engine.parse(test.expression), at: test.evalTime).sorted { $0.labels < $1.labels }
        } catch {
            return header + ", err: \(error)"
        }
        var expected: [Sample] = []
        for sample in test.expected {
            do {
                expected.append(Sample(labels: try SeriesNotation.labels(sample.labels), timestamp: 0, value: sample.value))
            } catch {
                return header + ", err: labels \(goQuote(sample.labels)): \(error)"
            }
        }
        expected.sort { $0.labels < $1.labels }
        let same = got.count == expected.count && zip(got, expected).allSatisfy { $0.labels == $1.labels && $0.value == $1.value }
        guard !same else { return nil }
        func text(_ samples: [Sample]) -> String {
            samples.isEmpty ? "nil" : samples.map { "\($0.labels) \(GoExponent.format($0.value, uppercase: true))" }.joined(separator: ", ")
        }
        return header + ",\n        exp: \(text(expected))\n        got: \(text(got))"
    }

    /// Go's `time.Duration.String()` of milliseconds: `0s`, `500ms`, `5m0s`, `1h0m30.5s`.
    private static func goDuration(_ milliseconds: Int64) -> String {
        if milliseconds == 0 { return "0s" }
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        let hours = milliseconds / 3_600_000, minutes = milliseconds / 60_000 % 60
        let wholeSeconds = milliseconds / 1000 % 60, fraction = milliseconds % 1000
        var seconds = "\(wholeSeconds)"
        if fraction > 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 3 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            seconds += "." + digits
        }
        return (hours > 0 ? "\(hours)h" : "") + (hours > 0 || minutes > 0 ? "\(minutes)m" : "") + seconds + "s"
    }

    /// promtool's `indentLines`: every line after the first gets `indent`.
    private static func indent(_ text: String, _ indent: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n" + indent)
    }
}
