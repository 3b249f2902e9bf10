import LanternPromQL

/// Prometheus' `RestoreForState`: after a restart, an alert that was pending resumes its
/// `for` from `ALERTS_FOR_STATE` instead of starting again, if the outage was shorter
/// than the tolerance; one about to fire gets at least the grace period.
struct ForStateRestore {
    var outageTolerance: Int64
    var gracePeriod: Int64

    func restore(_ rule: AlertingRule, at now: Int64, context: RuleEvaluationContext) {
        defer { rule.markRestored() }
        let hold = rule.spec.holdDuration
        // A `for` shorter than the grace period simply starts again.
        guard hold >= gracePeriod else { return }
        rule.updateAlerts { alerts in
            for (key, var alert) in alerts {
                guard let (downAt, activeSeconds) = lastForState(alert.labels, from: now - outageTolerance, to: now, context: context) else { continue }
                let downAtSeconds = floorDivide(downAt, 1000) * 1000
                var activeAt = Int64(activeSeconds) * 1000
                let remaining = hold - (downAtSeconds - activeAt)
                if remaining <= 0 {
                    // It was firing: the next evaluation fires it again if the condition holds.
                } else if remaining < gracePeriod {
                    activeAt = now + gracePeriod - hold
                } else {
                    activeAt += now - downAtSeconds
                }
                alert.activeAt = activeAt
                alerts[key] = alert
            }
        }
    }

    /// Timestamp and value of the last `ALERTS_FOR_STATE` sample of exactly these labels.
    private func lastForState(_ labels: Labels, from start: Int64, to end: Int64, context: RuleEvaluationContext) -> (Int64, Double)? {
        do {
            var matchers = [try LabelMatcher(.equal, Labels.metricName, "ALERTS_FOR_STATE")]
            for label in labels.pairs { matchers.append(try LabelMatcher(.equal, label.name, label.value)) }
            let querier = try context.database.querier(mint: start, maxt: end)
            defer { querier.close() }
            var set = try querier.select(matchers, hints: SelectHints(start: start, end: end))
            while let series = try set.next() {
                // Matchers also match series with extra labels; only the exact set counts.
                guard series.labels.pairs.count == labels.pairs.count + 1 else { continue }
                var iterator = series.makeSampleIterator()
                var last: Point?
                while try iterator.next() { last = iterator.current }
                guard let last, !StaleMarker.isStale(last.value) else { return nil }
                return (last.timestamp, last.value)
            }
        } catch {
            return nil
        }
        return nil
    }
}
