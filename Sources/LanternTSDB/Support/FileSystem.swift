import Glibc

/// A failed system call, with the path and errno text.
public struct SystemError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ operation: String, _ path: String, errno code: Int32 = errno) {
        description = "\(operation) \(path): \(String(cString: strerror(code)))"
    }
}

/// The few file operations the TSDB needs, on plain paths, throwing `SystemError`.
enum FileSystem {
    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    static func createDirectory(_ path: String) throws {
        if mkdir(path, 0o777) != 0, errno != EEXIST { throw SystemError("mkdir", path) }
    }

    static func listDirectory(_ path: String) throws -> [String] {
        guard let directory = opendir(path) else { throw SystemError("opendir", path) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
            if name != ".", name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func removeRecursively(_ path: String) throws {
        if isDirectory(path) {
            for name in try listDirectory(path) { try removeRecursively(path + "/" + name) }
            if rmdir(path) != 0, errno != ENOENT { throw SystemError("rmdir", path) }
        } else if unlink(path) != 0, errno != ENOENT {
            throw SystemError("unlink", path)
        }
    }

    /// Recreates the directory tree `from` at `to`, each file a hard link to the original.
    static func hardLinkTree(_ from: String, _ to: String) throws {
        guard isDirectory(from) else {
            if link(from, to) != 0 { throw SystemError("link", to) }
            return
        }
        try createDirectory(to)
        for name in try listDirectory(from) { try hardLinkTree(from + "/" + name, to + "/" + name) }
    }

    static func rename(_ from: String, _ to: String) throws {
        if Glibc.rename(from, to) != 0 { throw SystemError("rename", from) }
    }

    static func size(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }

    /// Bytes of all regular files below `path`.
    static func treeSize(_ path: String) -> Int64 {
        guard isDirectory(path) else { return size(path) }
        return ((try? listDirectory(path)) ?? []).reduce(0) { $0 + treeSize(path + "/" + $1) }
    }

    /// Writes `bytes` to a new file and fsyncs it, so a later rename publishes complete data.
    static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        let file = try WritableFile(creating: path)
        defer { file.close() }
        try file.write(bytes)
        try file.sync()
    }

    static func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("open", path) }
        defer { Glibc.close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw SystemError("read", path)
            }
            if count == 0 { return result }
            result.append(contentsOf: buffer[0..<count])
        }
    }

    /// fsync of a directory makes renames and new entries in it durable.
    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        Glibc.close(fd)
    }
}

/// An append-only file descriptor.
final class WritableFile {
    let path: String
    private var fd: Int32
    private(set) var size: Int64

    init(creating path: String, truncate: Bool = true) throws {
        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : O_APPEND), 0o666)
        guard fd >= 0 else { throw SystemError("create", path) }
        self.path = path
        size = truncate ? 0 : FileSystem.size(path)
    }

    func write(_ bytes: some Collection<UInt8>) throws {
        let written: Void? = try bytes.withContiguousStorageIfAvailable { try write(UnsafeRawBufferPointer($0)) }
        if written == nil { try Array(bytes).withUnsafeBytes { try write($0) } }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let count = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if count < 0 {
                if errno == EINTR { continue }
                throw SystemError("write", path)
            }
            done += count
        }
        size += Int64(done)
    }

    func sync() throws {
        if fsync(fd) != 0 { throw SystemError("fsync", path) }
    }

    /// Drops whatever lies past `length` (bytes of a write that failed half-way) and
    /// continues writing there; best effort, as it runs after a failure already reported.
    func truncate(to length: Int64) {
        _ = ftruncate(fd, off_t(length))
        _ = lseek(fd, off_t(length), SEEK_SET)
        size = length
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    deinit { close() }
}
