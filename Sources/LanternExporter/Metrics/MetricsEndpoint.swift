import LanternMetrics
import Logging
import Synchronization

/// What `GET <telemetry path>` does: collector filtering, the in-flight limit,
/// gathering, encoding and compression. Blocking parts run on the worker pool.
final class MetricsEndpoint: Sendable {
    private let registry: Registry
    private let selfCollectors: [any Collector]
    let handlerMetrics: HandlerMetrics?
    /// Names of the enabled collectors, sorted.
    let enabledCollectors: [String]
    /// Every collector name the exporter knows, enabled or not.
    private let knownCollectors: Set<String>
    private let maxRequests: Int
    private let logger: Logger
    /// The families' HELP/TYPE lines, rendered once and reused while they stay the same.
    private let encodingCache = TextEncodingCache()
    /// Run after each scrape has been encoded, with how many have been so far.
    private let afterScrape: (@Sendable (Int) -> Void)?
    private let scrapesEncoded = Atomic<Int>(0)

    init(
        registry: Registry, knownCollectors: Set<String>, selfCollectors: [any Collector],
        handlerMetrics: HandlerMetrics?, maxRequests: Int, logger: Logger,
        afterScrape: (@Sendable (Int) -> Void)? = nil
    ) {
        self.registry = registry
        self.enabledCollectors = registry.collectors.map(\.name).sorted()
        self.knownCollectors = knownCollectors
        self.selfCollectors = selfCollectors
        self.handlerMetrics = handlerMetrics
        self.maxRequests = maxRequests
        self.logger = logger
        self.afterScrape = afterScrape
    }

    /// Which collectors a request asks for: nil for all, a set for `collect[]` /
    /// `exclude[]`, or the 400 response node_exporter gives for a bad filter.
    func collectorFilter(for target: RequestTarget) -> Result<Set<String>?, HTTPError> {
        let collects = target.values("collect[]")
        let excludes = target.values("exclude[]")
        logger.debug("collect query:", metadata: ["collects": "\(collects)"])
        logger.debug("exclude query:", metadata: ["excludes": "\(excludes)"])
        if collects.isEmpty && excludes.isEmpty { return .success(nil) }
        if !collects.isEmpty && !excludes.isEmpty {
            return .failure(HTTPError(.error(400, "Combined collect and exclude queries are not allowed.")))
        }
        let filters = excludes.isEmpty ? collects : enabledCollectors.filter { !excludes.contains($0) }
        let enabled = Set(enabledCollectors)
        for name in filters {
            let reason: String
            if !knownCollectors.contains(name) {
                reason = "missing collector: \(name)"
            } else if !enabled.contains(name) {
                reason = "disabled collector: \(name)"
            } else {
                continue
            }
            logger.warning("Couldn't create filtered metrics handler:", metadata: ["err": "couldn't create collector: \(reason)"])
            return .failure(HTTPError(.error(400, "Couldn't create filtered metrics handler: couldn't create collector: \(reason)")))
        }
        return .success(Set(filters))
    }

    /// Admits a scrape unless `--web.max-requests` are already being served.
    /// Every admitted scrape must be ended with `finish(status:)`.
    func admit() -> HTTPResponse? {
        let current = handlerMetrics?.inFlight.add(1, ordering: .relaxed).newValue ?? 0
        if maxRequests > 0 && current > maxRequests {
            return .error(503, "Limit of concurrent requests reached (\(maxRequests)), try again later.")
        }
        return nil
    }

    func finish(status: UInt) {
        handlerMetrics?.inFlight.subtract(1, ordering: .relaxed)
        handlerMetrics?.recordResponse(status: status)
    }

    /// Starts gathering; `completion` gets the encoded response on the thread that ends the
    /// gather, at most the collector timeout (or the scraper's
    /// `X-Prometheus-Scrape-Timeout-Seconds`, when smaller) later, provided the caller calls
    /// the returned gathering's `check()` when it asks to.
    func startScrape(
        only: Set<String>?, format: NegotiatedFormat, gzip: Bool, scrapeTimeoutSeconds: Double?,
        completion: @escaping @Sendable (HTTPResponse) -> Void
    ) -> Gathering {
        registry.startGather(only: only, timeoutOverride: scrapeTimeoutSeconds, unreported: selfCollectors) { [self] gathered in
            completion(response(to: gathered, format: format, gzip: gzip))
        }
    }

    /// Logs the collectors' outcomes and the gathering problems, then encodes.
    private func response(to gathered: Gathered, format: NegotiatedFormat, gzip: Bool) -> HTTPResponse {
        for outcome in gathered.outcomes {
            switch outcome.status {
            case .succeeded:
                logger.debug("collector succeeded", metadata: ["name": "\(outcome.name)", "duration_seconds": "\(outcome.seconds)"])
            case .failed(let message):
                logger.error("collector failed", metadata: [
                    "name": "\(outcome.name)", "duration_seconds": "\(outcome.seconds)", "err": "\(message)"])
            case .timedOut:
                logger.error("collector timed out", metadata: [
                    "name": "\(outcome.name)", "duration_seconds": "\(outcome.seconds)"])
            case .stillRunning:
                logger.error("collector skipped: its run from an earlier scrape has not returned", metadata: ["name": "\(outcome.name)"])
            }
        }

        let problems = gathered.problems
        let families = gathered.families
        if !problems.isEmpty {
            handlerMetrics?.recordGatheringError()
            // promhttp's ContinueOnError: log and serve what could be gathered.
            for problem in problems {
                logger.error("error gathering metrics", metadata: ["err": "\(problem)"])
            }
        }

        var body = format.encode(families, cache: encodingCache)
        var headers = [("Content-Type", format.contentType)]
        if gzip {
            do {
                body = try Gzip.compress(body)
                headers.append(("Content-Encoding", "gzip"))
            } catch {
                handlerMetrics?.recordEncodingError()
                logger.error("error compressing metrics", metadata: ["err": "\(error)"])
            }
        }
        if let afterScrape {
            afterScrape(scrapesEncoded.add(1, ordering: .relaxed).newValue)
        }
        return HTTPResponse(status: 200, headers: headers, body: body)
    }
}

/// A request that ends in an error response before any scraping.
struct HTTPError: Error {
    let response: HTTPResponse
    init(_ response: HTTPResponse) { self.response = response }
}
