/// Settings of a database, named after Prometheus' `--storage.tsdb.*` flags.
public struct TSDBOptions: Sendable {
    /// Span of the blocks cut from the head (`min-block-duration`), milliseconds.
    public var minBlockDuration: Int64 = 2 * 3600 * 1000
    /// Largest span compaction merges blocks into (`max-block-duration`), milliseconds.
    public var maxBlockDuration: Int64 = 36 * 3600 * 1000
    /// Blocks ending this long before the newest block's end are deleted; 0 keeps all.
    public var retentionDuration: Int64 = 15 * 24 * 3600 * 1000
    /// Oldest blocks are deleted while blocks and WAL together exceed this; 0: no limit.
    public var retentionBytes: Int64 = 0
    /// Snappy-compress WAL records (and checkpoints) where that shrinks them
    /// (`wal-compression`; Prometheus' server default). Either kind of WAL replays.
    public var walCompression = true
    /// Receives one line per notable event (repairs, dropped data, compactions).
    public var log: @Sendable (String) -> Void = { line in print("level=info component=tsdb msg=\"\(line)\"") }
    /// Called, outside the database lock, by each commit that leaves the head spanning more
    /// than 1.5 block ranges, as Prometheus' appender signals its compaction loop: the
    /// server runs a maintenance pass then rather than at its next tick (up to a minute
    /// later, with the head growing meanwhile). Must return at once.
    public var headCompactable: @Sendable () -> Void = {}

    public init() {}

    /// Block spans compaction produces: the head range times 3, 9, 27, ... up to the maximum.
    var compactionRanges: [Int64] {
        var ranges = [minBlockDuration]
        while let last = ranges.last, last * 3 <= maxBlockDuration { ranges.append(last * 3) }
        return ranges
    }
}

/// Counters and gauges of the database, for the server's `/metrics`.
public struct TSDBStats: Sendable, Equatable {
    public var headSeries = 0
    public var headChunks = 0
    public var headMinTime: Int64 = .max
    public var headMaxTime: Int64 = .min
    public var blockCount = 0
    public var samplesAppended = 0
    public var outOfOrderSamples = 0
    public var duplicateSamples = 0
    public var outOfBoundsSamples = 0
    public var walCorruptionsRepaired = 0
    public var walRecordsReplayed = 0
    public var corruptChunksSkipped = 0
    public var blocksSkippedAtOpen = 0
    public var headCompactions = 0
    public var blockCompactions = 0
    public var blocksDeletedByRetention = 0
    public var walWriteFailures = 0
}
