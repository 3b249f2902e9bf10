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

    public func matches(_ value: String) -> Bool {
        (try? regex.firstMatch(in: value)) != nil
    }
}
