import LanternPromQL
import Testing
@testable import LanternTSDB

/// Snappy-compressed records (Prometheus' `--storage.tsdb.wal-compression`): which records
/// are stored compressed and how they are flagged, WALs mixing both kinds, and damage
/// inside a compressed record.
extension WALTests {
    private func segmentPath(_ directory: String, _ index: Int) -> String { directory + "/" + WALFormat.segmentName(index) }

    private func readRecords(_ directory: String) throws -> [[UInt8]] {
        var read: [[UInt8]] = []
        for index in try WALFormat.segmentIndexes(in: directory) {
            try WALSegmentReader.read(path: segmentPath(directory, index)) { read.append(Array($0)) }
        }
        return read
    }

    /// A record of `words` random 8-byte words out of 16: snappy shrinks it to about a third.
    private func compressibleRecord(words: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        let dictionary = (0..<16).map { _ in (0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) } }
        return (0..<words).flatMap { _ in dictionary.randomElement(using: &generator)! }
    }

    /// Each record starts its own segment, so its first fragment's type is the segment's first byte.
    @Test func recordsAreCompressedWhereThatShrinksThemAndFlaggedInEveryFragment() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let writer = try WALWriter(directory: directory.path, segmentIndex: 0, compressesRecords: true)
        var generator = SystemRandomNumberGenerator()
        let large = compressibleRecord(words: 40_000)
        let records = [
            large, [UInt8](repeating: 7, count: 40),
            [2, 1], (0..<2_000).map { _ in UInt8.random(in: 0...255, using: &generator) }, [],
        ]
        for record in records {
            try writer.log([record])
            try writer.cutSegment()
        }
        try writer.close()

        let first = try (0..<records.count).map { try FileSystem.readFile(segmentPath(directory.path, $0)) }
        let snappy = WALFormat.snappyFlag
        // 320 KB in fragments over several pages, each flagged; the segment is a fraction of the record.
        #expect(first[0][0] == WALFormat.FragmentType.first.rawValue | snappy)
        #expect(first[0][WALFormat.pageSize] == WALFormat.FragmentType.middle.rawValue | snappy)
        #expect(first[0].count < large.count / 2)
        #expect(first[1][0] == WALFormat.FragmentType.full.rawValue | snappy)
        // Snappy would make these longer: two bytes, random bytes, an empty record.
        for index in 2...4 { #expect(first[index][0] == WALFormat.FragmentType.full.rawValue, "record \(index)") }
        #expect(try readRecords(directory.path) == records)
    }

    /// Prometheus flags every fragment of a compressed record; one that is not is damage.
    @Test func fragmentsDisagreeingOnCompressionAreCorruption() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let writer = try WALWriter(directory: directory.path, segmentIndex: 0, compressesRecords: true)
        try writer.log([compressibleRecord(words: 40_000)])
        try writer.close()
        var bytes = try FileSystem.readFile(segmentPath(directory.path, 0))
        bytes[WALFormat.pageSize] &= ~WALFormat.snappyFlag
        try FileSystem.writeFile(segmentPath(directory.path, 0), bytes)
        let error = #expect(throws: WALCorruption.self) { try WALSegmentReader.read(path: segmentPath(directory.path, 0)) { _ in } }
        #expect(error?.description == "\(segmentPath(directory.path, 0)) at offset 0: fragments of one record disagree on compression")
    }

    /// A compressed record whose checksum holds but whose snappy data is damaged: the
    /// segment is cut at that record with a precise reason, every record before it kept.
    @Test func undecodableCompressedRecordIsCutAwayAndEverythingBeforeKept() throws {
        let pristine = TemporaryDirectory()
        defer { pristine.remove() }
        let written = try writeDatabase(pristine.path, batches: 60)
        let segment = segmentPath(pristine.path + "/wal", 0)
        var bytes = try FileSystem.readFile(segment)
        // Record starts (each the previous record's end) and how many samples records precede each.
        var starts = [0], samplesRecordsBefore = [0]
        try WALSegmentReader.read(path: segment, from: 0) { payload, end in
            var isSamples = false
            if case .samples = try WALRecord(decoding: payload) { isSamples = true }
            starts.append(end)
            samplesRecordsBefore.append(samplesRecordsBefore.last! + (isSamples ? 1 : 0))
        }
        let victim = try #require(starts.indices.dropLast().dropFirst(starts.count / 2).first { bytes[starts[$0]] == WALFormat.FragmentType.full.rawValue | WALFormat.snappyFlag })
        let offset = starts[victim]
        let length = Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
        // An impossible decoded length, then the checksum made to match the damaged data.
        for index in 0..<5 { bytes[offset + 7 + index] = 0xFF }
        let checksum = CRC32C.checksum(bytes[offset + 7..<offset + 7 + length])
        for index in 0..<4 { bytes[offset + 3 + index] = UInt8(truncatingIfNeeded: checksum >> UInt32(24 - 8 * index)) }

        let copy = TemporaryDirectory()
        defer { copy.remove() }
        try FileSystem.createDirectory(copy.path + "/wal")
        try FileSystem.writeFile(segmentPath(copy.path + "/wal", 0), bytes)
        let log = LogLines()
        let database = try TSDB(directory: copy.path, options: testOptions(log: log))
        #expect(database.stats.walCorruptionsRepaired == 1)
        let recovered = try readAll(database)
        try database.close()
        let kept = samplesRecordsBefore[victim]
        #expect(kept > 0 && kept < 60)
        #expect(recovered == written.mapValues { Array($0.prefix(kept)) })
        let repairLine = log.all.filter { $0.contains("WAL truncated") }
        #expect(repairLine.count == 1)
        #expect(repairLine.first?.hasPrefix(
            "WAL truncated at last good record: \(segmentPath(copy.path + "/wal", 0)) at offset \(offset): undecodable compressed record: snappy: corrupt input; "
        ) == true, "\(repairLine)")

        let again = try TSDB(directory: copy.path, options: testOptions())
        #expect(try readAll(again) == recovered)
        #expect(again.stats.walCorruptionsRepaired == 0)
        try again.close()
    }

    /// Reopened with compression off, on, off: each run's segment as that run wrote it, all
    /// of it replayed by either setting, and a checkpoint written from the mix.
    @Test func walMixingCompressedAndPlainSegmentsReplaysCompletely() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var expected: [Labels: [Point]] = [:]
        for (run, compressed) in [false, true, false].enumerated() {
            var options = testOptions(blockDuration: 120_000)
            options.walCompression = compressed
            expected.merge(try writeDatabase(directory.path, batches: 20, firstBatch: run * 20, options: options)) { $0 + $1 }
        }
        let wal = directory.path + "/wal"
        let flagged = try (0..<3).map { try FileSystem.readFile(segmentPath(wal, $0))[0] & WALFormat.snappyFlag != 0 }
        #expect(flagged == [false, true, false])
        for compressed in [true, false] {
            var options = testOptions(blockDuration: 120_000)
            options.walCompression = compressed
            let reopened = try TSDB(directory: directory.path, options: options)
            #expect(try readAll(reopened) == expected)
            #expect(reopened.stats.walCorruptionsRepaired == 0)
            try reopened.close()
        }

        // Blocks cut from the 15 minutes of samples; the WAL's older segments become a
        // (compressed) checkpoint, which replays with the segments after it.
        let compacting = try TSDB(directory: directory.path, options: testOptions(blockDuration: 120_000))
        try compacting.compact()
        try compacting.close()
        let checkpoint = try #require(try WALFormat.latestCheckpoint(in: wal))
        #expect(try FileSystem.readFile(segmentPath(checkpoint.path, 0))[0] & WALFormat.snappyFlag != 0)
        let afterCheckpoint = try TSDB(directory: directory.path, options: testOptions(blockDuration: 120_000))
        #expect(try readAll(afterCheckpoint) == expected)
        #expect(afterCheckpoint.stats.walCorruptionsRepaired == 0)
        try afterCheckpoint.close()
    }
}
