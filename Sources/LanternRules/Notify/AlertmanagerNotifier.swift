import LanternPromQL
import LanternScrape
import Logging
import Synchronization

/// Prometheus' notifier: alerts get the external labels and `alert_relabel_configs`, wait
/// in a bounded queue (the oldest dropped when full) and go in batches of 64 to every
/// Alertmanager. A failed send is not retried: the rule's resend brings the alert back.
public final class AlertmanagerNotifier: AlertSink, Sendable {
    static let batchSize = 64

    public struct Settings: Sendable {
        public var targets: [AlertmanagerTarget] = []
        public var externalLabels: [String: String] = [:]
        public var relabelConfigs: [RelabelConfig] = []
        public init() {}
    }

    struct Counters {
        var sent: [String: Int] = [:]
        var errors: [String: Int] = [:]
        var dropped = 0
    }

    public let capacity: Int
    private let client: ScrapeHTTPClient
    private let logger: Logger
    private let settings: Mutex<Settings>
    private let queue = Mutex<[NotifiedAlert]>([])
    private let counters = Mutex(Counters())
    private let wakeUp: AsyncStream<Void>.Continuation
    private let wakeUps: AsyncStream<Void>

    public init(client: ScrapeHTTPClient, capacity: Int = 10_000, logger: Logger) {
        self.client = client
        self.capacity = capacity
        self.logger = logger
        settings = Mutex(Settings())
        (wakeUps, wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func apply(_ newSettings: Settings) { settings.withLock { $0 = newSettings } }

    public var targets: [AlertmanagerTarget] { settings.withLock { $0.targets } }

    public func send(_ alerts: [NotifiedAlert]) {
        let current = settings.withLock { $0 }
        var prepared: [NotifiedAlert] = []
        for var alert in alerts {
            for (name, value) in current.externalLabels where alert.labels[name] == nil { alert.labels.set(name, value) }
            guard let relabelled = Relabeler.process(alert.labels, current.relabelConfigs), !relabelled.isEmpty else { continue }
            alert.labels = relabelled
            prepared.append(alert)
        }
        let dropped = queue.withLock { queue in
            queue.append(contentsOf: prepared)
            let overflow = max(0, queue.count - capacity)
            queue.removeFirst(overflow)
            return overflow
        }
        if dropped > 0 {
            counters.withLock { $0.dropped += dropped }
            logger.warning("Alert notification queue full, dropping alerts", metadata: ["num_dropped": "\(dropped)"])
        }
        wakeUp.yield()
    }

    /// Sends queued batches until cancelled.
    public func run() async {
        for await _ in wakeUps {
            while !Task.isCancelled {
                let batch = queue.withLock { queue in
                    let batch = Array(queue.prefix(Self.batchSize))
                    queue.removeFirst(batch.count)
                    return batch
                }
                if batch.isEmpty { break }
                await post(batch)
            }
            if Task.isCancelled { return }
        }
    }

    public func stop() { wakeUp.finish() }

    private func post(_ batch: [NotifiedAlert]) async {
        let body = Array(AlertJSON.encode(batch).utf8)
        await withTaskGroup(of: Void.self) { group in
            for target in targets {
                group.addTask {
                    var headers = [("Content-Type", "application/json"), ("User-Agent", ScrapeHTTPClient.userAgent)]
                    if let authorization = target.authorization { headers.append(("Authorization", authorization)) }
                    let request = HTTPClientRequest(
                        method: .POST, host: target.host, port: target.port, requestTarget: target.pathPrefix + "/api/v2/alerts", headers: headers, body: body)
                    do {
                        let response = try await self.client.perform(request, timeoutMilliseconds: target.timeout)
                        guard response.status / 100 == 2 else { throw NotificationError(description: "bad response status \(response.status)") }
                        self.counters.withLock { $0.sent[target.url, default: 0] += batch.count }
                    } catch {
                        self.counters.withLock { $0.errors[target.url, default: 0] += 1 }
                        self.logger.error("Error sending alert", metadata: ["alertmanager": "\(target.url)", "count": "\(batch.count)", "err": "\(error)"])
                    }
                }
            }
        }
    }

    var queueLength: Int { queue.withLock { $0.count } }
    var snapshot: Counters { counters.withLock { $0 } }
}

struct NotificationError: Error, CustomStringConvertible {
    let description: String
}
