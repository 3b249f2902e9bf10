import Glibc
import LanternPromQL
import Testing
@testable import LanternTSDB

@Suite struct WALTests {
    @Test func recordEncodingRoundTrip() throws {
        let records: [WALRecord] = [
            .series([(reference: UInt64(5), labels: labels(["__name__": "a", "b": "ç"])), (reference: UInt64(7), labels: labels(["__name__": "b"]))]),
            .samples([.init(reference: 7, timestamp: 100, value: 1), .init(reference: 5, timestamp: 90, value: .nan),
                      .init(reference: 9, timestamp: -5, value: StaleMarker.value)]),
        ]
        for record in records {
            let decoded = try record.encoded().withUnsafeBytes { try WALRecord(decoding: $0) }
            #expect(decoded == record)
        }
    }

    @Test func recordsSpanningPagesAndSegmentsReadBack() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let writer = try WALWriter(directory: directory.path, segmentIndex: 0, compressesRecords: false)
        var generator = SystemRandomNumberGenerator()
        let records = (0..<300).map { index in
            (0..<Int.random(in: 1...(index % 10 == 0 ? 100_000 : 300), using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        }
        for batch in stride(from: 0, to: records.count, by: 7) { try writer.log(Array(records[batch..<min(records.count, batch + 7)])) }
        try writer.cutSegment()
        try writer.log([records[0]])
        try writer.close()
        var read: [[UInt8]] = []
        for index in try WALFormat.segmentIndexes(in: directory.path) {
            try WALSegmentReader.read(path: directory.path + "/" + WALFormat.segmentName(index)) { read.append(Array($0)) }
        }
        #expect(read == records + [records[0]])
    }

    /// A record starting with exactly a fragment header's room left in its page: an empty
    /// first fragment, then the rest on the next page (not a second "first" or a "full").
    @Test func recordStartingAtAPageEndReadsBack() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let writer = try WALWriter(directory: directory.path, segmentIndex: 0, compressesRecords: false)
        let filler = [UInt8](repeating: 1, count: WALFormat.pageSize - 2 * WALFormat.fragmentHeaderSize)
        let records = [filler, [UInt8](repeating: 2, count: 100), [UInt8](repeating: 3, count: 10)]
        for record in records { try writer.log([record]) }
        try writer.close()
        var read: [[UInt8]] = []
        try WALSegmentReader.read(path: directory.path + "/" + WALFormat.segmentName(0)) { read.append(Array($0)) }
        #expect(read == records)
    }

    /// Writes `batches` commits of `seriesCount` series (the first numbered `firstBatch`,
    /// 15 s apart); returns the expected samples.
    func writeDatabase(
        _ path: String, batches: Int, firstBatch: Int = 0, seriesCount: Int = 20, options: TSDBOptions = testOptions()
    ) throws -> [Labels: [Point]] {
        let database = try TSDB(directory: path, options: options)
        var expected: [Labels: [Point]] = [:]
        for batch in firstBatch..<firstBatch + batches {
            let appender = database.appender()
            for series in 0..<seriesCount {
                let key = labels(["__name__": "metric_\(series % 3)", "instance": "host-\(series)", "padding": String(repeating: "x", count: series * 40)])
                let point = Point(Int64(batch) * 15_000, Double(batch * series) + 0.5)
                try appender.append(labels: key, timestampMilliseconds: point.timestamp, value: point.value)
                expected[key, default: []].append(point)
            }
            try appender.commit()
        }
        try database.close()
        return expected
    }

    @Test func replayRestoresEverything() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let expected = try writeDatabase(directory.path, batches: 200)
        let reopened = try TSDB(directory: directory.path, options: testOptions())
        defer { try? reopened.close() }
        #expect(try readAll(reopened) == expected)
    }

    /// Truncating or damaging the WAL anywhere, compressed or not: the database opens, logs
    /// once, and keeps a prefix of the commits (each series' samples a prefix of what was written).
    @Test(arguments: [true, false]) func corruptionAtManyOffsetsIsRepaired(walCompression: Bool) throws {
        let pristine = TemporaryDirectory()
        defer { pristine.remove() }
        var options = testOptions()
        options.walCompression = walCompression
        let expected = try writeDatabase(pristine.path, batches: 120, options: options)
        let segment = pristine.path + "/wal/" + WALFormat.segmentName(0)
        let original = try FileSystem.readFile(segment)
        let totalSamples = expected.values.reduce(0) { $0 + $1.count }

        var previousKept = Int.max
        for offset in stride(from: original.count - 1, to: 0, by: -max(1, original.count / 60)) {
            for damage in ["truncate", "flip"] {
                let copy = TemporaryDirectory()
                defer { copy.remove() }
                try FileSystem.createDirectory(copy.path + "/wal")
                var bytes = original
                if damage == "truncate" { bytes.removeSubrange(offset...) } else { bytes[offset] ^= 0x5A }
                try FileSystem.writeFile(copy.path + "/wal/" + WALFormat.segmentName(0), bytes)

                let log = LogLines()
                let database = try TSDB(directory: copy.path, options: testOptions(log: log))
                let stats = database.stats
                let recovered = try readAll(database)
                try database.close()
                for (series, points) in recovered {
                    let written = expected[series] ?? []
                    #expect(points.count <= written.count && Array(written.prefix(points.count)) == points, "\(damage) at \(offset)")
                }
                let kept = recovered.values.reduce(0) { $0 + $1.count }
                if damage == "truncate" {
                    #expect(kept <= previousKept)
                    previousKept = kept
                }
                if kept < totalSamples, damage == "truncate" || stats.walCorruptionsRepaired > 0 {
                    #expect(log.all.filter { $0.contains("WAL") }.count <= 1)
                }
                // After repair, the directory opens cleanly and keeps the same data.
                let again = try TSDB(directory: copy.path, options: testOptions())
                #expect(try readAll(again) == recovered)
                #expect(again.stats.walCorruptionsRepaired == 0)
                try again.close()
            }
        }
        #expect(previousKept < totalSamples)
    }

    @Test func directoryLockRefusesSecondOpen() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let database = try TSDB(directory: directory.path, options: testOptions())
        #expect(throws: SystemError.self) { _ = try TSDB(directory: directory.path, options: testOptions()) }
        try database.close()
    }
}
