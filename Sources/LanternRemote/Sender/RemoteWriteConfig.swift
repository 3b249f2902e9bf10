import LanternScrape

/// One `remote_write` entry, parsed and validated by the server's configuration reader.
public struct RemoteWriteConfig: Sendable {
    public var endpoint: RemoteEndpoint
    /// `name`, or empty; the queue's identity is `queueName`.
    public var name = ""
    public var remoteTimeout: Int64 = 30_000
    /// Extra request headers, sent in name order.
    public var headers: [String: String] = [:]
    public var writeRelabelConfigs: [RelabelConfig] = []
    /// The `Authorization` header value from `basic_auth` or `authorization`.
    public var authorization: String?
    /// `tls_config`; used when the URL is `https`.
    public var tls = TLSClientSettings()
    public var queue = QueueConfig()

    public init(endpoint: RemoteEndpoint) { self.endpoint = endpoint }

    /// Names the queue in metrics and its position file: `name` if set, else a hash of
    /// the URL (Prometheus hashes the whole entry; the URL alone keeps the position when
    /// other settings change).
    public var queueName: String {
        if !name.isEmpty { return name }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in endpoint.url.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
