@testable import LanternPromQL
import Testing

/// The regex shortcuts must answer exactly as the anchored regex would, on every value.
@Suite struct RegexShortcutTests {
    /// Values chosen to sit on every edge: empty, one character, multi-byte characters,
    /// a canonically equivalent spelling, newlines, the literal at either end or twice.
    private static let values = [
        "", "a", "b", "ab", "abc", "abcd", "xabc", "xabcx", "abcabc", "bc", "ABC", "é", "e\u{301}", "aé",
        "éabc", "abcé", "\n", "abc\n", "\nabc", "a.c", "a-c", "a/c", "a|b", "/api/v1/h0", "/api/v1/h01",
        "/api/v1/h1", "/api/v1/h0x", "bench_", "bench_x", "bench_http_requests_total", "bench", "foo", "bar",
        "foobar", "K", "\u{212A}", "a\\b", "a b", ".", "..", "a*", "aa", "é\u{301}", "\u{1F600}",
    ] + "#@%;\"'~!&,=:_".map { "a\($0)b" }

    private static let shortcutPatterns = [
        "abc", "", "a|b|c", "abc|", "|abc", "foo|bar|foo", "abc.*", "abc.+", ".*abc", ".+abc", ".*abc.*", ".+abc.+",
        ".+abc.*", ".*abc.+", ".*", ".+", "/api/v1/h0.*", "bench_.+", "a\\.c", "a\\.c.*", "a\\-c", "a\\/c", "a\\|b",
        "é", "é.*", ".*é", "K", "a b", "a\\\\b", "\\..*",
    ] + "# #@%;\"'~!&,=:_".map { "a\\\($0)b" }

    /// Patterns the shortcut must refuse: the regex engine answers them.
    private static let enginePatterns = [
        "a+", "a*", "a?", "(abc)", "[ab]", "a{2}", "^abc", "abc$", "\\d", "\\w+", "\\babc", "(?i)abc", ".*.*", ".+.+",
        ".*?abc", "a.c", "\\.*", "a|b.*", ".*a|b", "\\<a",
    ]

    @Test(arguments: shortcutPatterns)
    func shortcutAgreesWithTheRegex(_ pattern: String) throws {
        let regex = try AnchoredRegex(pattern)
        #expect(regex.shortcut != nil, "no shortcut for \(pattern)")
        for value in Self.values {
            #expect(regex.matches(value) == regex.matchesByEngine(value), "\(pattern) on \(value.unicodeScalars.map(\.value))")
        }
    }

    @Test(arguments: enginePatterns)
    func otherSyntaxIsLeftToTheEngine(_ pattern: String) throws {
        let regex = try AnchoredRegex(pattern)
        #expect(regex.shortcut == nil, "shortcut taken for \(pattern)")
    }

    @Test func shapes() {
        #expect(RegexShortcut(pattern: "a|b|a") == .oneOf(["a", "b"]))
        #expect(RegexShortcut(pattern: "x.*") == .around(literal: "x", leading: .none, trailing: .any))
        #expect(RegexShortcut(pattern: ".+") == .around(literal: "", leading: .nonEmpty, trailing: .none))
        #expect(RegexShortcut(pattern: "a\\.b") == .oneOf(["a.b"]))
    }

    /// Matchers memoize engine answers per value; the memo must never answer for a
    /// canonically equivalent spelling with other bytes.
    @Test func memoizedMatcherAnswersPerExactValue() throws {
        let matcher = try LabelMatcher(.regexMatch, "x", "e\u{301}+")
        for _ in 0..<2 {
            #expect(matcher.matches("e\u{301}"))
            #expect(!matcher.matches("é"))
            #expect(!matcher.matchesEmpty)
        }
        let negated = try LabelMatcher(.regexNoMatch, "x", "(a|b)+")
        #expect(negated.matchesEmpty)
        #expect(!negated.matches("abab"))
        #expect(negated.matches("abc"))
    }
}
