import LanternMetrics
import LanternPromQL
import LanternSupport
import Testing

/// `utf8Equals`, `utf8Compare` and `utf8Precedes` (LanternSupport) and `Labels` `==`/`<`
/// built on them answer as a comparison of the UTF-8 bytes does (Go's, Prometheus'), whether
/// the two strings share storage, are separate copies, small (inline) or large.
@Suite struct ByteComparisonTests {
    static let spellings: [String] = [
        "", "a", "abc", "abcd", "abd", "z", "K", "\u{212A}", "\u{E9}", "e\u{301}",
        "a\u{301}\u{316}", "a\u{316}\u{301}", "\u{FFFF}", "\u{10000}", "\u{1F600}",
        "127.0.0.1:40000",  // 15 bytes: the longest inline (small) string
        "/api/v1/handler0",  // 16 bytes: stored out of line
        String(repeating: "x", count: 100), String(repeating: "x", count: 99) + "y",
        String(repeating: "x", count: 99) + "\u{E9}", String(repeating: "x", count: 99) + "e\u{301}",
    ]

    /// Each spelling as itself, as a copy sharing its storage, and as a fresh string with
    /// its own storage holding the same bytes.
    static var variants: [String] {
        spellings.flatMap { spelling -> [String] in
            let shared = spelling
            let ownStorage = String(decoding: Array(spelling.utf8), as: UTF8.self)
            let fromSubstring = String(("-" + spelling).dropFirst())
            return [spelling, shared, ownStorage, fromSubstring]
        }
    }

    static func referenceCompare(_ a: String, _ b: String) -> Int {
        let x = Array(a.utf8), y = Array(b.utf8)
        if x == y { return 0 }
        return x.lexicographicallyPrecedes(y) ? -1 : 1
    }

    @Test func stringComparisonsAgreeWithTheirBytes() {
        let variants = Self.variants
        for a in variants {
            for b in variants {
                let expected = Self.referenceCompare(a, b)
                #expect(a.utf8Equals(b) == (expected == 0), "utf8Equals \(Array(a.utf8)) \(Array(b.utf8))")
                #expect(a.utf8Compare(b).signum() == expected, "utf8Compare \(Array(a.utf8)) \(Array(b.utf8))")
                #expect(a.utf8Precedes(b) == (expected < 0), "utf8Precedes \(Array(a.utf8)) \(Array(b.utf8))")
            }
        }
    }

    @Test func canonicallyEquivalentSpellingsDifferByBytes() {
        // Swift's `==` holds these equal; byte comparison must not.
        #expect("K" == "\u{212A}" && !"K".utf8Equals("\u{212A}"))
        #expect("\u{E9}" == "e\u{301}" && !"\u{E9}".utf8Equals("e\u{301}"))
        // Same length, same canonical form, different bytes: combining marks reordered.
        #expect("a\u{301}\u{316}" == "a\u{316}\u{301}" && !"a\u{301}\u{316}".utf8Equals("a\u{316}\u{301}"))
        #expect("K".utf8Compare("\u{212A}") < 0 && "e\u{301}".utf8Compare("\u{E9}") < 0)
    }

    @Test func labelSetsCompareByBytesWhetherOrNotTheyShareStorage() {
        func labels(_ unit: String, _ handler: String) -> Labels {
            Labels([Label("__name__", "t"), Label("handler", handler), Label("unit", unit)])
        }
        let handler = "/api/v1/handler0"
        let original = labels("K", handler)
        let sharedCopy = original
        let separate = labels(String(decoding: Array("K".utf8), as: UTF8.self), String(decoding: Array(handler.utf8), as: UTF8.self))
        #expect(original == sharedCopy && original == separate)
        #expect(!(original < separate) && !(separate < original))

        let kelvin = labels("\u{212A}", handler)
        #expect(original != kelvin)
        #expect(original < kelvin && !(kelvin < original))  // "K" 0x4B before 0xE2 0x84 0xAA
        #expect(labels("e\u{301}", handler) != labels("\u{E9}", handler))

        // Sorting many sets agrees with sorting their bytes.
        let sets = Self.spellings.flatMap { unit in [labels(unit, handler), labels(unit, "/api/v1/handler1"), labels(unit, "h")] }
        func bytes(_ set: Labels) -> [[UInt8]] { set.pairs.flatMap { [Array($0.name.utf8), Array($0.value.utf8)] } }
        let byReference = sets.sorted { bytes($0).lexicographicallyPrecedes(bytes($1)) { $0.lexicographicallyPrecedes($1) } }
        #expect(sets.sorted().map(bytes) == byReference.map(bytes))
    }
}
