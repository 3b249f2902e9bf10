import LanternFlags
import NIOCore

/// The web security flags both binaries take: exporter-toolkit's `--web.config.file`
/// and Lantern's limits against slow and flooding clients (named after Go's
/// `http.Server` fields under the `web.` prefix).
public enum WebFlags {
    public static let configFile = Flag(
        "web.config.file",
        help: "Path to configuration file that can enable TLS or authentication. See: https://github.com/prometheus/exporter-toolkit/blob/master/docs/web-configuration.md",
        default: "")
    static let maxConnections = Flag(
        "web.max-connections",
        help: "Maximum number of open connections; more are closed as soon as accepted. Use 0 to disable.",
        kind: .int, default: "512")
    static let readHeaderTimeout = Flag(
        "web.read-header-timeout",
        help: "Time a new connection has to complete its TLS handshake and first request headers. Use 0 to disable.",
        kind: .duration, default: "10s")
    static let idleTimeout = Flag(
        "web.idle-timeout",
        help: "Time a kept-alive connection may wait after a response for the next request's headers. Use 0 to disable.",
        kind: .duration, default: "2m")
    static let maxHeaderBytes = Flag(
        "web.max-header-bytes",
        help: "Maximum size of a request's header names and values; larger requests get 400 and the connection is closed.",
        kind: .int, default: "65536")

    public static let flags = [configFile, maxConnections, readHeaderTimeout, idleTimeout, maxHeaderBytes]

    public static func connectionLimits(_ parsed: ParsedFlags) -> ConnectionLimits {
        // Clamped so that an absurd duration cannot overflow TimeAmount's nanoseconds.
        func amount(_ seconds: Double) -> TimeAmount { .nanoseconds(Int64(min(max(seconds, 0), 1e9) * 1e9)) }
        return ConnectionLimits(
            maxConnections: parsed.int(maxConnections.name),
            readHeaderTimeout: amount(parsed.duration(readHeaderTimeout.name)),
            idleTimeout: amount(parsed.duration(idleTimeout.name)),
            maxHeaderBytes: parsed.int(maxHeaderBytes.name))
    }
}
