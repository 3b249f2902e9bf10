import LanternScrape

/// One Alertmanager from `alerting.alertmanagers[].static_configs`: where to POST.
public struct AlertmanagerTarget: Sendable {
    public var host: String
    public var port: Int
    public var scheme: String
    /// `path_prefix` joined with `/api/v2/alerts` (or `/api/v1/alerts` for `api_version: v1`).
    public var alertsPath: String
    public var authorization: String?
    /// Milliseconds; Prometheus' default is 10s.
    public var timeout: Int64
    /// For `https`: the `tls_config`, shared by the Alertmanagers of one entry so that its
    /// files are read once, at the first send.
    public var tls: ClientTLS?

    public init(
        host: String, port: Int, scheme: String = "http", alertsPath: String = "/api/v2/alerts", authorization: String? = nil, timeout: Int64 = 10_000,
        tls: ClientTLS? = nil
    ) {
        self.tls = tls
        self.host = host
        self.port = port
        self.scheme = scheme
        self.alertsPath = alertsPath
        self.authorization = authorization
        self.timeout = timeout
    }

    /// The alerts endpoint, as `/api/v1/alertmanagers` lists it and metrics label it.
    public var url: String { "\(scheme)://\(host):\(port)\(alertsPath)" }
}

