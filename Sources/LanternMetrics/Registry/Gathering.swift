/// One gather in progress: the collectors not taken by a runner yet, the results sent, and
/// how it ends. It ends when its last collector returns (that runner ends it, so no thread
/// waits for the runners and is woken to merge) or, at the deadline, in the `check()` that
/// finds it passed; the side that ends it runs `onEnd` once, with the results that arrived.
/// Runners take nothing more once it has ended; a collector still running then is overdue
/// (later scrapes skip it) until it returns.
public final class Gathering: @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `lock`.
    private let lock = ConditionLock()
    private var results: [CollectorResult?]
    private let queued: [(slot: Int, entry: NamedCollector)]
    /// How many of `queued` runners have taken.
    private var taken = 0
    private var remaining: Int
    private var ended = false
    private let deadline: UInt64
    private let stallNanoseconds: UInt64
    /// `remaining` at the last stall check, and when the next one is due.
    private var remainingAtLastCheck: Int
    private var nextStallCheck: UInt64
    private let overdue: OverdueSet
    private var onEnd: (([CollectorResult?]) -> Void)?
    /// Starts one more runner on the queue for this gather.
    private let addRunner: (Gathering) -> Void

    init(
        results: [CollectorResult?], queued: [(slot: Int, entry: NamedCollector)], deadline: UInt64, stallNanoseconds: UInt64,
        overdue: OverdueSet, addRunner: @escaping (Gathering) -> Void, onEnd: @escaping ([CollectorResult?]) -> Void
    ) {
        self.results = results
        self.queued = queued
        self.remaining = queued.count
        self.deadline = deadline
        self.stallNanoseconds = stallNanoseconds
        self.overdue = overdue
        self.addRunner = addRunner
        self.onEnd = onEnd
        remainingAtLastCheck = queued.count
        nextStallCheck = monotonicNanoseconds() &+ stallNanoseconds
    }

    /// Whether the gather has ended (its completion has run or is running).
    public var hasEnded: Bool { lock.withLock { ended } }

    /// The next collector for a runner, or nil when every one is taken or the gather has ended.
    func next() -> (slot: Int, entry: NamedCollector)? {
        lock.withLock {
            guard !ended, taken < queued.count else { return nil }
            taken += 1
            return queued[taken - 1]
        }
    }

    /// Records one collector's result; the last one ends the gather. A result after the
    /// end is dropped, and its collector is no longer overdue.
    func finish(slot: Int, result: CollectorResult) {
        lock.lock()
        guard !ended else {
            // Under this lock, as the end marked it: the two cannot interleave.
            overdue.remove(result.outcome.name)
            lock.unlock()
            return
        }
        results[slot] = result
        remaining -= 1
        endLocked(when: remaining == 0)
    }

    /// Ends a gather that had nothing to run.
    func endIfNothingRemains() {
        lock.lock()
        endLocked(when: !ended && remaining == 0)
    }

    /// Ends the gather at the deadline, and adds a runner when no collector has finished
    /// since the last check while some still wait for one. Returns the nanoseconds until
    /// the next check is due, or nil when none is: the gather has ended, or it has no
    /// deadline and nothing is left to add a runner for.
    public func check() -> UInt64? {
        lock.lock()
        var now = monotonicNanoseconds()
        if !ended && now >= nextStallCheck && now < deadline {
            var checkAgain = true
            if remaining == remainingAtLastCheck {
                lock.unlock()
                checkAgain = hasWaiting
                if checkAgain { addRunner(self) }
                lock.lock()
                now = monotonicNanoseconds()
            }
            remainingAtLastCheck = queued.count
            nextStallCheck = checkAgain ? now &+ stallNanoseconds : UInt64.max
        }
        if ended || now >= deadline {
            endLocked(when: !ended)
            return nil
        }
        let next = min(deadline, nextStallCheck)
        lock.unlock()
        return next == UInt64.max ? nil : next - now
    }

    /// Whether some collector has not been taken by a runner yet.
    private var hasWaiting: Bool { lock.withLock { taken < queued.count } }

    /// Ends the gather if `condition` holds, then unlocks; runs `onEnd` after unlocking.
    private func endLocked(when condition: Bool) {
        guard condition else {
            lock.unlock()
            return
        }
        ended = true
        // Taken and not returned: the runner holding each is still inside its collector.
        for (slot, entry) in queued[..<taken] where results[slot] == nil {
            overdue.insert(entry.name)
        }
        let arrived = results
        let body = onEnd
        onEnd = nil
        results = []
        lock.unlock()
        body?(arrived)
    }
}
