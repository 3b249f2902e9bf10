#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LanternSupport
import Synchronization

/// How one collector fared in one scrape.
public struct CollectorOutcome: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        case succeeded
        case failed(String)
        /// Still running when the scrape's deadline passed; its output is dropped.
        case timedOut
        /// A run from an earlier scrape has not finished yet (it timed out then).
        case stillRunning
    }
    public let name: String
    public let seconds: Double
    public let status: Status

    public var succeeded: Bool { status == .succeeded }
}

/// The result of one gather: families sorted for exposition, and per-collector outcomes.
public struct Gathered: Sendable {
    public var families: [MetricFamily]
    public var outcomes: [CollectorOutcome]
    /// Inconsistencies found while merging (duplicate series, conflicting help).
    public var problems: [String]
}

/// Names and help texts of the per-collector duration and success families.
public struct CollectorScrapeMetrics: Sendable {
    public let duration: MetricDescriptor
    public let success: MetricDescriptor

    public init(namespace: String, helpPrefix: String) {
        duration = MetricDescriptor(
            name: "\(namespace)_scrape_collector_duration_seconds",
            help: "\(helpPrefix)Duration of a collector scrape.", type: .gauge, labels: ["collector"])
        success = MetricDescriptor(
            name: "\(namespace)_scrape_collector_success",
            help: "\(helpPrefix)Whether a collector succeeded.", type: .gauge, labels: ["collector"])
    }

    /// node_exporter's own names: `node_scrape_collector_{duration_seconds,success}`.
    public static let nodeExporter = CollectorScrapeMetrics(namespace: "node", helpPrefix: "node_exporter: ")
}

/// Runs a set of collectors concurrently on a worker pool, each under a deadline,
/// and merges what they report.
public final class Registry: Sendable {
    public let collectors: [NamedCollector]
    public let timeoutSeconds: Double
    private let scrapeMetrics: CollectorScrapeMetrics?
    private let pool: WorkerPool
    /// How many runners a scrape starts with.
    private let parallelism: Int
    /// Names of collectors whose run timed out and has not returned yet.
    private let overdue = OverdueSet()
    /// How the last scrape's families were arranged; the next scrape brings the same.
    private let lastOrder = Mutex<FamilyOrder?>(nil)

    public init(
        collectors: [NamedCollector], timeoutSeconds: Double = 10,
        scrapeMetrics: CollectorScrapeMetrics? = .nodeExporter, pool: WorkerPool = WorkerPool(),
        parallelism: Int = Registry.defaultParallelism
    ) {
        self.collectors = collectors
        self.parallelism = max(1, parallelism)
        self.timeoutSeconds = timeoutSeconds
        self.scrapeMetrics = scrapeMetrics
        self.pool = pool
    }

    /// Runs the collectors named in `only` (all when nil) and blocks until each has
    /// returned or the deadline (`timeoutSeconds`, or `timeoutOverride` when smaller)
    /// has passed.
    ///
    /// `unreported` collectors (the exporter's own process and handler metrics) run after
    /// the collectors and are merged in the same pass, without duration/success series;
    /// what they throw is reported as a problem.
    public func gather(
        only: Set<String>? = nil, timeoutOverride: Double? = nil, unreported: [any Collector] = []
    ) -> Gathered {
        let result = GatheredResult()
        let gathering = startGather(only: only, timeoutOverride: timeoutOverride, unreported: unreported, completion: result.fulfil)
        while true {
            let wait = gathering.check()
            let until = wait.map { monotonicNanoseconds() &+ $0 } ?? UInt64.max
            if let gathered = result.wait(untilMonotonicNanoseconds: until) { return gathered }
        }
    }

    /// `gather` without blocking: starts the collectors and returns at once. `completion`
    /// runs exactly once, on the thread that ends the gather: the runner that finishes the
    /// last collector (the common case: no thread sleeps waiting for the runners and is
    /// woken to merge), or a `check()` at or after the deadline. The caller must call
    /// `check()` when it asks to, for the deadline and for adding runners when every
    /// runner is held.
    public func startGather(
        only: Set<String>? = nil, timeoutOverride: Double? = nil, unreported: [any Collector] = [],
        completion: @escaping @Sendable (Gathered) -> Void
    ) -> Gathering {
        let selected = only.map { names in collectors.filter { names.contains($0.name) } } ?? collectors
        let timeout = min(timeoutSeconds, timeoutOverride ?? .infinity)
        let start = monotonicNanoseconds()
        let deadline = timeout.isFinite ? start + UInt64(max(0, timeout) * 1e9) : UInt64.max

        // A few runners take collectors one after another from a shared queue, rather than
        // a thread per collector: on a small machine 46 threads add stacks and malloc
        // arenas (resident memory), wake-ups and context switches, not speed. A collector
        // that hangs holds one runner; the others go on with the queue, and when every
        // runner is held (no collector finished for `stallNanoseconds` while some wait)
        // `check()` adds one. Concurrent scrapes each run every collector, as node_exporter
        // does; only a collector whose run timed out and has not returned is skipped.
        var queued: [(slot: Int, entry: NamedCollector)] = []
        var early: [CollectorResult?] = Array(repeating: nil, count: selected.count)
        let skipped = overdue.names
        for (slot, entry) in selected.enumerated() {
            if skipped.contains(entry.name) {
                early[slot] = CollectorResult(sink: nil, outcome: CollectorOutcome(name: entry.name, seconds: 0, status: .stillRunning))
                continue
            }
            queued.append((slot, entry))
        }
        let gathering = Gathering(
            results: early, queued: queued, deadline: deadline, stallNanoseconds: Registry.stallNanoseconds,
            overdue: overdue, addRunner: { [self] gathering in startRunner(gathering) }
        ) { [self] results in
            completion(assemble(selected, results, elapsed: Double(monotonicNanoseconds() - start) / 1e9, unreported: unreported))
        }
        if queued.isEmpty {
            // Nothing to run: end on a pool thread all the same, so that the caller's thread
            // (an event loop) never merges.
            pool.submit { gathering.endIfNothingRemains() }
        }
        for _ in 0..<min(parallelism, queued.count) { startRunner(gathering) }
        return gathering
    }

    /// The gather's result from what arrived: outcomes in collector order (timed out for
    /// what did not), the scrape metrics, the unreported collectors, merged.
    private func assemble(
        _ selected: [NamedCollector], _ results: [CollectorResult?], elapsed: Double, unreported: [any Collector]
    ) -> Gathered {
        var outcomes: [CollectorOutcome] = []
        outcomes.reserveCapacity(selected.count)
        var lists: [[MetricFamily]] = []
        for (slot, entry) in selected.enumerated() {
            if let result = results[slot] {
                outcomes.append(result.outcome)
                if let sink = result.sink { lists.append(sink.families) }
            } else {
                outcomes.append(CollectorOutcome(name: entry.name, seconds: elapsed, status: .timedOut))
            }
        }
        if let scrapeMetrics {
            let sink = MetricSink()
            for outcome in outcomes {
                sink.add(scrapeMetrics.duration, outcome.seconds, outcome.name)
                sink.add(scrapeMetrics.success, outcome.succeeded ? 1 : 0, outcome.name)
            }
            lists.append(sink.families)
        }
        var problems: [String] = []
        for collector in unreported {
            let sink = MetricSink()
            do {
                try collector.collect(into: sink)
            } catch {
                problems.append(String(describing: error))
            }
            problems.append(contentsOf: sink.problems)
            lists.append(sink.families)
        }
        var order = lastOrder.withLock { $0 }
        let families = Registry.merge(lists, problems: &problems, order: &order)
        lastOrder.withLock { $0 = order }
        return Gathered(families: families, outcomes: outcomes, problems: problems)
    }

    /// Runners a scrape starts with: one per processor (collectors mostly wait on the
    /// kernel's file reading, which is CPU work), at least 2 so that one slow collector does
    /// not hold the rest, at most 8.
    public static var defaultParallelism: Int { min(8, max(2, sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// How long a scrape waits for any collector to finish, while some wait for a runner,
    /// before it adds one.
    static let stallNanoseconds: UInt64 = 25_000_000

    /// Starts a runner that takes the gather's collectors until none is left or it has ended.
    private func startRunner(_ scrape: Gathering) {
        pool.submit {
            while let (slot, entry) = scrape.next() {
                let began = monotonicNanoseconds()
                let sink = MetricSink()
                var status = CollectorOutcome.Status.succeeded
                do {
                    try entry.collector.collect(into: sink)
                } catch {
                    status = .failed(String(describing: error))
                }
                if status == .succeeded, !sink.problems.isEmpty {
                    status = .failed(sink.problems.joined(separator: "; "))
                }
                let seconds = Double(monotonicNanoseconds() - began) / 1e9
                scrape.finish(slot: slot, result: .init(sink: sink, outcome: CollectorOutcome(name: entry.name, seconds: seconds, status: status)))
            }
        }
    }

    /// Merges family lists into one, sorted by family name, series sorted as
    /// client_golang sorts them. Families of the same name are joined when help and
    /// type agree; otherwise the later one is dropped. Duplicate series are dropped.
    public static func merge(_ lists: [[MetricFamily]], problems: inout [String]) -> [MetricFamily] {
        var order: FamilyOrder?
        return merge(lists, problems: &problems, order: &order)
    }

    /// `merge`, reusing `order` when the lists bring the same family names in the same
    /// order as the merge that made it, and replacing it otherwise.
    static func merge(_ lists: [[MetricFamily]], problems: inout [String], order: inout FamilyOrder?) -> [MetricFamily] {
        var merged = order?.arrange(lists) ?? mergeByName(lists, problems: &problems, order: &order)
        for index in merged.indices where !merged[index].seriesStrictlyOrdered {
            merged[index].sortMetrics()
            removeDuplicateSeries(&merged[index], problems: &problems)
        }
        return merged
    }

    /// Joins families by name and sorts them; records the arrangement in `order` when
    /// no name came twice (the plain case a later scrape can repeat without looking).
    private static func mergeByName(_ lists: [[MetricFamily]], problems: inout [String], order: inout FamilyOrder?) -> [MetricFamily] {
        let familyCount = lists.reduce(0) { $0 + $1.count }
        var byName: [String: Int] = [:]
        byName.reserveCapacity(familyCount)
        var merged: [MetricFamily] = []
        merged.reserveCapacity(familyCount)
        var sources: [FamilyOrder.Source] = []
        sources.reserveCapacity(familyCount)
        for (listIndex, list) in lists.enumerated() {
            for (familyIndex, family) in list.enumerated() {
                if let index = byName[family.name] {
                    if merged[index].help != family.help {
                        problems.append("collected metric \(family.name) has help \"\(family.help)\" but should have \"\(merged[index].help)\"")
                        continue
                    }
                    if merged[index].type != family.type {
                        problems.append("collected metric \(family.name) has type \(family.type) but should have \(merged[index].type)")
                        continue
                    }
                    merged[index].metrics.append(contentsOf: family.metrics)
                } else {
                    byName[family.name] = merged.count
                    merged.append(family)
                    sources.append(FamilyOrder.Source(list: listIndex, family: familyIndex))
                }
            }
        }
        if !merged.isSortedByName {
            // Sort positions, then move each family once: sorting the families themselves
            // copies them (and their references) on every swap.
            let positions = merged.indices.sorted { merged[$0].name.utf8Precedes(merged[$1].name) }
            merged = positions.map { merged[$0] }
            sources = positions.map { sources[$0] }
        }
        order = merged.count == familyCount ? FamilyOrder(lists, sources: sources) : nil
        return merged
    }

    private static func removeDuplicateSeries(_ family: inout MetricFamily, problems: inout [String]) {
        guard family.metrics.count > 1 else { return }
        var kept: [Metric] = []
        kept.reserveCapacity(family.metrics.count)
        for metric in family.metrics {
            if let last = kept.last, last.labels == metric.labels, last.timestampMilliseconds == metric.timestampMilliseconds {
                let labels = metric.labels.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ",")
                problems.append("collected metric \(family.name){\(labels)} was collected before with the same name and label values")
                continue
            }
            kept.append(metric)
        }
        family.metrics = kept
    }
}

private extension Array where Element == MetricFamily {
    /// Whether the families are already in exposition order (one O(n) pass; skips the
    /// sort, which copies whole families, when a single sorted list is merged).
    var isSortedByName: Bool {
        var index = 1
        while index < count {
            if !self[index - 1].name.utf8Precedes(self[index].name) { return false }
            index += 1
        }
        return true
    }
}

/// What one collector run left behind.
struct CollectorResult: Sendable {
    let sink: SendableSink?
    let outcome: CollectorOutcome

    init(sink: MetricSink?, outcome: CollectorOutcome) {
        self.sink = sink.map(SendableSink.init)
        self.outcome = outcome
    }
}

/// A sink handed from the collector's thread to the waiting scrape once the
/// collector has returned; nothing touches it from two threads at once.
struct SendableSink: @unchecked Sendable {
    let sink: MetricSink
    var families: [MetricFamily] { sink.families }
}

/// The result of a blocking `gather`: the completion fulfils it, the caller waits on it.
private final class GatheredResult: @unchecked Sendable {
    private let lock = ConditionLock()
    private var gathered: Gathered?

    func fulfil(_ value: Gathered) {
        lock.withLock {
            gathered = value
            lock.broadcast()
        }
    }

    /// The result, or nil when `deadline` passes first.
    func wait(untilMonotonicNanoseconds deadline: UInt64) -> Gathered? {
        lock.withLock {
            while gathered == nil {
                if !lock.wait(untilMonotonicNanoseconds: deadline) { break }
            }
            return gathered
        }
    }
}

/// The names of collectors whose run timed out and has not returned.
final class OverdueSet: @unchecked Sendable {
    private let lock = ConditionLock()
    private var stored: Set<String> = []

    /// The names now (usually none).
    var names: Set<String> { lock.withLock { stored } }
    func insert(_ name: String) { _ = lock.withLock { stored.insert(name) } }
    func remove(_ name: String) { _ = lock.withLock { stored.remove(name) } }
}
