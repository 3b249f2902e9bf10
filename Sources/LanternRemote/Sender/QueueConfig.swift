/// `queue_config` of a `remote_write` entry, with Prometheus 2.42's defaults. Durations
/// are milliseconds.
public struct QueueConfig: Sendable, Equatable {
    /// Samples buffered per shard; a read round takes at most `capacity × shards`.
    public var capacity = 2500
    public var maxShards = 200
    public var minShards = 1
    public var maxSamplesPerSend = 500
    /// How long a sample may wait for a batch to fill before it is sent anyway.
    public var batchSendDeadline: Int64 = 5000
    public var minBackoff: Int64 = 30
    public var maxBackoff: Int64 = 5000
    /// Prometheus 2.42 drops a batch answered 429 unless this is set.
    public var retryOnRateLimit = false

    public init() {}
}
