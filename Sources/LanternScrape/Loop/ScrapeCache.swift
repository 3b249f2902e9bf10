import LanternMetrics
import LanternPromQL

/// What a scrape loop remembers between scrapes: the final labels of each exposed
/// series keyed by its raw bytes (so an unchanged line costs one lookup, no label
/// building or relabeling), the series it must mark stale when they vanish, and the
/// metadata it saw.
final class ScrapeCache {
    struct Entry {
        /// nil: dropped by `metric_relabel_configs`.
        var labels: Labels?
        var lastSeen: Int
    }

    private(set) var entries: [[UInt8]: Entry] = [:]
    /// Series appended with the scrape's timestamp in the last successful round: the ones
    /// a later round marks stale when they are missing (explicitly timestamped series are
    /// not tracked, as in Prometheus).
    var staleCandidates = Set<Labels>()
    /// Every series this loop ever appended, to count `scrape_series_added`.
    private(set) var knownSeries = Set<Labels>()
    private(set) var metadata: [String: MetricMetadata] = [:]
    private var round = 0

    func beginRound() { round += 1 }

    func lookup(_ key: [UInt8]) -> Entry? {
        guard var entry = entries[key] else { return nil }
        entry.lastSeen = round
        entries[key] = entry
        return entry
    }

    func store(_ key: [UInt8], labels: Labels?) { entries[key] = Entry(labels: labels, lastSeen: round) }

    /// Returns true the first time a series is seen.
    func noteSeries(_ labels: Labels) -> Bool { knownSeries.insert(labels).inserted }

    func noteHelp(_ name: String, _ help: String) { metadata[name, default: MetricMetadata()].help = help }
    func noteType(_ name: String, _ type: String) { metadata[name, default: MetricMetadata()].type = type }
    func noteUnit(_ name: String, _ unit: String) { metadata[name, default: MetricMetadata()].unit = unit }

    /// Forgets series not exposed in this round, so the cache tracks the target's present.
    func endRound() {
        entries = entries.filter { $0.value.lastSeen == round }
        knownSeries = knownSeries.intersection(Set(entries.values.compactMap(\.labels)))
    }
}

/// `/api/v1/metadata`'s entry for one metric name.
public struct MetricMetadata: Sendable, Hashable {
    public var type = "unknown"
    public var help = ""
    public var unit = ""
}
