import LanternPromQL

/// Merges adjacent blocks into larger ones, Prometheus' leveled scheme: blocks inside
/// one aligned window of a larger range (3x, 9x, ... the head range, up to the maximum
/// block duration) are merged once the window is complete or newer data exists past
/// it. Chunks are copied as they are; overlapping chunks of a series are kept side by
/// side (the querier merges them).
enum BlockCompactor {
    static func compactBlocks(of database: TSDB) throws {
        while let group = plan(database.state.withLock { state in state.blocks }, ranges: database.options.compactionRanges) {
            try merge(group, in: database)
        }
    }

    static func plan(_ blocks: [Block], ranges: [Int64]) -> (blocks: [Block], window: Range<Int64>)? {
        guard let newestStart = blocks.map(\.meta.minTime).max() else { return nil }
        for range in ranges.dropFirst() {
            var windows: [Int64: [Block]] = [:]
            for block in blocks {
                let start = floorDivide(block.meta.minTime, range) * range
                // Blocks straddling the window (already larger) are not regrouped at this level.
                guard block.meta.maxTime <= start + range else { continue }
                windows[start, default: []].append(block)
            }
            for start in windows.keys.sorted() {
                let members = windows[start]!
                guard members.count > 1 else { continue }
                let complete = members.map(\.meta.maxTime).max()! == start + range || newestStart >= start + range
                if complete { return (members.sorted { $0.meta.minTime < $1.meta.minTime }, start..<start + range) }
            }
        }
        return nil
    }

    private static func merge(_ group: (blocks: [Block], window: Range<Int64>), in database: TSDB) throws {
        let blocks = group.blocks
        var chunksByLabels: [Labels: [(block: Block, chunk: ChunkMeta)]] = [:]
        for block in blocks {
            for id in try block.index.allSeriesIDs() {
                let series = try block.index.series(id)
                chunksByLabels[series.labels, default: []] += series.chunks.map { (block, $0) }
            }
        }
        // A series whose every chunk turns out corrupt is left out, its symbols are not:
        // the table is written before the series (Prometheus' merged tables keep unused
        // symbols of their sources too).
        let symbols = IndexSymbols(chunksByLabels.keys)
        let writer = try BlockWriter(parentDirectory: database.directory, nowMilliseconds: currentMilliseconds(), symbols: symbols.symbols)
        let meta: BlockMeta
        do {
            for labels in chunksByLabels.keys.sorted() {
                var chunks: [(minTime: Int64, maxTime: Int64, data: UnsafeRawBufferPointer)] = []
                for entry in chunksByLabels[labels]!.sorted(by: { $0.chunk.minTime < $1.chunk.minTime }) {
                    do {
                        chunks.append((entry.chunk.minTime, entry.chunk.maxTime, try entry.block.chunks.chunk(entry.chunk.reference)))
                    } catch {
                        database.reportCorruptChunk(error)
                    }
                }
                try writer.add(symbols.pairs(labels), chunks: chunks)
            }
            let sources = Array(Set(blocks.flatMap(\.meta.sources))).sorted()
            meta = try writer.finish(minTime: blocks.map(\.meta.minTime).min()!, maxTime: blocks.map(\.meta.maxTime).max()!,
                                     level: blocks.map(\.meta.level).max()! + 1, sources: sources,
                                     parents: blocks.map { BlockMeta.Parent(ulid: $0.meta.ulid, minTime: $0.meta.minTime, maxTime: $0.meta.maxTime) })
        } catch {
            writer.abandon()
            throw error
        }
        let merged = try Block(directory: database.directory + "/" + meta.ulid)
        let replaced = Set(blocks.map(\.meta.ulid))
        database.state.withLock { state in
            state.blocks.removeAll { replaced.contains($0.meta.ulid) }
            state.blocks.append(merged)
            state.blocks.sort { $0.meta.minTime < $1.meta.minTime }
            state.stats.blockCompactions += 1
        }
        for block in blocks { try FileSystem.removeRecursively(block.directory) }
        database.options.log("compacted \(blocks.count) blocks into \(meta.ulid) [\(meta.minTime), \(meta.maxTime)), level \(meta.level)")
    }
}

extension TSDB {
    /// A chunk failed its checksum: it is skipped, counted and logged; the rest is served.
    func reportCorruptChunk(_ error: Error) {
        state.withLock { state in state.stats.corruptChunksSkipped += 1 }
        options.log("skipping corrupt chunk: \(error)")
    }
}
