import Synchronization

/// The rendered HELP/TYPE lines and sample names of the families of the last
/// `TextEncoder.encode` call that used this cache, by position. One per endpoint whose
/// families stay the same between requests (the exporter's /metrics).
public final class TextEncodingCache: Sendable {
    private let preambles = Mutex<[TextEncoder.FamilyPreamble]>([])

    public init() {}

    /// Takes the kept preambles; a concurrent encode meanwhile starts with none.
    func take() -> [TextEncoder.FamilyPreamble] {
        preambles.withLock { kept in
            defer { kept = [] }
            return kept
        }
    }

    func keep(_ latest: [TextEncoder.FamilyPreamble]) {
        preambles.withLock { $0 = latest }
    }
}
