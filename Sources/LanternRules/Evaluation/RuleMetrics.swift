import LanternMetrics
import Synchronization

/// Prometheus' `prometheus_rule_*` figures under Lantern's prefix, by group key.
public final class RuleMetrics: Sendable {
    struct GroupFigures {
        var evaluations = 0
        var failures = 0
        var iterations = 0
        var missedIterations = 0
        var lastEvaluationTime: Int64 = 0
        var lastDurationSeconds = 0.0
        var lastSamples = 0
        var rules = 0
        var interval: Int64 = 0
    }

    private let groups = Mutex<[String: GroupFigures]>([:])

    public init() {}

    func countEvaluation(group: String) { groups.withLock { $0[group, default: GroupFigures()].evaluations += 1 } }
    func countFailure(group: String) { groups.withLock { $0[group, default: GroupFigures()].failures += 1 } }
    func countMissed(group: String, _ missed: Int) { groups.withLock { $0[group, default: GroupFigures()].missedIterations += missed } }

    func recordIteration(group: String, evaluationTime: Int64, durationSeconds: Double, samples: Int, rules: Int, interval: Int64) {
        groups.withLock { all in
            var figures = all[group, default: GroupFigures()]
            figures.iterations += 1
            figures.lastEvaluationTime = evaluationTime
            figures.lastDurationSeconds = durationSeconds
            figures.lastSamples = samples
            figures.rules = rules
            figures.interval = interval
            all[group] = figures
        }
    }

    /// Groups a reload removed stop being reported.
    func keep(groups keys: Set<String>) { groups.withLock { $0 = $0.filter { keys.contains($0.key) } } }

    public func collect(into sink: MetricSink) {
        let snapshot = groups.withLock { $0 }.sorted { $0.key < $1.key }
        let series: [(String, String, MetricType, (GroupFigures) -> Double)] = [
            ("lantern_rule_evaluations_total", "The total number of rule evaluations.", .counter, { Double($0.evaluations) }),
            ("lantern_rule_evaluation_failures_total", "The total number of rule evaluation failures.", .counter, { Double($0.failures) }),
            ("lantern_rule_group_iterations_total", "The total number of scheduled rule group evaluations, whether executed or missed.", .counter, { Double($0.iterations + $0.missedIterations) }),
            ("lantern_rule_group_iterations_missed_total", "The total number of rule group evaluations missed due to slow rule group evaluation.", .counter, { Double($0.missedIterations) }),
            ("lantern_rule_group_interval_seconds", "The interval of a rule group.", .gauge, { Double($0.interval) / 1000 }),
            ("lantern_rule_group_last_duration_seconds", "The duration of the last rule group evaluation.", .gauge, { $0.lastDurationSeconds }),
            ("lantern_rule_group_last_evaluation_samples", "The number of samples returned during the last rule group evaluation.", .gauge, { Double($0.lastSamples) }),
            ("lantern_rule_group_last_evaluation_timestamp_seconds", "The timestamp of the last rule group evaluation in seconds.", .gauge, { Double($0.lastEvaluationTime) / 1000 }),
            ("lantern_rule_group_rules", "The number of rules.", .gauge, { Double($0.rules) }),
        ]
        for (name, help, type, value) in series {
            let descriptor = MetricDescriptor(name: name, help: help, type: type, labels: ["rule_group"])
            for (key, figures) in snapshot { sink.add(descriptor, value(figures), key) }
        }
    }
}
