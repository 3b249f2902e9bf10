import LanternPromQL
import Testing
@testable import LanternTSDB

@Suite struct BlockTests {
    private let hour: Int64 = 3_600_000

    /// Fills a database with `seriesCount` series, one sample a minute over `hours`.
    private func fill(_ database: TSDB, seriesCount: Int, hours: Int64, start: Int64 = 0) throws -> [Labels: [Point]] {
        var expected: [Labels: [Point]] = [:]
        for step in 0..<(hours * 60) {
            let appender = database.appender()
            for series in 0..<seriesCount {
                let key = labels(["__name__": series % 2 == 0 ? "node_network_receive_bytes_total" : "node_load1",
                                  "device": "eth\(series)", "job": "node"])
                let timestamp = start + step * 60_000
                let value = series % 2 == 0 ? Double(step) * 1500 + Double(series) : Double(step % 17) / 7
                try appender.append(labels: key, timestampMilliseconds: timestamp, value: value)
                expected[key, default: []].append(Point(timestamp, value))
            }
            try appender.commit()
        }
        return expected
    }

    /// Prometheus' appender signals its compaction loop from the commit that leaves the
    /// head spanning more than 1.5 ranges; the server compacts then, not at its next tick.
    @Test func theCommitThatMakesTheHeadCompactableSignalsIt() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let signals = LogLines()
        var options = testOptions(blockDuration: hour)
        options.headCompactable = { signals.append("compactable") }
        let database = try TSDB(directory: directory.path, options: options)
        func commit(at timestamp: Int64) throws {
            let appender = database.appender()
            try appender.append(labels: labels(["__name__": "up"]), timestampMilliseconds: timestamp, value: 1)
            try appender.commit()
        }
        try commit(at: 0)
        try commit(at: hour * 3 / 2)
        #expect(signals.all.isEmpty)
        try commit(at: hour * 3 / 2 + 1)
        #expect(signals.all.count == 1)
        try database.compact()
        #expect(database.blockMetas.map(\.maxTime) == [hour])
        try commit(at: hour * 3 / 2 + 2)
        #expect(signals.all.count == 1)
        try database.close()
    }

    @Test func promtoolReadsWhatWeWrite() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let database = try TSDB(directory: directory.path, options: testOptions(blockDuration: 2 * hour))
        let expected = try fill(database, seriesCount: 10, hours: 4)
        try database.persistHead(upTo: .max)
        #expect(database.blockMetas.count == 2)
        try database.close()

        let list = try run(["/usr/bin/promtool", "tsdb", "list", directory.path])
        #expect(list.status == 0)
        for meta in try TSDB(directory: directory.path, options: testOptions()).blockMetas {
            #expect(list.output.contains(meta.ulid))
        }

        let analyze = try run(["/usr/bin/promtool", "tsdb", "analyze", directory.path])
        #expect(analyze.status == 0)
        #expect(analyze.output.contains("Series: 10"))

        let dump = try run(["/usr/bin/promtool", "tsdb", "dump", directory.path])
        #expect(dump.status == 0)
        var dumped: [String: [Point]] = [:]
        for line in dump.output.split(separator: "\n") {
            // `{__name__="x", device="eth0", job="node"} 1500 60000`
            guard let close = line.lastIndex(of: "}") else { continue }
            let fields = line[line.index(after: close)...].split(separator: " ")
            guard fields.count == 2, let value = Double(fields[0]), let timestamp = Int64(fields[1]) else { continue }
            dumped[String(line[...close]), default: []].append(Point(timestamp, value))
        }
        #expect(dumped.count == expected.count)
        for (series, points) in expected {
            let key = "{" + series.pairs.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ", ") + "}"
            #expect(dumped[key] == points, "\(key)")
        }
    }

    /// The same samples through Lantern and through Prometheus' own block writer
    /// (`promtool tsdb create-blocks-from openmetrics`): identical chunk and index files.
    @Test func blocksAreByteIdenticalToPrometheus() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let database = try TSDB(directory: directory.path + "/lantern", options: testOptions(blockDuration: 2 * hour))
        let start: Int64 = 1_700_006_400_000
        var text = ""
        var series: [(labels: Labels, points: [Point])] = []
        for index in 0..<20 {
            let key = labels(["__name__": "node_value", "index": "\(index)", "job": "node"])
            var value = Double(index)
            series.append((key, (0..<480).map { step in
                value += [0, 1, 0.25, 1e6, 0.1][(step + index) % 5]
                return Point(start + Int64(step) * 15_000, value)
            }))
        }
        for step in 0..<480 {
            let appender = database.appender()
            for entry in series { try appender.append(labels: entry.labels, timestampMilliseconds: entry.points[step].timestamp, value: entry.points[step].value) }
            try appender.commit()
        }
        for entry in series {
            for point in entry.points { text += "node_value{index=\"\(entry.labels["index"]!)\",job=\"node\"} \(point.value) \(point.timestamp / 1000)\n" }
        }
        try FileSystem.writeFile(directory.path + "/input.om", Array((text + "# EOF\n").utf8))
        try database.persistHead(upTo: .max)
        let ours = directory.path + "/lantern/" + database.blockMetas[0].ulid
        try database.close()
        let backfill = try run(["/usr/bin/promtool", "tsdb", "create-blocks-from", "openmetrics", directory.path + "/input.om", directory.path + "/prometheus"])
        #expect(backfill.status == 0)
        let theirs = directory.path + "/prometheus/" + (try FileSystem.listDirectory(directory.path + "/prometheus").first { ULID.isValid($0) }!)
        #expect(try FileSystem.readFile(ours + "/chunks/000001") == (try FileSystem.readFile(theirs + "/chunks/000001")))
        #expect(try FileSystem.readFile(ours + "/index") == (try FileSystem.readFile(theirs + "/index")))
        #expect(try FileSystem.readFile(ours + "/tombstones") == (try FileSystem.readFile(theirs + "/tombstones")))
    }

    @Test func headCompactionBlockMergingAndWALTruncation() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let database = try TSDB(directory: directory.path, options: testOptions(blockDuration: hour))
        let expected = try fill(database, seriesCount: 6, hours: 8)
        try database.compact()
        let metas = database.blockMetas
        // 8h of head: 1h blocks cut until 1.5h remain, then 3h-aligned windows merged.
        #expect(metas.first?.minTime == 0)
        #expect(metas.contains { $0.maxTime - $0.minTime == 3 * hour && $0.level == 2 && $0.sources.count == 3 })
        #expect(metas.map(\.numSamples).reduce(0, +) > 0)
        #expect(try readAll(database) == expected)
        let walEntries = try FileSystem.listDirectory(directory.path + "/wal")
        #expect(walEntries.contains { $0.hasPrefix("checkpoint.") })
        try database.close()

        // The checkpoint plus the remaining segments rebuild the head.
        let reopened = try TSDB(directory: directory.path, options: testOptions(blockDuration: hour))
        #expect(try readAll(reopened) == expected)
        #expect(throws: AppendError.outOfBounds) {
            try reopened.appender().append(labels: labels(["__name__": "late"]), timestampMilliseconds: 60_000, value: 1)
        }
        try reopened.close()
    }

    @Test func flippedChunkByteCostsOnlyThatChunk() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = LogLines()
        let database = try TSDB(directory: directory.path, options: testOptions(blockDuration: hour, log: log))
        let expected = try fill(database, seriesCount: 4, hours: 2)
        try database.persistHead(upTo: .max)
        let block = directory.path + "/" + database.blockMetas[0].ulid + "/chunks/000001"
        try database.close()
        var bytes = try FileSystem.readFile(block)
        bytes[40] ^= 0x01
        try FileSystem.writeFile(block, bytes)

        let reopened = try TSDB(directory: directory.path, options: testOptions(blockDuration: hour, log: log))
        let recovered = try readAll(reopened)
        let lost = expected.values.reduce(0) { $0 + $1.count } - recovered.values.reduce(0) { $0 + $1.count }
        #expect(lost > 0 && lost <= 120)
        #expect(reopened.stats.corruptChunksSkipped == 1)
        #expect(log.all.contains { $0.contains("corrupt chunk") })
        try reopened.close()
    }

    @Test func retentionByTimeAndSize() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var options = testOptions(blockDuration: hour)
        options.maxBlockDuration = hour
        options.retentionDuration = 3 * hour
        let database = try TSDB(directory: directory.path, options: options)
        _ = try fill(database, seriesCount: 3, hours: 8)
        try database.compact()
        let metas = database.blockMetas
        let newest = metas.map(\.maxTime).max()!
        #expect(metas.allSatisfy { newest - $0.maxTime < 3 * hour })
        #expect(database.stats.blocksDeletedByRetention > 0)
        try database.close()

        options.retentionDuration = 0
        options.retentionBytes = 1
        let bySize = try TSDB(directory: directory.path, options: options)
        try bySize.compact()
        #expect(bySize.blockMetas.isEmpty)
        #expect(try FileSystem.listDirectory(directory.path).filter { ULID.isValid($0) }.isEmpty)
        try bySize.close()
    }
}
