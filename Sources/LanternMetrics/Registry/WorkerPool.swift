#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An elastic pool of plain threads for work that blocks (reading kernel files,
/// statfs, D-Bus calls). Threads are started when no idle one is left, up to
/// `maximumThreads`, and exit after `idleSeconds` without work, so an idle exporter
/// holds few threads and a hung collector holds only its own.
public final class WorkerPool: @unchecked Sendable {
    public typealias Job = @Sendable () -> Void

    private let lock = ConditionLock()
    private var jobs: [Job] = []
    private var head = 0
    private var idleThreads = 0
    private var threads = 0
    private let maximumThreads: Int
    private let idleNanoseconds: UInt64

    public init(maximumThreads: Int = 128, idleSeconds: Int = 30) {
        self.maximumThreads = max(1, maximumThreads)
        self.idleNanoseconds = UInt64(max(1, idleSeconds)) * 1_000_000_000
    }

    /// Runs `job` on a pool thread.
    public func submit(_ job: @escaping Job) {
        lock.lock()
        jobs.append(job)
        let wakeIdle = idleThreads > jobs.count - head - 1
        let startThread = !wakeIdle && threads < maximumThreads
        if startThread { threads += 1 }
        lock.unlock()
        // Signalled after unlocking: a thread woken while the lock is still held would
        // block on it at once, one futex wait and wake more per job. The idle thread is
        // counted under the lock, so it is waiting and cannot miss the signal.
        if wakeIdle { lock.signal() }
        if startThread { spawnWorker() }
    }

    private func nextJob() -> Job? {
        guard head < jobs.count else { return nil }
        let job = jobs[head]
        head += 1
        if head == jobs.count {
            jobs.removeAll(keepingCapacity: jobs.capacity <= 64)
            head = 0
        }
        return job
    }

    private func workerLoop() {
        lock.lock()
        while true {
            if let job = nextJob() {
                lock.unlock()
                job()
                lock.lock()
                continue
            }
            idleThreads += 1
            let signalled = lock.wait(untilMonotonicNanoseconds: monotonicNanoseconds() + idleNanoseconds)
            idleThreads -= 1
            if !signalled && head == jobs.count {
                threads -= 1
                lock.unlock()
                return
            }
        }
    }

    private func spawnWorker() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        pthread_attr_setstacksize(&attributes, 2 << 20)
        #if canImport(Darwin)
        var thread: pthread_t? = nil
        #else
        var thread = pthread_t()
        #endif
        let result = pthread_create(&thread, &attributes, { raw in
            #if canImport(Darwin)
            let pool = Unmanaged<WorkerPool>.fromOpaque(raw).takeRetainedValue()
            #else
            let pool = Unmanaged<WorkerPool>.fromOpaque(raw!).takeRetainedValue()
            #endif
            pool.workerLoop()
            return nil
        }, context)
        pthread_attr_destroy(&attributes)
        if result != 0 {
            Unmanaged<WorkerPool>.fromOpaque(context).release()
            lock.withLock { threads -= 1 }
        }
    }
}
