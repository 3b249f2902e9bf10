import LanternScrape
import Logging
import Synchronization

/// Sends one endpoint everything Lantern's WAL receives, in rounds: read up to
/// `capacity × shards` samples (waiting up to `batch_send_deadline` for a batch to fill),
/// split them over the shards by series (so each series stays in order), send each
/// shard's batches of `max_samples_per_send` with retries, and only then save the WAL
/// position. A receiver that is down stalls the round, and the WAL keeps the rest.
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

    init(config: RemoteWriteConfig, externalLabels: [String: String], walDirectory: String, positionPath: String, http: ScrapeHTTPClient, logger: Logger) {
        self.config = config
        self.externalLabels = externalLabels
        self.walDirectory = walDirectory
        self.positionPath = positionPath
        client = RemoteWriteClient(http: http, config: config)
        var logger = logger
        logger[metadataKey: "remote_name"] = "\(config.queueName)"
        logger[metadataKey: "url"] = "\(config.endpoint.url)"
        self.logger = logger
        metrics = QueueMetrics(queueName: config.queueName, url: config.endpoint.url, shards: config.queue.shardCount)
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
        let roundLimit = config.queue.capacity * config.queue.shardCount
        var reportedDrops = 0
        while !Task.isCancelled {
            var round: [OutgoingSample] = []
            // The deadline runs from the round's first sample.
            var deadline: ContinuousClock.Instant?
            do {
                while !Task.isCancelled {
                    round += try source.next(limit: roundLimit - round.count)
                    if deadline == nil && !round.isEmpty { deadline = .now + .milliseconds(config.queue.batchSendDeadline) }
                    let dropped = source.droppedSamples - reportedDrops
                    reportedDrops = source.droppedSamples
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
            await deliver(round)
            guard !Task.isCancelled else { return }
            metrics.update {
                $0.samplesPending = 0
                $0.highestSentTimestamp = max($0.highestSentTimestamp, source.position.highestSentTimestamp)
            }
            guard !source.isReplayingCheckpoint else { continue }
            do {
                try source.position.save(path: positionPath)
            } catch {
                logger.error("Remote write cannot save its WAL position", metadata: ["err": "\(error)"])
            }
        }
    }

    /// Sends a round over the shards concurrently; returns when every batch was delivered
    /// or refused for good (or the queue is stopping).
    private func deliver(_ round: [OutgoingSample]) async {
        let shardCount = config.queue.shardCount
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

    /// One batch, retried with exponential backoff from `min_backoff` to `max_backoff`
    /// for as long as the failure is retryable.
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
            switch await client.send(body) {
            case .delivered:
                metrics.update { $0.samplesSent += batch.count }
                return
            case .rejected(let message):
                logger.error("non-recoverable error", metadata: ["count": "\(batch.count)", "err": "\(message)"])
                metrics.update { $0.samplesFailed += batch.count }
                return
            case .retryable(let message):
                logger.warning("Failed to send batch, retrying", metadata: ["err": "\(message)"])
                metrics.update { $0.samplesRetried += batch.count }
                try? await Task.sleep(nanoseconds: UInt64(backoff) * 1_000_000)
                backoff = min(backoff * 2, config.queue.maxBackoff)
            }
        }
    }
}
