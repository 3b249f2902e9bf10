import LanternTSDB
import Logging

/// Returns freed heap to the kernel between maintenance passes (Lantern's own, as Go's
/// background scavenger does for Prometheus). glibc keeps memory freed in the middle of
/// an arena resident until `malloc_trim`; scraping and queries free megabytes every
/// round, so resident size regrows between the trims that end each maintenance pass.
enum MemoryScavenger {
    /// Calls `releaseFreedMemory()` every `interval` nanoseconds until cancelled; nil
    /// (nothing runs) for 0.
    static func start(intervalNanoseconds interval: UInt64, logger: Logger) -> Task<Void, Never>? {
        guard interval > 0 else { return nil }
        return Task.detached(priority: .background) {
            var passes = 0
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: interval)
                releaseFreedMemory()
                passes += 1
                logger.debug("Released freed memory", metadata: ["component": "scavenger", "passes": "\(passes)"])
            }
        }
    }
}
