import Glibc
import LanternSupport

/// The whole content of one textfile as it was at one instant, and its mtime.
struct TextfileSnapshot: Sendable {
    var bytes: [UInt8]
    /// Seconds since the epoch, whole seconds (node_exporter truncates to seconds).
    var modificationSeconds: Double
}

/// Reads drop-in files defensively: whatever sits in the directory (FIFO, device,
/// directory, a 1 GiB file, a file being rewritten), the read neither blocks nor
/// returns a mix of two versions of the file.
///
/// Why a snapshot is whole: the descriptor pins one inode, so a writer that replaces
/// the file by rename (the documented way to write drop-ins) cannot affect the bytes
/// read; the path is checked again afterwards only to serve the newest version. A
/// writer that rewrites the file in place changes its size or its mtime/ctime, which
/// fstat(2) before and after the read detects; the read is then retried. What no
/// reader can detect is an in-place write of the same size within one timestamp tick
/// of the filesystem (a few milliseconds): such writers must use rename.
struct TextfileReader: Sendable {
    /// Files larger than this are refused unread; 0 or less means no limit.
    var maxBytes: Int
    /// Reads after which the file is given up as still changing.
    static let attempts = 3

    /// Test seam: runs just before the file is opened and after each read, on the
    /// collecting thread, so that a test can delete or rewrite a real file at that moment.
    var beforeOpening: (@Sendable (String) -> Void)?
    var afterReading: (@Sendable (String) -> Void)?

    func read(_ path: String, label: String) throws(TextfileReadError) -> TextfileSnapshot {
        for _ in 0..<Self.attempts {
            beforeOpening?(path)
            // O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever.
            let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
            guard descriptor >= 0 else { throw failure("failed to open textfile data file", label, errno) }
            defer { close(descriptor) }

            let before = try status(descriptor, label)
            guard (before.st_mode & S_IFMT) == S_IFREG else {
                throw TextfileReadError(description: "textfile \(goQuote(label)) is a \(Self.kind(of: before.st_mode)), not a regular file")
            }
            try checkSize(Int(before.st_size), label)
            let bytes = try readAll(descriptor, label)
            afterReading?(path)
            let after = try status(descriptor, label)
            var current = stat()
            let pathStillNamesIt = stat(path, &current) == 0 && current.st_ino == after.st_ino && current.st_dev == after.st_dev
            if Self.sameVersion(before, after) && bytes.count == Int(after.st_size) && pathStillNamesIt {
                return TextfileSnapshot(bytes: bytes, modificationSeconds: Double(after.st_mtim.tv_sec))
            }
        }
        throw TextfileReadError(description: "textfile \(goQuote(label)) changed while being read \(Self.attempts) times, skipping it")
    }

    private func checkSize(_ size: Int, _ label: String) throws(TextfileReadError) {
        guard maxBytes > 0, size > maxBytes else { return }
        throw TextfileReadError(
            description: "textfile \(goQuote(label)) is \(size) bytes, larger than the limit of \(maxBytes) (--collector.textfile.max-file-bytes)")
    }

    /// Reads from offset 0 to end of file, never more than the limit plus one byte.
    private func readAll(_ descriptor: Int32, _ label: String) throws(TextfileReadError) -> [UInt8] {
        var content: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(content.count)) }
            if count > 0 {
                content.append(contentsOf: chunk[0..<count])
                try checkSize(content.count, label)
            } else if count == 0 {
                return content
            } else if errno != EINTR {
                throw failure("failed to read textfile data from", label, errno)
            }
        }
    }

    private func status(_ descriptor: Int32, _ label: String) throws(TextfileReadError) -> stat {
        var result = stat()
        guard fstat(descriptor, &result) == 0 else { throw failure("failed to stat", label, errno) }
        return result
    }

    /// Same size, mtime and ctime to the nanosecond: no write landed in between.
    private static func sameVersion(_ a: stat, _ b: stat) -> Bool {
        a.st_ino == b.st_ino && a.st_size == b.st_size
            && a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec
            && a.st_ctim.tv_sec == b.st_ctim.tv_sec && a.st_ctim.tv_nsec == b.st_ctim.tv_nsec
    }

    static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "directory"
        case S_IFIFO: "FIFO"
        case S_IFSOCK: "socket"
        case S_IFCHR: "character device"
        case S_IFBLK: "block device"
        default: "special file"
        }
    }

    private func failure(_ what: String, _ label: String, _ code: Int32) -> TextfileReadError {
        let reason = strerror(code).map { String(cString: $0) } ?? "errno \(code)"
        return TextfileReadError(description: "\(what) \(goQuote(label)): \(reason)")
    }
}
