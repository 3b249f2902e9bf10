/// A source of metrics, asked for its current values on every scrape.
///
/// `collect` may run concurrently for several scrapes, on a thread that may block
/// on I/O (it is never a Swift concurrency or event-loop thread). Returning without
/// adding anything is fine (the hardware is absent); throwing marks the collector
/// as failed for this scrape (`node_scrape_collector_success 0`) while the rest of
/// the scrape goes on.
public protocol Collector: Sendable {
    func collect(into sink: MetricSink) throws
}

/// A collector with the name it is enabled by and reported under.
public struct NamedCollector: Sendable {
    public let name: String
    public let collector: any Collector

    public init(name: String, collector: any Collector) {
        self.name = name
        self.collector = collector
    }
}

/// An error a collector throws to describe what went wrong, in one line.
public struct CollectorError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
