import Synchronization

/// The rendered HELP/TYPE lines and sample names of the families of the last
/// `TextEncoder.encode` call that used this cache, by position, and the size of its
/// output. One per endpoint whose families stay the same between requests (the
/// exporter's /metrics).
public final class TextEncodingCache: Sendable {
    private let kept = Mutex<(preambles: [TextEncoder.FamilyPreamble], size: Int)>(([], 0))

    public init() {}

    /// Takes the kept preambles and the last output size; a concurrent encode meanwhile
    /// starts with none.
    func take() -> (preambles: [TextEncoder.FamilyPreamble], size: Int) {
        kept.withLock { kept in
            defer { kept.preambles = [] }
            return kept
        }
    }

    func keep(_ latest: [TextEncoder.FamilyPreamble], size: Int) {
        kept.withLock { $0 = (latest, size) }
    }
}
