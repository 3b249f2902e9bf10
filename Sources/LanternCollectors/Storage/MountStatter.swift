import Glibc
import LanternMetrics
import Logging
import Synchronization

/// What statfs(2) said about one mount point.
public enum StatfsOutcome: Sendable, Equatable {
    case stats(FilesystemUsage)
    /// The call failed; the text is the error as Go prints it (lower-case strerror).
    case failed(String)
    /// No answer within the mount timeout, now or on an earlier scrape.
    case timedOut
}

/// Sizes from statfs(2), in node_exporter's units (blocks times the block size).
public struct FilesystemUsage: Sendable, Equatable {
    public var sizeBytes: Double
    public var freeBytes: Double
    public var availableBytes: Double
    public var files: Double
    public var filesFree: Double
}

/// One mount point to stat: its label, the path to stat, and whether the call can hang
/// (`MountStatter.needsTimeout`).
struct StatTarget: Sendable {
    var mountPoint: String
    var path: String
    var needsTimeout: Bool
}

/// Runs statfs(2) on mount points. A call that cannot hang (`needsTimeout` false: local
/// file systems whose statfs reads counters in memory) runs on the calling thread, with no
/// thread hand-off. The others run with at most `workers` calls in flight per scrape (one
/// worker to begin with, more while a call is slow), each given `timeout` seconds. A call
/// that does not answer in time is left running on its thread, its mount point is reported
/// as timed out and is not stat'ed again until that call returns ("Mount point is in an
/// unresponsive state"); a fresh worker takes over the rest of the scrape's mount points,
/// so a hung NFS or FUSE mount never stalls the scrape.
/// Threads alive at once: `workers` per running scrape plus one per stuck mount point.
final class MountStatter: Sendable {
    private let workers: Int
    private let timeoutNanoseconds: UInt64
    private let logger: Logger
    private let pool = WorkerPool(maximumThreads: 1024)
    /// Mount points whose statfs call has not returned after the timeout.
    private let stuckMountPoints = Mutex<Set<String>>([])
    /// Replaces statfs(2) in tests.
    private let statfs: @Sendable (String) -> StatfsOutcome

    init(workers: Int, timeoutSeconds: Double, logger: Logger, statfs: @escaping @Sendable (String) -> StatfsOutcome = MountStatter.systemStatfs) {
        self.workers = max(1, workers)
        self.timeoutNanoseconds = UInt64(max(0, min(timeoutSeconds, 1e9)) * 1e9)
        self.logger = logger
        self.statfs = statfs
    }

    /// Whether a statfs call on `mountPoint` is still hanging from an earlier scrape.
    func isStuck(_ mountPoint: String) -> Bool {
        stuckMountPoints.withLock { $0.contains(mountPoint) }
    }

    /// How long a statfs call may run before another worker starts on the queue. Local
    /// filesystems answer in microseconds, so one worker (one thread woken per scrape, not
    /// `workers`) does the common case; a slow or hung mount brings in the others.
    static let slowCallNanoseconds: UInt64 = 1_000_000

    /// Stats `targets` and returns the outcomes in order: those that cannot hang here, the
    /// others on the workers under the timeout.
    func stat(_ targets: [StatTarget]) -> [StatfsOutcome] {
        var outcomes: [StatfsOutcome] = []
        outcomes.reserveCapacity(targets.count)
        var guarded: [(mountPoint: String, path: String)] = []
        for target in targets {
            if target.needsTimeout {
                guarded.append((target.mountPoint, target.path))
                outcomes.append(.timedOut)
            } else {
                outcomes.append(statfs(target.path))
            }
        }
        guard !guarded.isEmpty else { return outcomes }
        var answers = statOnWorkers(guarded).makeIterator()
        for index in targets.indices where targets[index].needsTimeout {
            outcomes[index] = answers.next() ?? .timedOut
        }
        return outcomes
    }

    /// File system types whose statfs(2) cannot hang: it reads counters the kernel keeps in
    /// memory and takes no lock that waits on I/O (ext4_statfs, ext2_statfs, shmem_statfs,
    /// simple_statfs; ext2 and ext3 are mounted by either driver). Not here, and so stat'ed
    /// under the timeout: network and FUSE file systems (they ask a server), xfs (5.14-5.19
    /// kernels without the backported fix wait in statfs for inode garbage collection), btrfs
    /// (statfs takes the chunk mutex, held across chunk allocation), and every other type.
    static let typesWhoseStatfsCannotHang: Set<String> = ["devtmpfs", "ext2", "ext3", "ext4", "ramfs", "tmpfs"]

    /// For each of `mounts` (mount point as mountinfo spells it, type), whether its statfs
    /// needs a worker and the timeout: unless the mount and everything the path lookup
    /// crosses or meets (mounts on a directory above it, mounts stacked on the same mount
    /// point, whose top one statfs reaches) has a type of `typesWhoseStatfsCannotHang`. The
    /// lookup itself does no I/O there: a mount point and the directories above it stay in
    /// the dentry cache while mounted, and these types do not revalidate dentries. The
    /// project-quota branch of ext4_statfs may read one quota block from the local disk.
    static func needsTimeout(_ mounts: [(mountPoint: String, fsType: String)]) -> [Bool] {
        var safeAt: [String: Bool] = [:]
        for mount in mounts {
            let safe = typesWhoseStatfsCannotHang.contains(mount.fsType)
            safeAt[mount.mountPoint] = (safeAt[mount.mountPoint] ?? true) && safe
        }
        return mounts.map { mount in
            guard mount.mountPoint.hasPrefix("/") else { return true }
            var path = Substring(mount.mountPoint)
            while path != "/" {
                if safeAt[String(path)] == false { return true }
                let slash = path.lastIndex(of: "/") ?? path.startIndex
                path = slash == path.startIndex ? "/" : path[..<slash]
            }
            // The root must be listed too: the lookup starts there.
            return safeAt["/"] != true
        }
    }

    /// Stats `targets` (mount point label, path to stat) on the workers under the timeout.
    private func statOnWorkers(_ targets: [(mountPoint: String, path: String)]) -> [StatfsOutcome] {
        let batch = StatBatch(count: targets.count)
        // Workers on this batch not left blocked in a timed-out call.
        var active = 1
        startWorker(batch, targets)
        while true {
            let scan = batch.expire(timeoutNanoseconds: timeoutNanoseconds, slowNanoseconds: MountStatter.slowCallNanoseconds) { index in
                stuckMountPoints.withLock { _ = $0.insert(targets[index].mountPoint) }
            }
            for index in scan.overdue {
                let mountPoint = targets[index].mountPoint
                logger.debug("Mount point timed out, it is being labeled as stuck and will not be monitored", metadata: ["mountpoint": "\(mountPoint)"])
                // The worker stays blocked in statfs: another one carries on with the queue.
                if batch.hasQueued { startWorker(batch, targets) }
            }
            if scan.done { return batch.outcomes() }
            var wakeAt = scan.nextDeadline
            if active < workers && batch.hasQueued {
                if scan.slowCall {
                    active += 1
                    startWorker(batch, targets)
                }
                wakeAt = min(wakeAt, monotonicNow() &+ MountStatter.slowCallNanoseconds)
            }
            batch.waitForProgress(untilMonotonicNanoseconds: wakeAt)
        }
    }

    private func startWorker(_ batch: StatBatch, _ targets: [(mountPoint: String, path: String)]) {
        pool.submit { [self] in
            while let index = batch.claim(now: monotonicNow()) {
                let outcome = statfs(targets[index].path)
                let mountPoint = targets[index].mountPoint
                let wasLate = batch.complete(index, with: outcome) {
                    stuckMountPoints.withLock { _ = $0.remove(mountPoint) }
                }
                if wasLate {
                    logger.debug("Mount point has recovered, monitoring will resume", metadata: ["mountpoint": "\(mountPoint)"])
                    // A replacement worker has taken this one's place in the batch.
                    return
                }
            }
        }
    }

    /// statfs through statvfs(3) (glibc fills it from statfs(2); Glibc does not export
    /// statfs): block counts times f_bsize, as node_exporter computes them.
    @Sendable static func systemStatfs(_ path: String) -> StatfsOutcome {
        var buffer = statvfs()
        guard statvfs(path, &buffer) == 0 else { return .failed(goErrorText(errno)) }
        let blockSize = Double(buffer.f_bsize)
        return .stats(FilesystemUsage(
            sizeBytes: Double(buffer.f_blocks) * blockSize, freeBytes: Double(buffer.f_bfree) * blockSize,
            availableBytes: Double(buffer.f_bavail) * blockSize, files: Double(buffer.f_files), filesFree: Double(buffer.f_ffree)))
    }

    /// Go's syscall.Errno text: the C library's message with a lower-case first letter.
    static func goErrorText(_ code: Int32) -> String {
        let message = strerror(code).map { String(cString: $0) } ?? "errno \(code)"
        guard let first = message.first else { return message }
        return first.lowercased() + message.dropFirst()
    }
}

/// One scrape's statfs calls: the queue, their start times and outcomes, and a semaphore
/// posted when the last answer arrives (the waiting thread times its other checks itself).
private final class StatBatch: @unchecked Sendable {
    // @unchecked: `state` is guarded by its Mutex; the semaphore is thread-safe by design.
    private struct State {
        var nextIndex = 0
        var started: [UInt64?]
        var outcomes: [StatfsOutcome?]
        var answered = 0
    }
    private let state: Mutex<State>
    private let count: Int
    private let progress: UnsafeMutablePointer<sem_t>

    init(count: Int) {
        self.count = count
        state = Mutex(State(started: Array(repeating: nil, count: count), outcomes: Array(repeating: nil, count: count)))
        progress = .allocate(capacity: 1)
        sem_init(progress, 0, 0)
    }

    deinit {
        sem_destroy(progress)
        progress.deallocate()
    }

    var hasQueued: Bool { state.withLock { $0.nextIndex < count } }

    /// The next mount point to stat, or nil when the queue is empty.
    func claim(now: UInt64) -> Int? {
        state.withLock { state in
            guard state.nextIndex < count else { return nil }
            let index = state.nextIndex
            state.nextIndex += 1
            state.started[index] = now
            return index
        }
    }

    /// Records an answer. Returns true when it came after the timeout (the outcome was
    /// already `.timedOut`); `whenLate` then runs under the lock, so that a timeout and a
    /// late answer cannot interleave.
    func complete(_ index: Int, with outcome: StatfsOutcome, whenLate: () -> Void) -> Bool {
        let answer = state.withLock { state in
            guard state.outcomes[index] == nil else {
                whenLate()
                return (late: true, last: false)
            }
            state.outcomes[index] = outcome
            state.answered += 1
            return (late: false, last: state.answered == count)
        }
        if answer.last { sem_post(progress) }
        return answer.late
    }

    /// Marks calls running longer than the timeout as timed out. Returns whether every
    /// mount point has an outcome, the indices that just timed out, when the next running
    /// call will time out, and whether a running call has taken `slowNanoseconds` or more.
    /// `onTimeout` runs under the lock for each.
    func expire(
        timeoutNanoseconds: UInt64, slowNanoseconds: UInt64, onTimeout: (Int) -> Void
    ) -> (done: Bool, overdue: [Int], nextDeadline: UInt64, slowCall: Bool) {
        let now = monotonicNow()
        return state.withLock { state in
            var overdue: [Int] = []
            var nextDeadline = UInt64.max
            var slowCall = false
            for index in 0..<count {
                guard state.outcomes[index] == nil, let start = state.started[index] else { continue }
                let deadline = start &+ timeoutNanoseconds
                if deadline <= now {
                    state.outcomes[index] = .timedOut
                    state.answered += 1
                    overdue.append(index)
                    onTimeout(index)
                } else {
                    nextDeadline = min(nextDeadline, deadline)
                    slowCall = slowCall || now &- start >= slowNanoseconds
                }
            }
            return (state.answered == count, overdue, nextDeadline, slowCall)
        }
    }

    func outcomes() -> [StatfsOutcome] {
        state.withLock { $0.outcomes.map { $0 ?? .timedOut } }
    }

    /// Sleeps until a worker answers or the deadline passes.
    func waitForProgress(untilMonotonicNanoseconds deadline: UInt64) {
        let now = monotonicNow()
        // sem_timedwait takes a CLOCK_REALTIME deadline; waits are capped at a second so a
        // clock jump cannot make one overlong, and the caller re-checks its deadlines.
        let wait = min(deadline > now ? deadline - now : 0, 1_000_000_000)
        var until = timespec()
        clock_gettime(CLOCK_REALTIME, &until)
        let nanoseconds = Int(until.tv_nsec) + Int(wait)
        until.tv_sec += nanoseconds / 1_000_000_000
        until.tv_nsec = nanoseconds % 1_000_000_000
        while sem_timedwait(progress, &until) != 0 && errno == EINTR {}
    }
}

private func monotonicNow() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
}
