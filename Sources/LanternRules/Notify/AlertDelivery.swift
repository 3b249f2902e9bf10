import LanternPromQL
import LanternScrape

/// An alert as Alertmanager's API v2 receives it.
public struct NotifiedAlert: Sendable, Equatable {
    public var labels: Labels
    public var annotations: [String: String]
    /// Milliseconds.
    public var startsAt: Int64
    public var endsAt: Int64
    public var generatorURL: String
}

/// Where alerts go after each evaluation: the Alertmanager notifier, or a test's recorder.
public protocol AlertSink: Sendable {
    func send(_ alerts: [NotifiedAlert])
}

/// Prometheus' `sendAlerts`: after an alerting rule's evaluation, the firing and recently
/// resolved alerts that are due (new, resolved, or unsent for `resendDelay`) are sent,
/// valid until four evaluation intervals (or resend delays) from now.
public struct AlertDelivery: Sendable {
    public var sink: any AlertSink
    /// Milliseconds; Prometheus' `--rules.alert.resend-delay`, 1m by default.
    public var resendDelay: Int64
    public var externalURL: String

    public init(sink: any AlertSink, resendDelay: Int64 = 60_000, externalURL: String) {
        self.sink = sink
        self.resendDelay = resendDelay
        self.externalURL = externalURL
    }

    func send(_ rule: AlertingRule, at time: Int64, groupInterval: Int64) {
        var due: [NotifiedAlert] = []
        let generatorURL = externalURL + "/graph?g0.expr=" + URLEncoding.encode(rule.spec.expression) + "&g0.tab=1"
        rule.updateAlerts { alerts in
            for key in alerts.keys.sorted() {
                var alert = alerts[key]!
                guard alert.needsSending(at: time, resendDelay: resendDelay) else { continue }
                alert.lastSentAt = time
                alert.validUntil = time + 4 * max(groupInterval, resendDelay)
                alerts[key] = alert
                due.append(NotifiedAlert(
                    labels: alert.labels, annotations: alert.annotations, startsAt: alert.firedAt ?? alert.activeAt,
                    endsAt: alert.resolvedAt ?? alert.validUntil, generatorURL: generatorURL))
            }
        }
        if !due.isEmpty { sink.send(due) }
    }
}
