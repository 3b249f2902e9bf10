import LanternScrape
import Logging
import Synchronization

/// Runs the rule groups: each on its own task at its aligned evaluation times; replaced
/// on reload the way Prometheus' rule manager replaces them (unchanged groups keep
/// running, changed ones hand over their state, removed ones end their series).
public final class RuleManager: Sendable {
    public struct Options: Sendable {
        /// Milliseconds; `--rules.alert.for-outage-tolerance`.
        public var outageTolerance: Int64 = 3_600_000
        /// Milliseconds; `--rules.alert.for-grace-period`.
        public var gracePeriod: Int64 = 600_000
        public init() {}
    }

    private struct Running {
        let group: RuleGroup
        let task: Task<Void, Never>
    }

    public let metrics = RuleMetrics()
    private let options: Options
    private let delivery: AlertDelivery?
    private let logger: Logger
    private let running = Mutex<[String: Running]>([:])
    private let context: Mutex<RuleEvaluationContext>
    /// Groups of the first load restore `for` state; later reloads have nothing to restore.
    private let firstLoad = Mutex(true)

    public init(context: RuleEvaluationContext, delivery: AlertDelivery?, options: Options, logger: Logger) {
        self.context = Mutex(context)
        self.delivery = delivery
        self.options = options
        self.logger = logger
    }

    /// Groups in file order, then group order, as `/api/v1/rules` lists them.
    public var groups: [RuleGroup] {
        running.withLock { $0.values.map(\.group) }.sorted { ($0.file, $0.name) < ($1.file, $1.name) }
    }

    /// Loads and validates every file first: any error leaves the running groups alone.
    public func update(files: [String], defaultInterval: Int64, externalLabels: [String: String]) async throws {
        var loaded: [RuleGroup] = []
        let restore = firstLoad.withLock { first in
            defer { first = false }
            return first
        }
        for path in files {
            let file = try RuleFileLoader.load(path: path)
            for spec in file.groups {
                loaded.append(try RuleGroup(spec: spec, file: path, defaultInterval: defaultInterval, restored: !restore))
            }
        }
        context.withLock { $0.externalLabels = externalLabels }
        let previous = running.withLock { running in
            defer { running = [:] }
            return running
        }
        var started: [String: Running] = [:]
        for group in loaded {
            if let old = previous[group.key], old.group.spec == group.spec {
                started[group.key] = old
                continue
            }
            if let old = previous[group.key] {
                old.task.cancel()
                await old.task.value
                group.copyState(from: old.group)
            }
            started[group.key] = Running(group: group, task: start(group, restore: restore))
        }
        for (key, old) in previous where started[key] == nil {
            old.task.cancel()
            await old.task.value
            old.group.markAllStale(at: WallClock.nowMilliseconds(), context: context.withLock { $0 })
        }
        running.withLock { $0 = started }
        metrics.keep(groups: Set(started.keys))
    }

    public func stop() async {
        let all = running.withLock { running in
            defer { running = [:] }
            return running
        }
        for entry in all.values {
            entry.task.cancel()
            await entry.task.value
        }
    }

    /// Prometheus' group loop: first evaluation at the next aligned time, `for` state
    /// restored after the second, missed iterations counted and skipped.
    private func start(_ group: RuleGroup, restore: Bool) -> Task<Void, Never> {
        Task.detached { [self] in
            var evaluationTime = group.evaluationTimestamp(atOrBefore: WallClock.nowMilliseconds()) + group.interval
            var needsRestore = restore
            var iteration = 0
            while !Task.isCancelled {
                let wait = evaluationTime - WallClock.nowMilliseconds()
                if wait > 0 { try? await Task.sleep(nanoseconds: UInt64(wait) * 1_000_000) }
                if Task.isCancelled { return }
                let current = self.context.withLock { $0 }
                group.evaluate(at: evaluationTime, context: current, delivery: self.delivery, metrics: self.metrics)
                iteration += 1
                if needsRestore && iteration == 2 {
                    let restorer = ForStateRestore(outageTolerance: self.options.outageTolerance, gracePeriod: self.options.gracePeriod)
                    for rule in group.alertingRules { restorer.restore(rule, at: WallClock.nowMilliseconds(), context: current) }
                    needsRestore = false
                }
                let now = WallClock.nowMilliseconds()
                let missed = max(0, (now - evaluationTime) / group.interval - 1)
                if missed > 0 { self.metrics.countMissed(group: group.key, Int(missed)) }
                evaluationTime += (missed + 1) * group.interval
            }
        }
    }
}
