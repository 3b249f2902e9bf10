import LanternPromQL

/// What one `scrape_configs` entry tells the scraper, defaults already applied.
public struct ScrapeSettings: Sendable {
    public var jobName: String
    /// Milliseconds.
    public var interval: Int64
    public var timeout: Int64
    public var metricsPath = "/metrics"
    public var scheme = "http"
    public var params: [String: [String]] = [:]
    public var honorLabels = false
    public var honorTimestamps = true
    /// 0: no limit.
    public var sampleLimit = 0
    /// The `Authorization` header value (`Basic ...` or `<type> <credentials>`), if any.
    public var authorization: String?
    /// `tls_config`; used when the target's scheme is `https`.
    public var tls = TLSClientSettings()
    public var relabelConfigs: [RelabelConfig] = []
    public var metricRelabelConfigs: [RelabelConfig] = []
    public var staticGroups: [TargetGroup] = []
    /// Paths or globs of `file_sd_configs`, with their refresh interval in milliseconds.
    public var fileDiscovery: [FileDiscoveryConfig] = []
    /// Identifies the job's configuration; a reload restarts a job's loops only when it changed.
    public var fingerprint = ""

    public init(jobName: String, interval: Int64, timeout: Int64) {
        self.jobName = jobName
        self.interval = interval
        self.timeout = timeout
    }
}

/// A `static_configs` entry or one group of a `file_sd_configs` file.
public struct TargetGroup: Sendable, Equatable {
    public var targets: [String]
    public var labels: [String: String]
    /// Where the group came from, for `/api/v1/targets` ordering and logs.
    public var source: String

    public init(targets: [String], labels: [String: String] = [:], source: String) {
        self.targets = targets
        self.labels = labels
        self.source = source
    }
}

/// One `file_sd_configs` entry.
public struct FileDiscoveryConfig: Sendable {
    public var files: [String]
    /// Milliseconds; files are re-read at least this often even when unchanged.
    public var refreshInterval: Int64

    public init(files: [String], refreshInterval: Int64) {
        self.files = files
        self.refreshInterval = refreshInterval
    }
}
