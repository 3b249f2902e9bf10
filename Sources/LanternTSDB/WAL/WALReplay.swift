import Glibc
import LanternPromQL

/// Rebuilds the head from the newest checkpoint and the segments after it. A torn or
/// corrupt record ends the replay: its segment is cut back to the last good record,
/// later segments are deleted, one line is logged, and the database opens.
enum WALReplay {
    /// Returns the index of the segment the writer should start.
    static func replay(directory: String, into head: inout Head, stats: inout TSDBStats, log: (String) -> Void) throws -> Int {
        var referenceMap: [UInt64: UInt64] = [:]
        func apply(_ payload: UnsafeRawBufferPointer) throws {
            switch try WALRecord(decoding: payload) {
            case .series(let series):
                for entry in series {
                    referenceMap[entry.reference] = head.getOrCreate(entry.labels, reference: entry.reference).reference
                }
            case .samples(let samples):
                for sample in samples {
                    // Samples of series never logged (lost with a truncated tail) are dropped.
                    guard let reference = referenceMap[sample.reference],
                          (try? head.checkAppendable(reference, sample.timestamp, sample.value)) == true else { continue }
                    head.append(reference, sample.timestamp, sample.value)
                }
            case .other:
                break
            }
            stats.walRecordsReplayed += 1
        }

        var firstSegment = 0
        if let checkpoint = try WALFormat.latestCheckpoint(in: directory) {
            firstSegment = checkpoint.index + 1
            for index in try WALFormat.segmentIndexes(in: checkpoint.path) {
                do {
                    try WALSegmentReader.read(path: checkpoint.path + "/" + WALFormat.segmentName(index), apply)
                } catch let corruption as WALCorruption {
                    // Checkpoints are fsynced before being renamed into place, so this is real damage.
                    stats.walCorruptionsRepaired += 1
                    log("WAL checkpoint corrupt, its remaining records are lost: \(corruption)")
                    break
                }
            }
        }
        let segments = try WALFormat.segmentIndexes(in: directory).filter { $0 >= firstSegment }
        for (position, index) in segments.enumerated() {
            let path = directory + "/" + WALFormat.segmentName(index)
            do {
                try WALSegmentReader.read(path: path, apply)
            } catch let corruption as WALCorruption {
                let later = segments[(position + 1)...].map { directory + "/" + WALFormat.segmentName($0) }
                let droppedBytes = FileSystem.size(path) - Int64(corruption.offset) + later.reduce(0) { $0 + FileSystem.size($1) }
                try repair(corruption, laterSegments: later)
                stats.walCorruptionsRepaired += 1
                log("WAL truncated at last good record: \(corruption); \(droppedBytes) bytes dropped, \(later.count) later segment(s) removed")
                return index + 1
            }
        }
        return (segments.last ?? (firstSegment - 1)) + 1
    }

    private static func repair(_ corruption: WALCorruption, laterSegments: [String]) throws {
        if truncate(corruption.segmentPath, corruption.offset) != 0 {
            throw SystemError("truncate", corruption.segmentPath)
        }
        for path in laterSegments { try FileSystem.removeRecursively(path) }
    }
}
