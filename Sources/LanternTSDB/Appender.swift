import LanternPromQL

/// A batch of samples committed atomically, like Prometheus' `storage.Appender`: one
/// per scrape. `append` validates against the head and the batch; `commit` writes the
/// batch as one WAL record, then makes it visible to queries. Not thread-safe: one
/// appender per task.
public final class Appender {
    private let database: TSDB
    private var pending: [WALRecord.Sample] = []
    /// Last sample per series within this batch, for ordering checks before commit.
    private var lastPending: [SeriesRef: (timestamp: Int64, value: Double)] = [:]

    init(database: TSDB) { self.database = database }

    /// Queues a sample; `labels` identify the series. Throws `AppendError` (out of
    /// order, duplicate timestamp with another value, out of bounds) or a WAL write
    /// error when the series is new. A stale marker (StaleNaN) is an ordinary value here.
    @discardableResult
    public func append(labels: Labels, timestampMilliseconds timestamp: Int64, value: Double) throws -> SeriesRef {
        guard !labels.isEmpty else { throw AppendError.emptyLabelSet }
        let (reference, isNew) = try database.state.withLock { state -> (SeriesRef, Bool) in
            if let reference = state.head.reference(of: labels) {
                do {
                    if let last = lastPending[reference] {
                        try MemorySeries.check(timestamp, value, after: last)
                    }
                    let isNew = try state.head.checkAppendable(reference, timestamp, value)
                    return (reference, isNew)
                } catch let error as AppendError {
                    state.stats.count(error)
                    throw error
                }
            }
            guard timestamp >= state.head.minValidTime else {
                state.stats.count(AppendError.outOfBounds)
                throw AppendError.outOfBounds
            }
            // Logged at once, so any appender's samples for it replay after the series; and
            // logged before the head knows the series, so a failed write (a full disk) leaves
            // no series whose record is missing from the WAL.
            let reference = state.head.nextReference
            do {
                try state.wal?.log([WALRecord.series([(reference, labels)]).encoded()])
            } catch {
                state.stats.walWriteFailures += 1
                throw error
            }
            _ = state.head.getOrCreate(labels, reference: reference)
            return (reference, true)
        }
        if isNew {
            pending.append(WALRecord.Sample(reference: reference, timestamp: timestamp, value: value))
            lastPending[reference] = (timestamp, value)
        }
        return reference
    }

    /// Writes the batch to the WAL and applies it to the head. On a WAL error nothing
    /// is applied and the batch is dropped.
    public func commit() throws {
        defer { rollback() }
        guard !pending.isEmpty else { return }
        let batch = pending
        try database.state.withLock { state in
            do {
                try state.wal?.log([WALRecord.samples(batch).encoded()])
            } catch {
                state.stats.walWriteFailures += 1
                throw error
            }
            for sample in batch {
                // Another appender may have advanced the series since `append`.
                do {
                    guard try state.head.checkAppendable(sample.reference, sample.timestamp, sample.value) else { continue }
                    state.head.append(sample.reference, sample.timestamp, sample.value)
                    state.stats.samplesAppended += 1
                } catch let error as AppendError {
                    state.stats.count(error)
                }
            }
        }
    }

    /// Discards the samples queued since the last commit.
    public func rollback() {
        pending.removeAll(keepingCapacity: true)
        lastPending.removeAll(keepingCapacity: true)
    }
}

extension TSDBStats {
    mutating func count(_ error: Error) {
        switch error as? AppendError {
        case .outOfOrderSample: outOfOrderSamples += 1
        case .duplicateSampleForTimestamp: duplicateSamples += 1
        case .outOfBounds: outOfBoundsSamples += 1
        default: break
        }
    }
}
