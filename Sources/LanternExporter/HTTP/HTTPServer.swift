import LanternMetrics
import LanternWeb
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// Routes requests: the landing page, the metrics path, 404 for the rest.
struct Router: Sendable {
    let telemetryPath: String
    let landingPage: HTTPResponse?
    let endpoint: MetricsEndpoint
    let pool: WorkerPool

    func respond(to head: HTTPRequestHead, on eventLoop: any EventLoop) -> EventLoopFuture<HTTPResponse> {
        let target = RequestTarget(head.uri)
        if target.path == telemetryPath {
            return metrics(head, target, on: eventLoop)
        }
        if target.path == "/", let landingPage {
            return eventLoop.makeSucceededFuture(landingPage)
        }
        return eventLoop.makeSucceededFuture(.notFound)
    }

    private func metrics(_ head: HTTPRequestHead, _ target: RequestTarget, on eventLoop: any EventLoop) -> EventLoopFuture<HTTPResponse> {
        let only: Set<String>?
        switch endpoint.collectorFilter(for: target) {
        case .success(let filter): only = filter
        case .failure(let error): return eventLoop.makeSucceededFuture(error.response)
        }
        if let rejection = endpoint.admit() {
            endpoint.finish(status: rejection.status)
            return eventLoop.makeSucceededFuture(rejection)
        }
        let format = ContentNegotiation.negotiate(
            accept: head.headers[canonicalForm: "Accept"].joined(separator: ","), openMetricsEnabled: true)
        let gzip = ContentNegotiation.acceptsGzip(head.headers[canonicalForm: "Accept-Encoding"].joined(separator: ","))
        let timeout = head.headers.first(name: "X-Prometheus-Scrape-Timeout-Seconds").flatMap(Double.init)
            .map(Router.collectorDeadline(scrapeTimeout:))
        let promise = eventLoop.makePromise(of: HTTPResponse.self)
        let endpoint = self.endpoint
        // The collectors' runners start from here, and the one that finishes last encodes
        // and answers: no pool thread sleeps through the scrape to be woken for the merge.
        // The deadline and the stall checks are event-loop timers, cancelled in the common
        // case, and run their check on the pool (it can end the gather, which encodes).
        let gathering = endpoint.startScrape(only: only, format: format, gzip: gzip, scrapeTimeoutSeconds: timeout) { response in
            endpoint.finish(status: response.status)
            promise.succeed(response)
        }
        if let firstCheck = gathering.check() {
            let timer = Router.scheduleCheck(of: gathering, in: firstCheck, on: eventLoop, pool: pool)
            promise.futureResult.whenComplete { _ in timer.cancel() }
        }
        return promise.futureResult
    }

    /// Runs `gathering.check()` on `pool` after `nanoseconds`, and again whenever it asks.
    private static func scheduleCheck(of gathering: Gathering, in nanoseconds: UInt64, on eventLoop: any EventLoop, pool: WorkerPool) -> Scheduled<Void> {
        eventLoop.scheduleTask(in: .nanoseconds(Int64(min(nanoseconds, UInt64(Int64.max))))) {
            guard !gathering.hasEnded else { return }
            pool.submit {
                if let next = gathering.check() {
                    _ = scheduleCheck(of: gathering, in: next, on: eventLoop, pool: pool)
                }
            }
        }
    }

    /// How long collectors may run when the scraper announces its timeout: the timeout less
    /// time for encoding and sending, 0.5 s but at most a tenth of it, so that a short
    /// `scrape_timeout` (0.5 s, 1 s) still leaves the collectors most of it instead of none.
    static func collectorDeadline(scrapeTimeout: Double) -> Double {
        guard scrapeTimeout > 0 else { return 0 }
        return scrapeTimeout - min(0.5, scrapeTimeout / 10)
    }
}

/// One connection's HTTP/1.1 handler; requests are answered in order (the
/// pipeline handler holds back pipelined requests until a response is complete).
final class ExporterHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let router: Router
    private var head: HTTPRequestHead?

    init(router: Router) {
        self.router = router
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
        case .body:
            break
        case .end:
            guard let requestHead = head else { return }
            head = nil
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            router.respond(to: requestHead, on: context.eventLoop).whenSuccess { response in
                let (handler, context) = loopBound.value
                handler.write(response, for: requestHead, context: context)
            }
        }
    }

    private func write(_ response: HTTPResponse, for request: HTTPRequestHead, context: ChannelHandlerContext) {
        var headers = HTTPHeaders(response.headers)
        headers.add(name: "Content-Length", value: String(response.body.count))
        if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: request.version, status: .init(statusCode: Int(response.status)), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if request.method != .HEAD && !response.body.isEmpty {
            let buffer = context.channel.allocator.buffer(bytes: response.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let keepAlive = request.isKeepAlive
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { loopBound.value.close(promise: nil) }
        }
    }
}

/// The listening sockets and their event loop.
final class HTTPServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channels: [any Channel]
    private let security: WebServerSecurity

    /// Binds every address, or throws naming the one that failed. `security` sets up each
    /// connection up to HTTP (limits, TLS, auth, headers); the router answers what passes.
    init(addresses: [ListenAddress], router: Router, security: WebServerSecurity, logger: Logger) throws {
        // One event-loop thread is plenty: the loop only parses requests and writes
        // bytes; gathering runs on the worker pool, bcrypt on the security's own thread.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard try security.configure(channel) else { return }
                    try channel.pipeline.syncOperations.addHandler(ExporterHTTPHandler(router: router))
                }
            }
        var channels: [any Channel] = []
        do {
            for address in addresses {
                let channel = try address.bind(bootstrap)
                logger.info("Listening on", metadata: ["address": "\(address.logDescription(boundTo: channel))"])
                security.logTLSState(address: address.logDescription(boundTo: channel), logger: logger)
                channels.append(channel)
            }
        } catch {
            for channel in channels { try? channel.close().wait() }
            try? group.syncShutdownGracefully()
            throw error
        }
        self.group = group
        self.channels = channels
        self.security = security
    }

    /// Local ports actually bound (useful with port 0).
    var boundPorts: [Int] { channels.compactMap { $0.localAddress?.port } }

    /// Stops accepting, lets responses in progress finish, then stops the loop.
    func shutdown() {
        for channel in channels { try? channel.close().wait() }
        try? group.syncShutdownGracefully()
        security.shutdown()
    }
}

/// A `--web.listen-address` value: `host:port`, `:port` (all interfaces) or `[v6]:port`.
struct ListenAddress: Sendable, Equatable {
    let host: String
    let port: Int

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    init(parsing text: String) throws {
        guard let colon = text.lastIndex(of: ":") else {
            throw Invalid(description: "address \(text): missing port in address")
        }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw Invalid(description: "address \(text): invalid port")
        }
        self.host = host
        self.port = port
    }

    /// Binds; an empty host means every interface, IPv6 and IPv4 when the host has
    /// IPv6, else IPv4 only (as Go does).
    func bind(_ bootstrap: ServerBootstrap) throws -> any Channel {
        if host.isEmpty {
            do {
                return try bootstrap.bind(host: "::", port: port).wait()
            } catch {
                return try bootstrap.bind(host: "0.0.0.0", port: port).wait()
            }
        }
        return try bootstrap.bind(host: host, port: port).wait()
    }

    func logDescription(boundTo channel: any Channel) -> String {
        let port = channel.localAddress?.port ?? self.port
        if host.isEmpty {
            return channel.localAddress?.protocol == .inet6 ? "[::]:\(port)" : "0.0.0.0:\(port)"
        }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
