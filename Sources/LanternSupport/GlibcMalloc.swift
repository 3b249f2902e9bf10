#if canImport(Glibc)
/// The two glibc malloc controls the binaries use, declared only in <malloc.h>, which the
/// Glibc module does not include.
public enum GlibcMalloc {
    /// Caps the number of malloc arenas. glibc gives each thread that allocates while
    /// another holds an arena an arena of its own (up to 8 per core), and memory freed in
    /// one arena is not reused by another, so many threads keep more resident than a few
    /// shared arenas do. Call it before the threads start.
    public static func limitArenas(to count: Int32) {
        _ = mallopt(mallocArenaMaximum, count)
    }

    /// Hands freed heap pages back to the kernel. glibc keeps freed pages that are not at
    /// the top of an arena resident for reuse, so a burst of allocation (a block cut, a WAL
    /// checkpoint) otherwise stays resident at its peak.
    public static func releaseFreedPages() {
        _ = mallocTrim(0)
    }
}

/// `M_ARENA_MAX`.
private let mallocArenaMaximum: Int32 = -8

@_silgen_name("mallopt")
private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32

@_silgen_name("malloc_trim")
private func mallocTrim(_ pad: Int) -> Int32
#endif
