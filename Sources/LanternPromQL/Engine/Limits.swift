import Glibc

/// The per-query guards: a deadline (`--query.timeout`), task cancellation, and the
/// count of samples held in memory (`--query.max-samples`).
final class Limits {
    private let deadline: Int64
    private let maxSamples: Int
    /// Samples held by the current step plus the range query's output so far.
    private(set) var samplesHeld = 0

    init(timeout: Int64, maxSamples: Int) {
        self.deadline = Limits.nowMilliseconds() + timeout
        self.maxSamples = maxSamples
    }

    static func nowMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    func check() throws(QueryError) {
        if Task.isCancelled { throw QueryError.cancelled }
        if Limits.nowMilliseconds() > deadline { throw QueryError.timeout }
    }

    func hold(_ count: Int) throws(QueryError) {
        samplesHeld += count
        if samplesHeld > maxSamples { throw QueryError.tooManySamples }
    }

    /// Sets the held count back to what the finished steps' output keeps.
    func reset(to retained: Int) {
        samplesHeld = retained
    }
}
