/// Truncates the WAL once the head no longer needs its oldest segments: the series
/// still in the head and the samples not yet in a block, read from the previous
/// checkpoint and the closed segments, go to `checkpoint.<last segment>`; then those
/// segments and older checkpoints are deleted (Prometheus' wlog checkpoint scheme). The
/// checkpoint's records are compressed as the WAL's are.
enum Checkpoint {
    /// Kept records are handed to the writer in batches of about this many bytes, as
    /// Prometheus flushes its checkpoint every 1 MB: memory stays at one batch however
    /// large the segments are (a whole segment's records held at once were the server's
    /// peak, ~100 MB per block cut).
    static let batchBytes = 1 << 20

    static func create(
        walDirectory: String, throughSegment last: Int, keepSeries: (UInt64) -> Bool, minTime: Int64, compressesRecords: Bool
    ) throws {
        let segments = try WALFormat.segmentIndexes(in: walDirectory).filter { $0 <= last }
        let previous = try WALFormat.latestCheckpoint(in: walDirectory)
        guard !segments.isEmpty else { return }

        var sources: [String] = []
        if let previous {
            sources += try WALFormat.segmentIndexes(in: previous.path).map { previous.path + "/" + WALFormat.segmentName($0) }
        }
        sources += segments.map { walDirectory + "/" + WALFormat.segmentName($0) }

        let temporary = walDirectory + "/" + WALFormat.checkpointName(last) + ".tmp"
        try? FileSystem.removeRecursively(temporary)
        let writer = try WALWriter(directory: temporary, segmentIndex: 0, compressesRecords: compressesRecords)
        var batch = RecordBatch(writer: writer)
        for source in sources {
            do {
                try WALSegmentReader.read(path: source) { payload in
                    switch try WALRecord(decoding: payload) {
                    case .series(let series):
                        let live = series.filter { keepSeries($0.reference) }
                        if !live.isEmpty { try batch.add(WALRecord.series(live).encoded()) }
                    case .samples(let samples):
                        let recent = samples.filter { $0.timestamp >= minTime && keepSeries($0.reference) }
                        if !recent.isEmpty { try batch.add(WALRecord.samples(recent).encoded()) }
                    case .other:
                        break
                    }
                }
            } catch is WALCorruption {
                // A damaged segment was already cut back at open; nothing after damage is kept.
            }
        }
        try batch.flush()
        try writer.close()
        try FileSystem.rename(temporary, walDirectory + "/" + WALFormat.checkpointName(last))
        FileSystem.syncDirectory(walDirectory)

        for index in segments { try FileSystem.removeRecursively(walDirectory + "/" + WALFormat.segmentName(index)) }
        for name in try FileSystem.listDirectory(walDirectory) where name.hasPrefix("checkpoint.") {
            if let index = Int(name.dropFirst(11)), index < last { try FileSystem.removeRecursively(walDirectory + "/" + name) }
        }
    }

    /// Kept records waiting for the writer, at most about `batchBytes` of them.
    private struct RecordBatch {
        let writer: WALWriter
        private var records: [[UInt8]] = []
        private var bytes = 0

        init(writer: WALWriter) { self.writer = writer }

        mutating func add(_ record: [UInt8]) throws {
            records.append(record)
            bytes += record.count
            if bytes >= Checkpoint.batchBytes { try flush() }
        }

        mutating func flush() throws {
            guard !records.isEmpty else { return }
            try writer.log(records)
            records.removeAll(keepingCapacity: true)
            bytes = 0
        }
    }
}
