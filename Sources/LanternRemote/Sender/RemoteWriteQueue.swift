import LanternScrape
import LanternTSDB
import Logging
import Synchronization

/// Sends one endpoint everything Lantern's WAL receives, in rounds: read up to
/// `capacity × shards` samples (waiting up to `batch_send_deadline` for a batch to fill),
/// split them over the shards by series (so each series stays in order), send each
/// shard's batches of `max_samples_per_send` with retries, and only then save the WAL
/// position. A receiver that is down stalls the round, and the WAL keeps the rest.
/// Between rounds the shard count follows `ShardTuner`, as Prometheus reshards.
final class RemoteWriteQueue: Sendable {
    /// How often the live end of the WAL is looked at for new records.
    static let pollNanoseconds: UInt64 = 50_000_000

    let config: RemoteWriteConfig
    let metrics: QueueMetrics
    private let externalLabels: [String: String]
    private let walDirectory: String
    private let positionPath: String
    private let client: RemoteWriteClient
    private let logger: Logger
    private let task = Mutex<Task<Void, Never>?>(nil)
    private let tuner: Mutex<ShardTuner>
    private let ingest: @Sendable () -> Ingest
    private let shardUpdateSeconds: Double

    init(
        config: RemoteWriteConfig, externalLabels: [String: String], walDirectory: String, positionPath: String,
        ingest: @escaping @Sendable () -> Ingest, http: ScrapeHTTPClient, logger: Logger,
        shardUpdateSeconds: Double = ShardTuner.updateSeconds
    ) {
        self.config = config
        self.ingest = ingest
        self.shardUpdateSeconds = shardUpdateSeconds
        tuner = Mutex(ShardTuner(minShards: config.queue.minShards, maxShards: config.queue.maxShards))
        self.externalLabels = externalLabels
        self.walDirectory = walDirectory
        self.positionPath = positionPath
        client = RemoteWriteClient(http: http, config: config)
        var logger = logger
        logger[metadataKey: "remote_name"] = "\(config.queueName)"
        logger[metadataKey: "url"] = "\(config.endpoint.url)"
        self.logger = logger
        metrics = QueueMetrics(queueName: config.queueName, url: config.endpoint.url, minShards: config.queue.minShards, maxShards: config.queue.maxShards)
    }

    /// What the database has taken in, for resharding: all samples appended so far, and the
    /// newest timestamp (ms).
    struct Ingest: Sendable {
        var samplesAppended: Int
        var newestTimestamp: Int64

        static func of(_ database: TSDB) -> @Sendable () -> Ingest {
            { [database] in
                let stats = database.stats
                return Ingest(samplesAppended: stats.samplesAppended, newestTimestamp: stats.headMaxTime)
            }
        }
    }

    func start() {
        task.withLock { $0 = Task.detached { [self] in await run() } }
    }

    /// Stops after the request in flight; undelivered samples stay in the WAL and are
    /// sent from the saved position next time.
    func stop() async {
        let running = task.withLock { $0 }
        running?.cancel()
        await running?.value
    }

    private func run() async {
        let labeler = OutgoingLabels(externalLabels: externalLabels, relabelConfigs: config.writeRelabelConfigs)
        let source: WALSampleSource
        do {
            source = try WALSampleSource(
                walDirectory: walDirectory, saved: WALReadPosition.load(path: positionPath), labeler: labeler,
                log: { [logger] line in logger.warning("\(line)") })
        } catch {
            logger.error("Remote write cannot read the WAL", metadata: ["err": "\(error)"])
            return
        }
        var reportedDrops = 0
        var lastShardUpdate = ContinuousClock.now
        var appendedAtUpdate = ingest().samplesAppended
        // Delivered but not yet saved: saves are at most one a second (each is an fsync),
        // and the last is made on the way out.
        var unsaved: WALReadPosition?
        var lastSave = ContinuousClock.now
        defer { if let unsaved { save(unsaved) } }
        while !Task.isCancelled {
            let shards = tuner.withLock { $0.shards }
            let roundLimit = config.queue.capacity * shards
            var round: [OutgoingSample] = []
            // The deadline runs from the round's first sample.
            var deadline: ContinuousClock.Instant?
            do {
                while !Task.isCancelled {
                    let read = try source.next(limit: roundLimit - round.count)
                    round += read
                    if deadline == nil && !round.isEmpty { deadline = .now + .milliseconds(config.queue.batchSendDeadline) }
                    let dropped = source.droppedSamples - reportedDrops
                    reportedDrops = source.droppedSamples
                    tuner.withLock {
                        $0.read(read.count + dropped)
                        $0.dropped(dropped)
                    }
                    metrics.update {
                        $0.samplesPending = round.count
                        $0.samplesDropped += dropped
                    }
                    if round.count >= min(config.queue.maxSamplesPerSend, roundLimit) || deadline.map({ .now >= $0 }) == true { break }
                    try? await Task.sleep(nanoseconds: Self.pollNanoseconds)
                }
            } catch {
                logger.error("Remote write failed reading the WAL", metadata: ["err": "\(error)"])
                try? await Task.sleep(nanoseconds: 1_000_000_000)
                continue
            }
            guard !Task.isCancelled else { return }
            await deliver(round, shards: shards)
            guard !Task.isCancelled else { return }
            metrics.update {
                $0.samplesPending = 0
                $0.highestSentTimestamp = max($0.highestSentTimestamp, source.position.highestSentTimestamp)
            }
            let sinceShardUpdate = (ContinuousClock.now - lastShardUpdate).inSeconds
            if sinceShardUpdate >= shardUpdateSeconds {
                lastShardUpdate = .now
                let now = ingest()
                updateShards(elapsedSeconds: sinceShardUpdate, appended: now.samplesAppended - appendedAtUpdate, newestTimestamp: now.newestTimestamp)
                appendedAtUpdate = now.samplesAppended
            }
            guard !source.isReplayingCheckpoint else { continue }
            unsaved = source.position
            if ContinuousClock.now - lastSave >= .seconds(1), let position = unsaved {
                save(position)
                unsaved = nil
                lastSave = .now
            }
        }
    }

    private func save(_ position: WALReadPosition) {
        do {
            try position.save(path: positionPath)
        } catch {
            logger.error("Remote write cannot save its WAL position", metadata: ["err": "\(error)"])
        }
    }

    private func updateShards(elapsedSeconds: Double, appended: Int, newestTimestamp: Int64) {
        let behind = Double(newestTimestamp - metrics.snapshot.highestSentTimestamp) / 1000
        let (before, after, desired) = tuner.withLock { tuner in
            let before = tuner.shards
            tuner.update(elapsed: elapsedSeconds, appended: appended, behindSeconds: max(0, behind))
            return (before, tuner.shards, tuner.desired)
        }
        if before != after { logger.info("Remote storage resharding", metadata: ["from": "\(before)", "to": "\(after)"]) }
        metrics.update {
            $0.shards = after
            $0.desiredShards = desired
        }
    }

    /// Sends a round over the shards concurrently; returns when every batch was delivered
    /// or refused for good (or the queue is stopping).
    private func deliver(_ round: [OutgoingSample], shards shardCount: Int) async {
        var shards = [[OutgoingSample]](repeating: [], count: shardCount)
        for sample in round { shards[Int(sample.reference % UInt64(shardCount))].append(sample) }
        let batchSize = config.queue.maxSamplesPerSend
        await withTaskGroup(of: Void.self) { group in
            for shard in shards where !shard.isEmpty {
                group.addTask { [self] in
                    for start in stride(from: 0, to: shard.count, by: batchSize) {
                        await send(shard[start..<min(start + batchSize, shard.count)])
                    }
                }
            }
        }
    }

    /// One batch, retried for as long as the failure is retryable: after the receiver's
    /// `Retry-After`, else after a backoff doubling from `min_backoff` to `max_backoff`
    /// (doubling from the last wait, as Prometheus).
    private func send(_ batch: ArraySlice<OutgoingSample>) async {
        let body: [UInt8]
        do {
            body = try WriteRequestEncoder.encode(batch)
        } catch {
            logger.error("Remote write cannot encode a batch", metadata: ["err": "\(error)"])
            metrics.update { $0.samplesFailed += batch.count }
            return
        }
        var backoff = config.queue.minBackoff
        while !Task.isCancelled {
            let started = ContinuousClock.now
            switch await client.send(body) {
            case .delivered:
                let took = (ContinuousClock.now - started).inSeconds
                tuner.withLock { $0.sent(batch.count, seconds: took) }
                metrics.update { $0.samplesSent += batch.count }
                return
            case .rejected(let message):
                logger.error("non-recoverable error", metadata: ["count": "\(batch.count)", "err": "\(message)"])
                metrics.update { $0.samplesFailed += batch.count }
                return
            case .retryable(let message, let retryAfter):
                let wait = retryAfter ?? backoff
                if retryAfter != nil { logger.info("Retrying after duration specified by Retry-After header", metadata: ["duration": "\(wait)ms"]) }
                try? await Task.sleep(nanoseconds: UInt64(wait) * 1_000_000)
                logger.warning("Failed to send batch, retrying", metadata: ["err": "\(message)"])
                metrics.update { $0.samplesRetried += batch.count }
                backoff = min(wait * 2, config.queue.maxBackoff)
            }
        }
    }
}

private extension Duration {
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
