import Glibc

/// How far a queue has delivered the WAL: every sample in records before `offset` of
/// `segment` was acknowledged by the receiver (or dropped for good). Kept in a small file
/// so a restart, or a receiver down for hours, resumes here instead of at the WAL's end.
struct WALReadPosition: Sendable, Equatable {
    var segment: Int
    var offset: Int
    /// The newest sample timestamp delivered, for resuming from a checkpoint when the
    /// segments holding `segment` were truncated away meanwhile.
    var highestSentTimestamp: Int64

    /// `segment offset highest-timestamp`, one line.
    static func load(path: String) -> WALReadPosition? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 128)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        let fields = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .split { $0 == " " || $0 == "\n" }
        guard fields.count == 3, let segment = Int(fields[0]), let offset = Int(fields[1]), let highest = Int64(fields[2]) else { return nil }
        return WALReadPosition(segment: segment, offset: offset, highestSentTimestamp: highest)
    }

    /// Writes a temporary file, fsyncs it and renames it over `path`, so a crash leaves
    /// the old position or the new one, never a torn line.
    func save(path: String) throws(PositionFileError) {
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw PositionFileError(path: temporary, errno: errno) }
        let line = Array("\(segment) \(offset) \(highestSentTimestamp)\n".utf8)
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == line.count, synced == 0, rename(temporary, path) == 0 else {
            throw PositionFileError(path: path, errno: errno)
        }
    }
}

struct PositionFileError: Error, CustomStringConvertible {
    let path: String
    let errno: Int32

    var description: String { "writing \(path): \(String(cString: strerror(errno)))" }
}
