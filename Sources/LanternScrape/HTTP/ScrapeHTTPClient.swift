import NIOCore
import NIOHTTP1
import NIOPosix

/// A scrape's HTTP answer, body already gunzipped.
public struct ScrapeResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
}

public struct ScrapeHTTPError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// A minimal HTTP/1.1 GET client on SwiftNIO: one connection per scrape (closed after),
/// a deadline covering connect, request and response.
public struct ScrapeHTTPClient: Sendable {
    /// Prometheus 2.42's scrape `Accept` header.
    public static let acceptHeader =
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
    public static let userAgent = "Lantern/0.1.0"
    /// Larger bodies fail the scrape instead of growing memory without bound.
    static let bodyLimit = 256 << 20

    let group: any EventLoopGroup

    public init(group: any EventLoopGroup) { self.group = group }

    public func get(target: ScrapeTarget, authorization: String?, timeoutMilliseconds: Int64) async throws -> ScrapeResponse {
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: ScrapeResponse.self)
        let deadline = eventLoop.scheduleTask(in: .milliseconds(timeoutMilliseconds)) {
            promise.fail(ScrapeHTTPError(description: "context deadline exceeded"))
        }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: target.port == 80 ? target.host : "\(target.host):\(target.port)")
        headers.add(name: "Accept", value: Self.acceptHeader)
        headers.add(name: "Accept-Encoding", value: "gzip")
        headers.add(name: "User-Agent", value: Self.userAgent)
        headers.add(name: "X-Prometheus-Scrape-Timeout-Seconds", value: String(Double(timeoutMilliseconds) / 1000))
        headers.add(name: "Connection", value: "close")
        if let authorization { headers.add(name: "Authorization", value: authorization) }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target.requestTarget, headers: headers)

        let connect = ClientBootstrap(group: eventLoop)
            .connectTimeout(.milliseconds(timeoutMilliseconds))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseCollector(promise: promise))
                }
            }
            .connect(host: target.host, port: target.port)
        connect.whenComplete { result in
            switch result {
            case .success(let channel):
                promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
                channel.write(HTTPClientRequestPart.head(head), promise: nil)
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            case .failure(let error):
                promise.fail(error)
            }
        }
        defer { deadline.cancel() }
        return try await promise.futureResult.get()
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
            response.contentType = head.headers.first(name: "Content-Type") ?? ""
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
