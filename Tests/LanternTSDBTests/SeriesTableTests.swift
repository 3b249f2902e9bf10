import LanternPromQL
import Testing
@testable import LanternTSDB

/// The head's compact series table: lookups by reference and by label set through
/// creation, truncation (slots reused, references never), WAL replay of older ids, and
/// many colliding removals in the label hash table.
@Suite struct SeriesTableTests {
    private func series(_ index: Int) -> Labels { labels(["__name__": "bench_queue_length", "queue": "q\(index)"]) }

    @Test func referencesAndLabelsFindTheSameSeries() {
        var head = Head(chunkRange: 1000)
        for index in 0..<1000 { _ = head.getOrCreate(series(index)) }
        #expect(head.seriesCount == 1000)
        for index in 0..<1000 {
            let reference = head.reference(of: series(index))
            #expect(reference == UInt64(index + 1))
            #expect(head.seriesByReference.labels(of: UInt64(index + 1)) == series(index))
        }
        #expect(head.reference(of: series(1000)) == nil)
        #expect(head.seriesByReference[0] == nil && head.seriesByReference[1001] == nil)
        #expect(head.getOrCreate(series(7)) == (8, false))
        #expect(head.allSeriesIDs() == Array(1...1000))
    }

    @Test func truncationRemovesSeriesAndNeverReusesTheirReferences() {
        var head = Head(chunkRange: 1000)
        for index in 0..<300 {
            let reference = head.getOrCreate(series(index)).reference
            // Even series only have samples before 1000, so truncation at 1000 removes them.
            head.append(reference, 500, 1)
            if index % 2 == 1 { head.append(reference, 1500, 2) }
        }
        head.truncate(before: 1000)
        #expect(head.seriesCount == 150)
        for index in 0..<300 {
            let reference = head.reference(of: series(index))
            #expect(reference == (index % 2 == 1 ? UInt64(index + 1) : nil))
            #expect((head.seriesByReference[UInt64(index + 1)] != nil) == (index % 2 == 1))
        }
        // New series take freed slots, but fresh references: an old reference stays dead.
        let created = (300..<450).map { head.getOrCreate(series($0)).reference }
        #expect(created == Array(301...450))
        #expect(head.seriesByReference[1] == nil)
        head.append(1, 2000, 9)
        #expect(head.seriesCount == 300)
        // A series that was removed comes back under a new reference, without its old samples.
        let revived = head.getOrCreate(series(0))
        #expect(revived == (451, true))
        #expect(head.seriesByReference.labels(of: 451) == series(0))
        #expect(head.seriesByReference[451]?.closedChunks.isEmpty == true && head.seriesByReference[451]?.openChunk == nil)
        for (offset, reference) in created.enumerated() {
            #expect(head.seriesByReference.labels(of: reference) == series(300 + offset))
        }
        let survivors: [UInt64] = (0..<150).map { UInt64($0 * 2 + 2) }
        #expect(head.allSeriesIDs() == survivors + Array(301...451))
    }

    @Test func everySeriesRemovedThenTableReused() {
        var head = Head(chunkRange: 1000)
        for index in 0..<50 { head.append(head.getOrCreate(series(index)).reference, 10, 1) }
        head.truncate(before: 1000)
        #expect(head.seriesCount == 0 && head.allSeriesIDs().isEmpty)
        let again = head.getOrCreate(series(3))
        #expect(again == (51, true))
        #expect(head.reference(of: series(3)) == 51 && head.allSeriesIDs() == [51])
    }

    @Test func walReplayMayCreateOlderReferencesAfterNewerOnes() {
        var head = Head(chunkRange: 1000)
        _ = head.getOrCreate(series(0), reference: 900)
        _ = head.getOrCreate(series(1), reference: 40)
        _ = head.getOrCreate(series(2), reference: 5000)
        #expect(head.allSeriesIDs() == [40, 900, 5000])
        #expect(head.reference(of: series(1)) == 40 && head.seriesByReference.labels(of: 40) == series(1))
        #expect(head.nextReference == 5001)
        #expect(head.getOrCreate(series(3)).reference == 5001)
    }

    @Test func restartReplaysTheSameReferencesAfterTruncation() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let database = try TSDB(directory: directory.path, options: testOptions(blockDuration: 1000))
        let appender = database.appender()
        var references: [Int: SeriesRef] = [:]
        for index in 0..<40 {
            references[index] = try appender.append(labels: series(index), timestampMilliseconds: 100, value: 1)
            // Odd series go on past the first block; even ones end in it and leave the head.
            if index % 2 == 1 { try appender.append(labels: series(index), timestampMilliseconds: 1500, value: 2) }
        }
        try appender.commit()
        try database.persistHead(upTo: 1000)
        let created = try appender.append(labels: series(40), timestampMilliseconds: 1600, value: 3)
        try appender.commit()
        #expect(created == 41)
        try database.close()

        let reopened = try TSDB(directory: directory.path, options: testOptions(blockDuration: 1000))
        defer { try? reopened.close() }
        reopened.state.withLock { state in
            #expect(state.head.seriesCount == 21)
            for index in 0..<40 {
                #expect(state.head.reference(of: series(index)) == (index % 2 == 1 ? references[index] : nil))
            }
            #expect(state.head.reference(of: series(40)) == 41)
        }
        #expect(try readAll(reopened)[series(40)]?.map(\.value) == [3])
        #expect(try readAll(reopened)[series(0)]?.map(\.value) == [1])
    }

    @Test func labelNamesAndValuesAreThoseOfTheSeriesLeft() {
        var head = Head(chunkRange: 1000)
        let early = head.getOrCreate(labels(["__name__": "a", "zone": "x"])).reference
        let late = head.getOrCreate(labels(["__name__": "b", "pool": "p1"])).reference
        head.append(early, 10, 1)
        head.append(late, 1500, 1)
        #expect(head.labelNames.sorted() == ["__name__", "pool", "zone"] && head.labelValues("__name__").sorted() == ["a", "b"])
        head.truncate(before: 1000)
        #expect(head.labelNames.sorted() == ["__name__", "pool"] && head.labelValues("__name__") == ["b"])
        #expect(head.labelValues("zone").isEmpty)
    }

    @Test func labelLookupsSurviveManyRemovalsInProbeRuns() {
        // Thousands of removals and insertions in a small, dense hash table exercise the
        // backward-shift deletion: a wrong shift loses a series from lookups by labels.
        var head = Head(chunkRange: 10)
        var alive: [Int: UInt64] = [:]
        var next = 0
        for round in 0..<20 {
            for _ in 0..<200 {
                let reference = head.getOrCreate(series(next)).reference
                head.append(reference, Int64(round * 10 + 5), 1)
                alive[next] = reference
                next += 1
            }
            // Keep every third series of this round alive into the next one.
            for (index, reference) in alive where index % 3 == 0 { head.append(reference, Int64(round * 10 + 15), 1) }
            head.truncate(before: Int64(round * 10 + 10))
            alive = alive.filter { $0.key % 3 == 0 && head.seriesByReference[$0.value]?.minTime != nil }
            #expect(head.seriesCount == alive.count)
            for (index, reference) in alive {
                #expect(head.reference(of: series(index)) == reference)
                // Label sets survive the store's compaction (removed series' bytes dropped).
                #expect(head.seriesByReference.labels(of: reference) == series(index))
            }
        }
        for index in 0..<next where alive[index] == nil { #expect(head.reference(of: series(index)) == nil) }
    }
}
