#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM and SIGINT, blocked from the first line of `run` and taken with sigwait(2)
/// once the exporter serves. A signal sent while it starts (a service manager, or a test
/// that saw "Listening on" before the wait began) stays pending and ends the exporter
/// cleanly at the wait. A handler installed late would let the default action kill it
/// before, and SIG_IGN (which dispatch signal sources need) discards a pending signal.
enum TerminationSignals {
    private static let handled: [(number: Int32, name: String)] = [(SIGTERM, "terminated"), (SIGINT, "interrupt")]

    private static var set: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in handled { sigaddset(&set, signal.number) }
        return set
    }

    /// Blocks them in the calling thread and so in every thread it starts afterwards:
    /// call before any thread exists.
    static func block() {
        var set = set
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Waits until one is pending (since `block()`) and returns its name.
    static func wait() -> String {
        var set = set
        var received: Int32 = 0
        while sigwait(&set, &received) != 0 {}
        return handled.first { $0.number == received }?.name ?? "\(received)"
    }
}
