import NIOCore

/// Before TLS: a connection whose first byte is not a TLS handshake record gets Go's
/// answer to plain HTTP on an HTTPS port (a 400 naming the mistake) instead of a
/// handshake error nobody can read, then is closed.
final class PlainHTTPRejector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private static let handshakeRecord: UInt8 = 0x16
    private static let answer = "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n"

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return }
        if first == Self.handshakeRecord {
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(self, promise: nil)
            return
        }
        let reply = context.channel.allocator.buffer(string: Self.answer)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(NIOAny(reply)).whenComplete { _ in loopBound.value.close(promise: nil) }
    }
}
