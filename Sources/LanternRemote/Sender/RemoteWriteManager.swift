import Glibc
import LanternMetrics
import LanternScrape
import LanternTSDB
import Logging
import NIOCore
import Synchronization

/// The `remote_write` queues of a running server, one per endpoint, each keeping its WAL
/// position in `<storage>/remote_write/<queue name>.position`.
public final class RemoteWriteManager: Sendable {
    private let database: TSDB
    private let walDirectory: String
    private let positionDirectory: String
    private let http: ScrapeHTTPClient
    private let logger: Logger
    private let queues = Mutex<[RemoteWriteQueue]>([])

    public init(database: TSDB, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.database = database
        walDirectory = WALFollower.walDirectory(of: database)
        positionDirectory = database.directory + "/remote_write"
        http = ScrapeHTTPClient(group: eventLoopGroup)
        self.logger = logger
    }

    /// Replaces the running queues with `configs`. Stopped queues lose nothing: the new
    /// ones resume from the saved positions.
    public func apply(_ configs: [RemoteWriteConfig], externalLabels: [String: String]) async throws {
        await stop()
        if !configs.isEmpty, mkdir(positionDirectory, 0o755) != 0, errno != EEXIST {
            throw PositionFileError(path: positionDirectory, errno: errno)
        }
        let started = configs.map { config in
            RemoteWriteQueue(
                config: config, externalLabels: externalLabels, walDirectory: walDirectory,
                positionPath: positionDirectory + "/" + config.queueName + ".position",
                ingest: RemoteWriteQueue.Ingest.of(database), http: http, logger: logger)
        }
        started.forEach { $0.start() }
        queues.withLock { $0 = started }
    }

    public func stop() async {
        let running = queues.withLock { queues in
            defer { queues = [] }
            return queues
        }
        for queue in running { await queue.stop() }
    }

    /// Prometheus' remote storage metrics, one series per queue.
    public func collect(into sink: MetricSink) {
        let labels = ["remote_name", "url"]
        let sent = MetricDescriptor(name: "prometheus_remote_storage_samples_total", help: "Total number of samples sent to remote storage.", type: .counter, labels: labels)
        let failed = MetricDescriptor(name: "prometheus_remote_storage_samples_failed_total", help: "Total number of samples which failed on send to remote storage, non-recoverable errors.", type: .counter, labels: labels)
        let retried = MetricDescriptor(name: "prometheus_remote_storage_samples_retried_total", help: "Total number of samples which failed on send to remote storage but were retried because the send error was recoverable.", type: .counter, labels: labels)
        let dropped = MetricDescriptor(name: "prometheus_remote_storage_samples_dropped_total", help: "Total number of samples which were dropped after being read from the WAL before being sent via remote write, either via relabelling or unintentionally because of an unknown reference ID.", type: .counter, labels: labels)
        let pending = MetricDescriptor(name: "prometheus_remote_storage_samples_pending", help: "The number of samples pending in the queues shards to be sent to the remote storage.", type: .gauge, labels: labels)
        let highest = MetricDescriptor(name: "prometheus_remote_storage_queue_highest_sent_timestamp_seconds", help: "Timestamp from a WAL sample, the highest timestamp successfully sent by this queue, in seconds since epoch.", type: .gauge, labels: labels)
        let shards = MetricDescriptor(name: "prometheus_remote_storage_shards", help: "The number of shards used for parallel sending to the remote storage.", type: .gauge, labels: labels)
        let desiredShards = MetricDescriptor(name: "prometheus_remote_storage_shards_desired", help: "The number of shards that the queues shard calculation wants to run based on the rate of samples in vs. samples out.", type: .gauge, labels: labels)
        let minShards = MetricDescriptor(name: "prometheus_remote_storage_shards_min", help: "The minimum number of shards that the queue is allowed to run.", type: .gauge, labels: labels)
        let maxShards = MetricDescriptor(name: "prometheus_remote_storage_shards_max", help: "The maximum number of shards that the queue is allowed to run.", type: .gauge, labels: labels)
        for queue in queues.withLock({ $0 }) {
            let values = queue.metrics.snapshot
            let names = [queue.metrics.queueName, queue.metrics.url]
            sink.add(sent, Double(values.samplesSent), labelValues: names)
            sink.add(failed, Double(values.samplesFailed), labelValues: names)
            sink.add(retried, Double(values.samplesRetried), labelValues: names)
            sink.add(dropped, Double(values.samplesDropped), labelValues: names)
            sink.add(pending, Double(values.samplesPending), labelValues: names)
            sink.add(highest, Double(values.highestSentTimestamp) / 1000, labelValues: names)
            sink.add(shards, Double(values.shards), labelValues: names)
            sink.add(desiredShards, values.desiredShards, labelValues: names)
            sink.add(minShards, Double(queue.metrics.minShards), labelValues: names)
            sink.add(maxShards, Double(queue.metrics.maxShards), labelValues: names)
        }
    }
}
