import LanternMetrics
import LanternPromQL
import LanternRules

/// `/api/v1/rules`, `/api/v1/alerts` and `/api/v1/alertmanagers` in Prometheus 2.42's JSON:
/// the same keys in the same order, times in RFC 3339, durations in seconds.
struct RulesEndpoints {
    let ruleServices: RuleServices

    func rules(_ request: APIRequest) -> APIResponse {
        let type = (request.first("type") ?? "").lowercased()
        guard ["", "alert", "record"].contains(type) else { return APIEnvelope.error(.badData, "not supported value \"\(type)\"") }
        let groups = ruleServices.rules.groups.map { group in
            let statuses = group.statuses
            var rules: [String] = []
            for (rule, status) in zip(group.rules, statuses) {
                if let alerting = rule as? AlertingRule {
                    if type != "record" { rules.append(Self.alertingRule(alerting, status: status)) }
                } else if let recording = rule as? RecordingRule, type != "alert" {
                    rules.append(Self.recordingRule(recording, status: status))
                }
            }
            return APIEnvelope.object([
                ("name", PrometheusJSON.string(group.name)),
                ("file", PrometheusJSON.string(group.file)),
                ("rules", "[" + rules.joined(separator: ",") + "]"),
                ("interval", PrometheusJSON.float(Double(group.interval) / 1000)),
                ("limit", String(group.limit)),
                ("evaluationTime", PrometheusJSON.float(group.evaluationSeconds)),
                ("lastEvaluation", Self.time(group.lastEvaluation)),
            ])
        }
        return APIEnvelope.success(APIEnvelope.object([("groups", "[" + groups.joined(separator: ",") + "]")]))
    }

    func alerts() -> APIResponse {
        let alerts = ruleServices.rules.groups.flatMap(\.alertingRules).flatMap(\.activeAlerts).map(Self.alert)
        return APIEnvelope.success(APIEnvelope.object([("alerts", "[" + alerts.joined(separator: ",") + "]")]))
    }

    func alertmanagers() -> APIResponse {
        let active = ruleServices.notifier.targets.map { APIEnvelope.object([("url", PrometheusJSON.string($0.url))]) }
        return APIEnvelope.success(APIEnvelope.object([
            ("activeAlertmanagers", "[" + active.joined(separator: ",") + "]"),
            ("droppedAlertmanagers", "[]"),
        ]))
    }

    private static func alertingRule(_ rule: AlertingRule, status: RuleStatus) -> String {
        var pairs: [(String, String)] = [
            ("state", PrometheusJSON.string(rule.ruleState.rawValue)),
            ("name", PrometheusJSON.string(rule.spec.name)),
            ("query", PrometheusJSON.string(rule.spec.expression)),
            ("duration", PrometheusJSON.float(Double(rule.spec.holdDuration) / 1000)),
            ("keepFiringFor", PrometheusJSON.float(Double(rule.spec.keepFiringFor) / 1000)),
            ("labels", PrometheusJSON.labels(Labels(rule.labels))),
            ("annotations", PrometheusJSON.labels(Labels(rule.spec.annotations))),
            ("alerts", "[" + rule.activeAlerts.map(alert).joined(separator: ",") + "]"),
        ]
        pairs += health(status)
        pairs.append(("type", "\"alerting\""))
        return APIEnvelope.object(pairs)
    }

    private static func recordingRule(_ rule: RecordingRule, status: RuleStatus) -> String {
        var pairs: [(String, String)] = [("name", PrometheusJSON.string(rule.spec.name)), ("query", PrometheusJSON.string(rule.spec.expression))]
        // `omitempty` in Prometheus: a recording rule without labels has no `labels` key.
        if !rule.labels.isEmpty { pairs.append(("labels", PrometheusJSON.labels(Labels(rule.labels)))) }
        pairs += health(status)
        pairs.append(("type", "\"recording\""))
        return APIEnvelope.object(pairs)
    }

    private static func health(_ status: RuleStatus) -> [(String, String)] {
        var pairs = [("health", PrometheusJSON.string(status.health.rawValue))]
        if !status.lastError.isEmpty { pairs.append(("lastError", PrometheusJSON.string(status.lastError))) }
        pairs.append(("evaluationTime", PrometheusJSON.float(status.evaluationSeconds)))
        pairs.append(("lastEvaluation", time(status.lastEvaluation)))
        return pairs
    }

    static func alert(_ alert: Alert) -> String {
        APIEnvelope.object([
            ("labels", PrometheusJSON.labels(alert.labels)),
            ("annotations", PrometheusJSON.labels(Labels(alert.annotations))),
            ("state", PrometheusJSON.string(alert.state.rawValue)),
            ("activeAt", time(alert.activeAt)),
            ("value", PrometheusJSON.string(GoExponent.format(alert.value))),
        ])
    }

    /// Go's zero `time.Time` before the first evaluation, as Prometheus shows it.
    private static func time(_ milliseconds: Int64) -> String {
        PrometheusJSON.string(milliseconds == 0 ? "0001-01-01T00:00:00Z" : RFC3339Time.format(milliseconds))
    }
}
