import Glibc

/// A chunk as stored in a block: its time span, encoded bytes and, once written, the
/// reference Prometheus uses (segment sequence << 32 | offset in the segment file).
struct ChunkMeta: Sendable {
    var minTime: Int64
    var maxTime: Int64
    var reference: UInt64 = 0
}

/// The `chunks/` directory of a block: files 000001, 000002, ... each with an 8-byte
/// header (magic 0x85BD40DD, version 1, 3 zero bytes) then chunks as
/// `uvarint(len) | encoding | data | CRC-32C(encoding|data)`, cut at 512 MiB.
enum ChunkSegmentFormat {
    static let magic: UInt32 = 0x85BD_40DD
    static let headerSize = 8
    static let maxSegmentSize = 512 * 1024 * 1024

    static func fileName(sequence: Int) -> String {
        let digits = String(sequence + 1)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}

final class ChunkSegmentWriter {
    private let directory: String
    private var file: WritableFile?
    private var sequence = -1
    private var buffer = ByteEncoder(capacity: 1 << 20)

    init(directory: String) throws {
        self.directory = directory
        try FileSystem.createDirectory(directory)
    }

    /// Appends one chunk and returns its reference.
    func write(encoding: UInt8, data: some Collection<UInt8>) throws -> UInt64 {
        let entrySize = 10 + 1 + data.count + 4
        if file == nil || Int(file!.size) + buffer.count + entrySize > ChunkSegmentFormat.maxSegmentSize {
            try cutSegment()
        }
        let offset = Int(file!.size) + buffer.count
        buffer.putUvarint(UInt64(data.count))
        let checksummed = buffer.count
        buffer.putByte(encoding)
        buffer.putBytes(data)
        buffer.putChecksum(from: checksummed)
        if buffer.count >= 1 << 20 { try flush() }
        return UInt64(sequence) << 32 | UInt64(offset)
    }

    private func cutSegment() throws {
        try finishSegment()
        sequence += 1
        file = try WritableFile(creating: directory + "/" + ChunkSegmentFormat.fileName(sequence: sequence))
        buffer.putBE32(ChunkSegmentFormat.magic)
        buffer.putBytes([1, 0, 0, 0])
    }

    private func flush() throws {
        try file?.write(buffer.bytes)
        buffer.bytes.removeAll(keepingCapacity: true)
    }

    private func finishSegment() throws {
        guard let file else { return }
        try flush()
        try file.sync()
        file.close()
    }

    func close() throws {
        try finishSegment()
        file = nil
        FileSystem.syncDirectory(directory)
    }
}

/// Reads chunks of a block's `chunks/` directory through mmap, verifying checksums.
final class ChunkSegmentReader: Sendable {
    private let segments: [MappedFile]

    init(directory: String) throws {
        let names = try FileSystem.listDirectory(directory).filter { $0.utf8.count == 6 && $0.allSatisfy(\.isNumber) }
        segments = try names.map { try MappedFile(path: directory + "/" + $0) }
        for segment in segments {
            guard segment.bytes.count >= ChunkSegmentFormat.headerSize,
                  try segment.bytes.readBE32(at: 0) == ChunkSegmentFormat.magic else {
                throw FormatError("\(segment.path): not a chunk segment (bad magic)")
            }
        }
    }

    /// The XOR data of one chunk, in place. Throws on a bad reference or checksum, so a
    /// flipped byte costs that chunk, never a crash.
    func chunk(_ reference: UInt64) throws -> UnsafeRawBufferPointer {
        let sequence = Int(reference >> 32), offset = Int(reference & 0xFFFF_FFFF)
        guard sequence < segments.count else { throw FormatError("chunk reference \(reference) names a missing segment") }
        let segment = segments[sequence]
        var decoder = ByteDecoder(segment.bytes, offset: offset)
        let length = Int(try decoder.uvarint())
        let encodingOffset = decoder.offset
        let encoding = try decoder.byte()
        let data = try decoder.bytes(length)
        let stored = try decoder.be32()
        guard encoding == XORChunkAppender.encoding else { throw FormatError("\(segment.path): chunk encoding \(encoding) unsupported") }
        guard CRC32C.checksum(try segment.bytes.slice(encodingOffset..<encodingOffset + 1 + length)) == stored else {
            throw FormatError("\(segment.path): checksum mismatch in chunk at offset \(offset)")
        }
        return data
    }
}
