import LanternScrape
import Yams

/// Reads `prometheus.yml` strictly: unknown keys and bad values are errors naming the key
/// path and line, as `promtool check config` rejects them.
public enum ConfigParser {
    public static func parse(_ text: String) throws(ConfigError) -> ServerConfig {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch { throw ConfigError(path: "", line: 0, message: "parsing YAML: \(error)") }
        var config = ServerConfig()
        config.sourceText = text
        guard let root else { return config }
        let fields = try YAMLValue(node: root, path: "").mapping(allowed: [
            "global", "scrape_configs", "rule_files", "alerting", "remote_write", "scrape_config_files",
        ])
        if let global = fields["global"] { config.global = try parseGlobal(global) }
        if let files = fields["scrape_config_files"], !(try files.sequence().isEmpty) {
            throw files.error("scrape_config_files is not supported yet")
        }
        var jobNames = Set<String>()
        for entry in try fields["scrape_configs"]?.sequence() ?? [] {
            let settings = try ScrapeConfigParser.parse(entry, global: config.global)
            guard jobNames.insert(settings.jobName).inserted else {
                throw entry.error("found multiple scrape configs with job name \(goQuoted(settings.jobName))")
            }
            config.scrapeConfigs.append(settings)
        }
        for file in try fields["rule_files"]?.sequence() ?? [] {
            let pattern = try file.string()
            guard !pattern.isEmpty else { throw file.error("empty rule file pattern") }
            config.ruleFiles.append(pattern)
        }
        if let alerting = fields["alerting"] { config.alerting = try AlertingConfigParser.parse(alerting) }
        var queueNames = Set<String>()
        for entry in try fields["remote_write"]?.sequence() ?? [] {
            let remote = try RemoteWriteConfigParser.parse(entry)
            guard queueNames.insert(remote.queueName).inserted else {
                throw entry.error("found multiple remote write configs with name or URL \(goQuoted(remote.name.isEmpty ? remote.endpoint.url : remote.name))")
            }
            config.remoteWrite.append(remote)
        }
        return config
    }

    static func parseGlobal(_ value: YAMLValue) throws(ConfigError) -> ServerConfig.Global {
        var global = ServerConfig.Global()
        let fields = try value.mapping(allowed: [
            "scrape_interval", "scrape_timeout", "evaluation_interval", "external_labels", "query_log_file",
        ])
        if let interval = fields["scrape_interval"] { global.scrapeInterval = try positive(interval) }
        if let timeout = fields["scrape_timeout"] {
            global.scrapeTimeout = try positive(timeout)
        } else {
            global.scrapeTimeout = min(global.scrapeTimeout, global.scrapeInterval)
        }
        if global.scrapeTimeout > global.scrapeInterval {
            throw value.error("global scrape timeout greater than scrape interval")
        }
        if let evaluation = fields["evaluation_interval"] { global.evaluationInterval = try positive(evaluation) }
        if let labels = fields["external_labels"] { global.externalLabels = try labels.labelMap() }
        return global
    }

    static func positive(_ value: YAMLValue) throws(ConfigError) -> Int64 {
        let milliseconds = try value.duration()
        guard milliseconds > 0 else { throw value.error("duration must be greater than 0") }
        return milliseconds
    }
}
