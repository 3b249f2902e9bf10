import LanternFlags
import LanternMetrics
import LanternSystemd
import Logging

/// node_exporter's `logind` collector: sessions registered in systemd-logind, counted by
/// seat, remoteness, type and class, read over D-Bus on a kept connection.
public final class LogindCollector: Collector {
    public struct Options: Sendable {
        /// `--collector.logind.dbus-timeout` (Lantern): seconds per D-Bus call.
        public var timeout = 5.0
        /// The system bus (logind is not reachable over systemd's private socket).
        public var endpoint = BusEndpoint.system(fallbackToSystemdPrivate: false)

        public init() {}
    }

    static let sessions = MetricDescriptor(
        name: "node_logind_sessions", help: "Number of sessions registered in logind.", type: .gauge,
        labels: ["seat", "remote", "type", "class"])

    // logind's values as of systemd v229; anything else is counted as "other".
    static let remoteValues = ["true", "false"]
    static let typeValues = ["other", "unspecified", "tty", "x11", "wayland", "mir", "web"]
    static let classValues = ["other", "user", "greeter", "lock-screen", "background"]

    struct SessionKey: Hashable, Sendable {
        var seat: String
        var remote: String
        var type: String
        var sessionClass: String
    }

    private let bus: BusConnection
    private let logger: Logger

    public init(options: Options, logger: Logger) {
        self.bus = BusConnection(endpoint: options.endpoint, timeout: options.timeout, description: "lantern-logind")
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        let (seats, counts): ([String], [SessionKey: Int])
        do {
            (seats, counts) = try bus.withSession { session throws(BusError) in try Self.read(session) }
        } catch {
            throw CollectorError("couldn't read logind over D-Bus: \(error)")
        }
        // Every combination is exposed, zeros included, as node_exporter does.
        for remote in Self.remoteValues {
            for type in Self.typeValues {
                for sessionClass in Self.classValues {
                    for seat in seats {
                        let count = counts[SessionKey(seat: seat, remote: remote, type: type, sessionClass: sessionClass)] ?? 0
                        sink.add(Self.sessions, Double(count), seat, remote, type, sessionClass)
                    }
                }
            }
        }
    }

    private static func read(_ session: BusSession) throws(BusError) -> ([String], [SessionKey: Int]) {
        // The empty seat holds remote sessions (ssh) and is always listed.
        let seats = try Login1.listSeats(session) + [""]
        var counts: [SessionKey: Int] = [:]
        for entry in try Login1.listSessions(session) {
            // A session that ended between the two calls is skipped, as node_exporter does.
            guard let properties = try? Login1.sessionProperties(session, path: entry.path),
                let remote = properties.bool("Remote"), let type = properties.string("Type"),
                let sessionClass = properties.string("Class")
            else { continue }
            let key = SessionKey(
                seat: entry.seat, remote: remote ? "true" : "false",
                type: typeValues.contains(type) ? type : "other",
                sessionClass: classValues.contains(sessionClass) ? sessionClass : "other")
            counts[key, default: 0] += 1
        }
        return (seats, counts)
    }
}

enum LogindFlags {
    static let timeout = Flag(
        "collector.logind.dbus-timeout",
        help: "Timeout of each D-Bus call to systemd-logind; a logind that does not answer fails the collector after it.",
        kind: .duration, default: "5s")

    static func options(from flags: ParsedFlags) -> LogindCollector.Options {
        var options = LogindCollector.Options()
        options.timeout = flags.duration(timeout.name)
        return options
    }
}
