import NIOCore
import NIOHTTP1

/// Closes connections that take too long to send a request head (slowloris): from
/// accept (TLS handshake included) `readHeader`, and after each response `idle` for
/// the next request's head to arrive complete. No clock runs while a request is served.
/// A malformed or oversized head ends the connection too: NIO's error handler has
/// answered 400 and leaves the closing to the pipeline. Only the sending side is shut
/// (after the 400), so unread request bytes do not turn the close into a reset that
/// would destroy the answer; the header clock still bounds the rest.
final class HeaderTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let readHeader: TimeAmount
    private let idle: TimeAmount
    private var timer: Scheduled<Void>?

    init(readHeader: TimeAmount, idle: TimeAmount) {
        self.readHeader = readHeader
        self.idle = idle
    }

    func handlerAdded(context: ChannelHandlerContext) {
        arm(readHeader, context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            timer?.cancel()
            timer = nil
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(mode: .output, promise: nil)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { arm(idle, context: context) }
        context.write(data, promise: promise)
    }

    private func arm(_ timeout: TimeAmount, context: ChannelHandlerContext) {
        timer?.cancel()
        guard timeout > .zero else { return }
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }
}
