#if canImport(Glibc)
import Glibc

/// Unmaps the code and read-only data pages that only start-up touched, so that the
/// resident set after start-up is what serving scrapes uses. Both programs use it: the
/// exporter after start-up and its first scrapes, the server after start-up and after
/// each maintenance pass (which runs code nothing else does: block writing, compaction).
///
/// Why: the executable and its libraries are file-backed. Start-up (dynamic linking,
/// flag parsing, building ~50 collectors, compiling their filters, TLS and web config)
/// touches code and data all over them, and the kernel maps up to 16 neighbouring pages
/// on every fault, so without this most of the binary stays resident for the life of
/// the process. `MADV_DONTNEED` on a private, never-written file mapping only drops the
/// page-table entries: the pages stay in the page cache, and the next access faults the
/// same bytes back in. Writable segments (data, relocated RELRO, BSS) hold the process's
/// state and are never touched.
public enum StartupPages {
    /// One program header of a loaded object, as `dl_iterate_phdr` reports it.
    struct Segment: Equatable {
        var type: UInt32
        var flags: UInt32
        var virtualAddress: UInt
        var memorySize: UInt
    }

    /// What was released: loaded objects visited and bytes of address space advised.
    public struct Released: Equatable, Sendable {
        public var objects = 0
        public var bytes = 0
    }

    /// The address ranges of an object's read-only loadable segments, widened to whole
    /// pages, at `loadBias`. Empty when the object has text relocations (its read-only
    /// segments then hold pages the dynamic linker wrote, which must not be dropped).
    static func releasableRanges(_ segments: [Segment], loadBias: UInt, pageSize: UInt,
                                 hasTextRelocations: Bool) -> [Range<UInt>] {
        guard !hasTextRelocations, pageSize > 0 else { return [] }
        var ranges: [Range<UInt>] = []
        for segment in segments where segment.type == UInt32(PT_LOAD) && segment.flags & UInt32(PF_W) == 0 && segment.memorySize > 0 {
            let start = (loadBias &+ segment.virtualAddress) / pageSize * pageSize
            let end = (loadBias &+ segment.virtualAddress &+ segment.memorySize &+ pageSize &- 1) / pageSize * pageSize
            ranges.append(start..<end)
        }
        return ranges
    }

    /// Whether the dynamic section (`DT_TEXTREL`, or `DF_TEXTREL` in `DT_FLAGS`) asks for
    /// relocations inside read-only segments.
    static func hasTextRelocations(_ dynamic: UnsafePointer<Elf64_Dyn>?) -> Bool {
        guard var entry = dynamic else { return false }
        while entry.pointee.d_tag != Int64(DT_NULL) {
            if entry.pointee.d_tag == Int64(DT_TEXTREL) { return true }
            if entry.pointee.d_tag == Int64(DT_FLAGS) && entry.pointee.d_un.d_val & UInt64(DF_TEXTREL) != 0 { return true }
            entry += 1
        }
        return false
    }

    /// Advises `MADV_DONTNEED` on the read-only segments of the executable and every loaded
    /// library (not the kernel's vDSO). Call once start-up is done.
    @discardableResult
    public static func release() -> Released {
        let visit = ReleaseVisit(pageSize: UInt(sysconf(Int32(_SC_PAGESIZE))))
        withExtendedLifetime(visit) {
            _ = iterateLoadedObjects(releaseLoadedObject, Unmanaged.passUnretained(visit).toOpaque())
        }
        return visit.released
    }
}

/// The state `dl_iterate_phdr` hands to each call of `releaseLoadedObject`.
private final class ReleaseVisit {
    let pageSize: UInt
    var released = StartupPages.Released()

    init(pageSize: UInt) { self.pageSize = pageSize }
}

/// `dl_iterate_phdr`'s callback: releases one loaded object's read-only segments.
private func releaseLoadedObject(_ info: UnsafeRawPointer?, _ size: Int, _ context: UnsafeMutableRawPointer?) -> Int32 {
    guard let info, let context else { return 0 }
    let visit = Unmanaged<ReleaseVisit>.fromOpaque(context).takeUnretainedValue()
    // struct dl_phdr_info (<link.h>, not in the Glibc module): dlpi_addr, dlpi_name,
    // dlpi_phdr, dlpi_phnum at these offsets on every 64-bit Linux.
    let loadBias = info.load(as: UInt.self)
    let name = info.load(fromByteOffset: 8, as: UnsafePointer<CChar>?.self).map { String(cString: $0) } ?? ""
    guard !name.hasPrefix("linux-vdso"), !name.hasPrefix("linux-gate"),
          let headers = info.load(fromByteOffset: 16, as: UnsafePointer<Elf64_Phdr>?.self) else { return 0 }
    let count = Int(info.load(fromByteOffset: 24, as: UInt16.self))
    var segments: [StartupPages.Segment] = []
    var dynamic: UnsafePointer<Elf64_Dyn>?
    for header in UnsafeBufferPointer(start: headers, count: count) {
        segments.append(StartupPages.Segment(
            type: header.p_type, flags: header.p_flags, virtualAddress: UInt(header.p_vaddr), memorySize: UInt(header.p_memsz)))
        if header.p_type == UInt32(PT_DYNAMIC) {
            dynamic = UnsafePointer(bitPattern: loadBias &+ UInt(header.p_vaddr))
        }
    }
    let ranges = StartupPages.releasableRanges(
        segments, loadBias: loadBias, pageSize: visit.pageSize, hasTextRelocations: StartupPages.hasTextRelocations(dynamic))
    for range in ranges
    where madvise(UnsafeMutableRawPointer(bitPattern: range.lowerBound), Int(range.upperBound - range.lowerBound), MADV_DONTNEED) == 0 {
        visit.released.bytes += Int(range.upperBound - range.lowerBound)
    }
    visit.released.objects += 1
    return 0
}

/// glibc's `int dl_iterate_phdr(int (*)(struct dl_phdr_info *, size_t, void *), void *)`,
/// declared in <link.h>, which the Glibc module does not include.
@_silgen_name("dl_iterate_phdr")
private func iterateLoadedObjects(
    _ callback: @convention(c) (UnsafeRawPointer?, Int, UnsafeMutableRawPointer?) -> Int32,
    _ context: UnsafeMutableRawPointer?) -> Int32
#endif
