import Glibc
import Synchronization

/// The per-query guards: a deadline (`--query.timeout`), task cancellation, and the
/// count of samples held in memory (`--query.max-samples`).
final class Limits {
    private let deadline: Int64
    private let maxSamples: Int
    /// Samples held by the current step plus the range query's output so far.
    private(set) var samplesHeld = 0
    /// The most samples held at once so far (checked by `hold`).
    private(set) var peakHeld = 0
    /// For the limits of a helper evaluating part of a query: set when the rest of the
    /// query failed, so the helper's work is wasted (a cancelled task among them: the
    /// helper's thread is no task and cannot see it).
    private let abandoned: AbandonSignal?

    init(timeout: Int64, maxSamples: Int) {
        self.deadline = Limits.nowMilliseconds() + timeout
        self.maxSamples = maxSamples
        self.abandoned = nil
    }

    /// Limits for a helper of the query `limits` guards: the same deadline and sample
    /// limit, its own count of samples held, stopped early by `abandoned`.
    init(helping limits: Limits, abandoned: AbandonSignal) {
        self.deadline = limits.deadline
        self.maxSamples = limits.maxSamples
        self.abandoned = abandoned
    }

    static func nowMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    func check() throws(QueryError) {
        if Task.isCancelled || abandoned?.isSet == true { throw QueryError.cancelled }
        if Limits.nowMilliseconds() > deadline { throw QueryError.timeout }
    }

    func hold(_ count: Int) throws(QueryError) {
        samplesHeld += count
        peakHeld = max(peakHeld, samplesHeld)
        if samplesHeld > maxSamples { throw QueryError.tooManySamples }
    }

    /// Whether holding `count` more samples at the peak would pass the limit.
    func wouldExceed(atPeakPlus count: Int) -> Bool { peakHeld + count > maxSamples }

    /// Sets the held count back to what the finished steps' output keeps.
    func reset(to retained: Int) {
        samplesHeld = retained
    }
}

/// Tells a helper thread its part of a query is no longer wanted.
final class AbandonSignal: Sendable {
    private let flag = Atomic<Bool>(false)

    var isSet: Bool { flag.load(ordering: .relaxed) }

    func set() { flag.store(true, ordering: .relaxed) }
}
