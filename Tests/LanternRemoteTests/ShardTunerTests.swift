import Testing
@testable import LanternRemote

/// Prometheus' resharding rule, fed measured rates directly.
struct ShardTunerTests {
    /// Ten seconds in which `read` samples were read from the WAL, `appended` went into the
    /// database and `sent` went out, sending busy for `busySeconds` (summed over shards).
    static func interval(_ tuner: inout ShardTuner, read: Int, appended: Int = 0, sent: Int, busySeconds: Double, behind: Double) {
        tuner.read(read)
        if sent > 0 { tuner.sent(sent, seconds: busySeconds) }
        tuner.update(elapsed: 10, appended: appended, behindSeconds: behind)
    }

    /// Four shards sending all the time, caught up: four wanted.
    static func atFourShards() -> ShardTuner {
        var tuner = ShardTuner(minShards: 1, maxShards: 10)
        interval(&tuner, read: 1000, sent: 1000, busySeconds: 40, behind: 0)
        #expect(tuner.shards == 4)
        return tuner
    }

    @Test func lightLoadStaysAtMinShards() {
        var tuner = ShardTuner(minShards: 2, maxShards: 10)
        for _ in 0..<5 { Self.interval(&tuner, read: 1000, sent: 1000, busySeconds: 0.5, behind: 1) }
        #expect(tuner.shards == 2)
        #expect(tuner.desired < 1)
    }

    @Test func busyAndBehindShardsUpWithinMax() {
        var tuner = ShardTuner(minShards: 1, maxShards: 10)
        // One shard sending all the time, 100 s behind: 1 × (1 + 0.01 × 100) = 2 shards.
        Self.interval(&tuner, read: 1000, sent: 1000, busySeconds: 10, behind: 100)
        #expect(tuner.shards == 2)
        // Far behind and saturated: capped at max_shards.
        for _ in 0..<10 { Self.interval(&tuner, read: 1000, sent: 1000, busySeconds: 100, behind: 3600) }
        #expect(tuner.shards == 10)
    }

    /// Scrapes append 2000 samples a second; one saturated shard reads and sends 500: the
    /// demand is what is appended, so four shards.
    @Test func demandIsWhatTheDatabaseTakesIn() {
        var tuner = ShardTuner(minShards: 1, maxShards: 10)
        Self.interval(&tuner, read: 5000, appended: 20000, sent: 5000, busySeconds: 10, behind: 0)
        #expect(tuner.shards == 4)
    }

    @Test func smallChangesAndDownshardingWhileBehindAreIgnored() {
        let tuner = Self.atFourShards()
        // 4.4 wanted: within 30% of 4, no change.
        var steady = tuner
        for _ in 0..<5 { Self.interval(&steady, read: 1000, sent: 1000, busySeconds: 44, behind: 0) }
        #expect(steady.shards == 4)
        // Nearly idle but more than ten seconds behind: kept; caught up: down to one.
        var idle = tuner
        for _ in 0..<10 { Self.interval(&idle, read: 1000, sent: 1000, busySeconds: 0.1, behind: 11) }
        #expect(idle.shards == 4)
        for _ in 0..<10 { Self.interval(&idle, read: 1000, sent: 1000, busySeconds: 0.1, behind: 0) }
        #expect(idle.shards == 1)
    }

    @Test func aStalledQueueKeepsItsShards() {
        var tuner = Self.atFourShards()
        // The receiver is down: nothing is sent, nothing read, whatever the lag.
        for _ in 0..<10 { Self.interval(&tuner, read: 0, sent: 0, busySeconds: 0, behind: 0) }
        #expect(tuner.shards == 4)
    }
}
