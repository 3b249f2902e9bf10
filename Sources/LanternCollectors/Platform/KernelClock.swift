import Glibc
import LanternMetrics

/// adjtimex(2) without a C module: Glibc's Swift overlay does not import <sys/timex.h>,
/// so the function is looked up by name and `struct timex` is read at its LP64 offsets
/// (the same layout on x86_64 and arm64, as Go's `unix.Timex`).
enum KernelClock {
    private typealias Adjtimex = @convention(c) (UnsafeMutableRawPointer) -> Int32

    /// `struct timex` is 208 bytes on LP64; the buffer is larger to be safe.
    private static let bufferSize = 256
    /// Byte offsets of the fields read.
    private enum Offset {
        static let offset = 8, freq = 16, maxerror = 24, esterror = 32, status = 40, constant = 48, tick = 88
        static let ppsfreq = 96, jitter = 104, shift = 112, stabil = 120, jitcnt = 128, calcnt = 136, errcnt = 144
        static let stbcnt = 152, tai = 160
    }

    private static let function: Adjtimex? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "adjtimex") else { return nil }
        return unsafeBitCast(symbol, to: Adjtimex.self)
    }()

    /// One reading with `modes` 0 (read only); nil when the call is not permitted.
    static func read() throws -> TimexCollector.Reading? {
        #if !(arch(x86_64) || arch(arm64))
        throw CollectorError("timex: struct timex layout unknown on this architecture")
        #else
        guard let function else { throw CollectorError("failed to retrieve adjtimex stats: adjtimex not found in libc") }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bufferSize, alignment: 8)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: bufferSize)
        let state = function(buffer)
        guard state >= 0 else {
            let code = errno
            if code == EPERM || code == EACCES { return nil }
            throw CollectorError("failed to retrieve adjtimex stats: \(String(cString: strerror(code)))")
        }
        func long(_ offset: Int) -> Int { buffer.load(fromByteOffset: offset, as: Int.self) }
        func int(_ offset: Int) -> Int32 { buffer.load(fromByteOffset: offset, as: Int32.self) }
        return TimexCollector.Reading(
            clockState: state, status: Int(int(Offset.status)), offset: long(Offset.offset), frequency: long(Offset.freq),
            maxError: long(Offset.maxerror), estimatedError: long(Offset.esterror), constant: long(Offset.constant),
            tick: long(Offset.tick), ppsFrequency: long(Offset.ppsfreq), jitter: long(Offset.jitter), shift: int(Offset.shift),
            stability: long(Offset.stabil), jitterCount: long(Offset.jitcnt), calibrationCount: long(Offset.calcnt),
            errorCount: long(Offset.errcnt), stabilityCount: long(Offset.stbcnt), tai: int(Offset.tai))
        #endif
    }
}
