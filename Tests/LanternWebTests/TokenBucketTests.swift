@testable import LanternWeb
import Testing

@Suite("rate limit")
struct TokenBucketTests {
    private func bucket(intervalMilliseconds: Int64, burst: Int) -> TokenBucket {
        var config = RateLimitConfig()
        config.intervalNanoseconds = intervalMilliseconds * 1_000_000
        config.burst = burst
        return TokenBucket(config, now: 0)
    }

    @Test func startsFullThenRefillsOnePerInterval() {
        let limiter = bucket(intervalMilliseconds: 500, burst: 2)
        #expect(limiter.allow(now: 0))
        #expect(limiter.allow(now: 0))
        #expect(!limiter.allow(now: 1_000))
        #expect(limiter.allow(now: 500_000_000))
        #expect(!limiter.allow(now: 600_000_000))
        // A long pause refills only up to the burst.
        #expect(limiter.allow(now: 60_000_000_000))
        #expect(limiter.allow(now: 60_000_000_000))
        #expect(!limiter.allow(now: 60_000_000_000))
    }

    @Test func aBurstOfZeroLetsNothingThrough() {
        // golang.org/x/time/rate's rule, which exporter-toolkit inherits.
        let limiter = bucket(intervalMilliseconds: 1, burst: 0)
        #expect(!limiter.allow(now: 0))
        #expect(!limiter.allow(now: 10_000_000_000))
    }
}
