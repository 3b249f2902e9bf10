import LanternScrape

/// One `scrape_configs` entry.
enum ScrapeConfigParser {
    static let keys: Set<String> = [
        "job_name", "scrape_interval", "scrape_timeout", "metrics_path", "scheme", "params", "basic_auth",
        "authorization", "tls_config", "honor_labels", "honor_timestamps", "sample_limit", "static_configs",
        "file_sd_configs", "relabel_configs", "metric_relabel_configs",
    ]

    static func parse(_ value: YAMLValue, global: ServerConfig.Global) throws(ConfigError) -> ScrapeSettings {
        let fields = try value.mapping(allowed: keys)
        guard let jobField = fields["job_name"], case let job = try jobField.string(), !job.isEmpty else {
            throw value.error("job_name is empty")
        }
        let interval = try fields["scrape_interval"].map { v throws(ConfigError) in try ConfigParser.positive(v) } ?? global.scrapeInterval
        var timeout = try fields["scrape_timeout"].map { v throws(ConfigError) in try ConfigParser.positive(v) } ?? global.scrapeTimeout
        if fields["scrape_timeout"] == nil { timeout = min(timeout, interval) }
        guard timeout <= interval else {
            throw value.error("scrape timeout greater than scrape interval for scrape config with job name \(goQuoted(job))")
        }
        var settings = ScrapeSettings(jobName: job, interval: interval, timeout: timeout)
        settings.fingerprint = "\(interval)/\(timeout)/" + ConfigFingerprint.of(value.node)

        if let path = fields["metrics_path"] {
            settings.metricsPath = try path.string()
            guard settings.metricsPath.hasPrefix("/") else { throw path.error("metrics_path must start with /") }
        }
        if let scheme = fields["scheme"] {
            switch try scheme.string() {
            case "http": settings.scheme = "http"
            case "https": settings.scheme = "https"
            case let other: throw scheme.error("invalid scheme \(goQuoted(other)), must be http or https")
            }
        }
        if let params = fields["params"] {
            settings.params = try paramMap(params)
        }
        settings.authorization = try AuthorizationParser.header(basicAuth: fields["basic_auth"], authorization: fields["authorization"])
        if let tls = fields["tls_config"] { settings.tls = try TLSConfigParser.parse(tls) }
        if let honor = fields["honor_labels"] { settings.honorLabels = try honor.bool() }
        if let honor = fields["honor_timestamps"] { settings.honorTimestamps = try honor.bool() }
        if let limit = fields["sample_limit"] {
            settings.sampleLimit = try limit.integer()
            guard settings.sampleLimit >= 0 else { throw limit.error("sample_limit must not be negative") }
        }
        for group in try fields["static_configs"]?.sequence() ?? [] {
            let groupFields = try group.mapping(allowed: ["targets", "labels"])
            var targets: [String] = []
            for target in try groupFields["targets"]?.sequence() ?? [] {
                let address = try target.string()
                guard !address.contains("/") else { throw target.error("\(goQuoted(address)) is not a valid hostname") }
                targets.append(address)
            }
            let labels = try groupFields["labels"]?.labelMap() ?? [:]
            settings.staticGroups.append(TargetGroup(targets: targets, labels: labels, source: group.path))
        }
        for entry in try fields["file_sd_configs"]?.sequence() ?? [] {
            let sdFields = try entry.mapping(allowed: ["files", "refresh_interval"])
            let files = try sdFields["files"]?.strings() ?? []
            guard !files.isEmpty else { throw entry.error("file service discovery config must contain at least one path name") }
            for (index, file) in files.enumerated() where !(file.hasSuffix(".json") || file.hasSuffix(".yml") || file.hasSuffix(".yaml")) {
                throw ConfigError(path: entry.path + ".files[\(index)]", line: entry.line, message: "path name \(goQuoted(file)) is not valid for file discovery")
            }
            let refresh = try sdFields["refresh_interval"].map { v throws(ConfigError) in try ConfigParser.positive(v) } ?? 300_000
            settings.fileDiscovery.append(FileDiscoveryConfig(files: files, refreshInterval: refresh))
        }
        settings.relabelConfigs = try RelabelConfigParser.parseList(fields["relabel_configs"])
        settings.metricRelabelConfigs = try RelabelConfigParser.parseList(fields["metric_relabel_configs"])
        return settings
    }

    static func paramMap(_ value: YAMLValue) throws(ConfigError) -> [String: [String]] {
        if value.isNull { return [:] }
        guard case .mapping(let mapping) = value.node else { throw value.error("expected a mapping of parameter names to lists") }
        var params: [String: [String]] = [:]
        for (key, node) in mapping {
            let name = key.string ?? ""
            params[name] = try YAMLValue(node: node, path: value.path + "." + name).strings()
        }
        return params
    }
}
