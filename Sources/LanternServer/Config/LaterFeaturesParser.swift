import LanternScrape

/// `alerting`: validated now so configurations written for Prometheus
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
}
