import LanternPromQL
import Testing
@testable import LanternTSDB

@Suite struct AppendAndQueryTests {
    @Test func prometheusErrorTexts() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let database = try TSDB(directory: directory.path, options: testOptions())
        defer { try? database.close() }
        let series = labels(["__name__": "up", "job": "node"])
        let appender = database.appender()
        try appender.append(labels: series, timestampMilliseconds: 2000, value: 1)
        try appender.commit()
        #expect(throws: AppendError.outOfOrderSample) { try appender.append(labels: series, timestampMilliseconds: 1000, value: 1) }
        #expect(throws: AppendError.duplicateSampleForTimestamp) { try appender.append(labels: series, timestampMilliseconds: 2000, value: 2) }
        // Same timestamp and value is accepted and ignored, as in Prometheus.
        try appender.append(labels: series, timestampMilliseconds: 2000, value: 1)
        try appender.append(labels: series, timestampMilliseconds: 3000, value: StaleMarker.value)
        try appender.commit()
        #expect(AppendError.outOfOrderSample.description == "out of order sample")
        #expect(AppendError.duplicateSampleForTimestamp.description == "duplicate sample for timestamp")
        let points = try readAll(database)[series]!
        #expect(points.map(\.timestamp) == [2000, 3000])
        #expect(StaleMarker.isStale(points[1].value))
        #expect(database.stats.outOfOrderSamples == 1 && database.stats.duplicateSamples == 1)
    }

    @Test func rollbackDiscards() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let database = try TSDB(directory: directory.path, options: testOptions())
        defer { try? database.close() }
        let appender = database.appender()
        try appender.append(labels: labels(["__name__": "a"]), timestampMilliseconds: 1, value: 1)
        appender.rollback()
        try appender.commit()
        #expect(try readAll(database).isEmpty)
    }

    @Test func matchersOverHeadAndBlocks() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let hour: Int64 = 3_600_000
        let database = try TSDB(directory: directory.path, options: testOptions(blockDuration: hour))
        defer { try? database.close() }
        let modes = ["idle", "user", "system", ""]
        for step in 0..<Int64(240) {
            let appender = database.appender()
            for cpu in 0..<4 {
                for mode in modes {
                    var pairs = ["__name__": "node_cpu_seconds_total", "cpu": "\(cpu)"]
                    if !mode.isEmpty { pairs["mode"] = mode }
                    try appender.append(labels: labels(pairs), timestampMilliseconds: step * 60_000, value: Double(step))
                }
            }
            try appender.commit()
        }
        try database.compact()
        // Three 1h blocks cut from the 4h head, merged into one 3h block; the last hour stays in the head.
        #expect(database.blockMetas.map(\.maxTime) == [3 * hour])
        let cases: [([LabelMatcher], Int)] = [
            ([try LabelMatcher(.equal, "mode", "idle")], 4),
            ([try LabelMatcher(.notEqual, "mode", "idle")], 12),
            ([try LabelMatcher(.equal, "mode", "")], 4),
            ([try LabelMatcher(.regexMatch, "mode", "id|us")], 0),
            ([try LabelMatcher(.regexMatch, "mode", "idle|user")], 8),
            ([try LabelMatcher(.regexNoMatch, "mode", "i.*"), try LabelMatcher(.equal, "cpu", "1")], 3),
            ([try LabelMatcher(.regexMatch, "mode", ".*")], 16),
            ([try LabelMatcher(.regexMatch, "mode", ".+")], 12),
        ]
        for (matchers, expected) in cases {
            let result = try readAll(database, matchers)
            #expect(result.count == expected, "\(matchers)")
            for points in result.values {
                #expect(points.map(\.timestamp) == (0..<240).map { $0 * 60_000 }, "\(matchers): samples merged across blocks and head")
            }
        }
        let querier = try database.querier(mint: 0, maxt: .max)
        #expect(try querier.labelNames(matching: []) == ["__name__", "cpu", "mode"])
        #expect(try querier.labelValues("mode", matching: []) == ["idle", "system", "user"])
        #expect(try querier.labelValues("cpu", matching: [try LabelMatcher(.equal, "mode", "user")]) == ["0", "1", "2", "3"])

        let window = try readAll(database, [try LabelMatcher(.equal, "cpu", "0"), try LabelMatcher(.equal, "mode", "idle")], from: 3_500_000, to: 3_700_000)
        #expect(window.values.first?.map(\.timestamp) == [3_540_000, 3_600_000, 3_660_000])

        var set = try querier.select([try LabelMatcher(.equal, "mode", "user")], hints: SelectHints(start: 0, end: .max))
        let series = try set.next()!
        var iterator = series.makeSampleIterator()
        #expect(try iterator.seek(to: 7_200_001))
        #expect(iterator.current.timestamp == 7_260_000)
        #expect(try iterator.seek(to: 10))
        #expect(iterator.current.timestamp == 7_260_000)
        #expect(try !iterator.seek(to: 1 << 50))
    }

    /// `=` and `!=` select by the value's bytes, in the head and in a block: U+212A KELVIN
    /// SIGN and "K" (equal for Swift's `==`) are two values, as in Prometheus.
    @Test func equalityMatchersAreByteExactInHeadAndBlocks() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let hour: Int64 = 3_600_000
        let database = try TSDB(directory: directory.path, options: testOptions(blockDuration: hour))
        defer { try? database.close() }
        for unit in ["\u{212A}", "K"] {
            let appender = database.appender()
            for time in [hour / 2, hour + hour / 2] {
                try appender.append(labels: labels(["__name__": "t", "unit": unit]), timestampMilliseconds: time, value: 1)
            }
            try appender.commit()
        }
        try database.persistHead(upTo: hour)
        #expect(database.blockMetas.count == 1)
        func selected(_ matcher: LabelMatcher, from start: Int64, to end: Int64) throws -> [[UInt8]] {
            let querier = try database.querier(mint: start, maxt: end)
            defer { querier.close() }
            var set = try querier.select([matcher], hints: SelectHints(start: start, end: end))
            var units: [[UInt8]] = []
            while let series = try set.next() {
                var iterator = series.makeSampleIterator()
                var samples = 0
                while try iterator.next() { samples += 1 }
                #expect(samples == (start == 0 && end == 2 * hour ? 2 : 1), "\(series.labels)")
                units.append(Array(series.labels.value("unit").utf8))
            }
            return units
        }
        // The block alone, the head alone, both (a series' samples merged across them).
        for (start, end) in [(0, hour - 1), (hour, 2 * hour), (0, 2 * hour)] {
            for (matcher, unit) in [(try LabelMatcher(.equal, "unit", "K"), "K"), (try LabelMatcher(.equal, "unit", "\u{212A}"), "\u{212A}"),
                                    (try LabelMatcher(.notEqual, "unit", "K"), "\u{212A}"), (try LabelMatcher(.regexMatch, "unit", "K"), "K")] {
                let units = try selected(matcher, from: start, to: end)
                #expect(units == [Array(unit.utf8)], "\(matcher) over [\(start), \(end)]: \(units)")
            }
        }
    }
}
