import LanternPromQL
import LanternScrape
import Synchronization

/// A group of rules evaluated together, in order, every `interval`: what a rule file's
/// `groups` entry becomes. Times are milliseconds.
public final class RuleGroup: Sendable {
    public let name: String
    public let file: String
    public let interval: Int64
    public let queryOffset: Int64
    public let limit: Int
    public let rules: [any Rule]
    /// The group as written (interval resolved): an equal spec on reload keeps the group running.
    let spec: RuleGroupSpec
    private let state: Mutex<EvaluationState>

    struct EvaluationState {
        /// Per rule, the series its last successful evaluation wrote: those missing next time get stale markers.
        var seriesInPreviousEval: [Set<Labels>]
        var statuses: [RuleStatus]
        var lastEvaluation: Int64 = 0
        var evaluationSeconds = 0.0
        /// Series of rules a reload removed, marked stale at the next evaluation.
        var staleSeries: [Labels] = []
    }

    init(spec: RuleGroupSpec, file: String, defaultInterval: Int64, restored: Bool) throws {
        var resolved = spec
        resolved.interval = spec.interval.flatMap { $0 > 0 ? $0 : nil } ?? defaultInterval
        self.spec = resolved
        name = spec.name
        self.file = file
        interval = resolved.interval!
        queryOffset = spec.queryOffset ?? 0
        limit = spec.limit
        rules = try spec.rules.map { rule -> any Rule in
            switch rule.kind {
            case .recording: return try RecordingRule(spec: rule, groupLabels: spec.labels)
            case .alerting: return try AlertingRule(spec: rule, groupLabels: spec.labels, restored: restored)
            }
        }
        state = Mutex(EvaluationState(seriesInPreviousEval: Array(repeating: [], count: rules.count), statuses: Array(repeating: RuleStatus(), count: rules.count)))
    }

    /// Identifies the group across reloads, as Prometheus' `GroupKey`.
    public var key: String { file + ";" + name }

    public var statuses: [RuleStatus] { state.withLock { $0.statuses } }
    public var lastEvaluation: Int64 { state.withLock { $0.lastEvaluation } }
    public var evaluationSeconds: Double { state.withLock { $0.evaluationSeconds } }
    public var alertingRules: [AlertingRule] { rules.compactMap { $0 as? AlertingRule } }

    /// The latest evaluation time at or before `now`: a multiple of the interval shifted by
    /// a hash of the group's file and name, so groups spread over the interval the way
    /// Prometheus spreads them (computed in nanoseconds, as Prometheus does).
    public func evaluationTimestamp(atOrBefore now: Int64) -> Int64 {
        let intervalNanoseconds = interval * 1_000_000
        let hashInput = Array("file".utf8) + [0xff] + Array(file.utf8) + [0xff] + Array("name".utf8) + [0xff] + Array(name.utf8) + [0xff]
        let offset = Int64(XXHash64.hash(hashInput) % UInt64(intervalNanoseconds))
        let adjusted = now * 1_000_000 - offset
        let base = adjusted - ((adjusted % intervalNanoseconds) + intervalNanoseconds) % intervalNanoseconds
        return floorDivide(base + offset, 1_000_000)
    }

    /// One evaluation round at `time`: every rule in order, results and stale markers
    /// appended, alerts handed to `delivery`.
    public func evaluate(at time: Int64, context: RuleEvaluationContext, delivery: AlertDelivery?, metrics: RuleMetrics?) {
        let started = WallClock.nowMilliseconds()
        let startedSeconds = WallClock.monotonicSeconds()
        let queryTime = time - queryOffset
        var samplesWritten = 0
        for (index, rule) in rules.enumerated() {
            let ruleStart = WallClock.monotonicSeconds()
            var status = RuleStatus(health: .ok, lastEvaluation: WallClock.nowMilliseconds())
            metrics?.countEvaluation(group: key)
            do {
                let samples = try rule.evaluate(at: time, queryTime: queryTime, context: context, limit: limit)
                if let alerting = rule as? AlertingRule { delivery?.send(alerting, at: time, groupInterval: interval) }
                samplesWritten += samples.count
                let written = write(samples, staleAt: queryTime, previous: state.withLock { $0.seriesInPreviousEval[index] }, context: context, status: &status)
                state.withLock { $0.seriesInPreviousEval[index] = written }
            } catch {
                status.health = .err
                status.lastError = "\(error)"
                metrics?.countFailure(group: key)
            }
            status.evaluationSeconds = WallClock.monotonicSeconds() - ruleStart
            state.withLock { $0.statuses[index] = status }
        }
        let removed = state.withLock { state in
            defer { state.staleSeries = [] }
            return state.staleSeries
        }
        if !removed.isEmpty { writeStaleMarkers(removed, at: queryTime, context: context) }
        let duration = WallClock.monotonicSeconds() - startedSeconds
        state.withLock { state in
            state.lastEvaluation = started
            state.evaluationSeconds = duration
        }
        metrics?.recordIteration(group: key, evaluationTime: time, durationSeconds: duration, samples: samplesWritten, rules: rules.count, interval: interval)
    }

    /// Appends a rule's samples and stale markers for the series it no longer returns;
    /// returns the series written. Append errors make the rule unhealthy, as in Prometheus.
    private func write(_ samples: [Sample], staleAt time: Int64, previous: Set<Labels>, context: RuleEvaluationContext, status: inout RuleStatus) -> Set<Labels> {
        let appender = context.database.appender()
        var written = Set<Labels>()
        for sample in samples {
            do {
                try appender.append(labels: sample.labels, timestampMilliseconds: sample.timestamp, value: sample.value)
                written.insert(sample.labels)
            } catch {
                status.health = .err
                status.lastError = "\(error)"
            }
        }
        for labels in previous.subtracting(written) {
            // Out of order or duplicate here only means a newer sample exists: nothing to end.
            _ = try? appender.append(labels: labels, timestampMilliseconds: time, value: StaleMarker.value)
        }
        do { try appender.commit() } catch {
            status.health = .err
            status.lastError = "\(error)"
        }
        return written
    }

    private func writeStaleMarkers(_ series: [Labels], at time: Int64, context: RuleEvaluationContext) {
        let appender = context.database.appender()
        for labels in series { _ = try? appender.append(labels: labels, timestampMilliseconds: time, value: StaleMarker.value) }
        try? appender.commit()
    }

    /// A group removed by a reload ends all its series, as Prometheus' `markStale` does.
    func markAllStale(at time: Int64, context: RuleEvaluationContext) {
        let series = state.withLock { $0.seriesInPreviousEval.flatMap { $0 } }
        writeStaleMarkers(series, at: time, context: context)
    }

    /// Prometheus' `CopyState`: a group replaced by a reload passes its series, statuses
    /// and alerts to the new group, matched by rule name and labels in order; series of
    /// rules that disappeared become stale.
    func copyState(from old: RuleGroup) {
        let oldState = old.state.withLock { $0 }
        var unused = Array(old.rules.indices)
        state.withLock { state in
            state.lastEvaluation = oldState.lastEvaluation
            state.evaluationSeconds = oldState.evaluationSeconds
            for (index, rule) in rules.enumerated() {
                guard let position = unused.firstIndex(where: { Self.sameIdentity(old.rules[$0].spec, rule.spec) }) else { continue }
                let oldIndex = unused.remove(at: position)
                state.seriesInPreviousEval[index] = oldState.seriesInPreviousEval[oldIndex]
                state.statuses[index] = oldState.statuses[oldIndex]
                if let alerting = rule as? AlertingRule, let previous = old.rules[oldIndex] as? AlertingRule { alerting.adoptAlerts(from: previous) }
            }
            state.staleSeries = oldState.staleSeries + unused.flatMap { oldState.seriesInPreviousEval[$0] }
        }
    }

    private static func sameIdentity(_ a: RuleSpec, _ b: RuleSpec) -> Bool { a.kind == b.kind && a.labels == b.labels }
}
