import LanternRemote
import LanternRules
import LanternScrape

/// The `prometheus.yml` subset Lantern reads, defaults applied.
public struct ServerConfig: Sendable {
    public struct Global: Sendable {
        /// Milliseconds, Prometheus' defaults.
        public var scrapeInterval: Int64 = 60_000
        public var scrapeTimeout: Int64 = 10_000
        public var evaluationInterval: Int64 = 60_000
        public var externalLabels: [String: String] = [:]
    }

    public var global = Global()
    public var scrapeConfigs: [ScrapeSettings] = []
    /// `rule_files` patterns as written; expanded relative to the configuration file.
    public var ruleFiles: [String] = []
    /// `alerting`: Alertmanager targets and `alert_relabel_configs` (external labels are
    /// the notifier's to add, from `global`).
    public var alerting = AlertmanagerNotifier.Settings()
    public var remoteWrite: [RemoteWriteConfig] = []
    /// The file as read, for `/api/v1/status/config`.
    public var sourceText = ""

    public init() {}

    /// What Lantern scrapes with no configuration file: the local exporter every 15 s.
    public static let defaultYAML = """
        # Written by Lantern: scrape the local lantern-exporter.
        global:
          scrape_interval: 15s
        scrape_configs:
          - job_name: node
            static_configs:
              - targets: ["localhost:9100"]

        """
}
