import Synchronization

/// /proc/net/netstat as the netstat collector last read it, for the process collector's
/// `process_network_*` octets (its IpExt row): the kernel sums every TcpExt counter over
/// all processors to render the file (~70 µs, ~3% of a scrape here), and the process
/// collector runs after the other collectors of the same scrape. A text is taken once,
/// and only while fresh, so a scrape without the netstat collector reads the file itself.
public final class RecentNetstatText: Sendable {
    /// What this process's collectors share (both read the exporter's own network namespace).
    public static let shared = RecentNetstatText()

    /// Older texts are not used: they come from an earlier scrape.
    static let freshNanoseconds: UInt64 = 500_000_000

    private let latest = Mutex<(text: String, readAt: UInt64)?>(nil)

    public init() {}

    /// Offers `text`, just read from /proc/net/netstat of the exporter's own /proc.
    public func publish(_ text: String) {
        let now = monotonicNanoseconds()
        latest.withLock { $0 = (text, now) }
    }

    /// The published text when it is fresh; it is taken, so the next scrape reads anew.
    public func take() -> String? {
        let now = monotonicNanoseconds()
        guard let latest = latest.withLock({ value in defer { value = nil }; return value }) else { return nil }
        return now &- latest.readAt < Self.freshNanoseconds ? latest.text : nil
    }
}
