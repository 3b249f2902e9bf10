import LanternPromQL

/// Writes one block: each series' chunks and its index entry as the series is added
/// (sorted by labels), then the rest of the index, tombstones and meta.json, all in
/// `<ulid>.tmp-for-creation`, renamed into place only when complete and fsynced, so a
/// crash never leaves a half block under a ULID name.
final class BlockWriter {
    private let parentDirectory: String
    let ulid: String
    private let temporaryDirectory: String
    private let chunkWriter: ChunkSegmentWriter
    private let indexWriter: IndexWriter
    private var seriesCount: Int64 = 0
    private var sampleCount: Int64 = 0
    private var chunkCount: Int64 = 0
    private var metas: [ChunkMeta] = []

    static let temporarySuffix = ".tmp-for-creation"

    /// `symbols`: the index's symbol table (see `IndexWriter.init`).
    init(parentDirectory: String, nowMilliseconds: Int64, symbols: [String]) throws {
        self.parentDirectory = parentDirectory
        ulid = ULID.make(milliseconds: UInt64(max(0, nowMilliseconds)))
        temporaryDirectory = parentDirectory + "/" + ulid + Self.temporarySuffix
        try FileSystem.createDirectory(temporaryDirectory)
        do {
            chunkWriter = try ChunkSegmentWriter(directory: temporaryDirectory + "/chunks")
            indexWriter = try IndexWriter(path: temporaryDirectory + "/index", symbols: symbols)
        } catch {
            try? FileSystem.removeRecursively(temporaryDirectory)
            throw error
        }
    }

    /// Adds a series (its label pairs as symbol positions) with its XOR chunks
    /// (time-ordered, each `(minTime, maxTime, data)`); a series without chunks is skipped.
    func add(_ pairs: [SymbolPair], chunks: [(minTime: Int64, maxTime: Int64, data: UnsafeRawBufferPointer)]) throws {
        guard !chunks.isEmpty else { return }
        metas.removeAll(keepingCapacity: true)
        for chunk in chunks {
            let reference = try chunkWriter.write(encoding: XORChunkAppender.encoding, data: chunk.data)
            metas.append(ChunkMeta(minTime: chunk.minTime, maxTime: chunk.maxTime, reference: reference))
            sampleCount += Int64(chunk.data.count >= 2 ? Int(chunk.data[0]) << 8 | Int(chunk.data[1]) : 0)
        }
        chunkCount += Int64(metas.count)
        seriesCount += 1
        try indexWriter.addSeries(pairs, chunks: metas)
    }

    /// Completes the block covering `[minTime, maxTime)` and returns its meta.
    func finish(minTime: Int64, maxTime: Int64, level: Int, sources: [String]? = nil, parents: [BlockMeta.Parent] = []) throws -> BlockMeta {
        try chunkWriter.close()
        try indexWriter.finish()
        try Tombstones.writeEmpty(path: temporaryDirectory + "/tombstones")
        let meta = BlockMeta(ulid: ulid, minTime: minTime, maxTime: maxTime, numSamples: sampleCount,
                             numSeries: seriesCount, numChunks: chunkCount, level: level,
                             sources: sources ?? [ulid], parents: parents)
        try FileSystem.writeFile(temporaryDirectory + "/meta.json", Array(meta.json().utf8))
        FileSystem.syncDirectory(temporaryDirectory)
        try FileSystem.rename(temporaryDirectory, parentDirectory + "/" + ulid)
        FileSystem.syncDirectory(parentDirectory)
        return meta
    }

    /// Removes the unfinished directory after a failure.
    func abandon() {
        try? chunkWriter.close()
        indexWriter.abandon()
        try? FileSystem.removeRecursively(temporaryDirectory)
    }
}
