import Glibc

/// A read-only memory mapping of a whole file: block indexes, chunk segments and WAL
/// segments are read in place, and the kernel pages them in and out as needed.
final class MappedFile: @unchecked Sendable {
    // The mapping is immutable after init and unmapped only in deinit.
    let bytes: UnsafeRawBufferPointer
    let path: String

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("open", path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SystemError("stat", path) }
        let size = Int(info.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let address = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0)
        guard let address, address != MAP_FAILED else { throw SystemError("mmap", path) }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    /// Drops this mapping's resident pages wholly before `offset`; they are faulted in
    /// again from the page cache if read later. A reader passing once through a large file
    /// (a WAL segment being checkpointed) so keeps resident only what it has not passed
    /// yet: mapped file pages count in VmRSS as heap does.
    func dropResidentPages(before offset: Int) {
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let end = min(offset, bytes.count) / pageSize * pageSize
        guard let base = bytes.baseAddress, end > 0 else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base), end, MADV_DONTNEED)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
