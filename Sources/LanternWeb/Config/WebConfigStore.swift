import Logging
import NIOConcurrencyHelpers
import NIOSSL

/// The web config in force, re-read when the file or a certificate, key or CA file it
/// names changes. Checked at each new connection (a few stat calls), as exporter-toolkit
/// re-reads at each TLS handshake, so certificates rotate without a restart. A re-read
/// that fails keeps the last good config and logs why, once per change.
public final class WebConfigStore: Sendable {
    /// One consistent config with what was built from it.
    public struct Snapshot: Sendable {
        public let config: WebConfig
        let tlsContext: NIOSSLContext?
        let auth: BasicAuthChecker?
        let limiter: TokenBucket?
    }

    private struct State {
        var snapshot: Snapshot
        /// Stamps of the files the snapshot was read from; nil entries could not be stat'ed.
        var stamps: [FileStamp?]
        /// Stamps seen at the last failed re-read, so the same failure is not retried and logged again.
        var failedStamps: [FileStamp?]?
    }

    public let path: String
    private let logger: Logger
    /// Kept across reloads: entries hold the configured hash, so changed users miss.
    private let loginCache = LoginCache()
    private let state: NIOLockedValueBox<State>

    /// Reads the file; throws the one-line reason the server must not start.
    public init(path: String, logger: Logger) throws(WebConfigError) {
        self.path = path
        self.logger = logger
        let config = try Self.read(path)
        let snapshot = try Self.build(config, cache: loginCache, previousLimiter: nil)
        state = NIOLockedValueBox(State(snapshot: snapshot, stamps: Self.stamps(path, config), failedStamps: nil))
    }

    /// The config for a new connection, re-read first if a file changed.
    public func current() -> Snapshot {
        state.withLockedValue { state in
            let now = Self.stamps(path, state.snapshot.config)
            guard now != state.stamps, now != state.failedStamps else { return state.snapshot }
            do {
                let config = try Self.read(path)
                if (config.tls == nil) != (state.snapshot.config.tls == nil) {
                    throw WebConfigError("turning TLS on or off needs a restart")
                }
                state.snapshot = try Self.build(config, cache: loginCache, previousLimiter: state.snapshot.limiter)
                state.stamps = Self.stamps(path, config)
                state.failedStamps = nil
                logger.info("Reloaded web config", metadata: ["file": "\(path)"])
            } catch {
                state.failedStamps = now
                logger.error("Unable to reload web config, keeping the last good one", metadata: ["file": "\(path)", "err": "\(error)"])
            }
            return state.snapshot
        }
    }

    public var tlsEnabled: Bool { state.withLockedValue { $0.snapshot.tlsContext != nil } }

    static func read(_ path: String) throws(WebConfigError) -> WebConfig {
        let text = try readTextFile(path)
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        return try WebConfigDecoder.decode(text, directory: directory)
    }

    private static func build(_ config: WebConfig, cache: LoginCache, previousLimiter: TokenBucket?) throws(WebConfigError) -> Snapshot {
        let context = try config.tls.map { tls throws(WebConfigError) in try TLSContextFactory.makeContext(tls) }
        let auth = config.basicAuthUsers.isEmpty ? nil : BasicAuthChecker(users: config.basicAuthUsers, cache: cache)
        var limiter: TokenBucket?
        if let limit = config.rateLimit, limit.intervalNanoseconds > 0 {
            // An unchanged limit keeps its bucket, so a reload does not refill it.
            limiter = previousLimiter?.config == limit ? previousLimiter : TokenBucket(limit)
        }
        return Snapshot(config: config, tlsContext: context, auth: auth, limiter: limiter)
    }

    private static func stamps(_ path: String, _ config: WebConfig) -> [FileStamp?] {
        let files = [path] + (config.tls.map { [$0.certFile, $0.keyFile, $0.clientCAFile].filter { !$0.isEmpty } } ?? [])
        return files.map(FileStamp.init(path:))
    }
}
