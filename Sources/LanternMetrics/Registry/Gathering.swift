/// One gather in progress: the results its collectors have sent, and how it ends. It ends
/// when its last collector returns (that runner ends it, so no thread waits for the runners
/// and is woken to merge) or, at the deadline, in the `check()` that finds it passed; the
/// side that ends it runs `onEnd` once, with the results that arrived, and later arrivals
/// are ignored.
public final class Gathering: @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `lock`.
    private let lock = ConditionLock()
    private var results: [CollectorResult?]
    private var remaining: Int
    private var ended = false
    private let deadline: UInt64
    private let stallNanoseconds: UInt64
    /// `remaining` at the last stall check, and when the next one is due.
    private var remainingAtLastCheck: Int
    private var nextStallCheck: UInt64
    private let queue: CollectorQueue
    private var onEnd: (([CollectorResult?]) -> Void)?
    /// Starts one more runner on the queue for this gather.
    private let addRunner: (Gathering) -> Void

    init(
        results: [CollectorResult?], remaining: Int, deadline: UInt64, stallNanoseconds: UInt64, queue: CollectorQueue,
        addRunner: @escaping (Gathering) -> Void, onEnd: @escaping ([CollectorResult?]) -> Void
    ) {
        self.results = results
        self.remaining = remaining
        self.deadline = deadline
        self.stallNanoseconds = stallNanoseconds
        self.queue = queue
        self.addRunner = addRunner
        self.onEnd = onEnd
        remainingAtLastCheck = remaining
        nextStallCheck = monotonicNanoseconds() &+ stallNanoseconds
    }

    /// Whether the gather has ended (its completion has run or is running).
    public var hasEnded: Bool { lock.withLock { ended } }

    /// Records one collector's result; the last one ends the gather.
    func finish(slot: Int, result: CollectorResult) {
        lock.lock()
        guard !ended else {
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
                checkAgain = queue.hasWaiting
                if checkAgain { addRunner(self) }
                lock.lock()
                now = monotonicNanoseconds()
            }
            remainingAtLastCheck = remaining
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

    /// Ends the gather if `condition` holds, then unlocks; runs `onEnd` after unlocking.
    private func endLocked(when condition: Bool) {
        guard condition else {
            lock.unlock()
            return
        }
        ended = true
        let arrived = results
        let body = onEnd
        onEnd = nil
        results = []
        lock.unlock()
        body?(arrived)
    }
}
