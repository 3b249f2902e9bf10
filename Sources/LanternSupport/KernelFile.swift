import CDirectoryEntries
import Glibc

/// A kernel file that could not be read or whose content made no sense, with the
/// path it came from so that the scrape error says where to look.
public struct KernelFileError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    /// The errno of the failed system call; nil when the file was read but not understood.
    public let errno: Int32?

    public init(path: String, reason: String, errno: Int32? = nil) {
        self.path = path
        self.reason = reason
        self.errno = errno
    }

    /// The file or directory does not exist: for most collectors, hardware or a kernel
    /// feature that is absent, not a failure.
    public var isNotFound: Bool { errno == ENOENT }
    public var description: String { "\(path): \(reason)" }
}

/// Reading of small procfs/sysfs files and directories with plain system calls (no
/// Foundation): one open, reads until end of file, one close.
public enum KernelFile {
    /// The whole content of a small file. Kernel files report a size of 0 or 4096 whatever
    /// they hold, so this reads until end of file instead of trusting stat(2).
    public static func read(_ path: String) throws(KernelFileError) -> String {
        // `withCString` lends a native string's own bytes; the implicit conversion to a C
        // pointer copied the path into a new array first (~300 instructions a call).
        let descriptor = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else { throw systemCallError(path, "open") }
        defer { close(descriptor) }

        guard let content = readToEnd(descriptor) else { throw systemCallError(path, "read") }
        return content
    }

    /// The rest of an open file, read until end of file; nil when a read fails (errno
    /// then says why). For callers that open files relative to a directory.
    public static func readToEnd(_ descriptor: Int32) -> String? {
        // Most kernel files fit one page: read into uninitialized stack memory (zeroing
        // and copying a heap chunk per file was a visible share of a scrape), and only
        // collect chunks in an array when the file is longer.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: chunkSize) { chunk -> String? in
            guard var filled = readChunk(descriptor, into: chunk) else { return nil }
            if filled < chunk.count {
                // Not full: the next read usually reports end of file.
                guard let more = readChunk(descriptor, into: UnsafeMutableBufferPointer(rebasing: chunk[filled...])) else { return nil }
                if more == 0 { return String(decoding: UnsafeBufferPointer(rebasing: chunk[..<filled]), as: UTF8.self) }
                filled += more
            }
            var content = Array(UnsafeBufferPointer(rebasing: chunk[..<filled]))
            while true {
                guard let count = readChunk(descriptor, into: chunk) else { return nil }
                if count == 0 { break }
                content.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[..<count]))
            }
            return String(decoding: content, as: UTF8.self)
        }
    }

    private static let chunkSize = 4096

    /// One read(2), retried on EINTR: the byte count, 0 at end of file, nil on failure.
    private static func readChunk(_ descriptor: Int32, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if Glibc.errno != EINTR { return nil }
        }
    }

    /// Names in a directory (without `.` and `..`), sorted byte-wise like Go's
    /// `filepath.Glob` returns them.
    public static func entries(of path: String) throws(KernelFileError) -> [String] {
        var names: [String] = []
        try forEachEntry(of: path) { name, _ in names.append(String(decoding: name, as: UTF8.self)) }
        return names.sorted { $0.utf8Precedes($1) }
    }

    /// `entries(of:)` with the type getdents(2) reports for each: `DT_DIR`, `DT_LNK`,
    /// `DT_REG`, ... or `DT_UNKNOWN` where the filesystem does not say. The type of the
    /// entry itself (a link is `DT_LNK`, whatever it points to), known without a stat(2).
    public static func typedEntries(of path: String) throws(KernelFileError) -> [(name: String, type: UInt8)] {
        var entries: [(name: String, type: UInt8)] = []
        try forEachEntry(of: path) { name, type in entries.append((String(decoding: name, as: UTF8.self), type)) }
        return entries.sorted { $0.name.utf8Precedes($1.name) }
    }

    /// How many entries a directory has (without `.` and `..`), such as open file
    /// descriptors in `/proc/self/fd`; no names are built.
    public static func countEntries(of path: String) throws(KernelFileError) -> Int {
        var count = 0
        try forEachEntry(of: path) { _, _ in count += 1 }
        return count
    }

    /// Calls `body` with the name bytes and type of each entry but `.` and `..`, in the
    /// kernel's order. getdents(2) on a descriptor opened with O_DIRECTORY, into a stack
    /// buffer: opendir(3) also made an fstat(2) and a 32 KiB heap buffer a directory (11
    /// directories a scrape). Failures to open are named "opendir", with its errno, as before.
    private static func forEachEntry(
        of path: String, _ body: (UnsafeBufferPointer<UInt8>, UInt8) -> Void
    ) throws(KernelFileError) {
        let descriptor = path.withCString { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard descriptor >= 0 else { throw systemCallError(path, "opendir") }
        defer { close(descriptor) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: directoryBufferSize) { buffer in
            while true {
                // A failure ends the listing with what was read, as readdir(3)'s NULL did.
                let filled = lantern_getdents64(descriptor, buffer.baseAddress, UInt(buffer.count))
                guard filled > 0 else { return }
                // struct linux_dirent64: d_ino (8 bytes), d_off (8), d_reclen (2), d_type (1),
                // then the NUL-terminated name.
                var offset = 0
                while offset < filled {
                    let record = buffer.baseAddress! + offset
                    let recordLength = Int(UnsafeRawPointer(record).loadUnaligned(fromByteOffset: 16, as: UInt16.self))
                    var nameLength = 0
                    while record[19 + nameLength] != 0 { nameLength += 1 }
                    let name = UnsafeBufferPointer(start: record + 19, count: nameLength)
                    let isDotOrDotDot = name[0] == 0x2E && (nameLength == 1 || (nameLength == 2 && name[1] == 0x2E))
                    if !isDotOrDotDot { body(name, record[18]) }
                    offset += recordLength
                }
            }
        }
    }

    /// Room for ~130 sysfs entries a getdents(2) call; larger directories take more calls.
    private static let directoryBufferSize = 4096

    /// The error for a failed `call` on `path`, from the current errno.
    public static func systemCallError(_ path: String, _ call: String) -> KernelFileError {
        let code = Glibc.errno
        let message = strerror(code).map { String(cString: $0) } ?? "errno \(code)"
        return KernelFileError(path: path, reason: "\(call): \(message)", errno: code)
    }
}
