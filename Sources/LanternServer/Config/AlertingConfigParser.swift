import LanternPromQL
import LanternRules
import LanternScrape

/// `alerting`: the Alertmanagers alerts go to and the relabelling applied to alerts.
/// Targets come from `static_configs` through the Alertmanager's `relabel_configs`, as
/// Prometheus' discovery builds them (`__address__`, `__scheme__`, `__alerts_path__`).
enum AlertingConfigParser {
    static func parse(_ value: YAMLValue) throws(ConfigError) -> AlertmanagerNotifier.Settings {
        let fields = try value.mapping(allowed: ["alertmanagers", "alert_relabel_configs"])
        var config = AlertmanagerNotifier.Settings()
        config.relabelConfigs = try RelabelConfigParser.parseList(fields["alert_relabel_configs"])
        for manager in try fields["alertmanagers"]?.sequence() ?? [] {
            config.targets += try targets(manager)
        }
        return config
    }

    private static func targets(_ manager: YAMLValue) throws(ConfigError) -> [AlertmanagerTarget] {
        let fields = try manager.mapping(allowed: [
            "static_configs", "file_sd_configs", "scheme", "path_prefix", "timeout", "api_version",
            "basic_auth", "authorization", "tls_config", "relabel_configs",
        ])
        if let files = fields["file_sd_configs"], !(try files.sequence().isEmpty) {
            throw files.error("file_sd_configs for alertmanagers is not supported yet: use static_configs")
        }
        let version = try fields["api_version"]?.string() ?? "v2"
        guard ["v1", "v2"].contains(version) else { throw fields["api_version"]!.error("expected Alertmanager api version to be one of [v1 v2]") }
        let timeout = try fields["timeout"].map { value throws(ConfigError) in try ConfigParser.positive(value) } ?? 10_000
        let scheme = try fields["scheme"]?.string() ?? "http"
        guard ["http", "https"].contains(scheme) else { throw fields["scheme"]!.error("invalid scheme, must be http or https") }
        let authorization = try AuthorizationParser.header(basicAuth: fields["basic_auth"], authorization: fields["authorization"])
        // One TLS context for the entry's Alertmanagers, used by those reached over https.
        let tls = ClientTLS(settings: try fields["tls_config"].map { value throws(ConfigError) in try TLSConfigParser.parse(value) } ?? TLSClientSettings())
        let relabelConfigs = try RelabelConfigParser.parseList(fields["relabel_configs"])
        let pathPrefix = try fields["path_prefix"]?.string() ?? ""

        var targets: [AlertmanagerTarget] = []
        for group in try fields["static_configs"]?.sequence() ?? [] {
            let groupFields = try group.mapping(allowed: ["targets", "labels"])
            let groupLabels = try groupFields["labels"]?.labelMap() ?? [:]
            for address in try groupFields["targets"]?.strings() ?? [] {
                var labels = Labels(groupLabels)
                labels.set("__address__", address)
                labels.set("__scheme__", scheme)
                labels.set("__alerts_path__", joinedAlertsPath(prefix: pathPrefix, version: version))
                guard let relabelled = Relabeler.process(labels, relabelConfigs) else { continue }
                let finalAddress = relabelled["__address__"] ?? ""
                guard let colon = finalAddress.lastIndex(of: ":"), let port = Int(finalAddress[finalAddress.index(after: colon)...]) else {
                    throw group.error("invalid Alertmanager address \(goQuoted(finalAddress)): missing port")
                }
                let finalScheme = relabelled["__scheme__"] ?? scheme
                targets.append(AlertmanagerTarget(
                    host: String(finalAddress[..<colon]), port: port, scheme: finalScheme,
                    alertsPath: relabelled["__alerts_path__"] ?? joinedAlertsPath(prefix: pathPrefix, version: version),
                    authorization: authorization, timeout: timeout, tls: finalScheme == "https" ? tls : nil))
            }
        }
        return targets
    }

    /// Prometheus' `path.Join(prefix, "/api/v2/alerts")`.
    private static func joinedAlertsPath(prefix: String, version: String) -> String {
        var trimmed = prefix
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        if !trimmed.isEmpty && !trimmed.hasPrefix("/") { trimmed = "/" + trimmed }
        return trimmed + "/api/\(version)/alerts"
    }
}
