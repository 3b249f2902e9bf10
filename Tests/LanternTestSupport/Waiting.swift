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
    /// may need (the machine may have two).
    public static func waitFor<T>(seconds: Double, _ probe: () -> T?) async -> T? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let value = probe() { return value }
            try? await Task.sleep(nanoseconds: 250_000_000)
        }
        return nil
    }
}
