import LanternMetrics
import LanternTSDB

/// The server's own `/metrics`: process, TSDB and scrape pool figures under Prometheus'
/// names where Prometheus has one.
struct SelfMetrics {
    let runtime: ServerRuntime

    func render() async -> APIResponse {
        let sink = MetricSink()
        try? ProcessCollector().collect(into: sink)
        let stats = runtime.database.stats
        let gauges: [(String, String, Double)] = [
            ("prometheus_tsdb_head_series", "Total number of series in the head block.", Double(stats.headSeries)),
            ("prometheus_tsdb_head_chunks", "Total number of chunks in the head block.", Double(stats.headChunks)),
            ("prometheus_tsdb_blocks_loaded", "Number of currently loaded data blocks.", Double(stats.blockCount)),
            ("prometheus_tsdb_wal_storage_size_bytes", "Size of the write log directory.", Double(runtime.database.walSizeInBytes)),
        ]
        for (name, help, value) in gauges { sink.add(MetricDescriptor(name: name, help: help, type: .gauge), value) }
        let counters: [(String, String, Int)] = [
            ("prometheus_tsdb_head_samples_appended_total", "Total number of appended samples.", stats.samplesAppended),
            ("prometheus_tsdb_out_of_order_samples_total", "Total number of out of order samples ingestion failed attempts.", stats.outOfOrderSamples),
            ("prometheus_tsdb_out_of_bound_samples_total", "Total number of out of bound samples ingestion failed attempts.", stats.outOfBoundsSamples),
            ("prometheus_tsdb_duplicate_samples_total", "Samples rejected for a duplicate timestamp with another value.", stats.duplicateSamples),
            ("prometheus_tsdb_compactions_total", "Total number of compactions that were executed for the partition.", stats.blockCompactions),
            ("prometheus_tsdb_head_truncations_total", "Total number of head truncations attempted.", stats.headCompactions),
            ("prometheus_tsdb_wal_corruptions_total", "Total number of WAL corruptions.", stats.walCorruptionsRepaired),
            ("prometheus_tsdb_wal_writes_failed_total", "Total number of WAL writes that failed.", stats.walWriteFailures),
            ("prometheus_tsdb_time_retentions_total", "The number of times that blocks were deleted because the maximum time limit was exceeded.", stats.blocksDeletedByRetention),
            ("lantern_tsdb_corrupt_chunks_skipped_total", "Chunks skipped at read because their checksum failed.", stats.corruptChunksSkipped),
        ]
        for (name, help, value) in counters { sink.add(MetricDescriptor(name: name, help: help, type: .counter), Double(value)) }

        runtime.remoteWrite.collect(into: sink)
        runtime.ruleServices.rules.metrics.collect(into: sink)
        runtime.ruleServices.notifier.collect(into: sink)

        let pools = await runtime.manager.pools
        let targets = MetricDescriptor(name: "prometheus_sd_discovered_targets", help: "Current number of discovered targets.", type: .gauge, labels: ["config", "name"])
        let up = MetricDescriptor(name: "lantern_scrape_pool_targets_up", help: "Targets whose last scrape succeeded, by scrape pool.", type: .gauge, labels: ["scrape_job"])
        for (name, pool) in pools.sorted(by: { $0.key < $1.key }) {
            sink.add(targets, Double(pool.loops.count), name, "scrape")
            sink.add(up, Double(pool.loops.values.filter { $0.currentStatus.health == .up }.count), name)
        }
        return APIResponse(status: 200, contentType: TextEncoder.contentType, body: String(decoding: TextEncoder.encode(sink.families), as: UTF8.self))
    }
}
