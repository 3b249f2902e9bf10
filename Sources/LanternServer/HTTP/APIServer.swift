import LanternWeb
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The HTTP/1.1 listener on raw SwiftNIO (no Hummingbird: it would double the binary and
/// its resident memory, see DESIGN.md, for routing a dozen fixed paths). Each request's
/// body is gathered, then answered by the router on a Swift task. `security` sets up each
/// connection up to HTTP (limits, TLS, basic auth, headers from `--web.config.file`), as
/// lantern-exporter's listener does; the router answers what passes.
public final class APIServer: Sendable {
    private let channel: any Channel
    private let security: WebServerSecurity

    public init(host: String, port: Int, group: any EventLoopGroup, router: APIRouter, security: WebServerSecurity) async throws {
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard try security.configure(channel) else { return }
                    try channel.pipeline.syncOperations.addHandler(APIHTTPHandler(router: router))
                }
            }
            .bind(host: host, port: port).get()
        self.security = security
    }

    /// The bound port (useful with `:0`).
    public var port: Int { channel.localAddress?.port ?? 0 }

    /// Stops accepting; then releases the security pipeline's bcrypt thread.
    public func close() async {
        try? await channel.close()
        security.shutdown()
    }
}

/// Gathers one request, hands it to the router, writes the answer; keep-alive as asked.
private final class APIHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Query bodies are small; anything larger is refused rather than buffered.
    static let bodyLimit = 8 << 20
    private let router: APIRouter
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var bodyExceededLimit = false

    init(router: APIRouter) { self.router = router }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = []
            bodyExceededLimit = false
        case .body(var buffer):
            if body.count + buffer.readableBytes <= Self.bodyLimit {
                body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
            } else {
                bodyExceededLimit = true
            }
        case .end:
            guard let requestHead = head else { return }
            head = nil
            var request = APIRequest(
                method: requestHead.method.rawValue, uri: requestHead.uri, body: body,
                contentType: requestHead.headers.first(name: "Content-Type"))
            request.bodyExceededLimit = bodyExceededLimit
            let completeRequest = request
            let router = self.router
            let promise = context.eventLoop.makePromise(of: APIResponse.self)
            promise.completeWithTask { await router.handle(completeRequest) }
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            promise.futureResult.whenSuccess { response in
                let (handler, context) = loopBound.value
                handler.write(response, for: requestHead, context: context)
            }
        }
    }

    private func write(_ response: APIResponse, for request: HTTPRequestHead, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(response.body.count))
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        let keepAlive = request.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: request.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if request.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
