import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// An HTTP answer, body already gunzipped.
public struct ScrapeResponse: Sendable {
    public var status: Int
    /// The status line's reason as the server sent it (Prometheus shows it in errors).
    public var reasonPhrase = ""
    public var contentType: String
    /// The `Retry-After` header, for remote write's backoff.
    public var retryAfter: String?
    public var body: [UInt8]
}

public struct ScrapeHTTPError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// One outgoing HTTP request: a scrape's GET or remote write's POST.
public struct HTTPClientRequest: Sendable {
    public var method: HTTPMethod
    public var host: String
    public var port: Int
    /// Path and query.
    public var requestTarget: String
    /// Sent after `Host`, in order; `Content-Length` and `Connection` are added.
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// Set: the request goes over TLS (`https`).
    public var tls: ClientTLS?

    public init(
        method: HTTPMethod, host: String, port: Int, requestTarget: String, headers: [(String, String)], body: [UInt8] = [], tls: ClientTLS? = nil
    ) {
        self.tls = tls
        self.method = method
        self.host = host
        self.port = port
        self.requestTarget = requestTarget
        self.headers = headers
        self.body = body
    }
}

/// A minimal HTTP/1.1 client on SwiftNIO: one connection per request (closed after),
/// a deadline covering connect, request and response. Scrapes and remote write share it.
public struct ScrapeHTTPClient: Sendable {
    /// Prometheus 2.42's scrape `Accept` header.
    public static let acceptHeader =
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
    public static let userAgent = "Lantern/0.1.0"
    /// Larger bodies fail the scrape instead of growing memory without bound.
    static let bodyLimit = 256 << 20

    let group: any EventLoopGroup

    public init(group: any EventLoopGroup) { self.group = group }

    public func get(target: ScrapeTarget, authorization: String?, tls: ClientTLS? = nil, timeoutMilliseconds: Int64) async throws -> ScrapeResponse {
        var headers = [
            ("Accept", Self.acceptHeader),
            ("Accept-Encoding", "gzip"),
            ("User-Agent", Self.userAgent),
            ("X-Prometheus-Scrape-Timeout-Seconds", String(Double(timeoutMilliseconds) / 1000)),
        ]
        if let authorization { headers.append(("Authorization", authorization)) }
        let request = HTTPClientRequest(
            method: .GET, host: target.host, port: target.port, requestTarget: target.requestTarget, headers: headers,
            tls: target.scheme == "https" ? tls ?? ClientTLS(settings: TLSClientSettings()) : nil)
        return try await perform(request, timeoutMilliseconds: timeoutMilliseconds)
    }

    public func perform(_ request: HTTPClientRequest, timeoutMilliseconds: Int64) async throws -> ScrapeResponse {
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: ScrapeResponse.self)
        let deadline = eventLoop.scheduleTask(in: .milliseconds(timeoutMilliseconds)) {
            promise.fail(ScrapeHTTPError(description: "context deadline exceeded"))
        }
        var headers = HTTPHeaders()
        let defaultPort = request.tls == nil ? 80 : 443
        headers.add(name: "Host", value: request.port == defaultPort ? request.host : "\(request.host):\(request.port)")
        for (name, value) in request.headers { headers.add(name: name, value: value) }
        if request.method != .GET { headers.add(name: "Content-Length", value: String(request.body.count)) }
        headers.add(name: "Connection", value: "close")
        let head = HTTPRequestHead(version: .http1_1, method: request.method, uri: request.requestTarget, headers: headers)
        let body = request.body
        let sslContext: NIOSSLContext?
        do {
            sslContext = try request.tls?.context()
        } catch {
            deadline.cancel()
            throw error
        }
        let serverHostname = request.tls?.serverHostname(for: request.host)
        let verifiedServerName = request.tls.flatMap { $0.settings.insecureSkipVerify || $0.settings.serverName.isEmpty ? nil : $0.settings.serverName }

        let connect = ClientBootstrap(group: eventLoop)
            .connectTimeout(.milliseconds(timeoutMilliseconds))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        let tlsHandler = try NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname)
                        try channel.pipeline.syncOperations.addHandler(tlsHandler)
                        if let name = verifiedServerName { try channel.pipeline.syncOperations.addHandler(ServerNameVerifier(serverName: name)) }
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseCollector(promise: promise))
                }
            }
            .connect(host: request.host, port: request.port)
        connect.whenComplete { result in
            switch result {
            case .success(let channel):
                promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
                channel.write(HTTPClientRequestPart.head(head), promise: nil)
                if !body.isEmpty {
                    channel.write(HTTPClientRequestPart.body(.byteBuffer(channel.allocator.buffer(bytes: body))), promise: nil)
                }
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            case .failure(let error):
                promise.fail(error)
            }
        }
        defer { deadline.cancel() }
        do {
            return try await promise.futureResult.get()
        } catch let error as NIOSSLError {
            throw ScrapeHTTPError(description: "TLS handshake with \(request.host):\(request.port) failed: \(ClientTLS.reason(error))")
        } catch let error as BoringSSLError {
            throw ScrapeHTTPError(description: "TLS connection to \(request.host):\(request.port) failed: \(ClientTLS.reason(error))")
        } catch let error as NIOConnectionError {
            throw ScrapeHTTPError(description: GoDialError.describe(error))
        } catch ChannelError.connectTimeout {
            // The connect timeout is the request's deadline: it ran out while connecting.
            // Go says so, or "dial tcp <addr>: i/o timeout" when its dialer's timer is seen
            // first (a race in net/http; Prometheus shows the former most often).
            throw ScrapeHTTPError(description: "context deadline exceeded")
        }
    }
}

/// Gathers one response; any error or an early close fails the promise.
private final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<ScrapeResponse>
    private var response = ScrapeResponse(status: 0, contentType: "", body: [])
    private var gzipped = false

    init(promise: EventLoopPromise<ScrapeResponse>) { self.promise = promise }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            response.status = Int(head.status.code)
            response.reasonPhrase = head.status.reasonPhrase
            response.contentType = head.headers.first(name: "Content-Type") ?? ""
            response.retryAfter = head.headers.first(name: "Retry-After")
            gzipped = head.headers.first(name: "Content-Encoding")?.lowercased() == "gzip"
        case .body(var buffer):
            guard response.body.count + buffer.readableBytes <= ScrapeHTTPClient.bodyLimit else {
                promise.fail(ScrapeHTTPError(description: "body size limit exceeded"))
                context.close(promise: nil)
                return
            }
            response.body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
        case .end:
            if gzipped {
                do { response.body = try Gunzip.decompress(response.body) } catch {
                    promise.fail(error)
                    return
                }
            }
            promise.succeed(response)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(ScrapeHTTPError(description: "connection closed before the response was complete"))
    }
}
