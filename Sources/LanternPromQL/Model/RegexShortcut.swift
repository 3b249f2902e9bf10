/// What an anchored label regex reduces to when it is built from literals and `.*`/`.+`
/// only, so that matching needs no regex engine (Prometheus's `FastRegexMatcher` does
/// the same): `abc`, `a|b|c`, `abc.*`, `.*abc`, `.*abc.*`, `.+abc`, `.*`, `.+`, ...
/// Comparisons are on UTF-8 bytes, as Go compares strings (Swift's `==` would equate
/// canonically equivalent strings, which the regex, matching scalars, does not).
/// `nil` from `init(pattern:)` means "use the regex".
enum RegexShortcut: Sendable, Equatable {
    /// One of these exact strings (`abc`, `a|b|c`; an empty branch is the empty string).
    case oneOf([String])
    /// `literal` with a wildcard on one or both sides; a side without one pins the
    /// literal to that end.
    case around(literal: String, leading: Wildcard, trailing: Wildcard)

    /// `.*` (any string, the empty one included) or `.+` (at least one character).
    enum Wildcard: Sendable, Equatable {
        case none, any, nonEmpty

        var minimumBytes: Int { self == .nonEmpty ? 1 : 0 }
    }

    init?(pattern: String) {
        let scalars = Array(pattern.unicodeScalars)
        if let branches = RegexShortcut.literalBranches(scalars) {
            self = .oneOf(branches)
            return
        }
        var body = scalars[...]
        let leading = RegexShortcut.wildcard(prefixOf: body)
        if leading != .none { body = body.dropFirst(2) }
        let trailing = RegexShortcut.wildcard(suffixOf: body)
        if trailing != .none { body = body.dropLast(2) }
        guard let literal = RegexShortcut.literal(body) else { return nil }
        // Without a literal between them, `.+.+` would count bytes where the regex counts
        // characters; only a lone wildcard (`.*`, `.+`) is taken.
        if literal.isEmpty && trailing != .none { return nil }
        self = .around(literal: literal, leading: leading, trailing: trailing)
    }

    func matches(_ text: String) -> Bool {
        switch self {
        case .oneOf(let literals):
            return literals.contains { text.utf8.elementsEqual($0.utf8) }
        case .around(let literal, let leading, let trailing):
            return RegexShortcut.contains(text, literal, leading: leading, trailing: trailing)
        }
    }

    /// Whether `literal` occurs in `text` where the wildcards on either side allow it.
    /// A non-empty literal starts and ends on character boundaries wherever its bytes
    /// occur in valid UTF-8, so "at least one byte" on a side is "at least one character".
    private static func contains(_ text: String, _ literal: String, leading: Wildcard, trailing: Wildcard) -> Bool {
        var text = text, literal = literal
        return text.withUTF8 { haystack in
            literal.withUTF8 { needle in
                let count = haystack.count, length = needle.count
                func occurs(at start: Int) -> Bool {
                    for index in 0..<length where haystack[start + index] != needle[index] { return false }
                    return true
                }
                switch (leading, trailing) {
                case (.none, .none): return count == length && occurs(at: 0)
                case (.none, _): return count >= length + trailing.minimumBytes && occurs(at: 0)
                case (_, .none): return count >= length + leading.minimumBytes && occurs(at: count - length)
                default:
                    let first = leading.minimumBytes, last = count - length - trailing.minimumBytes
                    guard last >= first else { return false }
                    return (first...last).contains(where: occurs(at:))
                }
            }
        }
    }

    /// `a|b|c` where every branch is a literal (an empty branch matches ""), else nil.
    private static func literalBranches(_ scalars: [Unicode.Scalar]) -> [String]? {
        var branches: [String] = []
        for branch in scalars.split(separator: "|", omittingEmptySubsequences: false) {
            // An escaped `|` was split: `\` ends the branch before it, which `literal` refuses.
            guard let literal = literal(branch) else { return nil }
            if !branches.contains(where: { $0.utf8.elementsEqual(literal.utf8) }) { branches.append(literal) }
        }
        return branches
    }

    private static func wildcard(prefixOf body: ArraySlice<Unicode.Scalar>) -> Wildcard {
        guard body.count >= 2, body.first == "." else { return .none }
        return quantifier(body[body.startIndex + 1])
    }

    private static func wildcard(suffixOf body: ArraySlice<Unicode.Scalar>) -> Wildcard {
        // `\.*` is a literal dot repeated, not a wildcard.
        guard body.count >= 2, body[body.endIndex - 2] == ".", !isEscaped(body, at: body.endIndex - 2) else { return .none }
        return quantifier(body[body.endIndex - 1])
    }

    private static func quantifier(_ scalar: Unicode.Scalar) -> Wildcard {
        switch scalar {
        case "*": return .any
        case "+": return .nonEmpty
        default: return .none
        }
    }

    /// Whether the scalar at `index` is preceded by an odd number of backslashes.
    private static func isEscaped(_ body: ArraySlice<Unicode.Scalar>, at index: Int) -> Bool {
        var backslashes = 0
        var position = index - 1
        while position >= body.startIndex, body[position] == "\\" {
            backslashes += 1
            position -= 1
        }
        return backslashes % 2 == 1
    }

    /// The string a run of literal characters stands for: plain characters and
    /// backslash-escaped ASCII punctuation; nil at any other regex syntax.
    private static func literal(_ body: ArraySlice<Unicode.Scalar>) -> String? {
        var result = String.UnicodeScalarView()
        var index = body.startIndex
        while index < body.endIndex {
            let scalar = body[index]
            if scalar == "\\" {
                index += 1
                guard index < body.endIndex, isEscapablePunctuation(body[index]) else { return nil }
                result.append(body[index])
            } else if isSyntax(scalar) {
                return nil
            } else {
                result.append(scalar)
            }
            index += 1
        }
        return String(result)
    }

    /// Characters with a meaning in RE2 (and Swift's) regex syntax outside a class.
    private static func isSyntax(_ scalar: Unicode.Scalar) -> Bool {
        "\\.+*?()|[]{}^$".unicodeScalars.contains(scalar)
    }

    /// Punctuation a backslash makes literal in both RE2 and Swift's regex syntax
    /// (`\.`, `\-`, `\/`, ...); other escapes (`\d`, `\b`, `\<`) mean something else.
    private static func isEscapablePunctuation(_ scalar: Unicode.Scalar) -> Bool {
        "\\.+*?()|[]{}^$/-_:=,@%&~!'\";# ".unicodeScalars.contains(scalar)
    }
}
