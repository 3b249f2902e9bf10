import LanternPromQL
import LanternTSDB

/// A sample on its way out, with the labels the receiver sees.
struct OutgoingSample: Sendable {
    var reference: UInt64
    var labels: Labels
    var timestamp: Int64
    var value: Double
}

/// Follows Lantern's WAL for one queue from a `WALReadPosition`, like Prometheus' WAL
/// watcher: series records teach it reference → labels, sample records become outgoing
/// samples. The position only moves past records it has handed out.
final class WALSampleSource {
    private let walDirectory: String
    private let labeler: OutgoingLabels
    private let log: (String) -> Void
    private var seriesLabels: [UInt64: Labels] = [:]
    private var droppedSeries = Set<UInt64>()
    /// Checkpoint samples still to hand out before the segments (see `init`), newest
    /// first so that `popLast` hands them out in WAL order.
    private var backlog: [WALRecord.Sample] = []
    private(set) var position: WALReadPosition
    /// Samples read but not sent: relabeled away or of a series never logged.
    private(set) var droppedSamples = 0

    private struct LimitReached: Error {}

    /// Rebuilds the series table from the checkpoint and the segments up to `saved`. With
    /// no saved position, or one in segments a checkpoint has since replaced, the
    /// checkpoint's samples newer than what was delivered are handed out first, so a
    /// receiver that was down while the WAL was truncated still gets what the WAL holds.
    init(walDirectory: String, saved: WALReadPosition?, labeler: OutgoingLabels, log: @escaping (String) -> Void) throws {
        self.walDirectory = walDirectory
        self.labeler = labeler
        self.log = log
        let checkpoint = try WALFollower.checkpoint(in: walDirectory)
        let existing = try WALFollower.segments(in: walDirectory)
        let firstSegment = (checkpoint?.coversThrough).map { $0 + 1 } ?? existing.first ?? 0
        var position = saved ?? WALReadPosition(segment: firstSegment, offset: 0, highestSentTimestamp: .min)
        let resumesInCheckpoint = saved == nil || position.segment < firstSegment
        if let saved, saved.segment < firstSegment {
            log("remote write position \(saved.segment):\(saved.offset) was truncated from the WAL; resending the checkpoint's samples after timestamp \(saved.highestSentTimestamp)")
            position = WALReadPosition(segment: firstSegment, offset: 0, highestSentTimestamp: saved.highestSentTimestamp)
        }
        self.position = position
        for path in checkpoint?.segmentPaths ?? [] {
            _ = try WALFollower.read(segmentPath: path, from: 0) { record, _ in
                switch record {
                case .series(let series): for entry in series { learn(entry.reference, entry.labels) }
                case .samples(let samples) where resumesInCheckpoint:
                    backlog += samples.filter { $0.timestamp > position.highestSentTimestamp }
                default: break
                }
            }
        }
        for index in try WALFollower.segments(in: walDirectory) where index >= firstSegment && index <= position.segment {
            _ = try? WALFollower.read(segmentPath: WALFollower.segmentPath(walDirectory, index), from: 0) { record, _ in
                if case .series(let series) = record { for entry in series { learn(entry.reference, entry.labels) } }
            }
        }
        backlog.reverse()
    }

    /// True while checkpoint samples are being handed out: the position is not worth
    /// saving then, since it already points past them.
    var isReplayingCheckpoint: Bool { !backlog.isEmpty }

    private func learn(_ reference: UInt64, _ labels: Labels) {
        if let outgoing = labeler.apply(labels) {
            seriesLabels[reference] = outgoing
            droppedSeries.remove(reference)
        } else {
            seriesLabels[reference] = nil
            droppedSeries.insert(reference)
        }
    }

    private func collect(_ sample: WALRecord.Sample, into samples: inout [OutgoingSample]) {
        guard let labels = seriesLabels[sample.reference] else {
            droppedSamples += 1
            return
        }
        samples.append(OutgoingSample(reference: sample.reference, labels: labels, timestamp: sample.timestamp, value: sample.value))
    }

    /// Up to about `limit` samples (whole records, so possibly a few more) from the
    /// position on; fewer at the live end of the WAL.
    func next(limit: Int) throws -> [OutgoingSample] {
        var samples: [OutgoingSample] = []
        while samples.count < limit, let sample = backlog.popLast() { collect(sample, into: &samples) }
        while samples.count < limit {
            let segments = try WALFollower.segments(in: walDirectory)
            guard segments.contains(position.segment) else {
                // Truncated away while we were behind; the checkpoint path in `init` covers
                // it after a restart, here we can only move on.
                guard let next = segments.first(where: { $0 > position.segment }) else { break }
                log("remote write skipped WAL segments \(position.segment)..<\(next): truncated before they were sent")
                position.segment = next
                position.offset = 0
                continue
            }
            // Checked before reading: a segment with a successor is complete.
            let next = segments.first { $0 > position.segment }
            let result: WALFollower.ReadResult
            do {
                result = try WALFollower.read(segmentPath: WALFollower.segmentPath(walDirectory, position.segment), from: position.offset) { record, end in
                    switch record {
                    case .series(let series): for entry in series { learn(entry.reference, entry.labels) }
                    case .samples(let records): for sample in records { collect(sample, into: &samples) }
                    case .other: break
                    }
                    position.offset = end
                    if samples.count >= limit { throw LimitReached() }
                }
            } catch is LimitReached {
                break
            }
            guard let next else { break }
            if result.stoppedAtDamage {
                log("remote write skipped the damaged rest of WAL segment \(position.segment) after offset \(position.offset)")
            }
            position.segment = next
            position.offset = 0
        }
        if let newest = samples.map(\.timestamp).max() { position.highestSentTimestamp = max(position.highestSentTimestamp, newest) }
        return samples
    }
}
