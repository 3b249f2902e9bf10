import LanternPromQL

/// A batch of samples committed atomically, like Prometheus' `storage.Appender`: one
/// per scrape. `commit` validates the batch against the head, writes its new series and
/// its samples to the WAL, then makes them visible to queries, all under one hold of the
/// database lock. Not thread-safe: one appender per task.
///
/// Two ways in: `append(labels:…)` checks the sample at once (one lock per sample) for
/// callers that report a refused sample (remote write, rules); `append(reference:…)`
/// only queues it, for the scrape loop, which appends a thousand samples per scrape,
/// knows each series' reference from its previous scrape and only counts refusals.
public final class Appender {
    fileprivate struct Queued {
        var reference: SeriesRef
        /// The series to find or create when `reference` no longer names a series; nil:
        /// ask the commit's `labelsOfTag` (when tagged), or drop the sample (untagged:
        /// `append(labels:)` resolved the reference and its series is gone).
        var labels: Labels?
        var timestamp: Int64
        var value: Double
        /// The caller's number for the sample, reported back in `resolvedReferences`; -1: none.
        var tag: Int
    }

    private let database: TSDB
    private var queued: [Queued] = []
    /// Last sample per series within this batch, for ordering checks before commit.
    private var lastPending: [SeriesRef: (timestamp: Int64, value: Double)] = [:]
    /// After `commit`: each tagged sample whose series reference differs from the one it
    /// was queued with (a new series, or one the head dropped and created again).
    public private(set) var resolvedReferences: [(tag: Int, reference: SeriesRef)] = []

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
            let reference = try state.createSeries([labels])
            return (reference, true)
        }
        if isNew {
            queued.append(Queued(reference: reference, labels: nil, timestamp: timestamp, value: value, tag: -1))
            lastPending[reference] = (timestamp, value)
        }
        return reference
    }

    /// Queues a sample without taking the database lock; `commit` checks it and counts
    /// a refused one (out of order, duplicate, out of bounds) in the database's stats.
    /// `reference` is what an earlier commit reported for the series (0 when unknown): the
    /// series is found by it, and by its labels only when the head no longer holds it.
    /// Those are `labels`, or when nil, what the commit's `labelsOfTag` gives for `tag`:
    /// the scrape loop passes labels only for a series it sees for the first time.
    public func append(reference: SeriesRef, labels: Labels?, timestampMilliseconds timestamp: Int64, value: Double, tag: Int = -1) {
        guard labels.map({ !$0.isEmpty }) ?? (reference != 0 || tag >= 0) else { return }
        queued.append(Queued(reference: reference, labels: labels, timestamp: timestamp, value: value, tag: tag))
    }

    /// Validates the batch, writes it to the WAL (new series first) and applies it to the
    /// head. On a WAL error nothing is applied and the batch is dropped. `labelsOfTag`
    /// gives the labels of a tagged sample queued without them whose reference the head
    /// no longer holds (nil: drop it); it runs outside the database lock, which is then
    /// taken again.
    public func commit(labelsOfTag: (Int) -> Labels? = { _ in nil }) throws {
        defer { rollback() }
        resolvedReferences.removeAll(keepingCapacity: true)
        guard !queued.isEmpty else { return }
        // Taken out rather than copied (its capacity comes back for the next batch).
        var batch: [Queued] = []
        swap(&batch, &queued)
        var resolved = resolvedReferences
        defer {
            resolvedReferences = resolved
            queued = batch
        }
        var unlabeled: [Int] = []
        var compactable = false
        repeat {
            for index in unlabeled {
                batch[index].labels = labelsOfTag(batch[index].tag).flatMap { $0.isEmpty ? nil : $0 }
                // No labels to find or create the series by: the sample is dropped.
                if batch[index].labels == nil { batch[index].tag = -1 }
            }
            (unlabeled, compactable) = try database.state.withLock { state in
                (try state.commit(&batch, reporting: &resolved), state.head.isCompactable)
            }
        } while !unlabeled.isEmpty
        if compactable { database.options.headCompactable() }
    }

    /// Discards the samples queued since the last commit.
    public func rollback() {
        queued.removeAll(keepingCapacity: true)
        lastPending.removeAll(keepingCapacity: true)
    }
}

extension TSDB.State {
    /// Under the database lock: the batch's unlabeled samples whose series the head no
    /// longer holds (nothing done yet), or after committing the batch, none.
    fileprivate mutating func commit(_ batch: inout [Appender.Queued], reporting resolved: inout [(tag: Int, reference: SeriesRef)]) throws -> [Int] {
        let unlabeled = try resolveReferences(&batch, reporting: &resolved)
        guard unlabeled.isEmpty else { return unlabeled }
        let accepted = acceptable(batch)
        guard !accepted.isEmpty else { return [] }
        do {
            try wal?.logSamples(accepted)
        } catch {
            stats.walWriteFailures += 1
            throw error
        }
        for sample in accepted { head.append(sample.reference, sample.timestamp, sample.value) }
        stats.samplesAppended += accepted.count
        return []
    }

    /// Gives every queued sample the reference of a series the head holds, creating the
    /// missing series (logged first); a sample older than the head accepts gets 0. Returns
    /// instead, changing nothing, the tagged samples queued without labels whose series
    /// the head no longer holds: the caller gets their labels and calls again.
    fileprivate mutating func resolveReferences(
        _ queued: inout [Appender.Queued], reporting resolved: inout [(tag: Int, reference: SeriesRef)]
    ) throws -> [Int] {
        func resolve(_ index: Int, to reference: SeriesRef) {
            if queued[index].tag >= 0, reference != queued[index].reference { resolved.append((queued[index].tag, reference)) }
            queued[index].reference = reference
        }
        var gone: [Int] = []
        var unlabeled: [Int] = []
        for index in queued.indices where !head.containsSeries(queued[index].reference) {
            if queued[index].labels == nil && queued[index].tag >= 0 { unlabeled.append(index) } else { gone.append(index) }
        }
        guard unlabeled.isEmpty else { return unlabeled }
        var missing: [Int] = []
        for index in gone {
            if let labels = queued[index].labels, let reference = head.reference(of: labels) {
                resolve(index, to: reference)
            } else {
                missing.append(index)
            }
        }
        guard !missing.isEmpty else { return [] }
        var created: [Labels: SeriesRef] = [:]
        var toCreate: [Labels] = []
        for index in missing {
            // A reference from `append(labels:)`, or one the caller had no labels for, whose
            // series is gone: nothing to append to.
            guard let labels = queued[index].labels else {
                queued[index].reference = 0
                continue
            }
            guard queued[index].timestamp >= head.minValidTime else {
                stats.count(AppendError.outOfBounds)
                queued[index].reference = 0
                continue
            }
            if created[labels] == nil {
                created[labels] = head.nextReference + SeriesRef(toCreate.count)
                toCreate.append(labels)
            }
        }
        if !toCreate.isEmpty { _ = try createSeries(toCreate) }
        for index in missing {
            if let labels = queued[index].labels, let reference = created[labels] { resolve(index, to: reference) }
        }
        return []
    }

    /// The samples of the batch the head accepts, in order; refusals are counted. Checked
    /// here even when `append(labels:)` checked them: another appender may have advanced
    /// the series since.
    fileprivate mutating func acceptable(_ queued: [Appender.Queued]) -> [WALRecord.Sample] {
        var accepted: [WALRecord.Sample] = []
        accepted.reserveCapacity(queued.count)
        var lastAccepted: [SeriesRef: (timestamp: Int64, value: Double)] = [:]
        lastAccepted.reserveCapacity(queued.count)
        for sample in queued where sample.reference != 0 {
            do {
                if let last = lastAccepted[sample.reference] {
                    try MemorySeries.check(sample.timestamp, sample.value, after: last)
                    if sample.timestamp == last.timestamp { continue }
                }
                guard try head.checkAppendable(sample.reference, sample.timestamp, sample.value) else { continue }
                accepted.append(WALRecord.Sample(reference: sample.reference, timestamp: sample.timestamp, value: sample.value))
                lastAccepted[sample.reference] = (sample.timestamp, sample.value)
            } catch let error as AppendError {
                stats.count(error)
            } catch {}
        }
        return accepted
    }

    /// Creates series with consecutive references from the head's next one, returning the
    /// first. Logged before the head knows them, so a failed write (a full disk) leaves no
    /// series whose record is missing from the WAL, and any appender's samples for them
    /// replay after their record.
    mutating func createSeries(_ labels: [Labels]) throws -> SeriesRef {
        let first = head.nextReference
        let records = labels.enumerated().map { (first + SeriesRef($0.offset), $0.element) }
        do {
            try wal?.log([WALRecord.series(records).encoded()])
        } catch {
            stats.walWriteFailures += 1
            throw error
        }
        for (reference, labels) in records { _ = head.getOrCreate(labels, reference: reference) }
        return first
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
