import Synchronization

/// A `--collector.*-include` regular expression, matched like Go's
/// `regexp.MatchString`: unanchored (a match anywhere counts; anchors come from the
/// pattern itself) and on Unicode scalars rather than grapheme clusters.
public struct IncludeFilter: @unchecked Sendable {
    // @unchecked: a compiled Regex is immutable, but `Regex<AnyRegexOutput>` is not
    // declared Sendable.
    private let regex: Regex<AnyRegexOutput>
    public let pattern: String

    public init(pattern: String) throws(KernelParseError) {
        do {
            regex = try Regex(pattern).matchingSemantics(.unicodeScalar)
        } catch {
            throw KernelParseError("invalid regular expression \"\(pattern)\": \(error)")
        }
        self.pattern = pattern
    }

    /// Results by value: the same device and field names come back on every scrape,
    /// and a Swift `Regex` match costs tens of thousands of instructions.
    private let memo = MatchMemo()

    public func matches(_ value: String) -> Bool {
        if let known = memo.lookup(value) { return known }
        let matched = (try? regex.firstMatch(in: value)) != nil
        memo.store(value, matched)
        return matched
    }
}

/// A bounded, thread-safe cache of match results (collectors run on worker threads).
private final class MatchMemo: Sendable {
    /// Enough for every field and device name of a large host; beyond it, new values
    /// are matched each time instead of growing the cache without end.
    static let capacity = 8192
    private let results = Mutex<[String: Bool]>([:])

    func lookup(_ value: String) -> Bool? {
        results.withLock { $0[value] }
    }

    func store(_ value: String, _ matched: Bool) {
        results.withLock { cache in
            if cache.count < MatchMemo.capacity { cache[value] = matched }
        }
    }
}
