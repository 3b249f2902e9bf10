import LanternMetrics
import LanternPromQL
import LanternTSDB
import Logging
import Synchronization

/// Scrapes one target at its interval until stopped, then marks all its series stale.
public final class ScrapeLoop: Sendable {
    public let target: ScrapeTarget
    public let settings: ScrapeSettings
    let client: ScrapeHTTPClient
    let tls: ClientTLS
    let database: TSDB
    let logger: Logger
    let status = Mutex(TargetStatus())
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(target: ScrapeTarget, settings: ScrapeSettings, client: ScrapeHTTPClient, database: TSDB, logger: Logger) {
        self.target = target
        self.settings = settings
        self.client = client
        tls = ClientTLS(settings: settings.tls)
        self.database = database
        self.logger = logger
    }

    public var currentStatus: TargetStatus { status.withLock { $0 } }

    func start() {
        task.withLock { task in
            task = Task { [self] in await run() }
        }
    }

    /// Cancels the loop and waits until its stale markers are written.
    func stop() async {
        let running = task.withLock { task in
            let running = task
            task = nil
            return running
        }
        running?.cancel()
        await running?.value
    }

    private func run() async {
        let cache = ScrapeCache(labeling: SeriesLabeling(target: target, settings: settings))
        let interval = settings.interval
        let offset = ScrapeSchedule.offset(of: target, interval: interval)
        var next = ScrapeSchedule.firstScrape(after: WallClock.nowMilliseconds(), interval: interval, offset: offset)
        var lastTimestamp: Int64 = 0
        while true {
            let wait = next - WallClock.nowMilliseconds()
            if wait > 0 {
                do { try await Task.sleep(nanoseconds: UInt64(wait) * 1_000_000) } catch { break }
            }
            if Task.isCancelled { break }
            await scrapeOnce(at: next, cache: cache)
            lastTimestamp = next
            next = ScrapeSchedule.nextScrape(after: next, endedAt: WallClock.nowMilliseconds(), interval: interval)
        }
        endOfRunStaleness(cache: cache, after: lastTimestamp)
    }

    private func scrapeOnce(at timestamp: Int64, cache: ScrapeCache) async {
        let started = WallClock.monotonicSeconds()
        var body: [UInt8] = []
        var format = ExpositionFormat.prometheusText
        var failure: String?
        do {
            let response = try await client.get(target: target, authorization: settings.authorization, tls: tls, timeoutMilliseconds: settings.timeout)
            if response.status == 200 {
                body = response.body
                format = response.contentType.hasPrefix("application/openmetrics-text") ? .openMetrics : .prometheusText
            } else {
                failure = "server returned HTTP status \(response.status) \(response.reasonPhrase)"
            }
        } catch {
            // As Go's http.Client words it: the request, then what failed.
            failure = "Get \"\(target.url)\": \(error)"
        }
        let duration = WallClock.monotonicSeconds() - started

        let appender = database.appender()
        let appending = ScrapeAppending(cache: cache)
        let outcome = appending.append(body: body, format: format, timestamp: timestamp, to: appender)
        if failure == nil { failure = outcome.error }
        appendReport(appender, timestamp: timestamp, up: failure == nil, duration: duration, outcome: outcome)
        do {
            try appending.commit(appender, outcome: outcome, bodyWasEmpty: body.isEmpty)
        } catch {
            failure = failure ?? "append failed: \(error)"
            logger.warning("Append failed", metadata: ["target": "\(target.url)", "err": "\(error)"])
        }
        if let failure {
            logger.debug("Scrape failed", metadata: ["target": "\(target.url)", "err": "\(failure)"])
        }
        let metadata = cache.metadata
        status.withLock { status in
            status.health = failure == nil ? .up : .down
            status.lastError = failure ?? ""
            status.lastScrape = timestamp
            status.lastScrapeDurationSeconds = duration
            status.lastSamplesScraped = outcome.scraped
            status.metadata = metadata
        }
    }

    static let reportNames = [
        "up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling", "scrape_series_added",
    ]

    private func reportLabels(_ name: String) -> Labels {
        var labels = target.labels
        labels.set(Labels.metricName, name)
        return labels
    }

    private func appendReport(_ appender: Appender, timestamp: Int64, up: Bool, duration: Double, outcome: AppendOutcome) {
        let values = [up ? 1 : 0, duration, Double(outcome.scraped), Double(outcome.postRelabeling), Double(outcome.seriesAdded)]
        for (name, value) in zip(Self.reportNames, values) {
            appender.append(reference: 0, labels: reportLabels(name), timestampMilliseconds: timestamp, value: value)
        }
    }

    /// Ends every series of the target, the synthetic ones too, as Prometheus does when a
    /// target goes away, so queries stop returning them at once instead of after the lookback.
    private func endOfRunStaleness(cache: ScrapeCache, after lastTimestamp: Int64) {
        guard lastTimestamp > 0 else { return }
        let timestamp = max(lastTimestamp + 1, WallClock.nowMilliseconds())
        let appender = database.appender()
        cache.appendStaleMarkers(for: cache.staleCandidates, at: timestamp, to: appender)
        for name in Self.reportNames {
            appender.append(reference: 0, labels: reportLabels(name), timestampMilliseconds: timestamp, value: StaleMarker.value)
        }
        do {
            try appender.commit(labelsOfTag: cache.labels(of:))
        } catch {
            logger.warning("Writing stale markers failed", metadata: ["target": "\(target.url)", "err": "\(error)"])
        }
    }
}
