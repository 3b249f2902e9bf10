import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// Limits that protect the server whatever the web config says (flags of both binaries).
public struct ConnectionLimits: Sendable {
    /// Open connections at once; 0 for no limit.
    public var maxConnections: Int
    /// From accept, or from the end of the previous response, until a request head is complete.
    public var readHeaderTimeout: TimeAmount
    /// How long a kept-alive connection may wait, after a response, for its next request head.
    public var idleTimeout: TimeAmount
    /// Bytes of header names and values in one request.
    public var maxHeaderBytes: Int

    public init(maxConnections: Int, readHeaderTimeout: TimeAmount, idleTimeout: TimeAmount, maxHeaderBytes: Int) {
        self.maxConnections = maxConnections
        self.readHeaderTimeout = readHeaderTimeout
        self.idleTimeout = idleTimeout
        self.maxHeaderBytes = maxHeaderBytes
    }
}

/// Everything between the socket and an HTTP/1.1 application handler: connection limit,
/// TLS from the current web config, HTTP parsing with header limits, the slowloris
/// timeouts, rate limit, basic auth and security headers. Shared by `lantern-exporter`
/// and `lantern-server`: each adds its own handler after `configure`.
public final class WebServerSecurity: Sendable {
    private let store: WebConfigStore?
    private let limits: ConnectionLimits
    private let connections: ConnectionLimiter
    /// One thread: bcrypt runs one at a time, as exporter-toolkit serialises it, so a
    /// flood of wrong passwords costs one core at most.
    private let bcryptPool: NIOThreadPool

    /// `webConfigFile` empty: plain HTTP with the limits only. Throws the reason a config file is refused.
    public init(webConfigFile: String, limits: ConnectionLimits, logger: Logger) throws(WebConfigError) {
        store = webConfigFile.isEmpty ? nil : try WebConfigStore(path: webConfigFile, logger: logger)
        self.limits = limits
        connections = ConnectionLimiter(limit: limits.maxConnections)
        bcryptPool = NIOThreadPool(numberOfThreads: 1)
        bcryptPool.start()
    }

    public var tlsEnabled: Bool { store?.tlsEnabled ?? false }

    /// Logs exporter-toolkit's line for a listening address: "TLS is enabled." or "TLS is disabled.".
    public func logTLSState(address: String, logger: Logger) {
        // Lantern answers HTTP/1.1 only, whatever `http2` says.
        logger.info(tlsEnabled ? "TLS is enabled." : "TLS is disabled.", metadata: ["http2": "false", "address": "\(address)"])
    }

    /// Sets up a new connection's pipeline, up to the point where the application's
    /// `HTTPServerRequestPart` handler goes; false when the connection was refused.
    public func configure(_ channel: any Channel) throws -> Bool {
        guard connections.admit(channel) else { return false }
        let snapshot = store?.current()
        let pipeline = channel.pipeline.syncOperations
        if let snapshot, let context = snapshot.tlsContext, let tls = snapshot.config.tls {
            try pipeline.addHandler(PlainHTTPRejector())
            try pipeline.addHandler(ConnectionTLS.makeHandler(context: context, config: tls))
        }
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderListSize = limits.maxHeaderBytes
        decoderLimits.maxHeaderFieldSize = limits.maxHeaderBytes
        try pipeline.configureHTTPServerPipeline(
            withErrorHandling: true, withEncoderConfiguration: .init(), withDecoderLimitConfiguration: decoderLimits)
        try pipeline.addHandler(HeaderTimeoutHandler(readHeader: limits.readHeaderTimeout, idle: limits.idleTimeout))
        if let snapshot {
            try pipeline.addHandler(WebSecurityHandler(snapshot: snapshot, bcryptPool: bcryptPool))
        }
        return true
    }

    public func shutdown() {
        try? bcryptPool.syncShutdownGracefully()
    }
}
