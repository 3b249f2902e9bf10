/// The index file on its way to disk: bytes gather in a 1 MiB buffer that is written out
/// whenever it fills, and a section's CRC-32C runs across those writes, so no section
/// (symbols, postings, the postings table: megabytes each for 100 k series) is ever whole
/// in memory.
struct IndexFileOutput {
    private let file: WritableFile
    private(set) var buffer = ByteEncoder(capacity: Self.bufferSize)
    /// Where the checksummed span starts in `buffer`, nil outside one.
    private var checksumStart: Int?
    private var register = CRC32C.start

    private static let bufferSize = 1 << 20

    init(path: String) throws { file = try WritableFile(creating: path) }

    /// Bytes written so far, buffered ones included: the next byte's offset in the file.
    var offset: Int { Int(file.size) + buffer.count }

    mutating func put(_ body: (inout ByteEncoder) -> Void) throws {
        body(&buffer)
        if buffer.count >= Self.bufferSize { try flush() }
    }

    /// Starts the span the next `putChecksum` covers.
    mutating func beginChecksum() {
        checksumStart = buffer.count
        register = CRC32C.start
    }

    /// Appends the CRC-32C of everything put since `beginChecksum`.
    mutating func putChecksum() throws {
        foldChecksum()
        checksumStart = nil
        let crc = CRC32C.finish(register)
        try put { $0.putBE32(crc) }
    }

    /// Zero bytes up to the next multiple of `alignment` of the file offset.
    mutating func pad(to alignment: Int) throws {
        let remainder = offset % alignment
        if remainder != 0 { try put { $0.putBytes(repeatElement(0, count: alignment - remainder)) } }
    }

    /// Writes what is buffered, fsyncs and closes the file.
    mutating func close() throws {
        try flush()
        try file.sync()
        file.close()
    }

    /// Closes without syncing, after a failure.
    func abandon() { file.close() }

    private mutating func flush() throws {
        foldChecksum()
        try file.write(buffer.bytes)
        buffer.bytes.removeAll(keepingCapacity: true)
        if checksumStart != nil { checksumStart = 0 }
    }

    private mutating func foldChecksum() {
        guard let start = checksumStart else { return }
        register = buffer.bytes.withUnsafeBytes { CRC32C.update(register, UnsafeRawBufferPointer(rebasing: $0[start...])) }
        checksumStart = buffer.count
    }
}
