/// A regex compiled the way Prometheus compiles label regexes: anchored at both ends,
/// `.` matching newlines, matched on Unicode scalars like Go's RE2 (not on graphemes).
public final class AnchoredRegex: @unchecked Sendable {
    // Swift's Regex is immutable after construction; sharing it across threads is safe.
    let regex: Regex<AnyRegexOutput>
    public let pattern: String
    /// Set when the pattern is literals and `.*`/`.+` only: matched without the engine.
    let shortcut: RegexShortcut?

    public init(_ pattern: String) throws(RegexError) {
        self.pattern = pattern
        shortcut = RegexShortcut(pattern: pattern)
        do {
            regex = try Regex("^(?s:\(pattern))$").matchingSemantics(.unicodeScalar)
        } catch {
            throw RegexError(pattern: pattern, reason: "\(error)")
        }
    }

    public func matches(_ text: String) -> Bool {
        if let shortcut { return shortcut.matches(text) }
        return matchesByEngine(text)
    }

    /// The regex engine's answer, whatever the shortcut (tests compare the two).
    func matchesByEngine(_ text: String) -> Bool {
        (try? regex.wholeMatch(in: text)) != nil
    }

    /// The whole match and its capture groups, for label_replace's `$1` expansion.
    public func captures(in text: String) -> RegexCaptures? {
        guard let match = try? regex.wholeMatch(in: text) else { return nil }
        return RegexCaptures(match.output)
    }
}

/// Capture groups of one match: index 0 is the whole match.
public struct RegexCaptures: Sendable {
    public let numbered: [String]
    public let named: [String: String]

    public init(numbered: [String], named: [String: String]) {
        self.numbered = numbered
        self.named = named
    }

    /// The groups of a match; a group that did not take part is "", as in Go.
    public init(_ output: AnyRegexOutput) {
        var numbered: [String] = []
        var named: [String: String] = [:]
        for capture in output {
            let value = capture.substring.map(String.init) ?? ""
            numbered.append(value)
            if let name = capture.name { named[name] = value }
        }
        self.init(numbered: numbered, named: named)
    }

    /// Go's `Regexp.Expand` template: `$1`, `${1}`, `$name`, `${name}`, `$$`.
    /// Unknown groups expand to "", as in Go.
    public func expand(_ template: String) -> String {
        var result = ""
        var characters = Array(template.unicodeScalars)[...]
        while let scalar = characters.popFirst() {
            guard scalar == "$", let next = characters.first else {
                result.unicodeScalars.append(scalar)
                continue
            }
            if next == "$" {
                characters.removeFirst()
                result += "$"
                continue
            }
            var name = ""
            if next == "{" {
                guard let close = characters.firstIndex(of: "}") else {
                    result += "$"
                    continue
                }
                name = String(String.UnicodeScalarView(characters[characters.index(after: characters.startIndex)..<close]))
                characters = characters[characters.index(after: close)...]
            } else {
                while let c = characters.first, c == "_" || c.properties.isAlphabetic || ("0"..."9").contains(c) {
                    name.unicodeScalars.append(c)
                    characters.removeFirst()
                }
                if name.isEmpty {
                    result += "$"
                    continue
                }
            }
            result += group(name)
        }
        return result
    }

    private func group(_ name: String) -> String {
        if let index = Int(name) { return index < numbered.count ? numbered[index] : "" }
        return named[name] ?? ""
    }
}

public struct RegexError: Error, Sendable, CustomStringConvertible {
    public let pattern: String
    public let reason: String
    public var description: String { "invalid regular expression \(pattern): \(reason)" }
}
