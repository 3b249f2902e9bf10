import LanternMetrics
import LanternPromQL
import LanternScrape
import Logging
import Synchronization

/// Prometheus' notifier: alerts get the external labels and `alert_relabel_configs`, wait
/// in a bounded queue (the oldest dropped when full) and go in batches of 64 to every
/// Alertmanager. A failed send is not retried: the rule's resend (every
/// `--rules.alert.resend-delay`) brings the alert back; a batch no Alertmanager took
/// counts as dropped, as in Prometheus.
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
        let delivered = await withTaskGroup(of: Bool.self) { group in
            for target in targets {
                group.addTask {
                    var headers = [("Content-Type", "application/json"), ("User-Agent", ScrapeHTTPClient.userAgent)]
                    if let authorization = target.authorization { headers.append(("Authorization", authorization)) }
                    let request = HTTPClientRequest(
                        method: .POST, host: target.host, port: target.port, requestTarget: target.alertsPath, headers: headers, body: body, tls: target.tls)
                    // Prometheus counts a batch as sent to each Alertmanager it was attempted on.
                    self.counters.withLock { $0.sent[target.url, default: 0] += batch.count }
                    do {
                        let response = try await self.client.perform(request, timeoutMilliseconds: target.timeout)
                        guard response.status / 100 == 2 else { throw NotificationError(description: "bad response status \(response.status)") }
                        return true
                    } catch {
                        self.counters.withLock { $0.errors[target.url, default: 0] += 1 }
                        self.logger.error("Error sending alert", metadata: ["alertmanager": "\(target.url)", "count": "\(batch.count)", "err": "\(error)"])
                        return false
                    }
                }
            }
            return await group.contains(true)
        }
        if !delivered {
            counters.withLock { $0.dropped += batch.count }
            logger.warning("Error sending alerts to every Alertmanager", metadata: ["num_dropped": "\(batch.count)"])
        }
    }

    var queueLength: Int { queue.withLock { $0.count } }
    var snapshot: Counters { counters.withLock { $0 } }

    /// Prometheus' `prometheus_notifications_*` figures under Lantern's prefix.
    public func collect(into sink: MetricSink) {
        let figures = snapshot
        let urls = targets.map(\.url)
        let sent = MetricDescriptor(name: "lantern_notifications_sent_total", help: "Total number of alerts sent.", type: .counter, labels: ["alertmanager"])
        let errors = MetricDescriptor(name: "lantern_notifications_errors_total", help: "Total number of errors sending alert notifications.", type: .counter, labels: ["alertmanager"])
        for url in Set(urls).union(figures.sent.keys).sorted() {
            sink.add(sent, Double(figures.sent[url] ?? 0), url)
            sink.add(errors, Double(figures.errors[url] ?? 0), url)
        }
        let plain: [(String, String, MetricType, Double)] = [
            ("lantern_notifications_dropped_total", "Total number of alerts dropped due to errors when sending to Alertmanager.", .counter, Double(figures.dropped)),
            ("lantern_notifications_queue_length", "The number of alert notifications in the queue.", .gauge, Double(queueLength)),
            ("lantern_notifications_queue_capacity", "The capacity of the alert notifications queue.", .gauge, Double(capacity)),
            ("lantern_notifications_alertmanagers_discovered", "The number of alertmanagers discovered and active.", .gauge, Double(urls.count)),
        ]
        for (name, help, type, value) in plain { sink.add(MetricDescriptor(name: name, help: help, type: type), value) }
    }
}

struct NotificationError: Error, CustomStringConvertible {
    let description: String
}
