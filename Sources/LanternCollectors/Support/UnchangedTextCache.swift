import LanternSupport
import Synchronization

/// What was derived from a kernel file's text the last time it was read, handed out again
/// while the file reads the same. For files that rarely change (mountinfo) and cost far
/// more to parse than to compare: comparing two equal texts is one memcmp.
final class UnchangedTextCache<Value: Sendable>: Sendable {
    private let last = Mutex<(text: String, value: Value)?>(nil)

    init() {}

    /// The value derived from `text`: last time's when the text is the same, else `derive`'s
    /// (kept for next time). A failed derivation keeps nothing.
    func value<Failure: Error>(for text: String, derive: (String) throws(Failure) -> Value) throws(Failure) -> Value {
        // Bytes, not Swift's `==` (canonical equivalence): a path spelled differently is
        // another mount point.
        if let known = last.withLock({ $0 }), known.text.utf8Equals(text) { return known.value }
        let value = try derive(text)
        last.withLock { $0 = (text, value) }
        return value
    }
}
