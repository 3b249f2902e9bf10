import Glibc
import LanternMetrics
import LanternPromQL
import LanternTSDB
import LanternSupport

/// What a scrape loop remembers between scrapes, like Prometheus' scrapeCache: per exposed
/// series (keyed by its raw bytes, so an unchanged line costs one hash of its bytes and no
/// label building or relabeling) the head's reference to append by, which series were
/// appended in which round (for stale markers), and the metadata seen.
///
/// Unlike Prometheus' cache entries, these keep no labels: the head has them, samples go
/// by reference, and the few paths that need a series' labels again (its reference was
/// dropped by head truncation or never resolved, or two texts may have been relabeled
/// into one series) derive them from the kept text (`SeriesLabeling`). A 32-byte entry
/// and the text is all a cached series costs, and the head alone owns its label strings.
///
/// The series texts live back to back in one byte array and the table is open addressing
/// over an entry array: no allocation per series or per sample, and a round that sees
/// the same series as the last one changes nothing but counters.
final class ScrapeCache {
    struct Entry {
        /// The head's series, 0 until a commit reported it; `ScrapeCache.dropped` when
        /// `metric_relabel_configs` dropped it.
        var reference: SeriesRef = 0
        var keyStart: UInt32
        var keyCount: UInt32
        var hash: UInt32
        var lastSeen: UInt32
        /// The last two rounds in which the series was appended with the scrape's timestamp.
        var tracked: UInt32 = 0
        var trackedBefore: UInt32 = 0
    }

    /// A reference no series has (the head counts from 1 and never reaches it): the
    /// entry's series is dropped by metric relabeling.
    static let dropped = SeriesRef.max
    let labeling: SeriesLabeling
    private(set) var entries: [Entry] = []
    private(set) var keyBytes: [UInt8] = []
    /// Open addressing table of indices into `entries` (`empty` when free); a power of two
    /// at least twice the entry count.
    private var slots = [Int32](repeating: ScrapeCache.empty, count: 16)
    private static let empty: Int32 = -1
    private(set) var metadata: [String: MetricMetadata] = [:]
    /// Rounds count from 1; 0 means "never".
    private(set) var round: UInt32 = 0
    private var seenThisRound = 0
    /// The round whose tracked series a later round marks stale when they are missing: the
    /// last successful one (explicitly timestamped series are not tracked, as in Prometheus);
    /// 0 after a failed scrape, which ended them all.
    private var candidateRound: UInt32 = 0

    init(labeling: SeriesLabeling) { self.labeling = labeling }

    func beginRound() {
        round += 1
        seenThisRound = 0
    }

    /// The entry of the series text `key`, marked seen in this round; nil when unknown.
    func lookup(_ key: UnsafeRawBufferPointer, hash: UInt32) -> Int? {
        var slot = Int(hash) & (slots.count - 1)
        while true {
            let index = Int(slots[slot])
            if index < 0 { return nil }
            if entries[index].hash == hash, keyEquals(index, key) {
                if entries[index].lastSeen != round {
                    entries[index].lastSeen = round
                    seenThisRound += 1
                }
                return index
            }
            slot = (slot + 1) & (slots.count - 1)
        }
    }

    /// Adds the series text `key` (not in the cache), seen in this round.
    func store(_ key: UnsafeRawBufferPointer, hash: UInt32, dropped: Bool) -> Int {
        let entry = Entry(reference: dropped ? Self.dropped : 0, keyStart: UInt32(keyBytes.count), keyCount: UInt32(key.count), hash: hash, lastSeen: round)
        keyBytes.append(contentsOf: key)
        entries.append(entry)
        seenThisRound += 1
        if entries.count * 2 > slots.count { rebuildSlots(count: slots.count * 2) } else { insertSlot(entries.count - 1) }
        return entries.count - 1
    }

    static func hash(_ key: UnsafeRawBufferPointer) -> UInt32 {
        // Swift's Hasher is seeded per process: a target cannot aim for collisions.
        var hasher = Hasher()
        hasher.combine(bytes: key)
        return UInt32(truncatingIfNeeded: hasher.finalize())
    }

    /// The entry's series reference (0: not resolved yet; `dropped`).
    func reference(of index: Int) -> SeriesRef { entries[index].reference }

    /// The entry's final labels, derived from its text; nil when dropped by relabeling.
    func labels(of index: Int) -> Labels? {
        let start = Int(entries[index].keyStart)
        let count = Int(entries[index].keyCount)
        return keyBytes.withUnsafeBytes { bytes in labeling.labels(ofSeriesText: UnsafeRawBufferPointer(rebasing: bytes[start..<start + count])) }
    }

    func setReference(_ reference: SeriesRef, of index: Int) { entries[index].reference = reference }

    /// Notes that the entry's series was appended with the scrape's timestamp this round.
    func track(_ index: Int) {
        guard entries[index].tracked != round else { return }
        entries[index].trackedBefore = entries[index].tracked
        entries[index].tracked = round
    }

    /// Entries of series appended in the last successful round and not in this one
    /// (`succeeded`), or all of them (a failed round ends every series); then makes this
    /// round's the candidates of the next one. Two texts of the same series (relabeling
    /// can merge them) end it only when neither was appended.
    func roundEnded(succeeded: Bool) -> [Int] {
        defer { candidateRound = succeeded ? round : 0 }
        guard candidateRound != 0 else { return [] }
        let previous = candidateRound
        var vanished: [Int] = []
        for index in entries.indices {
            let (tracked, trackedBefore) = (entries[index].tracked, entries[index].trackedBefore)
            let wasCandidate = tracked == previous || (tracked == round && trackedBefore == previous)
            if wasCandidate && (!succeeded || tracked != round) { vanished.append(index) }
        }
        guard succeeded, !vanished.isEmpty else { return vanished }
        // Series appended this round, by reference, or by labels before a commit resolved
        // them (new series: labels derived again only in a round where others vanished).
        var appended = Set<SeriesRef>()
        var appendedUnresolved = Set<Labels>()
        for index in entries.indices where entries[index].tracked == round {
            if entries[index].reference != 0 {
                appended.insert(entries[index].reference)
            } else if let labels = labels(of: index) {
                appendedUnresolved.insert(labels)
            }
        }
        return vanished.filter { index in
            if entries[index].reference != 0 && appended.contains(entries[index].reference) { return false }
            guard !appendedUnresolved.isEmpty, let labels = labels(of: index) else { return true }
            return !appendedUnresolved.contains(labels)
        }
    }

    /// Entries of series appended in the last successful round: what a stopped loop ends.
    var staleCandidates: [Int] {
        guard candidateRound != 0 else { return [] }
        return entries.indices.filter { entries[$0].tracked == candidateRound }
    }

    /// Queues a stale marker (StaleNaN) for each entry's series, by reference; the commit
    /// asks `labels(of:)` for the series whose reference the head no longer knows.
    func appendStaleMarkers(for indices: [Int], at timestamp: Int64, to appender: Appender) {
        for index in indices where entries[index].reference != Self.dropped {
            appender.append(reference: entries[index].reference, labels: nil, timestampMilliseconds: timestamp, value: StaleMarker.value, tag: index)
        }
    }

    func noteHelp(_ name: String, _ help: String) { metadata[name, default: MetricMetadata()].help = help }
    func noteType(_ name: String, _ type: String) { metadata[name, default: MetricMetadata()].type = type }
    func noteUnit(_ name: String, _ unit: String) { metadata[name, default: MetricMetadata()].unit = unit }

    /// Forgets series not exposed in this round, so the cache tracks the target's present.
    /// Filters in place; nothing to do when every entry was seen.
    func forgetUnseen() {
        guard seenThisRound < entries.count else { return }
        var kept = 0
        var keptBytes = 0
        for index in entries.indices where entries[index].lastSeen == round {
            let start = Int(entries[index].keyStart)
            let count = Int(entries[index].keyCount)
            if start != keptBytes {
                keyBytes.withUnsafeMutableBytes { bytes in _ = memmove(bytes.baseAddress! + keptBytes, bytes.baseAddress! + start, count) }
            }
            entries[index].keyStart = UInt32(keptBytes)
            keptBytes += count
            if kept != index { entries.swapAt(kept, index) }
            kept += 1
        }
        entries.removeLast(entries.count - kept)
        keyBytes.removeLast(keyBytes.count - keptBytes)
        var count = 16
        while count < entries.count * 2 { count *= 2 }
        rebuildSlots(count: count)
    }

    /// Gives back what growing by doubling (or forgetting series) left unused: a target's
    /// cache is built in its first round and then kept as long as the target is scraped,
    /// and the texts' array would keep up to half its bytes idle (~3 MB at 100 k series).
    /// Copies only after a round that changed the cache's size.
    func releaseSlack() {
        if keyBytes.capacity - keyBytes.count > keyBytes.count / 8 { keyBytes = keyBytes.sizedToFit() }
        if entries.capacity - entries.count > entries.count / 8 { entries = entries.sizedToFit() }
    }

    private func keyEquals(_ index: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let start = Int(entries[index].keyStart)
        guard Int(entries[index].keyCount) == key.count else { return false }
        guard key.count > 0 else { return true }
        return keyBytes.withUnsafeBytes { stored in memcmp(stored.baseAddress! + start, key.baseAddress!, key.count) == 0 }
    }

    private func insertSlot(_ index: Int) {
        var slot = Int(entries[index].hash) & (slots.count - 1)
        while slots[slot] != Self.empty { slot = (slot + 1) & (slots.count - 1) }
        slots[slot] = Int32(index)
    }

    private func rebuildSlots(count: Int) {
        slots = [Int32](repeating: Self.empty, count: count)
        for index in entries.indices { insertSlot(index) }
    }
}

/// `/api/v1/metadata`'s entry for one metric name.
public struct MetricMetadata: Sendable, Hashable {
    public var type = "unknown"
    public var help = ""
    public var unit = ""
}
