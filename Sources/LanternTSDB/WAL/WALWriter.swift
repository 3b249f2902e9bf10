import LanternSnappy

/// Appends records to the current WAL segment. Every `log` call hands its bytes to
/// the kernel (one write(2)), so a killed process loses nothing it logged; `sync()`
/// fsyncs, which the database does on segment cuts, checkpoints, close and on demand.
final class WALWriter {
    let directory: String
    /// Stores each record snappy-compressed where that makes it smaller, as Prometheus
    /// does with `--storage.tsdb.wal-compression`.
    let compressesRecords: Bool
    private(set) var segmentIndex: Int
    private var file: WritableFile
    /// The page being filled; bytes before `flushedInPage` are already in the file.
    private var page = [UInt8](repeating: 0, count: WALFormat.pageSize)
    private var usedInPage = 0
    private var flushedInPage = 0
    private var completedPages = 0
    private var pending: [UInt8] = []

    /// Starts a new segment after the existing ones, as Prometheus does on every open,
    /// so a repaired (truncated) tail never has to be appended to mid-page.
    init(directory: String, segmentIndex: Int, compressesRecords: Bool) throws {
        self.directory = directory
        self.compressesRecords = compressesRecords
        self.segmentIndex = segmentIndex
        try FileSystem.createDirectory(directory)
        file = try WritableFile(creating: directory + "/" + WALFormat.segmentName(segmentIndex))
        FileSystem.syncDirectory(directory)
    }

    private var pagesPerSegment: Int { WALFormat.segmentSize / WALFormat.pageSize }

    /// Writes `records` (each a complete payload) and passes them to the kernel. On a
    /// failed write (a full disk) the segment and the writer are put back as they were
    /// before the call, so the next call writes a well-formed WAL once space returns.
    func log(_ records: [[UInt8]]) throws {
        let before = (segmentIndex, page, usedInPage, flushedInPage, completedPages, file.size)
        do {
            for record in records { try append(record) }
            try writePending()
        } catch {
            pending.removeAll(keepingCapacity: true)
            if segmentIndex == before.0 {
                (page, usedInPage, flushedInPage, completedPages) = (before.1, before.2, before.3, before.4)
                file.truncate(to: before.5)
            } else {
                // A segment was cut meanwhile: go on from the new segment's start.
                (usedInPage, flushedInPage, completedPages) = (0, 0, 0)
                file.truncate(to: 0)
            }
            throw error
        }
    }

    /// Writes one samples record; compressed, its samples go in the order that compresses
    /// best (`Sample.precedesForCompression`).
    func logSamples(_ samples: [WALRecord.Sample]) throws {
        let ordered = compressesRecords ? samples.sorted(by: WALRecord.Sample.precedesForCompression) : samples
        try log([WALRecord.samples(ordered).encoded()])
    }

    private func append(_ uncompressed: [UInt8]) throws {
        var record = uncompressed
        var flag: UInt8 = 0
        if compressesRecords {
            // Snappy makes tiny records longer; those are stored as they are.
            let compressed = Snappy.compress(uncompressed)
            if compressed.count < uncompressed.count { (record, flag) = (compressed, WALFormat.snappyFlag) }
        }
        if WALFormat.pageSize - usedInPage < WALFormat.fragmentHeaderSize { finishPage() }
        // A record never spans segments: move on when it does not fit in what is left.
        let spaceLeft = (WALFormat.pageSize - usedInPage - WALFormat.fragmentHeaderSize)
            + (WALFormat.pageSize - WALFormat.fragmentHeaderSize) * (pagesPerSegment - completedPages - 1)
        if record.count > spaceLeft, completedPages > 0 || usedInPage > 0 { try cutSegment() }

        var offset = 0
        // By fragment, not by offset: with exactly a header's room left in the page the first
        // fragment is empty, and the next one (offset still 0) must not be typed first again.
        var isFirst = true
        repeat {
            if WALFormat.pageSize - usedInPage < WALFormat.fragmentHeaderSize { finishPage() }
            let length = min(record.count - offset, WALFormat.pageSize - usedInPage - WALFormat.fragmentHeaderSize)
            let isLast = offset + length == record.count
            let type: WALFormat.FragmentType = isFirst && isLast ? .full : isFirst ? .first : isLast ? .last : .middle
            let fragment = record[offset..<offset + length]
            let checksum = CRC32C.checksum(fragment)
            page[usedInPage] = type.rawValue | flag
            page[usedInPage + 1] = UInt8(length >> 8)
            page[usedInPage + 2] = UInt8(truncatingIfNeeded: length)
            for byteIndex in 0..<4 { page[usedInPage + 3 + byteIndex] = UInt8(truncatingIfNeeded: checksum >> UInt32(24 - 8 * byteIndex)) }
            page.replaceSubrange(usedInPage + 7..<usedInPage + 7 + length, with: fragment)
            usedInPage += WALFormat.fragmentHeaderSize + length
            offset += length
            isFirst = false
            if usedInPage == WALFormat.pageSize { finishPage() }
        } while offset < record.count
    }

    /// Pads the page with zeros to its end and starts the next one.
    private func finishPage() {
        for index in usedInPage..<WALFormat.pageSize { page[index] = 0 }
        pending.append(contentsOf: page[flushedInPage..<WALFormat.pageSize])
        usedInPage = 0
        flushedInPage = 0
        completedPages += 1
    }

    private func writePending() throws {
        pending.append(contentsOf: page[flushedInPage..<usedInPage])
        flushedInPage = usedInPage
        guard !pending.isEmpty else { return }
        try file.write(pending)
        pending.removeAll(keepingCapacity: true)
    }

    /// Closes the current segment (padded to a page boundary, fsynced) and opens the next.
    func cutSegment() throws {
        if usedInPage > 0 { finishPage() }
        try writePending()
        try file.sync()
        // The next segment exists before the current one is let go: a failure here (a full
        // disk) leaves the writer on a segment it can still write to.
        let next = try WritableFile(creating: directory + "/" + WALFormat.segmentName(segmentIndex + 1))
        file.close()
        file = next
        segmentIndex += 1
        FileSystem.syncDirectory(directory)
        completedPages = 0
    }

    func sync() throws { try file.sync() }

    func close() throws {
        try writePending()
        try file.sync()
        file.close()
    }
}
