import Foundation

extension TestSupport {
    /// Polls `probe` until it returns a value or `seconds` pass (then nil).
    public static func waitFor<T>(seconds: Double, _ probe: () -> T?) -> T? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let value = probe() { return value }
            Thread.sleep(forTimeInterval: 0.25)
        }
        return nil
    }

    /// As `waitFor` without blocking a thread of the shared pool, which code under test
    /// may need (the machine may have two). It counts probes, a quarter second apart, not
    /// wall time: while other tests hold every thread of the pool, neither this task nor
    /// the code under test runs, and a wall-clock deadline would pass unobserved.
    public static func waitFor<T>(seconds: Double, _ probe: () -> T?) async -> T? {
        for _ in 0..<max(1, Int(seconds * 4)) {
            if let value = probe() { return value }
            try? await Task.sleep(nanoseconds: 250_000_000)
        }
        return probe()
    }
}
