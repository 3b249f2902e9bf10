import LanternPromQL
import Synchronization

/// `alert:` — every element of the expression's result is an alert; the rule tracks each
/// through pending and firing and writes `ALERTS` and `ALERTS_FOR_STATE` for them.
public final class AlertingRule: Rule {
    /// How long a resolved alert is kept, so Alertmanager keeps hearing that it resolved.
    static let resolvedRetention: Int64 = 15 * 60_000

    public let spec: RuleSpec
    let expression: Expr
    public let labels: [String: String]
    private let state: Mutex<(active: [Labels: Alert], restored: Bool)>

    /// `restored` false holds back the `ALERTS` series until `for` state was restored.
    init(spec: RuleSpec, groupLabels: [String: String], restored: Bool) throws {
        self.spec = spec
        expression = try Engine().parse(spec.expression)
        labels = mergedLabels(spec, groupLabels: groupLabels)
        state = Mutex(([:], restored))
    }

    /// Alerts by label set, in label order.
    public var alerts: [Alert] { state.withLock { $0.active.values.sorted { $0.labels < $1.labels } } }
    /// Pending and firing alerts only, as `/api/v1/alerts` lists them.
    public var activeAlerts: [Alert] { alerts.filter { $0.state != .inactive } }

    public var ruleState: Alert.State { alerts.map(\.state).max() ?? .inactive }

    var isRestored: Bool { state.withLock { $0.restored } }

    func markRestored() { state.withLock { $0.restored = true } }

    /// Carries alerts over a reload that replaced the rule's group.
    func adoptAlerts(from other: AlertingRule) {
        let alerts = other.state.withLock { $0.active }
        state.withLock { $0.active = alerts }
    }

    func updateAlerts(_ change: (inout [Labels: Alert]) -> Void) { state.withLock { change(&$0.active) } }

    public func evaluate(at time: Int64, queryTime: Int64, context: RuleEvaluationContext, limit: Int) throws -> [Sample] {
        let samples = try context.query(expression, at: queryTime)
        var current: [Labels: Alert] = [:]
        for sample in samples {
            let alert = makeAlert(sample, at: time, context: context)
            guard current[alert.labels] == nil else {
                throw RuleEvaluationError("vector contains metrics with the same labelset after applying alert labels")
            }
            current[alert.labels] = alert
        }
        return try state.withLock { state in
            for (key, alert) in current {
                if var existing = state.active[key], existing.state != .inactive {
                    existing.value = alert.value
                    existing.annotations = alert.annotations
                    state.active[key] = existing
                } else {
                    state.active[key] = alert
                }
            }
            var output: [Sample] = []
            var activeCount = 0
            for key in state.active.keys.sorted() {
                var alert = state.active[key]!
                var keepFiring = false
                if current[key] == nil {
                    if alert.state == .firing && spec.keepFiringFor > 0 {
                        let since = alert.keepFiringSince ?? time
                        alert.keepFiringSince = since
                        keepFiring = time - since < spec.keepFiringFor
                    }
                    if alert.state == .pending || (alert.resolvedAt.map { time - $0 > Self.resolvedRetention } ?? false) {
                        state.active[key] = nil
                        continue
                    }
                    if alert.state != .inactive && !keepFiring {
                        alert.state = .inactive
                        alert.resolvedAt = time
                    }
                    state.active[key] = alert
                    if !keepFiring { continue }
                } else {
                    alert.keepFiringSince = nil
                }
                activeCount += 1
                if alert.state == .pending && time - alert.activeAt >= spec.holdDuration {
                    alert.state = .firing
                    alert.firedAt = time
                }
                state.active[key] = alert
                if state.restored {
                    output.append(alertsSample(alert, at: queryTime))
                    output.append(forStateSample(alert, at: queryTime))
                }
            }
            if limit > 0 && activeCount > limit {
                state.active = [:]
                throw RuleEvaluationError("exceeded limit of \(limit) with \(activeCount) alerts")
            }
            return output
        }
    }

    /// The alert for one result element: templated labels and annotations, `alertname`.
    private func makeAlert(_ sample: Sample, at time: Int64, context: RuleEvaluationContext) -> Alert {
        var sampleLabels: [String: String] = [:]
        for label in sample.labels.pairs { sampleLabels[label.name] = label.value }
        let expand = { (text: String) -> String in
            switch GoTemplate.expandAlertText(
                text, ruleName: self.spec.name, labels: sampleLabels, externalLabels: context.externalLabels,
                externalURL: context.externalURL, value: sample.value)
            {
            case .success(let expanded): return expanded
            case .failure(let error): return "<error expanding template: \(error)>"
            }
        }
        var alertLabels = sample.labels.withoutMetricName
        for (name, value) in labels {
            let expanded = expand(value)
            if expanded.isEmpty { alertLabels.remove(name) } else { alertLabels.set(name, expanded) }
        }
        alertLabels.set("alertname", spec.name)
        return Alert(
            state: .pending, labels: alertLabels, annotations: spec.annotations.mapValues(expand), value: sample.value, activeAt: time)
    }

    /// `ALERTS{alertstate="pending|firing", ...} 1`.
    private func alertsSample(_ alert: Alert, at time: Int64) -> Sample {
        var sampleLabels = alert.labels
        sampleLabels.set(Labels.metricName, "ALERTS")
        sampleLabels.set("alertstate", alert.state.rawValue)
        return Sample(labels: sampleLabels, timestamp: time, value: 1)
    }

    /// `ALERTS_FOR_STATE{...}` holding `activeAt` in seconds: what a restart restores from.
    private func forStateSample(_ alert: Alert, at time: Int64) -> Sample {
        var sampleLabels = alert.labels
        sampleLabels.set(Labels.metricName, "ALERTS_FOR_STATE")
        return Sample(labels: sampleLabels, timestamp: time, value: Double(floorDivide(alert.activeAt, 1000)))
    }
}

func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
}
