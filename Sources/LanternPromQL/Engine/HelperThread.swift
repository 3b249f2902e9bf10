import Glibc

/// Work run on a thread of its own while the caller does other work; `join` waits for it
/// and hands back its result. A plain thread rather than a task: the caller blocks in
/// `join`, and a cooperative-pool thread blocked on work queued behind it on the same
/// (two-thread) pool could wait for ever.
final class HelperThread<Output>: @unchecked Sendable {
    // Unchecked: `work` is set before pthread_create and `output` read after pthread_join,
    // both of which order memory between the two threads.
    private var work: (() -> Output)?
    private var output: Output?
    private var thread: pthread_t?

    private init(_ work: @escaping () -> Output) { self.work = work }

    /// Starts `work` on a new thread (or, when no thread can be had, leaves it to `join`).
    static func start(_ work: @escaping () -> Output) -> HelperThread {
        let helper = HelperThread(work)
        let body = Unmanaged.passRetained(ThreadBody { helper.run() }).toOpaque()
        var thread = pthread_t()
        if pthread_create(&thread, nil, runThreadBody, body) == 0 {
            helper.thread = thread
        } else {
            Unmanaged<ThreadBody>.fromOpaque(body).release()
        }
        return helper
    }

    private func run() {
        output = work?()
        work = nil
    }

    /// The work's result, once it has finished (run here if no thread could be started).
    func join() -> Output {
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        } else if work != nil {
            run()
        }
        return output!
    }
}

/// What a helper thread runs; not generic, so that a C function can start it.
private final class ThreadBody {
    let run: () -> Void

    init(_ run: @escaping () -> Void) { self.run = run }
}

private func runThreadBody(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    Unmanaged<ThreadBody>.fromOpaque(context!).takeRetainedValue().run()
    return nil
}
