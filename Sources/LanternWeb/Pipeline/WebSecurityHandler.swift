import NIOCore
import NIOHTTP1
import NIOPosix

/// exporter-toolkit's request checks, in its order: the rate limit (429), then the
/// configured headers on every later response, then basic auth (401 with
/// `WWW-Authenticate: Basic`). bcrypt runs on `bcryptPool`, never on the event loop;
/// the request's parts wait here until it answers.
final class WebSecurityHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case passing
        /// bcrypt is deciding; the parts received meanwhile.
        case waiting([HTTPServerRequestPart])
        /// Answered here: the rest of this request is dropped.
        case discarding
    }

    private let snapshot: WebConfigStore.Snapshot
    private let bcryptPool: NIOThreadPool
    private var state = State.passing

    init(snapshot: WebConfigStore.Snapshot, bcryptPool: NIOThreadPool) {
        self.snapshot = snapshot
        self.bcryptPool = bcryptPool
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch (state, part) {
        case (.discarding, .end):
            state = .passing
        case (.discarding, _):
            break
        case (.waiting(var parts), _):
            parts.append(part)
            state = .waiting(parts)
        case (.passing, .head(let head)):
            admit(head, context: context)
        case (.passing, _):
            context.fireChannelRead(data)
        }
    }

    private func admit(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        if let limiter = snapshot.limiter, !limiter.allow() {
            return reject(head, status: .tooManyRequests, extraHeaders: [], context: context)
        }
        guard let auth = snapshot.auth else {
            return context.fireChannelRead(wrapInboundOut(.head(head)))
        }
        guard let credentials = head.headers.first(name: "Authorization").flatMap(BasicCredentials.init(authorization:)) else {
            return reject(head, status: .unauthorized, extraHeaders: configuredHeaders, context: context)
        }
        if auth.cachedAnswer(credentials) == true {
            return context.fireChannelRead(wrapInboundOut(.head(head)))
        }
        state = .waiting([.head(head)])
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        bcryptPool.runIfActive(eventLoop: context.eventLoop) { auth.verify(credentials) }
            .whenComplete { result in
                let (handler, context) = loopBound.value
                handler.decided(accepted: (try? result.get()) ?? false, head: head, context: context)
            }
    }

    private func decided(accepted: Bool, head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard case .waiting(let parts) = state, context.channel.isActive else { return }
        state = .passing
        if accepted {
            for part in parts { context.fireChannelRead(wrapInboundOut(part)) }
            return
        }
        let ended = parts.contains { if case .end = $0 { true } else { false } }
        reject(head, status: .unauthorized, extraHeaders: configuredHeaders, context: context)
        if ended { state = .passing }
    }

    private var configuredHeaders: [(String, String)] {
        snapshot.config.http.headers.map { ($0.name, $0.value) }
    }

    /// Answers like Go's `http.Error`, dropping the rest of the request.
    private func reject(_ request: HTTPRequestHead, status: HTTPResponseStatus, extraHeaders: [(String, String)], context: ChannelHandlerContext) {
        state = .discarding
        var headers = HTTPHeaders(extraHeaders)
        headers.replaceOrAdd(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        if status == .unauthorized { headers.replaceOrAdd(name: "WWW-Authenticate", value: "Basic") }
        let body = context.channel.allocator.buffer(string: status.reasonPhrase + "\n")
        headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
        if !request.isKeepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        if request.method != .HEAD { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        let keepAlive = request.isKeepAlive
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { loopBound.value.close(promise: nil) }
        }
    }

    /// The application's responses get the configured headers, replacing its own of the same name.
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .head(var head) = unwrapOutboundIn(data), !snapshot.config.http.headers.isEmpty else {
            return context.write(data, promise: promise)
        }
        for (name, value) in snapshot.config.http.headers { head.headers.replaceOrAdd(name: name, value: value) }
        context.write(wrapOutboundOut(.head(head)), promise: promise)
    }
}
