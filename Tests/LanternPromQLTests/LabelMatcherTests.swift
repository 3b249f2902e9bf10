import LanternPromQL
import Testing

/// `=` and `!=` compare label values byte for byte, as Prometheus does: canonically
/// equivalent spellings (U+212A KELVIN SIGN and "K", "é" precomposed and decomposed),
/// equal for Swift's `==`, are different values.
@Suite struct LabelMatcherTests {
    @Test func equalityIsByteExact() throws {
        let letter = try LabelMatcher(.equal, "unit", "K")
        #expect(letter.matches("K") && !letter.matches("\u{212A}"))
        #expect(!(try LabelMatcher(.notEqual, "unit", "K")).matches("K"))
        #expect(try LabelMatcher(.notEqual, "unit", "K").matches("\u{212A}"))
        #expect(!(try LabelMatcher(.equal, "unit", "\u{E9}")).matches("e\u{301}"))
        #expect(try LabelMatcher(.equal, "unit", "e\u{301}").matches("e\u{301}"))
        // Matchers of different spellings are different matchers (parsed-expression caches key on them).
        #expect(letter != (try LabelMatcher(.equal, "unit", "\u{212A}")))
        #expect(letter == (try LabelMatcher(.equal, "unit", "K")))
    }

    @Test func selectorDoesNotSelectAnEquivalentSpelling() throws {
        let storage = MemoryStorage()
        storage.append(Labels(["__name__": "t", "unit": "\u{212A}"]), Point(0, 1))
        func count(_ query: String) throws -> Int {
            guard case .vector(let samples) = try Engine(options: EngineOptions()).instantQuery(query, at: 0, storage: storage).value else { return -1 }
            return samples.count
        }
        #expect(try count(#"t{unit="K"}"#) == 0)
        #expect(try count(#"t{unit!="K"}"#) == 1)
        #expect(try count("t{unit=\"\u{212A}\"}") == 1)
        #expect(try count(#"t{unit="\u212A"}"#) == 1)
    }
}
