import Foundation
import Testing
import LanternMetrics
import LanternPromQL
import LanternTestSupport
@testable import LanternScrape
@testable import LanternTSDB

/// The scrape loop's append path against a real TSDB in a temporary directory: series
/// appended by the reference the cache kept, a reference gone with its series (head
/// truncation) replaced by a new one, stale markers from the cache's round tracking, and
/// the cache filtered in place.
@Suite struct ScrapeAppendingTests {
    static let block: Int64 = 3_600_000

    /// One scrape loop's cache over one database.
    final class Harness {
        let directory: URL
        let database: TSDB
        let cache: ScrapeCache
        let appending: ScrapeAppending

        init(_ name: String, configure: (inout ScrapeSettings) -> Void = { _ in }) throws {
            directory = try TestSupport.temporaryDirectory(name)
            var options = TSDBOptions()
            options.minBlockDuration = ScrapeAppendingTests.block
            options.log = { _ in }
            database = try TSDB(directory: directory.path, options: options)
            var settings = ScrapeSettings(jobName: "job", interval: 1000, timeout: 1000)
            configure(&settings)
            let discovered = Labels(["__address__": "127.0.0.1:9", "__scheme__": "http", "__metrics_path__": "/metrics", "job": "job"])
            let target = try #require(try ScrapeTarget.make(discovered: discovered, settings: settings))
            cache = ScrapeCache(labeling: SeriesLabeling(target: target, settings: settings))
            appending = ScrapeAppending(cache: cache)
        }

        deinit {
            try? database.close()
            try? FileManager.default.removeItem(at: directory)
        }

        /// What ScrapeLoop does with a response body, minus the report series.
        @discardableResult
        func scrape(_ body: String, at timestamp: Int64, format: ExpositionFormat = .prometheusText) throws -> AppendOutcome {
            let appender = database.appender()
            let outcome = appending.append(body: Array(body.utf8), format: format, timestamp: timestamp, to: appender)
            try appending.commit(appender, outcome: outcome, bodyWasEmpty: body.isEmpty)
            return outcome
        }

        /// Every sample of every series, by the series' text form.
        func samples() throws -> [String: [Point]] {
            let querier = try database.querier(mint: .min, maxt: .max)
            defer { querier.close() }
            var set = try querier.select([try LabelMatcher(.regexMatch, "__name__", ".+")], hints: SelectHints(start: .min, end: .max))
            var result: [String: [Point]] = [:]
            while let series = try set.next() {
                var iterator = series.makeSampleIterator()
                var points: [Point] = []
                while try iterator.next() { points.append(iterator.current) }
                result[series.labels.description] = points
            }
            return result
        }

        func values(_ series: String) throws -> [Double] { try samples()[series]?.map(\.value) ?? [] }

        func reference(_ name: String) -> SeriesRef? {
            cache.entries.indices.first { cache.labels(of: $0)?.value(Labels.metricName) == name }.map { cache.reference(of: $0) }
        }

        func headReference(_ series: String) -> SeriesRef? {
            database.state.withLock { state in
                state.head.allSeriesIDs().first { state.head.seriesByReference.labels(of: $0)?.description == series }
            }
        }
    }

    /// The text form of a scraped series `name` with the target's labels.
    static func series(_ name: String) -> String { Labels(["__name__": name, "instance": "127.0.0.1:9", "job": "job"]).description }
    static let a = series("a")
    static let b = series("b")

    @Test func knownSeriesAppendByTheReferenceTheCacheKeeps() throws {
        let harness = try Harness("scrape-append-ref")
        let first = try harness.scrape("a 1\nb 2\n", at: 1000)
        #expect(first.scraped == 2 && first.postRelabeling == 2 && first.seriesAdded == 2)
        let referenceOfA = try #require(harness.reference("a"))
        #expect(referenceOfA != 0 && harness.headReference(Self.a) == referenceOfA)
        let second = try harness.scrape("a 3\nb 4\n", at: 2000)
        #expect(second.seriesAdded == 0)
        #expect(harness.reference("a") == referenceOfA)
        #expect(try harness.values(Self.a) == [1, 3])
        #expect(try harness.values(Self.b) == [2, 4])
        #expect(harness.database.stats.headSeries == 2 && harness.database.stats.samplesAppended == 4)
    }

    @Test func aSeriesTruncatedFromTheHeadAndScrapedAgainGetsANewReference() throws {
        let harness = try Harness("scrape-append-truncated")
        try harness.scrape("a 1\nb 2\n", at: 1000)
        let oldA = try #require(harness.reference("a"))
        let oldB = try #require(harness.reference("b"))
        // Everything before the boundary goes to a block; the head drops both series.
        try harness.database.persistHead(upTo: Self.block)
        #expect(harness.database.stats.headSeries == 0)
        // Another writer creates a series meanwhile: the stale references must not reach it.
        let other = harness.database.appender()
        try other.append(labels: Labels(["__name__": "other"]), timestampMilliseconds: Self.block + 500, value: 7)
        try other.commit()
        let rescraped = try harness.scrape("a 10\nb 20\n", at: Self.block + 1000)
        #expect(rescraped.seriesAdded == 0)
        let newA = try #require(harness.reference("a"))
        let newB = try #require(harness.reference("b"))
        #expect(newA != oldA && newB != oldB && newA != newB)
        #expect(harness.headReference(Self.a) == newA && harness.headReference(Self.b) == newB)
        let samples = try harness.samples()
        #expect(samples[Self.a]?.map(\.value) == [1, 10])
        #expect(samples[Self.b]?.map(\.value) == [2, 20])
        #expect(samples[Labels(["__name__": "other"]).description]?.map(\.value) == [7])
        #expect(harness.database.stats.headSeries == 3)
        // The new references are used from then on.
        try harness.scrape("a 11\nb 21\n", at: Self.block + 2000)
        #expect(harness.reference("a") == newA)
        #expect(try harness.values(Self.a) == [1, 10, 11])
    }

    /// The cache keeps no labels: a stale marker whose reference the head dropped finds
    /// its series by the labels derived from the kept text, as Prometheus appends one by
    /// the labels its cache kept.
    @Test func aStaleMarkerForASeriesTheHeadDroppedGoesByItsDerivedLabels() throws {
        let harness = try Harness("scrape-append-stale-truncated")
        try harness.scrape("a 1\nb 2\n", at: 1000)
        let oldB = try #require(harness.reference("b"))
        try harness.database.persistHead(upTo: Self.block)
        #expect(harness.database.stats.headSeries == 0)
        try harness.scrape("a 10\n", at: Self.block + 1000)
        let b = try #require(try harness.samples()[Self.b])
        #expect(b.count == 2 && b[0].value == 2 && StaleMarker.isStale(b[1].value) && b[1].timestamp == Self.block + 1000)
        #expect(harness.headReference(Self.b).map { $0 != oldB } == true)
        #expect(harness.cache.entries.count == 1)
    }

    @Test func aVanishedSeriesGetsOneStaleMarkerAndTheCacheForgetsIt() throws {
        let harness = try Harness("scrape-append-stale")
        try harness.scrape("a 1\nb 2\nc 3\n", at: 1000)
        let referenceOfC = try #require(harness.reference("c"))
        try harness.scrape("c 4\n", at: 2000)
        #expect(harness.cache.entries.count == 1)
        #expect(harness.reference("c") == referenceOfC)
        try harness.scrape("a 5\nc 6\n", at: 3000)
        #expect(harness.cache.entries.count == 2)
        #expect(harness.reference("c") == referenceOfC)
        let samples = try harness.samples()
        let a = try #require(samples[Self.a])
        #expect(a.count == 3 && a[0].value == 1 && StaleMarker.isStale(a[1].value) && a[1].timestamp == 2000 && a[2].value == 5)
        let b = try #require(samples[Self.b])
        // Ended once: the third scrape does not end it again.
        #expect(b.count == 2 && StaleMarker.isStale(b[1].value))
    }

    @Test func twoTextsOfOneSeriesEndItOnlyWhenBothVanish() throws {
        let harness = try Harness("scrape-append-merged") { settings in
            settings.metricRelabelConfigs = [RelabelConfig(action: .labeldrop, regex: try! AnchoredRegex("x"))]
        }
        try harness.scrape("a{x=\"1\"} 1\n", at: 1000)
        try harness.scrape("a{x=\"2\"} 2\n", at: 2000)
        try harness.scrape("c 3\n", at: 3000)
        let a = try #require(try harness.samples()[Self.a])
        #expect(a.map(\.timestamp) == [1000, 2000, 3000])
        #expect(a[1].value == 2 && StaleMarker.isStale(a[2].value))
        #expect(harness.database.stats.duplicateSamples == 0)
    }

    @Test func aFailedScrapeStoresNothingOfItsBodyAndEndsEverySeriesOnce() throws {
        let harness = try Harness("scrape-append-failed") { $0.sampleLimit = 2 }
        try harness.scrape("a 1\nb 2\n", at: 1000)
        let failed = try harness.scrape("a 3\nb 4\nc 5\n", at: 2000)
        #expect(failed.error == "sample limit exceeded")
        let afterFailure = try harness.samples()
        #expect(afterFailure[Self.series("c")] == nil)
        #expect(afterFailure[Self.a].map { $0.count == 2 && StaleMarker.isStale($0[1].value) } == true)
        #expect(afterFailure[Self.b].map { $0.count == 2 && StaleMarker.isStale($0[1].value) } == true)
        // A failed request (empty body) keeps the cache: the series are known next time.
        try harness.scrape("", at: 3000)
        #expect(harness.cache.entries.count == 3)
        let recovered = try harness.scrape("a 6\nb 7\n", at: 4000)
        #expect(recovered.error == nil && recovered.seriesAdded == 0)
        #expect(try harness.values(Self.a).last == 6)
    }

    @Test func explicitTimestampsAreNotEndedAndRefusedSamplesAreCounted() throws {
        let harness = try Harness("scrape-append-timestamps")
        try harness.scrape("a 1 5000\nb 2 5000\n", at: 6000)
        // Older (out of order) and same timestamp with another value (duplicate).
        try harness.scrape("a 3 4000\nb 4 5000\n", at: 7000)
        #expect(harness.database.stats.outOfOrderSamples == 1)
        #expect(harness.database.stats.duplicateSamples == 1)
        try harness.scrape("c 1\n", at: 8000)
        // Not tracked for staleness: no marker when they vanish.
        #expect(try harness.values(Self.a) == [1])
        #expect(try harness.values(Self.b) == [2])
    }

    /// The cache keeps no labels: what it derives from a kept text again (a stale
    /// reference, a stale marker, merged texts) must be what the series was stored with,
    /// for both formats, escapes, blanks, empty values and clashing target labels.
    @Test func labelsDerivedFromACachedTextAreThoseTheSeriesWasStoredWith() throws {
        let harness = try Harness("scrape-append-derived")
        #expect(MemoryLayout<ScrapeCache.Entry>.stride == 32)
        try harness.scrape("a{instance=\"other\",x=\"\",y=\"q\\\"\\\\\\n\"} 1\nb { z = \"1\" } 2\n", at: 1000)
        let derived = harness.cache.entries.indices.compactMap { harness.cache.labels(of: $0) }
        #expect(Set(derived.map(\.description)) == Set(try harness.samples().keys))
        let a = try #require(derived.first { $0.value(Labels.metricName) == "a" })
        #expect(a.value("exported_instance") == "other" && a.value("instance") == "127.0.0.1:9")
        #expect(a.value("y") == "q\"\\\n" && a["x"] == nil)
        try harness.scrape("c_total{job=\"j\"} 3\n# EOF\n", at: 2000, format: .openMetrics)
        let c = try #require(harness.cache.entries.indices.first.flatMap { harness.cache.labels(of: $0) })
        #expect(harness.cache.entries.count == 1 && c.value("exported_job") == "j" && c.value("job") == "job")
        #expect(try harness.samples()[c.description]?.map(\.value) == [3])
    }

    /// A cache built in one round keeps no more than an eighth idle beyond its texts and
    /// entries, and gives back what forgotten series left.
    @Test func theCacheGivesBackTheSlackOfGrowing() throws {
        let harness = try Harness("scrape-append-slack")
        let body = (0..<1000).map { "series_with_a_longish_name{index=\"\($0)\"} 1\n" }.joined()
        try harness.scrape(body, at: 1000)
        let cache = harness.cache
        #expect(cache.entries.count == 1000)
        #expect(cache.keyBytes.capacity - cache.keyBytes.count <= cache.keyBytes.count / 8)
        #expect(cache.entries.capacity - cache.entries.count <= cache.entries.count / 8)
        try harness.scrape("series_with_a_longish_name{index=\"1\"} 2\n", at: 2000)
        #expect(cache.entries.count == 1 && cache.keyBytes.capacity <= 64 && cache.entries.capacity <= 8)
        #expect(try harness.values(Labels(["__name__": "series_with_a_longish_name", "index": "1", "instance": "127.0.0.1:9", "job": "job"]).description) == [1, 2])
    }

    @Test func seriesDroppedByMetricRelabelingStayCachedAndUnstored() throws {
        let harness = try Harness("scrape-append-dropped") { settings in
            settings.metricRelabelConfigs = [RelabelConfig(action: .drop, sourceLabels: ["__name__"], regex: try! AnchoredRegex("b"))]
        }
        let first = try harness.scrape("a 1\nb 2\n", at: 1000)
        #expect(first.scraped == 2 && first.postRelabeling == 1 && first.seriesAdded == 1)
        let second = try harness.scrape("a 3\nb 4\n", at: 2000)
        #expect(second.postRelabeling == 1 && harness.cache.entries.count == 2)
        #expect(try harness.samples().keys.sorted() == [Self.a])
    }
}
