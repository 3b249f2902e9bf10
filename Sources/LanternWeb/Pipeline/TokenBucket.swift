import NIOConcurrencyHelpers
import NIOCore

/// `rate_limit` for the whole server, with golang.org/x/time/rate's semantics (which
/// exporter-toolkit uses): starts full, one token back per interval, at most `burst`
/// tokens; a burst of 0 lets nothing through.
final class TokenBucket: Sendable {
    private struct State {
        var tokens: Double
        var last: UInt64
    }

    let config: RateLimitConfig
    private let state: NIOLockedValueBox<State>

    init(_ config: RateLimitConfig, now: UInt64 = NIODeadline.now().uptimeNanoseconds) {
        self.config = config
        self.state = NIOLockedValueBox(State(tokens: Double(config.burst), last: now))
    }

    /// Takes a token if one is there; `now` is a monotonic time in nanoseconds.
    func allow(now: UInt64 = NIODeadline.now().uptimeNanoseconds) -> Bool {
        let interval = Double(config.intervalNanoseconds)
        let burst = Double(config.burst)
        return state.withLockedValue { state in
            let elapsed = now >= state.last ? Double(now - state.last) : 0
            state.tokens = min(burst, state.tokens + elapsed / interval)
            state.last = now
            guard state.tokens >= 1 else { return false }
            state.tokens -= 1
            return true
        }
    }
}
