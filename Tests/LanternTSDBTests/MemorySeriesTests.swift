import Testing
@testable import LanternTSDB

/// What a head series costs per series: its slot's size and its closed chunk list's
/// capacity, which stays exactly the chunks held (none when truncation took them all).
@Suite struct MemorySeriesTests {
    @Test func slotPacksTheOpenAppendersNarrowFields() {
        #expect(MemoryLayout<MemorySeries>.stride == 104)
    }

    @Test func closedChunkListHoldsNoSpareCapacity() {
        var series = MemorySeries(reference: 1, labelSetOffset: 0, labelsHash: 0)
        // One sample per 1000-wide range: each new range closes the chunk before it.
        for (index, timestamp) in [100, 1100, 2100, 3100].enumerated() {
            series.append(Int64(timestamp), Double(index), chunkRange: 1000)
            #expect(series.closedChunks.count == index)
            #expect(series.closedChunks.capacity == index)
        }
        series.truncate(before: 2000)
        #expect(series.closedChunks.map(\.minTime) == [2100])
        #expect(series.closedChunks.capacity == 1)
        series.truncate(before: 4000)
        #expect(series.closedChunks.isEmpty && series.openChunk == nil)
        #expect(series.closedChunks.capacity == 0)
        #expect(series.lastSample?.timestamp == 3100)
    }

    @Test func closedChunkKeepsNoneOfTheAppendersSpareBuffer() {
        var series = MemorySeries(reference: 1, labelSetOffset: 0, labelsHash: 0)
        var value = 1.0
        for index in 0..<MemorySeries.samplesPerChunk {
            // Irregular values: ~8 bytes a sample, so the open buffer grows by a quarter many times.
            value = value * 1.618 + Double(index % 7)
            series.append(Int64(index) * 15_000, value, chunkRange: 7_200_000)
        }
        let open = series.openChunk!.bytes
        series.append(Int64(MemorySeries.samplesPerChunk) * 15_000, 0, chunkRange: 7_200_000)
        let closed = series.closedChunks[0].bytes
        #expect(closed == open)
        // The precondition that makes the check mean something, then the check (malloc
        // rounds a buffer up by less than 16 bytes).
        #expect(open.capacity - open.count >= 16)
        #expect(closed.capacity - closed.count < 16)
    }

    /// A block write takes the chunks inside its range; when that is the whole closed list
    /// (the usual head cut), the list itself, not a new array per series.
    @Test func chunksWithinARangeShareTheClosedList() {
        var series = MemorySeries(reference: 1, labelSetOffset: 0, labelsHash: 0)
        for timestamp in [100, 200, 1100, 1200] { series.append(Int64(timestamp), 1, chunkRange: 1000) }
        let whole = series.chunks(within: 0..<1000)
        #expect(whole.map(\.minTime) == [100])
        let shared = whole.withUnsafeBufferPointer { $0.baseAddress } == series.closedChunks.withUnsafeBufferPointer { $0.baseAddress }
        #expect(shared)
        // The open chunk lies inside only a range that contains it; nothing lies inside a
        // range that cuts a chunk.
        #expect(series.chunks(within: 1000..<2000).map(\.minTime) == [1100])
        #expect(series.chunks(within: 0..<2000).map(\.maxTime) == [200, 1200])
        #expect(series.chunks(within: 150..<1000).isEmpty)
    }
}
