import LanternScrape

/// `alerting` and `remote_write`: validated now so configurations written for Prometheus
/// load and mistakes show early; evaluated by the issues that implement them.
enum LaterFeaturesParser {
    /// Returns the number of Alertmanager configurations.
    static func alerting(_ value: YAMLValue) throws(ConfigError) -> Int {
        let fields = try value.mapping(allowed: ["alertmanagers", "alert_relabel_configs"])
        _ = try RelabelConfigParser.parseList(fields["alert_relabel_configs"])
        let managers = try fields["alertmanagers"]?.sequence() ?? []
        for manager in managers {
            let managerFields = try manager.mapping(allowed: [
                "static_configs", "file_sd_configs", "scheme", "path_prefix", "timeout", "api_version",
                "basic_auth", "authorization", "tls_config", "relabel_configs",
            ])
            if let version = managerFields["api_version"], !["v1", "v2"].contains(try version.string()) {
                throw version.error("expected Alertmanager api version to be one of [v1 v2]")
            }
            if let timeout = managerFields["timeout"] { _ = try ConfigParser.positive(timeout) }
            if let scheme = managerFields["scheme"], !["http", "https"].contains(try scheme.string()) {
                throw scheme.error("invalid scheme, must be http or https")
            }
            for group in try managerFields["static_configs"]?.sequence() ?? [] {
                let groupFields = try group.mapping(allowed: ["targets", "labels"])
                _ = try groupFields["targets"]?.strings()
                _ = try groupFields["labels"]?.labelMap()
            }
            _ = try AuthorizationParser.header(basicAuth: managerFields["basic_auth"], authorization: managerFields["authorization"])
            if let tls = managerFields["tls_config"] { try TLSConfigParser.validate(tls) }
            _ = try RelabelConfigParser.parseList(managerFields["relabel_configs"])
        }
        return managers.count
    }

    /// Returns the endpoint URL.
    static func remoteWrite(_ value: YAMLValue) throws(ConfigError) -> String {
        let fields = try value.mapping(allowed: [
            "url", "name", "remote_timeout", "headers", "write_relabel_configs", "basic_auth", "authorization",
            "tls_config", "queue_config", "metadata_config", "send_exemplars",
        ])
        guard let urlField = fields["url"], case let url = try urlField.string(), !url.isEmpty else {
            throw value.error("url for remote_write is empty")
        }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw urlField.error("invalid URL \(goQuoted(url))") }
        if let timeout = fields["remote_timeout"] { _ = try ConfigParser.positive(timeout) }
        _ = try RelabelConfigParser.parseList(fields["write_relabel_configs"])
        _ = try AuthorizationParser.header(basicAuth: fields["basic_auth"], authorization: fields["authorization"])
        if let tls = fields["tls_config"] { try TLSConfigParser.validate(tls) }
        if let queue = fields["queue_config"] {
            let queueFields = try queue.mapping(allowed: [
                "capacity", "max_shards", "min_shards", "max_samples_per_send", "batch_send_deadline", "min_backoff", "max_backoff", "retry_on_http_429",
            ])
            for key in ["capacity", "max_shards", "min_shards", "max_samples_per_send"] { _ = try queueFields[key]?.integer() }
            for key in ["batch_send_deadline", "min_backoff", "max_backoff"] { _ = try queueFields[key]?.duration() }
        }
        if let metadata = fields["metadata_config"] {
            let metadataFields = try metadata.mapping(allowed: ["send", "send_interval", "max_samples_per_send"])
            _ = try metadataFields["send"]?.bool()
            _ = try metadataFields["send_interval"]?.duration()
        }
        if let headers = fields["headers"], !headers.isNull {
            guard case .mapping(let mapping) = headers.node else { throw headers.error("expected a mapping of header names to values") }
            for (name, header) in mapping { _ = try YAMLValue(node: header, path: headers.path + "." + (name.string ?? "")).string() }
        }
        return url
    }
}
