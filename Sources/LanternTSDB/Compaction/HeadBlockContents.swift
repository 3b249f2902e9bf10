/// The head's series with chunks inside a block's range, taken in one pass under the
/// database lock and written outside it: the label store (a copy-on-write snapshot, so
/// nothing is copied unless series are created meanwhile) and, per series, where its label
/// set is and its chunks (closed chunks shared with the head, not copied).
///
/// Writing from this builds no `Labels`: series are sorted by their stored symbols and
/// handed to the writer one at a time. Selecting `Labels` and chunk lists for every
/// series, then the whole index in memory, was the server's peak (~40 MB at 100 k series).
struct HeadBlockContents {
    let labelSets: LabelSetStore
    var series: [(labelSetOffset: UInt32, chunks: [HeadChunk])]

    var isEmpty: Bool { series.isEmpty }

    /// Writes the series into a new block of `[minTime, maxTime)` under `parentDirectory`.
    consuming func write(into parentDirectory: String, minTime: Int64, maxTime: Int64) throws -> BlockMeta {
        let (symbols, positions) = labelSets.indexSymbols(of: series.lazy.map(\.labelSetOffset))
        let labelSets = labelSets
        series.sort { labelSets.precedes($0.labelSetOffset, $1.labelSetOffset, positions: positions) }
        let writer = try BlockWriter(parentDirectory: parentDirectory, nowMilliseconds: currentMilliseconds(), symbols: symbols)
        do {
            var pairs: [SymbolPair] = []
            for entry in series {
                labelSets.symbolPairs(at: entry.labelSetOffset, positions: positions, into: &pairs)
                try withUnsafeChunks(entry.chunks) { try writer.add(pairs, chunks: $0) }
            }
            return try writer.finish(minTime: minTime, maxTime: maxTime, level: 1)
        } catch {
            writer.abandon()
            throw error
        }
    }
}

/// Borrows the bytes of head chunks for the block writer.
func withUnsafeChunks<Result>(_ chunks: [HeadChunk],
                              _ body: ([(minTime: Int64, maxTime: Int64, data: UnsafeRawBufferPointer)]) throws -> Result) throws -> Result {
    var borrowed: [(minTime: Int64, maxTime: Int64, data: UnsafeRawBufferPointer)] = []
    func borrow(_ index: Int) throws -> Result {
        guard index < chunks.count else { return try body(borrowed) }
        return try chunks[index].bytes.withUnsafeBytes { bytes in
            borrowed.append((chunks[index].minTime, chunks[index].maxTime, bytes))
            return try borrow(index + 1)
        }
    }
    return try borrow(0)
}
