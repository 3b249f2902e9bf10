/// Prometheus' resharding rule for one queue: from exponentially weighted rates of samples
/// coming in, sent, dropped, and the time spent sending, it predicts how many shards keep
/// up with the incoming rate and work off a proportion of the backlog each update. A change smaller than 30% is ignored; no downsharding while more than ten
/// seconds behind; the result stays within `min_shards...max_shards`.
struct ShardTuner {
    /// Prometheus' `shardUpdateDuration`.
    static let updateSeconds = 10.0
    static let tolerance = 0.3
    /// Proportion of the backlog worked off per update.
    static let integralGain = 0.1 / updateSeconds

    let minShards: Int
    let maxShards: Int
    private(set) var shards: Int
    /// The last computed wish before rounding and clamping, as Prometheus' `shards_desired`.
    private(set) var desired: Double

    private var samplesIn = RateMeter()
    private var samplesOut = RateMeter()
    private var samplesDropped = RateMeter()
    /// Seconds spent in successful sends.
    private var sendSeconds = RateMeter()
    /// Updates in a row without a successful send: measurements of a stalled queue say
    /// nothing about the shards needed, so from the second one on nothing changes.
    private var updatesWithoutSend = 0
    private var sentSinceUpdate = false
    private var readSinceUpdate = 0

    init(minShards: Int, maxShards: Int) {
        self.minShards = minShards
        self.maxShards = maxShards
        shards = minShards
        desired = Double(minShards)
    }

    /// Samples read from the WAL (dropped ones included).
    mutating func read(_ count: Int) { readSinceUpdate += count }
    mutating func dropped(_ count: Int) { samplesDropped.add(Double(count)) }
    mutating func sent(_ count: Int, seconds: Double) {
        samplesOut.add(Double(count))
        sendSeconds.add(seconds)
        sentSinceUpdate = true
    }

    /// Called every `updateSeconds` (`elapsed` is the real interval). `appended` is the
    /// number of samples the database took in meanwhile: the incoming rate is the larger
    /// of that and what was read, so a queue reading slower than scrapes append still sees
    /// the real demand (Prometheus' watcher reads as the WAL grows), and one catching up on
    /// an old WAL sees its reads. `behindSeconds` is how far the newest sample sent lags
    /// the newest one in the database.
    mutating func update(elapsed: Double, appended: Int, behindSeconds: Double) {
        samplesIn.add(Double(max(readSinceUpdate, appended)))
        readSinceUpdate = 0
        let inRate = samplesIn.tick(elapsed), outRate = samplesOut.tick(elapsed)
        let droppedRate = samplesDropped.tick(elapsed), busy = sendSeconds.tick(elapsed)
        updatesWithoutSend = sentSinceUpdate ? 0 : updatesWithoutSend + 1
        sentSinceUpdate = false
        guard outRate > 0, updatesWithoutSend < 2 else { return }
        let keptRatio = outRate / (outRate + droppedRate)
        let pending = behindSeconds * inRate * keptRatio
        desired = busy / outRate * (inRate * keptRatio + Self.integralGain * pending)
        let wanted = desired.rounded(.up)
        guard wanted < Double(shards) * (1 - Self.tolerance) || wanted > Double(shards) * (1 + Self.tolerance) else { return }
        if wanted < Double(shards) && behindSeconds > 10 { return }
        shards = min(maxShards, max(minShards, Int(wanted)))
    }
}

/// An exponentially weighted per-second rate, as Prometheus' `ewmaRate` (weight 0.2; the
/// first interval sets it outright).
struct RateMeter {
    static let weight = 0.2
    private var count = 0.0
    private(set) var rate = 0.0
    private var initialized = false

    mutating func add(_ value: Double) { count += value }

    mutating func tick(_ elapsed: Double) -> Double {
        let instant = elapsed > 0 ? count / elapsed : 0
        count = 0
        if initialized {
            rate += Self.weight * (instant - rate)
        } else if instant > 0 {
            rate = instant
            initialized = true
        }
        return rate
    }
}
