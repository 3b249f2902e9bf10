import Synchronization

/// One queue's counters, under Prometheus' `prometheus_remote_storage_*` meanings.
final class QueueMetrics: Sendable {
    struct Values {
        var samplesSent = 0
        var samplesFailed = 0
        var samplesRetried = 0
        var samplesDropped = 0
        var samplesPending = 0
        /// Milliseconds; 0 until something was sent.
        var highestSentTimestamp: Int64 = 0
        var shards: Int
        var desiredShards: Double
    }

    let queueName: String
    let url: String
    let minShards: Int
    let maxShards: Int
    private let values: Mutex<Values>

    init(queueName: String, url: String, minShards: Int, maxShards: Int) {
        self.queueName = queueName
        self.url = url
        self.minShards = minShards
        self.maxShards = maxShards
        values = Mutex(Values(shards: minShards, desiredShards: Double(minShards)))
    }

    var snapshot: Values { values.withLock { $0 } }

    func update(_ change: (inout Values) -> Void) { values.withLock { change(&$0) } }
}
