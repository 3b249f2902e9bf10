import LanternSupport

/// One `name op "value"` condition of a selector; regexes are fully anchored, as in Prometheus.
public struct LabelMatcher: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case equal = "="
        case notEqual = "!="
        case regexMatch = "=~"
        case regexNoMatch = "!~"
    }

    public let kind: Kind
    public let name: String
    public let value: String
    private let regex: AnchoredRegex?
    /// Answers per label value for a regex the shortcut cannot take.
    private let memo: RegexMatchMemo?
    /// Whether the matcher accepts a series that lacks the label (an empty value).
    public private(set) var matchesEmpty = false

    /// Throws `RegexError` when a regex matcher's pattern does not compile.
    public init(_ kind: Kind, _ name: String, _ value: String) throws(RegexError) {
        self.kind = kind
        self.name = name
        self.value = value
        switch kind {
        case .equal, .notEqual: regex = nil
        case .regexMatch, .regexNoMatch: regex = try AnchoredRegex(value)
        }
        memo = regex != nil && regex!.shortcut == nil ? RegexMatchMemo() : nil
        matchesEmpty = matches("")
    }

    public func matches(_ candidate: String) -> Bool {
        switch kind {
        // Bytes, as Prometheus compares: Swift's `==` would select "\u{212A}" by {x="K"}.
        case .equal: return candidate.utf8Equals(value)
        case .notEqual: return !candidate.utf8Equals(value)
        case .regexMatch: return regexMatches(candidate)
        case .regexNoMatch: return !regexMatches(candidate)
        }
    }

    private func regexMatches(_ candidate: String) -> Bool {
        if let memo { return memo.matches(candidate, by: regex!) }
        return regex!.matches(candidate)
    }

    public static func == (lhs: LabelMatcher, rhs: LabelMatcher) -> Bool {
        lhs.kind == rhs.kind && lhs.name == rhs.name && lhs.value.utf8Equals(rhs.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(name)
        hasher.combine(value)
    }

    public var description: String { "\(name)\(kind.rawValue)\(goQuote(value))" }
}

extension Labels {
    public func matches(_ matchers: [LabelMatcher]) -> Bool {
        matchers.allSatisfy { $0.matches(value($0.name)) }
    }
}
