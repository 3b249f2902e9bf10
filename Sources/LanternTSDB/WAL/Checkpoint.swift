/// Truncates the WAL once the head no longer needs its oldest segments: the series
/// still in the head and the samples not yet in a block, read from the previous
/// checkpoint and the closed segments, go to `checkpoint.<last segment>`; then those
/// segments and older checkpoints are deleted (Prometheus' wlog checkpoint scheme). The
/// checkpoint's records are compressed as the WAL's are.
enum Checkpoint {
    static func create(
        walDirectory: String, throughSegment last: Int, keepSeries: (UInt64) -> Bool, minTime: Int64, compressesRecords: Bool
    ) throws {
        let segments = try WALFormat.segmentIndexes(in: walDirectory).filter { $0 <= last }
        let previous = try WALFormat.latestCheckpoint(in: walDirectory)
        guard !segments.isEmpty else { return }

        var sources: [(path: String, index: Int)] = []
        if let previous {
            sources += try WALFormat.segmentIndexes(in: previous.path).map { (previous.path + "/" + WALFormat.segmentName($0), $0) }
        }
        sources += segments.map { (walDirectory + "/" + WALFormat.segmentName($0), $0) }

        let temporary = walDirectory + "/" + WALFormat.checkpointName(last) + ".tmp"
        try? FileSystem.removeRecursively(temporary)
        let writer = try WALWriter(directory: temporary, segmentIndex: 0, compressesRecords: compressesRecords)
        for source in sources {
            var kept: [[UInt8]] = []
            // A damaged segment was already cut back at open; nothing after damage is kept.
            try? WALSegmentReader.read(path: source.path) { payload in
                switch try WALRecord(decoding: payload) {
                case .series(let series):
                    let live = series.filter { keepSeries($0.reference) }
                    if !live.isEmpty { kept.append(WALRecord.series(live).encoded()) }
                case .samples(let samples):
                    let recent = samples.filter { $0.timestamp >= minTime && keepSeries($0.reference) }
                    if !recent.isEmpty { kept.append(WALRecord.samples(recent).encoded()) }
                case .other:
                    break
                }
            }
            try writer.log(kept)
        }
        try writer.close()
        try FileSystem.rename(temporary, walDirectory + "/" + WALFormat.checkpointName(last))
        FileSystem.syncDirectory(walDirectory)

        for index in segments { try FileSystem.removeRecursively(walDirectory + "/" + WALFormat.segmentName(index)) }
        for name in try FileSystem.listDirectory(walDirectory) where name.hasPrefix("checkpoint.") {
            if let index = Int(name.dropFirst(11)), index < last { try FileSystem.removeRecursively(walDirectory + "/" + name) }
        }
    }
}
