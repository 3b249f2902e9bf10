import LanternFlags
import LanternPromQL
import LanternRules
import LanternScrape
import LanternTSDB
import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Rules and notifications in the running server: the rule manager evaluating the
/// configuration's rule files against the TSDB, and the notifier posting their alerts to
/// the configured Alertmanagers. Both follow the configuration on every reload.
public final class RuleServices: Sendable {
    public let rules: RuleManager
    public let notifier: AlertmanagerNotifier
    private let sender: Task<Void, Never>

    init(database: TSDB, engine: Engine, eventLoopGroup: any EventLoopGroup, flags: ParsedFlags, listenPort: Int, logger: Logger) throws {
        notifier = AlertmanagerNotifier(
            client: ScrapeHTTPClient(group: eventLoopGroup), capacity: flags.int(RuleFlags.queueCapacity.name), logger: logger)
        let externalURL = Self.defaultExternalURL(port: listenPort)
        let delivery = AlertDelivery(
            sink: notifier, resendDelay: try parseModelDuration(flags.string(RuleFlags.resendDelay.name)), externalURL: externalURL)
        rules = RuleManager(
            context: RuleEvaluationContext(engine: engine, database: database, externalURL: externalURL), delivery: delivery,
            options: try RuleFlags.managerOptions(flags), logger: logger)
        let notifier = self.notifier
        sender = Task.detached { await notifier.run() }
    }

    /// Loads the configuration's rule files (all or nothing: a bad file keeps the running
    /// rules and throws) and points the notifier at its Alertmanagers.
    func apply(_ config: ServerConfig, configPath: String) async throws {
        let files = RuleFileLoader.expand(config.ruleFiles, relativeTo: ConfigLoader.directory(of: configPath))
        try await rules.update(files: files, defaultInterval: config.global.evaluationInterval, externalLabels: config.global.externalLabels)
        var settings = config.alerting
        settings.externalLabels = config.global.externalLabels
        notifier.apply(settings)
    }

    /// Rule evaluation first, so no alert is queued after the notifier stopped.
    func stop() async {
        await rules.stop()
        notifier.stop()
        await sender.value
    }

    /// Prometheus' default `--web.external-url`: this host's name and the listen port.
    static func defaultExternalURL(port: Int) -> String {
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count) == 0 ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"
        return "http://\(host):\(port)"
    }
}
