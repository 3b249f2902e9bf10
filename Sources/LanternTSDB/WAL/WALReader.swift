import LanternSnappy

/// Where a WAL stops being readable: the segment, and the offset of the first
/// fragment of the record that is torn or corrupt (everything before it is intact).
struct WALCorruption: Error, CustomStringConvertible {
    var segmentPath: String
    var offset: Int
    var reason: String

    var description: String { "\(segmentPath) at offset \(offset): \(reason)" }
}

/// Reads the records of one WAL segment in place (mmap), checking fragment framing
/// and checksums, and expanding snappy-compressed records.
enum WALSegmentReader {
    /// Snappy's own limit on a block's decoded length (a 32-bit header); the fragment
    /// checksums already vouch for that header.
    private static let maximumRecordSize = Int(UInt32.max)
    /// How far the reader gets past the pages it has read before letting them go (a
    /// record being assembled is a copy, so nothing refers to them any more).
    private static let residentStep = 1 << 20

    /// Calls `body` with each complete record's payload; throws `WALCorruption` at the
    /// first torn or damaged record, including one `body` cannot decode (`FormatError`).
    static func read(path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try read(path: path, from: 0) { record, _ in try body(record) }
    }

    /// As `read(path:_:)` from `start` (a record's first fragment, or the segment's end
    /// as an earlier read returned it); `body` also gets the offset just after the record,
    /// where a later read resumes.
    static func read(path: String, from start: Int, _ body: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
        let file = try MappedFile(path: path)
        let bytes = file.bytes
        var offset = start
        var recordStart = start
        var assembled: [UInt8] = []
        var inRecord = false
        var recordCompressed = false
        var residentFrom = start

        func corruption(_ reason: String) -> WALCorruption {
            WALCorruption(segmentPath: path, offset: inRecord ? recordStart : offset, reason: reason)
        }
        // A record whose checksum holds but whose payload does not decode is damage too.
        func deliver(_ record: UnsafeRawBufferPointer, endingAt end: Int) throws {
            guard recordCompressed else { return try decode(record, endingAt: end) }
            try expand(record).withUnsafeBytes { try decode($0, endingAt: end) }
        }
        func decode(_ record: UnsafeRawBufferPointer, endingAt end: Int) throws {
            do {
                try body(record, end)
            } catch let error as FormatError {
                throw WALCorruption(segmentPath: path, offset: recordStart, reason: "undecodable record: \(error)")
            }
        }
        func expand(_ record: UnsafeRawBufferPointer) throws(WALCorruption) -> [UInt8] {
            do {
                return try Snappy.decompress(record, maximumLength: maximumRecordSize)
            } catch {
                throw WALCorruption(segmentPath: path, offset: recordStart, reason: "undecodable compressed record: \(error)")
            }
        }

        while offset < bytes.count {
            if offset - residentFrom >= residentStep {
                file.dropResidentPages(before: offset)
                residentFrom = offset
            }
            let leftInPage = WALFormat.pageSize - offset % WALFormat.pageSize
            if leftInPage < WALFormat.fragmentHeaderSize {
                offset += leftInPage
                continue
            }
            let header = bytes[offset]
            guard let type = WALFormat.FragmentType(rawValue: header & WALFormat.fragmentTypeMask),
                  header & ~(WALFormat.fragmentTypeMask | WALFormat.snappyFlag) == 0 else {
                throw corruption("unknown fragment type \(header)")
            }
            let compressed = header & WALFormat.snappyFlag != 0
            if type == .pageTerminator {
                let pageEnd = min(bytes.count, offset + leftInPage)
                guard bytes[offset..<pageEnd].allSatisfy({ $0 == 0 }) else { throw corruption("non-zero bytes in page padding") }
                offset = pageEnd
                continue
            }
            guard offset + WALFormat.fragmentHeaderSize <= bytes.count else { throw corruption("torn fragment header") }
            let length = Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
            let dataStart = offset + WALFormat.fragmentHeaderSize
            guard length <= leftInPage - WALFormat.fragmentHeaderSize else { throw corruption("fragment crosses a page") }
            guard dataStart + length <= bytes.count else { throw corruption("torn fragment") }
            let data = UnsafeRawBufferPointer(rebasing: bytes[dataStart..<dataStart + length])
            guard CRC32C.checksum(data) == (try bytes.readBE32(at: offset + 3)) else { throw corruption("checksum mismatch") }

            switch type {
            case .full:
                guard !inRecord else { throw corruption("full fragment inside a record") }
                recordStart = offset
                recordCompressed = compressed
                try deliver(data, endingAt: dataStart + length)
            case .first:
                guard !inRecord else { throw corruption("first fragment inside a record") }
                inRecord = true
                recordStart = offset
                recordCompressed = compressed
                assembled = Array(data)
            case .middle, .last:
                guard inRecord else { throw corruption("continuation fragment without a first one") }
                // Prometheus marks every fragment of a compressed record alike.
                guard compressed == recordCompressed else { throw corruption("fragments of one record disagree on compression") }
                assembled.append(contentsOf: data)
                if type == .last {
                    inRecord = false
                    try assembled.withUnsafeBytes { try deliver($0, endingAt: dataStart + length) }
                }
            case .pageTerminator:
                break
            }
            offset = dataStart + length
        }
        if inRecord { throw corruption("record incomplete at end of segment") }
    }
}
