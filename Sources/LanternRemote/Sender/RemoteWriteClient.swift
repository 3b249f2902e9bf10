import LanternScrape
import NIOHTTP1

/// What became of one request: delivered; worth retrying (5xx, a 429 when asked,
/// network errors), after the receiver's `Retry-After` (milliseconds) if it gave one; or
/// refused for good (other 4xx), which retrying cannot fix.
enum SendOutcome: Equatable {
    case delivered
    case retryable(String, retryAfter: Int64?)
    case rejected(String)
}

/// POSTs remote write bodies to one endpoint with the protocol's headers.
struct RemoteWriteClient: Sendable {
    static let protocolVersion = "0.1.0"
    /// As much of an error response's body as goes into the log, as Prometheus.
    static let errorBodyLimit = 512

    let http: ScrapeHTTPClient
    let config: RemoteWriteConfig
    /// Built once per queue, so the certificate files are read at the first request only.
    private let tls: ClientTLS?

    init(http: ScrapeHTTPClient, config: RemoteWriteConfig) {
        self.http = http
        self.config = config
        tls = config.endpoint.usesTLS ? ClientTLS(settings: config.tls) : nil
    }

    func send(_ body: [UInt8]) async -> SendOutcome {
        var headers = [
            ("Content-Encoding", "snappy"),
            ("Content-Type", "application/x-protobuf"),
            ("User-Agent", ScrapeHTTPClient.userAgent),
            ("X-Prometheus-Remote-Write-Version", Self.protocolVersion),
        ]
        headers += config.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if let authorization = config.authorization { headers.append(("Authorization", authorization)) }
        let endpoint = config.endpoint
        let request = HTTPClientRequest(
            method: .POST, host: endpoint.host, port: endpoint.port, requestTarget: endpoint.requestTarget, headers: headers, body: body, tls: tls)
        let response: ScrapeResponse
        do {
            response = try await http.perform(request, timeoutMilliseconds: config.remoteTimeout)
        } catch {
            return .retryable("\(error)", retryAfter: nil)
        }
        switch response.status {
        case 200..<300:
            return .delivered
        default:
            let message = "server returned HTTP status \(response.status): " + String(decoding: response.body.prefix(Self.errorBodyLimit), as: UTF8.self)
            if response.status >= 500 || (response.status == 429 && config.queue.retryOnRateLimit) {
                return .retryable(message, retryAfter: RetryAfter.milliseconds(response.retryAfter, nowMilliseconds: RetryAfter.nowMilliseconds))
            }
            return .rejected(message)
        }
    }
}
