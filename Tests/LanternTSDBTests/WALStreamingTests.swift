import Glibc
import LanternPromQL
import Testing
@testable import LanternTSDB

/// What keeps the WAL's memory small: checkpoints written in batches, segments read
/// without keeping what was passed resident, and the order samples records are
/// written in (which only changes how well they compress).
extension WALTests {
    private func records(in directory: String) throws -> [WALRecord] {
        var read: [WALRecord] = []
        for index in try WALFormat.segmentIndexes(in: directory) {
            try WALSegmentReader.read(path: directory + "/" + WALFormat.segmentName(index)) { read.append(try WALRecord(decoding: $0)) }
        }
        return read
    }

    /// Several batches' worth of kept records (~2.7 MB against 1 MB batches) over two
    /// segments and a previous checkpoint: the new checkpoint holds exactly the live series
    /// and the recent samples of live series, in the order they were written.
    @Test func checkpointWrittenInBatchesKeepsEveryLiveRecordInOrder() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let wal = directory.path + "/wal"
        let writer = try WALWriter(directory: wal, segmentIndex: 0, compressesRecords: true)
        var written: [WALRecord] = []
        for round in 0..<600 {
            if round % 200 == 0 {
                let series = (0..<50).map { (offset: Int) -> (reference: UInt64, labels: Labels) in
                    (UInt64(round + offset), labels(["__name__": "m", "id": String(round + offset)]))
                }
                written.append(.series(series))
                try writer.log([written[written.count - 1].encoded()])
            }
            let firstReference = UInt64(round / 200 * 200)
            let samples = (0..<1500).map { (index: Int) -> WALRecord.Sample in
                let timestamp = Int64(round) * 1000 + Int64(index / 50)
                return WALRecord.Sample(reference: firstReference + UInt64(index % 50), timestamp: timestamp, value: Double(index * round) + 0.25)
            }
            written.append(.samples(samples))
            try writer.log([written[written.count - 1].encoded()])
            if round == 100 || round == 300 { try writer.cutSegment() }
        }
        try writer.close()
        let keep: (UInt64) -> Bool = { $0 % 3 != 0 }
        let minTime: Int64 = 50_000

        // The first checkpoint covers segment 0; the second reads it with segment 1.
        try Checkpoint.create(walDirectory: wal, throughSegment: 0, keepSeries: keep, minTime: minTime, compressesRecords: true)
        try Checkpoint.create(walDirectory: wal, throughSegment: 1, keepSeries: keep, minTime: minTime, compressesRecords: true)

        let throughSegment1 = written.prefix { record in
            guard case .samples(let samples) = record else { return true }
            return samples[0].timestamp <= 300_000
        }
        let expected: [WALRecord] = throughSegment1.compactMap { record in
            switch record {
            case .series(let series):
                let live = series.filter { keep($0.reference) }
                return live.isEmpty ? nil : .series(live)
            case .samples(let samples):
                let recent = samples.filter { $0.timestamp >= minTime && keep($0.reference) }
                return recent.isEmpty ? nil : .samples(recent)
            case .other:
                return nil
            }
        }
        #expect(expected.reduce(0) { $0 + $1.encoded().count } > 2 * Checkpoint.batchBytes)
        #expect(try FileSystem.listDirectory(wal).sorted() == ["00000002", WALFormat.checkpointName(1)])
        let checkpointed = try records(in: wal + "/" + WALFormat.checkpointName(1))
        #expect(checkpointed.count == expected.count)
        let firstDifference = checkpointed.indices.first { $0 < expected.count && checkpointed[$0] != expected[$0] }
        #expect(firstDifference == nil, "record \(firstDifference ?? -1) differs")
    }

    /// The resident part of a segment's mapping, by /proc/self/smaps: the mapping holding
    /// `address`.
    private func residentKilobytes(ofMappingAt address: UnsafeRawPointer) throws -> Int? {
        let text = String(decoding: try FileSystem.readFile("/proc/self/smaps"), as: UTF8.self)
        var inMapping = false
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let range = fields.first, range.contains("-" as Character), !range.hasSuffix(":") {
                let bounds = range.split(separator: "-").compactMap { UInt(String($0), radix: 16) }
                inMapping = bounds.count == 2 && (bounds[0]..<bounds[1]).contains(UInt(bitPattern: address))
            } else if inMapping, fields.first == "Rss:", fields.count >= 2 {
                return Int(fields[1])
            }
        }
        return nil
    }

    /// Reading a 24 MB segment, the pages already passed do not stay in the process's
    /// resident set (they would all be by the end, as mapped file pages count there).
    @Test func segmentReaderLetsGoOfPagesItHasPassed() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let writer = try WALWriter(directory: directory.path, segmentIndex: 0, compressesRecords: false)
        // One page each, so every payload is read in place from the mapping.
        let record = (0..<(WALFormat.pageSize - WALFormat.fragmentHeaderSize)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let count = 24 * 32
        for _ in 0..<count { try writer.log([record]) }
        try writer.close()

        var read = 0
        var residentAtEnd: Int?
        try WALSegmentReader.read(path: directory.path + "/" + WALFormat.segmentName(0)) { payload in
            #expect(payload.elementsEqual(record))
            read += 1
            if read == count { residentAtEnd = try residentKilobytes(ofMappingAt: payload.baseAddress!) }
        }
        #expect(read == count)
        let resident = try #require(residentAtEnd)
        #expect(resident <= 4 * 1024, "\(resident) kB of the 24 MB mapping resident at its end")
    }

    /// Compressed, a samples record goes by timestamp, then value bits, then reference; a
    /// series' own samples keep their time order. Uncompressed, it goes as given.
    @Test(arguments: [true, false]) func samplesRecordOrder(compressed: Bool) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let writer = try WALWriter(directory: directory.path, segmentIndex: 0, compressesRecords: compressed)
        var samples = (0..<400).map { (index: Int) -> WALRecord.Sample in
            let sign: Double = index % 2 == 0 ? 1 : -1
            return WALRecord.Sample(reference: UInt64(1000 + index), timestamp: 5000, value: Double(index % 7) * sign)
        }
        // Remote write: one series, several timestamps, falling values.
        for step in 0..<5 { samples.append(WALRecord.Sample(reference: 7, timestamp: 1000 * Int64(step), value: Double(100 - step))) }
        samples.append(WALRecord.Sample(reference: 3, timestamp: 5000, value: .nan))
        try writer.logSamples(samples)
        try writer.close()

        let read = try records(in: directory.path)
        guard read.count == 1, case .samples(let logged) = read[0] else {
            Issue.record("expected one samples record, read \(read)")
            return
        }
        guard compressed else {
            #expect(logged == samples)
            return
        }
        let bySeries: (WALRecord.Sample, WALRecord.Sample) -> Bool = { ($0.reference, $0.timestamp) < ($1.reference, $1.timestamp) }
        #expect(logged.sorted(by: bySeries) == samples.sorted(by: bySeries))
        for (earlier, later) in zip(logged, logged.dropFirst()) {
            #expect(WALRecord.Sample.precedesForCompression(earlier, later), "\(earlier) before \(later)")
        }
        #expect(logged.filter { $0.reference == 7 }.map(\.timestamp) == [0, 1000, 2000, 3000, 4000])
    }
}
