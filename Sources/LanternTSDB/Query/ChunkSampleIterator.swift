import LanternPromQL

/// Chunk bytes an iterator can read: a copy of a head chunk (owned), or a chunk in
/// an mmap'ed block (the block is retained for as long as the bytes are read).
final class ChunkBytes {
    let bytes: UnsafeRawBufferPointer
    private let owned: UnsafeMutableRawBufferPointer?
    private let block: Block?

    init(copying source: [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, source.count), alignment: 1)
        buffer.copyBytes(from: source)
        owned = buffer
        bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<source.count])
        block = nil
    }

    init(block: Block, bytes: UnsafeRawBufferPointer) {
        self.block = block
        self.bytes = bytes
        owned = nil
    }

    deinit { owned?.deallocate() }
}

/// One stored chunk of a selected series, read lazily: a head chunk (copied when read,
/// the head goes on appending) or a chunk in a block's segment files.
struct ChunkSource {
    enum Location {
        case head([UInt8])
        case block(Block, reference: UInt64)
    }

    var minTime: Int64
    var maxTime: Int64
    var location: Location

    func load() throws -> ChunkBytes {
        switch location {
        case .head(let bytes): return ChunkBytes(copying: bytes)
        case .block(let block, let reference): return ChunkBytes(block: block, bytes: try block.chunks.chunk(reference))
        }
    }
}

/// Samples of one series across its chunks (head and blocks), restricted to
/// `[minTime, maxTime]`. Non-overlapping chunks stream one after the other; a run of
/// overlapping chunks (a block and the head, or blocks not yet compacted) is decoded
/// and merged, keeping the first sample of each timestamp.
struct ChunkSampleIterator: SampleIterator {
    private var remaining: ArraySlice<ChunkSource>
    private let minTime: Int64
    private let maxTime: Int64
    private let reportCorruption: (Error) -> Void
    /// The chunk being streamed: its bytes are kept alive by `streamingChunk` while
    /// `streaming` (no references, so advanced in place without retain/release per sample)
    /// decodes them.
    private var streamingChunk: ChunkBytes?
    private var streaming: XORChunkIterator?
    private var merged: [Point] = []
    private var mergedIndex = 0
    private(set) var current = Point(0, 0)

    init(chunks: [ChunkSource], minTime: Int64, maxTime: Int64, reportCorruption: @escaping (Error) -> Void) {
        // Head and blocks each list a series' chunks in time order, and the querier merges
        // them in time order: sorted here only if a source did not.
        let ordered = zip(chunks, chunks.dropFirst()).allSatisfy { $0.minTime <= $1.minTime }
        remaining = (ordered ? chunks : chunks.sorted { $0.minTime < $1.minTime })[...]
        self.minTime = minTime
        self.maxTime = maxTime
        self.reportCorruption = reportCorruption
    }

    mutating func next() throws -> Bool {
        while true {
            if streaming != nil {
                let advanced: Bool
                do {
                    advanced = try streaming!.next()
                } catch {
                    reportCorruption(error)
                    advanced = false
                }
                if advanced {
                    let point = Point(streaming!.timestamp, streaming!.value)
                    if point.timestamp > maxTime { return finish() }
                    if point.timestamp >= minTime, point.timestamp > current.timestamp || isFirst {
                        return emit(point)
                    }
                    continue
                }
                streaming = nil
                streamingChunk = nil
            }
            if mergedIndex < merged.count {
                let point = merged[mergedIndex]
                mergedIndex += 1
                if point.timestamp > maxTime { return finish() }
                if point.timestamp >= minTime, point.timestamp > current.timestamp || isFirst { return emit(point) }
                continue
            }
            guard let first = remaining.popFirst() else { return false }
            if let next = remaining.first, next.minTime <= first.maxTime {
                var run = [first]
                var runEnd = first.maxTime
                while let next = remaining.first, next.minTime <= runEnd {
                    run.append(remaining.removeFirst())
                    runEnd = max(runEnd, next.maxTime)
                }
                merged = mergeRun(run)
                mergedIndex = 0
            } else {
                // Alone in time (most chunks): streamed, no run array.
                guard let chunk = load(first) else { continue }
                do {
                    streaming = try XORChunkIterator(chunk.bytes)
                    streamingChunk = chunk
                } catch {
                    reportCorruption(error)
                }
            }
        }
    }

    private var isFirst: Bool { !started }
    private var started = false

    private mutating func emit(_ point: Point) -> Bool {
        current = point
        started = true
        return true
    }

    private mutating func finish() -> Bool {
        remaining = []
        streaming = nil
        streamingChunk = nil
        merged = []
        return false
    }

    private func load(_ source: ChunkSource) -> ChunkBytes? {
        do {
            return try source.load()
        } catch {
            reportCorruption(error)
            return nil
        }
    }

    private func mergeRun(_ run: [ChunkSource]) -> [Point] {
        var points: [Point] = []
        for source in run {
            guard let chunk = load(source) else { continue }
            do {
                var iterator = try XORChunkIterator(chunk.bytes)
                while try iterator.next() { points.append(Point(iterator.timestamp, iterator.value)) }
            } catch {
                reportCorruption(error)
            }
        }
        // Stable: for equal timestamps the earlier source (older data) wins.
        let ordered = points.enumerated().sorted { ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset) }
        var result: [Point] = []
        for (_, point) in ordered where result.last?.timestamp != point.timestamp { result.append(point) }
        return result
    }

    mutating func seek(to timestamp: Int64) throws -> Bool {
        if started, current.timestamp >= timestamp { return true }
        // Skip whole chunks that end before the target without decoding them.
        if streaming == nil, mergedIndex >= merged.count {
            while let next = remaining.first, next.maxTime < timestamp { remaining.removeFirst() }
        }
        while try next() {
            if current.timestamp >= timestamp { return true }
        }
        return false
    }
}
