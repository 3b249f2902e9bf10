import LanternRemote

/// One `remote_write` entry, checked as Prometheus 2.42 checks it.
enum RemoteWriteConfigParser {
    static func parse(_ value: YAMLValue) throws(ConfigError) -> RemoteWriteConfig {
        let fields = try value.mapping(allowed: [
            "url", "name", "remote_timeout", "headers", "write_relabel_configs", "basic_auth", "authorization",
            "tls_config", "queue_config", "metadata_config", "send_exemplars",
        ])
        guard let urlField = fields["url"], case let url = try urlField.string(), !url.isEmpty else {
            throw value.error("url for remote_write is empty")
        }
        var config: RemoteWriteConfig
        do { config = RemoteWriteConfig(endpoint: try RemoteEndpoint(url: url)) } catch { throw urlField.error(error.description) }
        if let name = fields["name"] { config.name = try name.string() }
        if let timeout = fields["remote_timeout"] { config.remoteTimeout = try ConfigParser.positive(timeout) }
        config.writeRelabelConfigs = try RelabelConfigParser.parseList(fields["write_relabel_configs"])
        config.authorization = try AuthorizationParser.header(basicAuth: fields["basic_auth"], authorization: fields["authorization"])
        if let tls = fields["tls_config"] { config.tls = try TLSConfigParser.parse(tls) }
        if let queue = fields["queue_config"] { config.queue = try queueConfig(queue) }
        if let metadata = fields["metadata_config"] {
            let metadataFields = try metadata.mapping(allowed: ["send", "send_interval", "max_samples_per_send"])
            _ = try metadataFields["send"]?.bool()
            _ = try metadataFields["send_interval"]?.duration()
        }
        if let exemplars = fields["send_exemplars"] { _ = try exemplars.bool() }
        if let headers = fields["headers"], !headers.isNull {
            guard case .mapping(let mapping) = headers.node else { throw headers.error("expected a mapping of header names to values") }
            for (name, header) in mapping {
                let headerName = name.string ?? ""
                let field = YAMLValue(node: header, path: headers.path + "." + headerName)
                // Prometheus reserves the headers the protocol itself sets.
                if ["authorization", "content-encoding", "content-type", "user-agent", "x-prometheus-remote-write-version", "host"].contains(headerName.lowercased()) {
                    throw field.error("\(headerName) is a reserved header. It must not be changed")
                }
                config.headers[headerName] = try field.string()
            }
        }
        return config
    }

    private static func queueConfig(_ value: YAMLValue) throws(ConfigError) -> QueueConfig {
        let fields = try value.mapping(allowed: [
            "capacity", "max_shards", "min_shards", "max_samples_per_send", "batch_send_deadline", "min_backoff", "max_backoff", "retry_on_http_429",
        ])
        var queue = QueueConfig()
        func count(_ key: String) throws(ConfigError) -> Int? {
            guard let field = fields[key] else { return nil }
            let number = try field.integer()
            guard number > 0 else { throw field.error("\(key) must be greater than 0") }
            return number
        }
        queue.capacity = try count("capacity") ?? queue.capacity
        queue.maxShards = try count("max_shards") ?? queue.maxShards
        queue.minShards = try count("min_shards") ?? queue.minShards
        queue.maxSamplesPerSend = try count("max_samples_per_send") ?? queue.maxSamplesPerSend
        if let deadline = fields["batch_send_deadline"] { queue.batchSendDeadline = try ConfigParser.positive(deadline) }
        if let backoff = fields["min_backoff"] { queue.minBackoff = try ConfigParser.positive(backoff) }
        if let backoff = fields["max_backoff"] { queue.maxBackoff = try ConfigParser.positive(backoff) }
        if let retry = fields["retry_on_http_429"] { queue.retryOnRateLimit = try retry.bool() }
        guard queue.minShards <= queue.maxShards else { throw value.error("min_shards must not be greater than max_shards") }
        return queue
    }
}
