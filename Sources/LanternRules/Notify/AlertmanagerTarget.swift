/// One Alertmanager from `alerting.alertmanagers[].static_configs`: where to POST.
public struct AlertmanagerTarget: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var scheme: String
    /// `path_prefix`, without a trailing slash.
    public var pathPrefix: String
    public var authorization: String?
    /// Milliseconds; Prometheus' default is 10s.
    public var timeout: Int64

    public init(host: String, port: Int, scheme: String = "http", pathPrefix: String = "", authorization: String? = nil, timeout: Int64 = 10_000) {
        self.host = host
        self.port = port
        self.scheme = scheme
        self.pathPrefix = pathPrefix.hasSuffix("/") ? String(pathPrefix.dropLast()) : pathPrefix
        self.authorization = authorization
        self.timeout = timeout
    }

    /// The API v2 endpoint, as `/api/v1/alertmanagers` lists it.
    public var url: String { "\(scheme)://\(host):\(port)\(pathPrefix)/api/v2/alerts" }
}
