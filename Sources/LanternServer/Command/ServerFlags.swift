import LanternFlags
import LanternWeb

/// Prometheus 2.42's flags that Lantern implements, with Prometheus' names and help; the
/// config and data paths default to the working directory (`prometheus.yml`, `data/`).
enum ServerFlags {
    static let configFile = Flag("config.file", help: "Prometheus configuration file path.", default: "prometheus.yml")
    static let listenAddress = Flag("web.listen-address", help: "Address to listen on for UI, API, and telemetry.", default: "0.0.0.0:9090")
    static let enableLifecycle = Flag("web.enable-lifecycle", help: "Enable shutdown and reload via HTTP request.", kind: .bool, default: "false")
    static let enableAdminAPI = Flag("web.enable-admin-api", help: "Enable API endpoints for admin control actions.", kind: .bool, default: "false")
    static let enableRemoteWriteReceiver = Flag(
        "web.enable-remote-write-receiver", help: "Enable API endpoint accepting remote write requests.", kind: .bool, default: "false")
    static let storagePath = Flag("storage.tsdb.path", help: "Base path for metrics storage.", default: "data/")
    static let retentionTime = Flag(
        "storage.tsdb.retention.time",
        help: "How long to retain samples in storage. Units Supported: y, w, d, h, m, s, ms.",
        kind: .modelDuration, default: "15d")
    static let retentionSize = Flag(
        "storage.tsdb.retention.size",
        help: "Maximum number of bytes that can be stored for blocks. A unit is required, supported units: B, KB, MB, GB, TB, PB, EB. Ex: \"512MB\". Based on powers-of-2, so 1KB is 1024B.",
        default: "0B")
    static let minBlockDuration = Flag("storage.tsdb.min-block-duration", help: "Minimum duration of a data block before being persisted.", kind: .modelDuration, default: "2h", hidden: true)
    static let maxBlockDuration = Flag(
        "storage.tsdb.max-block-duration", help: "Maximum duration compacted blocks may span. For use in testing. (Defaults to 10% of the retention period.)",
        kind: .modelDuration, hidden: true)
    static let walCompression = Flag("storage.tsdb.wal-compression", help: "Compress the tsdb WAL.", kind: .bool, default: "true", hidden: true)
    static let lookbackDelta = Flag("query.lookback-delta", help: "The maximum lookback duration for retrieving metrics during expression evaluations and federation.", kind: .modelDuration, default: "5m")
    static let queryTimeout = Flag("query.timeout", help: "Maximum time a query may take before being aborted.", kind: .modelDuration, default: "2m")
    static let maxSamples = Flag(
        "query.max-samples",
        help: "Maximum number of samples a single query can load into memory. Note that queries will fail if they try to load more samples than this into memory, so this also limits the number of samples a query can return.",
        kind: .int, default: "50000000")
    // Lantern's own: where the web UI's files and Debian's libjs-dygraphs are installed.
    static let uiAssets = Flag("web.ui-assets", help: "Directory of the web UI's pages, styles and scripts (Lantern).", default: "/usr/share/lantern-server/web")
    static let uiDygraphs = Flag("web.ui-dygraphs", help: "Directory of the dygraphs charting library (Lantern).", default: "/usr/share/javascript/dygraphs")

    static func flagSet() -> FlagSet {
        var set = FlagSet(programName: "lantern-server", programHelp: "The Lantern monitoring server")
        set.addVersionFlag()
        set.add(contentsOf: [
            configFile, listenAddress, enableLifecycle, enableAdminAPI, enableRemoteWriteReceiver, storagePath, retentionTime, retentionSize,
            minBlockDuration, maxBlockDuration, walCompression, lookbackDelta, queryTimeout, maxSamples, uiAssets, uiDygraphs,
        ])
        set.add(contentsOf: RuleFlags.flags)
        set.add(contentsOf: WebFlags.flags)
        set.add(contentsOf: LogFlags.flags)
        return set
    }

    /// `512MB`, `1GB`, `0B`: powers of two, as Prometheus' `units.Base2Bytes`.
    static func parseBytes(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("EB", 1 << 60), ("PB", 1 << 50), ("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1)]
        for (suffix, size) in units where text.hasSuffix(suffix) {
            guard let number = Int64(text.dropLast(suffix.count)), number >= 0 else { return nil }
            return number * size
        }
        return nil
    }
}
